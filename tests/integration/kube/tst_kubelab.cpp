// The Kubernetes side of lbscope against the lab: kubeconfig contexts, services, locate (IBM keepalived +
// ip -j addr, and again after a failover), a debug pod's whole life through KubeRemoteHost, cancel and
// error paths that leave no pod and no process, PodSecurity admission, image pull failure, 401, TLS.
// Needs the lab fixture (tests/lab/CMakeLists.txt) with kubesim; ends with `lab fault clear`.
#include "core/capture/kuberemotehost.h"
#include "core/kube/debugpod.h"
#include "core/kube/ipjson.h"
#include "core/kube/kubeconfigloader.h"
#include "fakeapiserver.h"
#include "labsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace lbs;
using namespace labsupport;
using namespace Qt::StringLiterals;

namespace {

Run cli(const QStringList &args, const EnvChanges &env = {})
{
    return run(QStringLiteral(LBSCOPE_CLI), args, 120000, env);
}

} // namespace

class TestKubeLab : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        m_labDir = qEnvironmentVariable("LBSCOPE_LAB_DIR", u"/tmp/lbscope-lab"_s);
        m_kubeconfig = m_labDir + u"/kubeconfig"_s;
        if (!QFile::exists(m_kubeconfig))
            QSKIP("the lab runs without kubesim ($LBSCOPE_LAB_DIR/kubeconfig is missing): the API half of "
                  "the lab is needed");
        auto cfg = kube::KubeConfigLoader::loadFile(m_kubeconfig);
        QVERIFY2(cfg.ok(), cfg.ok() ? "" : cfg.error().toString().c_str());
        m_config = *cfg;
        auto client = kube::KubeClient::fromKubeconfig(m_kubeconfig, u"lab-cert"_s);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().toString().c_str());
        m_client = std::move(client.value());
        QVERIFY(m_tmp.isValid());
    }

    void cleanup()
    {
        // Every test leaves no lbscope pod behind.
        QCOMPARE(lbscopePods(), QStringList());
    }

    void contexts()
    {
        const Run r = cli({u"contexts"_s, u"--kubeconfig"_s, m_kubeconfig, u"--json"_s});
        QCOMPARE(r.code, 0);
        QStringList names;
        for (const QJsonValue &c : r.json().value(u"contexts"_s).toArray())
            names << c.toObject().value(u"name"_s).toString();
        QCOMPARE(names, (QStringList {u"lab-cert"_s, u"lab-token"_s, u"lab-exec"_s}));
        QCOMPARE(r.json().value(u"current_context"_s).toString(), u"lab-cert"_s);
        // KUBECONFIG with a missing first entry: same answer, table form.
        const Run t
            = cli({u"contexts"_s}, {{u"KUBECONFIG"_s, m_tmp.filePath(u"missing"_s) + u':' + m_kubeconfig}});
        QCOMPARE(t.code, 0);
        QVERIFY2(t.out.contains("*         lab-cert") || t.out.contains("lab-cert"), t.out.constData());
        QVERIFY(t.out.startsWith("CURRENT"));
    }

    void services_data()
    {
        QTest::addColumn<QString>("context");
        QTest::newRow("client certificate") << u"lab-cert"_s;
        QTest::newRow("token") << u"lab-token"_s;
        QTest::newRow("exec plugin") << u"lab-exec"_s;
    }
    void services()
    {
        QFETCH(QString, context);
        const Run r
            = cli({u"services"_s, u"--kubeconfig"_s, m_kubeconfig, u"--context"_s, context, u"--json"_s});
        QVERIFY2(r.code == 0, r.err.constData());
        bool found = false;
        for (const QJsonValue &s : r.json().value(u"services"_s).toArray()) {
            const QJsonObject o = s.toObject();
            if (o.value(u"namespace"_s).toString() == QLatin1String("default")
                && o.value(u"name"_s).toString() == QLatin1String("web")) {
                found = true;
                QCOMPARE(o.value(u"vip"_s).toString(), u"203.0.113.10"_s);
                QCOMPARE(o.value(u"ports"_s).toArray().first().toObject().value(u"port"_s).toInt(), 80);
            }
        }
        QVERIFY2(found, r.out.constData());
    }

    void locate()
    {
        const QString holder = vipHolder();
        QVERIFY(!holder.isEmpty());
        const Run r = cli(
            {u"locate"_s, u"--service"_s, u"default/web"_s, u"--kubeconfig"_s, m_kubeconfig, u"--json"_s});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = r.json();
        QCOMPARE(j.value(u"method"_s).toString(), u"ibm-keepalived"_s);
        QCOMPARE(j.value(u"vip"_s).toString(), u"203.0.113.10"_s);
        QCOMPARE(j.value(u"holder_node"_s).toString(), holder);
        QCOMPARE(j.value(u"interface"_s).toString(), u"eth1"_s);
        QCOMPARE(j.value(u"standby_nodes"_s).toArray().size(), 1);
        QVERIFY(j.value(u"endpoints"_s).toArray().size() >= 3);
        QVERIFY2(j.value(u"problems"_s).toArray().isEmpty(), r.out.constData());
        bool caliMapped = false;
        for (const QJsonValue &i : j.value(u"interfaces"_s).toArray())
            caliMapped = caliMapped
                || (i.toObject().value(u"name"_s).toString().startsWith(u"cali"_s)
                    && !i.toObject().value(u"pod"_s).isNull());
        QVERIFY2(caliMapped, r.out.constData());
    }

    void locateAfterFailover()
    {
        ClearFaults clear;
        const QString before = vipHolder();
        QCOMPARE(lab({u"fault"_s, u"failover"_s}).code, 0);
        QString after;
        for (int i = 0; i < 50 && (after.isEmpty() || after == before); ++i) {
            QTest::qWait(200);
            after = vipHolder();
        }
        QVERIFY(!after.isEmpty() && after != before);
        const Run r = cli(
            {u"locate"_s, u"--service"_s, u"default/web"_s, u"--kubeconfig"_s, m_kubeconfig, u"--json"_s});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.json().value(u"holder_node"_s).toString(), after);
        QCOMPARE(r.json().value(u"standby_nodes"_s).toArray().first().toString(), before);
        // The stopped keepalived pod is reported.
        QVERIFY2(QJsonDocument(r.json().value(u"problems"_s).toArray()).toJson().contains("not ready"),
            r.out.constData());
    }

    void debugPodLifecycle()
    {
        CancelToken cancel;
        kube::DebugPodOptions o;
        o.node = u"lab-node-1"_s;
        QElapsedTimer t;
        t.start();
        auto pod = kube::DebugPod::create(*m_client, o, cancel);
        QVERIFY2(pod.ok(), pod.ok() ? "" : pod.error().toString().c_str());
        qInfo("debug pod %s running after %lld ms", qPrintable((*pod)->name()), t.elapsed());
        QCOMPARE(lbscopePods().size(), 1);
        capture::KubeRemoteHost host(**pod);
        auto r = host.run({"ip", "-j", "addr"}, cancel);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(r->exitCode, 0);
        auto ifs = kube::parseIpAddr(QByteArray::fromStdString(r->out));
        QVERIFY(ifs.ok());
        QStringList names;
        for (const auto &i : *ifs)
            names << i.name;
        QVERIFY2(names.contains(u"eth1"_s), qPrintable(names.join(u',')));
        QVERIFY(QString::fromStdString(host.describe()).contains(u"lab-node-1 (via pod lbscope/"_s));
        auto code = host.run({"sh", "-c", "echo oops >&2; exit 7"}, cancel);
        QVERIFY(code.ok());
        QCOMPARE(code->exitCode, 7);
        QCOMPARE(code->err, std::string("oops\n"));
        auto missing = host.run({"lbscope-no-such-tool"}, cancel);
        QVERIFY(missing.ok());
        QCOMPARE(missing->exitCode, 127);
        QVERIFY((*pod)->remove(cancel).ok());
        QVERIFY(lbscopePods().isEmpty());
    }

    void fetchFromExistingPod()
    {
        // fetch --pod reads an existing pod's files as kubectl cp does: nothing is created or deleted,
        // and the copy is verified like any other download.
        CancelToken cancel;
        const QString dir = u"/var/tmp/lbscope"_s;
        QVERIFY(run(QStringLiteral(LBSCOPE_NODE_EXEC),
                    {u"lab-node-1"_s, u"--"_s, u"sh"_s, u"-c"_s,
                        u"mkdir -p %1 && head -c 3000017 /dev/urandom > %1/frompod.bin"_s.arg(dir)})
                    .code
            == 0);
        const QJsonObject podObj = QJsonDocument::fromJson(
            uR"({"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"cp-source-","labels":{"app":"cp-source"}},
              "spec":{"nodeName":"lab-node-1","hostNetwork":true,"restartPolicy":"Never","terminationGracePeriodSeconds":1,
               "containers":[{"name":"files","image":"docker.io/library/busybox:stable","command":["sleep","3600"],
                              "volumeMounts":[{"name":"d","mountPath":"/var/tmp/lbscope"}]}],
               "volumes":[{"name":"d","hostPath":{"path":"/var/tmp/lbscope","type":"DirectoryOrCreate"}}]}})"_s
                .toUtf8())
                                       .object();
        auto made = m_client->post(u"/api/v1/namespaces/default/pods"_s, podObj, cancel);
        QVERIFY2(made.ok(), made.ok() ? "" : made.error().toString().c_str());
        const QString name = made->value(u"metadata"_s).toObject().value(u"name"_s).toString();
        const QString podPath = u"/api/v1/namespaces/default/pods/"_s + name;
        struct DeletePod {
            kube::KubeClient &c;
            QString path;
            ~DeletePod()
            {
                CancelToken t;
                c.request("DELETE", path, {}, {}, {}, t);
            }
        } deleteAtEnd {*m_client, podPath};
        QTRY_VERIFY_WITH_TIMEOUT(
            m_client->get(podPath, cancel)->value(u"status"_s).toObject().value(u"phase"_s).toString()
                == u"Running"_s,
            30000);

        const QString out = m_tmp.filePath(u"frompod"_s);
        const Run ok = cli({u"fetch"_s, u"--kubeconfig"_s, m_kubeconfig, u"--pod"_s, u"default/"_s + name,
            dir + u"/frompod.bin"_s, u"--out"_s, out});
        QVERIFY2(ok.code == 0, ok.err.constData());
        const Run nodeSha = run(QStringLiteral(LBSCOPE_NODE_EXEC),
            {u"lab-node-1"_s, u"--"_s, u"sha256sum"_s, dir + u"/frompod.bin"_s});
        const Run localSha = run(u"sha256sum"_s, {out + u"/frompod.bin"_s});
        QVERIFY(nodeSha.out.size() > 64);
        QCOMPARE(localSha.out.left(64), nodeSha.out.left(64));
        QFile mf(out + u"/manifest.json"_s);
        QVERIFY(mf.open(QIODevice::ReadOnly));
        const QJsonObject m = QJsonDocument::fromJson(mf.readAll()).object();
        QCOMPARE(m.value(u"endpoint"_s).toString(), u"pod default/"_s + name);
        QCOMPARE(m.value(u"node"_s).toString(), u"lab-node-1"_s);
        QVERIFY(lbscopePods().isEmpty()); // no debug pod was made
        QVERIFY(m_client->get(podPath, cancel).ok()); // and the source pod is still there

        const Run missing = cli({u"fetch"_s, u"--kubeconfig"_s, m_kubeconfig, u"--pod"_s,
            u"default/no-such-pod"_s, dir + u"/frompod.bin"_s, u"--out"_s, m_tmp.filePath(u"missing"_s)});
        QCOMPARE(missing.code, 1);
        QVERIFY2(missing.err.contains("pod default/no-such-pod does not exist"), missing.err.constData());
        const Run wrongContainer
            = cli({u"fetch"_s, u"--kubeconfig"_s, m_kubeconfig, u"--pod"_s, u"default/"_s + name,
                u"--container"_s, u"nope"_s, dir + u"/frompod.bin"_s, u"--out"_s, m_tmp.filePath(u"nope"_s)});
        QCOMPARE(wrongContainer.code, 1);
        QVERIFY2(wrongContainer.err.contains("has no container 'nope'")
                && wrongContainer.err.contains("its containers: files"),
            wrongContainer.err.constData());
        run(QStringLiteral(LBSCOPE_NODE_EXEC),
            {u"lab-node-1"_s, u"--"_s, u"rm"_s, u"-f"_s, dir + u"/frompod.bin"_s});
    }

    void cancelLeavesNoPodNorProcess()
    {
        CancelToken cancel;
        {
            kube::DebugPodOptions o;
            o.node = u"lab-node-2"_s;
            auto pod = kube::DebugPod::create(*m_client, o, cancel);
            QVERIFY2(pod.ok(), pod.ok() ? "" : pod.error().toString().c_str());
            capture::KubeRemoteHost host(**pod);
            QTimer::singleShot(800, [cancel] { cancel.cancel(); });
            QElapsedTimer t;
            t.start();
            auto r = host.run({"sleep", "2999"}, cancel);
            QVERIFY(!r.ok());
            QVERIFY(QString::fromStdString(r.error().message).contains(u"cancelled"_s));
            QVERIFY2(t.elapsed() < 3000, "cancel must reach the exec stream promptly");
            QVERIFY(hasProcess(u"lab-node-2"_s, u"sleep 2999"_s)); // closing the socket does not kill it...
        } // ...deleting the pod (the guard, with a fresh token) does
        QVERIFY(lbscopePods().isEmpty());
        bool gone = false;
        for (int i = 0; i < 50 && !gone; ++i) {
            gone = !hasProcess(u"lab-node-2"_s, u"sleep 2999"_s);
            if (!gone)
                QTest::qWait(200);
        }
        QVERIFY2(gone, "the exec'd process outlived the debug pod");
    }

    void cancelWhileStarting()
    {
        CancelToken cancel;
        QTimer::singleShot(50, [cancel] { cancel.cancel(); });
        kube::DebugPodOptions o;
        o.node = u"lab-node-3"_s;
        auto pod = kube::DebugPod::create(*m_client, o, cancel);
        QVERIFY(!pod.ok());
    }

    void imagePullFailsFast()
    {
        CancelToken cancel;
        kube::DebugPodOptions o;
        o.node = u"lab-node-1"_s;
        o.image = u"registry.example/lbscope/doesnotexist:1.0"_s;
        QElapsedTimer t;
        t.start();
        auto pod = kube::DebugPod::create(*m_client, o, cancel);
        QVERIFY(!pod.ok());
        const QString text = QString::fromStdString(pod.error().toString());
        QVERIFY2(text.contains(u"registry.example/lbscope/doesnotexist:1.0"_s)
                && text.contains(u"cannot be pulled"_s),
            qPrintable(text));
        QVERIFY2(t.elapsed() < 30000, "an image pull failure must not wait for the ready timeout");
    }

    void podSecurityRejection()
    {
        CancelToken cancel;
        kube::DebugPodOptions o;
        o.node = u"lab-node-1"_s;
        o.nameSpace = u"psa-restricted"_s;
        o.createNamespace = false;
        auto pod = kube::DebugPod::create(*m_client, o, cancel);
        QVERIFY(!pod.ok());
        const QString text = QString::fromStdString(pod.error().toString());
        QVERIFY2(text.contains(u"violates PodSecurity \"restricted:latest\""_s), qPrintable(text));
        QVERIFY2(text.contains(u"pod-security.kubernetes.io/enforce=privileged"_s), qPrintable(text));
    }

    void cleanupCommand()
    {
        CancelToken cancel;
        kube::DebugPodOptions o;
        o.node = u"lab-node-3"_s;
        auto pod = kube::DebugPod::create(*m_client, o, cancel);
        QVERIFY2(pod.ok(), pod.ok() ? "" : pod.error().toString().c_str());
        (*pod)->release(); // a leftover, as after a crash
        const QString name = (*pod)->name();
        pod.value().reset();
        QCOMPARE(lbscopePods(), QStringList {u"lbscope/"_s + name});
        // A colleague's capture still running (another owner) and one of theirs that has ended (its
        // deadline passed: Failed). Cleanup deletes ours and the ended one, keeps the running one.
        o.owner = u"colleague@elsewhere"_s;
        o.node = u"lab-node-2"_s;
        auto theirs = kube::DebugPod::create(*m_client, o, cancel);
        QVERIFY2(theirs.ok(), theirs.ok() ? "" : theirs.error().toString().c_str());
        (*theirs)->release();
        const QString theirName = (*theirs)->name();
        theirs.value().reset();
        o.activeDeadlineSeconds = 1; // posted as is (create() would treat the deadline as a failure)
        auto ended = m_client->post(u"/api/v1/namespaces/lbscope/pods"_s, kube::DebugPod::podSpec(o), cancel);
        QVERIFY2(ended.ok(), ended.ok() ? "" : ended.error().toString().c_str());
        const QString endedName = ended->value(u"metadata"_s).toObject().value(u"name"_s).toString();
        const QString endedPath = u"/api/v1/namespaces/lbscope/pods/"_s + endedName;
        QTRY_COMPARE_WITH_TIMEOUT(
            m_client->get(endedPath, cancel)->value(u"status"_s).toObject().value(u"phase"_s).toString(),
            u"Failed"_s, 20000);
        QCOMPARE(lbscopePods().size(), 3);

        const Run r = cli({u"cleanup"_s, u"--kubeconfig"_s, m_kubeconfig, u"--context"_s, u"lab-token"_s});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains(QString(u"deleted pod lbscope/"_s + name).toUtf8()), r.out.constData());
        QVERIFY2(r.out.contains(QString(u"deleted pod lbscope/"_s + endedName).toUtf8()), r.out.constData());
        QVERIFY2(r.out.contains(
                     QString(u"kept pod lbscope/"_s + theirName + u" (owner colleague@elsewhere"_s).toUtf8()),
            r.out.constData());
        QTRY_COMPARE_WITH_TIMEOUT(lbscopePods(), QStringList {u"lbscope/"_s + theirName}, 10000);

        const Run all = cli(
            {u"cleanup"_s, u"--kubeconfig"_s, m_kubeconfig, u"--context"_s, u"lab-token"_s, u"--all"_s});
        QVERIFY2(all.code == 0, all.err.constData());
        QVERIFY2(
            all.out.contains(QString(u"deleted pod lbscope/"_s + theirName).toUtf8()), all.out.constData());
        for (int i = 0; i < 50 && !lbscopePods().isEmpty(); ++i)
            QTest::qWait(200);
    }

    void wrongCredentials_data()
    {
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("execToken");
        QTest::addColumn<QString>("expect");
        QTest::newRow("wrong token") << u"wrong-token"_s << QString() << u"token of user 'wrong-token'"_s;
        QTest::newRow("exec plugin token rejected")
            << u"lab-exec"_s << u"expired-token"_s << u"log in with the plugin again"_s;
    }
    void wrongCredentials()
    {
        QFETCH(QString, context);
        QFETCH(QString, execToken);
        QFETCH(QString, expect);
        const QString kc = writeVariant(u"wrong"_s, u"certificate-authority-data: %1"_s.arg(caData()),
            u"- name: wrong-token\n  user: {token: not-a-valid-token}\n"_s);
        QMap<QString, QString> env {{u"KUBECONFIG"_s, kc + u':' + m_kubeconfig}};
        if (!execToken.isEmpty())
            env.insert(u"LBSCOPE_LAB_EXEC_TOKEN"_s, execToken);
        const Run r = cli({u"services"_s, u"--context"_s, context}, env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("401 Unauthorized"), r.err.constData());
        QVERIFY2(QString::fromUtf8(r.err).contains(expect), r.err.constData());
    }

    void insecureSkipVerifyWarns()
    {
        const QString kc = writeVariant(u"insecure"_s, u"insecure-skip-tls-verify: true"_s, {});
        const Run r = cli({u"services"_s, u"--kubeconfig"_s, kc, u"--context"_s, u"v-insecure"_s});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(
            r.err.contains("warning: cluster 'v-insecure'") && r.err.contains("insecure-skip-tls-verify"),
            r.err.constData());
        QVERIFY(r.out.contains("203.0.113.10"));
    }

    void wrongCaFails()
    {
        QString error;
        TestPki pki;
        QVERIFY2(pki.create(m_tmp.path(), &error), qPrintable(error));
        const QString kc = writeVariant(u"badca"_s,
            u"certificate-authority-data: %1"_s.arg(QString::fromLatin1(pki.otherCaPem.toBase64())), {});
        const Run r = cli({u"services"_s, u"--kubeconfig"_s, kc, u"--context"_s, u"v-badca"_s});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("TLS verification of API server") && r.err.contains("not signed by the CA"),
            r.err.constData());
    }

