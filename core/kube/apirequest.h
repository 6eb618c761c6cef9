#pragma once
// The one place an API request (REST call or watch) gets its URL, TLS settings, credentials and
// headers, for KubeClient's request() and watch().

#include "core/kube/kubeclient.h"

#include <QNetworkRequest>

namespace lbs::kube {

/// A request to `path` with the cluster's TLS settings and `auth`'s credentials, asking for JSON.
/// Redirects are never followed: Qt would resend the credentials to wherever they point.
inline QNetworkRequest apiRequest(
    const KubeClient &client, const QString &path, const QUrlQuery &query, const RequestAuth &auth)
{
    QNetworkRequest req(client.url(path, query));
    req.setSslConfiguration(client.sslConfiguration(auth));
    if (!client.context().cluster.tlsServerName.isEmpty())
        req.setPeerVerifyName(client.context().cluster.tlsServerName);
    for (const auto &h : auth.headers)
        req.setRawHeader(h.first, h.second);
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("User-Agent", "lbscope/0.1");
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    return req;
}

} // namespace lbs::kube
