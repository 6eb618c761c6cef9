// The capture record (manifest.json, .lbscope-session.json): one schema read and written in
// core/pcap. What it writes is byte for byte what lbscope wrote before this writer (the Qt JSON
// writer's layout), reads back the same, and early manifests' spellings still read.
#include "core/pcap/capturerecord.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using namespace lbs::pcap;
using lbs::ErrorKind;

Q_DECLARE_METATYPE(lbs::pcap::CaptureRecord)

namespace {

// Written by the previous writer (QJsonDocument::Indented) for fullRecord() and emptyRecord().
const char *const kFullWritten = R"json({
    "context": "lab-cert",
    "debug_pod": "lbscope/lbscope-lab-node-1-abcde",
    "endpoint": "root@198.51.100.11:22",
    "files": [
        {
            "first_ts": 1700000000.1234567,
            "last_ts": 1700000010.5,
            "name": "x.pcap0",
            "packets": 10,
            "remote_path": "/var/tmp/lbscope/x.pcap0",
            "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "size": 1234,
            "truncated": true
        },
        {
            "first_ts": 1700000010.75,
            "last_ts": 1700000020,
            "name": "x.pcap1",
            "packets": 100000000,
            "remote_path": "/var/tmp/lbscope/x.pcap1",
            "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "size": 3000000000,
            "truncated": false
        }
    ],
    "filter": "host 203.0.113.10 and \"quoted\"",
    "format": "lbscope-capture-1",
    "interface": "eth1",
    "node": "lab-node-1",
    "pid": 4242,
    "pid_file": "/var/tmp/lbscope/x.pid",
    "remote_base": "/var/tmp/lbscope/x.pcap",
    "remote_command": [
        "tcpdump",
        "-i",
        "eth1",
        "-w",
        "/var/tmp/lbscope/x.pcap"
    ],
    "remote_dir": "/var/tmp/lbscope",
    "ring_count": 5,
    "ring_size_mb": 100,
    "service": "default/web",
    "snaplen": 262144,
    "start_time": "2026-11-27T03:00:00.000Z",
    "state": "downloaded",
    "stderr_file": "/var/tmp/lbscope/x.err",
    "stop_time": "2026-11-27T03:01:00.000Z",
    "tcpdump_stats": {
        "captured": 10,
        "dropped_by_interface": null,
        "dropped_by_kernel": 1,
        "received_by_filter": 12
    },
    "tcpdump_version": "4.99.3",
    "transport": "ssh",
    "vip": "203.0.113.10",
    "warnings": [
        "tcpdump reported 1 packets dropped by kernel"
    ]
}
)json";
const char *const kEmptyWritten = R"json({
    "context": "",
    "endpoint": "",
    "files": [
    ],
    "filter": "",
    "format": "lbscope-capture-1",
    "interface": "",
    "node": "n1",
    "pid": 0,
    "pid_file": "",
    "remote_base": "",
    "remote_command": [
    ],
    "remote_dir": "",
    "ring_count": 0,
    "ring_size_mb": 0,
    "service": "",
    "snaplen": 0,
    "start_time": "",
    "state": "planned",
    "stderr_file": "",
    "stop_time": "",
    "tcpdump_stats": {
        "captured": null,
        "dropped_by_interface": null,
        "dropped_by_kernel": null,
        "received_by_filter": null
    },
    "tcpdump_version": "",
    "transport": "kube",
    "vip": "",
    "warnings": [
    ]
}
)json";

