#include "plotview.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QFileInfo>
#include <QSvgGenerator>
#include <QToolBar>
#include <QVBoxLayout>

#include <ctime>

namespace lbs::ui {

namespace {
double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}
} // namespace

PlotView::PlotView(QWidget *parent) : QWidget(parent), m_toolBar(new QToolBar), m_plot(new QCustomPlot)
{
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_toolBar->setIconSize(QSize(16, 16));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_plot, 1);
    m_plot->setNoAntialiasingOnDrag(true);
    // On screen, a line wider than one pixel is drawn segment by segment: Qt strokes a whole
    // polyline of a wide pen as one path, whose cost grows faster than its length (a 1,200-point
    // timeline series: 140 ms against 6). Vector exports still get whole polylines.
    m_plot->setPlottingHint(QCP::phFastPolylines, true);
    m_plot->setMinimumSize(200, 150);
    m_plot->setObjectName(QStringLiteral("plotCanvas"));
    connect(m_plot, &QCustomPlot::beforeReplot, this, [this] { m_replotCpuStartMs = threadCpuMs(); });
    connect(m_plot, &QCustomPlot::afterReplot, this,
        [this] { emit replotted(m_plot->replotTime(), threadCpuMs() - m_replotCpuStartMs); });
}

PlotView::~PlotView() = default;

QColor PlotView::seriesColor(int i)
{
    static const QColor colors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
        QColor(214, 39, 40), QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194),
        QColor(23, 190, 207), QColor(188, 189, 34)};
    return colors[i % int(std::size(colors))];
}

void PlotView::styleAxis(QCPAxis *axis)
{
    const QPalette &pal = palette();
    const QColor text = pal.color(QPalette::Text);
    QColor grid = pal.color(QPalette::Text);
    grid.setAlphaF(0.12);
    axis->setBasePen(QPen(text));
    axis->setTickPen(QPen(text));
    axis->setSubTickPen(QPen(text));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(grid, 0, Qt::DotLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
}

void PlotView::applyPalette()
{
    const QPalette &pal = palette();
    m_plot->setBackground(pal.brush(QPalette::Base));
    for (QCPAxisRect *rect : m_plot->axisRects()) {
        rect->setBackground(pal.brush(QPalette::Base));
        for (QCPAxis *axis : rect->axes())
            styleAxis(axis);
        if (auto *legend = m_plot->legend) {
            QColor legendBg = pal.color(QPalette::Base);
            legendBg.setAlpha(210); // points behind the legend stay visible
            legend->setBrush(legendBg);
            legend->setTextColor(pal.color(QPalette::Text));
            legend->setBorderPen(QPen(pal.color(QPalette::Mid)));
        }
    }
    for (int i = 0; i < m_plot->plotLayout()->elementCount(); ++i)
        if (auto *title = qobject_cast<QCPTextElement *>(m_plot->plotLayout()->elementAt(i)))
            title->setTextColor(pal.color(QPalette::Text));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyPalette();
    QWidget::changeEvent(event);
}

QString PlotView::exportTo(const QString &path, int width, int height)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf") && suffix != QLatin1String("svg"))
        return tr("Cannot export the plot to %1: unknown format \"%2\"; use .png, .pdf or .svg.")
            .arg(path, suffix);
    const int w = width > 0 ? width : std::max(m_plot->width(), 800);
    const int h = height > 0 ? height : std::max(m_plot->height(), 450);
    bool ok = false;
    prepareExport(true);
    if (suffix == QLatin1String("png")) {
        ok = m_plot->savePng(path, w, h, 2.0);
    } else if (suffix == QLatin1String("pdf")) {
        ok = m_plot->savePdf(path, w, h);
    } else {
        QSvgGenerator gen;
        gen.setFileName(path);
        gen.setSize(QSize(w, h));
        gen.setViewBox(QRect(0, 0, w, h));
        gen.setTitle(windowTitle());
        gen.setDescription(tr("Exported by lbscope"));
        QCPPainter painter;
        if (painter.begin(&gen)) {
            m_plot->toPainter(&painter, w, h);
            ok = painter.end();
        }
    }
    prepareExport(false);
    if (!ok || QFileInfo(path).size() == 0)
        return tr("Could not write the plot to %1: check that the folder exists and is writable.").arg(path);
    return {};
}

} // namespace lbs::ui
