#pragma once
// An interface of a node on the topology picture: a clickable port labelled with its name, its
// addresses and what it serves (the VIP, the node address, a pod). A click selects it as the
// capture target, a double click asks for a capture on it.

#include <QGraphicsObject>
#include <QPen>

namespace lbs::ui {

class TopologyPortItem : public QGraphicsObject {
    Q_OBJECT
public:
    /// `title`: the interface name and its addresses; `detail`: what it serves.
    TopologyPortItem(QString node, QString iface, QString title, QString detail, bool servesVip,
        QGraphicsItem *parent = nullptr);

    QString node() const { return m_node; }
    QString iface() const { return m_iface; }
    QString title() const { return m_title; }
    QString detail() const { return m_detail; }
    bool isTarget() const { return m_target; }
    void setTarget(bool target);
    QPen pen() const;
    QBrush brush() const;
    void setWidth(qreal width);
    qreal naturalWidth() const;

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

signals:
    void clicked(const QString &node, const QString &iface);
    void doubleClicked(const QString &node, const QString &iface);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;

private:
    QString m_node;
    QString m_iface;
    QString m_title;
    QString m_detail;
    bool m_servesVip;
    bool m_target = false;
    bool m_hover = false;
    QSizeF m_size;
};

} // namespace lbs::ui
