// The troubleshooting wizard offscreen against an in-test API server shaped like an IBM classic
// cluster (the core/kube tests' FakeApiServer): the cluster page connects, the service page locates
// default/web from the API's evidence and draws it, the checks page runs every check live and is
// complete only when all finished (a failure needs "Continue anyway"), the plan page proposes the node,
// the interface and a filter without the API server's own traffic, and the commit page lists the
// privileged pod, its namespace, node, image, command and duration. Nothing is created: the commit
// button is not pressed. LBSCOPE_SHOT_DIR set: saves shot-wizard-<page>.png there.
#include "core/checks/checkresult.h"
#include "fakeapiserver.h"
#include "fixturecapture.h"
#include "screenshot.h"
#include "ui/app/mainwindow.h"
#include "ui/capture/captureplanform.h"
#include "ui/cluster/topologyscene.h"
#include "ui/cluster/topologyview.h"
#include "ui/wizard/checkspage.h"
#include "ui/wizard/clusterpage.h"
#include "ui/wizard/commitpage.h"
#include "ui/wizard/planpage.h"
#include "ui/wizard/servicepage.h"
#include "ui/wizard/troubleshootwizard.h"
#include "ui/wizard/verdictpage.h"

#include <QAbstractButton>
#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>
#include <QTreeWidget>

using namespace lbs;
using namespace lbs::ui;
using namespace Qt::StringLiterals;

