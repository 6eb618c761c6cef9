// lbscope-cli capture --events jsonl, run as the real binary against a real local sshd
// (tests/unit/ssh/sshdfixture) with the real tcpdump on the loopback interface: every stdout line is
// a JSON object, the states come in order, samples and a verified event per file (its sha256 that of
// the downloaded file) arrive, and the last line is done; a failing run ends with done, ok false.
#include "sshdfixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int code = -1;
    QList<QJsonObject> events;
    QByteArray out;
    QByteArray err;
    QString badLine; ///< the first stdout line that is not a JSON object
};

QByteArray fileSha(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

} // namespace

class TestCliEvents : public QObject {
    Q_OBJECT

private:
    SshdFixture m_sshd;
    QTemporaryDir m_tmp;

    Run capture(const QStringList &extra)
    {
        const QStringList args
            = QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"),
                  QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()),
                  QStringLiteral("--identity"), m_sshd.userKey(), QStringLiteral("--known-hosts"),
                  m_sshd.knownHosts(), QStringLiteral("--ssh-config"), QStringLiteral("none"),
                  QStringLiteral("--events"), QStringLiteral("jsonl")}
            + extra;
        QProcess p;
        p.start(QStringLiteral(LBSCOPE_CLI), args);
        Run r;
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished(5000);
            return r;
        }
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        for (const QByteArray &line : r.out.split('\n')) {
            if (line.isEmpty())
                continue;
            QJsonParseError e {};
            const QJsonDocument doc = QJsonDocument::fromJson(line, &e);
            if (e.error != QJsonParseError::NoError || !doc.isObject()) {
                if (r.badLine.isEmpty())
                    r.badLine = QString::fromUtf8(line);
                continue;
            }
            r.events << doc.object();
        }
        return r;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(QFile::exists(QStringLiteral(LBSCOPE_CLI)));
        QString why;
        if (!m_sshd.start(&why))
            QFAIL(qPrintable(why));
    }

    void captureEmitsJsonLines()
    {
        const QString out = m_tmp.path() + QStringLiteral("/ok");
        const Run r
            = capture({QStringLiteral("--iface"), QStringLiteral("lo"), QStringLiteral("--remote-dir"),
                m_tmp.path() + QStringLiteral("/remote-ok"), QStringLiteral("--ring"), QStringLiteral("20x2"),
                QStringLiteral("--duration"), QStringLiteral("3s"), QStringLiteral("--out"), out});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.badLine.isEmpty(), qPrintable(QStringLiteral("not JSON: ") + r.badLine));
        QVERIFY(!r.events.isEmpty());
        QStringList states;
        int samples = 0;
        QList<QJsonObject> verified;
        QStringList finalFiles; // ring files that reached their final size
        for (const auto &e : r.events) {
            const QString kind = e.value(QStringLiteral("event")).toString();
            if (kind == QStringLiteral("state"))
                states << e.value(QStringLiteral("state")).toString();
            else if (kind == QStringLiteral("sample")) {
                ++samples;
                QVERIFY(e.contains(QStringLiteral("elapsed_s")) && e.contains(QStringLiteral("bytes"))
                    && e.contains(QStringLiteral("bytes_per_s")) && e.contains(QStringLiteral("files"))
                    && e.contains(QStringLiteral("alive")) && e.contains(QStringLiteral("captured"))
                    && e.contains(QStringLiteral("dropped_kernel")));
            } else if (kind == QStringLiteral("verified"))
                verified << e;
            else if (kind == QStringLiteral("file") && e.value(QStringLiteral("final")).toBool())
                finalFiles << e.value(QStringLiteral("name")).toString();
        }
        QCOMPARE(states.join(u','),
            QStringLiteral("connecting,checking,starting,capturing,stopping,downloading,verified"));
        QVERIFY(samples >= 1);
        QVERIFY(!finalFiles.isEmpty());
        for (const auto &v : verified)
            QVERIFY2(finalFiles.contains(v.value(QStringLiteral("name")).toString()),
                qPrintable(finalFiles.join(QLatin1Char(' '))));
        QVERIFY(!verified.isEmpty());
        const QStringList pcaps = QDir(out).entryList({QStringLiteral("*.pcap*")}, QDir::Files);
        QCOMPARE(verified.size(), pcaps.size());
        for (const auto &v : verified) {
            const QString local = out + QLatin1Char('/') + v.value(QStringLiteral("name")).toString();
            QVERIFY2(QFile::exists(local), qPrintable(local));
            QCOMPARE(v.value(QStringLiteral("sha256")).toString().toLatin1(), fileSha(local));
            QCOMPARE(
                static_cast<qint64>(v.value(QStringLiteral("size")).toDouble()), QFileInfo(local).size());
        }
        const QJsonObject last = r.events.last();
        QCOMPARE(last.value(QStringLiteral("event")).toString(), QStringLiteral("done"));
        QCOMPARE(last.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(last.value(QStringLiteral("out")).toString(), out);
        QVERIFY2(r.err.contains("preflight ok"), r.err.constData()); // prose stays on stderr
    }

    void failingCaptureEndsWithDoneNotOk()
    {
        const Run r = capture(
            {QStringLiteral("--iface"), QStringLiteral("lbsnosuch0"), QStringLiteral("--remote-dir"),
                m_tmp.path() + QStringLiteral("/remote-bad"), QStringLiteral("--duration"),
                QStringLiteral("3s"), QStringLiteral("--out"), m_tmp.path() + QStringLiteral("/bad")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.badLine.isEmpty(), qPrintable(QStringLiteral("not JSON: ") + r.badLine));
        QVERIFY(!r.events.isEmpty());
        bool sawError = false;
        for (const auto &e : r.events)
            sawError = sawError
                || (e.value(QStringLiteral("event")).toString() == QStringLiteral("error")
                    && e.value(QStringLiteral("text"))
                           .toString()
                           .contains(QStringLiteral("interface lbsnosuch0 does not exist")));
        QVERIFY2(sawError, r.out.constData());
        const QJsonObject last = r.events.last();
        QCOMPARE(last.value(QStringLiteral("event")).toString(), QStringLiteral("done"));
        QCOMPARE(last.value(QStringLiteral("ok")).toBool(), false);
        QVERIFY2(r.err.contains("interface lbsnosuch0 does not exist"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliEvents)
#include "tst_clievents.moc"
