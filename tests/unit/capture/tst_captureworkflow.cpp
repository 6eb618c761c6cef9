// The capture workflow driven step by step over a real local sshd (tests/unit/ssh/sshdfixture) with
// the real tcpdump on the loopback interface: the observer's states in order, tcpdump's counters in
// the samples while it runs (SIGUSR1), abort while capturing, detach and a re-attach that completes.
#include "core/capture/captureworkflow.h"
#include "sshdfixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace lbs::capture;

namespace {

bool processGone(int64_t pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return true;
    return f.readAll().contains("State:\tZ");
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

struct Recorder final : CaptureObserver {
    std::vector<CaptureState> states;
    std::vector<MonitorSample> samples;
    std::vector<VerifiedFile> verified;
    std::vector<std::string> errors;
    std::function<void(const MonitorSample &)> onSample;
    void stateChanged(CaptureState state, const std::string &) override { states.push_back(state); }
    void sample(const MonitorSample &s) override
    {
        samples.push_back(s);
        if (onSample)
            onSample(s);
    }
    void fileVerified(const VerifiedFile &f) override { verified.push_back(f); }
    void error(const std::string &text) override { errors.push_back(text); }
    QString stateNames() const
    {
        QStringList names;
        for (auto s : states)
            names << QString::fromLatin1(captureStateName(s));
        return names.join(QLatin1Char(','));
    }
};

} // namespace

class TestCaptureWorkflow : public QObject {
    Q_OBJECT

private:
    SshdFixture m_sshd;
    QTemporaryDir m_work;

    CaptureRequest request(const QString &name, double durationSec)
    {
        CaptureRequest rq;
        rq.target.ssh = QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()).toStdString();
        rq.target.identity = m_sshd.userKey().toStdString();
        rq.target.knownHosts = m_sshd.knownHosts().toStdString();
        rq.target.sshConfig = "none";
        rq.plan.iface = "lo"; // no filter: the session's own SSH traffic is captured
        rq.plan.ringSizeMb = 20;
        rq.plan.ringCount = 2;
        rq.plan.remoteDir = QString(m_work.path() + QStringLiteral("/remote-") + name).toStdString();
        rq.plan.durationSec = durationSec;
        rq.outDir = QString(m_work.path() + QStringLiteral("/out-") + name).toStdString();
        return rq;
    }
    static QStringList remoteFiles(const CaptureRequest &rq)
    {
        return QDir(QString::fromStdString(rq.plan.remoteDir)).entryList(QDir::Files);
    }

private slots:
    void initTestCase()
    {
        QString why;
        if (!m_sshd.start(&why))
            QFAIL(qPrintable(why));
    }