namespace {

const QString kVip = u"203.0.113.10"_s;

FakeResponse json(const QJsonObject &o)
{
    return FakeResponse::json(200, QJsonDocument(o).toJson());
}
FakeResponse items(const QJsonArray &list)
{
    return json(QJsonObject {{u"items"_s, list}});
}

QJsonObject service(int targetPort)
{
    return QJsonObject {{u"metadata"_s, QJsonObject {{u"name"_s, u"web"_s}, {u"namespace"_s, u"default"_s}}},
        {u"spec"_s,
            QJsonObject {{u"type"_s, u"LoadBalancer"_s}, {u"externalTrafficPolicy"_s, u"Cluster"_s},
                {u"selector"_s, QJsonObject {{u"app"_s, u"web"_s}}},
                {u"ports"_s,
                    QJsonArray {QJsonObject {{u"name"_s, u"http"_s}, {u"port"_s, 80},
                        {u"protocol"_s, u"TCP"_s}, {u"targetPort"_s, targetPort}, {u"nodePort"_s, 30080}}}}}},
        {u"status"_s,
            QJsonObject {{u"loadBalancer"_s,
                QJsonObject {{u"ingress"_s, QJsonArray {QJsonObject {{u"ip"_s, kVip}}}}}}}}};
}

QJsonObject pod(const QString &ns, const QString &name, const QString &node, const QJsonArray &ports)
{
    const QJsonObject container {{u"name"_s, u"c"_s}, {u"ports"_s, ports}};
    const QJsonObject cs {{u"name"_s, u"c"_s}, {u"ready"_s, true}, {u"restartCount"_s, 0},
        {u"state"_s, QJsonObject {{u"running"_s, QJsonObject {}}}}};
    return QJsonObject {{u"metadata"_s, QJsonObject {{u"name"_s, name}, {u"namespace"_s, ns}}},
        {u"spec"_s, QJsonObject {{u"nodeName"_s, node}, {u"containers"_s, QJsonArray {container}}}},
        {u"status"_s,
            QJsonObject {{u"phase"_s, u"Running"_s}, {u"containerStatuses"_s, QJsonArray {cs}},
                {u"conditions"_s,
                    QJsonArray {QJsonObject {{u"type"_s, u"Ready"_s}, {u"status"_s, u"True"_s}}}}}}};
}

// default/web on three nodes, keepalived on lab-node-1 and -2; `targetPort` 8080 matches the pods.
FakeResponse route(const FakeRequest &r, int targetPort)
{
    if (r.path == QLatin1String("/api/v1/services"))
        return items(QJsonArray {service(targetPort)});
    if (r.path == QLatin1String("/api/v1/namespaces/default/services/web"))
        return json(service(targetPort));
    if (r.path == QLatin1String("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")) {
        QJsonArray eps;
        for (int i = 1; i <= 3; ++i)
            eps.append(QJsonObject {{u"addresses"_s, QJsonArray {u"192.0.2.%1"_s.arg(i)}},
                {u"nodeName"_s, u"lab-node-%1"_s.arg(i)},
                {u"conditions"_s, QJsonObject {{u"ready"_s, true}, {u"serving"_s, true}}},
                {u"targetRef"_s,
                    QJsonObject {{u"kind"_s, u"Pod"_s}, {u"name"_s, u"web-%1"_s.arg(i)},
                        {u"namespace"_s, u"default"_s}}}});
        return items(QJsonArray {QJsonObject {{u"endpoints"_s, eps}}});
    }
    if (r.path == QLatin1String("/api/v1/namespaces/ibm-system/pods")) {
        QJsonArray list;
        for (const QString &n : {u"lab-node-1"_s, u"lab-node-2"_s})
            list.append(pod(u"ibm-system"_s, u"ibm-cloud-provider-ip-203-0-113-10-x-"_s + n.right(1), n, {}));
        return items(list);
    }
    if (r.path == QLatin1String("/api/v1/namespaces/default/pods")) {
        const QJsonArray ports {QJsonObject {{u"containerPort"_s, 8080}, {u"protocol"_s, u"TCP"_s}}};
        QJsonArray list;
        for (int i = 1; i <= 3; ++i)
            list.append(pod(u"default"_s, u"web-%1"_s.arg(i), u"lab-node-%1"_s.arg(i), ports));
        return items(list);
    }
    if (r.path == QLatin1String("/api/v1/namespaces/default/events")
        || r.path == QLatin1String("/api/v1/pods"))
        return items({});
    if (r.path == QLatin1String("/api/v1/nodes")) {
        QJsonArray nodes;
        for (int i = 1; i <= 3; ++i)
            nodes.append(QJsonObject {{u"metadata"_s, QJsonObject {{u"name"_s, u"lab-node-%1"_s.arg(i)}}}});
        return items(nodes);
    }
    if (r.path == QLatin1String("/api/v1/namespaces/lbscope"))
        return json(QJsonObject {{u"metadata"_s,
            QJsonObject {{u"name"_s, u"lbscope"_s},
                {u"labels"_s, QJsonObject {{u"pod-security.kubernetes.io/enforce"_s, u"privileged"_s}}}}}});
    if (r.path == QLatin1String("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        && r.method == "POST") {
        QJsonObject review = QJsonDocument::fromJson(r.body).object();
        review.insert(u"status"_s, QJsonObject {{u"allowed"_s, true}});
        return FakeResponse::json(201, QJsonDocument(review).toJson());
    }
    return FakeResponse::kubeStatus(404, u"NotFound"_s, r.path + u" not found"_s);
}

using shots::shoot;

} // namespace

class TestWizard : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void pagesAdvance_data()
    {
        QTest::addColumn<int>("targetPort");
        QTest::addColumn<QString>("failingCheck"); // empty: none fails
        QTest::newRow("healthy") << 8080 << QString();
        QTest::newRow("targetPort matches no pod port") << 9999 << u"ports-match"_s;
    }

