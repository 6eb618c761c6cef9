#include "topologyscene.h"

#include "ui/cluster/topologycarditem.h"
#include "ui/cluster/topologyportitem.h"
#include "ui/cluster/topologystyle.h"

#include <QGraphicsPathItem>
#include <QGraphicsSimpleTextItem>
#include <QRegularExpression>

#include <algorithm>

namespace lbs::ui {

using namespace topology;
using Line = TopologyCardItem::Line;

namespace {

// An item with the y it would like (beside what it links to); columns keep that order.
struct Placed {
    QGraphicsObject *item;
    qreal wantedY;
};

qreal widthOf(QGraphicsObject *item)
{
    if (auto *c = qobject_cast<TopologyCardItem *>(item))
        return c->naturalWidth();
    return static_cast<TopologyPortItem *>(item)->naturalWidth();
}

void setWidthOf(QGraphicsObject *item, qreal w)
{
    if (auto *c = qobject_cast<TopologyCardItem *>(item))
        c->setWidth(w);
    else
        static_cast<TopologyPortItem *>(item)->setWidth(w);
}

qreal itemHeight(QGraphicsObject *item)
{
    if (auto *c = qobject_cast<TopologyCardItem *>(item))
        return c->boundingRect().height() - c->pen().widthF();
    return item->boundingRect().height() - 4;
}

// Stacks a column top-down at x: each item at its wanted y unless the previous one is in the way.
qreal placeColumn(const QList<Placed> &items, qreal x)
{
    qreal width = 0;
    for (const Placed &p : items)
        width = std::max(width, widthOf(p.item));
    qreal nextFree = kMargin;
    for (const Placed &p : items) {
        setWidthOf(p.item, width);
        const qreal y = std::max(p.wantedY, nextFree);
        p.item->setPos(x, y);
        nextFree = y + itemHeight(p.item) + kRowGap;
    }
    return width;
}

qreal itemWidth(QGraphicsObject *item)
{
    if (auto *c = qobject_cast<TopologyCardItem *>(item))
        return c->boundingRect().width() - c->pen().widthF();
    return item->boundingRect().width() - 4;
}

QPointF leftMid(QGraphicsObject *item)
{
    return item->pos() + QPointF(0, itemHeight(item) / 2);
}

QPointF rightMid(QGraphicsObject *item)
{
    return item->pos() + QPointF(itemWidth(item), itemHeight(item) / 2);
}

} // namespace

TopologyScene::TopologyScene(QObject *parent) : QGraphicsScene(parent)
{
    setBackgroundBrush(Qt::white);
}

TopologyCardItem *TopologyScene::addCard(
    const QString &kind, const QString &title, const QStringList &lines, bool problem, bool holder)
{
    QList<Line> ls;
    for (const QString &l : lines) {
        // A line starting with "!" is a problem line (drawn red); "~" a secondary one.
        if (l.startsWith(QLatin1Char('!')))
            ls << Line {l.mid(1), problemColor()};
        else if (l.startsWith(QLatin1Char('~')))
            ls << Line {l.mid(1), mutedTextColor()};
        else
            ls << Line {l, textColor()};
    }
    const QPen pen(problem ? problemColor()
            : holder       ? holderColor()
                           : cardBorderColor(),
        problem || holder ? 2.5 : 1.2);
    const QBrush brush(problem ? problemFill() : holder ? holderFill() : cardFill());
    auto *card = new TopologyCardItem(kind, title, ls, pen, brush);
    addItem(card);
    m_cards << card;
    return card;
}

void TopologyScene::addEdge(QPointF from, QPointF to, const QPen &pen)
{
    QPainterPath path(from);
    const qreal dx = (to.x() - from.x()) / 2;
    path.cubicTo(from + QPointF(dx, 0), to - QPointF(dx, 0), to);
    auto *edge = addPath(path, pen);
    edge->setZValue(-1);
}

void TopologyScene::showMessage(const QString &text)
{
    clear();
    m_cards.clear();
    m_ports.clear();
    auto *item = addSimpleText(text, labelFont());
    item->setBrush(mutedTextColor());
    item->setPos(kMargin, kMargin);
    setSceneRect(itemsBoundingRect().adjusted(-kMargin, -kMargin, kMargin, kMargin));
}

void TopologyScene::setResult(const kube::LocateResult &r)
{
    clear();
    m_cards.clear();
    m_ports.clear();
    m_result = r;
    QStringList holders = r.holders;
    if (holders.isEmpty() && !r.holderNode.isEmpty())
        holders << r.holderNode;
    const bool noHolder = holders.isEmpty();
    const bool several = holders.size() > 1;

    // Column 0: the VIP, and the problems under it.
    QStringList vipLines {QStringLiteral("service %1/%2").arg(r.nameSpace, r.service)};
    if (!r.ports.isEmpty())
        vipLines << QStringLiteral("ports ") + r.ports.join(QStringLiteral(", "));
    if (!r.externalTrafficPolicy.isEmpty())
        vipLines << QStringLiteral("externalTrafficPolicy ") + r.externalTrafficPolicy;
    vipLines << QStringLiteral("located by: ") + (r.method.isEmpty() ? QStringLiteral("?") : r.method);
    if (noHolder)
        vipLines << QStringLiteral("!VIP on no node");
    if (several)
        vipLines << QStringLiteral("!VIP on %1 nodes: %2")
                        .arg(holders.size())
                        .arg(holders.join(QStringLiteral(", ")));
    if (holders.size() != 1) {
        for (const QString &e : r.evidence) {
            for (const QString &w : wrapText(e))
                vipLines << QLatin1Char('~') + w;
        }
    }
    auto *vip = addCard(QStringLiteral("vip"),
        QStringLiteral("VIP ") + (r.vip.isEmpty() ? QStringLiteral("<pending>") : r.vip), vipLines,
        noHolder || several);
    QList<Placed> col0 {{vip, kMargin}};
    if (!r.problems.isEmpty()) {
        QStringList lines;
        for (const QString &p : r.problems) {
            const QStringList wrapped = wrapText(p);
            for (int i = 0; i < wrapped.size(); ++i)
                lines << QStringLiteral("!") + (i == 0 ? QStringLiteral("• ") : QStringLiteral("   "))
                        + wrapped[i];
        }
        col0 << Placed {addCard(QStringLiteral("problems"), QStringLiteral("Problems"), lines, true), 0};
    }

    // Column 1: nodes, holders first, then standby, candidates, and nodes that only run endpoints.
    QStringList nodes = holders;
    const auto addNodes = [&](const QStringList &more) {
        for (const QString &n : more) {
            if (!n.isEmpty() && !nodes.contains(n))
                nodes << n;
        }
    };
    addNodes(r.standbyNodes);
    addNodes(r.candidateNodes);
    QList<kube::EndpointInfo> endpoints = r.endpoints;
    std::sort(endpoints.begin(), endpoints.end(), [](const auto &a, const auto &b) {
        return std::tie(a.nodeName, a.podName, a.ip) < std::tie(b.nodeName, b.podName, b.ip);
    });
    for (const auto &e : endpoints)
        addNodes({e.nodeName});
    QMap<QString, TopologyCardItem *> nodeCards;
    for (const QString &n : nodes) {
        QStringList lines;
        const bool isHolder = holders.contains(n);
        if (isHolder && several) {
            lines << QStringLiteral("!also holds the VIP");
        } else if (isHolder) {
            lines << QStringLiteral("holds the VIP")
                    + (r.interface.isEmpty() ? QString() : QStringLiteral(" on ") + r.interface);
            lines << QStringLiteral("source: ") + r.method;
            for (const QString &e : r.evidence) {
                for (const QString &w : wrapText(e))
                    lines << QLatin1Char('~') + w;
            }
        } else if (r.standbyNodes.contains(n)) {
            lines << QStringLiteral("~standby");
        } else {
            lines << QStringLiteral("~no VIP");
        }
        const bool named = std::any_of(r.problems.begin(), r.problems.end(), [&](const QString &p) {
            return QRegularExpression(QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(n)))
                .match(p)
                .hasMatch();
        });
        if (named && !several)
            lines << QStringLiteral("!named in a problem (see Problems)");
        nodeCards.insert(
            n, addCard(QStringLiteral("node"), n, lines, isHolder && several, isHolder && !several));
    }

