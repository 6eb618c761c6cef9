// lbscope-cli analyze end to end: exit codes with one-line reasons, --json to a file and to
// stdout, --flows-csv, --bucket, --filter, --explain, directories and rotated sets,
// --help/--version.
#include "core/analysis/findingexplanation.h"
#include "core/common/json.h"
#include "testframes.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace lbs::testing;

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void unusableInput_data();
    void unusableInput();
    void jsonToStdout();
    void jsonAndCsvFiles();
    void neverOverwritesCaptures_data();
    void neverOverwritesCaptures();
    void humanSummary();
    void explainFindings();
    void htmlReport_data();
    void htmlReport();
    void diskFull();
    void streams_data();
    void streams();
    void rotatedDirectoryAndTruncation();
    void helpAndVersion();
    void engineTrace();

private:
    struct Run {
        int code = -1;
        QByteArray out, err;
    };
    Run run(const QStringList &args, const QString &trace = {});
    QString file(const char *name) const { return m_dir.filePath(QString::fromUtf8(name)); }
    QTemporaryDir m_dir;
};

TestCli::Run TestCli::run(const QStringList &args, const QString &trace)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("LBSCOPE_TRACE"));
    if (!trace.isEmpty())
        env.insert(QStringLiteral("LBSCOPE_TRACE"), trace);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(LBSCOPE_CLI), args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

void TestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    std::vector<Frame> fr;
    TcpScript t(fr, "192.0.2.1", 40000, "198.51.100.1", 80);
    t.handshake(T(0), 1000000, 500000);
    t.c(T(0.1), ACK | PSH, "GET / HTTP/1.1\r\n\r\n");
    t.s(T(0.2), ACK | PSH, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    TcpScript f(fr, "192.0.2.1", 40001, "198.51.100.1", 80, 3000);
    f.cAt(T(0.5), SYN, 3000, "");
    f.cAt(T(1.5), SYN, 3000, "");
    writePcap(file("good.pcap").toStdString(), 1, fr);
    writeFile(file("garbage.pcap").toStdString(), "GET / HTTP/1.1\r\nthis is text, not a capture\r\n");
    writeFile(file("empty.pcap").toStdString(), "");
}

void TestCli::unusableInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("reason");
    const QString good = file("good.pcap");
    QTest::newRow("missing file") << QStringList {file("nope.pcap")}
                                  << QStringLiteral("no such capture file");
    QTest::newRow("garbage file") << QStringList {file("garbage.pcap")}
                                  << QStringLiteral("not a readable pcap");
    QTest::newRow("empty file") << QStringList {file("empty.pcap")} << QStringLiteral("empty");
    QTest::newRow("one bad among good")
        << QStringList {good, file("garbage.pcap")} << QStringLiteral("garbage.pcap");
    QTest::newRow("invalid filter") << QStringList {good, QStringLiteral("--filter"),
        QStringLiteral("tcp prot 80")}
                                    << QStringLiteral("invalid filter 'tcp prot 80'");
    QTest::newRow("no files") << QStringList {QStringLiteral("--json"), QStringLiteral("-")}
                              << QStringLiteral("no capture file given");
    QTest::newRow("bad bucket") << QStringList {good, QStringLiteral("--bucket"), QStringLiteral("0")}
                                << QStringLiteral("--bucket '0'");
    QTest::newRow("unknown option") << QStringList {good, QStringLiteral("--frobnicate")}
                                    << QStringLiteral("unknown option '--frobnicate'");
}

void TestCli::unusableInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, reason);
    const Run r = run(QStringList {QStringLiteral("analyze")} + args);
    QCOMPARE(r.code, 2);
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.contains(reason), qPrintable(err));
    QCOMPARE(err.count(QLatin1Char('\n')), 1); // exactly one line
    QVERIFY(err.startsWith(QLatin1String("lbscope-cli analyze: ")));
    QVERIFY(r.out.isEmpty());
}

