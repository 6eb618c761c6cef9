// Corpus robustness: the engine (in process) and lbscope-cli (as a process, in parallel) read the
// project's own robustness corpus (tests/data/robustness: every link type and container, header
// fields out of range, cuts at every structure boundary), the capture fuzz target's seeds and
// crashes, deliberately corrupted generated captures and, when it is there, the shared corpus
// (../shared/corpus). Each input must be analysed (exit 0) or refused with exit 2 and a one-line
// reason; never a crash, a hang (per-file time bound), or an AddressSanitizer/UBSan report.

#include "core/analysis/analyzer.h"
#include "core/analysis/jsonreport.h"
#include "core/analysis/packetinfo.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/packetreader.h"
#include "generator.h"
#include "prng.h"
#include "robustnesscorpus.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace {

constexpr int kPerFileSeconds = 30;

QString corpusDir()
{
    return QStringLiteral(LBSCOPE_CORPUS_DIR "/tcpdump-tests");
}

QString ownCorpusDir()
{
    return QStringLiteral(LBSCOPE_TEST_DATA "/robustness");
}

QStringList filesIn(const QString &dir)
{
    QDir d(dir);
    QStringList out;
    for (const QString &n : d.entryList(QDir::Files, QDir::Name))
        if (!n.endsWith(QLatin1String(".md")))
            out << d.filePath(n);
    return out;
}

/// Analyse in process, then touch what the GUI touches: report, per-packet re-read/decode/info.
QString analyseInProcess(const QString &path)
{
    auto set = lbs::pcap::CaptureSet::open({path.toStdString()});
    if (!set.ok())
        return set.error().message.empty() ? QStringLiteral("refusal without a message") : QString();
    lbs::analysis::Analyzer analyzer;
    auto result = analyzer.run(set.value());
    if (!result.ok())
        return result.error().message.empty() ? QStringLiteral("analysis error without a message")
                                              : QString();
    const lbs::analysis::CaptureAnalysis &a = result.value();
    if (lbs::analysis::toJsonReport(a).empty())
        return QStringLiteral("empty JSON report");
    std::vector<uint8_t> buffer;
    const size_t n = std::min<size_t>(a.packetIndex.size(), 200);
    for (size_t i = 0; i < n; ++i) {
        const auto &e = a.packetIndex[i];
        if (e.fileIndex >= a.files.size())
            return QStringLiteral("packet %1 names file %2 of %3")
                .arg(i)
                .arg(e.fileIndex)
                .arg(a.files.size());
        auto raw = lbs::pcap::PacketReader::readAt(a.files[e.fileIndex], e.fileIndex, e.offset, buffer);
        if (!raw.ok())
            return QStringLiteral("re-reading packet %1 failed: %2")
                .arg(i)
                .arg(QString::fromStdString(raw.error().toString()));
        lbs::pcap::DecodedPacket d;
        lbs::pcap::decodePacket(raw->linktype, raw->data, raw->capLen, raw->wireLen, d);
        (void)lbs::analysis::packetInfoText(d, e.flags);
        (void)lbs::analysis::packetProtocolName(d, e.flags);
    }
    return {};
}

struct CliOutcome {
    QString file;
    QString problem;
};

/// Runs lbscope-cli analyze on each file, a few processes at a time, each bounded in time.
QList<CliOutcome> runCli(const QString &cli, const QStringList &files, const QString &jsonDir, int *refused)
{
    QList<CliOutcome> problems;
    const int parallel = 4;
    int next = 0;
    struct Job {
        std::unique_ptr<QProcess> proc;
        QString file;
        QElapsedTimer timer;
    };
    std::vector<Job> jobs;
    while (next < files.size() || !jobs.empty()) {
        while (next < files.size() && int(jobs.size()) < parallel) {
            Job j;
            j.file = files[next];
            j.proc = std::make_unique<QProcess>();
            const QString json = jsonDir + QStringLiteral("/r%1.json").arg(next);
            j.proc->start(cli, {QStringLiteral("analyze"), j.file, QStringLiteral("--json"), json});
            j.timer.start();
            jobs.push_back(std::move(j));
            ++next;
        }
        for (auto it = jobs.begin(); it != jobs.end();) {
            QProcess &p = *it->proc;
            p.waitForFinished(20);
            if (p.state() != QProcess::NotRunning) {
                if (it->timer.elapsed() > kPerFileSeconds * 1000) {
                    p.kill();
                    p.waitForFinished(5000);
                    problems.append(
                        {it->file, QStringLiteral("hang: still running after %1 s").arg(kPerFileSeconds)});
                    it = jobs.erase(it);
                } else {
                    ++it;
                }
                continue;
            }
            const QByteArray err = p.readAllStandardError();
            QString problem;
            if (p.exitStatus() != QProcess::NormalExit)
                problem = QStringLiteral("crashed: %1").arg(QString::fromUtf8(err.right(600)));
            else if (err.contains("AddressSanitizer") || err.contains("runtime error:")
                || err.contains("LeakSanitizer"))
                problem = QStringLiteral("sanitizer report: %1").arg(QString::fromUtf8(err.left(1500)));
            else if (p.exitCode() == 2) {
                ++*refused;
                const QByteArray reason = err.trimmed();
                if (reason.isEmpty() || reason.contains('\n'))
                    problem = QStringLiteral("exit 2 needs exactly one line of reason, got: '%1'")
                                  .arg(QString::fromUtf8(err));
            } else if (p.exitCode() != 0)
                problem
                    = QStringLiteral("exit %1: %2").arg(p.exitCode()).arg(QString::fromUtf8(err.right(600)));
            if (!problem.isEmpty())
                problems.append({it->file, problem});
            it = jobs.erase(it);
        }
    }
    return problems;
}

