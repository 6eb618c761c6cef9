// core/capture over SSH against a real local sshd (tests/unit/ssh/sshdfixture): argv transport,
// detached start + signals, byte ranges, resumable sha256-checked downloads, and a real tcpdump
// capture on the loopback interface driven through CaptureSession. No mocks: the "node" is this
// machine, so its files and processes can be checked directly.
#include "core/capture/capturesession.h"
#include "core/capture/sha256.h"
#include "core/capture/sshremotehost.h"
#include "core/pcap/pcaptimes.h"
#include "sshdfixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUuid>

#include <csignal>
#include <unistd.h>

using namespace lbs::capture;

namespace {

bool processGone(int64_t pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return true;
    return f.readAll().contains("State:\tZ");
}

QByteArray randomBytes(qsizetype n)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator gen(42);
    for (qsizetype i = 0; i + 4 <= n; i += 4) {
        const quint32 v = gen.generate();
        memcpy(b.data() + i, &v, 4);
    }
    return b;
}

QByteArray fileSha(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

class CancelAfter final : public lbs::ProgressSink {
public:
    CancelAfter(uint64_t bytes, lbs::CancelToken token) : m_bytes(bytes), m_token(std::move(token)) { }
    void report(const lbs::ProgressEvent &e) override
    {
        if (e.done >= m_bytes)
            m_token.cancel();
    }

private:
    uint64_t m_bytes;
    lbs::CancelToken m_token;
};

} // namespace

class TestSshCapture : public QObject {
    Q_OBJECT

private:
    SshdFixture m_sshd;
    QTemporaryDir m_work;
    std::unique_ptr<SshRemoteHost> m_host;

    std::unique_ptr<SshRemoteHost> connectHost()
    {
        lbs::ssh::SshConnectOptions o;
        o.target.host = "127.0.0.1";
        o.target.port = m_sshd.port();
        o.target.user = m_sshd.user().toStdString();
        o.identityFile = m_sshd.userKey().toStdString();
        o.knownHostsFile = m_sshd.knownHosts().toStdString();
        o.configFile = "none";
        auto h = SshRemoteHost::connect(o, {});
        if (!h)
            qWarning("%s", h.error().toString().c_str());
        return h ? std::move(h.value()) : nullptr;
    }
    QString makeFile(const QString &name, qsizetype size)
    {
        const QString path = m_work.path() + QLatin1Char('/') + name;
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(randomBytes(size));
        return path;
    }

private slots:
    void initTestCase()
    {
        QString why;
        if (!m_sshd.start(&why))
            QFAIL(qPrintable(why));
        m_host = connectHost();
        QVERIFY(m_host);
    }

    void argvIsLiteral()
    {
        const QString marker
            = m_work.path() + QStringLiteral("/pwned-") + QUuid::createUuid().toString(QUuid::Id128);
        const std::string m = marker.toStdString();
        const std::vector<std::string> hostile {"$(touch " + m + ")", "`touch " + m + "`", "; touch " + m,
            "x'; touch " + m + "; '", "a\ntouch " + m};
        for (const auto &h : hostile) {
            auto r = m_host->run({"printf", "%s", h}, {});
            QVERIFY2(r, r ? "" : r.error().toString().c_str());
            QCOMPARE(r->exitCode, 0);
            QCOMPARE(QString::fromStdString(r->out), QString::fromStdString(h));
        }
        QVERIFY(!QFile::exists(marker));
        QVERIFY(!m_host->run({"echo", std::string("a\0b", 3)}, {}));
    }

    void runReportsExitAndStderr()
    {
        auto r = m_host->run({"sh", "-c", "echo out; echo err >&2; exit 4"}, {});
        QVERIFY(r);
        QCOMPARE(r->exitCode, 4);
        QCOMPARE(QString::fromStdString(r->out), QStringLiteral("out\n"));
        QCOMPARE(QString::fromStdString(r->errorSummary()), QStringLiteral("err"));
    }