void TestCli::jsonToStdout()
{
    const Run r = run({QStringLiteral("analyze"), file("good.pcap"), QStringLiteral("--json"),
        QStringLiteral("-"), QStringLiteral("--bucket"), QStringLiteral("0.5")});
    QCOMPARE(r.code, 0);
    auto doc = lbs::parseJson(r.out.toStdString());
    QVERIFY2(doc.ok(), r.out.constData());
    const auto &d = *doc;
    QCOMPARE(d["packets"].toInt(), int64_t(7));
    QCOMPARE(d["flows"].size(), size_t(2));
    QCOMPARE(d["flows"][size_t(0)]["handshake_rtt_us"].toDouble(), 1000.0);
    QCOMPARE(d["flows"][size_t(0)]["ack_rtt_us"].toDouble(), 500.0);
    QCOMPARE(d["flows"][size_t(0)]["requests"][size_t(0)]["ttfb_us"].toDouble(), 100000.0);
    QCOMPARE(d["flows"][size_t(1)]["outcome"].toString(), std::string("failed_handshake"));
    QCOMPARE(d["flows"][size_t(1)]["syn_count"].toInt(), int64_t(2));
    QCOMPARE(d["timeline"]["bucket_s"].toDouble(), 0.5);
    QCOMPARE(d["timeline"]["series"]["packets"].size(), size_t(4));
    bool failed = false;
    for (const auto &f : d["findings"].array())
        failed |= f["kind"].toString() == "failed_handshakes" && f["severity"].toString() == "error";
    QVERIFY(failed);
    // A filter narrows the analysis.
    const Run f = run({QStringLiteral("analyze"), file("good.pcap"),
        QStringLiteral("--filter=tcp port 40001"), QStringLiteral("--json"), QStringLiteral("-")});
    QCOMPARE(f.code, 0);
    auto fd = lbs::parseJson(f.out.toStdString());
    QVERIFY(fd.ok());
    QCOMPARE((*fd)["packets"].toInt(), int64_t(2));
    QCOMPARE((*fd)["filter"].toString(), std::string("tcp port 40001"));
}

void TestCli::neverOverwritesCaptures_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("victim");
    QTest::addColumn<QString>("reason");
    const QString a = file("keep-a.pcap"), b = file("keep-b.pcap");
    // What `analyze --json keep-*.pcap` becomes after the shell expands the pattern.
    QTest::newRow("pattern after --json") << QStringList {QStringLiteral("--json"), a, b} << a
                                          << QStringLiteral("refusing to overwrite capture file");
    QTest::newRow("an input as --flows-csv") << QStringList {a, QStringLiteral("--flows-csv"),
        a} << a << QStringLiteral("refusing to write the report over input capture");
    QTest::newRow("--json= form") << QStringList {b, QStringLiteral("--json=") + a} << a
                                  << QStringLiteral("refusing to overwrite capture file");
}

void TestCli::neverOverwritesCaptures()
{
    QFETCH(QStringList, args);
    QFETCH(QString, victim);
    QFETCH(QString, reason);
    for (const char *name : {"keep-a.pcap", "keep-b.pcap"}) {
        QFile::remove(file(name));
        QVERIFY(QFile::copy(file("good.pcap"), file(name)));
    }
    QFile original(file("good.pcap"));
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray bytes = original.readAll();
    const Run r = run(QStringList {QStringLiteral("analyze")} + args);
    QCOMPARE(r.code, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(reason), r.err.constData());
    QFile v(victim);
    QVERIFY(v.open(QIODevice::ReadOnly));
    QCOMPARE(v.readAll(), bytes);
}