    void pagesAdvance()
    {
        QFETCH(int, targetPort);
        QFETCH(QString, failingCheck);
        FakeApiServer server([targetPort](const FakeRequest &r) { return route(r, targetPort); });
        const QString kubeconfig = writeKubeconfig(server.url());
        const bool shots = qstrcmp(QTest::currentDataTag(), "healthy") == 0;
        TroubleshootWizard wizard;
        wizard.setProbeNodes(false); // no nodes behind this API server
        kube::KubeConfigSource source;
        source.explicitPath = kubeconfig;
        wizard.setSource(source);
        wizard.show();
        wizard.start(u"fake"_s, u"default/web"_s);

        // cluster → service: connected, and default/web located and drawn.
        QTRY_COMPARE_WITH_TIMEOUT(wizard.currentId(), int(TroubleshootWizard::ServicePageId), 20000);
        auto *service = static_cast<WizardServicePage *>(wizard.currentPage());
        QTRY_VERIFY_WITH_TIMEOUT(service->isComplete(), 30000);
        QCOMPARE(wizard.state().location.vip, kVip);
        QVERIFY(!service->topology()->scene()->cards().isEmpty()); // the picture, not a table
        QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
        if (shots)
            shoot(&wizard, u"shot-wizard-2-service.png"_s);

        // checks: every one finished; complete unless one failed (then "Continue anyway").
        wizard.next();
        QCOMPARE(wizard.currentId(), int(TroubleshootWizard::ChecksPageId));
        auto *checksPage = static_cast<WizardChecksPage *>(wizard.currentPage());
        QVERIFY(!checksPage->isComplete());
        QTRY_VERIFY_WITH_TIMEOUT(!checksPage->isRunning(), 60000);
        QVERIFY(checksPage->results().size() >= 8);
        QString listing;
        for (const checks::CheckResult &r : checksPage->results()) {
            QVERIFY2(checks::isFinished(r.status), qPrintable(r.id));
            listing += r.id + u": "_s + checks::statusName(r.status) + u" "_s + r.fix + u"\n"_s;
        }
        const auto failed = std::count_if(checksPage->results().begin(), checksPage->results().end(),
            [](const checks::CheckResult &r) { return r.status == checks::CheckStatus::Fail; });
        if (failingCheck.isEmpty()) {
            QVERIFY2(failed == 0, qPrintable(listing));
            QVERIFY(checksPage->isComplete());
            QVERIFY(!checksPage->continueAnyway()->isVisible());
        } else {
            QVERIFY2(failed == 1, qPrintable(listing));
            const auto it = std::find_if(checksPage->results().begin(), checksPage->results().end(),
                [&](const checks::CheckResult &r) { return r.id == failingCheck; });
            QVERIFY2(it != checksPage->results().end() && it->status == checks::CheckStatus::Fail,
                qPrintable(listing));
            // The fix is shown under the failed check, which is expanded.
            QTreeWidgetItem *row = nullptr;
            for (int i = 0; i < checksPage->list()->topLevelItemCount(); ++i)
                if (checksPage->list()->topLevelItem(i)->data(0, Qt::UserRole).toString() == failingCheck)
                    row = checksPage->list()->topLevelItem(i);
            QVERIFY(row && row->isExpanded());
            bool fixShown = false;
            for (int i = 0; i < row->childCount(); ++i)
                fixShown |= row->child(i)->text(0).contains(it->fix);
            QVERIFY(fixShown);
            QVERIFY(!checksPage->isComplete());
            QVERIFY(checksPage->continueAnyway()->isVisible());
            checksPage->continueAnyway()->setChecked(true);
            QVERIFY(checksPage->isComplete());
        }
        if (shots)
            shoot(&wizard, u"shot-wizard-3-checks.png"_s);

        // plan: proposed from what was found, the API server's own traffic left out.
        wizard.next();
        QCOMPARE(wizard.currentId(), int(TroubleshootWizard::PlanPageId));
        auto *plan = static_cast<WizardPlanPage *>(wizard.currentPage());
        const QString filter = plan->form()->filterEdit()->text();
        QVERIFY2(
            filter.startsWith(u"host 203.0.113.10 and tcp port 80 and not (host 127.0.0.1 and tcp port "_s),
            qPrintable(filter));
        QVERIFY(plan->form()->isValid());
        const std::string node = plan->form()->request().node;
        QVERIFY2(node == "lab-node-1" || node == "lab-node-2", node.c_str()); // a keepalived node
        // A failed check says what to look for in the capture.
        QCOMPARE(plan->reasons()->text().contains(u"nothing listens on the targetPort"_s),
            !failingCheck.isEmpty());
        if (shots)
            shoot(&wizard, u"shot-wizard-4-plan.png"_s);

        // commit: exactly what will be created, where and for how long.
        wizard.next();
        QCOMPARE(wizard.currentId(), int(TroubleshootWizard::CommitPageId));
        auto *commit = static_cast<WizardCommitPage *>(wizard.currentPage());
        QVERIFY(commit->isCommitPage());
        QCOMPARE(wizard.button(QWizard::CommitButton)->text(), u"Start capture"_s);
        const QString text = commit->details()->text();
        for (const QString &part : {u"privileged debug pod"_s,
                 QString(u"lbscope-"_s + QString::fromStdString(node)), u"<code>lbscope</code>"_s,
                 u"netshoot"_s, u"tcpdump -i "_s, u"60 s of capture"_s, u"activeDeadlineSeconds"_s})
            QVERIFY2(text.contains(part), qPrintable(part + u" not in: "_s + text));
        if (shots)
            shoot(&wizard, u"shot-wizard-5-commit.png"_s);

        // Nothing was created: no pod POSTed.
        for (const FakeRequest &r : server.requests)
            QVERIFY2(r.method != "POST" || !r.path.endsWith(u"/pods"_s), qPrintable(r.path));
    }