    void readRange_data()
    {
        QTest::addColumn<qint64>("offset");
        QTest::addColumn<qint64>("length");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("head") << 0ll << 100ll << 100ll;
        QTest::newRow("middle") << 1000ll << 5000ll << 5000ll;
        QTest::newRow("unaligned big") << 12345ll << 700001ll << 700001ll;
        QTest::newRow("tail beyond end") << 1048000ll << 1000ll << 576ll;
        QTest::newRow("whole") << 0ll << 1048576ll << 1048576ll;
        QTest::newRow("past end") << 2000000ll << 10ll << 0ll;
    }
    void readRange()
    {
        QFETCH(qint64, offset);
        QFETCH(qint64, length);
        QFETCH(qint64, expected);
        const QString path = m_work.path() + QStringLiteral("/range.bin");
        if (!QFile::exists(path))
            makeFile(QStringLiteral("range.bin"), 1048576);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray all = f.readAll();
        QByteArray got;
        auto n = m_host->readRange(path.toStdString(), static_cast<uint64_t>(offset),
            static_cast<uint64_t>(length),
            [&](const char *d, std::size_t len) {
                got.append(d, static_cast<qsizetype>(len));
                return true;
            },
            {});
        QVERIFY2(n, n ? "" : n.error().toString().c_str());
        QCOMPARE(static_cast<qint64>(n.value()), expected);
        QCOMPARE(got, all.mid(offset, expected));
    }

