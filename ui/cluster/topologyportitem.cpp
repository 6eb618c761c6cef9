#include "topologyportitem.h"

#include "ui/cluster/topologystyle.h"

#include <QCursor>
#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>

#include <cmath>

namespace lbs::ui {

using namespace topology;

namespace {
QFont nameFont()
{
    QFont f = labelFont();
    f.setBold(true);
    return f;
}
} // namespace

TopologyPortItem::TopologyPortItem(
    QString node, QString iface, QString title, QString detail, bool servesVip, QGraphicsItem *parent)
    : QGraphicsObject(parent), m_node(std::move(node)), m_iface(std::move(iface)), m_title(std::move(title)),
      m_detail(std::move(detail)), m_servesVip(servesVip)
{
    setAcceptHoverEvents(true);
    setCursor(Qt::PointingHandCursor);
    setToolTip(QStringLiteral("%1 on %2: %3\nclick: capture target · double-click: capture")
                   .arg(m_title, m_node, m_detail));
    m_size = QSizeF(naturalWidth(),
        2 * kPadding / 2 + QFontMetricsF(nameFont()).height() + QFontMetricsF(labelFont()).height());
}

qreal TopologyPortItem::naturalWidth() const
{
    const qreal w = std::max(QFontMetricsF(nameFont()).horizontalAdvance(m_title),
        QFontMetricsF(labelFont()).horizontalAdvance(m_detail));
    return std::ceil(w + 2 * kPadding + 14);
}

void TopologyPortItem::setWidth(qreal width)
{
    prepareGeometryChange();
    m_size.setWidth(std::max(width, naturalWidth()));
}

void TopologyPortItem::setTarget(bool target)
{
    if (m_target == target)
        return;
    m_target = target;
    update();
}

QPen TopologyPortItem::pen() const
{
    return QPen(m_servesVip ? holderColor() : cardBorderColor(), m_target ? 2.5 : 1.2);
}

QBrush TopologyPortItem::brush() const
{
    if (m_target)
        return portSelectedFill();
    return m_hover ? portFill().darker(106) : portFill();
}

QRectF TopologyPortItem::boundingRect() const
{
    return QRectF(QPointF(0, 0), m_size).adjusted(-2, -2, 2, 2);
}

void TopologyPortItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(pen());
    painter->setBrush(brush());
    const QRectF r(QPointF(0, 0), m_size);
    painter->drawRect(r);
    // The port's socket on its left edge, where the node's link arrives.
    painter->setBrush(pen().color());
    painter->drawEllipse(QPointF(0, r.height() / 2), 4, 4);
    const QFontMetricsF nfm(nameFont());
    painter->setFont(nameFont());
    painter->setPen(textColor());
    painter->drawText(QPointF(kPadding + 6, kPadding / 2 + nfm.ascent()), m_title);
    painter->setFont(labelFont());
    painter->setPen(mutedTextColor());
    painter->drawText(
        QPointF(kPadding + 6, kPadding / 2 + nfm.height() + QFontMetricsF(labelFont()).ascent()), m_detail);
}

void TopologyPortItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QGraphicsObject::mousePressEvent(event);
    event->accept();
    emit clicked(m_node, m_iface);
}

void TopologyPortItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QGraphicsObject::mouseDoubleClickEvent(event);
    event->accept();
    emit doubleClicked(m_node, m_iface);
}

void TopologyPortItem::hoverEnterEvent(QGraphicsSceneHoverEvent *)
{
    m_hover = true;
    update();
}

void TopologyPortItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *)
{
    m_hover = false;
    update();
}

} // namespace lbs::ui
