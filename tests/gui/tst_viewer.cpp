// End-to-end GUI tests on a known capture (offscreen): open and load in stages, filter the packet
// list with BPF, select a flow (packet list filtered, ladder drawn), zoom the timeline (the range
// reaches every view), findings and scatter clicks select flows, every export format checked by
// content, a truncated capture opens with a banner, and QAbstractItemModelTester on every model.

#include "fixturecapture.h"

#include "core/analysis/analyzer.h"
#include "ui/app/mainwindow.h"
#include "ui/models/findingsmodel.h"
#include "ui/models/flowfilterproxy.h"
#include "ui/models/flowtablemodel.h"
#include "ui/models/packettablemodel.h"
#include "ui/plots/latencydistributionplot.h"
#include "ui/plots/latencyscatterplot.h"
#include "ui/plots/timelineplot.h"
#include "ui/viewer/capturedocument.h"
#include "ui/viewer/captureselection.h"
#include "ui/viewer/captureview.h"
#include "ui/viewer/findingspane.h"
#include "ui/viewer/flowspane.h"
#include "ui/viewer/latencypane.h"
#include "ui/viewer/packetpane.h"
#include "ui/widgets/filterbar.h"
#include "ui/widgets/ladderwidget.h"
#include "ui/widgets/messagebanner.h"
#include "ui/widgets/packetdetailsview.h"
#include "ui/widgets/rowwindowscroller.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QScopeGuard>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QWheelEvent>

#include <memory>

using namespace lbs::ui;
using lbs::test::FixtureCapture;

namespace {
QByteArray head(const QString &path, int n)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.read(n);
}
} // namespace

class TestViewer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void loadsInStages();
    void modelsPassTester();
    void packetListShowsDecodedText();
    void bpfFilter_data();
    void bpfFilter();
    void invalidFilterShowsCompilerMessage();
    void selectingFlowFiltersPacketsAndDrawsLadder();
    void flowTableSortsAndFilters();
    void timelineZoomPropagates();
    void zoomSurvivesTimelineUpdates();
    void findingClickSelectsFlows();
    void scatterClickSelectsFlow();
    void latencyDistribution();
    void timeFormats();
    void packetListWindow_data();
    void packetListWindow();
    void packetListWindowKeepsSelection();
    void flowTableWindow_data();
    void flowTableWindow();
    void exports_data();
    void exports();
    void exportPcapReadable();
    void truncatedCaptureShowsBanner();
    void missingFileShowsError();
    void opensSampleCapture();
    void cancelDropsResults();
    void manifestLabelsCapture();
    void dropOpensTabs();

private:
    CaptureView *loadFixture(const QString &path);
    QTemporaryDir m_dir;
    QString m_fixture;
    std::unique_ptr<MainWindow> m_window;
    CaptureView *m_view = nullptr;
    CaptureView *m_sampleView = nullptr; ///< the bundled sample (339 flows), for the flow window
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
};

void TestViewer::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_fixture = m_dir.filePath(QStringLiteral("fixture.pcap"));
    const QString err = FixtureCapture::write(m_fixture);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
}

CaptureView *TestViewer::loadFixture(const QString &path)
{
    CaptureView *view = m_window->openCapture({path});
    QSignalSpy loaded(view->document(), &CaptureDocument::loaded);
    QSignalSpy failed(view->document(), &CaptureDocument::failed);
    if (view->document()->state() != CaptureDocument::State::Loaded)
        [&] { QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() || !failed.isEmpty(), 60000); }();
    // The latency pane gathers its points on a worker thread once the capture is loaded.
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!view->latency()->isRebuilding(), 60000); }();
    return view;
}

void TestViewer::loadsInStages()
{
    CaptureView *view = m_window->openCapture({m_fixture});
    // Testers attached before any data arrives see every reset the loading causes.
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(view->packets()->model()));
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(view->flows()->model()));
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(view->flows()->proxy()));
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(view->findings()->model()));
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(view->findings()->table()->model()));
    CaptureDocument *doc = view->document();
    QSignalSpy timeline(doc, &CaptureDocument::timelineUpdated);
    QSignalSpy loaded(doc, &CaptureDocument::loaded);
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 60000);
    QCOMPARE(doc->state(), CaptureDocument::State::Loaded);
    QVERIFY(timeline.count() >= 1);
    QVERIFY(doc->msToFirstTimeline() >= 0);
    QVERIFY(doc->msToFirstTimeline() <= doc->msToLoaded());
    const auto &an = doc->analysis();
    QCOMPARE(an->packets, uint64_t(FixtureCapture::kPackets));
    QCOMPARE(int(an->packetIndex.size()), FixtureCapture::kPackets);
    QCOMPARE(int(an->flows.size()), FixtureCapture::kFlows);
    QCOMPARE(view->packets()->model()->rowCount(), FixtureCapture::kPackets);
    QCOMPARE(view->flows()->model()->rowCount(), FixtureCapture::kFlows);
    QVERIFY(view->timeline()->pointCount(0) > 0);
    // The most severe finding is explained right away, but not applied: no flow or range selected.
    QVERIFY(view->findings()->model()->rowCount() > 0);
    QCOMPARE(view->findings()->table()->currentIndex().row(), 0);
    QVERIFY(view->findings()->explanation()->toPlainText().contains(QStringLiteral("click the finding")));
    QVERIFY(doc->selection()->flows().empty());
    QVERIFY(!doc->selection()->isRestricted());
    QVERIFY(view->header()->text().contains(QStringLiteral("fixture.pcap")));
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("fixture.pcap")));
    QVERIFY(m_window->recentCaptures().first().contains(QStringLiteral("fixture.pcap")));
    m_view = view;
}