    // The cluster page: complete only once the chosen context is connected.
    void clusterPageConnects()
    {
        FakeApiServer server([](const FakeRequest &r) { return route(r, 8080); });
        writeKubeconfig(server.url());
        TroubleshootWizard wizard;
        auto *cluster = static_cast<WizardClusterPage *>(wizard.page(TroubleshootWizard::ClusterPageId));
        QSignalSpy loaded(cluster, &WizardClusterPage::contextsLoaded);
        kube::KubeConfigSource source;
        source.explicitPath = m_dir.filePath(u"config"_s);
        wizard.setSource(source);
        wizard.show();
        QVERIFY(loaded.wait(10000));
        QVERIFY(!cluster->isComplete());
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
        const QModelIndex fake = cluster->contextTree()->currentIndex();
        QVERIFY(fake.isValid());
        emit cluster->contextTree()->activated(fake);
        QTRY_VERIFY_WITH_TIMEOUT(cluster->isComplete(), 20000);
        QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
        QVERIFY2(cluster->stateLabel()->text().contains(u"1 LoadBalancer service"_s),
            qPrintable(cluster->stateLabel()->text()));
        shoot(&wizard, u"shot-wizard-1-cluster.png"_s);
    }

    // From the main window (File menu, welcome link) to the verdict of a known capture and back to the
    // main window's viewer with "Open in viewer".
    void verdictOpensInViewer()
    {
        MainWindow window;
        window.show();
        auto *welcome = window.findChild<QLabel *>(u"welcome"_s);
        QVERIFY(welcome && welcome->text().contains(u"href=\"wizard\""_s));
        QAction *action = nullptr;
        for (QAction *a : window.findChildren<QAction *>())
            if (a->text() == u"&Troubleshoot a Service…"_s)
                action = a;
        QVERIFY(action);
        action->trigger();
        auto *wizard = window.findChild<TroubleshootWizard *>();
        QVERIFY(wizard && wizard->isVisible());
        emit welcome->linkActivated(u"wizard"_s);
        QCOMPARE(window.findChildren<TroubleshootWizard *>().size(), 1); // one at a time

        const QString dir = m_dir.filePath(u"capture"_s);
        QVERIFY(QDir().mkpath(dir));
        QCOMPARE(test::FixtureCapture::write(dir + u"/fixture.pcap"_s), QString());
        wizard->state().outDir = dir;
        wizard->state().request.node = "lab-node-1";
        wizard->state().request.plan.iface = "eth1";
        auto *verdict = static_cast<WizardVerdictPage *>(wizard->page(TroubleshootWizard::VerdictPageId));
        verdict->initializePage();
        QTRY_VERIFY_WITH_TIMEOUT(verdict->isComplete(), 20000);
        const QString said = verdict->verdict()->text();
        QVERIFY2(
            QRegularExpression(u"^1 of %1 connections through lab-node-1 eth1 got no SYN/ACK at "
                               "\\d\\d:\\d\\d:\\d\\d; its first SYN was retransmitted after 1 s\\.$"_s.arg(
                                   test::FixtureCapture::kFlows))
                .match(said)
                .hasMatch(),
            qPrintable(said));
        QVERIFY(verdict->findings()->toPlainText().contains(u"What next:"_s));
        QVERIFY(verdict->openButton()->isEnabled());
        QVERIFY(verdict->exportButton()->isEnabled());
        // The report: self-contained (no script, no external file), with the verdict, the plots and
        // every finding with its explanation.
        const QString reportPath = m_dir.filePath(u"report.html"_s);
        QCOMPARE(verdict->exportReport(reportPath), QString());
        QFile reportFile(reportPath);
        QVERIFY(reportFile.open(QIODevice::ReadOnly));
        const QString html = QString::fromUtf8(reportFile.readAll());
        QVERIFY(html.contains(said.toHtmlEscaped()));
        QCOMPARE(html.count(u"<svg "_s), 2); // timeline and latency
        QVERIFY(html.contains(u"<h2>Findings</h2>"_s) && html.contains(u"<h3 class='error'>"_s));
        for (const QString &external : {u"<script"_s, u"src="_s, u"<link"_s, u"href="_s})
            QVERIFY2(!html.contains(external), qPrintable(external));
        // The same as PDF: a PDF file with the plots as images.
        const QString pdfPath = m_dir.filePath(u"report.pdf"_s);
        QCOMPARE(verdict->exportReport(pdfPath), QString());
        QFile pdf(pdfPath);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray pdfBytes = pdf.readAll();
        QVERIFY(pdfBytes.startsWith("%PDF-"));
        QVERIFY2(pdfBytes.count("/Subtype /Image") >= 2, "the two plots");
        const QString shots = qEnvironmentVariable("LBSCOPE_SHOT_DIR");
        if (!shots.isEmpty()) {
            QFile::copy(reportPath, shots + u"/wizard-report.html"_s);
            QFile::copy(pdfPath, shots + u"/wizard-report.pdf"_s);
        }
        const int before = int(window.views().size());
        QTest::mouseClick(verdict->openButton(), Qt::LeftButton);
        QCOMPARE(int(window.views().size()), before + 1);
    }

