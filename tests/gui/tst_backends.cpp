// The Backends tab on generated both-sides captures (offscreen): one row per pod named from the
// manifest with the generator's per-pod connection counts; clicking a row narrows the flows table,
// the packet list and the latency scatter to that pod's connections (both NAT legs) and clearing
// restores them; a one-side capture shows the plain-words empty state instead of a table.
#include "fixturecapture.h"
#include "generator.h"
#include "genoptions.h"
#include "groundtruth.h"
#include "ui/app/mainwindow.h"
#include "ui/models/backendtablemodel.h"
#include "ui/models/findingfilterproxy.h"
#include "ui/models/findingsmodel.h"
#include "ui/models/flowfilterproxy.h"
#include "ui/models/flowtablemodel.h"
#include "ui/models/packettablemodel.h"
#include "ui/plots/latencydistributionplot.h"
#include "ui/viewer/backendspane.h"
#include "ui/viewer/capturedocument.h"
#include "ui/viewer/captureselection.h"
#include "ui/viewer/captureview.h"
#include "ui/viewer/findingspane.h"
#include "ui/viewer/flowspane.h"
#include "ui/viewer/packetpane.h"
#include "ui/widgets/ladderwidget.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

using namespace lbs::ui;

class TestBackends : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void rowsNamePods_data();
    void rowsNamePods();
    void clickFiltersViews_data();
    void clickFiltersViews();
    void oneSideShowsEmptyState();
    void ladderShowsBothLegs_data();
    void ladderShowsBothLegs();

private:
    /// Generates a both-sides capture with a manifest naming pods web-0.. on lab-node-2..; opens it.
    CaptureView *openBothSides(int pods, bool snat, lbs::gen::GroundTruth &truth);
    CaptureView *load(const QString &path);
    QTemporaryDir m_dir;
    int m_captures = 0;
    std::unique_ptr<MainWindow> m_window;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
};

void TestBackends::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
}

CaptureView *TestBackends::load(const QString &path)
{
    CaptureView *view = m_window->openCapture({path});
    QSignalSpy loaded(view->document(), &CaptureDocument::loaded);
    QSignalSpy failed(view->document(), &CaptureDocument::failed);
    if (view->document()->state() != CaptureDocument::State::Loaded)
        [&] { QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() || !failed.isEmpty(), 60000); }();
    return view;
}

CaptureView *TestBackends::openBothSides(int pods, bool snat, lbs::gen::GroundTruth &truth)
{
    const QString dir = m_dir.filePath(QStringLiteral("c%1").arg(m_captures++));
    if (!QDir().mkpath(dir))
        return nullptr;
    lbs::gen::Options o;
    o.seed = 20261206 + uint64_t(m_captures);
    o.durationSec = 6;
    o.connPerSec = 6;
    o.pods = pods;
    o.bothSides = true;
    o.snat = snat;
    o.link = lbs::gen::LinkType::Sll2;
    o.slow.push_back({0, 1e18, 250, 0}); // pod 0 is slow
    o.faults.push_back({lbs::gen::FaultKind::ServerRst, 2, -1});
    o.output = QString(dir + QStringLiteral("/both.pcap")).toStdString();
    auto generated = lbs::gen::generate(o);
    if (!generated.ok())
        return nullptr;
    truth = *generated;
    QString endpoints;
    for (size_t p = 0; p < truth.pods.size(); ++p) {
        const QString ep = QString::fromStdString(truth.pods[p]);
        endpoints += QStringLiteral("%1{\"pod\": \"web-%2\", \"namespace\": \"default\", \"node\": "
                                    "\"lab-node-%3\", \"ip\": \"%4\", \"port\": %5}")
                         .arg(p ? QStringLiteral(", ") : QString())
                         .arg(p)
                         .arg(p + 2)
                         .arg(ep.section(QLatin1Char(':'), 0, 0), ep.section(QLatin1Char(':'), 1));
    }
    QFile manifest(dir + QStringLiteral("/manifest.json"));
    if (!manifest.open(QIODevice::WriteOnly))
        return nullptr;
    manifest.write(
        QStringLiteral("{\"vip\": \"203.0.113.10\", \"node\": \"lab-node-1\", \"endpoints\": [%1]}")
            .arg(endpoints)
            .toUtf8());
    manifest.close();
    return load(dir + QLatin1Char('/') + QString::fromStdString(truth.files.front().name));
}