void TestCli::diskFull()
{
    if (!QFileInfo::exists(QStringLiteral("/dev/full")))
        QSKIP("/dev/full is missing: cannot simulate a full disk here");
    for (const char *opt : {"--json", "--flows-csv"}) {
        const Run r = run({QStringLiteral("analyze"), file("good.pcap"), QString::fromLatin1(opt),
            QStringLiteral("/dev/full")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("/dev/full: could not write the whole file: No space left on device"),
            r.err.constData());
    }
}

void TestCli::streams_data()
{
    QTest::addColumn<QString>("input"); // "-" = stdin, "fifo" = a named pipe
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("expect"); // on stdout (code 0) or stderr
    QFile good(file("good.pcap"));
    const QByteArray capture = good.open(QIODevice::ReadOnly) ? good.readAll() : QByteArray();
    QTest::newRow("capture on stdin")
        << QStringLiteral("-") << capture << 0 << QStringLiteral("\"path\": \"standard input\"");
    QTest::newRow("capture through a fifo")
        << QStringLiteral("fifo") << capture << 0 << QStringLiteral("\"packets\": 7");
    QTest::newRow("text on stdin") << QStringLiteral("-") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 2
                                   << QStringLiteral("standard input: not a pcap or pcapng stream");
    QTest::newRow("nothing on stdin") << QStringLiteral("-") << QByteArray() << 2
                                      << QStringLiteral("standard input: capture stream is empty");
}

void TestCli::streams()
{
    QFETCH(QString, input);
    QFETCH(QByteArray, bytes);
    QFETCH(int, code);
    QFETCH(QString, expect);
    QVERIFY(!bytes.isEmpty() || code != 0);
    const QString tmp = m_dir.filePath(QStringLiteral("spool"));
    QDir().mkpath(tmp);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TMPDIR"), tmp);
    p.setProcessEnvironment(env);
    QString arg = input;
    if (input == QLatin1String("fifo")) {
        arg = file("stream.fifo");
        QFile::remove(arg);
        QCOMPARE(QProcess::execute(QStringLiteral("mkfifo"), {arg}), 0);
    }
    p.start(QStringLiteral(LBSCOPE_CLI),
        {QStringLiteral("analyze"), arg, QStringLiteral("--json"), QStringLiteral("-")});
    QVERIFY(p.waitForStarted());
    if (input == QLatin1String("fifo")) {
        QFile fifo(arg);
        QVERIFY(fifo.open(QIODevice::WriteOnly)); // blocks until lbscope-cli opens it
        fifo.write(bytes);
        fifo.close();
        p.closeWriteChannel();
    } else {
        p.write(bytes);
        p.closeWriteChannel();
    }
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), code);
    const QString out = QString::fromUtf8(code == 0 ? p.readAllStandardOutput() : p.readAllStandardError());
    QVERIFY2(out.contains(expect), qPrintable(out.left(400)));
    // The spooled copy is gone.
    QCOMPARE(QDir(tmp).entryList(QDir::Files | QDir::NoDotAndDotDot), QStringList());
}

void TestCli::jsonAndCsvFiles()
{
    const QString json = file("out.json"), csv = file("flows.csv");
    const Run r = run({QStringLiteral("analyze"), file("good.pcap"), QStringLiteral("--json"), json,
        QStringLiteral("--flows-csv"), csv});
    QCOMPARE(r.code, 0);
    QFile j(json), c(csv);
    QVERIFY(j.open(QIODevice::ReadOnly));
    QVERIFY(lbs::parseJson(j.readAll().toStdString()).ok());
    QVERIFY(c.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = c.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith("id,proto,client,server"));
    QVERIFY(r.out.contains("findings:")); // the summary still goes to stdout
    const Run bad = run({QStringLiteral("analyze"), file("good.pcap"), QStringLiteral("--json"),
        QStringLiteral("/nonexistent-dir/x.json")});
    QCOMPARE(bad.code, 1);
    QVERIFY(bad.err.contains("cannot create output file"));
}

