// Unit tests for core/capture's pure parts: shell quoting (proved with a real /bin/sh), plan
// validation, tcpdump stderr counters, rotation file sets. The capture record: tests/unit/pcap.
#include "core/capture/captureevents.h"
#include "core/capture/captureplan.h"
#include "core/capture/remotehost.h"
#include "core/capture/rotationset.h"
#include "core/capture/tcpdumpstats.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace lbs::capture;

class TestCaptureParsing : public QObject {
    Q_OBJECT

private slots:
    void shellQuoteHostile_data()
    {
        QTest::addColumn<QByteArray>("word");
        QTest::newRow("plain") << QByteArray("eth0");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("single quote") << QByteArray("it's");
        QTest::newRow("only quotes") << QByteArray("''''");
        QTest::newRow("double quote") << QByteArray("say \"hi\"");
        QTest::newRow("semicolon") << QByteArray("x; touch /tmp/pwned");
        QTest::newRow("command subst") << QByteArray("$(touch /tmp/pwned)");
        QTest::newRow("backticks") << QByteArray("`touch /tmp/pwned`");
        QTest::newRow("newline") << QByteArray("a\ntouch /tmp/pwned");
        QTest::newRow("variables") << QByteArray("$HOME ${PATH} $1 $@ $$");
        QTest::newRow("glob") << QByteArray("* ? [a-z] ~");
        QTest::newRow("redirects") << QByteArray("> /tmp/x < /etc/passwd | cat & bg");
        QTest::newRow("backslashes") << QByteArray("\\' \\\\ \\n");
        QTest::newRow("leading dash") << QByteArray("-rf");
        QTest::newRow("utf8") << QByteArray("h\xc3\xa9llo \xe2\x9c\x93");
        QTest::newRow("quote mix") << QByteArray("'\"'\"`$()'");
    }
    // The quoted word, given to a real sh, comes back byte for byte and runs nothing.
    void shellQuoteHostile()
    {
        QFETCH(QByteArray, word);
        QTemporaryDir dir;
        auto q = shellQuote(word.toStdString());
        QVERIFY(q);
        QProcess sh;
        sh.setWorkingDirectory(dir.path());
        sh.start(QStringLiteral("/bin/sh"),
            {QStringLiteral("-c"), QString::fromStdString("printf '%s' " + q.value())});
        QVERIFY(sh.waitForFinished(5000));
        QCOMPARE(sh.exitCode(), 0);
        QCOMPARE(sh.readAllStandardOutput(), word);
        QVERIFY(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    }

    void shellJoinKeepsArgvBoundaries()
    {
        const std::vector<std::string> argv {"printf", "[%s]", "a b", "c'd", "", "$(id)"};
        auto line = shellJoin(argv);
        QVERIFY(line);
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QString::fromStdString(line.value())});
        QVERIFY(sh.waitForFinished(5000));
        QCOMPARE(sh.readAllStandardOutput(), QByteArray("[a b][c'd][][$(id)]"));
    }

    void shellQuoteRefusesNul()
    {
        auto q = shellQuote(std::string("a\0b", 3));
        QVERIFY(!q);
        QVERIFY(q.error().message.find("NUL") != std::string::npos);
        QVERIFY(!shellJoin({"echo", std::string("x\0", 2)}));
    }

    void interfaceNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("ok");
        QTest::newRow("eth1") << "eth1" << true;
        QTest::newRow("cali") << "cali1a2b3c4d5e6" << true;
        QTest::newRow("vlan") << "eth0.100" << true;
        QTest::newRow("at") << "veth0@if3" << true;
        QTest::newRow("any") << "any" << true;
        QTest::newRow("16 chars") << "abcdefghijklmnop" << false;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("space") << "eth 1" << false;
        QTest::newRow("semicolon") << "eth1;id" << false;
        QTest::newRow("subst") << "$(id)" << false;
        QTest::newRow("backtick") << "`id`" << false;
        QTest::newRow("quote") << "eth'1" << false;
        QTest::newRow("newline") << "eth1\nid" << false;
        QTest::newRow("option") << "-w" << false;
        QTest::newRow("slash") << "../x" << false;
    }
    void interfaceNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, ok);
        QCOMPARE(isValidInterfaceName(name.toStdString()), ok);
        CapturePlan p;
        p.iface = name.toStdString();
        p.name = "x.pcap";
        QCOMPARE(validate(p).ok(), ok);
    }

    void planValidation_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("ok");
        QTest::newRow("filter with quotes is literal") << "filter"
                                                       << "host 192.0.2.1 and port 80 and \"x\"" << true;
        QTest::newRow("filter subst is literal") << "filter"
                                                 << "$(touch /tmp/pwned)" << true;
        QTest::newRow("filter newline refused") << "filter"
                                                << "port 80\ntouch /tmp/pwned" << false;
        QTest::newRow("filter tab refused") << "filter"
                                            << "port\t80" << false;
        QTest::newRow("name ok") << "name"
                                 << "lbscope-node1-20260101T000000Z.pcap" << true;
        QTest::newRow("name slash") << "name"
                                    << "../../etc/x" << false;
        QTest::newRow("name subst") << "name"
                                    << "$(id).pcap" << false;
        QTest::newRow("name dash") << "name"
                                   << "-rf" << false;
        QTest::newRow("dir ok") << "dir"
                                << "/var/tmp/lbscope" << true;
        QTest::newRow("dir relative") << "dir"
                                      << "tmp" << false;
        QTest::newRow("dir dotdot") << "dir"
                                    << "/var/../etc" << false;
        QTest::newRow("dir space") << "dir"
                                   << "/var/tmp/a b" << false;
        QTest::newRow("tcpdump semicolon") << "tcpdump"
                                           << "tcpdump;id" << false;
    }
    void planValidation()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(bool, ok);
        CapturePlan p;
        p.iface = "eth1";
        p.name = "x.pcap";
        const std::string v = value.toStdString();
        if (field == QLatin1String("filter"))
            p.filter = v;
        else if (field == QLatin1String("name"))
            p.name = v;
        else if (field == QLatin1String("dir"))
            p.remoteDir = v;
        else
            p.tcpdump = v;
        const auto st = validate(p);
        QVERIFY2(st.ok() == ok, st.ok() ? "accepted" : st.error().toString().c_str());
    }

    void tcpdumpArgvKeepsFilterOneElement()
    {
        CapturePlan p;
        p.iface = "eth1";
        p.name = "cap.pcap";
        p.filter = "-r /etc/shadow or $(id)";
        p.ringSizeMb = 10;
        p.ringCount = 3;
        p.snaplen = 256;
        const auto a = tcpdumpArgv(p);
        const std::vector<std::string> expect {"tcpdump", "-i", "eth1", "-nn", "-s", "256", "-B", "8192",
            "-Z", "root", "-U", "-C", "10", "-W", "3", "-w", "/var/tmp/lbscope/cap.pcap", "--",
            "-r /etc/shadow or $(id)"};
        QVERIFY(a == expect);
    }

    void ringAndDuration_data()
    {
        QTest::addColumn<QString>("ring");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("count");
        QTest::newRow("100x5") << "100x5" << 100 << 5;
        QTest::newRow("1X1") << "1X1" << 1 << 1;
        QTest::newRow("bad") << "100" << -1 << -1;
        QTest::newRow("zero") << "0x5" << -1 << -1;
        QTest::newRow("junk") << "10x5z" << -1 << -1;
    }
    void ringAndDuration()
    {
        QFETCH(QString, ring);
        QFETCH(int, size);
        QFETCH(int, count);
        auto r = parseRing(ring.toStdString());
        QCOMPARE(r.ok(), size > 0);
        if (r) {
            QCOMPARE(r->first, size);
            QCOMPARE(r->second, count);
        }
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("seconds");
        QTest::newRow("plain") << "90" << 90.0;
        QTest::newRow("s") << "30s" << 30.0;
        QTest::newRow("m") << "5m" << 300.0;
        QTest::newRow("h30m") << "1h30m" << 5400.0;
        QTest::newRow("bad unit") << "5d" << -1.0;
        QTest::newRow("empty") << "" << -1.0;
        QTest::newRow("negative") << "-5" << -1.0;
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(double, seconds);
        auto r = parseDuration(text.toStdString());
        QCOMPARE(r.ok(), seconds >= 0);
        if (r)
            QCOMPARE(r.value(), seconds);
    }

    void tcpdumpStats_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("captured");
        QTest::addColumn<qint64>("received");
        QTest::addColumn<qint64>("kernel");
        QTest::addColumn<qint64>("iface");
        QTest::newRow("4.99 linux")
            << "tcpdump: listening on eth1, link-type EN10MB (Ethernet), snapshot length 262144 "
               "bytes\n1234 packets captured\n1300 packets received by filter\n0 packets "
               "dropped by kernel\n"
            << 1234ll << 1300ll << 0ll << 0ll;
        QTest::newRow("dropped by interface")
            << "tcpdump: listening on any, link-type LINUX_SLL2\n^C99 packets captured\n120 packets received "
               "by "
               "filter\n7 packets dropped by kernel\n3 packets dropped by interface\n"
            << 99ll << 120ll << 7ll << 3ll;
        QTest::newRow("singular")
            << "1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\n"
            << 1ll << 1ll << 0ll << 0ll;
        QTest::newRow("crlf and spaces")
            << "  5 packets captured\r\n  6 packets received by filter\r\n  1 packets "
               "dropped by kernel\r\n"
            << 5ll << 6ll << 1ll << 0ll;
        QTest::newRow("two runs, last wins")
            << "1 packets captured\n2 packets received by filter\n0 packets dropped by kernel\n"
               "tcpdump: listening on lo\n10 packets captured\n20 packets received by filter\n2 packets "
               "dropped by "
               "kernel\n"
            << 10ll << 20ll << 2ll << 0ll;
        QTest::newRow("SIGUSR1 report while running")
            << "tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n"
               "tcpdump: 41 packets captured, 45 packets received by filter, 4 packets dropped by kernel\n"
            << 41ll << 45ll << 4ll << 0ll;
        QTest::newRow("newest SIGUSR1 report wins")
            << "tcpdump: 1 packet captured, 1 packet received by filter, 0 packets dropped by kernel\n"
               "tcpdump: 7 packets captured, 9 packets received by filter, 2 packets dropped by kernel, "
               "5 packets dropped by interface\n"
            << 7ll << 9ll << 2ll << 5ll;
        QTest::newRow("exit report after SIGUSR1 reports wins")
            << "tcpdump: 3 packets captured, 3 packets received by filter, 0 packets dropped by kernel\n"
               "8 packets captured\n10 packets received by filter\n1 packet dropped by kernel\n"
            << 8ll << 10ll << 1ll << 0ll;
        QTest::newRow("look-alike one line")
            << "warning: 3 packets captured by magic, 4 apples received by filter\n"
            << -1ll << -1ll << -1ll << -1ll;
        QTest::newRow("killed: none") << "tcpdump: listening on eth0, link-type EN10MB\n"
                                      << -1ll << -1ll << -1ll << -1ll;
        QTest::newRow("look-alike lines") << "12 packets captured by magic\nwarning: 3 packets\n"
                                          << -1ll << -1ll << -1ll << -1ll;
    }
    void tcpdumpStats()
    {
        QFETCH(QString, text);
        QFETCH(qint64, captured);
        QFETCH(qint64, received);
        QFETCH(qint64, kernel);
        QFETCH(qint64, iface);
        const auto s = parseTcpdumpStats(text.toStdString());
        auto val = [](const std::optional<uint64_t> &v) { return v ? static_cast<qint64>(*v) : -1ll; };
        QCOMPARE(val(s.captured), captured);
        QCOMPARE(val(s.receivedByFilter), received);
        QCOMPARE(val(s.droppedByKernel), kernel);
        QCOMPARE(val(s.droppedByInterface), iface);
    }

    void tcpdumpVersion()
    {
        QCOMPARE(parseTcpdumpVersion("tcpdump version 4.99.3\nlibpcap version 1.10.3 (with TPACKET_V3)\n"),
            std::string("4.99.3"));
        QCOMPARE(parseTcpdumpVersion("sh: tcpdump: not found"), std::string());
    }

    void suffixWidth_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("width");
        QTest::newRow("1") << 1 << 0;
        QTest::newRow("5") << 5 << 1;
        QTest::newRow("10") << 10 << 1;
        QTest::newRow("11") << 11 << 2;
        QTest::newRow("100") << 100 << 2;
        QTest::newRow("101") << 101 << 3;
    }
    void suffixWidth()
    {
        QFETCH(int, count);
        QFETCH(int, width);
        QCOMPARE(rotationSuffixWidth(count), width);
    }

    void rotationListing()
    {
        const std::string base = "/var/tmp/lbscope/cap.pcap";
        const std::string out = "/var/tmp/lbscope/cap.pcap2 1000 1700000030\n"
                                "/var/tmp/lbscope/cap.pcap0 5000 1700000040\n" // wrapped: newest
                                "/var/tmp/lbscope/cap.pcap1 5000 1700000020\n"
                                "/var/tmp/lbscope/cap.pcap.pid 6 1700000000\n"
                                "/var/tmp/lbscope/cap.pcap.stderr 80 1700000000\n"
                                "/var/tmp/lbscope/cap.pcap12 1 1700000000\n"
                                "/var/tmp/lbscope/other.pcap0 1 1700000000\n"
                                "garbage line\n"
                                "/var/tmp/lbscope/cap.pcap3 notanumber 1\n";
        const auto files = parseRotationListing(out, base, 5);
        QCOMPARE(files.size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(files[0].path), QStringLiteral("/var/tmp/lbscope/cap.pcap1"));
        QCOMPARE(QString::fromStdString(files[1].path), QStringLiteral("/var/tmp/lbscope/cap.pcap2"));
        QCOMPARE(QString::fromStdString(files[2].path), QStringLiteral("/var/tmp/lbscope/cap.pcap0"));
        QCOMPARE(files[2].size, uint64_t(5000));
        QCOMPARE(files[2].index, 0);
        // -W 1: the single file has no suffix
        const auto one = parseRotationListing(out + base + " 77 1700000050\n", base, 1);
        QCOMPARE(one.size(), std::size_t(1));
        QCOMPARE(one[0].size, uint64_t(77));
        // -W 11: two-digit suffixes
        QVERIFY(isRotationFile(base + "07", base, 11));
        QVERIFY(!isRotationFile(base + "7", base, 11));
    }

    // --events jsonl: each event is one line holding one JSON object, its kind in "event".
    void eventLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("event");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QVariant>("value");
        MonitorSample sample;
        sample.elapsedSec = 2.5;
        sample.totalBytes = 5000000000ull;
        sample.bytesPerSec = 1.5e6;
        sample.alive = true;
        sample.files.resize(3);
        sample.counters.captured = 42;
        RemoteFile file {"/var/tmp/lbscope/x.pcap1", 1234, 0, 1};
        VerifiedFile verified;
        verified.name = "x.pcap1";
        verified.size = 1234;
        verified.sha256 = std::string(64, 'f');
        lbs::ProgressEvent progress {"download", 10, 20, {}, -1};
        const auto row = [](const char *name, const std::string &line, const char *event, const char *key,
                             const QVariant &value) {
            QTest::newRow(name) << QByteArray::fromStdString(line) << QString::fromLatin1(event)
                                << QString::fromLatin1(key) << value;
        };
        row("state", events::state(CaptureState::capturing, "on eth1\n", 1767225600.25), "state", "state",
            QStringLiteral("capturing"));
        row("state detail", events::state(CaptureState::capturing, "on \"eth1\"\n", 1.0), "state", "detail",
            QStringLiteral("on \"eth1\"\n"));
        row("state time", events::state(CaptureState::stopping, {}, 1767225600.25), "state", "t",
            1767225600.25);
        row("sample bytes", events::sample(sample), "sample", "bytes", 5000000000.0);
        row("sample files", events::sample(sample), "sample", "files", 3.0);
        row("sample captured", events::sample(sample), "sample", "captured", 42.0);
        row("sample drops unknown", events::sample(sample), "sample", "dropped_kernel", QVariant());
        row("ring file", events::ringFile(file, true), "file", "name", QStringLiteral("x.pcap1"));
        row("ring file final", events::ringFile(file, true), "file", "final", true);
        row("download", events::download("x.pcap1", progress), "download", "total", 20.0);
        row("verified", events::verified(verified), "verified", "sha256", QString(64, QLatin1Char('f')));
        row("warning", events::warning("disk ✓ low"), "warning", "text", QStringLiteral("disk ✓ low"));
        row("error", events::error("gone"), "error", "text", QStringLiteral("gone"));
        row("done", events::done("/tmp/out", false), "done", "ok", false);
    }
    void eventLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, event);
        QFETCH(QString, key);
        QFETCH(QVariant, value);
        QVERIFY2(!line.contains('\n'), line.constData());
        QJsonParseError e {};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &e);
        QVERIFY2(e.error == QJsonParseError::NoError && doc.isObject(), line.constData());
        const QJsonObject o = doc.object();
        QCOMPARE(o.value(QStringLiteral("event")).toString(), event);
        QVERIFY2(o.contains(key), line.constData());
        if (!value.isValid())
            QVERIFY2(o.value(key).isNull(), line.constData());
        else if (value.typeId() == QMetaType::Double)
            QCOMPARE(o.value(key).toDouble(), value.toDouble());
        else
            QCOMPARE(o.value(key).toVariant(), value);
    }
};

QTEST_GUILESS_MAIN(TestCaptureParsing)
#include "tst_captureparsing.moc"
