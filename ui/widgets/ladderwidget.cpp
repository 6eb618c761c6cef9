#include "ladderwidget.h"

#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace lbs::ui {

namespace {
QString formatGap(double seconds)
{
    if (seconds < 1e-3)
        return QStringLiteral("+%1 µs").arg(seconds * 1e6, 0, 'f', 0);
    if (seconds < 1)
        return QStringLiteral("+%1 ms").arg(seconds * 1e3, 0, 'f', 2);
    return QStringLiteral("+%1 s").arg(seconds, 0, 'f', 3);
}
} // namespace

LadderWidget::LadderWidget(QWidget *parent) : QWidget(parent)
{
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setMinimumWidth(360);
}

void LadderWidget::setConnection(
    const QString &client, const QString &vip, const QString &pod, std::vector<LadderStep> steps, int omitted)
{
    setFlow(client, pod, std::move(steps), omitted);
    m_middle = vip;
}

void LadderWidget::setFlow(
    const QString &client, const QString &server, std::vector<LadderStep> steps, int omitted)
{
    m_middle.clear();
    m_client = client;
    m_server = server;
    if (int(steps.size()) > maxSteps()) {
        omitted += int(steps.size()) - maxSteps();
        steps.resize(maxSteps());
    }
    m_steps = std::move(steps);
    m_omitted = omitted;
    updateGeometry();
    resize(width(), sizeHint().height());
    update();
}

void LadderWidget::clear()
{
    setFlow({}, {}, {}, 0);
}

int LadderWidget::rowHeight() const
{
    return fontMetrics().height() * 2;
}

QSize LadderWidget::sizeHint() const
{
    const int rows = int(m_steps.size()) + (m_omitted ? 1 : 0) + 2;
    return {m_middle.isEmpty() ? 520 : 720, rows * rowHeight() + fontMetrics().height()};
}

void LadderWidget::paintEvent(QPaintEvent *event)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = palette();
    const QFontMetrics fm = fontMetrics();
    const int rh = rowHeight();
    if (m_steps.empty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("Select a flow to see its packet ladder"));
        return;
    }
    const int gapWidth = fm.horizontalAdvance(QStringLiteral("node +999.99 ms")) + 12;
    const int left = gapWidth + 40;
    const bool three = !m_middle.isEmpty();
    const int right = std::max(left + (three ? 320 : 160), width() - 40);
    const int middle = (left + right) / 2;
    // Header: endpoint names above their lines.
    p.setPen(pal.color(QPalette::Text));
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    // Labels sit above their line but never run past the widget's edges.
    const QFontMetrics bfm(bold);
    const QString clientText = tr("Client %1").arg(m_client);
    const QString serverText = three ? tr("Pod %1").arg(m_server) : tr("Server %1").arg(m_server);
    const int cw = bfm.horizontalAdvance(clientText), sw = bfm.horizontalAdvance(serverText);
    // With three lines the names take two rows (client and pod above, the VIP below them).
    p.drawText(QRect(std::max(2, left - cw / 2), 0, cw + 2, three ? rh / 2 : rh),
        Qt::AlignVCenter | Qt::AlignLeft, clientText);
    p.drawText(QRect(std::min(width() - sw - 4, right - sw / 2), 0, sw + 2, three ? rh / 2 : rh),
        Qt::AlignVCenter | Qt::AlignLeft, serverText);
    if (three) {
        const QString vipText = tr("VIP %1 (node)").arg(m_middle);
        const int vw = bfm.horizontalAdvance(vipText);
        p.drawText(QRect(middle - vw / 2, rh / 2, vw + 2, rh / 2), Qt::AlignVCenter | Qt::AlignLeft, vipText);
    }
    p.setFont(font());
    QPen linePen(pal.color(QPalette::Mid), 2);
    p.setPen(linePen);
    const int bottom = height();
    p.drawLine(left, rh, left, bottom);
    p.drawLine(right, rh, right, bottom);
    if (three)
        p.drawLine(middle, rh, middle, bottom);

    const int first = std::max(0, (event->rect().top() - rh) / rh - 1);
    const int last = std::min(int(m_steps.size()) - 1, (event->rect().bottom() - rh) / rh + 1);
    const QColor normal = pal.color(QPalette::Text);
    const QColor problem = QColor(210, 60, 60);
    for (int i = first; i <= last; ++i) {
        const LadderStep &s = m_steps[size_t(i)];
        const int y = rh + i * rh + rh / 2 + fm.height() / 2;
        if (three && s.inNodeSeconds >= 0) {
            // The time this packet spent inside the node since its copy on the other leg.
            p.setPen(pal.color(QPalette::Link));
            p.drawText(QRect(0, y - fm.height(), gapWidth, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                tr("node %1").arg(formatGap(s.inNodeSeconds)));
        } else if (i > 0) {
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(QRect(0, y - fm.height(), gapWidth, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                formatGap(s.ts - m_steps[size_t(i - 1)].ts));
        }
        const QColor c = s.problem ? problem : normal;
        p.setPen(QPen(c, s.problem ? 2 : 1));
        // The segment this step is drawn on: the whole width, or one leg of three lines.
        const int a = three && s.leg == 1 ? middle : left;
        const int b = three && s.leg == 0 ? middle : right;
        const int x0 = s.fromClient ? a : b;
        const int x1 = s.fromClient ? b : a;
        const int ye = y + rh / 3;
        p.drawLine(x0, y, x1, ye);
        // Arrow head along the line direction.
        const double ang = std::atan2(double(ye - y), double(x1 - x0));
        const double len = 9;
        QPainterPath head;
        head.moveTo(x1, ye);
        head.lineTo(x1 - len * std::cos(ang - 0.4), ye - len * std::sin(ang - 0.4));
        head.lineTo(x1 - len * std::cos(ang + 0.4), ye - len * std::sin(ang + 0.4));
        head.closeSubpath();
        p.fillPath(head, c);
        const QString label = fm.elidedText(s.label, Qt::ElideRight, b - a - 20);
        p.drawText(QRect(a + 10, y - fm.height() - 1, b - a - 20, fm.height()), Qt::AlignHCenter, label);
    }
    if (m_omitted > 0 && last == int(m_steps.size()) - 1) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        const int y = rh + int(m_steps.size()) * rh;
        p.drawText(QRect(0, y, width(), rh), Qt::AlignCenter,
            tr("… %n more packet(s) not drawn", nullptr, m_omitted));
    }
}

} // namespace lbs::ui