CaptureRecord fullRecord()
{
    CaptureRecord r;
    r.state = "downloaded";
    r.transport = "ssh";
    r.context = "lab-cert";
    r.service = "default/web";
    r.vip = "203.0.113.10";
    r.node = "lab-node-1";
    r.endpoint = "root@198.51.100.11:22";
    r.iface = "eth1";
    r.filter = "host 203.0.113.10 and \"quoted\"";
    r.remoteCommand = {"tcpdump", "-i", "eth1", "-w", "/var/tmp/lbscope/x.pcap"};
    r.remoteDir = "/var/tmp/lbscope";
    r.remoteBase = "/var/tmp/lbscope/x.pcap";
    r.pidFile = "/var/tmp/lbscope/x.pid";
    r.stderrFile = "/var/tmp/lbscope/x.err";
    r.pid = 4242;
    r.debugPod = "lbscope/lbscope-lab-node-1-abcde";
    r.ringCount = 5;
    r.ringSizeMb = 100;
    r.snaplen = 262144;
    r.tcpdumpVersion = "4.99.3";
    r.startTime = "2026-11-27T03:00:00.000Z";
    r.stopTime = "2026-11-27T03:01:00.000Z";
    r.stats.captured = 10;
    r.stats.receivedByFilter = 12;
    r.stats.droppedByKernel = 1;
    ManifestFile f;
    f.name = "x.pcap0";
    f.size = 1234;
    f.sha256 = std::string(64, 'a');
    f.firstTs = 1700000000.123456789;
    f.lastTs = 1700000010.5;
    f.packets = 10;
    f.remotePath = "/var/tmp/lbscope/x.pcap0";
    f.truncated = true;
    r.files.push_back(f);
    f.name = "x.pcap1";
    f.size = 3000000000ull; // over 32 bits
    f.firstTs = 1700000010.75;
    f.lastTs = 1700000020;
    f.packets = 100000000;
    f.truncated = false;
    f.remotePath = "/var/tmp/lbscope/x.pcap1";
    r.files.push_back(f);
    r.warnings = {"tcpdump reported 1 packets dropped by kernel"};
    return r;
}

CaptureRecord emptyRecord()
{
    CaptureRecord r;
    r.transport = "kube";
    r.node = "n1";
    return r;
}

void compareRecords(const CaptureRecord &a, const CaptureRecord &b)
{
    QCOMPARE(a.state, b.state);
    QCOMPARE(a.transport, b.transport);
    QCOMPARE(a.context, b.context);
    QCOMPARE(a.service, b.service);
    QCOMPARE(a.vip, b.vip);
    QCOMPARE(a.node, b.node);
    QCOMPARE(a.endpoint, b.endpoint);
    QCOMPARE(a.debugPod, b.debugPod);
    QCOMPARE(a.iface, b.iface);
    QCOMPARE(a.filter, b.filter);
    QVERIFY(a.remoteCommand == b.remoteCommand);
    QCOMPARE(a.remoteDir, b.remoteDir);
    QCOMPARE(a.remoteBase, b.remoteBase);
    QCOMPARE(a.pidFile, b.pidFile);
    QCOMPARE(a.stderrFile, b.stderrFile);
    QCOMPARE(a.pid, b.pid);
    QCOMPARE(a.ringCount, b.ringCount);
    QCOMPARE(a.ringSizeMb, b.ringSizeMb);
    QCOMPARE(a.snaplen, b.snaplen);
    QCOMPARE(a.tcpdumpVersion, b.tcpdumpVersion);
    QCOMPARE(a.startTime, b.startTime);
    QCOMPARE(a.stopTime, b.stopTime);
    QCOMPARE(a.stats.captured, b.stats.captured);
    QCOMPARE(a.stats.receivedByFilter, b.stats.receivedByFilter);
    QCOMPARE(a.stats.droppedByKernel, b.stats.droppedByKernel);
    QCOMPARE(a.stats.droppedByInterface, b.stats.droppedByInterface);
    QCOMPARE(a.files.size(), b.files.size());
    for (size_t i = 0; i < a.files.size(); ++i) {
        QCOMPARE(a.files[i].name, b.files[i].name);
        QCOMPARE(a.files[i].remotePath, b.files[i].remotePath);
        QCOMPARE(a.files[i].size, b.files[i].size);
        QCOMPARE(a.files[i].sha256, b.files[i].sha256);
        QCOMPARE(a.files[i].firstTs, b.files[i].firstTs); // exactly: no precision lost
        QCOMPARE(a.files[i].lastTs, b.files[i].lastTs);
        QCOMPARE(a.files[i].packets, b.files[i].packets);
        QCOMPARE(a.files[i].truncated, b.files[i].truncated);
    }
    QVERIFY(a.warnings == b.warnings);
    QCOMPARE(a.conntrack.has_value(), b.conntrack.has_value());
    if (a.conntrack) {
        QCOMPARE(a.conntrack->method, b.conntrack->method);
        QCOMPARE(a.conntrack->note, b.conntrack->note);
        QCOMPARE(a.conntrack->name, b.conntrack->name);
        QCOMPARE(a.conntrack->remotePath, b.conntrack->remotePath);
        QCOMPARE(a.conntrack->size, b.conntrack->size);
        QCOMPARE(a.conntrack->sha256, b.conntrack->sha256);
        QVERIFY(a.conntrack->remoteCommand == b.conntrack->remoteCommand);
        QCOMPARE(a.conntrack->pidFile, b.conntrack->pidFile);
        QCOMPARE(a.conntrack->stderrFile, b.conntrack->stderrFile);
        QCOMPARE(a.conntrack->pid, b.conntrack->pid);
    }
}

} // namespace