void TestViewer::modelsPassTester()
{
    QVERIFY(m_view);
    // The testers fail the test on any model-contract violation; exercise the models through them.
    m_view->flows()->table()->sortByColumn(FlowTableModel::HandshakeRtt, Qt::DescendingOrder);
    m_view->flows()->filterEdit()->setText(QStringLiteral("198.51"));
    m_view->flows()->filterEdit()->clear();
    m_view->packets()->model()->setTimeFormat(PacketTableModel::TimeFormat::SincePrevious);
    m_view->packets()->model()->setTimeFormat(PacketTableModel::TimeFormat::Relative);
    QCOMPARE(m_testers.size(), size_t(5));
}

void TestViewer::packetListShowsDecodedText()
{
    PacketTableModel *m = m_view->packets()->model();
    const QModelIndex first = m->index(0, PacketTableModel::Info);
    QVERIFY2(first.data().toString().contains(QStringLiteral("SYN")), qPrintable(first.data().toString()));
    QCOMPARE(m->index(0, PacketTableModel::Source).data().toString(), QStringLiteral("198.51.100.10:40000"));
    QCOMPARE(m->index(0, PacketTableModel::Destination).data().toString(), QStringLiteral("192.0.2.10:80"));
    QCOMPARE(m->index(0, PacketTableModel::Number).data().toString(), QStringLiteral("1"));
    // The GET of the first flow is packet 4.
    QVERIFY2(m->index(3, PacketTableModel::Info).data().toString().contains(QStringLiteral("GET /item/0")),
        qPrintable(m->index(3, PacketTableModel::Info).data().toString()));
    QVERIFY(m->cachedRows() > 0);
    // Selecting a row fills the details tree and the hex view.
    m_view->packets()->table()->selectRow(3);
    const QStringList layers = m_view->packets()->details()->layerTitles();
    QVERIFY2(layers.size() >= 4, qPrintable(layers.join(QLatin1Char('|'))));
    QVERIFY(layers.join(QLatin1Char('|')).contains(QStringLiteral("Transmission Control Protocol")));
    QVERIFY(layers.join(QLatin1Char('|')).contains(QStringLiteral("Hypertext Transfer Protocol")));
}

void TestViewer::bpfFilter_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<int>("rows");
    QTest::newRow("failed flow") << QStringLiteral("tcp port 41000") << FixtureCapture::kFailedSyns;
    QTest::newRow("reset flow") << QStringLiteral("port 42000") << FixtureCapture::kResetPackets;
    QTest::newRow("rst only") << QStringLiteral("tcp[tcpflags] & tcp-rst != 0") << 1;
    QTest::newRow("one client") << QStringLiteral("host 198.51.100.11")
                                << FixtureCapture::kPacketsPerComplete;
    QTest::newRow("cleared") << QString() << FixtureCapture::kPackets;
}

void TestViewer::bpfFilter()
{
    QFETCH(QString, expression);
    QFETCH(int, rows);
    PacketPane *pane = m_view->packets();
    QSignalSpy updated(pane, &PacketPane::rowsUpdated);
    pane->filterBar()->setText(expression);
    QVERIFY(pane->filterBar()->errorMessage().isEmpty());
    pane->applyFilter(expression);
    QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), 20000);
    QCOMPARE(pane->model()->rowCount(), rows);
}

void TestViewer::invalidFilterShowsCompilerMessage()
{
    FilterBar *bar = m_view->packets()->filterBar();
    bar->setText(QStringLiteral("tcp port nonsense and"));
    QVERIFY(!bar->errorMessage().isEmpty());
    QVERIFY2(bar->errorMessage().contains(QStringLiteral("syntax"))
            || bar->errorMessage().contains(QStringLiteral("unknown")),
        qPrintable(bar->errorMessage()));
    bar->setText(QString());
    QVERIFY(bar->errorMessage().isEmpty());
}

void TestViewer::selectingFlowFiltersPacketsAndDrawsLadder()
{
    FlowsPane *flows = m_view->flows();
    m_view->tabs()->setCurrentIndex(CaptureView::FlowsTab);
    flows->table()->sortByColumn(FlowTableModel::Id, Qt::AscendingOrder);
    // Find the failed-handshake flow (client port 41000).
    int row = -1;
    for (int r = 0; r < flows->proxy()->rowCount(); ++r)
        if (flows->proxy()
                ->index(r, FlowTableModel::Client)
                .data()
                .toString()
                .endsWith(QStringLiteral(":41000")))
            row = r;
    QVERIFY(row >= 0);
    QCOMPARE(flows->proxy()->index(row, FlowTableModel::Outcome).data().toString(),
        QStringLiteral("failed_handshake"));
    QSignalSpy updated(m_view->packets(), &PacketPane::rowsUpdated);
    QSignalSpy ladder(flows, &FlowsPane::ladderReady);
    flows->table()->selectRow(row);
    QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!ladder.isEmpty(), 20000);
    QCOMPARE(m_view->packets()->model()->rowCount(), FixtureCapture::kFailedSyns);
    QCOMPARE(flows->ladder()->stepCount(), FixtureCapture::kFailedSyns);
    QCOMPARE(m_view->document()->selection()->flows().size(), size_t(1));
    // Clearing the selection shows every packet again.
    updated.clear();
    flows->table()->clearSelection();
    QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), 20000);
    QCOMPARE(m_view->packets()->model()->rowCount(), FixtureCapture::kPackets);
}

