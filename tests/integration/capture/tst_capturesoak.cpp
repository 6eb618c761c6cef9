// Long captures, compressed, over a real local sshd with the real tcpdump on lo:
//  - a capture re-attached many times, every other time after the connection was cut under it
//    (a TCP relay in front of sshd, as a laptop losing the network) and otherwise detached;
//  - a ring (-C 1 -W 3) wrapping many times;
//  - a long --duration monitored on a compressed clock.
// Each ends with a verified download whose packets are checked one by one: the test's own UDP
// datagrams carry a sequence number, and the capture must hold a gapless run of them.
// Sizes come from the environment: LBSCOPE_SOAK_REATTACH (re-attaches, default 6),
// LBSCOPE_SOAK_WRAPS (ring wraps, default 40), LBSCOPE_SOAK_HOURS (compressed duration, default 1).
// scripts/soak runs 100, 1000 and 12.
#include "core/capture/captureworkflow.h"
#include "core/pcap/capturerecord.h"
#include "sshdfixture.h"
#include "tcprelay.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

using namespace lbs::capture;

namespace {

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}

/// UDP datagrams to 127.0.0.1:port, each starting with a 64-bit sequence number, at `perSecond`
/// until stopped or `limit` were sent. A bound socket takes them (no ICMP replies).
class UdpSender {
public:
    UdpSender(int payload, int perSecond, uint64_t limit)
        : m_payload(payload), m_rate(perSecond), m_limit(limit)
    {
        m_sink = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_sink, reinterpret_cast<sockaddr *>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(m_sink, reinterpret_cast<sockaddr *>(&a), &len);
        m_port = ntohs(a.sin_port);
    }
    ~UdpSender()
    {
        stop();
        ::close(m_sink);
    }
    int port() const { return m_port; }
    void start()
    {
        m_thread = std::thread([this] { loop(); });
    }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    uint64_t sent() const { return m_sent; }
    bool done() const { return m_sent >= m_limit; }

private:
    void loop()
    {
        const int out = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in to {};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(static_cast<uint16_t>(m_port));
        std::vector<char> buf(static_cast<std::size_t>(m_payload), 'x');
        const auto t0 = std::chrono::steady_clock::now();
        while (!m_stop && m_sent < m_limit) {
            const uint64_t seq = m_sent;
            std::memcpy(buf.data(), &seq, sizeof seq);
            if (::sendto(out, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr *>(&to), sizeof to) > 0)
                ++m_sent;
            char drain[65536];
            while (::recv(m_sink, drain, sizeof drain, MSG_DONTWAIT) > 0) { }
            const auto due = t0 + std::chrono::microseconds(m_sent * 1000000 / uint64_t(m_rate));
            std::this_thread::sleep_until(due);
        }
        ::close(out);
    }
    int m_payload;
    int m_rate;
    uint64_t m_limit;
    int m_sink = -1;
    int m_port = 0;
    std::thread m_thread;
    std::atomic<bool> m_stop {false};
    std::atomic<uint64_t> m_sent {0};
};

/// The sequence numbers of the sender's datagrams in a classic pcap file of lo (Ethernet framing).
std::vector<uint64_t> sequences(const QString &path, int port)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray all = f.readAll();
    std::vector<uint64_t> out;
    const auto u32 = [&](qsizetype at) {
        uint32_t v;
        std::memcpy(&v, all.constData() + at, 4);
        return v;
    };
    const auto be16 = [&](qsizetype at) { return int((uchar(all[at]) << 8) | uchar(all[at + 1])); };
    for (qsizetype at = 24; at + 16 <= all.size();) {
        const qsizetype caplen = u32(at + 8);
        const qsizetype pkt = at + 16;
        at = pkt + caplen;
        if (at > all.size() || caplen < 14 + 20 + 8 + 8)
            continue;
        const qsizetype ip = pkt + 14;
        const qsizetype udp = ip + (uchar(all[ip]) & 0x0f) * 4;
        if (uchar(all[ip + 9]) != 17 || be16(udp + 2) != port || udp + 16 > at)
            continue;
        uint64_t seq;
        std::memcpy(&seq, all.constData() + udp + 8, sizeof seq);
        out.push_back(seq);
    }
    return out;
}

