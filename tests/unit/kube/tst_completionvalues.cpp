// Live values for shell completion (contexts, namespaces, nodes, LoadBalancer services) against an
// in-test API server: the right candidates, the context typed on the line honoured, and nothing (not
// an error, not a wait past the limit) when the cluster is slow, refuses or is unreachable.
#include "fakeapiserver.h"

#include "core/kube/completionvalues.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QByteArray list(const QJsonArray &items)
{
    return QJsonDocument(QJsonObject {{u"kind"_s, u"List"_s}, {u"apiVersion"_s, u"v1"_s},
                             {u"metadata"_s, QJsonObject {}}, {u"items"_s, items}})
        .toJson(QJsonDocument::Compact);
}

QJsonObject named(const QString &name, const QString &ns = {}, const QString &type = {})
{
    QJsonObject meta {{u"name"_s, name}};
    if (!ns.isEmpty())
        meta[u"namespace"_s] = ns;
    QJsonObject o {{u"metadata"_s, meta}};
    if (!type.isEmpty())
        o[u"spec"_s] = QJsonObject {{u"type"_s, type}};
    return o;
}

} // namespace

class TestCompletionValues : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    /// A kubeconfig with two contexts, "lab" on `url` and "gone" on a port nothing listens on.
    QString writeKubeconfig(const QString &url)
    {
        const QString path = m_dir.filePath(u"config"_s);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        f.write(QStringLiteral("apiVersion: v1\nkind: Config\ncurrent-context: lab\n"
                               "clusters:\n"
                               "- name: lab\n  cluster:\n    server: %1\n"
                               "- name: gone\n  cluster:\n    server: http://127.0.0.1:9\n"
                               "users:\n- name: u\n  user:\n    token: t0k\n"
                               "contexts:\n"
                               "- name: lab\n  context:\n    cluster: lab\n    user: u\n"
                               "- name: gone\n  context:\n    cluster: gone\n    user: u\n")
                    .arg(url)
                    .toUtf8());
        return path;
    }

private slots:
    void values_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("cluster"); // answers, forbids, or silent (accepts, never answers)
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("contexts") << u"--context"_s << QString() << u"answers"_s
                                  << QStringList {u"lab"_s, u"gone"_s};
        QTest::newRow("namespaces") << u"--namespace"_s << QString() << u"answers"_s
                                    << QStringList {u"default"_s, u"ibm-system"_s};
        QTest::newRow("nodes") << u"--node"_s << u"lab"_s << u"answers"_s
                               << QStringList {u"lab-node-1"_s, u"lab-node-2"_s};
        QTest::newRow("LoadBalancer services only")
            << u"--service"_s << QString() << u"answers"_s << QStringList {u"default/web"_s, u"shop/cart"_s};
        QTest::newRow("other context unreachable")
            << u"--node"_s << u"gone"_s << u"answers"_s << QStringList {};
        QTest::newRow("forbidden") << u"--namespace"_s << QString() << u"forbids"_s << QStringList {};
        QTest::newRow("slow cluster") << u"--service"_s << QString() << u"silent"_s << QStringList {};
        QTest::newRow("option without live values")
            << u"--iface"_s << QString() << u"answers"_s << QStringList {};
    }

    void values()
    {
        QFETCH(QString, option);
        QFETCH(QString, context);
        QFETCH(QString, cluster);
        QFETCH(QStringList, expected);
        FakeApiServer server([&](const FakeRequest &r) {
            if (cluster == u"forbids"_s)
                return FakeResponse::kubeStatus(403, u"Forbidden"_s, u"namespaces is forbidden"_s);
            if (r.path == u"/api/v1/namespaces"_s)
                return FakeResponse::json(200, list({named(u"default"_s), named(u"ibm-system"_s)}));
            if (r.path == u"/api/v1/nodes"_s)
                return FakeResponse::json(200, list({named(u"lab-node-1"_s), named(u"lab-node-2"_s)}));
            if (r.path == u"/api/v1/services"_s)
                return FakeResponse::json(200,
                    list({named(u"web"_s, u"default"_s, u"LoadBalancer"_s),
                        named(u"kubernetes"_s, u"default"_s, u"ClusterIP"_s),
                        named(u"cart"_s, u"shop"_s, u"LoadBalancer"_s)}));
            return FakeResponse::kubeStatus(404, u"NotFound"_s, u"not found"_s);
        });
        QTcpServer silent; // the kernel completes the handshake; nobody ever reads or answers
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        const QString kubeconfig = writeKubeconfig(
            cluster == u"silent"_s ? u"http://127.0.0.1:%1"_s.arg(silent.serverPort()) : server.url());
        QVERIFY(!kubeconfig.isEmpty());
        QElapsedTimer clock;
        clock.start();
        const std::vector<std::string> got
            = lbs::kube::completionValues(option.toStdString(), kubeconfig, context, 500);
        QVERIFY2(clock.elapsed() < 1400, qPrintable(u"took %1 ms"_s.arg(clock.elapsed())));
        QStringList gotList;
        for (const std::string &v : got)
            gotList << QString::fromStdString(v);
        QCOMPARE(gotList, expected);
        const bool asksCluster = option != u"--context"_s && option != u"--iface"_s && context != u"gone"_s;
        QCOMPARE(!server.requests.isEmpty(), asksCluster && cluster != u"silent"_s);
        for (const FakeRequest &r : server.requests)
            QCOMPARE(r.headers.value("authorization"), QByteArray("Bearer t0k"));
    }

    void noKubeconfig()
    {
        const auto got = lbs::kube::completionValues("--context", m_dir.filePath(u"missing"_s), {}, 500);
        QVERIFY(got.empty());
    }
};

QTEST_GUILESS_MAIN(TestCompletionValues)
#include "tst_completionvalues.moc"