void TestViewer::flowTableSortsAndFilters()
{
    FlowsPane *flows = m_view->flows();
    FlowFilterProxy *proxy = flows->proxy();
    // Numeric sort: TTFB grows 10 ms per complete flow; descending puts the slowest first. The rows
    // are computed in a job: none are shown until it is done.
    flows->table()->sortByColumn(FlowTableModel::Ttfb, Qt::DescendingOrder);
    QVERIFY(flows->isUpdatingRows());
    QTRY_VERIFY(!flows->isUpdatingRows());
    QCOMPARE(proxy->rowCount(), FixtureCapture::kFlows);
    const double top = proxy->index(0, FlowTableModel::Ttfb).data(FlowTableModel::SortRole).toDouble();
    const double next = proxy->index(1, FlowTableModel::Ttfb).data(FlowTableModel::SortRole).toDouble();
    QVERIFY2(top > next && top > 50, qPrintable(QStringLiteral("%1 %2").arg(top).arg(next)));
    flows->outcomeCombo()->setCurrentIndex(
        flows->outcomeCombo()->findData(int(lbs::analysis::FlowOutcome::Complete)));
    QTRY_VERIFY(!flows->isUpdatingRows());
    QCOMPARE(proxy->rowCount(), FixtureCapture::kCompleteFlows);
    flows->outcomeCombo()->setCurrentIndex(0);
    flows->filterEdit()->setText(QStringLiteral(":42000"));
    QTRY_VERIFY(!flows->isUpdatingRows());
    QCOMPARE(proxy->rowCount(), 1);
    flows->filterEdit()->clear();
    QTRY_VERIFY(!flows->isUpdatingRows());
    QCOMPARE(proxy->rowCount(), FixtureCapture::kFlows);
    // Back to the flows' own order: at once, without a job.
    flows->table()->sortByColumn(FlowTableModel::Id, Qt::AscendingOrder);
    QVERIFY(!flows->isUpdatingRows());
    QCOMPARE(proxy->index(0, FlowTableModel::Id).data().toUInt(), 0u);
}

void TestViewer::timelineZoomPropagates()
{
    m_view->tabs()->setCurrentIndex(CaptureView::TimelineTab);
    CaptureSelection *sel = m_view->document()->selection();
    sel->clearFlows();
    QSignalSpy range(sel, &CaptureSelection::rangeChanged);
    QSignalSpy updated(m_view->packets(), &PacketPane::rowsUpdated);
    // A real wheel event on the plot canvas, as a user would zoom.
    auto *canvas = m_view->timeline()->findChild<QWidget *>(QStringLiteral("plotCanvas"));
    QVERIFY(canvas);
    QTRY_VERIFY(canvas->isVisible());
    const QPointF pos(canvas->width() * 0.5, canvas->height() * 0.3);
    for (int i = 0; i < 4; ++i) {
        QWheelEvent wheel(pos, canvas->mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt::NoButton,
            Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(canvas, &wheel);
    }
    QTRY_VERIFY_WITH_TIMEOUT(!range.isEmpty(), 5000);
    QVERIFY(sel->isRestricted());
    QVERIFY(sel->end() - sel->start() < (sel->fullEnd() - sel->fullStart()) * 0.9);
    QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), 20000);
    const int shown = m_view->packets()->model()->rowCount();
    QVERIFY2(shown < FixtureCapture::kPackets, qPrintable(QString::number(shown)));
    // Every shown packet lies inside the range; the flow table only keeps overlapping flows.
    const auto &idx = m_view->document()->analysis()->packetIndex;
    for (int r = 0; r < shown; ++r) {
        const double t = double(idx[size_t(m_view->packets()->model()->positionAt(r))].tsNs) * 1e-9;
        QVERIFY(t >= sel->start() - 1e-6 && t <= sel->end() + 1e-6);
    }
    QTRY_VERIFY(!m_view->flows()->isUpdatingRows());
    QVERIFY(m_view->flows()->proxy()->rowCount() < FixtureCapture::kFlows);
    // Setting the range elsewhere moves the timeline too.
    sel->setRange(sel->fullStart() + 1, sel->fullStart() + 2);
    QCOMPARE(m_view->timeline()->visibleStart(), sel->fullStart() + 1);
    m_view->timeline()->resetZoom();
    QTRY_VERIFY_WITH_TIMEOUT(!sel->isRestricted(), 5000);
}

