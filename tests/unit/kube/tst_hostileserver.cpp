// The API client against hostile or broken servers: each answer gives a clear error in bounded time
// and bounded memory, and no credential goes to another address. (A certificate for another name is
// the "name mismatch" row of kube_kubeclient's tls test; an exec message past the size limit and an
// exec that never sends a status are in kube_execprotocol.)

#include "core/kube/kubeclient.h"
#include "fakeapiserver.h"

#include <QElapsedTimer>
#include <QTest>

#include <sys/resource.h>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

ResolvedContext context(const QString &server)
{
    ResolvedContext ctx;
    ctx.context.name = u"hostile"_s;
    ctx.cluster.name = u"hostile"_s;
    ctx.cluster.server = server;
    ctx.user.name = u"admin"_s;
    ctx.user.token = u"secret-token-0123"_s;
    return ctx;
}

/// Peak resident memory of this process so far, in MiB.
long peakMiB()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

} // namespace

class TestHostileServer : public QObject {
    Q_OBJECT
private slots:
    void answers_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<QString>("expect"); // in the error message
        QTest::addColumn<int>("kind"); // lbs::ErrorKind
        const auto unsupported = int(lbs::ErrorKind::Unsupported);
        QTest::newRow("1 GiB answer streamed") << u"huge"_s << u"larger than 64 MiB"_s << unsupported;
        QTest::newRow("1 GiB announced") << u"announced"_s << u"larger than 64 MiB"_s << unsupported;
        QTest::newRow("truncated JSON")
            << u"truncated"_s << u"after 35 of the 4096 bytes"_s << int(lbs::ErrorKind::Unavailable);
        QTest::newRow("JSON nested 100,000 deep") << u"nested"_s << u"not a JSON object"_s << -1;
        QTest::newRow("HTML instead of JSON") << u"html"_s << u"not a JSON object"_s << -1;
        QTest::newRow("slow drip") << u"drip"_s << u"GET /api/v1/pods"_s << int(lbs::ErrorKind::Timeout);
        QTest::newRow("redirect to another address (302)")
            << u"redirect302"_s << u"redirected to"_s << unsupported;
        QTest::newRow("redirect to another address (307)")
            << u"redirect307"_s << u"redirected to"_s << unsupported;
    }

    void answers()
    {
        QFETCH(QString, shape);
        QFETCH(QString, expect);
        QFETCH(int, kind);
        // Where a redirect points: it must never be asked anything.
        FakeApiServer elsewhere(
            [](const FakeRequest &) { return FakeResponse::json(200, R"({"items":[]})"); });
        FakeApiServer server([&](const FakeRequest &) {
            if (shape == QLatin1String("huge")) {
                FakeResponse r = FakeResponse::json(200, "{\"items\":[\"");
                r.streamBytes = qint64(1) << 30;
                return r;
            }
            if (shape == QLatin1String("announced")) {
                FakeResponse r = FakeResponse::json(200, R"({"items":[]})");
                r.declaredLength = qint64(1) << 30;
                return r;
            }
            if (shape == QLatin1String("truncated")) {
                FakeResponse r = FakeResponse::json(200, R"({"items":[{"metadata":{"name":"a"}})");
                r.declaredLength = 4096;
                return r;
            }
            if (shape == QLatin1String("nested"))
                return FakeResponse::json(200, QByteArray(100000, '['));
            if (shape == QLatin1String("html")) {
                FakeResponse r = FakeResponse::json(200, "<html><body>Sign in to continue</body></html>");
                r.headers << qMakePair(QByteArray("X-Content-Type"), QByteArray("text/html"));
                return r;
            }
            if (shape == QLatin1String("drip")) {
                FakeResponse r;
                r.status = 200;
                for (int i = 0; i < 100; ++i)
                    r.chunks << QByteArray(" ");
                r.chunkDelayMs = 100;
                return r;
            }
            FakeResponse r = FakeResponse::json(shape.endsWith(u"302"_s) ? 302 : 307, {});
            r.headers << qMakePair(QByteArray("Location"), (elsewhere.url() + u"/api/v1/pods"_s).toUtf8());
            return r;
        });
        auto client = KubeClient::create(context(server.url()));
        QVERIFY(client.ok());
        (*client)->setTimeoutMs(2000);
        const long before = peakMiB();
        QElapsedTimer t;
        t.start();
        lbs::CancelToken cancel;
        auto r = (*client)->list(u"/api/v1/pods"_s, cancel);
        const qint64 took = t.elapsed();
        QVERIFY(!r.ok());
        const QString message = QString::fromStdString(r.error().toString());
        QVERIFY2(message.contains(expect), qPrintable(message));
        QVERIFY2(!message.contains(u"secret-token"_s), qPrintable(message));
        if (kind >= 0)
            QCOMPARE(int(r.error().kind), kind);
        QVERIFY2(took < 10000, qPrintable(u"took %1 ms"_s.arg(took)));
        QVERIFY2(
            peakMiB() - before < 200, qPrintable(u"peak memory grew by %1 MiB"_s.arg(peakMiB() - before)));
        QVERIFY2(elsewhere.requests.isEmpty(), "a request (with the token) went to the redirect's address");
    }
};

QTEST_GUILESS_MAIN(TestHostileServer)
#include "tst_hostileserver.moc"
