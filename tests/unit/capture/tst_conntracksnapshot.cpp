// The snapshot reader the capture runs on a node without the conntrack tool (one awk over
// /proc/net/nf_conntrack every second), run here on a recorded table that changes between reads: it
// writes the VIP's new entries only, each once, with the time of the read, in the format the
// analysis parses.
#include "core/analysis/conntrackevents.h"
#include "core/capture/conntrackrecorder.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace lbs::analysis;

namespace {

const char *const kVip = "203.0.113.10";

} // namespace

class TestConntrackSnapshot : public QObject {
    Q_OBJECT

private slots:
    void snapshotReader();
};

void TestConntrackSnapshot::snapshotReader()
{
    QTemporaryDir dir;
    const QString table = dir.filePath(QStringLiteral("nf_conntrack"));
    const QString out = dir.filePath(QStringLiteral("out.txt"));
    const auto entry = [](uint16_t cport, const char *dst, const char *pod, const char *state, int timeout) {
        return QStringLiteral("ipv4     2 tcp      6 %1 %2 src=203.0.113.100 dst=%3 sport=%4 dport=80 src=%5 "
                              "dst=198.51.100.11 sport=8080 dport=%4 [ASSURED] mark=0 zone=0 use=2\n")
            .arg(timeout)
            .arg(QLatin1String(state), QLatin1String(dst))
            .arg(cport)
            .arg(QLatin1String(pod))
            .toLatin1();
    };
    const auto writeTable = [&](const QByteArray &text) {
        QFile f(table + QStringLiteral(".new"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
        f.close();
        QFile::remove(table);
        QVERIFY(QFile::rename(table + QStringLiteral(".new"), table));
    };
    const auto linesOut = [&] {
        QFile f(out);
        return f.open(QIODevice::ReadOnly) ? f.readAll().count('\n') : -1;
    };
    // Read 1: A and B to the VIP, one to another address, and a line whose reply goes to the VIP.
    writeTable(entry(40001, kVip, "192.0.2.2", "SYN_SENT", 120)
        + entry(40002, kVip, "192.0.2.66", "ESTABLISHED", 300)
        + entry(40009, "203.0.113.99", "192.0.2.2", "ESTABLISHED", 300)
        + "ipv4 2 tcp 6 5 CLOSE src=192.0.2.2 dst=198.51.100.11 sport=1 dport=2 src=198.51.100.11 "
          "dst=203.0.113.10 "
          "sport=2 dport=1\n");
    const std::vector<std::string> argv
        = lbs::capture::conntrackSnapshotArgv(kVip, out.toStdString(), 1, table.toStdString());
    QStringList args;
    for (size_t i = 1; i < argv.size(); ++i)
        args << QString::fromStdString(argv[i]);
    QProcess awk;
    awk.start(QString::fromStdString(argv[0]), args);
    QVERIFY(awk.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(linesOut(), 2, 5000);
    // Read 2: A changed state and timeout (the same entry: not written again), B gone, C new.
    writeTable(entry(40001, kVip, "192.0.2.2", "ESTABLISHED", 431999)
        + entry(40003, kVip, "192.0.2.130", "SYN_SENT", 120));
    QTRY_COMPARE_WITH_TIMEOUT(linesOut(), 3, 5000);
    // Read 3: B's tuple back, DNATed to another pod this time: a new entry, written.
    writeTable(entry(40001, kVip, "192.0.2.2", "ESTABLISHED", 431998)
        + entry(40003, kVip, "192.0.2.130", "SYN_SENT", 119)
        + entry(40002, kVip, "192.0.2.130", "SYN_SENT", 120));
    QTRY_COMPARE_WITH_TIMEOUT(linesOut(), 4, 5000);
    QTest::qWait(1500); // another read with nothing new writes nothing
    awk.terminate();
    QVERIFY(awk.waitForFinished(5000));
    QCOMPARE(linesOut(), 4);

    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    const ConntrackLog log = parseConntrackLog(std::string_view(text.constData(), size_t(text.size())));
    QCOMPARE(log.skipped, uint64_t(0));
    QCOMPARE(log.events.size(), size_t(4));
    const char *const expected[][2] = {{"40001", "192.0.2.2:8080"}, {"40002", "192.0.2.66:8080"},
        {"40003", "192.0.2.130:8080"}, {"40002", "192.0.2.130:8080"}};
    const int64_t now = QDateTime::currentMSecsSinceEpoch() * 1'000'000LL;
    for (size_t i = 0; i < 4; ++i) {
        const ConntrackEvent &e = log.events[i];
        QVERIFY(e.snapshot);
        QCOMPARE(QString::number(e.origSrc.port), QLatin1String(expected[i][0]));
        QCOMPARE(QString::fromStdString(e.replySrc.toString()), QLatin1String(expected[i][1]));
        QCOMPARE(QString::fromStdString(e.origDst.toString()), QStringLiteral("203.0.113.10:80"));
        QVERIFY2(e.tsNs > now - 60'000'000'000LL && e.tsNs <= now, std::to_string(e.tsNs).c_str());
        if (i)
            QVERIFY(e.tsNs >= log.events[i - 1].tsNs);
    }
    QVERIFY(log.events[3].tsNs - log.events[0].tsNs >= 1'500'000'000LL); // two reads later, 1 s apart
}

QTEST_GUILESS_MAIN(TestConntrackSnapshot)
#include "tst_conntracksnapshot.moc"
