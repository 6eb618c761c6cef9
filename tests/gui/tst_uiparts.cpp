// Unit-level tests of the GUI's building blocks that need no capture: the job runner (stale
// results dropped, cancel reaches the job), the shared selection, input grouping of rotated sets,
// zoom kept across partial timelines, latency distribution/percentiles, the hex dump, finding explanations,
// CSV quoting, the ladder, the flow table's rows (filters and sorts).

#include "core/analysis/findingexplanation.h"
#include "ui/jobs/jobrunner.h"
#include "ui/models/csvexport.h"
#include "ui/models/flowrows.h"
#include "ui/models/flowtablemodel.h"
#include "ui/plots/timelineplot.h"
#include "ui/viewer/captureselection.h"
#include "ui/viewer/findingexplainer.h"
#include "ui/viewer/inputgrouping.h"
#include "ui/viewer/latencydistribution.h"
#include "ui/widgets/filterbar.h"
#include "ui/widgets/hexview.h"
#include "ui/widgets/ladderwidget.h"

#include <QApplication>
#include <QPointer>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QWheelEvent>

#include <atomic>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

using namespace lbs::ui;

Q_DECLARE_METATYPE(FlowRowCriteria)

namespace {

/// Five flows whose sorts and filters tell orders apart: client addresses that sort otherwise as
/// text (192.0.2.9 before 192.0.2.10), equal TTFBs, flows without a request, one UDP flow.
lbs::analysis::CaptureAnalysis fiveFlows()
{
    using lbs::analysis::Flow;
    using lbs::analysis::FlowOutcome;
    lbs::analysis::CaptureAnalysis a;
    a.firstTsNs = 1'000'000'000;
    const auto endpoint = [](const char *ip, uint16_t port) {
        return lbs::pcap::Endpoint {lbs::pcap::IpAddress::parse(ip), port};
    };
    struct Row {
        const char *client;
        uint16_t port;
        uint8_t proto;
        FlowOutcome outcome;
        double start, end; // seconds
        double ttfbMs; // < 0: no request
    };
    const Row rows[] = {
        {"192.0.2.10", 40000, 6, FlowOutcome::Complete, 1.0, 2.0, 5},
        {"192.0.2.9", 40001, 6, FlowOutcome::Reset, 3.0, 4.0, -1},
        {"192.0.2.100", 40002, 6, FlowOutcome::Complete, 5.0, 6.0, 20},
        {"192.0.2.9", 39999, 6, FlowOutcome::Incomplete, 1.5, 1.6, 5},
        {"192.0.2.10", 53, 17, FlowOutcome::Incomplete, 7.0, 7.5, -1},
    };
    for (const Row &r : rows) {
        Flow f;
        f.id = uint32_t(a.flows.size());
        f.proto = r.proto;
        f.client = endpoint(r.client, r.port);
        f.server = endpoint("198.51.100.1", r.proto == 6 ? 80 : 53);
        f.outcome = r.outcome;
        f.firstTsNs = int64_t(r.start * 1e9);
        f.lastTsNs = int64_t(r.end * 1e9);
        if (r.ttfbMs >= 0) {
            lbs::analysis::HttpRequest q;
            q.method = "GET";
            q.path = "/";
            q.status = 200;
            q.ttfbNs = int64_t(r.ttfbMs * 1e6);
            f.requests.push_back(q);
        }
        a.flows.push_back(std::move(f));
    }
    return a;
}

FlowRowCriteria sortedBy(int column, Qt::SortOrder order)
{
    FlowRowCriteria c;
    c.sortColumn = column;
    c.order = order;
    return c;
}

} // namespace