// While loading, the document publishes a snapshot (setFullRange + timelineUpdated) every few
// hundred ms; a zoom made in between must stay, in the plot and in the shared selection.
void TestViewer::zoomSurvivesTimelineUpdates()
{
    m_view->tabs()->setCurrentIndex(CaptureView::TimelineTab);
    CaptureDocument *doc = m_view->document();
    CaptureSelection *sel = doc->selection();
    TimelinePlot *plot = m_view->timeline();
    plot->resetZoom();
    QTRY_VERIFY_WITH_TIMEOUT(!sel->isRestricted(), 5000);
    auto *canvas = plot->findChild<QWidget *>(QStringLiteral("plotCanvas"));
    QVERIFY(canvas);
    const QPointF pos(canvas->width() * 0.3, canvas->height() * 0.3);
    for (int i = 0; i < 3; ++i) {
        QWheelEvent wheel(pos, canvas->mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt::NoButton,
            Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(canvas, &wheel);
    }
    QTRY_VERIFY_WITH_TIMEOUT(sel->isRestricted(), 5000);
    const double start = plot->visibleStart(), end = plot->visibleEnd();
    for (int i = 0; i < 3; ++i) {
        sel->setFullRange(sel->fullStart(), sel->fullEnd());
        emit doc->timelineUpdated();
        QCoreApplication::processEvents();
        QCOMPARE(plot->visibleStart(), start);
        QCOMPARE(plot->visibleEnd(), end);
        QVERIFY(sel->isRestricted());
        QCOMPARE(sel->start(), start);
    }
    plot->resetZoom();
    QTRY_VERIFY_WITH_TIMEOUT(!sel->isRestricted(), 5000);
}

void TestViewer::findingClickSelectsFlows()
{
    FindingsPane *pane = m_view->findings();
    QVERIFY2(pane->model()->rowCount() > 0, "the fixture has a black-holed SYN and a refused connection");
    int row = -1;
    for (int r = 0; r < pane->model()->rowCount(); ++r)
        if (!pane->model()->finding(r)->flows.empty())
            row = r;
    QVERIFY(row >= 0);
    pane->activateFinding(row);
    std::vector<uint32_t> expected = pane->model()->finding(row)->flows;
    std::sort(expected.begin(), expected.end());
    QCOMPARE(m_view->document()->selection()->flows(), expected);
    QVERIFY(pane->explanation()->toPlainText().contains(QStringLiteral("now selected")));
    m_view->document()->selection()->clearFlows();
    m_view->document()->selection()->resetRange();
}

void TestViewer::scatterClickSelectsFlow()
{
    m_view->tabs()->setCurrentIndex(CaptureView::LatencyTab);
    LatencyScatterPlot *scatter = m_view->latency()->scatter();
    QVERIFY(scatter->pointCount() >= FixtureCapture::kCompleteFlows);
    QSignalSpy clicked(scatter, &LatencyScatterPlot::flowClicked);
    scatter->clickPoint(0, 0);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(m_view->document()->selection()->flows().size(), size_t(1));
    m_view->document()->selection()->clearFlows();
}

void TestViewer::latencyDistribution()
{
    m_view->latency()->setMetric(LatencyPane::Ttfb);
    QTRY_VERIFY(!m_view->latency()->isRebuilding());
    const LatencyDistribution &d = m_view->latency()->distribution()->distribution();
    QCOMPARE(int(d.samples), FixtureCapture::kCompleteFlows);
    // TTFBs are 5, 15, ... 55 ms (wire time); p50 is the third.
    QVERIFY2(d.p50 > 20 && d.p50 < 30, qPrintable(QString::number(d.p50)));
    QVERIFY(d.p99 > 50);
    m_view->latency()->setMetric(LatencyPane::HandshakeRtt);
    QTRY_VERIFY(!m_view->latency()->isRebuilding());
}

void TestViewer::timeFormats()
{
    PacketTableModel *m = m_view->packets()->model();
    // Earlier tests select and clear flows; the packet list is refiltered off the GUI thread, so
    // wait until it shows every packet again before reading row 0.
    QTRY_COMPARE(m->rowCount(), FixtureCapture::kPackets);
    m->setTimeFormat(PacketTableModel::TimeFormat::Relative);
    QCOMPARE(m->index(0, PacketTableModel::Time).data().toString(), QStringLiteral("0.000000"));
    m->setTimeFormat(PacketTableModel::TimeFormat::SincePrevious);
    QCOMPARE(m->index(1, PacketTableModel::Time).data().toString(), QStringLiteral("0.001000"));
    m->setTimeFormat(PacketTableModel::TimeFormat::Absolute);
    QVERIFY(m->index(0, PacketTableModel::Time).data().toString().contains(QLatin1Char(':')));
    m->setTimeFormat(PacketTableModel::TimeFormat::Relative);
}

void TestViewer::packetListWindow_data()
{
    // The model gives Qt a window of 16 of the 66 packets; each action moves through the list and
    // `top` is the packet (shown index) expected in the table's top row afterwards, or with
    // `current` set, the packet expected as the current row.
    QTest::addColumn<QString>("action");
    QTest::addColumn<int>("top");
    QTest::addColumn<bool>("current");
    const int last = FixtureCapture::kPackets - 1;
    QTest::newRow("list bar to the middle") << QStringLiteral("bar 30") << 30 << false;
    QTest::newRow("list bar to the end") << QStringLiteral("bar end") << -1 << false;
    QTest::newRow("list bar back to the start") << QStringLiteral("bar 0") << 0 << false;
    QTest::newRow("table scrolled past its window's margin") << QStringLiteral("table end") << -1 << false;
    QTest::newRow("Ctrl+End") << QStringLiteral("key end") << last << true;
    QTest::newRow("Ctrl+Home") << QStringLiteral("key home") << 0 << true;
    QTest::newRow("packet 50 revealed") << QStringLiteral("reveal 49") << 49 << true;
}

void TestViewer::packetListWindow()
{
    QFETCH(QString, action);
    QFETCH(int, top);
    QFETCH(bool, current);
    PacketPane *pane = m_view->packets();
    PacketTableModel *m = pane->model();
    m_view->document()->selection()->clearFlows();
    QTRY_COMPARE(m->shownCount(), size_t(FixtureCapture::kPackets));
    if (m->windowRows() != 16) {
        m->setWindowRows(16);
        QCoreApplication::processEvents();
    }
    QTableView *table = pane->table();
    QScrollBar *bar = pane->listScrollBar();
    QScrollBar *inner = table->verticalScrollBar();
    QCOMPARE(m->rowCount(), 16);
    QVERIFY(pane->isWindowed());
    QVERIFY(!bar->isHidden());
    QVERIFY(bar->maximum() > 0);

    const QStringList words = action.split(QLatin1Char(' '));
    const int innerBefore = inner->maximum();
    const size_t startBefore = m->windowStart();
    if (words[0] == QLatin1String("bar"))
        bar->setValue(words[1] == QLatin1String("end") ? bar->maximum() : words[1].toInt());
    else if (words[0] == QLatin1String("table"))
        inner->setValue(inner->maximum());
    else if (words[0] == QLatin1String("key")) {
        const Qt::Key key = words[1] == QLatin1String("end") ? Qt::Key_End : Qt::Key_Home;
        QKeyEvent press(QEvent::KeyPress, key, Qt::ControlModifier);
        QApplication::sendEvent(table, &press);
        // The application keeps the modifiers of the last key press it delivered, and a later
        // selectRow with Ctrl "down" would toggle rows: a key the table ignores, without Ctrl.
        QKeyEvent idle(QEvent::KeyPress, Qt::Key_F35, Qt::NoModifier);
        QApplication::sendEvent(table, &idle);
    } else if (words[0] == QLatin1String("reveal"))
        table->selectRow(pane->revealPosition(uint32_t(words[1].toInt())));
    QCoreApplication::processEvents();

    if (action == QLatin1String("bar end")) {
        top = bar->maximum();
        QCOMPARE(m->positionAt(m->rowCount() - 1), qint64(FixtureCapture::kPackets - 1));
    }
    if (action == QLatin1String("table end")) {
        // The table's own bar reached its window's margin: the window moved on, the top packet stayed.
        top = int(startBefore) + innerBefore;
        QVERIFY(m->windowStart() > startBefore);
    }
    if (const QString shots = qEnvironmentVariable("LBSCOPE_SHOT_DIR");
        !shots.isEmpty() && action == QLatin1String("bar 30"))
        QVERIFY(m_window->grab().save(shots + QStringLiteral("/shot-packet-window.png")));
    // Still a window of 16 rows; the list's bar and the table agree on the top packet.
    QCOMPARE(m->rowCount(), 16);
    QCOMPARE(size_t(bar->value()), m->windowStart() + size_t(inner->value()));
    QCOMPARE(m->positionAt(inner->value()), qint64(bar->value()));
    if (current) {
        QCOMPARE(m->positionAt(table->currentIndex().row()), qint64(top));
        QVERIFY(table->selectionModel()->isRowSelected(table->currentIndex().row()));
    } else {
        QCOMPARE(bar->value(), top);
        QCOMPARE(
            m->index(inner->value(), PacketTableModel::Number).data().toString(), QString::number(top + 1));
    }
}

void TestViewer::packetListWindowKeepsSelection()
{
    PacketPane *pane = m_view->packets();
    PacketTableModel *m = pane->model();
    m_view->document()->selection()->clearFlows();
    QTRY_COMPARE(m->shownCount(), size_t(FixtureCapture::kPackets));
    m->setWindowRows(16);
    QCoreApplication::processEvents();
    pane->scrollToShown(0);
    QCOMPARE(m->windowStart(), size_t(0));
    pane->table()->selectRow(10);
    QCOMPARE(pane->selectedPositions(), std::vector<uint32_t> {10});
    // A move that keeps packet 11 in the window keeps it selected, in its new row.
    m->moveWindow(4);
    QCOMPARE(m->windowStart(), size_t(4));
    QCOMPARE(pane->selectedPositions(), std::vector<uint32_t> {10});
    QCOMPARE(pane->table()->currentIndex().row(), 6);
    // A move past it drops it from the selection rather than selecting another packet.
    m->moveWindow(40);
    QVERIFY(pane->selectedPositions().empty());
    // Back to one window as large as the list: no list bar, the table's own bar again.
    m->setWindowRows(PacketTableModel::kDefaultWindowRows);
    QCoreApplication::processEvents();
    QCOMPARE(m->rowCount(), FixtureCapture::kPackets);
    QVERIFY(!pane->isWindowed());
    QVERIFY(pane->listScrollBar()->isHidden());
}

void TestViewer::flowTableWindow_data()
{
    // The sample's flows in a window of 64 rows. `flow` is the flow expected in the table's top row
    // (-1: the last shown; for "table end", where the top row was), or with `current` set, the flow
    // expected as the current row.
    QTest::addColumn<QString>("action");
    QTest::addColumn<int>("flow");
    QTest::addColumn<bool>("current");
    QTest::newRow("list bar to flow 150") << QStringLiteral("bar 150") << 150 << false;
    QTest::newRow("list bar to the end") << QStringLiteral("bar end") << -1 << false;
    QTest::newRow("table scrolled past its window's margin") << QStringLiteral("table end") << -1 << false;
    QTest::newRow("Ctrl+End") << QStringLiteral("key end") << -1 << true;
    QTest::newRow("Ctrl+Home") << QStringLiteral("key home") << 0 << true;
    QTest::newRow("flow 300 chosen in another view") << QStringLiteral("select 300") << 300 << true;
    QTest::newRow("selected flow kept while the window moves away")
        << QStringLiteral("keep 5") << 200 << false;
    QTest::newRow("sorted by TTFB, list bar to the end") << QStringLiteral("sort end") << -1 << false;
}

void TestViewer::flowTableWindow()
{
    QFETCH(QString, action);
    QFETCH(int, flow);
    QFETCH(bool, current);
    const QString sample = QStringLiteral(LBSCOPE_SAMPLE_PCAP);
    QVERIFY2(QFileInfo::exists(sample), "resources/sample/sample.pcap is missing");
    if (!m_sampleView) {
        m_sampleView = loadFixture(sample);
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(m_sampleView->flows()->proxy()));
        m_sampleView->flows()->proxy()->setWindowRows(64);
    }
    // The sample's tab in front while this runs; the fixture's again afterwards, for the tests after.
    const auto front = [](CaptureView *v) {
        if (auto *tabs = qobject_cast<QTabWidget *>(v->parentWidget()->parentWidget()))
            tabs->setCurrentWidget(v);
    };
    front(m_sampleView);
    const auto restore = qScopeGuard([this, front] { front(m_view); });
    m_sampleView->tabs()->setCurrentIndex(CaptureView::FlowsTab);
    FlowsPane *pane = m_sampleView->flows();
    FlowFilterProxy *proxy = pane->proxy();
    CaptureSelection *selection = m_sampleView->document()->selection();
    selection->clearFlows();
    const bool sorted = action.startsWith(QLatin1String("sort"));
    pane->table()->sortByColumn(sorted ? FlowTableModel::Ttfb : FlowTableModel::Id,
        sorted ? Qt::DescendingOrder : Qt::AscendingOrder);
    QTRY_VERIFY(!pane->isUpdatingRows());
    QCoreApplication::processEvents();
    const int flows = pane->model()->rowCount();
    QVERIFY(flows > 300);
    QTableView *table = pane->table();
    QScrollBar *bar = pane->scroller()->scrollBar();
    QScrollBar *inner = table->verticalScrollBar();
    QCOMPARE(proxy->rowCount(), 64);
    QCOMPARE(proxy->shownCount(), size_t(flows));
    QVERIFY(pane->scroller()->isWindowed());
    QVERIFY(!bar->isHidden());
    pane->scroller()->scrollToShown(0);

    const QStringList words = action.split(QLatin1Char(' '));
    const size_t startBefore = proxy->windowStart();
    const int innerBefore = inner->maximum();
    if (words[0] == QLatin1String("bar") || words[0] == QLatin1String("sort"))
        bar->setValue(words[1] == QLatin1String("end") ? bar->maximum() : words[1].toInt());
    else if (words[0] == QLatin1String("table"))
        inner->setValue(inner->maximum());
    else if (words[0] == QLatin1String("key")) {
        QKeyEvent press(QEvent::KeyPress, words[1] == QLatin1String("end") ? Qt::Key_End : Qt::Key_Home,
            Qt::ControlModifier);
        QApplication::sendEvent(table, &press);
        QKeyEvent idle(QEvent::KeyPress, Qt::Key_F35, Qt::NoModifier);
        QApplication::sendEvent(table, &idle);
    } else if (words[0] == QLatin1String("select")) {
        selection->setFlows({uint32_t(words[1].toInt())});
    } else if (words[0] == QLatin1String("keep")) {
        table->selectRow(words[1].toInt());
        QCOMPARE(selection->flows(), std::vector<uint32_t> {uint32_t(words[1].toInt())});
        bar->setValue(flow); // far beyond a quarter of the window: it moves, the row leaves it
    }
    QCoreApplication::processEvents();

    const auto idAt
        = [proxy](int row) { return int(proxy->index(row, 0).data(FlowTableModel::FlowIdRole).toUInt()); };
    // Always: a window of 64 rows, and the list's bar and the table agree on the top flow.
    QCOMPARE(proxy->rowCount(), 64);
    QCOMPARE(size_t(bar->value()), proxy->windowStart() + size_t(inner->value()));
    QCOMPARE(proxy->shownIndexOfSource(idAt(inner->value())), qint64(bar->value()));
    if (action == QLatin1String("table end")) {
        // The table's own bar reached its window's margin: the window moved on, the top flow stayed.
        QVERIFY(innerBefore > 0);
        QVERIFY(proxy->windowStart() > startBefore);
        QCOMPARE(idAt(inner->value()), int(startBefore) + innerBefore);
    } else if (current) {
        const int row = table->currentIndex().row();
        QCOMPARE(idAt(row), flow < 0 ? flows - 1 : flow);
        QVERIFY(table->selectionModel()->isRowSelected(row));
    } else if (flow < 0) {
        QCOMPARE(bar->value(), bar->maximum());
        QCOMPARE(proxy->windowStart() + size_t(proxy->rowCount()), size_t(flows));
    } else {
        QCOMPARE(idAt(inner->value()), flow);
    }
    if (words[0] == QLatin1String("keep")) {
        // The row left Qt's window; the flow is still the selected one (packets, ladder).
        QCOMPARE(selection->flows(), std::vector<uint32_t> {uint32_t(words[1].toInt())});
        QVERIFY(!table->selectionModel()->hasSelection());
    }
    if (words[0] == QLatin1String("select"))
        QCOMPARE(selection->flows(), std::vector<uint32_t> {uint32_t(flow)});
    if (sorted) {
        // "Export Flows" writes every shown flow in the shown order, not the window's 64.
        const QString csv = m_dir.filePath(QStringLiteral("window-flows.csv"));
        QCOMPARE(m_sampleView->exportFlowsCsv(csv), QString());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(
            lines.size(), flows + 2); // the header, a line per flow, the empty rest after the last newline
        const uint32_t first = proxy->shownSourceRows().front();
        QVERIFY(lines[1].startsWith(QByteArray(QByteArray::number(first) + ',')));
        QCOMPARE(proxy->shownIndexOfSource(int(first)), qint64(0));
    }
}

