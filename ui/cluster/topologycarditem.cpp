#include "topologycarditem.h"

#include "ui/cluster/topologystyle.h"

#include <QFontMetricsF>
#include <QPainter>

#include <cmath>

namespace lbs::ui {

using namespace topology;

namespace {
QFont titleFont()
{
    QFont f = labelFont();
    f.setBold(true);
    return f;
}
} // namespace

TopologyCardItem::TopologyCardItem(
    QString kind, QString title, QList<Line> lines, QPen pen, QBrush brush, QGraphicsItem *parent)
    : QGraphicsObject(parent), m_kind(std::move(kind)), m_title(std::move(title)), m_lines(std::move(lines)),
      m_pen(std::move(pen)), m_brush(std::move(brush))
{
    const QFontMetricsF fm(labelFont());
    const qreal height = 2 * kPadding + QFontMetricsF(titleFont()).height() + m_lines.size() * fm.height()
        + (m_lines.isEmpty() ? 0 : 4);
    m_size = QSizeF(naturalWidth(), height);
    setToolTip(m_title);
}

qreal TopologyCardItem::naturalWidth() const
{
    const QFontMetricsF fm(labelFont());
    qreal w = QFontMetricsF(titleFont()).horizontalAdvance(m_title);
    for (const Line &l : m_lines)
        w = std::max(w, fm.horizontalAdvance(l.text));
    return std::ceil(w + 2 * kPadding + 2);
}

void TopologyCardItem::setWidth(qreal width)
{
    prepareGeometryChange();
    m_size.setWidth(std::max(width, naturalWidth()));
}

QRectF TopologyCardItem::boundingRect() const
{
    const qreal half = m_pen.widthF() / 2;
    return QRectF(QPointF(0, 0), m_size).adjusted(-half, -half, half, half);
}

void TopologyCardItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(m_pen);
    painter->setBrush(m_brush);
    painter->drawRoundedRect(QRectF(QPointF(0, 0), m_size), 6, 6);
    const QFontMetricsF tfm(titleFont());
    const QFontMetricsF fm(labelFont());
    qreal y = kPadding;
    painter->setFont(titleFont());
    painter->setPen(textColor());
    painter->drawText(QPointF(kPadding, y + tfm.ascent()), m_title);
    y += tfm.height() + 4;
    painter->setFont(labelFont());
    for (const Line &l : m_lines) {
        painter->setPen(l.color);
        painter->drawText(QPointF(kPadding, y + fm.ascent()), l.text);
        y += fm.height();
    }
}

} // namespace lbs::ui
