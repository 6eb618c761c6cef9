// Every capture of the corpora against tshark: the project's own robustness corpus (tests/data) and,
// when it is there, the shared corpus of real captures. Each file is analysed or refused with a
// reason (never a crash or a hang); over the files in which either tool sees TCP, lbscope-cli analyze
// and tshark must agree on the share of files below (the files that still differ are listed by the
// test, each with its first difference), on:
//   - the number of TCP conversations (tshark -z conv,tcp),
//   - the RST segments,
//   - the HTTP responses and their status codes,
//   - the HTTP response times (within 1 ms of http.time),
//   - the handshake RTT (within 2 us of tcp.analysis.initial_rtt).
// The files that differ are printed with the first difference, so that each has a reason. Like is
// compared with like: a classic pcap file cut inside a record is given to tshark as its whole
// records (wiretap's format heuristics otherwise read such a file with other record headers),
// tshark's unnormalised times are read as printed, and an initial RTT of exactly 0 is not compared
// (tshark never shows a zero time).
#include "oraclesupport.h"

#include <QDir>
#include <QDirIterator>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>
#include <QtEndian>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

using namespace oracle;

namespace {

/// What tshark says about a whole file.
struct TsharkView {
    int conversations = 0;
    int resets = 0;
    QList<int> codes;
    QList<double> httpUs;
    QList<double> irttUs; ///< one per TCP stream that has one
};

/// What lbscope-cli analyze says, in the same terms.
struct EngineView {
    int tcpFlows = 0;
    int resets = 0;
    QList<int> codes;
    QList<double> httpUs;
    QList<double> irttUs; ///< handshake + ACK RTT, per flow that has both
};

/// A time field as tshark prints it: the seconds, a point and the nanoseconds, each with the sign
/// of the whole. tshark does not normalise a difference of times whose nanoseconds field is 1 s or
/// more (a pcap fraction of 1 s or more is kept as is), so "-0.1499983000" is -1.499983 s.
double tsharkSeconds(const QByteArray &text)
{
    const bool negative = text.startsWith('-');
    const QByteArray body = negative ? text.mid(1) : text;
    const qsizetype dot = body.indexOf('.');
    if (dot < 0 || body.size() - dot - 1 <= 9)
        return text.toDouble();
    const double v = body.left(dot).toDouble() + body.mid(dot + 1).toDouble() * 1e-9;
    return negative ? -v : v;
}

/// Reads the fields tcp.stream, tcp.flags, tcp.analysis.initial_rtt, http.response.code, http.time
/// (one line per packet) and the conv,tcp table after them.
TsharkView readTshark(const Run &r)
{
    TsharkView v;
    QHash<QByteArray, double> irttByStream;
    QSet<QByteArray> streams, synAcked;
    bool table = false;
    for (const QByteArray &line : r.out.split('\n')) {
        table = table || line.contains("TCP Conversations");
        if (line.contains("<->")) {
            ++v.conversations;
            continue;
        }
        const QList<QByteArray> f = line.split('\t');
        if (f.size() < 5 || f[0].isEmpty())
            continue; // not a TCP packet line
        streams.insert(f[0]);
        const int flags = f[1].toInt(nullptr, 16);
        if (flags & 0x04)
            ++v.resets;
        if ((flags & 0x12) == 0x12)
            synAcked.insert(f[0]);
        if (!f[2].isEmpty() && !irttByStream.contains(f[0]))
            irttByStream.insert(f[0], tsharkSeconds(f[2]) * 1e6);
        if (!f[3].isEmpty())
            v.codes << f[3].toInt();
        if (!f[4].isEmpty())
            v.httpUs << tsharkSeconds(f[4]) * 1e6;
    }
    // tshark stops at a record cut short and then prints no statistics: count its streams instead.
    if (!table)
        v.conversations = int(streams.size());
    // tshark also gives an "initial RTT" to a SYN answered by a RST; a handshake RTT needs a SYN/ACK.
    for (auto it = irttByStream.cbegin(); it != irttByStream.cend(); ++it)
        if (synAcked.contains(it.key()))
            v.irttUs << it.value();
    return v;
}

EngineView readEngine(const QJsonObject &report)
{
    EngineView v;
    for (const QJsonValue &fv : report.value(QStringLiteral("flows")).toArray()) {
        const QJsonObject f = fv.toObject();
        if (f.value(QStringLiteral("proto")).toString() != QLatin1String("tcp"))
            continue;
        ++v.tcpFlows;
        v.resets += f.value(QStringLiteral("resets")).toInt();
        const QJsonValue hs = f.value(QStringLiteral("handshake_rtt_us"));
        const QJsonValue ack = f.value(QStringLiteral("ack_rtt_us"));
        // tshark keeps a zero time as "not measured" (nstime_is_zero): an initial RTT of exactly 0
        // (captures whose clock does not move) is never shown, so it is not compared either.
        if (hs.isDouble() && ack.isDouble() && hs.toDouble() + ack.toDouble() != 0)
            v.irttUs << hs.toDouble() + ack.toDouble();
        for (const QJsonValue &rv : f.value(QStringLiteral("requests")).toArray()) {
            const QJsonObject r = rv.toObject();
            if (r.value(QStringLiteral("status")).isDouble())
                v.codes << r.value(QStringLiteral("status")).toInt();
            if (r.value(QStringLiteral("response_us")).isDouble())
                v.httpUs << r.value(QStringLiteral("response_us")).toDouble();
        }
    }
    return v;
}

/// The first difference between two sorted lists of measurements, or empty.
QString compareSorted(const char *what, QList<double> ours, QList<double> theirs, double tolUs)
{
    std::sort(ours.begin(), ours.end());
    std::sort(theirs.begin(), theirs.end());
    if (ours.size() != theirs.size())
        return QStringLiteral("%1: %2 values, tshark %3")
            .arg(QLatin1String(what))
            .arg(ours.size())
            .arg(theirs.size());
    for (qsizetype i = 0; i < ours.size(); ++i)
        if (std::fabs(ours[i] - theirs[i]) > tolUs)
            return QStringLiteral("%1: %2 us, tshark %3 us")
                .arg(QLatin1String(what))
                .arg(ours[i], 0, 'f', 1)
                .arg(theirs[i], 0, 'f', 1);
    return {};
}

QString firstDifference(const EngineView &e, TsharkView t)
{
    if (e.tcpFlows != t.conversations)
        return QStringLiteral("TCP flows: %1, tshark %2").arg(e.tcpFlows).arg(t.conversations);
    if (e.resets != t.resets)
        return QStringLiteral("RST segments: %1, tshark %2").arg(e.resets).arg(t.resets);
    QList<int> ours = e.codes;
    std::sort(ours.begin(), ours.end());
    std::sort(t.codes.begin(), t.codes.end());
    if (ours != t.codes)
        return QStringLiteral("HTTP responses: %1 with codes, tshark %2")
            .arg(ours.size())
            .arg(t.codes.size());
    if (QString d = compareSorted("HTTP response time", e.httpUs, t.httpUs, 1000); !d.isEmpty())
        return d;
    return compareSorted("handshake RTT", e.irttUs, t.irttUs, 2);
}

/// Bytes of the classic pcap file @p path up to the end of its last whole record, when a record
/// is cut short; empty for a whole file and for anything but classic pcap.
QByteArray wholeRecordsOfCutPcap(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray b = f.readAll();
    if (b.size() < 24)
        return {};
    const uint32_t magic = qFromLittleEndian<uint32_t>(b.constData());
    bool swapped = false;
    if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
        swapped = false;
    else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
        swapped = true;
    else
        return {};
    qsizetype pos = 24;
    while (b.size() - pos >= 16) {
        const uint32_t raw = qFromLittleEndian<uint32_t>(b.constData() + pos + 8);
        const qsizetype capLen = swapped ? qbswap(raw) : raw;
        if (b.size() - pos - 16 < capLen)
            break;
        pos += 16 + capLen;
    }
    return pos == b.size() ? QByteArray() : b.left(pos);
}

QStringList corpusFiles()
{
    QStringList files;
    for (const QString &root : {QStringLiteral(LBSCOPE_OWN_CORPUS_DIR), QStringLiteral(LBSCOPE_CORPUS_DIR)}) {
        QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString f = it.next();
            if (!f.endsWith(QLatin1String(".md")) && !f.endsWith(QLatin1String(".txt")))
                files << f;
        }
    }
    files.sort();
    return files;
}

