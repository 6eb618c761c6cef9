// Unit tests for core/ssh against a real sshd on 127.0.0.1 (no mocks).
#include "core/ssh/sshchannel.h"
#include "core/ssh/sshsession.h"
#include "sshdfixture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <thread>

using namespace lbs::ssh;

namespace {
// Gone, or a zombie nobody reaps (orphans of a container whose init does not wait).
bool processGone(pid_t pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return true;
    return f.readAll().contains("State:\tZ");
}
} // namespace

class TestSshSession : public QObject {
    Q_OBJECT

private:
    SshdFixture m_sshd;
    SshConnectOptions options(const QString &knownHosts) const
    {
        SshConnectOptions o;
        o.target.host = "127.0.0.1";
        o.target.port = m_sshd.port();
        o.target.user = m_sshd.user().toStdString();
        o.identityFile = m_sshd.userKey().toStdString();
        o.knownHostsFile = knownHosts.toStdString();
        o.configFile = "none";
        o.connectTimeoutSec = 10;
        return o;
    }
    std::unique_ptr<SshSession> connectOk()
    {
        auto s = SshSession::connect(options(m_sshd.knownHosts()), {});
        if (!s)
            qWarning("%s", s.error().toString().c_str());
        return s ? std::move(s.value()) : nullptr;
    }

private slots:
    void initTestCase()
    {
        QString why;
        if (!m_sshd.start(&why))
            QFAIL(qPrintable(why));
    }