/// Generated captures broken the ways real ones break: cut anywhere, flipped bytes, bad headers.
QStringList corruptedCaptures(const QString &dir)
{
    lbs::gen::Options o;
    o.output = QString(dir + QStringLiteral("/base.pcap")).toStdString();
    o.durationSec = 2;
    o.connPerSec = 5;
    o.maxBody = 6000;
    o.bothSides = true;
    o.link = lbs::gen::LinkType::Sll2;
    o.faults
        = {{lbs::gen::FaultKind::IcmpUnreachable, 1, 0.5}, {lbs::gen::FaultKind::FastRetransmit, 1, 1.0}};
    QStringList out;
    for (int variant = 0; variant < 2; ++variant) {
        o.format = variant ? lbs::gen::FileFormat::Pcapng : lbs::gen::FileFormat::Pcap;
        o.nanosecond = variant == 1;
        if (!lbs::gen::generate(o).ok())
            return out;
        QFile f(QString::fromStdString(o.output));
        if (!f.open(QIODevice::ReadOnly))
            return out;
        const QByteArray base = f.readAll();
        lbs::gen::Rng rng(uint64_t(99 + variant));
        auto write = [&](const QString &name, const QByteArray &bytes) {
            QFile w(dir + QLatin1Char('/') + name);
            if (w.open(QIODevice::WriteOnly) && w.write(bytes) == bytes.size())
                out << w.fileName();
        };
        const QString tag = variant ? QStringLiteral("ng") : QStringLiteral("pcap");
        for (int i = 0; i < 12; ++i) // truncated anywhere, including inside headers
            write(QStringLiteral("cut-%1-%2").arg(tag).arg(i),
                base.left(int(rng.range(0, i < 4 ? 64 : base.size() - 1))));
        for (int i = 0; i < 12; ++i) { // random byte flips
            QByteArray b = base;
            for (int k = 0; k < 1 + i * 3; ++k)
                b[int(rng.range(0, b.size() - 1))] = char(rng.range(0, 255));
            write(QStringLiteral("flip-%1-%2").arg(tag).arg(i), b);
        }
        QByteArray huge = base; // a record claiming a huge caplen right after the headers
        const int rec = variant ? 28 + 32 + 20 : 24 + 8;
        if (huge.size() > rec + 4)
            huge[rec] = huge[rec + 1] = huge[rec + 2] = huge[rec + 3] = char(0x7f);
        write(QStringLiteral("hugecaplen-%1").arg(tag), huge);
    }
    QFile::remove(QString::fromStdString(o.output));
    out << dir + QStringLiteral("/empty");
    QFile(out.last()).open(QIODevice::WriteOnly);
    return out;
}

} // namespace

