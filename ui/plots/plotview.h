#pragma once
// Base of every plot: owns the QCustomPlot (which is included only under ui/plots/), takes its
// colours from the widget palette (light/dark) and exports itself as PNG, PDF or SVG.

#include <QWidget>

class QCustomPlot;
class QCPAxis;
class QCPAxisRect;
class QVBoxLayout;
class QToolBar;

namespace lbs::ui {

class PlotView : public QWidget {
    Q_OBJECT
public:
    explicit PlotView(QWidget *parent = nullptr);
    ~PlotView() override;

    /// Writes the plot to path; the format comes from the suffix (.png, .pdf, .svg).
    /// Returns an empty string on success, else a message naming the file and the problem.
    QString exportTo(const QString &path, int width = 0, int height = 0);
    /// Distinct accent colour i (readable on light and dark backgrounds).
    static QColor seriesColor(int i);
    QToolBar *toolBar() const { return m_toolBar; }

signals:
    /// After each redraw: the milliseconds it took (layout and drawing), on the clock and in the
    /// GUI thread's CPU time (less than the clock's when other threads had the cores).
    void replotted(double ms, double cpuMs);

protected:
    QCustomPlot *plot() const { return m_plot; }
    /// Called before an export draws the plot (`starting`) and after it: a plot that thins what it
    /// draws on screen gives the export everything.
    virtual void prepareExport(bool starting) { Q_UNUSED(starting) }
    /// Applies the palette's text/base/mid colours to every axis and the background.
    void applyPalette();
    void styleAxis(QCPAxis *axis);
    void changeEvent(QEvent *event) override;

private:
    QToolBar *m_toolBar;
    QCustomPlot *m_plot;
    double m_replotCpuStartMs = 0;
};

} // namespace lbs::ui