    void stateNamesAreStable_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("name");
        QTest::newRow("locating") << int(CaptureState::locating) << QStringLiteral("locating");
        QTest::newRow("scheduling") << int(CaptureState::scheduling) << QStringLiteral("scheduling");
        QTest::newRow("capturing") << int(CaptureState::capturing) << QStringLiteral("capturing");
        QTest::newRow("verified") << int(CaptureState::verified) << QStringLiteral("verified");
        QTest::newRow("detached") << int(CaptureState::detached) << QStringLiteral("detached");
    }
    void stateNamesAreStable()
    {
        QFETCH(int, state);
        QFETCH(QString, name);
        QCOMPARE(QString::fromLatin1(captureStateName(static_cast<CaptureState>(state))), name);
    }

    void stepByStepInOrderWithCounters()
    {
        Recorder rec;
        const CaptureRequest rq = request(QStringLiteral("steps"), 3);
        CaptureWorkflow wf(rq, &rec);
        QVERIFY(wf.locate()); // no service: nothing to do
        auto c = wf.connect();
        QVERIFY2(c, c ? "" : c.error().toString().c_str());
        auto k = wf.check();
        QVERIFY2(k, k ? "" : k.error().toString().c_str());
        QVERIFY(wf.start());
        const int64_t pid = wf.record()->pid;
        QVERIFY(!processGone(pid));
        auto m = wf.monitor();
        QVERIFY2(m, m ? "" : m.error().toString().c_str());
        QVERIFY(processGone(pid));
        auto d = wf.download();
        QVERIFY2(d, d ? "" : d.error().toString().c_str());
        wf.cleanup();
        QCOMPARE(rec.stateNames(),
            QStringLiteral("connecting,checking,starting,capturing,stopping,downloading,verified"));
        QVERIFY(wf.outcome().ok());
        QVERIFY(rec.errors.empty());
        // tcpdump's counters while it runs, from its SIGUSR1 reports
        bool counted = false;
        for (const auto &s : rec.samples)
            counted = counted
                || (s.alive && s.counters.captured && *s.counters.captured > 0 && s.counters.droppedByKernel);
        QVERIFY2(counted, "no sample carried tcpdump's counters while it ran");
        QVERIFY(!rec.verified.empty());
        for (const auto &f : rec.verified)
            QCOMPARE(fileSha(QString::fromStdString(f.localPath)), QByteArray::fromStdString(f.sha256));
        QVERIFY(QFile::exists(QString::fromStdString(wf.outcome().manifestPath)));
        QVERIFY(!findUnfinishedCapture(rq.outDir));
    }

    void abortWhileCapturingLeavesNothing()
    {
        Recorder rec;
        const CaptureRequest rq = request(QStringLiteral("abort"), 0);
        CaptureWorkflow wf(rq, &rec);
        rec.onSample = [&](const MonitorSample &s) {
            if (s.elapsedSec >= 1)
                wf.requestAbort();
        };
        QVERIFY(wf.connect());
        QVERIFY(wf.check());
        QVERIFY(wf.start());
        const int64_t pid = wf.record()->pid;
        QVERIFY(!remoteFiles(rq).isEmpty());
        QVERIFY(!wf.monitor());
        wf.cleanup();
        QCOMPARE(wf.state(), CaptureState::aborted);
        QVERIFY(wf.outcome().interrupted);
        QVERIFY(processGone(pid));
        QVERIFY2(remoteFiles(rq).isEmpty(), qPrintable(remoteFiles(rq).join(QLatin1Char(' '))));
        QVERIFY(rec.stateNames().endsWith(QStringLiteral("capturing,stopping,aborted")));
    }

    void detachThenReattachCompletes()
    {
        Recorder rec;
        CaptureRequest rq = request(QStringLiteral("detach"), 0);
        int64_t pid = 0;
        {
            CaptureWorkflow wf(rq, &rec);
            rec.onSample = [&](const MonitorSample &) {
                if (rec.samples.size() >= 2)
                    wf.requestDetach();
            };
            const auto outcome = wf.run();
            QCOMPARE(outcome.state, CaptureState::detached);
            QVERIFY(outcome.canReattach);
            QVERIFY(!outcome.ok());
            pid = wf.record()->pid;
        }
        QVERIFY(!processGone(pid)); // tcpdump keeps running without us
        const auto unfinished = findUnfinishedCapture(rq.outDir);
        QVERIFY(unfinished);
        QCOMPARE(unfinished->pid, pid);
        QCOMPARE(QString::fromStdString(unfinished->state), QStringLiteral("running"));

        Recorder again;
        CaptureRequest re;
        re.target = rq.target;
        re.outDir = rq.outDir;
        re.reattach = true;
        re.plan.durationSec = 2;
        CaptureWorkflow second(re, &again);
        const auto outcome = second.run();
        QVERIFY2(outcome.ok(), again.errors.empty() ? "" : again.errors.front().c_str());
        QCOMPARE(again.stateNames(), QStringLiteral("connecting,capturing,stopping,downloading,verified"));
        QVERIFY(processGone(pid));
        QVERIFY(!again.samples.empty());
        QVERIFY(!again.verified.empty());
        QVERIFY(QFile::exists(QString::fromStdString(outcome.manifestPath)));
        QVERIFY(!findUnfinishedCapture(rq.outDir));
    }
};

QTEST_GUILESS_MAIN(TestCaptureWorkflow)
#include "tst_captureworkflow.moc"
