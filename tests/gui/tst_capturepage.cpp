// The capture page (ui/capture) over SSH to a local sshd with the real tcpdump on lo.
#include "screenshot.h"
#include "sshdfixture.h"
#include "ui/app/mainwindow.h"
#include "ui/capture/capturecontroller.h"
#include "ui/capture/capturepage.h"
#include "ui/capture/captureplanform.h"
#include "ui/capture/capturetabs.h"
#include "ui/capture/sparkline.h"
#include "ui/cluster/clusterview.h"
#include "ui/cluster/hostkeyprompt.h"
#include "ui/cluster/passphraseprompt.h"
#include "ui/cluster/secretstore.h"
#include "ui/cluster/sshnodedialog.h"
#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace lbs::ui;
using lbs::capture::CaptureState;

namespace {

/// The longest gap between ticks of a 10 ms timer while it runs: how long the GUI thread stalled.
class StallMeter {
public:
    StallMeter()
    {
        m_timer.setInterval(10);
        QObject::connect(
            &m_timer, &QTimer::timeout, [this] { m_longest = std::max(m_longest, m_clock.restart()); });
        m_clock.start();
        m_timer.start();
    }
    qint64 longest() const { return m_longest; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longest = 0;
};

bool tcpdumpRunsFor(const QString &needle)
{
    QProcess p;
    p.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("tcpdump.*") + needle});
    p.waitForFinished(5000);
    return p.exitCode() == 0;
}

/// A keychain in memory: what the page reads and writes, asynchronously like the real one.
class MemoryKeychain : public SecretStore {
public:
    QHash<QString, QString> entries;
    int writes = 0;
    void readPassphrase(const QString &identityFile,
        std::function<void(bool, const QString &, const QString &)> done) override
    {
        QTimer::singleShot(0, this, [this, identityFile, done] {
            done(entries.contains(identityFile), entries.value(identityFile), QString());
        });
    }
    void writePassphrase(const QString &identityFile, const QString &passphrase,
        std::function<void(const QString &)> done) override
    {
        ++writes;
        entries.insert(identityFile, passphrase);
        QTimer::singleShot(0, this, [done] { done(QString()); });
    }
    void forgetPassphrase(const QString &identityFile, std::function<void(const QString &)> done) override
    {
        entries.remove(identityFile);
        QTimer::singleShot(0, this, [done] { done(QString()); });
    }
};

/// True when no QSettings value (nor the settings file) holds `secret`.
bool settingsFreeOf(const QString &secret)
{
    QSettings settings;
    settings.sync();
    for (const QString &key : settings.allKeys())
        if (settings.value(key).toString().contains(secret))
            return false;
    QFile file(settings.fileName());
    return !file.open(QIODevice::ReadOnly) || !file.readAll().contains(secret.toUtf8());
}

using shots::shoot;

} // namespace

class TestCapturePage : public QObject {
    Q_OBJECT

private:
    SshdFixture m_sshd;
    QTemporaryDir m_work;
    QString m_encryptedKey; ///< the fixture's user key under the passphrase "correct horse"

    SshEndpointChoice encryptedEndpoint() const
    {
        SshEndpointChoice c;
        c.user = m_sshd.user();
        c.host = QStringLiteral("127.0.0.1");
        c.port = m_sshd.port();
        c.identityFile = m_encryptedKey;
        c.knownHostsFile = m_sshd.knownHosts();
        c.configFile = QStringLiteral("none");
        return c;
    }

