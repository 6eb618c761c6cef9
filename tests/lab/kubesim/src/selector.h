#pragma once
// kubesim: Kubernetes label and field selectors (the ?labelSelector= and ?fieldSelector= query parameters),
// parsed with the apimachinery grammar and matched against objects.

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace kubesim {

/// One requirement of a label selector, e.g. `app in (web,api)` or `!canary`.
struct LabelRequirement {
    enum Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };
    QString key;
    Op op = Exists;
    QStringList values;
};

class LabelSelector {
public:
    /// Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`. An empty string selects everything.
    /// On a syntax error returns nothing and sets *error to a message naming the bad part.
    static std::optional<LabelSelector> parse(const QString &text, QString *error);
    /// True when every requirement holds for the labels (a JSON object of string values).
    bool matches(const QJsonObject &labels) const;
    bool isEmpty() const { return m_reqs.isEmpty(); }
    const QList<LabelRequirement> &requirements() const { return m_reqs; }

private:
    QList<LabelRequirement> m_reqs;
};

/// One requirement of a field selector: `key=value`, `key==value` or `key!=value`.
struct FieldRequirement {
    QString key;
    bool negated = false;
    QString value;
};

class FieldSelector {
public:
    /// Parses a comma-separated list of field requirements (backslash escapes `\,` `\=` `\\`).
    static std::optional<FieldSelector> parse(const QString &text, QString *error);
    /// Checks every key against the supported ones; returns the first unsupported key or an empty string.
    QString unsupportedKey(const QStringList &supported) const;
    /// True when every requirement holds; fieldValue returns the object's value for a key.
    bool matches(const std::function<QString(const QString &)> &fieldValue) const;
    bool isEmpty() const { return m_reqs.isEmpty(); }
    const QList<FieldRequirement> &requirements() const { return m_reqs; }

private:
    QList<FieldRequirement> m_reqs;
};

} // namespace kubesim