class TestCaptureRecord : public QObject {
    Q_OBJECT
private slots:
    void writesWhatEarlierVersionsWrote_data();
    void writesWhatEarlierVersionsWrote();
    void roundTrip_data();
    void roundTrip();
    void readsEarlySpellings();
    void rejects_data();
    void rejects();
    void missingFileIsNotFound();
    void unwritableDirectoryIsIo();
};

void TestCaptureRecord::writesWhatEarlierVersionsWrote_data()
{
    QTest::addColumn<CaptureRecord>("record");
    QTest::addColumn<QByteArray>("written");
    QTest::newRow("full") << fullRecord() << QByteArray(kFullWritten);
    QTest::newRow("empty") << emptyRecord() << QByteArray(kEmptyWritten);
}

void TestCaptureRecord::writesWhatEarlierVersionsWrote()
{
    QFETCH(CaptureRecord, record);
    QFETCH(QByteArray, written);
    QCOMPARE(QByteArray::fromStdString(captureRecordJson(record)), written);
    auto read = parseCaptureRecord(written.toStdString(), "manifest.json");
    QVERIFY2(read, read ? "" : read.error().toString().c_str());
    compareRecords(*read, record);
}

void TestCaptureRecord::roundTrip_data()
{
    QTest::addColumn<CaptureRecord>("record");
    QTest::newRow("full") << fullRecord();
    QTest::newRow("empty") << emptyRecord();
    CaptureRecord text = fullRecord();
    text.filter = "tcp port 80 and 'x' \\ \"y\"\n\t";
    text.node = "nœud-1 ✓";
    text.warnings = {};
    text.remoteCommand = {};
    QTest::newRow("escapes and UTF-8") << text;
    CaptureRecord times = fullRecord();
    times.files[0].firstTs = 1767225600.000000001; // nanoseconds (as far as a double holds them)
    times.files[0].lastTs = 0.5;
    times.files[1].firstTs = 1e-7;
    times.files[1].lastTs = 4102444800.999999999;
    times.stats.droppedByInterface = 0;
    times.stats.captured.reset();
    times.pid = -1;
    QTest::newRow("times and counters") << times;
    CaptureRecord ct = fullRecord();
    ConntrackRecord rec;
    rec.method = "nf_conntrack-snapshots";
    rec.note = "conntrack is not installed on the node; reading /proc/net/nf_conntrack every second instead";
    rec.name = "cap.pcap.conntrack.txt";
    rec.remotePath = "/var/tmp/lbscope/cap.pcap.conntrack.txt";
    rec.size = 4096;
    rec.sha256 = std::string(64, 'a');
    rec.remoteCommand = {"awk", "BEGIN {\n\tprint \"x\"\n}", "203.0.113.10", rec.remotePath, "1"};
    rec.pidFile = "/var/tmp/lbscope/cap.pcap.conntrack.pid";
    rec.stderrFile = "/var/tmp/lbscope/cap.pcap.conntrack.stderr";
    rec.pid = 4242;
    ct.conntrack = rec;
    QTest::newRow("conntrack record") << ct;
    ct.conntrack = ConntrackRecord {};
    ct.conntrack->method = "none";
    QTest::newRow("conntrack: none") << ct;
}

void TestCaptureRecord::roundTrip()
{
    QFETCH(CaptureRecord, record);
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/" + kManifestName;
    QVERIFY(writeCaptureRecord(path, record));
    auto back = readCaptureRecord(path);
    QVERIFY2(back, back ? "" : back.error().toString().c_str());
    compareRecords(*back, record);
    // Written again it is the same bytes.
    QCOMPARE(captureRecordJson(*back), captureRecordJson(record));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
        QStringList {QString::fromLatin1(kManifestName)});
}