void TestViewer::exports_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("magic");
    QTest::newRow("timeline png") << QStringLiteral("timeline.png") << QByteArray("\x89PNG");
    QTest::newRow("timeline pdf") << QStringLiteral("timeline.pdf") << QByteArray("%PDF");
    QTest::newRow("timeline svg") << QStringLiteral("timeline.svg") << QByteArray("<?xml");
    QTest::newRow("scatter png") << QStringLiteral("scatter.png") << QByteArray("\x89PNG");
    QTest::newRow("scatter svg") << QStringLiteral("scatter.svg") << QByteArray("<?xml");
    QTest::newRow("distribution svg") << QStringLiteral("distribution.svg") << QByteArray("<?xml");
    QTest::newRow("flows csv") << QStringLiteral("flows.csv") << QByteArray("ID,Client,Server");
    QTest::newRow("findings csv") << QStringLiteral("findings.csv") << QByteArray("Severity,Kind,Summary");
}

void TestViewer::exports()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, magic);
    const QString path = m_dir.filePath(file);
    QString error;
    if (file.startsWith(QStringLiteral("timeline")))
        error = m_view->timeline()->exportTo(path);
    else if (file.startsWith(QStringLiteral("scatter")))
        error = m_view->latency()->scatter()->exportTo(path);
    else if (file.startsWith(QStringLiteral("distribution")))
        error = m_view->latency()->distribution()->exportTo(path);
    else if (file == QStringLiteral("flows.csv"))
        error = m_view->exportFlowsCsv(path);
    else
        error = m_view->exportFindingsCsv(path);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(QFileInfo(path).size() > 0);
    QCOMPARE(head(path, magic.size()), magic);
    if (file == QStringLiteral("flows.csv")) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('\n'), FixtureCapture::kFlows + 1);
    }
    if (file.endsWith(QStringLiteral(".svg")))
        QVERIFY(head(path, 4096).contains("<svg"));
    if (file == QStringLiteral("scatter.svg")) {
        // The points are vector shapes in a vector file, never stamped images.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains("<image"));
    }
}

