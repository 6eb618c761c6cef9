#pragma once
// kubesim: who is calling (client certificate CN/O signed by the lab CA, or a bearer token from a
// kube-apiserver style token file) and what they may do (system:masters: everything; others: read only).

#include <QHash>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <optional>

class QSslSocket;

namespace kubesim {

struct UserInfo {
    QString name;
    QStringList groups;
    bool isAdmin() const { return groups.contains(u"system:masters"_qs); }
};

class Authenticator {
public:
    /// Reads a token file in kube-apiserver's --token-auth-file format: token,user,uid[,"group1,group2"].
    bool loadTokens(const QString &path, QString *error);
    void setCa(const QSslCertificate &ca) { m_ca = ca; }
    /// The user for a request: client certificate first, then the Authorization header.
    std::optional<UserInfo> authenticate(QSslSocket *socket, const QByteArray &authorizationHeader) const;
    /// Read-only verbs are allowed to every authenticated user; the rest needs system:masters.
    static bool allowed(const UserInfo &user, const QString &verb);

private:
    QHash<QString, UserInfo> m_tokens;
    mutable QHash<QByteArray, UserInfo> m_certUsers; // verified client certificates by SHA-256 digest
    QSslCertificate m_ca;
};

} // namespace kubesim
