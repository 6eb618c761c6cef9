// The troubleshooting wizard against the lab, page by page as a user would: lab-cert, default/web
// (located with probe pods: lab-node-1 eth1), every check finished (all pass on the lab), the proposed
// plan shortened to 12 s, the commit page, a debug-pod capture during `lab traffic`, the download
// verified, and the verdict sentence: healthy, with `lab fault drop-syn` and with `lab fault slow-pod`.
// Before that, each fault the checks name (keepalived down, split brain, wrong targetPort, no endpoints,
// ETP Local without an endpoint on the VIP node) fails its check on the checks page, and Cancel while
// capturing (the page's button or closing the wizard) leaves no pod, no tcpdump and no file. No debug
// pod is left.
// LBSCOPE_SHOT_DIR set: saves shot-wizard-<n>-<page>.png of every page (healthy) and
// shot-wizard-8-verdict-<fault>.png.
#include "core/kube/kubeclient.h"
#include "screenshot.h"
#include "ui/capture/capturecontroller.h"
#include "ui/capture/captureplanform.h"
#include "ui/wizard/capturerunpage.h"
#include "ui/wizard/checkspage.h"
#include "ui/wizard/clusterpage.h"
#include "ui/wizard/downloadpage.h"
#include "ui/wizard/planpage.h"
#include "ui/wizard/servicepage.h"
#include "ui/wizard/troubleshootwizard.h"
#include "ui/wizard/verdictpage.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

#include "labsupport.h"

using namespace lbs::ui;
using lbs::capture::CaptureState;
using namespace Qt::StringLiterals;

namespace {

int lab(const QStringList &args)
{
    return labsupport::lab(args).code;
}

void removeOnNode(const QString &node, const QString &dir)
{
    labsupport::nodeExec(node, {u"rm"_s, u"-rf"_s, dir});
}

void shoot(QWidget *w, bool wanted, const QString &name)
{
    if (wanted)
        shots::shoot(w, name);
}

} // namespace

class TestWizardLab : public QObject {
    Q_OBJECT

private:
    QString m_kubeconfig;
    QTemporaryDir m_work;

