// The capture page against the lab, driven as a user would from the workbench: connect (lab-cert),
// default/web, double-click eth1 of lab-node-1, capture 10 s during `lab traffic` through a debug pod,
// every file downloaded with the node's sha256 (checked again on the node), the viewer opens with
// flows to the VIP. Abort in each state (scheduling, starting, capturing, downloading) leaves no pod
// and no tcpdump. The same capture over SSH through the lab's bastion, chosen in the workbench's SSH
// dialog (the lab's ssh config: ProxyJump lab-bastion). LBSCOPE_SHOT_DIR set: saves shot-capture.png
// (the page after the finished debug-pod capture) there.
#include "core/kube/kubeclient.h"
#include "screenshot.h"
#include "ui/app/mainwindow.h"
#include "ui/capture/capturecontroller.h"
#include "ui/capture/capturepage.h"
#include "ui/capture/captureplanform.h"
#include "ui/cluster/clusterview.h"
#include "ui/cluster/sshnodedialog.h"
#include "ui/cluster/topologyportitem.h"
#include "ui/cluster/topologyscene.h"
#include "ui/cluster/topologyview.h"
#include "ui/viewer/capturedocument.h"
#include "ui/viewer/captureview.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <algorithm>
#include <memory>

#include "labsupport.h"

using namespace lbs::ui;
using lbs::capture::CaptureState;
using namespace Qt::StringLiterals;

namespace {

QByteArray run(const QString &program, const QStringList &args)
{
    return labsupport::run(program, args, 120000).out;
}

/// tcpdump processes whose command line names `dir` (lab nodes share the host's pid namespace).
int tcpdumpsIn(const QString &dir)
{
    const QList<QByteArray> pids
        = run(u"pgrep"_s, {u"-f"_s, u"tcpdump .*"_s + QRegularExpression::escape(dir)}).split('\n');
    return int(
        std::count_if(pids.begin(), pids.end(), [](const QByteArray &l) { return !l.trimmed().isEmpty(); }));
}

/// sha256 of a file as the node sees it.
QString nodeSha256(const QString &node, const QString &path)
{
    return QString::fromLatin1(labsupport::nodeExec(node, {u"sha256sum"_s, path}).out.split(' ').value(0));
}

void removeOnNode(const QString &node, const QString &dir)
{
    labsupport::nodeExec(node, {u"rm"_s, u"-rf"_s, dir});
}

QString fileSha256(const QString &path)
{
    return QString::fromLatin1(labsupport::localSha(path));
}

using shots::shoot;

} // namespace

class TestCaptureLab : public QObject {
    Q_OBJECT

private:
    QString m_kubeconfig;
    QTemporaryDir m_work;

    /// `lab traffic` in the background for `seconds` (the GUI thread keeps running).
    std::unique_ptr<QProcess> traffic(int seconds)
    {
        auto p = std::make_unique<QProcess>();
        p->start(QStringLiteral(LBSCOPE_LAB_SCRIPT),
            {u"traffic"_s, u"--rate"_s, u"40"_s, u"--duration"_s, QString::number(seconds), u"--keepalive"_s,
                u"3"_s});
        return p;
    }

    int debugPods() const { return labsupport::debugPodsLeft(m_kubeconfig); }

    /// The workbench connected to the lab with default/web shown; eth1 of lab-node-1 selected.
    ClusterView *workbench(MainWindow &window, TopologyPortItem **eth1)
    {
        window.resize(1400, 900);
        window.show();
        ClusterView *cluster = window.showCluster();
        lbs::kube::KubeConfigSource source;
        source.explicitPath = m_kubeconfig;
        cluster->setSource(source);
        QSignalSpy shown(cluster, &ClusterView::topologyShown);
        cluster->start(u"lab-cert"_s, u"default/web"_s);
        if (!shown.wait(180000) || !shown.first().first().toBool())
            return nullptr;
        const auto &r = cluster->topology()->scene()->result();
        if (r.holderNode != u"lab-node-1"_s || r.interface != u"eth1"_s)
            return nullptr;
        for (auto *p : cluster->topology()->scene()->ports())
            if (p->node() == u"lab-node-1"_s && p->iface() == u"eth1"_s)
                *eth1 = p;
        if (!*eth1)
            return nullptr;
        emit(*eth1)->clicked((*eth1)->node(), (*eth1)->iface());
        return cluster;
    }

