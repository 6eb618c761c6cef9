#include "topologyview.h"

#include "ui/cluster/topologyexport.h"
#include "ui/cluster/topologyscene.h"
#include "ui/cluster/topologystyle.h"

#include <QFileDialog>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace lbs::ui {

TopologyView::TopologyView(QWidget *parent)
    : QWidget(parent), m_scene(new TopologyScene(this)), m_view(new QGraphicsView(m_scene)),
      m_refresh(new QToolButton), m_cancel(new QToolButton), m_png(new QToolButton), m_svg(new QToolButton),
      m_busy(new QLabel), m_status(new QLabel)
{
    m_refresh->setText(tr("Locate / Refresh"));
    m_refresh->setToolTip(tr("Find which node holds the VIP again (follows a failover)"));
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_png->setText(tr("Export PNG…"));
    m_svg->setText(tr("Export SVG…"));
    for (auto *b : {m_refresh, m_cancel, m_png, m_svg})
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_refresh);
    bar->addWidget(m_cancel);
    bar->addWidget(m_busy, 1);
    bar->addWidget(m_png);
    bar->addWidget(m_svg);
    m_view->setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    m_view->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_view->setBackgroundBrush(Qt::white);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setText(tr("Click an interface to choose the capture target; double-click to capture on it."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    connect(m_refresh, &QToolButton::clicked, this, &TopologyView::refreshRequested);
    connect(m_cancel, &QToolButton::clicked, this, &TopologyView::cancelRequested);
    connect(m_png, &QToolButton::clicked, this, [this] { askExport(QStringLiteral("png")); });
    connect(m_svg, &QToolButton::clicked, this, [this] { askExport(QStringLiteral("svg")); });
    connect(m_scene, &TopologyScene::targetSelected, this, &TopologyView::targetSelected);
    connect(m_scene, &TopologyScene::captureRequested, this, &TopologyView::captureRequested);
    showMessage(tr("Choose a service to see where its VIP lives."));
}

void TopologyView::setResult(const kube::LocateResult &result)
{
    m_scene->setResult(result);
    // Shrink a picture wider than the view down to 70 % so that pods stay in sight; text stays readable.
    m_view->resetTransform();
    const qreal available = m_view->viewport()->width();
    const qreal wide = m_scene->sceneRect().width();
    if (available > 0 && wide > available) {
        const qreal scale = std::max(0.7, available / wide);
        m_view->scale(scale, scale);
    }
    m_png->setEnabled(true);
    m_svg->setEnabled(true);
}

void TopologyView::showMessage(const QString &text, bool problem)
{
    m_view->resetTransform();
    m_scene->showMessage(text);
    if (problem) {
        for (QGraphicsItem *item : m_scene->items()) {
            if (auto *t = dynamic_cast<QGraphicsSimpleTextItem *>(item))
                t->setBrush(topology::problemColor()); // on the picture's white background
        }
    }
    m_png->setEnabled(false);
    m_svg->setEnabled(false);
}

void TopologyView::setBusy(bool busy, const QString &message)
{
    m_cancel->setEnabled(busy);
    m_refresh->setEnabled(!busy);
    m_busy->setText(message);
}

void TopologyView::setRefreshEnabled(bool enabled)
{
    m_refresh->setEnabled(enabled && !m_cancel->isEnabled());
}

void TopologyView::setStatus(const QString &text)
{
    m_status->setText(text);
}

QString TopologyView::status() const
{
    return m_status->text();
}

QString TopologyView::exportTo(const QString &path) const
{
    const kube::LocateResult &r = m_scene->result();
    const Status s = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)
        ? exportSceneSvg(*m_scene, path, QStringLiteral("%1/%2 VIP %3").arg(r.nameSpace, r.service, r.vip))
        : exportScenePng(*m_scene, path);
    return s ? QString() : QString::fromStdString(s.error().toString());
}

void TopologyView::askExport(const QString &suffix)
{
    const kube::LocateResult &r = m_scene->result();
    const QString suggested = QStringLiteral("%1-%2-topology.%3").arg(r.nameSpace, r.service, suffix);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export topology picture"), suggested,
        suffix == QLatin1String("svg") ? tr("SVG images (*.svg)") : tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (const QString error = exportTo(path); !error.isEmpty())
        QMessageBox::warning(this, tr("Export topology picture"), error);
}

} // namespace lbs::ui
