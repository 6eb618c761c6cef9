// `lbscope-cli check` against the lab (kubesim + real node namespaces, keepalived, kube-proxy rules):
// on a healthy lab every check passes; each fault of the list makes exactly its check fail, with the
// fix that names it, before any capture. Needs the lab fixture (tests/lab/CMakeLists.txt); every row
// ends with `lab fault clear`.
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run run(const QString &program, const QStringList &args, int timeoutMs = 240000)
{
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(2000);
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

Run lab(const QStringList &args)
{
    return run(QStringLiteral(LBSCOPE_LAB_SCRIPT), args);
}

struct ClearFaults {
    ~ClearFaults() { lab({u"fault"_s, u"clear"_s}); }
};

QString labDir()
{
    return qEnvironmentVariable("LBSCOPE_LAB_DIR", u"/tmp/lbscope-lab"_s);
}

// Warning events listed in the evidence ("  2026-…Z Pod web-1 Unhealthy: …") that happened in the
// second `since` or later (event times are whole seconds).
QStringList eventsSince(const QJsonObject &check, const QDateTime &since)
{
    QStringList out;
    for (const QJsonValue &v : check.value(u"evidence"_s).toArray()) {
        const QString line = v.toString();
        const QDateTime t = QDateTime::fromString(line.trimmed().section(u' ', 0, 0), Qt::ISODate);
        if (line.startsWith(u"  "_s) && t.isValid() && t >= since)
            out << line;
    }
    return out;
}

} // namespace

class TestLabChecks : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        const Run st = lab({u"status"_s, u"--json"_s});
        if (st.exitCode != 0)
            QSKIP("the lab is not up (run through ctest, which starts it)");
        if (!QJsonDocument::fromJson(st.out).object().contains(u"kubeconfig"_s))
            QSKIP("the lab runs without kubesim");
        lab({u"fault"_s, u"clear"_s});
    }

    void usageErrors()
    {
        QCOMPARE(run(QStringLiteral(LBSCOPE_CLI), {u"check"_s}).exitCode, 2);
        QCOMPARE(
            run(QStringLiteral(LBSCOPE_CLI), {u"check"_s, u"--service"_s, u"a/b"_s, u"--timeout"_s, u"0"_s})
                .exitCode,
            2);
    }

    void faults_data()
    {
        QTest::addColumn<QStringList>("fault");
        QTest::addColumn<QString>("expected"); // id=status of every check that does not pass
        QTest::addColumn<QString>("fixNeedle"); // in the fix of the first check listed
        QTest::addColumn<QString>("kubeconfig"); // in the lab dir
        // Faults that leave no Warning event about the service's pods come first: the events of the
        // others stay recent, as in a real cluster.
        QTest::newRow("healthy") << QStringList() << QString() << QString() << u"kubeconfig"_s;
        QTest::newRow("keepalived pod not running")
            << QStringList {u"keepalived-down"_s} << u"provider-agents=fail"_s
            << u"kubectl -n ibm-system logs ibm-cloud-provider-ip-203-0-113-10-"_s << u"kubeconfig"_s;
        QTest::newRow("VIP on two nodes")
            << QStringList {u"split-brain"_s} << u"vip-one-node=fail,provider-agrees=skipped"_s
            << u"split brain"_s << u"kubeconfig"_s;
        QTest::newRow("targetPort matches no pod port")
            << QStringList {u"wrong-target-port"_s} << u"ports-match=fail"_s << u"\"value\":8080"_s
            << u"kubeconfig"_s;
        QTest::newRow("no endpoints")
            << QStringList {u"no-endpoints"_s} << u"endpoints-ready=fail,warning-events=warn"_s
            << u"describe pod web-"_s << u"kubeconfig"_s;
        QTest::newRow("etp local without endpoint on the VIP node")
            << QStringList {u"etp-local"_s, u"--without-endpoint"_s}
            << u"etp-local-endpoint=fail,endpoints-ready=warn,warning-events=warn"_s
            << u"VIP node lab-node-1 runs no ready endpoint"_s << u"kubeconfig"_s;
        QTest::newRow("keepalived failover")
            << QStringList {u"failover"_s} << u"provider-agents=fail"_s << u"lab-node-1"_s << u"kubeconfig"_s;
        QTest::newRow("read-only user")
            << QStringList() << u"capture-rbac=fail,vip-one-node=skipped,provider-agrees=skipped"_s
            << u"you may not create pods, delete pods, create pods/exec"_s << u"kubeconfig-viewer"_s;
    }

    void faults()
    {
        QFETCH(QStringList, fault);
        QFETCH(QString, expected);
        QFETCH(QString, fixNeedle);
        QFETCH(QString, kubeconfig);
        ClearFaults clear;
        // Event times are whole seconds, and rows take about one: the row begins in a new second, so
        // that the events of the row before (stamped with an earlier second) are not taken for its own.
        QTest::qWait(1005 - QDateTime::currentDateTimeUtc().time().msec());
        QDateTime rowStart = QDateTime::currentDateTimeUtc();
        rowStart.setTime(QTime(rowStart.time().hour(), rowStart.time().minute(), rowStart.time().second()));
        if (!fault.isEmpty()) {
            const Run f = lab(QStringList {u"fault"_s} + fault);
            QVERIFY2(f.exitCode == 0, f.err.constData());
        }
        const Run r = run(QStringLiteral(LBSCOPE_CLI),
            {u"check"_s, u"--service"_s, u"default/web"_s, u"--kubeconfig"_s, labDir() + u'/' + kubeconfig,
                u"--json"_s});
        const QJsonObject out = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(out.contains(u"checks"_s), QByteArray(r.out + r.err).constData());
        QMap<QString, QString> want;
        for (const QString &kv : expected.split(u',', Qt::SkipEmptyParts))
            want.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
        const QJsonArray checks = out.value(u"checks"_s).toArray();
        QCOMPARE(checks.size(), 9);
        for (const QJsonValue &v : checks) {
            const QJsonObject c = v.toObject();
            const QString id = c.value(u"id"_s).toString();
            QString got = c.value(u"status"_s).toString();
            const QString exp = want.value(id, u"pass"_s);
            // Events left from before this row (other tests, earlier rows) are the cluster's history, as in
            // a real cluster where events stay for an hour: only events of this row's fault count.
            if (id == u"warning-events"_s && exp == u"pass"_s && got == u"warn"_s
                && eventsSince(c, rowStart).isEmpty())
                got = u"pass"_s;
            QVERIFY2(got == exp,
                qPrintable(u"%1: %2, expected %3\n%4"_s.arg(
                    id, got, exp, QString::fromUtf8(QJsonDocument(c).toJson(QJsonDocument::Indented)))));
        }
        QCOMPARE(r.exitCode, expected.contains(u"=fail"_s) ? 1 : 0);
        if (!fixNeedle.isEmpty()) {
            const QString first = expected.section(u'=', 0, 0);
            for (const QJsonValue &v : checks)
                if (v.toObject().value(u"id"_s).toString() == first)
                    QVERIFY2(v.toObject().value(u"fix"_s).toString().contains(fixNeedle),
                        qPrintable(v.toObject().value(u"fix"_s).toString()));
        }
    }

    void cleanupTestCase() { lab({u"fault"_s, u"clear"_s}); }
};

QTEST_GUILESS_MAIN(TestLabChecks)
#include "tst_labchecks.moc"