    int debugPods() const { return labsupport::debugPodsLeft(m_kubeconfig); }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_work.isValid());
        m_kubeconfig = labsupport::stateDir() + u"/kubeconfig"_s;
        if (!QFile::exists(m_kubeconfig))
            QSKIP("the lab runs without kubesim ($LBSCOPE_LAB_DIR/kubeconfig is missing)");
    }

    void cleanup() { lab({u"fault"_s, u"clear"_s}); }

    void checksNameTheFault_data()
    {
        QTest::addColumn<QStringList>("fault");
        QTest::addColumn<QString>("check"); // the one that fails
        QTest::newRow("keepalived pod not running")
            << QStringList {u"keepalived-down"_s} << u"provider-agents"_s;
        QTest::newRow("VIP on two nodes") << QStringList {u"split-brain"_s} << u"vip-one-node"_s;
        QTest::newRow("targetPort matches no pod port")
            << QStringList {u"wrong-target-port"_s} << u"ports-match"_s;
        QTest::newRow("no endpoints") << QStringList {u"no-endpoints"_s} << u"endpoints-ready"_s;
        QTest::newRow("etp local without endpoint on the VIP node")
            << QStringList {u"etp-local"_s, u"--without-endpoint"_s} << u"etp-local-endpoint"_s;
    }

    // Each fault of the lab makes its check fail on the checks page, shown open with its fix; Next
    // waits for "Continue anyway".
    void checksNameTheFault()
    {
        QFETCH(QStringList, fault);
        QFETCH(QString, check);
        QCOMPARE(lab({u"fault"_s, u"clear"_s}), 0);
        QCOMPARE(lab(QStringList {u"fault"_s} + fault), 0);
        TroubleshootWizard wizard;
        lbs::kube::KubeConfigSource source;
        source.explicitPath = m_kubeconfig;
        wizard.setSource(source);
        wizard.show();
        wizard.start(u"lab-cert"_s, u"default/web"_s);
        QTRY_COMPARE_WITH_TIMEOUT(wizard.currentId(), int(TroubleshootWizard::ServicePageId), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(wizard.currentPage()->isComplete(), 180000);
        wizard.next();
        auto *checksPage = static_cast<WizardChecksPage *>(wizard.currentPage());
        QTRY_VERIFY_WITH_TIMEOUT(!checksPage->isRunning() && !checksPage->results().isEmpty(), 180000);
        QString listing;
        for (const auto &r : checksPage->results())
            listing += r.id + u": "_s + lbs::checks::statusName(r.status) + u" "_s + r.fix + u"\n"_s;
        const auto it = std::find_if(checksPage->results().begin(), checksPage->results().end(),
            [&](const lbs::checks::CheckResult &r) { return r.id == check; });
        QVERIFY2(it != checksPage->results().end() && it->status == lbs::checks::CheckStatus::Fail,
            qPrintable(listing));
        QVERIFY(!it->fix.isEmpty());
        QTreeWidgetItem *row = nullptr;
        for (int i = 0; i < checksPage->list()->topLevelItemCount(); ++i)
            if (checksPage->list()->topLevelItem(i)->data(0, Qt::UserRole).toString() == check)
                row = checksPage->list()->topLevelItem(i);
        QVERIFY(row && row->isExpanded());
        QVERIFY(row->child(row->childCount() - 1)->text(0).contains(it->fix));
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
        QVERIFY(checksPage->continueAnyway()->isVisible());
        checksPage->continueAnyway()->setChecked(true);
        QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(debugPods(), 0, 30000); // the probe pods are gone
    }

    void cancelLeavesNothing_data()
    {
        QTest::addColumn<bool>("closeWizard"); // the wizard's own Cancel instead of the page's
        QTest::newRow("Cancel capture") << false;
        QTest::newRow("wizard closed") << true;
    }

    // Cancel while tcpdump runs: the capture ends aborted, and no pod, no tcpdump and no file is left.
    void cancelLeavesNothing()
    {
        QFETCH(bool, closeWizard);
        QCOMPARE(lab({u"fault"_s, u"clear"_s}), 0);
        auto *wizard = new TroubleshootWizard;
        QPointer<TroubleshootWizard> alive(wizard);
        wizard->setAttribute(Qt::WA_DeleteOnClose);
        lbs::kube::KubeConfigSource source;
        source.explicitPath = m_kubeconfig;
        wizard->setSource(source);
        wizard->show();
        wizard->start(u"lab-cert"_s, u"default/web"_s);
        QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(TroubleshootWizard::ServicePageId), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(wizard->currentPage()->isComplete(), 180000);
        wizard->next();
        auto *checksPage = static_cast<WizardChecksPage *>(wizard->currentPage());
        QTRY_VERIFY_WITH_TIMEOUT(!checksPage->isRunning() && !checksPage->results().isEmpty(), 180000);
        if (!checksPage->isComplete())
            checksPage->continueAnyway()->setChecked(true);
        wizard->next();
        auto *plan = static_cast<WizardPlanPage *>(wizard->currentPage());
        const QString remoteDir = u"/var/tmp/lbscope-wizard-cancel"_s;
        plan->form()->setRemoteDir(remoteDir);
        plan->form()->setOutDir(m_work.filePath(u"cancel-%1"_s.arg(closeWizard)));
        plan->form()->setDuration(0); // until stopped
        plan->form()->setRing(5, 2);
        wizard->next(); // commit page
        wizard->next(); // Start capture
        auto *capturePage = static_cast<WizardCapturePage *>(wizard->currentPage());
        QTRY_VERIFY_WITH_TIMEOUT(capturePage->state() == CaptureState::capturing, 120000);
        QTest::qWait(1000);
        if (closeWizard) {
            wizard->reject();
            QTRY_VERIFY_WITH_TIMEOUT(alive.isNull(), 60000); // closed (and deleted) once the abort ended
        } else {
            QVERIFY(capturePage->cancelButton()->isEnabled());
            QTest::mouseClick(capturePage->cancelButton(), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(!wizard->controller()->isRunning(), 60000);
            QCOMPARE(capturePage->state(), CaptureState::aborted);
            QVERIFY(!capturePage->isComplete()); // nothing to download
            QVERIFY(capturePage->startOverButton()->isVisible());
            // Start over keeps the connection, the service and the checks: straight back to the plan.
            QTest::mouseClick(capturePage->startOverButton(), Qt::LeftButton);
            QCOMPARE(wizard->currentId(), int(TroubleshootWizard::ClusterPageId));
            for (int id : {TroubleshootWizard::ServicePageId, TroubleshootWizard::ChecksPageId,
                     TroubleshootWizard::PlanPageId}) {
                QVERIFY(wizard->currentPage()->isComplete());
                wizard->next();
                QCOMPARE(wizard->currentId(), id);
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(debugPods(), 0, 30000);
        const QString nodeExec
            = QFileInfo(QStringLiteral(LBSCOPE_LAB_SCRIPT)).absolutePath() + u"/node-exec"_s;
        QProcess find;
        find.start(nodeExec, {u"lab-node-1"_s, u"--"_s, u"find"_s, remoteDir, u"-type"_s, u"f"_s});
        QVERIFY(find.waitForFinished(30000));
        const QByteArray left = find.readAllStandardOutput().trimmed();
        QVERIFY2(left.isEmpty(), left.constData()); // the ring's files are gone from the node
        QProcess pgrep;
        pgrep.start(u"pgrep"_s, {u"-f"_s, u"tcpdump .*"_s + remoteDir});
        QVERIFY(pgrep.waitForFinished(10000));
        QVERIFY2(pgrep.readAllStandardOutput().trimmed().isEmpty(), "tcpdump still runs");
        if (!alive.isNull())
            delete wizard;
        removeOnNode(u"lab-node-1"_s, remoteDir);
    }

    void verdict_data()
    {
        QTest::addColumn<QStringList>("fault");
        QTest::addColumn<QString>("sentence"); // a regular expression
        QTest::newRow("healthy")
            << QStringList()
            << u"^All \\d+ connections through lab-node-1 eth1 between \\d\\d:\\d\\d:\\d\\d and "
               "\\d\\d:\\d\\d:\\d\\d completed their handshake"_s;
        QTest::newRow("drop-syn")
            << QStringList {u"drop-syn"_s, u"lab-node-1"_s, u"40"_s}
            << u"^\\d+ of \\d+ connections through lab-node-1 eth1 (connected only after their "
               "first SYN went unanswered|got no SYN/ACK to their first SYN) between .*; all first SYNs were "
               "retransmitted after 1 s"_s;
        QTest::newRow("slow-pod")
            << QStringList {u"slow-pod"_s, u"web-2"_s, u"600"_s}
            << u"^\\d+ of \\d+ HTTP requests through lab-node-1 eth1 waited (6|7|8)\\d\\d ms "
               "\\(median\\) for the first response byte"_s;
    }

    void verdict()
    {
        QFETCH(QStringList, fault);
        QFETCH(QString, sentence);
        const bool shots = fault.isEmpty();
        QCOMPARE(lab({u"fault"_s, u"clear"_s}), 0);
        if (!fault.isEmpty())
            QCOMPARE(lab(QStringList {u"fault"_s} + fault), 0);

        TroubleshootWizard wizard;
        wizard.resize(1100, 780);
        lbs::kube::KubeConfigSource source;
        source.explicitPath = m_kubeconfig;
        wizard.setSource(source);
        wizard.show();
        QSignalSpy opened(&wizard, &TroubleshootWizard::openCaptureRequested);
        // The cluster page as it connected (before the wizard goes on to the service by itself).
        connect(static_cast<WizardClusterPage *>(wizard.page(TroubleshootWizard::ClusterPageId)),
            &WizardClusterPage::connected, this,
            [&] { shoot(&wizard, shots, u"shot-wizard-1-cluster.png"_s); });
        wizard.start(u"lab-cert"_s, u"default/web"_s);

        QTRY_COMPARE_WITH_TIMEOUT(wizard.currentId(), int(TroubleshootWizard::ServicePageId), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(wizard.currentPage()->isComplete(), 180000);
        QCOMPARE(wizard.state().target.node, u"lab-node-1"_s);
        QCOMPARE(wizard.state().target.iface, u"eth1"_s);
        shoot(&wizard, shots, u"shot-wizard-2-service.png"_s);

        wizard.next();
        auto *checksPage = static_cast<WizardChecksPage *>(wizard.currentPage());
        QTRY_VERIFY_WITH_TIMEOUT(!checksPage->isRunning() && !checksPage->results().isEmpty(), 180000);
        QString listing;
        for (const auto &r : checksPage->results())
            listing += r.id + u": "_s + lbs::checks::statusName(r.status) + u" "_s + r.evidence.join(u"; "_s)
                + u"\n"_s;
        for (const auto &r : checksPage->results())
            QVERIFY2(r.status != lbs::checks::CheckStatus::Fail, qPrintable(listing));
        QVERIFY2(checksPage->isComplete(), qPrintable(listing));
        shoot(&wizard, shots, u"shot-wizard-3-checks.png"_s);

        wizard.next();
        auto *plan = static_cast<WizardPlanPage *>(wizard.currentPage());
        QCOMPARE(plan->form()->request().node, std::string("lab-node-1"));
        // Both sides of the NAT: every interface, the VIP's port and the endpoints' target ports.
        QVERIFY(plan->form()->commandLine().contains(u"-i any"_s));
        QVERIFY(plan->form()->commandLine().contains(u"port 8080"_s));
        shoot(&wizard, shots, u"shot-wizard-4-plan.png"_s);
        const QString remoteDir
            = u"/var/tmp/lbscope-wizard-"_s + QString::fromLatin1(QTest::currentDataTag());
        plan->form()->setRemoteDir(remoteDir);
        plan->form()->setOutDir(m_work.filePath(QFileInfo(remoteDir).fileName()));
        plan->form()->setDuration(12);
        plan->form()->setRing(5, 4);

        wizard.next();
        QCOMPARE(wizard.currentId(), int(TroubleshootWizard::CommitPageId));
        shoot(&wizard, shots, u"shot-wizard-5-commit.png"_s);

        // Start capture; traffic once tcpdump runs.
        auto *capturePage = static_cast<WizardCapturePage *>(wizard.page(TroubleshootWizard::CapturePageId));
        std::unique_ptr<QProcess> traffic;
        connect(capturePage, &QWizardPage::completeChanged, this, [&] {
            if (capturePage->state() == CaptureState::capturing && !traffic) {
                traffic = std::make_unique<QProcess>();
                traffic->start(QStringLiteral(LBSCOPE_LAB_SCRIPT),
                    {u"traffic"_s, u"--rate"_s, u"30"_s, u"--duration"_s, u"7"_s, u"--keepalive"_s, u"2"_s});
            }
        });
        wizard.next();
        QCOMPARE(wizard.currentId(), int(TroubleshootWizard::CapturePageId));
        QTRY_VERIFY_WITH_TIMEOUT(capturePage->state() == CaptureState::capturing, 120000);
        QTest::qWait(5000);
        shoot(&wizard, shots, u"shot-wizard-6-capture.png"_s);

        QTRY_COMPARE_WITH_TIMEOUT(wizard.currentId(), int(TroubleshootWizard::DownloadPageId), 60000);
        auto *download = static_cast<WizardDownloadPage *>(wizard.currentPage());
        QTRY_VERIFY_WITH_TIMEOUT(download->isComplete(), 120000);
        QVERIFY(download->files()->topLevelItemCount() >= 1);
        for (int i = 0; i < download->files()->topLevelItemCount(); ++i)
            QVERIFY(download->files()->topLevelItem(i)->text(3).startsWith(u"✓"_s));
        if (traffic)
            traffic->waitForFinished(30000);
        shoot(&wizard, shots, u"shot-wizard-7-download.png"_s);

        wizard.next();
        auto *verdictPage = static_cast<WizardVerdictPage *>(wizard.currentPage());
        QTRY_VERIFY_WITH_TIMEOUT(verdictPage->isComplete(), 60000);
        const QString said = verdictPage->verdict()->text();
        qInfo("verdict: %s", qPrintable(said));
        QVERIFY(!wizard.button(QWizard::BackButton)->isVisible()); // no way back into the capture
        QVERIFY2(QRegularExpression(sentence).match(said).hasMatch(), qPrintable(said));
        shoot(&wizard, true,
            shots ? u"shot-wizard-8-verdict.png"_s
                  : u"shot-wizard-8-verdict-%1.png"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
        const QString report
            = m_work.filePath(u"report-%1.html"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
        QCOMPARE(verdictPage->exportReport(report), QString());
        QFile reportFile(report);
        QVERIFY(reportFile.open(QIODevice::ReadOnly));
        const QString html = QString::fromUtf8(reportFile.readAll());
        QVERIFY(html.contains(said.toHtmlEscaped()));
        QVERIFY(html.contains(u"default/web on lab-cert"_s));
        QVERIFY(html.contains(u"ip -j addr on lab-node-1"_s)); // the checks' evidence
        if (!qEnvironmentVariable("LBSCOPE_SHOT_DIR").isEmpty())
            QFile::copy(
                report, qEnvironmentVariable("LBSCOPE_SHOT_DIR") + u"/"_s + QFileInfo(report).fileName());
        QTest::mouseClick(verdictPage->openButton(), Qt::LeftButton);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.first().first().toString(), wizard.state().outDir);
        QTRY_COMPARE_WITH_TIMEOUT(debugPods(), 0, 30000);
        removeOnNode(u"lab-node-1"_s, remoteDir);
    }
};

QTEST_MAIN(TestWizardLab)
#include "tst_wizardlab.moc"
