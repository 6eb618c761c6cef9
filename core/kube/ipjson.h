#pragma once

#include "core/common/error.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace lbs::kube {

/// One address of `ip -j addr`.
struct IpAddress {
    QString family; ///< inet | inet6
    QString local;
    int prefixLength = 0;
};

/// One interface of `ip -j addr`.
struct IpInterface {
    int index = 0;
    QString name;
    QString mac;
    QString operState;
    QList<IpAddress> addresses;
    bool hasAddress(const QString &ip) const;
};

/// One route of `ip -j route`.
struct IpRoute {
    QString dst; ///< "default", "192.0.2.2", "192.0.2.0/26"
    QString dev;
    QString gateway;
    QString type; ///< unicast (empty) | blackhole | local ...
};

/// Parses `ip -j addr` output; errors name what was wrong (not JSON, wrong shape).
Result<QList<IpInterface>> parseIpAddr(const QByteArray &json);
/// Parses `ip -j route` output.
Result<QList<IpRoute>> parseIpRoute(const QByteArray &json);

} // namespace lbs::kube