class TestUiParts : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void jobRunnerDeliversOnGuiThread()
    {
        JobRunner runner;
        std::atomic<bool> ranOffThread {false};
        bool done = false;
        const auto guiThread = QThread::currentThread();
        runner.run([&](const JobContext &) { ranOffThread = QThread::currentThread() != guiThread; },
            [&] { done = QThread::currentThread() == guiThread; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        QVERIFY(ranOffThread);
        QTRY_VERIFY(!runner.isRunning());
    }

    void jobRunnerDropsStaleResults()
    {
        JobRunner runner;
        int firstDone = 0, secondDone = 0, posted = 0;
        std::atomic<bool> release {false};
        runner.run(
            [&](const JobContext &ctx) {
                while (!release && !ctx.token().isCancelled())
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                ctx.post([&] { ++posted; }); // stale: must not arrive
            },
            [&] { ++firstDone; });
        runner.run([](const JobContext &) {}, [&] { ++secondDone; });
        QTRY_COMPARE_WITH_TIMEOUT(secondDone, 1, 5000);
        QTRY_VERIFY(!runner.isRunning());
        QCOMPARE(firstDone, 0);
        QCOMPARE(posted, 0);
    }

    void jobRunnerCancelReachesJob()
    {
        JobRunner runner;
        std::atomic<bool> sawCancel {false};
        bool done = false;
        runner.run(
            [&](const JobContext &ctx) {
                for (int i = 0; i < 5000 && !ctx.token().isCancelled(); ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                sawCancel = ctx.token().isCancelled();
            },
            [&] { done = true; });
        QSignalSpy running(&runner, &JobRunner::runningChanged);
        runner.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!runner.isRunning(), 3000);
        QVERIFY(sawCancel);
        QVERIFY(!done);
    }

    void jobRunnerYieldsToGuiThread()
    {
        // A job and the threads it starts (the analysis's reader) run below the GUI thread's
        // priority (unless the whole process already runs that low); the GUI thread keeps its own.
        JobRunner runner;
        std::atomic<int> jobNice {-100}, childNice {-100};
        bool done = false;
        runner.run(
            [&](const JobContext &) {
                jobNice = getpriority(PRIO_PROCESS, id_t(gettid()));
                std::thread child([&] { childNice = getpriority(PRIO_PROCESS, id_t(gettid())); });
                child.join();
            },
            [&] { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        const int guiNice = getpriority(PRIO_PROCESS, id_t(gettid()));
        QCOMPARE(jobNice.load(), std::max(guiNice, JobRunner::kJobNice));
        QCOMPARE(childNice.load(), jobNice.load());
        QCOMPARE(getpriority(PRIO_PROCESS, id_t(gettid())), guiNice);
    }

    void jobRunnerReceiverGone()
    {
        // The job outlives nothing: destroying the runner cancels it and waits.
        std::atomic<bool> finished {false};
        {
            JobRunner runner;
            runner.run([&](const JobContext &ctx) {
                while (!ctx.token().isCancelled())
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                finished = true;
            });
        }
        QVERIFY(finished);
        QCoreApplication::processEvents(); // queued calls to the dead runner must be harmless
    }

    void selectionClampsAndSignals()
    {
        CaptureSelection sel;
        sel.setFullRange(10, 20);
        QSignalSpy range(&sel, &CaptureSelection::rangeChanged);
        QSignalSpy flows(&sel, &CaptureSelection::flowsChanged);
        sel.setRange(15, 30);
        QCOMPARE(range.count(), 1);
        QCOMPARE(sel.start(), 15.0);
        QCOMPARE(sel.end(), 20.0);
        QVERIFY(sel.isRestricted());
        sel.setRange(15, 30); // same after clamping: no signal
        QCOMPARE(range.count(), 1);
        sel.setFlows({3, 1, 3});
        QCOMPARE(flows.count(), 1);
        QCOMPARE(sel.flows(), (std::vector<uint32_t> {1, 3}));
        sel.setFlows({1, 3});
        QCOMPARE(flows.count(), 1);
        sel.resetRange();
        QVERIFY(!sel.isRestricted());
    }

    void selectionKeepsNarrowedRangeWhileGrowing()
    {
        CaptureSelection sel;
        sel.setFullRange(10, 20);
        QVERIFY(!sel.isRestricted());
        sel.setFullRange(10, 25); // unrestricted: follows the growing capture
        QCOMPARE(sel.end(), 25.0);
        sel.setRange(12, 14);
        QSignalSpy range(&sel, &CaptureSelection::rangeChanged);
        sel.setFullRange(10, 40); // a later snapshot must not undo the user's zoom
        QCOMPARE(sel.start(), 12.0);
        QCOMPARE(sel.end(), 14.0);
        QCOMPARE(range.count(), 0);
        sel.resetRange();
        QCOMPARE(sel.end(), 40.0);
    }

    // Each partial snapshot calls setSource again; the user's zoom and hidden series must survive.
    void timelineKeepsZoomAcrossPartialUpdates()
    {
        TimelinePlot plot;
        plot.resize(800, 600);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        int fetches = 0;
        const auto fetch
            = [&fetches](int, double lo, double hi, int, QVector<double> &k, QVector<double> &v) {
                  ++fetches;
                  for (int i = 0; i <= 10; ++i) {
                      k << lo + (hi - lo) * i / 10;
                      v << i;
                  }
              };
        const auto specs = [] {
            return std::vector<TimelineSeriesSpec> {
                {QStringLiteral("Packets/s"), QStringLiteral("packets/s")},
                {QStringLiteral("Resets/s"), QStringLiteral("events/s"), TimelineSeriesSpec::Events}};
        };
        const double origin = 1000;
        plot.setSource(specs(), origin, 10, fetch);
        QCOMPARE(plot.visibleEnd(), origin + 10);
        plot.setSource(specs(), origin, 20, fetch); // not zoomed: fits the longer capture
        QCOMPARE(plot.visibleStart(), origin);
        QCOMPARE(plot.visibleEnd(), origin + 20);
        QVERIFY(!plot.isZoomed());

        // A real wheel zoom on the canvas, then a hidden series.
        auto *canvas = plot.findChild<QWidget *>(QStringLiteral("plotCanvas"));
        QVERIFY(canvas);
        const QPointF pos(canvas->width() * 0.5, canvas->height() * 0.2);
        QSignalSpy changed(&plot, &TimelinePlot::visibleRangeChanged);
        for (int i = 0; i < 3; ++i) {
            QWheelEvent wheel(pos, canvas->mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt::NoButton,
                Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(canvas, &wheel);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 5000);
        QVERIFY(plot.isZoomed());
        const double start = plot.visibleStart(), end = plot.visibleEnd();
        QVERIFY2(end - start < 15, qPrintable(QStringLiteral("%1..%2").arg(start).arg(end)));
        plot.setSeriesVisible(1, false);

        for (double length : {30.0, 45.0, 60.0}) {
            plot.setSource(specs(), origin, length, fetch);
            QCOMPARE(plot.visibleStart(), start);
            QCOMPARE(plot.visibleEnd(), end);
            QVERIFY(plot.isZoomed());
            QVERIFY(!plot.isSeriesVisible(1));
            QVERIFY(plot.isSeriesVisible(0));
        }
        QVERIFY(plot.pointCount(0) > 0);
        QCOMPARE(plot.pointCount(1), 0);

        plot.resetZoom();
        QVERIFY(!plot.isZoomed());
        plot.setSource(specs(), origin, 90, fetch);
        QCOMPARE(plot.visibleStart(), origin);
        QCOMPARE(plot.visibleEnd(), origin + 90);
        QVERIFY(fetches > 0);

        // The same series again keep their toolbar buttons (no relayout per snapshot); a new
        // list of series gets new ones, and a hidden series stays hidden by name.
        const QList<QAction *> buttons = plot.toolBar()->actions();
        std::vector<QPointer<QAction>> kept(buttons.begin(), buttons.end());
        plot.setSource(specs(), origin, 120, fetch);
        QCOMPARE(plot.toolBar()->actions(), buttons);
        for (const QPointer<QAction> &button : kept)
            QVERIFY(button); // not deleted and made again
        auto more = specs();
        more.push_back(
            {QStringLiteral("Retransmissions"), QStringLiteral("events/s"), TimelineSeriesSpec::Events});
        plot.setSource(more, origin, 120, fetch);
        QCOMPARE(plot.seriesCount(), 3);
        QCOMPARE(plot.toolBar()->actions().size(), buttons.size() + 1);
        QVERIFY(!plot.isSeriesVisible(1));
        QVERIFY(plot.isSeriesVisible(2));
        QVERIFY(plot.pointCount(2) > 0);
    }

    void inputGrouping_data()
    {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<int>("groups");
        QTest::newRow("one file") << QStringList {QStringLiteral("a.pcap")} << 1;
        QTest::newRow("rotated set") << QStringList {QStringLiteral("x.pcap0"), QStringLiteral("x.pcap1"),
            QStringLiteral("x.pcap2")}
                                     << 1;
        QTest::newRow("base plus numbered")
            << QStringList {QStringLiteral("x.pcap"), QStringLiteral("x.pcap1")} << 1;
        QTest::newRow("two captures")
            << QStringList {QStringLiteral("a.pcap"), QStringLiteral("b.pcapng")} << 2;
        QTest::newRow("set and other") << QStringList {QStringLiteral("x.pcap00"), QStringLiteral("y.pcap"),
            QStringLiteral("x.pcap01")} << 2;
    }
    void inputGrouping()
    {
        QFETCH(QStringList, files);
        QFETCH(int, groups);
        QCOMPARE(InputGrouping::group(files).size(), groups);
    }

    void latencyPercentiles_data()
    {
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<double>("p50");
        QTest::addColumn<double>("p99");
        QTest::addColumn<bool>("log");
        QList<double> hundred;
        for (int i = 1; i <= 100; ++i)
            hundred << i;
        QTest::newRow("1..100") << hundred << 50.0 << 99.0 << true;
        QTest::newRow("narrow") << QList<double> {5, 6, 7, 8} << 6.0 << 8.0 << false;
        QTest::newRow("zeros ignored") << QList<double> {0, -1, 4, 4} << 4.0 << 4.0 << false;
        QTest::newRow("syn retry cluster")
            << QList<double> {0.3, 0.4, 0.5, 1000.4, 3000.2} << 0.5 << 3000.2 << true;
    }
    void latencyPercentiles()
    {
        QFETCH(QList<double>, values);
        QFETCH(double, p50);
        QFETCH(double, p99);
        QFETCH(bool, log);
        const auto d = LatencyDistribution::compute(std::vector<double>(values.begin(), values.end()), 10);
        QCOMPARE(d.p50, p50);
        QCOMPARE(d.p99, p99);
        QCOMPARE(d.logScale, log);
        double total = 0;
        for (double c : d.counts)
            total += c;
        QCOMPARE(size_t(total), d.samples);
        QCOMPARE(d.cdfY.back(), 1.0);
    }

    void hexDump()
    {
        const QByteArray bytes = QByteArray::fromHex("474554202f20485454502f312e310d0a41");
        const QString text = HexView::format(bytes);
        const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith(QStringLiteral("0000  47 45 54 20")));
        QVERIFY(lines[0].endsWith(QStringLiteral("GET / HTTP/1.1..")));
        QVERIFY(lines[1].startsWith(QStringLiteral("0010  41")));
    }

    void explanations_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expect");
        QTest::newRow("failed handshakes") << "failed_handshakes"
                                           << "black-holed";
        QTest::newRow("icmp") << "icmp_port_unreachable"
                              << "no ready endpoints";
        QTest::newRow("server reset") << "resets_from_server"
                                      << "not listening";
        QTest::newRow("vip reset") << "resets_from_vip"
                                   << "failover";
        QTest::newRow("retransmission burst") << "retransmission_burst"
                                              << "lost or reordered";
        QTest::newRow("latency") << "latency_spike"
                                 << "slow";
        QTest::newRow("kernel drops") << "kernel_drops"
                                      << "dropped";
    }
    void explanations()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expect);
        const auto k = lbs::analysis::findingKindFromName(kind.toStdString());
        QVERIFY2(k.has_value(), qPrintable(kind));
        const Explanation e = FindingExplainer::explain(*k);
        QVERIFY2(e.headline.contains(expect), qPrintable(e.headline));
        QVERIFY(!e.details.isEmpty());
        // The GUI shows the engine's text (the same words lbscope-cli analyze --explain prints).
        QCOMPARE(e.headline, QString::fromStdString(lbs::analysis::explainFinding(*k).headline));
    }

    void csvQuoting()
    {
        QStandardItemModel m(1, 2);
        m.setHorizontalHeaderLabels({QStringLiteral("a"), QStringLiteral("b,c")});
        m.setItem(0, 0, new QStandardItem(QStringLiteral("say \"hi\"")));
        m.setItem(0, 1, new QStandardItem(QStringLiteral("plain")));
        QCOMPARE(CsvExport::toCsv(&m), QStringLiteral("a,\"b,c\"\n\"say \"\"hi\"\"\",plain\n"));
        QTemporaryDir dir;
        QVERIFY(!CsvExport::write(&m, dir.filePath(QStringLiteral("x.csv"))).isEmpty() == false);
        QVERIFY(!CsvExport::write(&m, QStringLiteral("/nonexistent-dir/x.csv")).isEmpty());
    }

    void ladderCapsSteps()
    {
        LadderWidget w;
        std::vector<LadderStep> steps(size_t(LadderWidget::maxSteps() + 5));
        w.setFlow(QStringLiteral("c:1"), QStringLiteral("s:80"), steps);
        QCOMPARE(w.stepCount(), LadderWidget::maxSteps());
        w.resize(600, 400);
        QVERIFY(!w.grab().isNull());
    }

    void flowRows_data()
    {
        QTest::addColumn<FlowRowCriteria>("criteria");
        QTest::addColumn<std::vector<int>>("rows");
        QTest::newRow("own order") << FlowRowCriteria() << std::vector<int> {0, 1, 2, 3, 4};
        QTest::newRow("id descending")
            << sortedBy(FlowTableModel::Id, Qt::DescendingOrder) << std::vector<int> {4, 3, 2, 1, 0};
        QTest::newRow("client: by address, then port")
            << sortedBy(FlowTableModel::Client, Qt::AscendingOrder) << std::vector<int> {3, 1, 4, 0, 2};
        QTest::newRow("client descending")
            << sortedBy(FlowTableModel::Client, Qt::DescendingOrder) << std::vector<int> {2, 0, 4, 1, 3};
        QTest::newRow("ttfb ascending: none first, equal ones in flow order")
            << sortedBy(FlowTableModel::Ttfb, Qt::AscendingOrder) << std::vector<int> {1, 4, 0, 3, 2};
        QTest::newRow("ttfb descending: equal ones still in flow order")
            << sortedBy(FlowTableModel::Ttfb, Qt::DescendingOrder) << std::vector<int> {2, 0, 3, 1, 4};
        QTest::newRow("proto descending")
            << sortedBy(FlowTableModel::Proto, Qt::DescendingOrder) << std::vector<int> {4, 0, 1, 2, 3};
        FlowRowCriteria c;
        c.outcome = int(lbs::analysis::FlowOutcome::Reset);
        QTest::newRow("outcome") << c << std::vector<int> {1};
        c = {};
        c.text = QStringLiteral(":4000");
        QTest::newRow("text in the client column") << c << std::vector<int> {0, 1, 2};
        c.text = QStringLiteral("RESET");
        QTest::newRow("text, any case, in the outcome") << c << std::vector<int> {1};
        c.text = QStringLiteral("udp");
        QTest::newRow("text in the proto column") << c << std::vector<int> {4};
        c.text = QStringLiteral("no such text");
        QTest::newRow("text nowhere") << c << std::vector<int> {};
        c = {};
        c.start = 1.55; // absolute seconds
        c.end = 3.5;
        QTest::newRow("time range: flows overlapping it") << c << std::vector<int> {0, 1, 3};
        c = {};
        c.flowSetActive = true;
        c.flowSet = {1, 4};
        QTest::newRow("flow set") << c << std::vector<int> {1, 4};
        c.flowSet = {0, 2, 3};
        c.sortColumn = FlowTableModel::Id;
        c.order = Qt::DescendingOrder;
        QTest::newRow("flow set, sorted") << c << std::vector<int> {3, 2, 0};
        c.flowSet = {};
        QTest::newRow("empty flow set") << c << std::vector<int> {};
    }

    void flowRows()
    {
        QFETCH(FlowRowCriteria, criteria);
        QFETCH(std::vector<int>, rows);
        const lbs::analysis::CaptureAnalysis a = fiveFlows();
        const std::optional<FlowRows> got = computeFlowRows(a, criteria, lbs::CancelToken());
        QVERIFY(got);
        QCOMPARE(got->rows, rows);
        // The way back: each shown flow's row, -1 for the others.
        QCOMPARE(got->rowOf.size(), a.flows.size());
        for (size_t f = 0; f < a.flows.size(); ++f) {
            const auto at = std::find(rows.begin(), rows.end(), int(f));
            QCOMPARE(got->rowOf[f], at == rows.end() ? -1 : int(at - rows.begin()));
        }
        // A cancelled computation gives nothing rather than part of the rows.
        lbs::CancelToken cancelled;
        cancelled.cancel();
        QVERIFY(!computeFlowRows(a, criteria, cancelled));
    }

    void filterBarValidation()
    {
        FilterBar bar;
        bar.setValidator([](const QString &e) {
            return e == QStringLiteral("bad") ? QStringLiteral("syntax error") : QString();
        });
        QSignalSpy applied(&bar, &FilterBar::filterApplied);
        bar.setText(QStringLiteral("bad"));
        QCOMPARE(bar.errorMessage(), QStringLiteral("syntax error"));
        bar.setText(QStringLiteral("tcp"));
        QVERIFY(bar.errorMessage().isEmpty());
    }
};

QTEST_MAIN(TestUiParts)
#include "tst_uiparts.moc"