void TestViewer::exportPcapReadable()
{
    PacketPane *pane = m_view->packets();
    QSignalSpy updated(pane, &PacketPane::rowsUpdated);
    pane->applyFilter(QStringLiteral("tcp port 41000 or tcp port 42000"));
    QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), 20000);
    const int shown = pane->model()->rowCount();
    QCOMPARE(shown, FixtureCapture::kFailedSyns + FixtureCapture::kResetPackets);
    const QString displayed = m_dir.filePath(QStringLiteral("displayed.pcap"));
    QString error = m_view->exportPackets(displayed, false);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QByteArray magic = head(displayed, 4);
    QVERIFY(magic == QByteArray::fromHex("d4c3b2a1") || magic == QByteArray::fromHex("4d3cb2a1")
        || magic == QByteArray::fromHex("a1b2c3d4") || magic == QByteArray::fromHex("a1b23c4d"));
    auto again = lbs::analysis::analyzeFiles({displayed.toStdString()});
    QVERIFY2(again.ok(), again.ok() ? "" : again.error().toString().c_str());
    QCOMPARE(int(again->packets), shown);
    // Selected rows only.
    pane->table()->selectRow(0);
    const QString selected = m_dir.filePath(QStringLiteral("selected.pcap"));
    error = m_view->exportPackets(selected, true);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto one = lbs::analysis::analyzeFiles({selected.toStdString()});
    QVERIFY(one.ok());
    QCOMPARE(int(one->packets), 1);
    pane->applyFilter(QString());
}