void TestCaptureRecord::readsEarlySpellings()
{
    const char *early = R"({"VIP": "192.0.2.10", "iface": "ens3", "bpf_filter": "port 80", "start": "a",
        "stop": "b", "tcpdump": {"captured": 7, "dropped_by_kernel": 2},
        "files": ["x.pcap0", {"path": "x.pcap1", "size": 10}, {"size": 3}, {"name": ""}]})";
    auto r = parseCaptureRecord(early, "manifest.json");
    QVERIFY2(r, r ? "" : r.error().toString().c_str());
    QCOMPARE(r->vip, std::string("192.0.2.10"));
    QCOMPARE(r->iface, std::string("ens3"));
    QCOMPARE(r->filter, std::string("port 80"));
    QCOMPARE(r->startTime, std::string("a"));
    QCOMPARE(r->stopTime, std::string("b"));
    QCOMPARE(r->stats.captured, std::optional<uint64_t>(7));
    QCOMPARE(r->stats.droppedByKernel, std::optional<uint64_t>(2));
    QVERIFY(!r->stats.receivedByFilter);
    QCOMPARE(r->files.size(), size_t(2)); // entries without a name are left out
    QCOMPARE(r->files[0].name, std::string("x.pcap0"));
    QCOMPARE(r->files[1].name, std::string("x.pcap1"));
    QCOMPARE(r->files[1].size, uint64_t(10));
    // Wrong types read as absent, not as errors.
    auto odd = parseCaptureRecord(R"({"pid": "12", "ring_count": 1e12, "files": {"a": 1},
        "tcpdump_stats": {"captured": -4}, "warnings": [1, "w"]})",
        "x");
    QVERIFY(odd);
    QCOMPARE(odd->pid, int64_t(0));
    QCOMPARE(odd->ringCount, 0);
    QVERIFY(odd->files.empty());
    QVERIFY(!odd->stats.captured);
    QCOMPARE(odd->warnings, (std::vector<std::string> {"", "w"}));
    // Invalid UTF-8 reads as U+FFFD, as the writer writes it: read, written and read again it is the same.
    auto bytes = parseCaptureRecord("{\"node\": \"n\x90"
                                    "de\", \"remote_command\": [\"tc\xc3\"]}",
        "x");
    QVERIFY(bytes);
    QCOMPARE(bytes->node,
        std::string("n\xef\xbf\xbd"
                    "de"));
    QCOMPARE(bytes->remoteCommand, std::vector<std::string> {"tc\xef\xbf\xbd"});
    auto again = parseCaptureRecord(captureRecordJson(*bytes), "x");
    QVERIFY(again);
    QCOMPARE(again->node, bytes->node);
    QVERIFY(again->remoteCommand == bytes->remoteCommand);
}

void TestCaptureRecord::rejects_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not JSON") << QByteArray("state: running");
    QTest::newRow("cut short") << QByteArray(kFullWritten).left(200);
    QTest::newRow("an array") << QByteArray("[{\"state\": \"running\"}]");
    QTest::newRow("a string") << QByteArray("\"manifest\"");
}

void TestCaptureRecord::rejects()
{
    QFETCH(QByteArray, text);
    QTemporaryDir dir;
    const QString path = dir.filePath(QString::fromLatin1(kSessionStateName));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
    f.close();
    auto r = readCaptureRecord(path.toStdString());
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::BadInput);
    QCOMPARE(r.error().where, path.toStdString());
}

void TestCaptureRecord::missingFileIsNotFound()
{
    QTemporaryDir dir;
    auto r = readCaptureRecord(dir.filePath(QStringLiteral("nothing.json")).toStdString());
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::NotFound);
}

void TestCaptureRecord::unwritableDirectoryIsIo()
{
    QTemporaryDir dir;
    const std::string missingDir = dir.path().toStdString() + "/no/such/dir/manifest.json";
    auto w = writeCaptureRecord(missingDir, fullRecord());
    QVERIFY(!w);
    QCOMPARE(w.error().kind, ErrorKind::Io);
    QVERIFY2(
        w.error().message.find("No such file or directory") != std::string::npos, w.error().message.c_str());
}

QTEST_GUILESS_MAIN(TestCaptureRecord)
#include "tst_capturerecord.moc"
