#pragma once
// The topology picture with its toolbar: Locate/Refresh (re-runs locating, so a failover shows),
// Cancel, Export PNG/SVG, and a status line with the capture target.

#include "core/kube/loadbalancerlocator.h"
#include "ui/cluster/capturetarget.h"

#include <QWidget>

class QGraphicsView;
class QLabel;
class QToolButton;

namespace lbs::ui {

class TopologyScene;

class TopologyView : public QWidget {
    Q_OBJECT
public:
    explicit TopologyView(QWidget *parent = nullptr);

    TopologyScene *scene() const { return m_scene; }
    QGraphicsView *graphicsView() const { return m_view; }
    void setResult(const kube::LocateResult &result);
    /// A notice instead of the picture (no service chosen, locating failed…).
    void showMessage(const QString &text, bool problem = false);
    void setBusy(bool busy, const QString &message = {});
    void setRefreshEnabled(bool enabled);
    void setStatus(const QString &text);
    QString status() const;
    /// Saves the picture; the file type follows the suffix (.png or .svg). Empty string on success.
    QString exportTo(const QString &path) const;

signals:
    void refreshRequested();
    void cancelRequested();
    void targetSelected(const QString &node, const QString &iface);
    void captureRequested(const QString &node, const QString &iface);

private:
    void askExport(const QString &suffix);

    TopologyScene *m_scene;
    QGraphicsView *m_view;
    QToolButton *m_refresh;
    QToolButton *m_cancel;
    QToolButton *m_png;
    QToolButton *m_svg;
    QLabel *m_busy;
    QLabel *m_status;
};

} // namespace lbs::ui