void TestCli::engineTrace()
{
    // LBSCOPE_TRACE=engine: the analysis's steps in order, on stderr; nothing without it.
    const QString json = file("traced.json");
    const Run r = run({QStringLiteral("analyze"), file("good.pcap"), QStringLiteral("--json"), json},
        QStringLiteral("engine"));
    QCOMPARE(r.code, 0);
    const QString err = QString::fromUtf8(r.err);
    const QStringList steps = {QStringLiteral("engine: reading 1 files"), QStringLiteral("engine: read "),
        QStringLiteral("engine: flows settled"), QStringLiteral("engine: backends and findings computed"),
        QStringLiteral("engine: JSON report written"), QStringLiteral("engine: summary printed")};
    qsizetype at = 0;
    for (const QString &step : steps) {
        const qsizetype found = err.indexOf(step, at);
        QVERIFY2(found >= at, qPrintable(step + QStringLiteral(" not found in order in: ") + err));
        at = found + step.size();
    }
    QVERIFY2(QRegularExpression(QStringLiteral("read [1-9][0-9]* packets, [1-9][0-9]* flows"))
                 .match(err)
                 .hasMatch(),
        qPrintable(err));
    const Run quiet = run({QStringLiteral("analyze"), file("good.pcap"), QStringLiteral("--json"), json});
    QCOMPARE(quiet.code, 0);
    QVERIFY2(!quiet.err.contains("engine:"), quiet.err.constData());
}

void TestCli::humanSummary()
{
    const Run r = run({QStringLiteral("analyze"), file("good.pcap")});
    QCOMPARE(r.code, 0);
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.contains(QLatin1String("7 packets")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("[error]")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("slowest handshakes")), qPrintable(out));
    QVERIFY(r.err.isEmpty());
}

// --explain follows each finding of the human summary with the engine's explanation of its kind,
// the same text the GUI's findings pane shows, without markup.
void TestCli::explainFindings()
{
    const QString sample = QStringLiteral(LBSCOPE_SAMPLE_PCAP);
    const Run json = run({QStringLiteral("analyze"), sample, QStringLiteral("--json"), QStringLiteral("-")});
    QCOMPARE(json.code, 0);
    auto doc = lbs::parseJson(json.out.toStdString());
    QVERIFY2(doc.ok(), "the sample's JSON report does not parse");
    const auto &findings = (*doc)["findings"];
    QVERIFY2(findings.size() >= 2, "the sample capture should have several findings");

    const Run plain = run({QStringLiteral("analyze"), sample});
    const Run explained = run({QStringLiteral("analyze"), sample, QStringLiteral("--explain")});
    QCOMPARE(plain.code, 0);
    QCOMPARE(explained.code, 0);
    QVERIFY(explained.err.isEmpty());
    // The explained summary is the plain one with each listed finding's explanation inserted after
    // its line.
    std::string expected = plain.out.toStdString();
    size_t at = 0;
    for (size_t i = 0; i < findings.size() && i < 10; ++i) {
        const std::string kind = findings[i]["kind"].toString();
        const auto k = lbs::analysis::findingKindFromName(kind);
        QVERIFY2(k.has_value(), kind.c_str());
        const std::string line
            = "  [" + findings[i]["severity"].toString() + "] " + findings[i]["summary"].toString() + "\n";
        const size_t found = expected.find(line, at);
        QVERIFY2(found != std::string::npos, line.c_str());
        const std::string explanation
            = lbs::analysis::explanationPlainText(lbs::analysis::explainFinding(*k), "      ") + "\n";
        QVERIFY(explanation.size() > 100);
        expected.insert(found + line.size(), explanation);
        at = found + line.size() + explanation.size();
    }
    QCOMPARE(explained.out.toStdString(), expected);
}