void TestBackends::rowsNamePods_data()
{
    QTest::addColumn<int>("pods");
    QTest::addColumn<bool>("snat");
    QTest::newRow("3 pods, DNAT only") << 3 << false;
    QTest::newRow("3 pods, SNAT") << 3 << true;
    QTest::newRow("5 pods") << 5 << false;
}

void TestBackends::rowsNamePods()
{
    QFETCH(int, pods);
    QFETCH(bool, snat);
    lbs::gen::GroundTruth truth;
    CaptureView *view = openBothSides(pods, snat, truth);
    QVERIFY(view);
    QCOMPARE(view->document()->state(), CaptureDocument::State::Loaded);
    BackendsPane *pane = view->backends();
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(pane->model()));
    QVERIFY(pane->hasBackends());
    QVERIFY(view->tabs()->isTabEnabled(CaptureView::BackendsTab));
    QCOMPARE(view->tabs()->tabText(CaptureView::BackendsTab), QStringLiteral("Backends (%1)").arg(pods));
    // Connections per pod in the truth (each connection once, whatever its legs).
    std::map<int, std::set<uint32_t>> connections;
    for (const lbs::gen::FlowTruth &f : truth.flows)
        if (f.pod >= 0)
            connections[f.pod].insert(f.connection);
    QCOMPARE(pane->model()->rowCount(), pods);
    QSortFilterProxyModel *proxy = pane->proxy();
    std::set<QString> names;
    for (int r = 0; r < proxy->rowCount(); ++r) {
        const QString pod = proxy->index(r, BackendTableModel::Pod).data().toString();
        names.insert(pod);
        const int p = pod.mid(4).toInt();
        QCOMPARE(pod, QStringLiteral("web-%1").arg(p));
        QCOMPARE(proxy->index(r, BackendTableModel::Namespace).data().toString(), QStringLiteral("default"));
        QCOMPARE(proxy->index(r, BackendTableModel::Node).data().toString(),
            QStringLiteral("lab-node-%1").arg(p + 2));
        QCOMPARE(proxy->index(r, BackendTableModel::Endpoint).data().toString(),
            QString::fromStdString(truth.pods[size_t(p)]));
        QCOMPARE(proxy->index(r, BackendTableModel::Connections).data(BackendTableModel::SortRole).toUInt(),
            uint(connections[p].size()));
    }
    QCOMPARE(int(names.size()), pods);
    // Sorting by TTFB p50 descending puts the slow pod (250 ms more) first.
    view->tabs()->setCurrentWidget(pane);
    pane->table()->sortByColumn(BackendTableModel::TtfbP50, Qt::DescendingOrder);
    QCOMPARE(proxy->index(0, BackendTableModel::Pod).data().toString(), QStringLiteral("web-0"));
    QVERIFY(proxy->index(0, BackendTableModel::TtfbP50).data(BackendTableModel::SortRole).toDouble() > 250);
    QVERIFY(proxy->index(1, BackendTableModel::TtfbP50).data(BackendTableModel::SortRole).toDouble() < 250);
    QCOMPARE(pane->distribution()->isVisible(), true);
}

void TestBackends::clickFiltersViews_data()
{
    QTest::addColumn<int>("pod");
    QTest::addColumn<bool>("snat");
    QTest::newRow("web-0 (slow), DNAT only") << 0 << false;
    QTest::newRow("web-1, DNAT only") << 1 << false;
    QTest::newRow("web-2, SNAT") << 2 << true;
}