/// What the sweep found in one file.
struct FileOutcome {
    QString failure; ///< a crash, a hang or a refusal without a reason: the test fails
    bool refused = false;
    bool withTcp = false; ///< either tool sees TCP in it
    QString difference; ///< "name: first difference", when withTcp and they differ
};

/// Analyses @p file with lbscope-cli and tshark, writing scratch files in the directory
/// @p scratch (one per worker). Touches nothing shared: workers call it side by side.
FileOutcome sweepFile(const QString &cli, const QString &file, const QString &scratch)
{
    FileOutcome o;
    const QString json = scratch + QStringLiteral("/report.json");
    QFile::remove(json);
    const Run a = runBounded(cli, {QStringLiteral("analyze"), file, QStringLiteral("--json"), json}, 60);
    if (a.timedOut) {
        o.failure = file + QStringLiteral(": lbscope-cli analyze hangs");
        return o;
    }
    if (a.exitCode != 0 && a.exitCode != 2) {
        o.failure = file + QStringLiteral(": lbscope-cli analyze ended with %1: ").arg(a.exitCode)
            + QString::fromUtf8(a.err.right(400));
        return o;
    }
    if (a.exitCode == 2 && a.err.trimmed().isEmpty()) {
        o.failure = file + QStringLiteral(": refused without a reason");
        return o;
    }
    // A classic pcap file cut inside a record: wiretap's format heuristics then take a variant
    // with longer record headers that ends the file evenly, and read other bytes as the packet.
    // tshark is given the whole records, the ones lbscope reads.
    QString tsharkInput = file;
    if (const QByteArray whole = wholeRecordsOfCutPcap(file); !whole.isEmpty()) {
        tsharkInput = scratch + QStringLiteral("/whole.pcap");
        QFile w(tsharkInput);
        if (!w.open(QIODevice::WriteOnly | QIODevice::Truncate) || w.write(whole) != whole.size()) {
            o.failure = tsharkInput + QStringLiteral(": cannot be written");
            return o;
        }
    }
    const Run t = tshark({QStringLiteral("-r"), tsharkInput, QStringLiteral("-T"), QStringLiteral("fields"),
                             QStringLiteral("-E"), QStringLiteral("occurrence=l"), QStringLiteral("-e"),
                             QStringLiteral("tcp.stream"), QStringLiteral("-e"), QStringLiteral("tcp.flags"),
                             QStringLiteral("-e"), QStringLiteral("tcp.analysis.initial_rtt"),
                             QStringLiteral("-e"), QStringLiteral("http.response.code"), QStringLiteral("-e"),
                             QStringLiteral("http.time"), QStringLiteral("-z"), QStringLiteral("conv,tcp")},
        60);
    const TsharkView tv = readTshark(t);
    const QString name
        = QDir(QStringLiteral(LBSCOPE_OWN_CORPUS_DIR)).relativeFilePath(file).startsWith(QLatin1String(".."))
        ? QFileInfo(file).fileName()
        : QStringLiteral("own/") + QFileInfo(file).fileName();
    if (a.exitCode == 2) {
        o.refused = true;
        if (tv.conversations > 0) {
            o.withTcp = true;
            o.difference = name + QStringLiteral(": refused (") + QString::fromUtf8(a.err.trimmed().left(160))
                + QStringLiteral("), tshark sees %1 TCP conversation(s)").arg(tv.conversations);
        }
        return o;
    }
    const EngineView ev = readEngine(readJsonFile(json));
    if (ev.tcpFlows == 0 && tv.conversations == 0)
        return o;
    o.withTcp = true;
    if (const QString diff = firstDifference(ev, tv); !diff.isEmpty())
        o.difference = name + QStringLiteral(": ") + diff;
    return o;
}

} // namespace

