#include "selector.h"

#include <QRegularExpression>

namespace kubesim {

namespace {

// Splits at commas that are not inside parentheses.
QStringList splitTopLevel(const QString &text, bool *balanced)
{
    QStringList parts;
    QString cur;
    int depth = 0;
    *balanced = true;
    for (QChar c : text) {
        if (c == u'(')
            ++depth;
        if (c == u')' && --depth < 0)
            *balanced = false;
        if (c == u',' && depth == 0) {
            parts << cur;
            cur.clear();
            continue;
        }
        cur += c;
    }
    parts << cur;
    if (depth != 0)
        *balanced = false;
    return parts;
}

bool validKey(const QString &key)
{
    // [prefix/]name, name: alphanumerics, '-', '_', '.', starting and ending with an alphanumeric.
    static const QRegularExpression re(
        QStringLiteral("^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"));
    return key.size() <= 316 && re.match(key).hasMatch();
}

bool validValue(const QString &value)
{
    static const QRegularExpression re(QStringLiteral("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$"));
    return value.size() <= 63 && re.match(value).hasMatch();
}

} // namespace

std::optional<LabelSelector> LabelSelector::parse(const QString &text, QString *error)
{
    LabelSelector sel;
    if (text.trimmed().isEmpty())
        return sel;
    bool balanced = true;
    const QStringList parts = splitTopLevel(text, &balanced);
    if (!balanced) {
        *error = QStringLiteral("unable to parse requirement: unbalanced parentheses in \"%1\"").arg(text);
        return std::nullopt;
    }
    static const QRegularExpression setRe(QStringLiteral("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$"));
    for (const QString &raw : parts) {
        const QString part = raw.trimmed();
        LabelRequirement req;
        QRegularExpressionMatch m = setRe.match(part);
        if (m.hasMatch()) {
            req.key = m.captured(1);
            req.op = m.captured(2) == u"in" ? LabelRequirement::In : LabelRequirement::NotIn;
            for (const QString &v : m.captured(3).split(u','))
                req.values << v.trimmed();
            if (req.values.size() == 1 && req.values.first().isEmpty() && req.op == LabelRequirement::In) {
                *error
                    = QStringLiteral("unable to parse requirement: for 'in', 'notin' operators, values set "
                                     "can't be empty (in \"%1\")")
                          .arg(part);
                return std::nullopt;
            }
        } else if (part.startsWith(u'!')) {
            req.key = part.mid(1).trimmed();
            req.op = LabelRequirement::DoesNotExist;
        } else if (int i = part.indexOf(QStringLiteral("!=")); i > 0) {
            req.key = part.left(i).trimmed();
            req.op = LabelRequirement::NotEquals;
            req.values << part.mid(i + 2).trimmed();
        } else if (int j = part.indexOf(u'='); j > 0) {
            req.key = part.left(j).trimmed();
            req.op = LabelRequirement::Equals;
            QString v = part.mid(j + 1);
            if (v.startsWith(u'='))
                v = v.mid(1);
            req.values << v.trimmed();
        } else {
            req.key = part;
            req.op = LabelRequirement::Exists;
        }
        if (!validKey(req.key)) {
            *error = QStringLiteral("unable to parse requirement: invalid label key \"%1\" in \"%2\"")
                         .arg(req.key, part);
            return std::nullopt;
        }
        for (const QString &v : std::as_const(req.values)) {
            if (!validValue(v)) {
                *error = QStringLiteral("unable to parse requirement: invalid label value: \"%1\": at key: "
                                        "\"%2\"")
                             .arg(v, req.key);
                return std::nullopt;
            }
        }
        sel.m_reqs << req;
    }
    return sel;
}

bool LabelSelector::matches(const QJsonObject &labels) const
{
    for (const LabelRequirement &r : m_reqs) {
        const bool has = labels.contains(r.key);
        const QString v = labels.value(r.key).toString();
        switch (r.op) {
        case LabelRequirement::Exists:
            if (!has)
                return false;
            break;
        case LabelRequirement::DoesNotExist:
            if (has)
                return false;
            break;
        case LabelRequirement::Equals:
        case LabelRequirement::In:
            if (!has || !r.values.contains(v))
                return false;
            break;
        case LabelRequirement::NotEquals:
        case LabelRequirement::NotIn:
            if (has && r.values.contains(v))
                return false;
            break;
        }
    }
    return true;
}

std::optional<FieldSelector> FieldSelector::parse(const QString &text, QString *error)
{
    FieldSelector sel;
    if (text.trimmed().isEmpty())
        return sel;
    // Split on unescaped commas, keeping escapes for the operator scan below.
    QStringList terms;
    QString cur;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == u'\\' && i + 1 < text.size()) {
            cur += text[i];
            cur += text[++i];
        } else if (text[i] == u',') {
            terms << cur;
            cur.clear();
        } else {
            cur += text[i];
        }
    }
    terms << cur;
    for (const QString &term : std::as_const(terms)) {
        FieldRequirement req;
        qsizetype opPos = -1;
        qsizetype opLen = 0;
        for (qsizetype i = 0; i < term.size(); ++i) {
            if (term[i] == u'\\') {
                ++i;
                continue;
            }
            if (term.mid(i, 2) == u"!=") {
                opPos = i, opLen = 2, req.negated = true;
                break;
            }
            if (term.mid(i, 2) == u"==") {
                opPos = i, opLen = 2;
                break;
            }
            if (term[i] == u'=') {
                opPos = i, opLen = 1;
                break;
            }
        }
        if (opPos <= 0) {
            *error = QStringLiteral("invalid selector: '%1'; can't understand '%2'").arg(text, term);
            return std::nullopt;
        }
        req.key = term.left(opPos).trimmed();
        QString value;
        const QString rawValue = term.mid(opPos + opLen);
        for (qsizetype i = 0; i < rawValue.size(); ++i) {
            if (rawValue[i] == u'\\' && i + 1 < rawValue.size())
                ++i;
            value += rawValue[i];
        }
        req.value = value;
        sel.m_reqs << req;
    }
    return sel;
}

QString FieldSelector::unsupportedKey(const QStringList &supported) const
{
    for (const FieldRequirement &r : m_reqs) {
        if (!supported.contains(r.key))
            return r.key;
    }
    return {};
}

bool FieldSelector::matches(const std::function<QString(const QString &)> &fieldValue) const
{
    for (const FieldRequirement &r : m_reqs) {
        const bool eq = fieldValue(r.key) == r.value;
        if (eq == r.negated)
            return false;
    }
    return true;
}

} // namespace kubesim