void TestBackends::clickFiltersViews()
{
    QFETCH(int, pod);
    QFETCH(bool, snat);
    lbs::gen::GroundTruth truth;
    CaptureView *view = openBothSides(3, snat, truth);
    QVERIFY(view);
    BackendsPane *pane = view->backends();
    FlowsPane *flows = view->flows();
    const int allFlows = flows->proxy()->rowCount();
    QCOMPARE(allFlows, int(truth.flows.size()));
    // The pod's flows in the truth: both legs of every connection it served.
    std::set<std::string> podFlows;
    uint64_t podPackets = 0;
    for (const lbs::gen::FlowTruth &f : truth.flows)
        if (f.pod == pod) {
            podFlows.insert(f.client + ' ' + f.server);
            podPackets += f.packetsC2s + f.packetsS2c;
        }
    QVERIFY(!podFlows.empty());

    view->tabs()->setCurrentWidget(pane);
    QTableView *table = pane->table();
    int row = -1;
    for (int r = 0; r < pane->proxy()->rowCount(); ++r)
        if (pane->proxy()->index(r, BackendTableModel::Pod).data().toString()
            == QStringLiteral("web-%1").arg(pod))
            row = r;
    QVERIFY(row >= 0);
    const QRect rect = table->visualRect(pane->proxy()->index(row, BackendTableModel::Pod));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());

    CaptureSelection *sel = view->document()->selection();
    QVERIFY(sel->hasFlowFilter());
    QVERIFY2(sel->flowFilterName().contains(QStringLiteral("default/web-%1").arg(pod)),
        qPrintable(sel->flowFilterName()));
    QVERIFY(pane->filterStatus()->text().contains(QStringLiteral("web-%1").arg(pod)));
    QCOMPARE(view->tabs()->tabText(CaptureView::FlowsTab),
        QStringLiteral("Flows (%1 of %2)").arg(podFlows.size()).arg(allFlows));
    // Flows view: exactly the pod's flows (front and back legs), once its job has chosen them.
    QTRY_VERIFY(!flows->isUpdatingRows());
    QCOMPARE(flows->proxy()->rowCount(), int(podFlows.size()));
    for (int r = 0; r < flows->proxy()->rowCount(); ++r) {
        const QString key = flows->proxy()->index(r, FlowTableModel::Client).data().toString()
            + QLatin1Char(' ') + flows->proxy()->index(r, FlowTableModel::Server).data().toString();
        QVERIFY2(podFlows.count(key.toStdString()), qPrintable(key));
    }
    // Packet list: the pod's packets only.
    PacketPane *packets = view->packets();
    QTRY_COMPARE_WITH_TIMEOUT(uint64_t(packets->model()->rowCount()), podPackets, 20000);
    if (const QString shots = qEnvironmentVariable("LBSCOPE_SHOT_DIR"); !shots.isEmpty()) {
        QTest::qWait(300);
        QVERIFY(m_window->grab().save(QStringLiteral("%1/shot-backends-web-%2.png").arg(shots).arg(pod)));
        view->tabs()->setCurrentIndex(CaptureView::FlowsTab);
        QTest::qWait(300);
        QVERIFY(
            m_window->grab().save(QStringLiteral("%1/shot-backends-web-%2-flows.png").arg(shots).arg(pod)));
        view->tabs()->setCurrentWidget(pane);
    }

    // Findings: those about the pod's flows and the capture-wide ones; the slow pod is named.
    const auto an = view->document()->analysis();
    FindingsPane *findings = view->findings();
    const std::vector<uint32_t> &filter = sel->flowFilter();
    bool slowNamed = false;
    for (int r = 0; r < findings->proxy()->rowCount(); ++r) {
        const int source = findings->proxy()->mapToSource(findings->proxy()->index(r, 0)).row();
        const lbs::analysis::Finding *f = findings->model()->finding(source);
        QVERIFY(f);
        QVERIFY2(f->flows.empty()
                || std::any_of(f->flows.begin(), f->flows.end(),
                    [&](uint32_t id) { return std::binary_search(filter.begin(), filter.end(), id); }),
            f->summary.c_str());
        slowNamed |= f->summary.find("web-0") != std::string::npos;
    }
    QCOMPARE(slowNamed, pod == 0);
    QVERIFY(findings->proxy()->rowCount() < int(an->findings.size()));

    // Clearing restores every view.
    QVERIFY(pane->clearButton()->isEnabled());
    QTest::mouseClick(pane->clearButton(), Qt::LeftButton);
    QVERIFY(!sel->hasFlowFilter());
    QCOMPARE(flows->proxy()->rowCount(), allFlows);
    QCOMPARE(view->tabs()->tabText(CaptureView::FlowsTab), QStringLiteral("Flows (%1)").arg(allFlows));
    QCOMPARE(findings->proxy()->rowCount(), int(an->findings.size()));
    QTRY_COMPARE_WITH_TIMEOUT(uint64_t(packets->model()->rowCount()), truth.packets, 20000);
    QVERIFY(!table->selectionModel()->hasSelection());
}