void TestCli::rotatedDirectoryAndTruncation()
{
    QTemporaryDir d;
    std::vector<Frame> a, b;
    for (int i = 0; i < 5; ++i) {
        a.push_back(Frame {
            T(10 + i), ethernet(ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(1, 53, "a")), 0x0800), 0});
        b.push_back(
            Frame {T(i), ethernet(ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(1, 53, "b")), 0x0800), 0});
    }
    writePcap(d.filePath(QStringLiteral("x.pcap0")).toStdString(), 1, a); // wrapped: newest in pcap0
    writePcap(d.filePath(QStringLiteral("x.pcap1")).toStdString(), 1, b);
    truncateFile(d.filePath(QStringLiteral("x.pcap0")).toStdString(), 5);
    writeFile(d.filePath(QStringLiteral("manifest.json")).toStdString(),
        R"({"tcpdump_stats":{"captured":10,"received_by_filter":12,"dropped_by_kernel":2}})");
    const Run r = run({QStringLiteral("analyze"), d.path(), QStringLiteral("--json"), QStringLiteral("-")});
    QCOMPARE(r.code, 0);
    auto doc = lbs::parseJson(r.out.toStdString());
    QVERIFY(doc.ok());
    const auto &files = (*doc)["files"];
    QCOMPARE(files.size(), size_t(2));
    QVERIFY(QString::fromStdString(files[size_t(0)]["path"].toString()).endsWith(QLatin1String("x.pcap1")));
    QCOMPARE(files[size_t(1)]["truncated"].toBool(), true);
    QCOMPARE(files[size_t(1)]["packets"].toInt(), int64_t(4));
    QCOMPARE((*doc)["packets"].toInt(), int64_t(9));
    std::vector<std::string> kinds;
    for (const auto &f : (*doc)["findings"].array())
        kinds.push_back(f["kind"].toString());
    QVERIFY(std::find(kinds.begin(), kinds.end(), "kernel_drops") != kinds.end());
    QVERIFY(std::find(kinds.begin(), kinds.end(), "truncated_file") != kinds.end());
    QVERIFY(r.err.contains("warning:")); // warnings go to stderr when stdout carries JSON
}

void TestCli::helpAndVersion()
{
    Run r = run({QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("analyze"));
    r = run({QStringLiteral("analyze"), QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("--flows-csv"));
    r = run({QStringLiteral("--version")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith("lbscope-cli "));
    r = run({QStringLiteral("no-such-command")});
    QCOMPARE(r.code, 2);
    r = run({});
    QCOMPARE(r.code, 2);
}

void TestCli::htmlReport_data()
{
    QTest::addColumn<QString>("part");
    // sample.truth.json: 171 connections, each seen on both sides of the NAT (339 flows)
    QTest::newRow("verdict") << QStringLiteral(
        "<div class='verdict bad'>5 of 171 connections got no SYN/ACK");
    QTest::newRow("advice") << QStringLiteral("<b>What next:</b>");
    QTest::newRow("timeline") << QStringLiteral("<h2>Timeline</h2><svg ");
    QTest::newRow("latency") << QStringLiteral("<h2>Latency</h2><svg ");
    QTest::newRow("findings explained") << QString(); // each finding of the JSON report with its headline
}

// --report: the verdict, the plots and every finding explained in one file that needs nothing else.
void TestCli::htmlReport()
{
#ifdef LBSCOPE_CLI_REPORT
    QFETCH(QString, part);
    const QString out = file("report.html");
    const Run r = run(
        {QStringLiteral("analyze"), QStringLiteral(LBSCOPE_SAMPLE_PCAP), QStringLiteral("--report"), out});
    QCOMPARE(r.code, 0);
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(f.readAll());
    QVERIFY2(part.isEmpty() || html.contains(part), qPrintable(part));
    if (part.isEmpty()) {
        const Run json = run({QStringLiteral("analyze"), QStringLiteral(LBSCOPE_SAMPLE_PCAP),
            QStringLiteral("--json"), QStringLiteral("-")});
        auto doc = lbs::parseJson(json.out.toStdString());
        QVERIFY(doc.ok() && (*doc)["findings"].size() >= 2);
        for (size_t i = 0; i < (*doc)["findings"].size(); ++i) {
            const auto kind = lbs::analysis::findingKindFromName((*doc)["findings"][i]["kind"].toString());
            QVERIFY(kind.has_value());
            const QString headline
                = QString::fromStdString(lbs::analysis::explainFinding(*kind).headline).toHtmlEscaped();
            QVERIFY2(html.contains(headline), qPrintable(headline));
        }
    }
    for (const char *external : {"<script", "src=", "<link", "href="})
        QVERIFY2(!html.contains(QLatin1String(external)), external);
#else
    QSKIP("lbscope-cli is built without --report (LBSCOPE_CORE_ONLY)");
#endif
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