    void endpointParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("host") << "node1" << true << ""
                              << "node1" << 0;
        QTest::newRow("user@host:port") << "root@10.0.0.1:2201" << true << "root"
                                        << "10.0.0.1" << 2201;
        QTest::newRow("ipv6") << "u@[::1]:22" << true << "u"
                              << "::1" << 22;
        QTest::newRow("bad port") << "u@h:99999" << false << ""
                                  << "" << 0;
        QTest::newRow("empty port") << "u@h:" << false << ""
                                    << "" << 0;
        QTest::newRow("semicolon") << "u@h;touch x" << false << ""
                                   << "" << 0;
        QTest::newRow("quote in user") << "u'x@h" << false << ""
                                       << "" << 0;
        QTest::newRow("empty host") << "u@" << false << ""
                                    << "" << 0;
        QTest::newRow("option injection") << "-oProxyCommand=x" << false << ""
                                          << "" << 0;
    }
    void endpointParse()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        auto r = SshEndpoint::parse(text.toStdString());
        QCOMPARE(r.ok(), ok);
        if (ok) {
            QFETCH(QString, user);
            QFETCH(QString, host);
            QFETCH(int, port);
            QCOMPARE(QString::fromStdString(r->user), user);
            QCOMPARE(QString::fromStdString(r->host), host);
            QCOMPARE(r->port, port);
        }
    }

    void knownHostAccepted()
    {
        auto s = connectOk();
        QVERIFY(s);
        QVERIFY(QString::fromStdString(s->hostKeyFingerprint()).startsWith(QStringLiteral("SHA256:")));
    }

    void unknownHostRefused()
    {
        auto s = SshSession::connect(options(m_sshd.emptyKnownHosts()), {});
        QVERIFY(!s);
        const QString msg = QString::fromStdString(s.error().toString());
        QVERIFY2(msg.contains(QStringLiteral("unknown host key")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("SHA256:")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("--accept-new-host-key")), qPrintable(msg));
        QVERIFY(!QFile::exists(m_sshd.emptyKnownHosts()) || QFile(m_sshd.emptyKnownHosts()).size() == 0);
    }

    void unknownHostAcceptedWithFlag()
    {
        const QString kh = m_sshd.dir() + QStringLiteral("/known_hosts_accept");
        auto o = options(kh);
        o.acceptNewHostKey = true;
        auto s = SshSession::connect(o, {});
        QVERIFY2(s, s ? "" : s.error().toString().c_str());
        QVERIFY(QFile(kh).size() > 0);
        // recorded: a second connection without the flag is trusted
        auto again = SshSession::connect(options(kh), {});
        QVERIFY2(again, again ? "" : again.error().toString().c_str());
    }

    void unknownHostAskedForConfirmation_data()
    {
        QTest::addColumn<bool>("answer");
        QTest::newRow("user accepts the fingerprint") << true;
        QTest::newRow("user declines") << false;
    }

    void unknownHostAskedForConfirmation()
    {
        QFETCH(bool, answer);
        const QString kh = m_sshd.dir() + QStringLiteral("/known_hosts_ask_") + QString::number(answer);
        QFile::remove(kh);
        auto o = options(kh);
        int asked = 0;
        std::string shownFingerprint, shownFile;
        o.confirmNewHostKey = [&](const std::string &, const std::string &fp, const std::string &file) {
            ++asked;
            shownFingerprint = fp;
            shownFile = file;
            return answer;
        };
        auto s = SshSession::connect(o, {});
        QCOMPARE(asked, 1);
        QVERIFY(QString::fromStdString(shownFingerprint).startsWith(QStringLiteral("SHA256:")));
        QCOMPARE(QString::fromStdString(shownFile), kh);
        QCOMPARE(bool(s), answer);
        QCOMPARE(QFile(kh).exists() && QFile(kh).size() > 0, answer);
        if (answer) {
            QCOMPARE(QString::fromStdString(s.value()->hostKeyFingerprint()),
                QString::fromStdString(shownFingerprint));
            o.confirmNewHostKey = [&](const std::string &, const std::string &, const std::string &) {
                ++asked;
                return false;
            };
            QVERIFY(SshSession::connect(o, {})); // recorded: not asked again
            QCOMPARE(asked, 1);
        }
    }

    void changedHostNeverAsked()
    {
        auto o = options(m_sshd.wrongKnownHosts());
        bool asked = false;
        o.confirmNewHostKey = [&](const std::string &, const std::string &, const std::string &) {
            asked = true;
            return true;
        };
        auto s = SshSession::connect(o, {});
        QVERIFY(!s);
        QVERIFY(!asked);
        QVERIFY(QString::fromStdString(s.error().toString()).contains(QStringLiteral("HOST KEY CHANGED")));
    }

    void changedHostRefusedEvenWithFlag()
    {
        auto o = options(m_sshd.wrongKnownHosts());
        o.acceptNewHostKey = true;
        auto s = SshSession::connect(o, {});
        QVERIFY(!s);
        const QString msg = QString::fromStdString(s.error().toString());
        QVERIFY2(msg.contains(QStringLiteral("HOST KEY CHANGED")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("SHA256:")), qPrintable(msg));
    }

    void wrongKeyRefused()
    {
        auto o = options(m_sshd.knownHosts());
        o.identityFile = m_sshd.strangerKey().toStdString();
        auto s = SshSession::connect(o, {});
        QVERIFY(!s);
        QVERIFY2(
            s.error().message.find("permission denied") != std::string::npos, s.error().toString().c_str());
    }

    void passphraseProtectedKey_data()
    {
        QTest::addColumn<QString>("given"); // what the passphrase callback answers
        QTest::addColumn<bool>("ok");
        QTest::newRow("right passphrase") << QStringLiteral("correct horse") << true;
        QTest::newRow("wrong passphrase") << QStringLiteral("battery staple") << false;
        QTest::newRow("no answer") << QString() << false;
    }
    void passphraseProtectedKey()
    {
        QFETCH(QString, given);
        QFETCH(bool, ok);
        // The fixture's user key, re-encrypted under a passphrase: the server accepts the key, so only the
        // passphrase decides.
        const QString enc = m_sshd.dir() + QStringLiteral("/id_user_enc");
        QFile::remove(enc);
        QVERIFY(QFile::copy(m_sshd.userKey(), enc));
        QFile::setPermissions(enc, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"),
            {QStringLiteral("-q"), QStringLiteral("-p"), QStringLiteral("-P"), QString(),
                QStringLiteral("-N"), QStringLiteral("correct horse"), QStringLiteral("-f"), enc});
        QVERIFY(keygen.waitForFinished(20000) && keygen.exitCode() == 0);
        auto o = options(m_sshd.knownHosts());
        o.identityFile = enc.toStdString();
        int asked = 0;
        std::string prompt;
        o.passphrase = [&](const std::string &p) {
            ++asked;
            prompt = p;
            return given.toStdString();
        };
        auto s = SshSession::connect(o, {});
        QCOMPARE(s.ok(), ok);
        QVERIFY2(asked >= 1, "the passphrase callback was never asked");
        QVERIFY(!prompt.empty());
        if (!ok)
            QVERIFY2(s.error().message.find("cannot read the private key") != std::string::npos
                    && s.error().hint.find("passphrase") != std::string::npos,
                s.error().toString().c_str());
    }

    void agentKeyIsUsed()
    {
        // No --identity: the key comes from a real ssh-agent holding the fixture's user key (not on disk in
        // ~/.ssh). Without the agent the same connect is refused, so it was the agent that logged in.
        const QString sock = m_sshd.dir() + QStringLiteral("/agent.sock");
        QProcess agent;
        agent.start(QStringLiteral("ssh-agent"), {QStringLiteral("-D"), QStringLiteral("-a"), sock});
        QVERIFY(agent.waitForStarted(5000));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(sock), 5000);
        struct StopAgent {
            QProcess &p;
            ~StopAgent()
            {
                p.kill();
                p.waitForFinished(5000);
            }
        } stop {agent};
        QProcess add;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SSH_AUTH_SOCK"), sock);
        add.setProcessEnvironment(env);
        add.start(QStringLiteral("ssh-add"), {QStringLiteral("-q"), m_sshd.userKey()});
        QVERIFY(add.waitForFinished(10000) && add.exitCode() == 0);

        const QByteArray saved = qgetenv("SSH_AUTH_SOCK");
        const QByteArray savedHome = qgetenv("HOME");
        qputenv("HOME", m_sshd.dir().toUtf8()); // no ~/.ssh/id_* of the machine's user in play
        auto o = options(m_sshd.knownHosts());
        o.identityFile.clear();
        qputenv("SSH_AUTH_SOCK", sock.toUtf8());
        auto withAgent = SshSession::connect(o, {});
        qunsetenv("SSH_AUTH_SOCK");
        auto withoutAgent = SshSession::connect(o, {});
        qputenv("HOME", savedHome);
        if (saved.isNull())
            qunsetenv("SSH_AUTH_SOCK");
        else
            qputenv("SSH_AUTH_SOCK", saved);
        QVERIFY2(withAgent, withAgent ? "" : withAgent.error().toString().c_str());
        QVERIFY(!withoutAgent);
        QVERIFY2(withoutAgent.error().message.find("accepted none of the keys") != std::string::npos,
            withoutAgent.error().toString().c_str());
    }

    void missingKeyFile()
    {
        auto o = options(m_sshd.knownHosts());
        o.identityFile = m_sshd.dir().toStdString() + "/nope";
        auto s = SshSession::connect(o, {});
        QVERIFY(!s);
        QVERIFY2(s.error().message.find("cannot read the private key") != std::string::npos,
            s.error().toString().c_str());
    }

    void connectionRefused()
    {
        auto o = options(m_sshd.knownHosts());
        o.target.port = 1; // nothing listens there
        auto s = SshSession::connect(o, {});
        QVERIFY(!s);
        QVERIFY2(s.error().message.find("cannot connect") != std::string::npos, s.error().toString().c_str());
    }

    void execExitCodes_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("out");
        QTest::addColumn<QString>("err");
        QTest::newRow("true") << "true" << 0 << ""
                              << "";
        QTest::newRow("exit 3") << "exit 3" << 3 << ""
                                << "";
        QTest::newRow("streams") << "echo hi; echo oops >&2; exit 7" << 7 << "hi\n"
                                 << "oops\n";
        QTest::newRow("missing") << "no-such-command-lbscope" << 127 << ""
                                 << "";
        QTest::newRow("stdin closed") << "cat; echo done" << 0 << "done\n"
                                      << "";
    }
    void execExitCodes()
    {
        QFETCH(QString, command);
        QFETCH(int, code);
        QFETCH(QString, out);
        QFETCH(QString, err);
        auto s = connectOk();
        QVERIFY(s);
        auto ch = SshChannel::exec(*s, command.toStdString());
        QVERIFY(ch);
        auto r = ch.value()->finish(nullptr, {}, {});
        QVERIFY2(r, r ? "" : r.error().toString().c_str());
        QCOMPARE(r->exitCode, code);
        QCOMPARE(QString::fromStdString(r->out), out);
        if (!err.isEmpty())
            QCOMPARE(QString::fromStdString(r->err), err);
    }

    void boundedOutput()
    {
        auto s = connectOk();
        QVERIFY(s);
        auto ch = SshChannel::exec(*s, "head -c 100000 /dev/zero");
        QVERIFY(ch);
        ExecLimits lim;
        lim.maxOut = 1000;
        auto r = ch.value()->finish(nullptr, lim, {});
        QVERIFY(r);
        QCOMPARE(r->out.size(), std::size_t(1000));
        QVERIFY(r->outTruncated);
        QCOMPARE(r->exitCode, 0);
    }

    // OpenSSH refuses channel signals for root logins ("session signalling requires privilege
    // separation") and delivers them as the login user otherwise, so lbscope signals with `kill`
    // from a second session. This checks that path and that the first channel reports the signal.
    void signalFromSecondSession()
    {
        auto s = connectOk();
        auto s2 = connectOk();
        QVERIFY(s && s2);
        const std::string pidFile = m_sshd.dir().toStdString() + "/signal.pid";
        auto ch = SshChannel::exec(*s, "echo $$ > '" + pidFile + "'; exec sleep 30");
        QVERIFY(ch);
        std::string killError;
        std::thread killer([&] {
            for (int i = 0; i < 200 && !QFile::exists(QString::fromStdString(pidFile)); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            auto k = SshChannel::exec(*s2, "kill -INT $(cat '" + pidFile + "')");
            if (!k) {
                killError = k.error().toString();
                return;
            }
            auto r = k.value()->finish(nullptr, {}, {});
            if (!r || r->exitCode != 0)
                killError = r ? r->err : r.error().toString();
        });
        QElapsedTimer t;
        t.start();
        auto r = ch.value()->finish(nullptr, {}, {});
        killer.join();
        QVERIFY2(killError.empty(), killError.c_str());
        QVERIFY2(r, r ? "" : r.error().toString().c_str());
        QVERIFY(t.elapsed() < 20000);
        QVERIFY2(r->exitSignal == "INT" || r->exitCode == 130,
            qPrintable(QStringLiteral("code %1 signal %2")
                           .arg(r->exitCode)
                           .arg(QString::fromStdString(r->exitSignal))));
    }

    void cancelClosesChannel()
    {
        auto s = connectOk();
        QVERIFY(s);
        const QString pidFile = m_sshd.dir() + QStringLiteral("/cancel.pid");
        auto ch = SshChannel::exec(*s, "echo $$ > '" + pidFile.toStdString() + "'; exec cat /dev/zero");
        QVERIFY(ch);
        lbs::CancelToken cancel;
        std::thread killer([cancel, pidFile] {
            for (int i = 0; i < 200 && !QFile::exists(pidFile); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            cancel.cancel();
        });
        QElapsedTimer t;
        std::size_t got = 0;
        qint64 cancelledAt = -1;
        auto r = ch.value()->finish(
            [&](const char *, std::size_t n) {
                got += n;
                if (cancel.isCancelled() && cancelledAt < 0) {
                    cancelledAt = 0;
                    t.start();
                }
                return true;
            },
            {}, cancel);
        killer.join();
        QVERIFY(!r);
        QVERIFY(got > 0);
        QVERIFY2(!t.isValid() || t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
        QVERIFY2(r.error().message.find("cancelled") != std::string::npos, r.error().toString().c_str());
        QCOMPARE(lbs::errorKindName(r.error().kind), lbs::errorKindName(lbs::ErrorKind::Cancelled));
        // the remote writer dies of SIGPIPE once the channel is closed (sshd runs locally: look directly)
        QFile f(pidFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const pid_t pid = f.readAll().trimmed().toInt();
        QVERIFY(pid > 1);
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid), 10000);
        // the session still works after a cancelled channel
        auto again = SshChannel::exec(*s, "echo ok");
        QVERIFY(again);
        auto r2 = again.value()->finish(nullptr, {}, {});
        QVERIFY(r2);
        QCOMPARE(QString::fromStdString(r2->out), QStringLiteral("ok\n"));
    }

    void timeoutAborts()
    {
        auto s = connectOk();
        QVERIFY(s);
        auto ch = SshChannel::exec(*s, "sleep 20");
        QVERIFY(ch);
        ExecLimits lim;
        lim.timeoutMs = 500;
        QElapsedTimer t;
        t.start();
        auto r = ch.value()->finish(nullptr, lim, {});
        QVERIFY(!r);
        QVERIFY(t.elapsed() < 3000);
        QVERIFY2(r.error().message.find("did not finish") != std::string::npos, r.error().toString().c_str());
    }

    void jumpHostInProcess()
    {
        auto o = options(m_sshd.knownHosts());
        SshEndpoint j;
        j.host = "127.0.0.1";
        j.port = m_sshd.port();
        j.user = m_sshd.user().toStdString();
        o.jump = j;
        auto s = SshSession::connect(o, {});
        QVERIFY2(s, s ? "" : s.error().toString().c_str());
        QVERIFY(s.value()->describe().find(" via ") != std::string::npos);
        // a large transfer through the relay arrives intact
        auto ch = SshChannel::exec(*s.value(), "head -c 3000000 /dev/zero | tr '\\0' x");
        QVERIFY(ch);
        std::size_t n = 0;
        bool allX = true;
        auto r = ch.value()->finish(
            [&](const char *d, std::size_t len) {
                for (std::size_t i = 0; i < len; ++i)
                    allX = allX && d[i] == 'x';
                n += len;
                return true;
            },
            {}, {});
        QVERIFY2(r, r ? "" : r.error().toString().c_str());
        QCOMPARE(n, std::size_t(3000000));
        QVERIFY(allX);
    }

    void configNoneReadsNoConfig_data()
    {
        QTest::addColumn<QString>("configFile");
        QTest::addColumn<bool>("reachesSshd");
        QTest::newRow("none") << QStringLiteral("none") << true;
        QTest::newRow("default") << QString() << false; // proves the poisoned default config is live
    }
    void configNoneReadsNoConfig()
    {
        // A default config (in a private ssh dir: libssh takes ~ from the password database, not $HOME)
        // that breaks every connection: "none" must not read it, not even inside ssh_connect().
        QFETCH(QString, configFile);
        QFETCH(bool, reachesSshd);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile f(dir.path() + QStringLiteral("/config"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Host *\n  ProxyCommand /bin/false\n  Port 1\n  User no-such-user-h19\n");
        f.close();
        SshConnectOptions o = options(m_sshd.knownHosts());
        o.sshDir = dir.path().toStdString();
        o.configFile = configFile.toStdString();
        auto s = SshSession::connect(o, {});
        QCOMPARE(bool(s), reachesSshd);
        if (s)
            QCOMPARE(QString::fromStdString(s.value()->user()), m_sshd.user());
    }

    void sshConfigHostAliasAndProxyJump()
    {
        const QString cfg = m_sshd.dir() + QStringLiteral("/ssh_config");
        QFile f(cfg);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("Host labnode\n  HostName 127.0.0.1\n  Port %1\n  User %2\n  IdentityFile %3\n"
                               "Host viajump\n  HostName 127.0.0.1\n  Port %1\n  User %2\n  IdentityFile %3\n"
                               "  ProxyJump %2@127.0.0.1:%1\nHost 127.0.0.1\n  IdentityFile %3\n")
                    .arg(m_sshd.port())
                    .arg(m_sshd.user(), m_sshd.userKey())
                    .toUtf8());
        f.close();
        for (const char *alias : {"labnode", "viajump"}) {
            SshConnectOptions o;
            o.target.host = alias;
            o.configFile = cfg.toStdString();
            o.knownHostsFile = m_sshd.knownHosts().toStdString();
            auto s = SshSession::connect(o, {});
            QVERIFY2(s, s ? "" : s.error().toString().c_str());
            QCOMPARE(QString::fromStdString(s.value()->user()), m_sshd.user());
            if (QByteArray(alias) == "viajump")
                QVERIFY2(
                    s.value()->describe().find(" via ") != std::string::npos, s.value()->describe().c_str());
            auto ch = SshChannel::exec(*s.value(), "echo $((6*7))");
            QVERIFY(ch);
            auto r = ch.value()->finish(nullptr, {}, {});
            QVERIFY(r);
            QCOMPARE(QString::fromStdString(r->out), QStringLiteral("42\n"));
        }
    }
};

QTEST_GUILESS_MAIN(TestSshSession)
#include "tst_sshsession.moc"
