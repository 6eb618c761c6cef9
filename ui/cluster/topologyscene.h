#pragma once
// The topology picture of one LoadBalancer service in fixed columns: VIP → nodes (holder, standby,
// others) → the holder's interfaces → backend pods. The same LocateResult always gives the same
// picture; problems (VIP on no node or on two, the provider disagreeing with the probe) are red.

#include "core/kube/loadbalancerlocator.h"

#include <QGraphicsScene>

namespace lbs::ui {

class TopologyCardItem;
class TopologyPortItem;

class TopologyScene : public QGraphicsScene {
    Q_OBJECT
public:
    explicit TopologyScene(QObject *parent = nullptr);

    /// Redraws the picture for `result`; the capture target is kept when the same port exists.
    void setResult(const kube::LocateResult &result);
    const kube::LocateResult &result() const { return m_result; }
    /// Cards ("vip", "node", "pod", "problems") and ports, in layout order.
    QList<TopologyCardItem *> cards() const { return m_cards; }
    QList<TopologyPortItem *> ports() const { return m_ports; }
    /// Marks (node, iface) as the target and emits targetSelected.
    void selectTarget(const QString &node, const QString &iface);
    /// Where the notice (no result yet, locating…) is drawn when there is no picture.
    void showMessage(const QString &text);

signals:
    void targetSelected(const QString &node, const QString &iface);
    void captureRequested(const QString &node, const QString &iface);

private:
    TopologyCardItem *addCard(const QString &kind, const QString &title, const QStringList &lines,
        bool problem, bool holder = false);
    void addEdge(QPointF from, QPointF to, const QPen &pen);

    kube::LocateResult m_result;
    QList<TopologyCardItem *> m_cards;
    QList<TopologyPortItem *> m_ports;
    QString m_targetNode;
    QString m_targetIface;
};

} // namespace lbs::ui