class TestTsharkSweep : public QObject {
    Q_OBJECT

private slots:
    void everyCorpusFileAgreesWithTshark()
    {
        const QString cli = cliPath();
        if (cli.isEmpty())
            QFAIL("lbscope-cli was not built, so the engine cannot be compared with tshark");
        if (!QDir(QStringLiteral(LBSCOPE_CORPUS_DIR)).exists())
            qInfo("the shared corpus (%s) is not here: only the project's own corpus is swept",
                LBSCOPE_CORPUS_DIR);
        const QStringList files = corpusFiles();
        QVERIFY2(!files.isEmpty(), "no corpus file found");
        QTemporaryDir dir;
        // Each file costs a tshark start (most of the time here): the files are swept by one
        // worker per core, each with its own scratch files, and counted in corpus order after.
        std::vector<FileOutcome> outcomes(size_t(files.size()));
        std::atomic<size_t> next {0};
        std::vector<std::thread> workers;
        for (int w = 0; w < std::max(2, QThread::idealThreadCount()); ++w)
            workers.emplace_back([&, w] {
                const QString scratch = dir.filePath(QStringLiteral("worker-%1").arg(w));
                QDir().mkpath(scratch);
                for (size_t i = next++; i < outcomes.size(); i = next++)
                    outcomes[i] = sweepFile(cli, files[qsizetype(i)], scratch);
            });
        for (std::thread &t : workers)
            t.join();
        int refused = 0, withTcp = 0, agree = 0;
        QStringList differing;
        for (const FileOutcome &o : outcomes) {
            QVERIFY2(o.failure.isEmpty(), qPrintable(o.failure));
            refused += o.refused ? 1 : 0;
            withTcp += o.withTcp ? 1 : 0;
            agree += o.withTcp && o.difference.isEmpty() ? 1 : 0;
            if (o.withTcp && !o.difference.isEmpty())
                differing << o.difference;
        }
        for (const QString &d : differing)
            qInfo("differs: %s", qPrintable(d));
        const double share = withTcp ? 100.0 * agree / withTcp : 100.0;
        qInfo("%lld files: %d refused with a reason; %d with TCP, of which %d (%.1f %%) agree with tshark "
              "on flows, RSTs, HTTP codes and times, and handshake RTTs",
            static_cast<long long>(files.size()), refused, withTcp, agree, share);
        // Measured: 95.5 % (192 of 201) over both corpora, 97.4 % (111 of 114) over the project's
        // own. The 9 files that differ do on purpose or for a tshark 4.0 limit (docs/decisions.md,
        // "Odd headers and records"): BIG TCP in an IPv4 UDP tunnel, whose UDP length 0 tshark
        // calls bogus (3); TCP headers cut by the capture length, which lbscope keeps as flows and
        // tshark drops when its option parser throws (beep-oobr, heapoverflow-tcp_print, and
        // mptcp-dss-oobr, whose MPTCP option tshark cannot parse); an FCS the header declares over
        // the IP packet's own bytes (pcap-linktype-fcs-bits); a pcapng time resolution libpcap
        // refuses (pcapng-idb-tsresol-10-127); a section header whose trailing length differs,
        // which tshark refuses and lbscope reads (pcapng-shb-trailer-mismatch). Less is a
        // regression.
        QVERIFY2(share >= 95.0, qPrintable(QStringLiteral("only %1 % agree").arg(share, 0, 'f', 1)));
    }
};

QTEST_GUILESS_MAIN(TestTsharkSweep)
#include "tst_tsharksweep.moc"
