// Started from a desktop menu, lbscope's PATH is minimal: an exec credential plugin that only the
// login shell's PATH has must still be found. Here PATH is /usr/bin:/bin, $SHELL is a fake login
// shell whose PATH adds a temp dir holding the plugin, and the cluster view connects through it to an
// in-test API server that wants the plugin's token.
#include "ui/cluster/clustersession.h"
#include "ui/cluster/clusterview.h"
#include "ui/cluster/loginshellsetup.h"
#include "ui/cluster/servicetablemodel.h"

#include "fakeapiserver.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace lbs::ui;
using namespace Qt::StringLiterals;

namespace {
void writeExecutable(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
    f.close();
    QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}
} // namespace

class TestClusterLoginPath : public QObject {
    Q_OBJECT
private slots:
    void connectsWithPluginOnLoginShellPath()
    {
        QStandardPaths::setTestModeEnabled(true);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString sdk = dir.filePath(u"sdk-bin"_s);
        QVERIFY(QDir().mkpath(sdk));
        writeExecutable(sdk + u"/lbscope-fake-auth"_s,
            "#!/bin/sh\necho "
            "'{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
            "\"status\":{\"token\":\"from-login-path\"}}'\n");
        // A login shell that prints a banner, then runs the command with the SDK dir on PATH.
        writeExecutable(dir.filePath(u"login-shell"_s),
            QStringLiteral("#!/bin/sh\necho 'Welcome to the test shell'\n"
                           "PATH=%1:/usr/bin:/bin; export PATH\n"
                           "[ \"$1\" = -l ] && [ \"$2\" = -c ] || exit 9\neval \"$3\"\n")
                .arg(sdk)
                .toUtf8());
        FakeApiServer server([](const FakeRequest &r) {
            if (r.headers.value("authorization") != "Bearer from-login-path")
                return FakeResponse::kubeStatus(401, u"Unauthorized"_s, u"no token"_s);
            if (r.path == u"/api/v1/services"_s)
                return FakeResponse::json(200,
                    R"({"kind":"ServiceList","metadata":{},"items":[{"metadata":{"namespace":"default","name":"web"},
                    "spec":{"type":"LoadBalancer","ports":[{"port":80,"protocol":"TCP"}],"externalTrafficPolicy":"Cluster"},
                    "status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}]})");
            return FakeResponse::json(200, R"({"kind":"List","metadata":{},"items":[]})");
        });
        const QString kubeconfig = dir.filePath(u"config"_s);
        QFile cfg(kubeconfig);
        QVERIFY(cfg.open(QIODevice::WriteOnly));
        cfg.write(QStringLiteral(
            "apiVersion: v1\nkind: Config\ncurrent-context: desk\n"
            "clusters:\n- name: c\n  cluster: {server: \"%1\"}\n"
            "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
            "      command: lbscope-fake-auth\n      interactiveMode: Never\n"
            "contexts:\n- name: desk\n  context: {cluster: c, user: u}\n")
                      .arg(server.url())
                      .toUtf8());
        cfg.close();

        qputenv("PATH", "/usr/bin:/bin");
        qputenv("SHELL", dir.filePath(u"login-shell"_s).toLocal8Bit());
        QVERIFY(QStandardPaths::findExecutable(u"lbscope-fake-auth"_s).isEmpty());
        startLoginShellPathLookup(5000); // what main() does at start

        ClusterView view;
        lbs::kube::KubeConfigSource source;
        source.explicitPath = kubeconfig;
        view.setSource(source);
        QSignalSpy state(view.session(), &ClusterSession::stateChanged);
        QSignalSpy shown(&view, &ClusterView::servicesShown);
        view.start(u"desk"_s, {});
        QVERIFY2(shown.wait(20000), qPrintable(state.isEmpty() ? QString() : state.last().at(1).toString()));
        QCOMPARE(view.session()->state(), ClusterSession::State::Connected);
        QCOMPARE(view.serviceModel()->rowCount(), 1);
        QCOMPARE(view.serviceModel()->index(0, ServiceTableModel::Vip).data().toString(), u"203.0.113.10"_s);
        QVERIFY(!server.requests.isEmpty());
    }
};

QTEST_MAIN(TestClusterLoginPath)
#include "tst_clusterloginpath.moc"
