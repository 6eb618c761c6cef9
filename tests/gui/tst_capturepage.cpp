// The capture page (ui/capture) over SSH to a local sshd with the real tcpdump on lo.
#include "sshdfixture.h"
#include "ui/app/mainwindow.h"
#include "ui/capture/capturecontroller.h"
#include "ui/capture/capturepage.h"
#include "ui/capture/captureplanform.h"
#include "ui/capture/capturetabs.h"
#include "ui/capture/sparkline.h"
#include "ui/cluster/clusterview.h"
#include "ui/cluster/hostkeyprompt.h"
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
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

void shoot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("LBSCOPE_SHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(w->grab().save(dir + QLatin1Char('/') + name));
}

} // namespace

class TestCapturePage : public QObject {
    Q_OBJECT

private:
    SshdFixture m_sshd;
    QTemporaryDir m_work;

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