void TestViewer::truncatedCaptureShowsBanner()
{
    const QString cut = m_dir.filePath(QStringLiteral("truncated.pcap"));
    QFile::remove(cut);
    QVERIFY(QFile::copy(m_fixture, cut));
    QFile f(cut);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(f.size() - 20)); // cut the last record short, as tcpdump killed mid-write
    f.close();
    CaptureView *view = loadFixture(cut);
    QCOMPARE(view->document()->state(), CaptureDocument::State::Loaded);
    QVERIFY(view->banner()->isVisible());
    QVERIFY2(
        view->banner()->text().contains(QStringLiteral("truncated")), qPrintable(view->banner()->text()));
    QCOMPARE(int(view->document()->analysis()->packets), FixtureCapture::kPackets - 1);
}

void TestViewer::missingFileShowsError()
{
    CaptureView *view = loadFixture(m_dir.filePath(QStringLiteral("does-not-exist.pcap")));
    QCOMPARE(view->document()->state(), CaptureDocument::State::Failed);
    QVERIFY(view->banner()->isVisible());
    QVERIFY2(view->banner()->text().contains(QStringLiteral("does-not-exist.pcap")),
        qPrintable(view->banner()->text()));
}

void TestViewer::opensSampleCapture()
{
    const QString sample = QStringLiteral(LBSCOPE_SAMPLE_PCAP);
    if (!QFileInfo::exists(sample))
        QSKIP("resources/sample/sample.pcap is not in the tree yet (lbscope-gen makes it)");
    CaptureView *view = loadFixture(sample);
    QCOMPARE(view->document()->state(), CaptureDocument::State::Loaded);
    QVERIFY(view->packets()->model()->rowCount() > 0);
    QVERIFY(view->flows()->model()->rowCount() > 0);
    QVERIFY(view->findings()->model()->rowCount() > 0);
    view->renderAllViews();
}

