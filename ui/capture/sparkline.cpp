#include "ui/capture/sparkline.h"
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace lbs::ui {

Sparkline::Sparkline(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(200, 30);
}

void Sparkline::addValue(double value)
{
    m_values.append(std::max(0.0, value));
    if (m_values.size() > m_capacity)
        m_values.remove(0, m_values.size() - m_capacity);
    update();
}

void Sparkline::clear()
{
    m_values.clear();
    update();
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(rect()).adjusted(1, 2, -1, -2);
    p.fillRect(rect(), palette().base());
    p.setPen(QPen(palette().mid().color(), 1));
    p.drawLine(r.bottomLeft(), r.bottomRight());
    if (m_values.size() < 2)
        return;
    const double top = std::max(1.0, *std::max_element(m_values.begin(), m_values.end()));
    // The samples span the width (a short run too); once full, the oldest scroll out on the left.
    const double step = r.width() / double(m_values.size() - 1);
    const double x0 = r.right() - step * double(m_values.size() - 1);
    QPainterPath line;
    for (int i = 0; i < m_values.size(); ++i) {
        const QPointF pt(x0 + step * i, r.bottom() - r.height() * m_values[i] / top);
        i == 0 ? line.moveTo(pt) : line.lineTo(pt);
    }
    QPainterPath area = line;
    area.lineTo(r.right(), r.bottom());
    area.lineTo(x0, r.bottom());
    area.closeSubpath();
    const QColor c = palette().highlight().color();
    QColor fill = c;
    fill.setAlpha(60);
    p.fillPath(area, fill);
    p.setPen(QPen(c, 1.5));
    p.drawPath(line);
}

} // namespace lbs::ui