private:
    QString caData() const
    {
        return QString::fromLatin1(m_config.clusters.first().certificateAuthorityData.toBase64());
    }

    // A kubeconfig with cluster "v-<tag>" (the lab's server plus `tlsLine`), a context "v-<tag>" using
    // user lab-token from the lab kubeconfig (copied), and optional extra users (with same-named contexts).
    QString writeVariant(const QString &tag, const QString &tlsLine, const QString &extraUsers)
    {
        const kube::UserInfo *tokenUser = m_config.user(u"lab-token"_s);
        QString y
            = u"apiVersion: v1\nkind: Config\nclusters:\n- name: v-%1\n  cluster:\n    server: %2\n    %3\n"_s
                  .arg(tag, m_config.clusters.first().server, tlsLine);
        y += u"users:\n- name: v-token\n  user: {token: %1}\n"_s.arg(tokenUser->token) + extraUsers;
        y += u"contexts:\n- name: v-%1\n  context: {cluster: v-%1, user: v-token}\n"_s.arg(tag);
        if (extraUsers.contains(u"wrong-token"_s))
            y += u"- name: wrong-token\n  context: {cluster: v-%1, user: wrong-token}\n"_s.arg(tag);
        const QString path = m_tmp.filePath(u"kubeconfig-"_s + tag);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(y.toUtf8());
        return path;
    }

    QStringList lbscopePods()
    {
        CancelToken cancel;
        QUrlQuery q;
        kube::addQueryValue(q, u"labelSelector"_s, u"app.kubernetes.io/managed-by=lbscope"_s);
        auto pods = m_client->list(u"/api/v1/pods"_s, cancel, q);
        if (!pods)
            return {u"(list failed: "_s + QString::fromStdString(pods.error().message) + u')'};
        QStringList out;
        for (const QJsonValue &p : *pods) {
            const QJsonObject meta = p.toObject().value(u"metadata"_s).toObject();
            out << meta.value(u"namespace"_s).toString() + u'/' + meta.value(u"name"_s).toString();
        }
        return out;
    }

    bool hasProcess(const QString &node, const QString &cmdline)
    {
        const Run r = run(
            QStringLiteral(LBSCOPE_NODE_EXEC), {node, u"--"_s, u"pgrep"_s, u"-f"_s, u"^"_s + cmdline + u'$'});
        return r.code == 0;
    }

    QString m_labDir;
    QString m_kubeconfig;
    kube::KubeConfig m_config;
    std::unique_ptr<kube::KubeClient> m_client;
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestKubeLab)
#include "tst_kubelab.moc"