    void detachedStartSurvivesAndStopsBySignal()
    {
        const std::string dir = m_work.path().toStdString();
        auto pid = m_host->startDetached({"sleep", "60"}, dir + "/sleep.pid", dir + "/sleep.err", {});
        QVERIFY2(pid, pid ? "" : pid.error().toString().c_str());
        QVERIFY(pid.value() > 1);
        // the launching channel is gone; the process runs in its own session
        QVERIFY(!processGone(pid.value()));
        QCOMPARE(getsid(static_cast<pid_t>(pid.value())), static_cast<pid_t>(pid.value()));
        auto alive = m_host->isAlive(pid.value(), {});
        QVERIFY(alive && alive.value());
        auto sent = m_host->sendSignal(pid.value(), "INT", {});
        QVERIFY(sent && sent.value());
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid.value()), 5000);
        auto again = m_host->isAlive(pid.value(), {});
        QVERIFY2(again && !again.value(), again ? "still alive" : again.error().toString().c_str());
        auto none = m_host->sendSignal(999999999, "INT", {});
        QVERIFY2(none && !none.value(), none ? "signalled a missing pid" : none.error().toString().c_str());
    }

    void downloadResumesAfterCut()
    {
        const QString remote = makeFile(QStringLiteral("big.bin"), 24 * 1024 * 1024 + 17);
        const QString local = m_work.path() + QStringLiteral("/dl/big.bin");
        lbs::CancelToken cancel;
        CancelAfter cutter(5u << 20, cancel);
        DownloadOptions opts;
        opts.rangeBytes = 8u << 20; // several ranges
        auto first = downloadFile(*m_host, remote.toStdString(), local.toStdString(), &cutter, cancel, opts);
        QVERIFY(!first);
        QVERIFY2(first.error().hint.find("resumes") != std::string::npos, first.error().toString().c_str());
        QVERIFY(!QFile::exists(local));
        const qint64 partSize = QFileInfo(local + QStringLiteral(".part")).size();
        QVERIFY2(partSize >= (5 << 20) && partSize < 24 * 1024 * 1024, qPrintable(QString::number(partSize)));

        auto second = downloadFile(*m_host, remote.toStdString(), local.toStdString(), nullptr, {}, opts);
        QVERIFY2(second, second ? "" : second.error().toString().c_str());
        QCOMPARE(static_cast<qint64>(second->resumedFrom), partSize);
        QCOMPARE(second->transferred, second->size - second->resumedFrom);
        QCOMPARE(QByteArray::fromStdString(second->sha256), fileSha(remote));
        QCOMPARE(fileSha(local), fileSha(remote));
        QVERIFY(!QFile::exists(local + QStringLiteral(".part")));

        QVERIFY(!second->times); // random bytes: no packet times vouched for

        auto third = downloadFile(*m_host, remote.toStdString(), local.toStdString(), nullptr, {}, opts);
        QVERIFY(third);
        QVERIFY(third->alreadyComplete);
        QCOMPARE(third->transferred, uint64_t(0));
    }

    void statManyAnswersWhatExists()
    {
        const QString a = makeFile(QStringLiteral("many a.bin"), 1000);
        const QString b = makeFile(QStringLiteral("many\nb.bin"), 2000);
        const QString c = makeFile(QStringLiteral("many-c.bin"), 3000);
        const std::vector<std::string> paths {a.toStdString(), b.toStdString(),
            QString(m_work.path() + QStringLiteral("/missing.bin")).toStdString(), c.toStdString()};
        auto st = statRemoteMany(*m_host, paths, {});
        QVERIFY2(st, st ? "" : st.error().toString().c_str());
        QCOMPARE(st->size(), std::size_t(2)); // the missing file and the one with a newline are left out
        QCOMPARE(st->at(a.toStdString()).size, uint64_t(1000));
        QCOMPARE(st->at(c.toStdString()).size, uint64_t(3000));
        QVERIFY(st->at(c.toStdString()).mtime > 1600000000);
    }

    void staleKnownStatIsCorrected()
    {
        // A listing taken while the file was still growing: the first attempt reads too little, the
        // sha256 disagrees, and the second attempt stats afresh and gets it all.
        const QString remote = makeFile(QStringLiteral("grown.bin"), 3 * 1024 * 1024);
        const QString local = m_work.path() + QStringLiteral("/dl/grown.bin");
        DownloadOptions opts;
        opts.knownStat = RemoteStat {1024 * 1024, QFileInfo(remote).lastModified().toSecsSinceEpoch()};
        auto d = downloadFile(*m_host, remote.toStdString(), local.toStdString(), nullptr, {}, opts);
        QVERIFY2(d, d ? "" : d.error().toString().c_str());
        QCOMPARE(d->size, uint64_t(3 * 1024 * 1024));
        QCOMPARE(fileSha(local), fileSha(remote));
    }

    void downloadScansPacketTimes()
    {
        // A classic pcap (little endian, microseconds) of 30 000 records, cut after 3 MB and resumed:
        // the times scanned from the stream (and from the .part on resume) must equal libpcap's.
        QByteArray pcap;
        const auto put32 = [&pcap](uint32_t v) {
            for (int i = 0; i < 4; ++i)
                pcap.append(static_cast<char>(v >> (8 * i)));
        };
        put32(0xa1b2c3d4);
        put32(0x00040002); // version 2.4
        put32(0);
        put32(0);
        put32(65535);
        put32(1);
        for (uint32_t i = 0; i < 30000; ++i) {
            const uint32_t len = 60 + (i * 7919) % 1400;
            put32(1700000000 + i / 100);
            put32((i % 100) * 10000 + 17);
            put32(len);
            put32(len);
            pcap.append(QByteArray(static_cast<qsizetype>(len), static_cast<char>(i)));
        }
        const QString remote = m_work.path() + QStringLiteral("/scan.pcap");
        QFile f(remote);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(pcap);
        f.close();
        const QString local = m_work.path() + QStringLiteral("/dl/scan.pcap");
        lbs::CancelToken cancel;
        CancelAfter cutter(3u << 20, cancel);
        QVERIFY(!downloadFile(*m_host, remote.toStdString(), local.toStdString(), &cutter, cancel));
        QVERIFY(QFile::exists(local + QStringLiteral(".part")));
        auto d = downloadFile(*m_host, remote.toStdString(), local.toStdString(), nullptr, {});
        QVERIFY2(d, d ? "" : d.error().toString().c_str());
        QVERIFY(d->resumedFrom > 0);
        QVERIFY2(d->times.has_value(), "a classic pcap's times were not scanned while downloading");
        const auto ref = lbs::pcap::readPcapTimes(local.toStdString());
        QVERIFY(ref);
        QCOMPARE(d->times->packets, uint64_t(30000));
        QCOMPARE(d->times->packets, ref->packets);
        QCOMPARE(d->times->firstTs, ref->firstTs);
        QCOMPARE(d->times->lastTs, ref->lastTs);
        QCOMPARE(d->times->truncated, ref->truncated);
    }

    void corruptPartIsRedownloaded()
    {
        const QString remote = makeFile(QStringLiteral("corrupt.bin"), 6 * 1024 * 1024);
        const QString local = m_work.path() + QStringLiteral("/dl/corrupt.bin");
        lbs::CancelToken cancel;
        CancelAfter cutter(2u << 20, cancel);
        QVERIFY(!downloadFile(*m_host, remote.toStdString(), local.toStdString(), &cutter, cancel));
        {
            QFile part(local + QStringLiteral(".part"));
            QVERIFY(part.open(QIODevice::ReadWrite));
            QVERIFY(part.size() > 100);
            part.seek(100);
            char c = 0;
            part.getChar(&c);
            part.seek(100);
            part.putChar(static_cast<char>(c ^ 0x5a));
        }
        auto r = downloadFile(*m_host, remote.toStdString(), local.toStdString(), nullptr, {});
        QVERIFY2(r, r ? "" : r.error().toString().c_str());
        QCOMPARE(fileSha(local), fileSha(remote));
        QCOMPARE(r->transferred, r->size + (r->size - r->resumedFrom)); // resumed once, then all again
    }

    void downloadOfMissingFileSaysSo()
    {
        auto r = downloadFile(
            *m_host, "/nonexistent/lbscope/x.pcap", (m_work.path().toStdString() + "/x"), nullptr, {});
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("/nonexistent/lbscope/x.pcap") != std::string::npos,
            r.error().toString().c_str());
    }

    void captureOnLoopbackEndToEnd()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        CapturePlan plan;
        plan.iface = "lo";
        plan.filter = QStringLiteral("tcp port %1").arg(server.serverPort()).toStdString();
        plan.ringSizeMb = 1;
        plan.ringCount = 3;
        plan.remoteDir = (m_work.path().toStdString() + "/remote");
        plan.name = "loop.pcap";
        plan.service = "test/loop";
        const QString out = m_work.path() + QStringLiteral("/capture-out");
        CaptureSession session(*m_host, plan, out.toStdString());
        auto pre = session.preflight({});
        QVERIFY2(pre, pre ? "" : pre.error().toString().c_str());
        QVERIFY(!pre->tcpdumpVersion.empty());
        QVERIFY(std::find(pre->interfaces.begin(), pre->interfaces.end(), "lo") != pre->interfaces.end());
        auto st = session.start({});
        QVERIFY2(st, st ? "" : st.error().toString().c_str());
        QVERIFY(QFile::exists(out + QStringLiteral("/.lbscope-session.json")));
        const int64_t pid = session.record().pid;
        QVERIFY(!processGone(pid));

        // ~2.5 MB of traffic: enough to rotate 1 MB files
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(client.waitForConnected(3000));
        QVERIFY(server.waitForNewConnection(3000));
        QTcpSocket *peer = server.nextPendingConnection();
        const QByteArray chunk(64 * 1024, 'x');
        qint64 received = 0;
        for (int i = 0; i < 40; ++i) {
            client.write(chunk);
            client.waitForBytesWritten(1000);
            while (peer->waitForReadyRead(50))
                received += peer->readAll().size();
        }
        client.disconnectFromHost();
        QTest::qWait(500);

        auto sample = session.poll({});
        QVERIFY2(sample, sample ? "" : sample.error().toString().c_str());
        QVERIFY(sample->alive);
        QVERIFY(!sample->files.empty());
        QVERIFY(sample->totalBytes > 0);

        QVERIFY(session.stop());
        QVERIFY(processGone(pid));
        QVERIFY(session.record().stats.complete());
        QVERIFY(*session.record().stats.captured > 0);

        auto files = session.download({});
        QVERIFY2(files, files ? "" : files.error().toString().c_str());
        QVERIFY2(files->size() >= 2, "1 MB ring files should have rotated");
        for (const auto &f : files.value()) {
            const QString name = QFileInfo(QString::fromStdString(f.localPath)).fileName();
            QCOMPARE(fileSha(QString::fromStdString(f.localPath)),
                fileSha(QString::fromStdString(plan.remoteDir) + QLatin1Char('/') + name));
        }
        auto manifest = lbs::pcap::readCaptureRecord(out.toStdString() + "/manifest.json");
        QVERIFY(manifest);
        QCOMPARE(QString::fromStdString(manifest->transport), QStringLiteral("ssh"));
        QCOMPARE(QString::fromStdString(manifest->iface), QStringLiteral("lo"));
        QCOMPARE(QString::fromStdString(manifest->filter), QString::fromStdString(plan.filter));
        QVERIFY(manifest->remoteCommand == tcpdumpArgv(plan));
        QVERIFY(!manifest->startTime.empty() && !manifest->stopTime.empty());
        QCOMPARE(manifest->files.size(), files->size());
        uint64_t packets = 0;
        for (std::size_t i = 0; i < manifest->files.size(); ++i) {
            const auto &mf = manifest->files[i];
            QVERIFY(mf.firstTs > 1.6e9 && mf.lastTs >= mf.firstTs);
            QCOMPARE(mf.sha256.size(), std::size_t(64));
            if (i > 0)
                QVERIFY(manifest->files[i - 1].firstTs <= mf.firstTs);
            packets += mf.packets;
        }
        QVERIFY(packets > 0);
        QVERIFY(packets <= *manifest->stats.captured);

        QVERIFY(session.removeRemote());
        QVERIFY(QDir(QString::fromStdString(plan.remoteDir)).entryList(QDir::Files).isEmpty());
    }

    void hostileFilterIsNeverExecuted()
    {
        const QString marker = QStringLiteral("/tmp/pwned-") + QUuid::createUuid().toString(QUuid::Id128);
        const std::string m = marker.toStdString();
        CapturePlan plan;
        plan.iface = "lo";
        plan.filter = "port 80 or $(touch " + m + ") or `touch " + m + "`; touch " + m + " '\"";
        plan.remoteDir = (m_work.path().toStdString() + "/hostile");
        plan.name = "hostile.pcap";
        plan.ringSizeMb = 1;
        plan.ringCount = 1;
        CaptureSession session(*m_host, plan, (m_work.path().toStdString() + "/hostile-out"));
        auto pre = session.preflight({});
        QVERIFY(!pre);
        QVERIFY2(pre.error().message.find("BPF filter") != std::string::npos, pre.error().toString().c_str());
        // even started without preflight, tcpdump gets the text as its filter and refuses it
        auto st = session.start({});
        QVERIFY(!st);
        QVERIFY2(
            st.error().message.find("tcpdump exited") != std::string::npos, st.error().toString().c_str());
        QVERIFY(!QFile::exists(marker));
    }

    void cancelledCaptureLeavesNoTcpdump()
    {
        CapturePlan plan;
        plan.iface = "lo";
        plan.filter = "port 9";
        plan.remoteDir = (m_work.path().toStdString() + "/cancel");
        plan.name = "cancel.pcap";
        plan.ringSizeMb = 1;
        plan.ringCount = 2;
        CaptureSession session(*m_host, plan, (m_work.path().toStdString() + "/cancel-out"));
        auto started = session.start({});
        QVERIFY2(started, started ? "" : started.error().toString().c_str());
        const int64_t pid = session.record().pid;
        QVERIFY(!processGone(pid));
        lbs::CancelToken stop;
        lbs::CancelToken cancel;
        int samples = 0;
        auto r = session.monitorUntilDone(
            stop, cancel,
            [&](const MonitorSample &) {
                if (++samples == 2)
                    cancel.cancel();
            },
            200);
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("cancelled") != std::string::npos, r.error().toString().c_str());
        QVERIFY(processGone(pid));
        QVERIFY(session.removeRemote());
    }

    void reattachAfterConnectionLoss()
    {
        CapturePlan plan;
        plan.iface = "lo";
        plan.remoteDir = (m_work.path().toStdString() + "/attach");
        plan.name = "attach.pcap";
        plan.ringSizeMb = 1;
        plan.ringCount = 2;
        const std::string out = (m_work.path().toStdString() + "/attach-out");
        int64_t pid = 0;
        {
            auto host = connectHost();
            QVERIFY(host);
            CaptureSession session(*host, plan, out);
            auto started = session.start({});
            QVERIFY2(started, started ? "" : started.error().toString().c_str());
            pid = session.record().pid;
        } // the connection is gone; tcpdump keeps running
        QVERIFY(!processGone(pid));
        auto host = connectHost();
        QVERIFY(host);
        auto session = CaptureSession::attach(*host, out);
        QVERIFY2(session, session ? "" : session.error().toString().c_str());
        QCOMPARE(session.value()->record().pid, pid);
        auto s = session.value()->poll({});
        QVERIFY(s && s->alive);
        QVERIFY(session.value()->stop());
        QVERIFY(processGone(pid));
        auto files = session.value()->download({});
        QVERIFY2(files, files ? "" : files.error().toString().c_str());
        QVERIFY(QFile::exists(QString::fromStdString(out) + QStringLiteral("/manifest.json")));
        QVERIFY(session.value()->removeRemote());
    }

    // A session file whose pid now belongs to another process (tcpdump ended, the pid was reused):
    // --attach must never signal it. Here the record points at a `sleep` this test started.
    void attachNeverSignalsAReusedPid()
    {
        CapturePlan plan;
        plan.iface = "lo";
        plan.remoteDir = (m_work.path().toStdString() + "/reused");
        plan.name = "reused.pcap";
        plan.ringSizeMb = 1;
        plan.ringCount = 2;
        const QString out = m_work.path() + QStringLiteral("/reused-out");
        int64_t tcpdumpPid = 0;
        {
            CaptureSession session(*m_host, plan, out.toStdString());
            auto started = session.start({});
            QVERIFY2(started, started ? "" : started.error().toString().c_str());
            tcpdumpPid = session.record().pid;
        }
        // tcpdump ends behind lbscope's back; another process now holds "its" pid
        QCOMPARE(::kill(static_cast<pid_t>(tcpdumpPid), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(processGone(tcpdumpPid), 5000);
        QProcess sleeper;
        sleeper.start(QStringLiteral("sleep"), {QStringLiteral("60")});
        QVERIFY(sleeper.waitForStarted(5000));
        const qint64 other = sleeper.processId();
        const QString stateFile = out + QStringLiteral("/.lbscope-session.json");
        QFile f(stateFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject rec = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QVERIFY2(rec.contains(QStringLiteral("pid")), "the session file has no pid field");
        rec.insert(QStringLiteral("pid"), other);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(rec).toJson());
        f.close();

        auto host = connectHost();
        QVERIFY(host);
        auto session = CaptureSession::attach(*host, out.toStdString());
        QVERIFY2(session, session ? "" : session.error().toString().c_str());
        QCOMPARE(session.value()->record().pid, static_cast<int64_t>(other));
        const auto &w = session.value()->record().warnings;
        const std::string expected
            = "pid " + std::to_string(other) + " is now 'sleep', not the capture's tcpdump";
        QVERIFY2(std::any_of(w.begin(), w.end(),
                     [&](const std::string &x) { return x.find(expected) != std::string::npos; }),
            w.empty() ? "no warning" : w.back().c_str());
        auto sample = session.value()->poll({});
        QVERIFY2(sample, sample ? "" : sample.error().toString().c_str());
        QVERIFY(!sample->alive); // our tcpdump ended: monitoring stops and goes to the download
        auto st = session.value()->stop();
        QVERIFY2(st, st ? "" : st.error().toString().c_str());
        QTest::qWait(300);
        QCOMPARE(sleeper.state(), QProcess::Running); // never signalled
        QVERIFY(!processGone(other));
        auto files = session.value()->download({});
        QVERIFY2(files, files ? "" : files.error().toString().c_str());
        QVERIFY(session.value()->removeRemote());
        sleeper.kill();
        sleeper.waitForFinished(5000);
    }

    // Preflight refusing after its `mkdir -p` removes the directories it created, and only those.
    void refusedPreflightRemovesItsDirectory_data()
    {
        QTest::addColumn<QString>("refusal"); // "filter" or "disk"
        QTest::addColumn<bool>("existed");
        QTest::newRow("bad filter, new nested dir") << QStringLiteral("filter") << false;
        QTest::newRow("ring too big, new nested dir") << QStringLiteral("disk") << false;
        QTest::newRow("bad filter, existing dir kept") << QStringLiteral("filter") << true;
    }
    void refusedPreflightRemovesItsDirectory()
    {
        QFETCH(QString, refusal);
        QFETCH(bool, existed);
        const QString top
            = m_work.path() + QStringLiteral("/pf-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        const QString dir = top + QStringLiteral("/a/b");
        if (existed) {
            QVERIFY(QDir().mkpath(dir));
            QFile keep(dir + QStringLiteral("/keep"));
            QVERIFY(keep.open(QIODevice::WriteOnly));
        }
        CapturePlan plan;
        plan.iface = "lo";
        plan.remoteDir = dir.toStdString();
        plan.name = "pf.pcap";
        plan.ringSizeMb = 1;
        plan.ringCount = 1;
        if (refusal == QStringLiteral("filter"))
            plan.filter = "this is no filter";
        else {
            plan.ringSizeMb = 100000; // 100 GB x 100: more than any test machine has free
            plan.ringCount = 100;
        }
        CaptureSession session(*m_host, plan, m_work.path().toStdString() + "/pf-out");
        auto pre = session.preflight({});
        QVERIFY(!pre);
        const std::string why = refusal == QStringLiteral("filter") ? "BPF filter" : "not enough free disk";
        QVERIFY2(pre.error().message.find(why) != std::string::npos, pre.error().toString().c_str());
        if (existed) {
            QVERIFY(QFile::exists(dir + QStringLiteral("/keep")));
        } else {
            QVERIFY2(!QFileInfo::exists(top), qPrintable(top + QStringLiteral(" was left behind")));
            QVERIFY(QFileInfo::exists(m_work.path())); // only what preflight made is gone
        }
    }
};

QTEST_GUILESS_MAIN(TestSshCapture)
#include "tst_sshcapture.moc"