void TestBackends::oneSideShowsEmptyState()
{
    const QString path = m_dir.filePath(QStringLiteral("oneside.pcap"));
    const QString err = lbs::test::FixtureCapture::write(path);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    CaptureView *view = load(path);
    QCOMPARE(view->document()->state(), CaptureDocument::State::Loaded);
    BackendsPane *pane = view->backends();
    QVERIFY(!pane->hasBackends());
    QCOMPARE(pane->model()->rowCount(), 0);
    view->tabs()->setCurrentWidget(pane);
    QVERIFY(pane->emptyState()->isVisible());
    QVERIFY(!pane->table()->isVisible());
    QVERIFY(pane->emptyState()->text().startsWith(
        QStringLiteral("One-side capture: no backends to tell apart.")));
    QVERIFY(pane->emptyState()->text().contains(QStringLiteral("--service")));
    QCOMPARE(view->tabs()->tabText(CaptureView::BackendsTab), QStringLiteral("Backends"));
}

void TestBackends::ladderShowsBothLegs_data()
{
    QTest::addColumn<bool>("snat");
    QTest::addColumn<bool>("pickBackLeg");
    QTest::newRow("DNAT, front leg clicked") << false << false;
    QTest::newRow("DNAT, back leg clicked") << false << true;
    QTest::newRow("SNAT, back leg clicked") << true << true;
}

void TestBackends::ladderShowsBothLegs()
{
    QFETCH(bool, snat);
    QFETCH(bool, pickBackLeg);
    lbs::gen::GroundTruth truth;
    CaptureView *view = openBothSides(3, snat, truth);
    QVERIFY(view);
    const auto an = view->document()->analysis();
    QVERIFY(an && !an->connections.empty());
    // The first connection: its legs' packets, and the VIP and pod it went through.
    const lbs::analysis::NatConnection &conn = an->connections.front();
    const lbs::analysis::Flow &front = an->flows[conn.front()];
    const lbs::analysis::Flow &back = an->flows[conn.back()];
    const uint64_t packets = front.packets[0] + front.packets[1] + back.packets[0] + back.packets[1];
    FlowsPane *flows = view->flows();
    view->tabs()->setCurrentIndex(CaptureView::FlowsTab);
    QSignalSpy ready(flows, &FlowsPane::ladderReady);
    view->document()->selection()->setFlows({pickBackLeg ? conn.back() : conn.front()});
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 20000);
    LadderWidget *ladder = flows->ladder();
    QVERIFY(ladder->showsBothLegs());
    QCOMPARE(uint64_t(ladder->stepCount()), packets);
    int legs[2] = {0, 0}, copies = 0;
    for (const LadderStep &s : ladder->steps()) {
        ++legs[s.leg];
        if (s.inNodeSeconds >= 0) {
            ++copies;
            QVERIFY2(s.inNodeSeconds < 0.2, qPrintable(QString::number(s.inNodeSeconds)));
        }
    }
    QCOMPARE(uint64_t(legs[0]), front.packets[0] + front.packets[1]);
    QCOMPARE(uint64_t(legs[1]), back.packets[0] + back.packets[1]);
    // Every packet of the back leg is the copy of a front-leg packet or has one there.
    QCOMPARE(uint64_t(copies), back.packets[0] + back.packets[1]);
    if (const QString shots = qEnvironmentVariable("LBSCOPE_SHOT_DIR"); !shots.isEmpty()) {
        QTest::qWait(300);
        QVERIFY(m_window->grab().save(QStringLiteral("%1/shot-ladder-legs%2.png")
                                          .arg(shots, snat ? QStringLiteral("-snat") : QString())));
    }
    // A flow seen on one side only keeps the two-line ladder.
    view->document()->selection()->clearFlows();
    QVERIFY(!ladder->showsBothLegs());
}

QTEST_MAIN(TestBackends)
#include "tst_backends.moc"
