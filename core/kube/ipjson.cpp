#include "core/kube/ipjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace lbs::kube {
namespace {

Result<QJsonArray> array(const QByteArray &json, const char *what)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (!doc.isArray())
        return Error {std::string("output of `") + what + "` is not a JSON array ("
                + pe.errorString().toStdString() + ")",
            {}, "the node's iproute2 may be too old for -j (needs iproute2 >= 4.14)"};
    return doc.array();
}

} // namespace

bool IpInterface::hasAddress(const QString &ip) const
{
    for (const IpAddress &a : addresses) {
        if (a.local == ip)
            return true;
    }
    return false;
}

Result<QList<IpInterface>> parseIpAddr(const QByteArray &json)
{
    auto arr = array(json, "ip -j addr");
    if (!arr)
        return arr.error();
    QList<IpInterface> out;
    for (const QJsonValue &v : *arr) {
        const QJsonObject o = v.toObject();
        IpInterface i;
        i.index = o.value(QStringLiteral("ifindex")).toInt();
        i.name = o.value(QStringLiteral("ifname")).toString();
        i.mac = o.value(QStringLiteral("address")).toString();
        i.operState = o.value(QStringLiteral("operstate")).toString();
        for (const QJsonValue &a : o.value(QStringLiteral("addr_info")).toArray()) {
            const QJsonObject ao = a.toObject();
            if (ao.value(QStringLiteral("local")).toString().isEmpty())
                continue;
            i.addresses << IpAddress {ao.value(QStringLiteral("family")).toString(),
                ao.value(QStringLiteral("local")).toString(), ao.value(QStringLiteral("prefixlen")).toInt()};
        }
        if (!i.name.isEmpty())
            out << i;
    }
    return out;
}

Result<QList<IpRoute>> parseIpRoute(const QByteArray &json)
{
    auto arr = array(json, "ip -j route");
    if (!arr)
        return arr.error();
    QList<IpRoute> out;
    for (const QJsonValue &v : *arr) {
        const QJsonObject o = v.toObject();
        out << IpRoute {o.value(QStringLiteral("dst")).toString(), o.value(QStringLiteral("dev")).toString(),
            o.value(QStringLiteral("gateway")).toString(), o.value(QStringLiteral("type")).toString()};
    }
    return out;
}

} // namespace lbs::kube