class TestCorpus : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_files = filesIn(ownCorpusDir());
        QVERIFY2(m_files.size() > 150,
            qPrintable(
                QStringLiteral("the project's own corpus %1 holds %2 files (regenerate it: lbscope-gen "
                               "--robustness-corpus %1)")
                    .arg(ownCorpusDir())
                    .arg(m_files.size())));
        m_files += filesIn(QStringLiteral(LBSCOPE_FUZZ_DIR "/seeds/capture"));
        m_files += filesIn(QStringLiteral(LBSCOPE_FUZZ_DIR "/crashes/capture"));
        QVERIFY(m_tmp.isValid());
        m_files += corruptedCaptures(m_tmp.path());
        if (QDir(corpusDir()).exists()) {
            const QStringList shared = filesIn(corpusDir());
            QVERIFY2(shared.size() > 100, "the shared corpus folder holds fewer than 100 files");
            m_files += shared;
        } else {
            qInfo("the shared corpus %s is not there: only the project's own %lld inputs are read",
                qPrintable(corpusDir()), qlonglong(m_files.size()));
        }
    }

    void ownCorpusIsCurrent()
    {
        // tests/data/robustness is exactly what the generator writes today.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto names = lbs::gen::writeRobustnessCorpus(dir.path().toStdString());
        QVERIFY2(names.ok(), names.ok() ? "" : names.error().toString().c_str());
        QStringList stale;
        for (const std::string &n : names.value()) {
            QFile made(dir.filePath(QString::fromStdString(n)));
            QFile kept(ownCorpusDir() + QLatin1Char('/') + QString::fromStdString(n));
            if (!made.open(QIODevice::ReadOnly) || !kept.open(QIODevice::ReadOnly)
                || made.readAll() != kept.readAll())
                stale << QString::fromStdString(n);
        }
        QVERIFY2(stale.isEmpty(),
            qPrintable(QStringLiteral("%1 file(s) differ from the generator's, e.g. %2; regenerate with "
                                      "lbscope-gen --robustness-corpus %3")
                           .arg(stale.size())
                           .arg(stale.value(0), ownCorpusDir())));
        QCOMPARE(qsizetype(names->size()), filesIn(ownCorpusDir()).size());
    }

    void everyLinkTypeAndContainerReads_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("packets");
        QTest::addColumn<int>("flows");
        for (const char *link : {"null", "ethernet", "arcnet", "ppp", "raw12", "raw14", "raw", "loop", "sll",
                 "arcnet-linux", "juniper-ether", "ipv4", "ipv6", "ipoib", "sll2"}) {
            const bool oneFamily = qstrcmp(link, "ipv4") == 0 || qstrcmp(link, "ipv6") == 0;
            for (const char *container : {"-le-us.pcap", "-be-ns.pcap", "-le.pcapng", "-be.pcapng"}) {
                const QString name = QLatin1String(link) + QLatin1String(container);
                QTest::newRow(qPrintable(name)) << name << (oneFamily ? 8 : 16) << (oneFamily ? 1 : 2);
            }
        }
    }

    void everyLinkTypeAndContainerReads()
    {
        // The valid files of the corpus: one HTTP exchange over IPv4 and one over IPv6 (one of them
        // for the IPv4-only and IPv6-only link types), each read whole with its request answered.
        QFETCH(QString, file);
        QFETCH(int, packets);
        QFETCH(int, flows);
        const QString path = ownCorpusDir() + QLatin1Char('/') + file;
        auto set = lbs::pcap::CaptureSet::open({path.toStdString()});
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
        lbs::analysis::Analyzer analyzer;
        auto result = analyzer.run(set.value());
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
        QCOMPARE(qsizetype(result->packetIndex.size()), qsizetype(packets));
        QCOMPARE(qsizetype(result->flows.size()), qsizetype(flows));
        for (const auto &f : result->flows) {
            QVERIFY(f.handshakeRttNs.has_value());
            QCOMPARE(qsizetype(f.requests.size()), qsizetype(1));
            QCOMPARE(f.requests.front().status.value_or(0), 200);
        }
    }

    void libraryNeverCrashes()
    {
        QStringList problems;
        int slowest = 0;
        for (const QString &f : m_files) {
            QElapsedTimer t;
            t.start();
            const QString p = analyseInProcess(f);
            const int ms = int(t.elapsed());
            slowest = std::max(slowest, ms);
            if (!p.isEmpty())
                problems << QFileInfo(f).fileName() + QStringLiteral(": ") + p;
            if (ms > kPerFileSeconds * 1000)
                problems << QFileInfo(f).fileName() + QStringLiteral(": took %1 ms").arg(ms);
        }
        qInfo("%lld inputs analysed in process, slowest %d ms", qlonglong(m_files.size()), slowest);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void cliExitsCleanly()
    {
#ifdef LBSCOPE_CLI_EXE
        const QString cli = QStringLiteral(LBSCOPE_CLI_EXE);
#else
        const QString cli;
#endif
        if (cli.isEmpty() || !QFile::exists(cli))
            QFAIL("lbscope-cli was not built, so the CLI half of the corpus run cannot happen");
        QTemporaryDir json;
        int refused = 0;
        const QList<CliOutcome> problems = runCli(cli, m_files, json.path(), &refused);
        QStringList text;
        for (const CliOutcome &p : problems)
            text << QFileInfo(p.file).fileName() + QStringLiteral(": ") + p.problem;
        qInfo("%lld inputs through lbscope-cli: %d refused cleanly (exit 2), %lld problems",
            qlonglong(m_files.size()), refused, qlonglong(problems.size()));
        QVERIFY2(text.isEmpty(), qPrintable(text.mid(0, 30).join(QLatin1Char('\n'))));
    }

private:
    QStringList m_files;
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
