#include "authenticator.h"

#include <QFile>
#include <QSslSocket>

namespace kubesim {

bool Authenticator::loadTokens(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read token file %1: %2").arg(path, f.errorString());
        return false;
    }
    m_tokens.clear();
    int lineNo = 0;
    while (!f.atEnd()) {
        ++lineNo;
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        // token,user,uid[,"g1,g2"]
        const qsizetype quote = line.indexOf(u'"');
        const QString head = quote < 0 ? line : line.left(quote);
        QStringList fields = head.split(u',');
        if (fields.size() < 3 || fields[0].isEmpty() || fields[1].isEmpty()) {
            *error = QStringLiteral("%1:%2: expected token,user,uid[,\"groups\"]").arg(path).arg(lineNo);
            return false;
        }
        UserInfo u {fields[1], {}};
        if (quote >= 0)
            u.groups = line.mid(quote + 1).remove(u'"').split(u',', Qt::SkipEmptyParts);
        u.groups << u"system:authenticated"_qs;
        m_tokens.insert(fields[0], u);
    }
    return true;
}

std::optional<UserInfo> Authenticator::authenticate(QSslSocket *socket, const QByteArray &authorization) const
{
    const QList<QSslCertificate> chain = socket->peerCertificateChain();
    if (!chain.isEmpty() && !m_ca.isNull()) {
        // QSslCertificate::verify() costs ~0.5 s (it builds a fresh X509 store), so results are cached per
        // certificate digest; a cert that fails verification is never cached.
        const QSslCertificate &leaf = chain.first();
        const QByteArray digest = leaf.digest(QCryptographicHash::Sha256);
        if (const auto hit = m_certUsers.constFind(digest); hit != m_certUsers.cend())
            return *hit;
        QList<QSslCertificate> toVerify = chain;
        if (!toVerify.contains(m_ca))
            toVerify << m_ca;
        const QList<QSslError> errors = QSslCertificate::verify(toVerify);
        if (errors.isEmpty() && leaf.issuerDisplayName() == m_ca.subjectDisplayName()) {
            UserInfo u {leaf.subjectInfo(QSslCertificate::CommonName).value(0),
                leaf.subjectInfo(QSslCertificate::Organization)};
            u.groups << u"system:authenticated"_qs;
            if (!u.name.isEmpty()) {
                m_certUsers.insert(digest, u);
                return u;
            }
        }
    }
    if (authorization.startsWith("Bearer ")) {
        const QString token = QString::fromUtf8(authorization.mid(7).trimmed());
        const auto it = m_tokens.constFind(token);
        if (it != m_tokens.cend())
            return *it;
    }
    return std::nullopt;
}

bool Authenticator::allowed(const UserInfo &user, const QString &verb)
{
    if (user.isAdmin())
        return true;
    return verb == u"get" || verb == u"list" || verb == u"watch";
}

} // namespace kubesim