struct Recorder final : CaptureObserver {
    std::mutex lock;
    std::vector<MonitorSample> samples;
    std::vector<VerifiedFile> verified;
    std::vector<std::string> errors;
    std::atomic<int> sampleCount {0};
    std::function<void(const MonitorSample &)> onSample;
    void sample(const MonitorSample &s) override
    {
        {
            std::lock_guard<std::mutex> l(lock);
            samples.push_back(s);
        }
        ++sampleCount;
        if (onSample)
            onSample(s);
    }
    void fileVerified(const VerifiedFile &f) override { verified.push_back(f); }
    void error(const std::string &text) override { errors.push_back(text); }
    QString firstError() const { return errors.empty() ? QString() : QString::fromStdString(errors.front()); }
};

/// Time running `speed` times faster than the steady clock: waits are that much shorter, and
/// `now` advances that much faster.
class CompressedClock final : public lbs::Clock {
public:
    explicit CompressedClock(double speed) : m_speed(speed), m_t0(lbs::Clock::steady().now()) { }
    double now() const override { return m_t0 + (lbs::Clock::steady().now() - m_t0) * m_speed; }
    void sleepMs(int ms) const override
    {
        std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(ms * 1000 / m_speed)));
    }

private:
    double m_speed;
    double m_t0;
};

} // namespace

class TestCaptureSoak : public QObject {
    Q_OBJECT

private:
    SshdFixture m_sshd;
    QTemporaryDir m_work;

    CaptureRequest request(const QString &name, int port, int sshPort, const QString &knownHosts)
    {
        CaptureRequest rq;
        rq.target.ssh = QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(sshPort).toStdString();
        rq.target.identity = m_sshd.userKey().toStdString();
        rq.target.knownHosts = knownHosts.toStdString();
        rq.target.sshConfig = "none";
        rq.plan.iface = "lo";
        rq.plan.filter = "udp port " + std::to_string(port);
        rq.plan.ringSizeMb = 20;
        rq.plan.ringCount = 2;
        rq.plan.remoteDir = QString(m_work.path() + QStringLiteral("/remote-") + name).toStdString();
        rq.outDir = QString(m_work.path() + QStringLiteral("/out-") + name).toStdString();
        return rq;
    }

    /// Every downloaded file hashes to what the manifest says; the sender's sequence numbers over
    /// the files in capture order. `files` is the manifest's list.
    static std::vector<uint64_t> checkedSequences(
        const std::string &outDir, int port, int *fileCount = nullptr)
    {
        auto record = lbs::pcap::readCaptureRecord(outDir + "/manifest.json");
        if (!record) {
            qWarning("manifest: %s", record.error().toString().c_str());
            return {};
        }
        auto files = record->files;
        std::sort(
            files.begin(), files.end(), [](const auto &a, const auto &b) { return a.firstTs < b.firstTs; });
        if (fileCount)
            *fileCount = int(files.size());
        std::vector<uint64_t> all;
        for (const auto &f : files) {
            const QString path = QString::fromStdString(outDir + "/" + f.name);
            QFile in(path);
            if (!in.open(QIODevice::ReadOnly) || uint64_t(in.size()) != f.size) {
                qWarning("%s: missing or not %llu bytes", qPrintable(path),
                    static_cast<unsigned long long>(f.size));
                return {};
            }
            QCryptographicHash h(QCryptographicHash::Sha256);
            h.addData(&in);
            if (h.result().toHex().toStdString() != f.sha256) {
                qWarning("%s: sha256 differs from the manifest", qPrintable(path));
                return {};
            }
            const auto seqs = sequences(path, port);
            all.insert(all.end(), seqs.begin(), seqs.end());
        }
        return all;
    }