    // Column 2: the holder's interfaces.
    const QString portNode = holders.size() == 1 ? holders.first() : QString();
    QList<Placed> col2;
    QMap<QString, TopologyPortItem *> portOfPod;
    if (!portNode.isEmpty()) {
        for (const kube::InterfaceRole &i : r.interfaces) {
            if (i.role == QLatin1String("loopback"))
                continue; // never a load balancer's path
            // Link-local IPv6 addresses say nothing about the role: left out of the label.
            QStringList shown;
            for (const QString &a : i.addresses) {
                if (!a.startsWith(QLatin1String("fe80:")))
                    shown << a;
            }
            const QString title
                = shown.isEmpty() ? i.name : i.name + QStringLiteral("  ") + shown.join(QStringLiteral(", "));
            const QString detail = i.pod.isEmpty() ? i.role : QStringLiteral("pod ") + i.pod;
            auto *port = new TopologyPortItem(
                portNode, i.name, title, detail, i.role.startsWith(QLatin1String("holds the VIP")));
            addItem(port);
            m_ports << port;
            connect(port, &TopologyPortItem::clicked, this, &TopologyScene::selectTarget);
            connect(port, &TopologyPortItem::doubleClicked, this,
                [this](const QString &node, const QString &iface) {
                    selectTarget(node, iface);
                    emit captureRequested(node, iface);
                });
            col2 << Placed {port, kMargin};
            if (!i.pod.isEmpty())
                portOfPod.insert(i.pod, port);
        }
    }