    void fill(CapturePage &page, const QString &name, double duration)
    {
        page.plan()->setSsh(QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()),
            m_sshd.userKey(), m_sshd.knownHosts(), QStringLiteral("none"));
        page.plan()->setIface(QStringLiteral("lo"));
        page.plan()->setDuration(duration);
        page.plan()->setRing(20, 2);
        page.plan()->setRemoteDir(m_work.path() + QStringLiteral("/remote-") + name);
        page.plan()->setOutDir(m_work.path() + QStringLiteral("/out-") + name);
    }

    void runChecks(CapturePage &page)
    {
        QSignalSpy checked(&page, &CapturePage::checksFinished);
        QVERIFY(page.checkButton()->isEnabled());
        QTest::mouseClick(page.checkButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 60000);
        QVERIFY2(checked.at(0).at(0).toBool(), qPrintable(page.log()->toPlainText()));
        QVERIFY(page.startButton()->isEnabled());
        QVERIFY(page.checks()->count() >= 3);
        for (int i = 0; i < page.checks()->count(); ++i)
            QVERIFY2(page.checks()->item(i)->text().startsWith(QStringLiteral("✓")),
                qPrintable(page.checks()->item(i)->text()));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        QString why;
        if (!m_sshd.start(&why))
            QFAIL(qPrintable(why));
        m_encryptedKey = m_sshd.dir() + QStringLiteral("/id_user_passphrase");
        QFile::remove(m_encryptedKey);
        QVERIFY(QFile::copy(m_sshd.userKey(), m_encryptedKey));
        QFile::setPermissions(m_encryptedKey, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"),
            {QStringLiteral("-q"), QStringLiteral("-p"), QStringLiteral("-P"), QString(),
                QStringLiteral("-N"), QStringLiteral("correct horse"), QStringLiteral("-f"), m_encryptedKey});
        QVERIFY(keygen.waitForFinished(20000) && keygen.exitCode() == 0);
    }

    void encryptedKey_data()
    {
        QTest::addColumn<QString>("keychain"); // what the keychain holds for the key (empty: nothing)
        QTest::addColumn<bool>("answers"); // the dialog is answered (else cancelled)
        QTest::addColumn<QString>("answer");
        QTest::addColumn<bool>("remember");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("dialogs");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("remembered"); // in the keychain afterwards
        const QString right = QStringLiteral("correct horse");
        const QString wrong = QStringLiteral("battery staple");
        QTest::newRow("asked, right")
            << QString() << true << right << false << true << 1 << "dialog" << QString();
        QTest::newRow("asked, right, remembered")
            << QString() << true << right << true << true << 1 << "dialog" << right;
        QTest::newRow("asked, wrong, not remembered")
            << QString() << true << wrong << true << false << 1 << "dialog" << QString();
        QTest::newRow("asked, cancelled")
            << QString() << false << QString() << false << false << 1 << QString() << QString();
        QTest::newRow("from the keychain")
            << right << true << wrong << false << true << 0 << "keychain" << right;
        QTest::newRow("wrong in the keychain")
            << wrong << true << wrong << false << false << 0 << "keychain" << wrong;
    }
    void encryptedKey()
    {
        QFETCH(QString, keychain);
        QFETCH(bool, answers);
        QFETCH(QString, answer);
        QFETCH(bool, remember);
        QFETCH(bool, ok);
        QFETCH(int, dialogs);
        QFETCH(QString, source);
        QFETCH(QString, remembered);
        CapturePage page;
        fill(page, QStringLiteral("passphrase"), 0);
        page.plan()->setSshEndpoint(encryptedEndpoint());
        MemoryKeychain store;
        if (!keychain.isEmpty())
            store.entries.insert(m_encryptedKey, keychain);
        PassphrasePrompt *prompt = page.passphrasePrompt();
        prompt->setSecretStore(&store);
        prompt->setAutoAnswer(answers ? std::optional<QString>(answer) : std::nullopt, remember);
        QSignalSpy checked(&page, &CapturePage::checksFinished);
        QTest::mouseClick(page.checkButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 60000);
        QCOMPARE(checked.at(0).at(0).toBool(), ok);
        QCOMPARE(prompt->dialogsShown(), dialogs);
        QCOMPARE(prompt->lastSource(), source);
        if (dialogs > 0)
            QVERIFY2(prompt->lastQuestion().contains(m_encryptedKey), qPrintable(prompt->lastQuestion()));
        if (!ok)
            QVERIFY2(page.checks()->item(0)->text().contains(QStringLiteral("passphrase")),
                qPrintable(page.checks()->item(0)->text()));
        page.abortCapture();
        QTRY_VERIFY_WITH_TIMEOUT(!page.controller()->isRunning(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(store.entries.value(m_encryptedKey), remembered, 5000);
        QVERIFY(settingsFreeOf(QStringLiteral("correct horse")));
        QVERIFY(!page.log()->toPlainText().contains(QStringLiteral("correct horse")));
        if (ok || !answers)
            return;
        // The passphrase that failed is not offered again: the next check asks, and the right one opens the
        // key.
        prompt->setAutoAnswer(QStringLiteral("correct horse"), false);
        QTest::mouseClick(page.checkButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 2, 60000);
        QVERIFY2(checked.at(1).at(0).toBool(), qPrintable(page.log()->toPlainText()));
        QCOMPARE(prompt->dialogsShown(), dialogs + 1);
        QVERIFY(prompt->lastQuestion().contains(QStringLiteral("did not open")));
        page.abortCapture();
        QTRY_VERIFY_WITH_TIMEOUT(!page.controller()->isRunning(), 30000);
    }

    void workbenchSshReachesCapturePage_data()
    {
        QTest::addColumn<QString>("passphrase"); // typed in the workbench's SSH dialog
        QTest::addColumn<int>("dialogs"); // passphrase dialogs the capture page then shows
        QTest::newRow("passphrase typed in the workbench") << QStringLiteral("correct horse") << 0;
        QTest::newRow("no passphrase typed: the page asks") << QString() << 1;
    }
    void workbenchSshReachesCapturePage()
    {
        QFETCH(QString, passphrase);
        QFETCH(int, dialogs);
        MainWindow window;
        window.show();
        ClusterView *cluster = window.showCluster();
        cluster->openSshDialog();
        auto *dialog = window.findChild<SshNodeDialog *>();
        QVERIFY(dialog);
        SshEndpointChoice choice = encryptedEndpoint();
        choice.jump = QString(); // no bastion on the local sshd
        dialog->setEndpoint(choice);
        dialog->rememberBox()->setChecked(false);
        dialog->passphraseEdit()->setText(passphrase);
        QTest::mouseClick(dialog->useButton(), Qt::LeftButton);
        QVERIFY(!dialog->isVisible());
        QVERIFY(cluster->currentTarget().ssh.has_value());
        emit cluster->captureRequested(QString(), QString());
        auto *tabs = window.findChild<QTabWidget *>();
        auto *page = qobject_cast<CapturePage *>(tabs->currentWidget());
        QVERIFY(page);
        QVERIFY(page->plan()->usesSsh());
        QCOMPARE(
            page->plan()->sshText(), QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()));
        QCOMPARE(page->plan()->identityText(), m_encryptedKey);
        QCOMPARE(page->plan()->knownHostsText(), m_sshd.knownHosts());
        QCOMPARE(page->plan()->sshConfig(), QStringLiteral("none"));
        MemoryKeychain store;
        page->passphrasePrompt()->setSecretStore(&store);
        page->passphrasePrompt()->setAutoAnswer(QStringLiteral("correct horse"), false);
        page->plan()->setIface(QStringLiteral("lo"));
        page->plan()->setRemoteDir(m_work.path() + QStringLiteral("/remote-workbench"));
        page->plan()->setOutDir(m_work.path() + QStringLiteral("/out-workbench"));
        QSignalSpy checked(page, &CapturePage::checksFinished);
        QTest::mouseClick(page->checkButton(), Qt::LeftButton);
        QVERIFY2(checked.wait(60000), qPrintable(page->log()->toPlainText()));
        QVERIFY2(checked.at(0).at(0).toBool(), qPrintable(page->log()->toPlainText()));
        QCOMPARE(page->passphrasePrompt()->dialogsShown(), dialogs);
        QCOMPARE(page->passphrasePrompt()->lastSource(),
            dialogs ? QStringLiteral("dialog") : QStringLiteral("known"));
        QVERIFY(settingsFreeOf(QStringLiteral("correct horse")));
        page->abortCapture();
        QTRY_VERIFY_WITH_TIMEOUT(!page->controller()->isRunning(), 30000);
    }

    void filterValidatedLive_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<bool>("valid");
        QTest::newRow("incomplete") << QStringLiteral("tcp port") << false;
        QTest::newRow("complete") << QStringLiteral("tcp port 80") << true;
        QTest::newRow("empty") << QString() << true;
        QTest::newRow("unknown keyword") << QStringLiteral("tcp prot 80") << false;
    }
    void filterValidatedLive()
    {
        QFETCH(QString, filter);
        QFETCH(bool, valid);
        CapturePage page;
        page.plan()->setIface(QStringLiteral("lo"));
        page.plan()->filterEdit()->setText(QStringLiteral("tcp port"));
        QVERIFY(!page.plan()->isValid());
        page.plan()->filterEdit()->setText(filter);
        QCOMPARE(page.plan()->isValid(), valid);
        QCOMPARE(page.plan()->filterError().isEmpty(), valid);
        QCOMPARE(page.plan()->filterEdit()->styleSheet().contains(QStringLiteral("#c62828")), !valid);
        QCOMPARE(page.checkButton()->isEnabled(), valid);
        if (valid && !filter.isEmpty())
            QVERIFY(page.plan()->commandLine().contains(QStringLiteral("'") + filter + QStringLiteral("'")));
    }

    void captureDownloadVerified()
    {
        CapturePage page;
        page.resize(1100, 820);
        page.show();
        fill(page, QStringLiteral("verified"), 3);
        QSignalSpy states(&page, &CapturePage::stateChanged);
        StallMeter stalls;
        runChecks(page);
        shoot(&page, QStringLiteral("shot-capture-checks.png"));
        const QString stopBefore = page.stopButton()->text();
        QTest::mouseClick(page.startButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(page.state(), CaptureState::capturing, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(page.sparkline()->values().size() >= 2, 10000);
        shoot(&page, QStringLiteral("shot-capture-running.png"));
        QTRY_VERIFY_WITH_TIMEOUT(!page.controller()->isRunning(), 60000);
        QVERIFY2(page.state() == CaptureState::verified, qPrintable(page.log()->toPlainText()));
        QVERIFY(page.stopButton()->text() != stopBefore);
        QVERIFY2(page.stopButton()->text().startsWith(QStringLiteral("Stop (00:0")),
            qPrintable(page.stopButton()->text()));
        QVERIFY(page.files()->topLevelItemCount() >= 1);
        for (int i = 0; i < page.files()->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *row = page.files()->topLevelItem(i);
            QVERIFY2(row->data(3, Qt::UserRole + 1).toBool(), qPrintable(row->text(0)));
            QVERIFY(QFile::exists(m_work.path() + QStringLiteral("/out-verified/") + row->text(0)));
        }
        QVERIFY(QFile::exists(m_work.path() + QStringLiteral("/out-verified/manifest.json")));
        QVERIFY(page.openButton()->isEnabled());
        QSignalSpy open(&page, &CapturePage::openRequested);
        QTest::mouseClick(page.openButton(), Qt::LeftButton);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.at(0).at(0).toString(), m_work.path() + QStringLiteral("/out-verified"));
        QVERIFY(open.at(0).at(1).toString().contains(QStringLiteral("lo on")));
        QVERIFY(page.log()->toPlainText().contains(QStringLiteral(":")));
        shoot(&page, QStringLiteral("shot-capture.png"));
        qInfo("longest GUI stall during checks, capture and download: %lld ms", stalls.longest());
        QVERIFY2(stalls.longest() < 250, qPrintable(QString::number(stalls.longest())));
    }

    void abortWhileCapturing()
    {
        CapturePage page;
        page.resize(1100, 820);
        page.show();
        const QString name = QStringLiteral("abort-%1").arg(QCoreApplication::applicationPid());
        fill(page, name, 0);
        runChecks(page);
        QTest::mouseClick(page.startButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(page.state(), CaptureState::capturing, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(tcpdumpRunsFor(name), 10000);
        QVERIFY(page.abortButton()->isEnabled());
        QTest::mouseClick(page.abortButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!page.controller()->isRunning(), 60000);
        QCOMPARE(page.state(), CaptureState::aborted);
        QVERIFY(page.stateLabel()->text().startsWith(QStringLiteral("Aborted")));
        QTRY_VERIFY_WITH_TIMEOUT(!tcpdumpRunsFor(name), 10000);
        QVERIFY(QDir(m_work.path() + QStringLiteral("/remote-") + name).entryList(QDir::Files).isEmpty());
        shoot(&page, QStringLiteral("shot-capture-aborted.png"));
    }

    void detachThenReattach()
    {
        const QString name = QStringLiteral("detach-%1").arg(QCoreApplication::applicationPid());
        const QString outDir = m_work.path() + QStringLiteral("/out-") + name;
        {
            CapturePage page;
            fill(page, name, 0);
            runChecks(page);
            QTest::mouseClick(page.startButton(), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(page.state(), CaptureState::capturing, 30000);
            page.detachCapture();
            QTRY_VERIFY_WITH_TIMEOUT(!page.controller()->isRunning(), 30000);
            QCOMPARE(page.state(), CaptureState::detached);
        }
        QVERIFY(tcpdumpRunsFor(name));
        const QStringList unfinished = CaptureTabs::unfinishedCaptures(m_work.path());
        QCOMPARE(unfinished, QStringList {outDir}); // the aborted capture is not offered

        CapturePage again;
        fill(again, name, 0);
        again.reattach(outDir);
        QTRY_COMPARE_WITH_TIMEOUT(again.state(), CaptureState::capturing, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(again.stopButton()->isEnabled(), 10000);
        QTest::mouseClick(again.stopButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!again.controller()->isRunning(), 60000);
        QVERIFY2(again.state() == CaptureState::verified, qPrintable(again.log()->toPlainText()));
        QVERIFY(!tcpdumpRunsFor(name));
        QVERIFY(!CaptureTabs::unfinishedCaptures(m_work.path()).contains(outDir));
    }

    void unknownHostKeyIsAsked_data()
    {
        QTest::addColumn<bool>("trust");
        QTest::newRow("trusted") << true;
        QTest::newRow("refused") << false;
    }
    void unknownHostKeyIsAsked()
    {
        QFETCH(bool, trust);
        CapturePage page;
        fill(page, QStringLiteral("hostkey-%1").arg(int(trust)), 0);
        QTemporaryDir keys;
        page.plan()->setSsh(QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()),
            m_sshd.userKey(), keys.filePath(QStringLiteral("known_hosts")), QStringLiteral("none"));
        auto *prompt = page.findChild<HostKeyPrompt *>();
        QVERIFY(prompt);
        prompt->setAutoAnswer(trust);
        QSignalSpy checked(&page, &CapturePage::checksFinished);
        QTest::mouseClick(page.checkButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 60000);
        QVERIFY(!prompt->lastQuestion().isEmpty());
        QCOMPARE(checked.at(0).at(0).toBool(), trust);
        QCOMPARE(page.startButton()->isEnabled(), trust);
        if (!trust)
            QVERIFY(page.checks()->item(0)->text().startsWith(QStringLiteral("✗")));
        page.abortCapture();
        QTRY_VERIFY_WITH_TIMEOUT(!page.controller()->isRunning(), 30000);
    }

    void workbenchOpensCapturePage()
    {
        MainWindow window;
        ClusterView *cluster = window.showCluster();
        emit cluster->captureRequested(QStringLiteral("node-1"), QStringLiteral("eth1"));
        auto *tabs = window.findChild<QTabWidget *>();
        QVERIFY(tabs);
        auto *page = qobject_cast<CapturePage *>(tabs->currentWidget());
        QVERIFY(page);
        QVERIFY(window.captures()->busyPages().isEmpty());
        QVERIFY(window.captures()->confirmClose()); // nothing running: no question
    }

    void abortBeforeStart()
    {
        CapturePage page;
        fill(page, QStringLiteral("abort-early"), 0);
        runChecks(page);
        QTest::mouseClick(page.abortButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!page.controller()->isRunning(), 30000);
        QCOMPARE(page.state(), CaptureState::aborted);
        QVERIFY(!page.startButton()->isEnabled());
    }
};

QTEST_MAIN(TestCapturePage)
#include "tst_capturepage.moc"