    // The plan's filter: the VIP, the service's ports, without the API server when it is an address.
    void proposedFilter_data()
    {
        QTest::addColumn<QStringList>("ports");
        QTest::addColumn<QString>("server");
        QTest::addColumn<QString>("filter");
        QTest::newRow("one port, API by address")
            << QStringList {u"80/TCP"_s} << u"https://10.0.0.1:6443"_s
            << u"host 203.0.113.10 and tcp port 80 and not (host 10.0.0.1 and tcp port 6443)"_s;
        QTest::newRow("two ports, API by name")
            << QStringList {u"80/TCP"_s, u"443:30443/TCP"_s} << u"https://api.example:6443"_s
            << u"host 203.0.113.10 and tcp and (port 80 or port 443)"_s;
        QTest::newRow("no ports, default https port")
            << QStringList {} << u"https://10.0.0.1"_s
            << u"host 203.0.113.10 and not (host 10.0.0.1 and tcp port 443)"_s;
    }

    void proposedFilter()
    {
        QFETCH(QStringList, ports);
        QFETCH(QString, server);
        QFETCH(QString, filter);
        QCOMPARE(WizardPlanPage::proposedFilter(kVip, ports, server), filter);
    }

private:
    QString writeKubeconfig(const QString &url)
    {
        const QString path = m_dir.filePath(u"config"_s);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(QStringLiteral("apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
                                   "clusters:\n- name: c\n  cluster: {server: \"%1\"}\n"
                                   "users:\n- name: u\n  user: {token: abc}\n"
                                   "contexts:\n- name: fake\n  context: {cluster: c, user: u}\n")
                        .arg(url)
                        .toUtf8());
        return path;
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestWizard)
#include "tst_wizard.moc"