    // Lay out columns 0-2, then the nodes below the holder's ports so that no link crosses them.
    qreal x = kMargin;
    x += placeColumn(col0, x) + kColumnGap;
    const qreal nodeX = x;
    QList<Placed> col1;
    for (const QString &n : nodes)
        col1 << Placed {nodeCards.value(n), kMargin};
    x += placeColumn(col1, nodeX) + kColumnGap;
    qreal afterPorts = kMargin;
    if (!col2.isEmpty()) {
        x += placeColumn(col2, x) + kColumnGap;
        afterPorts = col2.last().item->pos().y() + itemHeight(col2.last().item) + kRowGap;
    }
    if (nodes.size() > 1 && !portNode.isEmpty()) {
        for (int i = 1; i < col1.size(); ++i)
            col1[i].wantedY = i == 1 ? afterPorts : 0;
        placeColumn(col1, nodeX);
    }

    // Column 3: pods, each beside its interface on the holder, else beside its node.
    QList<Placed> col3;
    QList<QPair<QGraphicsObject *, QGraphicsObject *>> podLinks;
    for (const auto &e : endpoints) {
        const QString ref
            = e.podNamespace.isEmpty() ? e.podName : e.podNamespace + QLatin1Char('/') + e.podName;
        QStringList lines {QStringLiteral("ip ") + e.ip,
            QStringLiteral("on ") + (e.nodeName.isEmpty() ? QStringLiteral("?") : e.nodeName)};
        lines << (e.ready       ? QStringLiteral("ready")
                : e.terminating ? QStringLiteral("!terminating")
                                : QStringLiteral("!not ready"));
        auto *pod = addCard(QStringLiteral("pod"), e.podName.isEmpty() ? e.ip : e.podName, lines, !e.ready);
        QGraphicsObject *from = portOfPod.value(ref);
        if (!from)
            from = nodeCards.value(e.nodeName);
        col3 << Placed {pod, from ? from->pos().y() : kMargin};
        podLinks << qMakePair(from, static_cast<QGraphicsObject *>(pod));
    }
    std::stable_sort(
        col3.begin(), col3.end(), [](const Placed &a, const Placed &b) { return a.wantedY < b.wantedY; });
    placeColumn(col3, x);

    // Links, behind the cards.
    for (const QString &h : holders)
        addEdge(
            rightMid(vip), leftMid(nodeCards.value(h)), QPen(several ? problemColor() : holderColor(), 2.5));
    for (const QString &s : r.standbyNodes) {
        if (nodeCards.contains(s) && !holders.contains(s))
            addEdge(rightMid(vip), leftMid(nodeCards.value(s)), QPen(standbyColor(), 1.2, Qt::DashLine));
    }
    for (TopologyPortItem *p : std::as_const(m_ports))
        addEdge(rightMid(nodeCards.value(portNode)), leftMid(p), QPen(cardBorderColor(), 1.2));
    for (const auto &[from, pod] : std::as_const(podLinks)) {
        if (from)
            addEdge(rightMid(from), leftMid(pod),
                QPen(cardBorderColor(), 1.2,
                    qobject_cast<TopologyPortItem *>(from) ? Qt::SolidLine : Qt::DashLine));
    }
    setSceneRect(itemsBoundingRect().adjusted(-kMargin, -kMargin, kMargin, kMargin));
    if (!m_targetNode.isEmpty())
        selectTarget(m_targetNode, m_targetIface);
}

void TopologyScene::selectTarget(const QString &node, const QString &iface)
{
    bool found = false;
    for (TopologyPortItem *p : std::as_const(m_ports)) {
        const bool mine = p->node() == node && p->iface() == iface;
        p->setTarget(mine);
        found = found || mine;
    }
    m_targetNode = found ? node : QString();
    m_targetIface = found ? iface : QString();
    if (found)
        emit targetSelected(node, iface);
}

} // namespace lbs::ui