void TestViewer::cancelDropsResults()
{
    CaptureView *view = m_window->openCapture({m_fixture});
    QSignalSpy loaded(view->document(), &CaptureDocument::loaded);
    view->document()->cancel();
    QCOMPARE(view->document()->state(), CaptureDocument::State::Cancelled);
    QTest::qWait(1500); // the job finishes or stops; either way its result must not arrive
    QVERIFY(loaded.isEmpty());
    QCOMPARE(view->document()->state(), CaptureDocument::State::Cancelled);
    QVERIFY(view->banner()->text().contains(QStringLiteral("cancelled")));
    // F5 (reload) loads it after all.
    view->document()->load();
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 60000);
}

void TestViewer::manifestLabelsCapture()
{
    const QString dir = m_dir.filePath(QStringLiteral("capdir"));
    QVERIFY(QDir().mkpath(dir));
    QFile::remove(dir + QStringLiteral("/lb.pcap0"));
    QVERIFY(QFile::copy(m_fixture, dir + QStringLiteral("/lb.pcap0")));
    QFile manifest(dir + QStringLiteral("/manifest.json"));
    QVERIFY(manifest.open(QIODevice::WriteOnly));
    manifest.write(R"({"transport": "kube", "context": "lab", "service": "default/web", "vip": "192.0.2.10",
        "node": "lab-node-1", "interface": "eth1", "filter": "tcp port 80",
        "tcpdump_stats": {"captured": 66, "received_by_filter": 70, "dropped_by_kernel": 4},
        "files": [{"name": "lb.pcap0"}]})");
    manifest.close();
    CaptureView *view = loadFixture(dir);
    QCOMPARE(view->document()->state(), CaptureDocument::State::Loaded);
    const QString header = view->header()->text();
    for (const char *want : {"lab-node-1", "eth1", "192.0.2.10", "tcp port 80"})
        QVERIFY2(header.contains(QLatin1String(want)), qPrintable(header));
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("lab-node-1")));
    QVERIFY2(view->banner()->text().contains(QStringLiteral("dropped by the kernel")),
        qPrintable(view->banner()->text()));
}

void TestViewer::dropOpensTabs()
{
    const int before = m_window->views().size();
    const QString second = m_dir.filePath(QStringLiteral("second.pcap"));
    QFile::remove(second);
    QVERIFY(QFile::copy(m_fixture, second));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(m_fixture), QUrl::fromLocalFile(second)});
    const QPoint pos(m_window->width() / 2, m_window->height() / 2);
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &drop);
    QCOMPARE(m_window->views().size(), before + 2); // two unrelated files: two captures
    QCOMPARE(m_window->currentView()->document()->displayName(), QStringLiteral("second.pcap"));
}

QTEST_MAIN(TestViewer)
#include "tst_viewer.moc"
