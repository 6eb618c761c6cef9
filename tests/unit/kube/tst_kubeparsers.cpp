// Robustness: every parser of bytes from outside (kubeconfig YAML, ExecCredential JSON, exec channel-3
// status, `ip -j` output, Service JSON, watch lines) gets thousands of deterministic mutations of valid
// inputs and must return a value or an Error - never crash, hang or trip ASan/UBSan.
#include "core/kube/execcredential.h"
#include "core/kube/execprotocol.h"
#include "core/kube/ipjson.h"
#include "core/kube/kubeconfigloader.h"
#include "core/kube/kubeobjects.h"
#include "core/kube/oidctokenprovider.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

QByteArray mutate(QByteArray s, QRandomGenerator &rng)
{
    const int edits = 1 + int(rng.bounded(8));
    static const char kInteresting[] = "{}[]:,\"'\\\n-&*!|>%@`#\x00\xff";
    for (int i = 0; i < edits; ++i) {
        const int op = int(rng.bounded(4));
        const qsizetype pos = s.isEmpty() ? 0 : qsizetype(rng.bounded(quint32(s.size())));
        const char c = rng.bounded(2) ? kInteresting[rng.bounded(quint32(sizeof(kInteresting) - 1))]
                                      : char(rng.bounded(256));
        if (op == 0 && !s.isEmpty())
            s[pos] = c;
        else if (op == 1)
            s.insert(pos, c);
        else if (op == 2 && !s.isEmpty())
            s.remove(pos, 1 + qsizetype(rng.bounded(quint32(std::min<qsizetype>(16, s.size() - pos)))));
        else
            s.insert(pos, s.mid(pos, 32)); // duplicate a slice
    }
    return s;
}

const QByteArray kKubeconfig
    = "apiVersion: v1\ncurrent-context: c\nclusters:\n- name: k\n  cluster:\n    server: https://h:6443\n"
      "    certificate-authority-data: LS0tLS1CRUdJTg==\n    insecure-skip-tls-verify: false\n    "
      "extensions:\n"
      "    - name: client.authentication.k8s.io/exec\n      extension: {a: [1, 2]}\nusers:\n- name: u\n  "
      "user:\n"
      "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ./p\n      args: "
      "[a, b]\n"
      "      env: [{name: A, value: B}]\n    as-groups: [g]\n    as-user-extra: {k: [v]}\n    auth-provider: "
      "{name: oidc, config: {x: y}}\n"
      "contexts:\n- name: c\n  context: {cluster: k, user: u, namespace: ns}\n";

} // namespace

class TestKubeParsers : public QObject {
    Q_OBJECT
private slots:
    void mutatedInputs()
    {
        QRandomGenerator rng(20261127);
        const QByteArray cred
            = R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"2026-01-01T00:00:00Z"}})";
        const QByteArray status
            = R"({"metadata":{},"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}})";
        const QByteArray ip
            = R"([{"ifindex":3,"ifname":"eth1","addr_info":[{"family":"inet","local":"203.0.113.10","prefixlen":32}]}])";
        const QByteArray svc
            = R"({"metadata":{"name":"web","namespace":"default","annotations":{"a":"b"}},"spec":{"type":"LoadBalancer","ports":[{"port":80,"targetPort":"http","nodePort":30080}]},"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}})";
        ExecConfig ec;
        ec.apiVersion = u"client.authentication.k8s.io/v1"_s;
        ec.command = u"p"_s;
        ExecCredentialPlugin plugin(ec, u"u"_s, u"/k"_s, {});
        int parsedConfigs = 0;
        for (int i = 0; i < 3000; ++i) {
            auto cfg = KubeConfigLoader::parse(mutate(kKubeconfig, rng), u"/tmp/fuzz/config"_s);
            if (cfg.ok()) {
                ++parsedConfigs;
                (void)cfg->resolve();
            } else {
                QVERIFY(!cfg.error().message.empty());
            }
            (void)plugin.parseOutput(mutate(cred, rng));
            (void)execproto::parseStatus(mutate(status, rng), execproto::Version::V5);
            (void)execproto::decode(mutate(status, rng));
            (void)parseIpAddr(mutate(ip, rng));
            (void)parseIpRoute(mutate(ip, rng));
            (void)LoadBalancerService::fromJson(QJsonDocument::fromJson(mutate(svc, rng)).object());
            (void)OidcTokenProvider::jwtExpiry(
                QString::fromLatin1(mutate("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2ln", rng)));
            (void)parseRfc3339(QString::fromLatin1(mutate("2026-01-01T00:00:00.123456789Z", rng)));
        }
        // The mutations must not all be trivially rejected: some still parse.
        QVERIFY(parsedConfigs > 100);
        qInfo("%d of 3000 mutated kubeconfigs parsed", parsedConfigs);
    }

    void deepNesting()
    {
        // yaml-cpp recursion on hostile nesting must end in an Error, not a stack overflow.
        QByteArray deep = "clusters: " + QByteArray(20000, '[') + QByteArray(20000, ']') + "\n";
        auto r = KubeConfigLoader::parse(deep, u"/tmp/deep"_s);
        QVERIFY(!r.ok());
    }
};

QTEST_GUILESS_MAIN(TestKubeParsers)
#include "tst_kubeparsers.moc"