    /// Double-click on the port: the capture page the main window opens for it.
    CapturePage *openPage(MainWindow &window, TopologyPortItem *eth1)
    {
        emit eth1->doubleClicked(eth1->node(), eth1->iface());
        auto *tabs = window.findChild<QTabWidget *>();
        return tabs ? qobject_cast<CapturePage *>(tabs->currentWidget()) : nullptr;
    }

    void runChecks(CapturePage &page)
    {
        QSignalSpy checked(&page, &CapturePage::checksFinished);
        QVERIFY(page.checkButton()->isEnabled());
        QTest::mouseClick(page.checkButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 120000);
        QVERIFY2(checked.at(0).at(0).toBool(), qPrintable(page.log()->toPlainText()));
    }

    /// A 10 s capture during traffic, verified, each file equal to the node's; the viewer shows flows to the
    /// VIP.
    void captureVerified(MainWindow &window, CapturePage &page, const QString &remoteDir, const QString &shot)
    {
        page.resize(1200, 860);
        page.plan()->setDuration(10);
        page.plan()->setRing(5, 4);
        page.plan()->setRemoteDir(remoteDir);
        const QString outDir = m_work.filePath(QFileInfo(remoteDir).fileName());
        page.plan()->setOutDir(outDir);
        runChecks(page);
        auto load = traffic(14);
        QTest::mouseClick(page.startButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!page.controller()->isRunning(), 120000);
        load->waitForFinished(30000);
        QVERIFY2(page.state() == CaptureState::verified, qPrintable(page.log()->toPlainText()));
        QVERIFY(page.files()->topLevelItemCount() >= 1);
        for (int i = 0; i < page.files()->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *row = page.files()->topLevelItem(i);
            QVERIFY2(row->data(3, Qt::UserRole + 1).toBool(), qPrintable(row->text(0)));
            const QString local = fileSha256(outDir + u"/"_s + row->text(0));
            QVERIFY(!local.isEmpty());
            QCOMPARE(nodeSha256(u"lab-node-1"_s, remoteDir + u"/"_s + row->text(0)), local);
            QCOMPARE(row->toolTip(3), local);
        }
        shoot(&page, shot);
        const int viewsBefore = int(window.views().size());
        QTest::mouseClick(page.openButton(), Qt::LeftButton);
        QCOMPARE(int(window.views().size()), viewsBefore + 1);
        CaptureDocument *doc = window.views().last()->document();
        QTRY_VERIFY_WITH_TIMEOUT(doc->state() == CaptureDocument::State::Loaded, 60000);
        int toVip = 0;
        for (const auto &f : doc->analysis()->flows)
            toVip += f.server.toString() == "203.0.113.10:80";
        QVERIFY2(toVip > 10, qPrintable(QString::number(toVip)));
        QVERIFY2(doc->captureContext().contains(u"lab-node-1"_s), qPrintable(doc->captureContext()));
        removeOnNode(u"lab-node-1"_s, remoteDir);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_work.isValid());
        m_kubeconfig = labsupport::stateDir() + u"/kubeconfig"_s;
        if (!QFile::exists(m_kubeconfig))
            QSKIP("the lab runs without kubesim ($LBSCOPE_LAB_DIR/kubeconfig is missing)");
    }

    void captureOverDebugPod()
    {
        MainWindow window;
        window.resize(1400, 900);
        TopologyPortItem *eth1 = nullptr;
        QVERIFY(workbench(window, &eth1));
        CapturePage *page = openPage(window, eth1);
        QVERIFY(page);
        QVERIFY(!page->plan()->usesSsh());
        QCOMPARE(page->plan()->request().node, std::string("lab-node-1"));
        QVERIFY(page->plan()->commandLine().contains(u"-i eth1"_s));
        captureVerified(window, *page, u"/var/tmp/lbscope-gui-pod"_s, u"shot-capture.png"_s);
        QTRY_COMPARE_WITH_TIMEOUT(debugPods(), 0, 30000);
    }

    void abortLeavesNothing_data()
    {
        QTest::addColumn<CaptureState>("when");
        QTest::newRow("scheduling") << CaptureState::scheduling;
        QTest::newRow("starting") << CaptureState::starting;
        QTest::newRow("capturing") << CaptureState::capturing;
        QTest::newRow("downloading") << CaptureState::downloading;
    }
    void abortLeavesNothing()
    {
        QFETCH(CaptureState, when);
        MainWindow window;
        TopologyPortItem *eth1 = nullptr;
        QVERIFY(workbench(window, &eth1));
        CapturePage *page = openPage(window, eth1);
        QVERIFY(page);
        const QString remoteDir
            = u"/var/tmp/lbscope-gui-abort-"_s + QString::fromLatin1(QTest::currentDataTag());
        page->plan()->setRemoteDir(remoteDir);
        page->plan()->setOutDir(m_work.filePath(QFileInfo(remoteDir).fileName()));
        page->plan()->setRing(5, 4);
        page->plan()->setDuration(when == CaptureState::downloading ? 3 : 0);
        bool aborted = false;
        // Abort the moment the state shows, as a user clicking Abort then would.
        connect(page, &CapturePage::stateChanged, page, [&](CaptureState s) {
            if (s == when && !aborted) {
                aborted = true;
                QVERIFY(page->abortButton()->isEnabled());
                QTest::mouseClick(page->abortButton(), Qt::LeftButton);
            }
        });
        auto load = traffic(8);
        QTest::mouseClick(page->checkButton(), Qt::LeftButton);
        if (when != CaptureState::scheduling) {
            QTRY_VERIFY_WITH_TIMEOUT(page->startButton()->isEnabled(), 120000);
            QTest::mouseClick(page->startButton(), Qt::LeftButton);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!page->controller()->isRunning(), 120000);
        QVERIFY2(aborted, qPrintable(page->log()->toPlainText()));
        QVERIFY2(page->state() == CaptureState::aborted, qPrintable(page->log()->toPlainText()));
        QTRY_COMPARE_WITH_TIMEOUT(debugPods(), 0, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(tcpdumpsIn(remoteDir), 0, 10000);
        const QByteArray left
            = labsupport::nodeExec(u"lab-node-1"_s, {u"find"_s, remoteDir, u"-type"_s, u"f"_s}).out;
        QVERIFY2(left.trimmed().isEmpty(), left.constData()); // the ring's files are removed from the node
        load->waitForFinished(30000);
        removeOnNode(u"lab-node-1"_s, remoteDir);
    }

    void captureOverSshThroughBastion()
    {
        MainWindow window;
        window.resize(1400, 900);
        TopologyPortItem *eth1 = nullptr;
        ClusterView *cluster = workbench(window, &eth1);
        QVERIFY(cluster);
        cluster->openSshDialog();
        auto *dialog = window.findChild<SshNodeDialog *>();
        QVERIFY(dialog);
        QCOMPARE(dialog->endpoint().host, u"lab-node-1"_s); // the selected node
        SshEndpointChoice c = dialog->endpoint();
        c.host = u"lab-node-1-via-bastion"_s; // ProxyJump lab-bastion in the lab's ssh config
        c.user.clear();
        c.port = 22;
        c.jump.clear();
        c.identityFile.clear();
        c.knownHostsFile.clear();
        c.configFile = labsupport::stateDir() + u"/ssh/config"_s;
        dialog->setEndpoint(c);
        QSignalSpy tested(dialog, &SshNodeDialog::testFinished);
        dialog->testConnection();
        QVERIFY(tested.wait(60000));
        QString lines;
        for (const auto &[text, failed] : dialog->resultLines())
            lines += text + (failed ? u" [failed]\n"_s : u"\n"_s);
        QVERIFY2(tested.first().first().toBool(), qPrintable(lines));
        QVERIFY2(lines.contains(u"via"_s), qPrintable(lines)); // connected through the bastion
        QTest::mouseClick(dialog->useButton(), Qt::LeftButton);
        CapturePage *page = openPage(window, eth1);
        QVERIFY(page);
        QVERIFY(page->plan()->usesSsh());
        QCOMPARE(page->plan()->sshText(), u"lab-node-1-via-bastion"_s);
        QCOMPARE(page->plan()->sshConfig(), labsupport::stateDir() + u"/ssh/config"_s);
        captureVerified(window, *page, u"/var/tmp/lbscope-gui-ssh"_s, u"shot-capture-ssh-lab.png"_s);
        QVERIFY(page->log()->toPlainText().contains(u"bastion"_s)
            || page->log()->toPlainText().contains(u"via"_s));
    }
};

QTEST_MAIN(TestCaptureLab)
#include "tst_capturelab.moc"
