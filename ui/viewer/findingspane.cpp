#include "findingspane.h"

#include "ui/models/findingfilterproxy.h"
#include "ui/models/findingsmodel.h"
#include "ui/viewer/captureselection.h"
#include "ui/viewer/findingexplainer.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace lbs::ui {

FindingsPane::FindingsPane(CaptureSelection *selection, QWidget *parent)
    : QWidget(parent), m_selection(selection), m_model(new FindingsModel(this)),
      m_proxy(new FindingFilterProxy(m_model, this)), m_table(new QTableView),
      m_explanation(new QTextBrowser), m_splitter(new QSplitter(Qt::Vertical))
{
    m_table->setModel(m_proxy);
    m_table->setObjectName(QStringLiteral("findingsTable"));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FindingsModel::Severity, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(FindingsModel::Summary, QHeaderView::Stretch);
    const int cw = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_table->setColumnWidth(FindingsModel::Severity, 12 * cw);
    m_table->setColumnWidth(FindingsModel::Kind, 22 * cw);
    m_table->setColumnWidth(FindingsModel::Flows, 7 * cw);
    m_table->setColumnWidth(FindingsModel::When, 18 * cw);
    m_explanation->setOpenExternalLinks(false);
    m_explanation->setPlaceholderText(tr("Select a finding to see what it usually means and what to check."));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_explanation);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setObjectName(QStringLiteral("findingsSplitter"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);
    connect(m_selection, &CaptureSelection::flowFilterChanged, this, [this] {
        // Re-filtering moves the current row; that is no user's choice of a finding.
        const QSignalBlocker block(m_table->selectionModel());
        m_proxy->setFlowSet(m_selection->hasFlowFilter(), m_selection->flowFilter());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            if (current.isValid())
                activateFinding(m_proxy->mapToSource(current).row());
        });
    // The first finding is current (explained) after loading without being applied; a click on it
    // applies it too.
    connect(m_table, &QTableView::clicked, this,
        [this](const QModelIndex &index) { activateFinding(m_proxy->mapToSource(index).row()); });
}

void FindingsPane::setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis)
{
    m_analysis = std::move(analysis);
    m_model->setAnalysis(m_analysis);
    m_explanation->clear();
    // Explain the most severe finding right away (the pane is not empty), but leave the time range
    // and flow selection alone until the user picks a finding.
    if (m_proxy->rowCount() > 0) {
        const QModelIndex first = m_proxy->index(0, 0);
        const QSignalBlocker block(m_table->selectionModel());
        m_table->selectionModel()->setCurrentIndex(
            first, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        showExplanation(m_proxy->mapToSource(first).row(), false);
    }
}

void FindingsPane::showExplanation(int row, bool applied)
{
    const analysis::Finding *f = m_model->finding(row);
    if (!f)
        return;
    const Explanation ex = FindingExplainer::explain(f->kind);
    m_explanation->setHtml(
        QStringLiteral("<p><b>%1</b></p><p>%2</p>%3<p><i>%4</i></p>")
            .arg(QString::fromStdString(f->summary).toHtmlEscaped(), ex.headline.toHtmlEscaped(), ex.details,
                applied ? tr("%n flow(s) concerned; they are now selected in the Flows tab and the "
                             "packet list.",
                    nullptr, int(f->flows.size()))
                        : tr("%n flow(s) concerned; click the finding to select them in the Flows tab "
                             "and the packet list and to zoom to its time.",
                            nullptr, int(f->flows.size()))));
}

void FindingsPane::activateFinding(int row)
{
    const analysis::Finding *f = m_model->finding(row);
    if (!f)
        return;
    showExplanation(row, true);
    const QModelIndex proxyIndex = m_proxy->mapFromSource(m_model->index(row, 0));
    if (proxyIndex.isValid() && m_table->currentIndex().row() != proxyIndex.row()) {
        const QSignalBlocker block(m_table->selectionModel());
        m_table->selectRow(proxyIndex.row());
    }
    if (f->startNs != 0 || f->endNs != 0) {
        // Show the finding's span with a little context on both sides.
        const double s = double(f->startNs) * 1e-9, e = double(std::max(f->endNs, f->startNs)) * 1e-9;
        const double pad = std::max((e - s) * 0.25, 0.5);
        m_selection->setRange(s - pad, e + pad);
    } else {
        m_selection->resetRange();
    }
    m_selection->setFlows(f->flows);
}

} // namespace lbs::ui
