// The cluster workbench against the lab (kubesim + real node namespaces): each context connects
// (client certificate, token, exec plugin), lists default/web, the picture shows lab-node-1 holding
// the VIP on eth1; after `lab fault failover` a refresh shows the new holder. Ends with `lab fault clear`.
#include "core/kube/kubeclient.h"
#include "ui/cluster/clusterview.h"
#include "ui/cluster/hostkeyprompt.h"
#include "ui/cluster/servicetablemodel.h"
#include "ui/cluster/sshnodedialog.h"
#include "ui/cluster/topologycarditem.h"
#include "ui/cluster/topologyportitem.h"
#include "ui/cluster/topologyscene.h"
#include "ui/cluster/topologyview.h"

#include "labsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace lbs::ui;
using namespace Qt::StringLiterals;

namespace {

using labsupport::ClearFaults;

} // namespace

class TestClusterLab : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_kubeconfig = qEnvironmentVariable("LBSCOPE_LAB_DIR", u"/tmp/lbscope-lab"_s) + u"/kubeconfig"_s;
        if (!QFile::exists(m_kubeconfig))
            QSKIP("the lab runs without kubesim ($LBSCOPE_LAB_DIR/kubeconfig is missing): the API half of "
                  "the lab is needed");
    }

    void connectAndLocate_data()
    {
        QTest::addColumn<QString>("context");
        QTest::newRow("client certificate") << u"lab-cert"_s;
        QTest::newRow("token") << u"lab-token"_s;
        QTest::newRow("exec plugin") << u"lab-exec"_s;
    }

    void connectAndLocate()
    {
        QFETCH(QString, context);
        ClusterView view;
        lbs::kube::KubeConfigSource source;
        source.explicitPath = m_kubeconfig;
        view.setSource(source);
        QSignalSpy shown(&view, &ClusterView::topologyShown);
        view.start(context, u"default/web"_s);
        QVERIFY2(shown.wait(180000), qPrintable(view.statusText()));
        QVERIFY2(shown.first().first().toBool(), qPrintable(view.statusText()));
        QCOMPARE(view.session()->state(), ClusterSession::State::Connected);
        QVERIFY(view.serviceModel()->rowOf(u"default/web"_s) >= 0);
        const auto &r = view.topology()->scene()->result();
        QCOMPARE(r.holderNode, u"lab-node-1"_s);
        QCOMPARE(r.interface, u"eth1"_s);
        bool vipPort = false;
        for (auto *p : view.topology()->scene()->ports())
            vipPort = vipPort || (p->node() == u"lab-node-1"_s && p->iface() == u"eth1"_s);
        QVERIFY(vipPort);
    }

    void refreshFollowsFailover()
    {
        ClearFaults clear;
        ClusterView view;
        lbs::kube::KubeConfigSource source;
        source.explicitPath = m_kubeconfig;
        view.setSource(source);
        QSignalSpy shown(&view, &ClusterView::topologyShown);
        view.start(u"lab-cert"_s, u"default/web"_s);
        QVERIFY2(shown.wait(180000), qPrintable(view.statusText()));
        const QString before = view.topology()->scene()->result().holderNode;
        QCOMPARE(before, u"lab-node-1"_s);
        QCOMPARE(labsupport::lab({u"fault"_s, u"failover"_s}).code, 0);
        QString after;
        for (int i = 0; i < 50 && (after.isEmpty() || after == before); ++i) {
            QTest::qWait(200);
            after = labsupport::vipHolder();
        }
        QVERIFY(!after.isEmpty() && after != before);
        shown.clear();
        view.locateCurrent(); // the Refresh button
        QVERIFY2(shown.wait(180000), qPrintable(view.statusText()));
        QCOMPARE(view.topology()->scene()->result().holderNode, after);
        bool holderCard = false;
        for (auto *c : view.topology()->scene()->cards())
            holderCard = holderCard || (c->kind() == u"node"_s && c->title() == after);
        QVERIFY(holderCard);
    }

    // Cancel while the probe pods run: the job still deletes them.
    void cancelledLocateLeavesNoProbePod()
    {
        ClusterView view;
        lbs::kube::KubeConfigSource source;
        source.explicitPath = m_kubeconfig;
        view.setSource(source);
        QSignalSpy listed(&view, &ClusterView::servicesShown);
        view.start(u"lab-cert"_s, {});
        QVERIFY(listed.wait(60000));
        auto client = lbs::kube::KubeClient::fromKubeconfig(m_kubeconfig, u"lab-cert"_s);
        QVERIFY(client.ok());
        const auto probePods = [&] {
            lbs::CancelToken cancel;
            auto pods = (*client)->list(u"/api/v1/namespaces/lbscope/pods"_s, cancel);
            return pods.ok() ? pods->size() : 0;
        };
        QSignalSpy locating(view.session(), &ClusterSession::locatingChanged);
        view.session()->locate(u"default"_s, u"web"_s);
        bool seen = false;
        for (int i = 0; i < 300 && !seen; ++i) {
            QTest::qWait(20);
            seen = probePods() > 0;
        }
        QVERIFY2(seen, "no probe pod appeared while locating");
        view.session()->cancelLocate();
        QTRY_VERIFY_WITH_TIMEOUT(!view.session()->isLocating(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(probePods(), 0, 5000);
    }

    // The SSH dialog against a lab node: an unknown key is asked about (from the worker thread) and
    // recorded only when trusted; a changed key is refused without asking.
    void sshHostKey_data()
    {
        QTest::addColumn<QString>("knownHosts"); // "empty" or "changed"
        QTest::addColumn<bool>("trust");
        QTest::addColumn<bool>("passed");
        QTest::addColumn<QString>("expect");
        QTest::newRow("unknown key trusted") << u"empty"_s << true << true << u"/usr/bin/tcpdump"_s;
        QTest::newRow("unknown key refused") << u"empty"_s << false << false << u"Connecting"_s;
        QTest::newRow("changed key") << u"changed"_s << true << false << u"HOST KEY CHANGED"_s;
    }

    void sshHostKey()
    {
        QFETCH(QString, knownHosts);
        QFETCH(bool, trust);
        QFETCH(bool, passed);
        QFETCH(QString, expect);
        const QString labDir = labsupport::stateDir();
        QTemporaryDir tmp;
        const QString file = tmp.filePath(u"known_hosts"_s);
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        if (knownHosts == u"changed"_s) {
            // lab-node-2's key written down for lab-node-1's address.
            QFile real(labDir + u"/ssh/known_hosts"_s);
            QVERIFY(real.open(QIODevice::ReadOnly));
            for (const QByteArray &line : real.readAll().split('\n')) {
                if (line.startsWith("[127.0.0.1]:") && line.contains("lab-node-2")) {
                    f.write("[127.0.0.1]:" + QByteArray::number(labsupport::sshPort(u"lab-node-1"_s)) + ' '
                        + line.mid(line.indexOf(' ') + 1) + '\n');
                }
            }
        }
        f.close();
        SshNodeDialog dialog;
        SshEndpointChoice c;
        c.host = u"lab-node-1"_s;
        c.configFile = labDir + u"/ssh/config"_s;
        c.knownHostsFile = file;
        dialog.setEndpoint(c);
        dialog.hostKeyPrompt()->setAutoAnswer(trust);
        QSignalSpy finished(&dialog, &SshNodeDialog::testFinished);
        dialog.testConnection();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), passed);
        QString lines;
        for (const auto &[text, failed] : dialog.resultLines())
            lines += text + (failed ? u" [failed]\n"_s : u"\n"_s);
        QVERIFY2(lines.contains(expect), qPrintable(lines));
        const QString question = dialog.hostKeyPrompt()->lastQuestion();
        QFile after(file);
        QVERIFY(after.open(QIODevice::ReadOnly));
        const QByteArray recorded = after.readAll();
        if (knownHosts == u"changed"_s) {
            QVERIFY2(question.isEmpty(), qPrintable(question)); // never asked about a changed key
        } else {
            QVERIFY2(question.contains(u"SHA256:"_s), qPrintable(question));
            QCOMPARE(!recorded.isEmpty(), trust); // recorded only when trusted
        }
    }

private:
    QString m_kubeconfig;
};

QTEST_MAIN(TestClusterLab)
#include "tst_clusterlab.moc"