    static qsizetype gaps(const std::vector<uint64_t> &seqs)
    {
        qsizetype n = 0;
        for (std::size_t i = 1; i < seqs.size(); ++i)
            n += seqs[i] != seqs[i - 1] + 1;
        return n;
    }

private slots:
    void initTestCase()
    {
        QString why;
        if (!m_sshd.start(&why))
            QFAIL(qPrintable(why));
        QVERIFY(m_work.isValid());
    }

    void reattachAcrossDrops()
    {
        const int cycles = envInt("LBSCOPE_SOAK_REATTACH", 6);
        TcpRelay relay;
        QVERIFY(relay.start(quint16(m_sshd.port())));
        // The node's real host key, recorded for the relay's port.
        QFile known(m_sshd.knownHosts());
        QVERIFY(known.open(QIODevice::ReadOnly));
        QByteArray lines = known.readAll();
        const QByteArray from = "]:" + QByteArray::number(m_sshd.port());
        const QByteArray to = "]:" + QByteArray::number(relay.port());
        lines.replace(from, to);
        const QString relayedKnown = m_work.filePath(QStringLiteral("known_hosts_relay"));
        QFile out(relayedKnown);
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(lines) == lines.size());
        out.close();

        UdpSender sender(100, 200, UINT64_MAX);
        sender.start();
        CaptureRequest rq = request(QStringLiteral("reattach"), sender.port(), relay.port(), relayedKnown);
        int64_t pid = 0;
        int cut = 0;
        for (int i = 0; i < cycles; ++i) {
            Recorder rec;
            CaptureRequest cycle = rq;
            cycle.reattach = i > 0;
            auto wf = std::make_unique<CaptureWorkflow>(cycle, &rec);
            CaptureOutcome outcome;
            std::atomic<bool> finished {false};
            std::thread worker([&] {
                outcome = wf->run();
                finished = true;
            });
            // The relay lives on this thread's event loop: keep it turning while the workflow runs.
            QTRY_VERIFY_WITH_TIMEOUT(rec.sampleCount >= 1 || finished, 60000);
            if (i % 2 == 1) {
                relay.drop(0); // the connection dies under the monitor
                ++cut;
            } else {
                wf->requestDetach();
            }
            QTRY_VERIFY_WITH_TIMEOUT(finished.load(), 120000);
            worker.join();
            QVERIFY2(outcome.state == CaptureState::detached && outcome.canReattach,
                qPrintable(QStringLiteral("cycle %1 ended %2: %3")
                               .arg(i)
                               .arg(QString::fromLatin1(captureStateName(outcome.state)), rec.firstError())));
            if (i == 0)
                pid = wf->record()->pid;
            QCOMPARE(wf->record()->pid, pid); // the same tcpdump all along
        }
        Recorder last;
        CaptureRequest finish = rq;
        finish.reattach = true;
        finish.plan.durationSec = 1;
        CaptureOutcome outcome;
        std::atomic<bool> finished {false};
        std::thread worker([&] {
            outcome = CaptureWorkflow(finish, &last).run();
            finished = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(finished.load(), 120000);
        worker.join();
        sender.stop();
        QVERIFY2(outcome.ok(), qPrintable(last.firstError()));
        QVERIFY(!findUnfinishedCapture(rq.outDir));
        const auto seqs = checkedSequences(rq.outDir, sender.port());
        QVERIFY2(seqs.size() > uint64_t(cycles), "too few of the test's datagrams were captured");
        QCOMPARE(gaps(seqs), qsizetype(0));
        qInfo("%d re-attaches (%d after a cut connection) over one tcpdump: %zu datagrams captured, "
              "no gap, every file's sha256 as recorded",
            cycles, cut, seqs.size());
    }

    void ringWrapsManyTimes()
    {
        const int wraps = envInt("LBSCOPE_SOAK_WRAPS", 40);
        constexpr int payload = 60000; // ~16 datagrams per million-byte file
        constexpr int ring = 3;
        const uint64_t datagrams = uint64_t(wraps + 1) * ring * 1000000 / (payload + 42) + 1;
        UdpSender sender(payload, 2000, datagrams);
        CaptureRequest rq
            = request(QStringLiteral("ring"), sender.port(), m_sshd.port(), m_sshd.knownHosts());
        rq.plan.ringSizeMb = 1;
        rq.plan.ringCount = ring;
        Recorder rec;
        CaptureWorkflow wf(rq, &rec);
        bool started = false;
        int samplesSinceDone = 0;
        rec.onSample = [&](const MonitorSample &) {
            if (!started) {
                started = true;
                sender.start(); // tcpdump listens: send
            } else if (sender.done() && ++samplesSinceDone == 2) {
                wf.requestStop(); // a second after the last datagram: tcpdump has written it
            }
        };
        const CaptureOutcome outcome = wf.run();
        sender.stop();
        QVERIFY2(outcome.ok(), qPrintable(rec.firstError()));
        int files = 0;
        const auto seqs = checkedSequences(rq.outDir, sender.port(), &files);
        QCOMPARE(files, ring); // only the ring's last three files remain
        QVERIFY(!seqs.empty());
        QCOMPARE(seqs.back(), datagrams - 1); // the newest file ends with the last datagram sent
        QVERIFY2(std::is_sorted(seqs.begin(), seqs.end()), "the files are not in capture order");
        const double wrapped = double(seqs.back()) * (payload + 42) / (ring * 1e6);
        QVERIFY2(wrapped >= wraps, qPrintable(QStringLiteral("the ring wrapped %1 times").arg(wrapped)));
        qInfo("ring of %d x 1 MB wrapped %.0f times (%llu datagrams of %d bytes); the last %zu datagrams "
              "are in the %d remaining files, %lld gap(s) (kernel drops under load)",
            ring, wrapped, static_cast<unsigned long long>(datagrams), payload, seqs.size(), files,
            static_cast<long long>(gaps(seqs)));
    }

    void longDurationOnACompressedClock()
    {
        const int hours = envInt("LBSCOPE_SOAK_HOURS", 1);
        const double speed = 720; // an hour in five seconds
        const CompressedClock clock(speed);
        UdpSender sender(100, 100, UINT64_MAX);
        sender.start();
        CaptureRequest rq
            = request(QStringLiteral("hours"), sender.port(), m_sshd.port(), m_sshd.knownHosts());
        rq.plan.durationSec = hours * 3600.0;
        rq.clock = &clock;
        Recorder rec;
        const auto t0 = std::chrono::steady_clock::now();
        const CaptureOutcome outcome = CaptureWorkflow(rq, &rec).run();
        const double real = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        sender.stop();
        QVERIFY2(outcome.ok(), qPrintable(rec.firstError()));
        QVERIFY(rec.samples.size() > 10);
        for (std::size_t i = 1; i < rec.samples.size(); ++i)
            QVERIFY(rec.samples[i].elapsedSec >= rec.samples[i - 1].elapsedSec);
        const double lastElapsed = rec.samples.back().elapsedSec;
        QVERIFY2(lastElapsed >= rq.plan.durationSec, qPrintable(QString::number(lastElapsed)));
        // stopped at the first sample past the duration: less than two sample intervals after it
        std::vector<double> steps;
        for (std::size_t i = 1; i < rec.samples.size(); ++i)
            steps.push_back(rec.samples[i].elapsedSec - rec.samples[i - 1].elapsedSec);
        std::nth_element(steps.begin(), steps.begin() + long(steps.size() / 2), steps.end());
        const double step = steps[steps.size() / 2];
        QVERIFY2(lastElapsed < rq.plan.durationSec + 2 * step,
            qPrintable(QStringLiteral("stopped at %1 s, samples %2 s apart").arg(lastElapsed).arg(step)));
        const auto seqs = checkedSequences(rq.outDir, sender.port());
        QVERIFY(!seqs.empty());
        QCOMPARE(gaps(seqs), qsizetype(0));
        qInfo("%d h on the compressed clock in %.0f s: %zu samples, stopped at %.0f s, %zu datagrams, no gap",
            hours, real, rec.samples.size(), lastElapsed, seqs.size());
    }
};

QTEST_GUILESS_MAIN(TestCaptureSoak)
#include "tst_capturesoak.moc"
