// lbscope-cli analyze writing its report (JSON or CSV) where the disk fails it: a tmpfs that is full,
// one remounted read-only, and one with room. Each run is the real binary inside its own mount
// namespace (unshare), so the tmpfs is never seen by the rest of the machine. Checked: exit status 1
// with a message naming the file and the system's reason, no half-written report under the final
// name, no staging file left behind, and a report that was already there kept as it was.
#include "mountnamespace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

class TestCliAnalyzeDisk : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

private slots:
    void initTestCase()
    {
        if (geteuid() != 0)
            QSKIP("needs root for a private mount namespace with a small tmpfs (scripts/test runs as root)");
        QVERIFY(QFile::exists(QStringLiteral(LBSCOPE_CLI)));
        QVERIFY(QFile::exists(QStringLiteral(LBSCOPE_SAMPLE_PCAP)));
        QVERIFY(m_tmp.isValid());
    }

    void reportOnAFailingDisk_data()
    {
        QTest::addColumn<QString>("option"); // --json or --flows-csv
        QTest::addColumn<QString>("disk"); // full, readonly or room
        QTest::addColumn<bool>("earlierReport"); // a report from an earlier run is already there
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message"); // expected on stderr after "lbscope-cli analyze: OUT: "

        const QString noSpace = QStringLiteral("could not write the whole file: No space left on device");
        const QString readOnly = QStringLiteral("cannot create output file: Read-only file system");
        QTest::newRow("json, disk full") << "--json"
                                         << "full" << false << 1 << noSpace;
        QTest::newRow("json, disk full, earlier report kept") << "--json"
                                                              << "full" << true << 1 << noSpace;
        QTest::newRow("csv, disk full") << "--flows-csv"
                                        << "full" << false << 1 << noSpace;
        QTest::newRow("json, read-only, earlier report kept") << "--json"
                                                              << "readonly" << true << 1 << readOnly;
        QTest::newRow("csv, read-only") << "--flows-csv"
                                        << "readonly" << false << 1 << readOnly;
        QTest::newRow("json, room, earlier report replaced") << "--json"
                                                             << "room" << true << 0 << QString();
    }

    void reportOnAFailingDisk()
    {
        QFETCH(QString, option);
        QFETCH(QString, disk);
        QFETCH(bool, earlierReport);
        QFETCH(int, exitCode);
        QFETCH(QString, message);

        const QString mnt
            = m_tmp.path() + QStringLiteral("/") + QString::number(qHash(QTest::currentDataTag()));
        const QString out = mnt + QStringLiteral("/report.out");
        const QString err
            = m_tmp.path() + QStringLiteral("/err-") + QString::number(qHash(QTest::currentDataTag()));
        QString setup
            = QStringLiteral("mount -t tmpfs -o size=1m lbscope-test %1 || exit 90\n").arg(shellQuoted(mnt));
        if (earlierReport)
            setup += QStringLiteral("printf 'earlier report\\n' > %1 || exit 91\n").arg(shellQuoted(out));
        if (disk == QLatin1String("full"))
            setup
                += QStringLiteral("dd if=/dev/zero of=%1/fill bs=4k 2>/dev/null; [ -s %1/fill ] || exit 92\n")
                       .arg(shellQuoted(mnt));
        else if (disk == QLatin1String("readonly"))
            setup += QStringLiteral("mount -o remount,ro %1 || exit 93\n").arg(shellQuoted(mnt));
        const QString run = QStringLiteral("%1 analyze %2 %3 %4 >/dev/null 2>%5; echo rc=$?\n")
                                .arg(shellQuoted(QStringLiteral(LBSCOPE_CLI)),
                                    shellQuoted(QStringLiteral(LBSCOPE_SAMPLE_PCAP)), option,
                                    shellQuoted(out), shellQuoted(err));
        // What is left in the directory (besides the filler), and the report's first line.
        const QString after = QStringLiteral("echo left=$(ls -A %1 | grep -v '^fill$' | tr '\\n' ' ')\n"
                                             "echo first=$(head -c 20 %2 2>/dev/null | head -n 1)\n")
                                  .arg(shellQuoted(mnt), shellQuoted(out));
        QVERIFY(QDir().mkpath(mnt));
        int code = 0;
        const QByteArray log = inMountNamespace(QStringLiteral("set -u\n") + setup + run + after, &code);
        QVERIFY2(code == 0, log.constData());

        QFile errFile(err);
        QVERIFY(errFile.open(QIODevice::ReadOnly));
        const QByteArray stderrText = errFile.readAll();
        QCOMPARE(scriptField(log, "rc"), QByteArray::number(exitCode));
        if (exitCode == 0) {
            QVERIFY2(stderrText.isEmpty(), stderrText.constData());
            QCOMPARE(scriptField(log, "left"), QByteArray("report.out"));
            QVERIFY2(scriptField(log, "first").startsWith('{'), log.constData());
            return;
        }
        // Names the file and the system's reason.
        const QByteArray expected = "lbscope-cli analyze: " + out.toUtf8() + ": " + message.toUtf8();
        QVERIFY2(stderrText.contains(expected), stderrText.constData());
        // Nothing half-written under the final name, no staging file left, an earlier report untouched.
        QCOMPARE(scriptField(log, "left"), earlierReport ? QByteArray("report.out") : QByteArray());
        QCOMPARE(scriptField(log, "first"), earlierReport ? QByteArray("earlier report") : QByteArray());
    }

    void replacingKeepsLinkAndMode()
    {
        // The report replaced through a symbolic link: the link stays a link, the file it points to
        // gets the new report and keeps its mode.
        const QString dir = m_tmp.path() + QStringLiteral("/link");
        QVERIFY(QDir().mkpath(dir));
        const QString report = dir + QStringLiteral("/report.json");
        const QString link = dir + QStringLiteral("/latest.json");
        QFile old(report);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("earlier report\n");
        old.close();
        QVERIFY(QFile::setPermissions(report, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QVERIFY(QFile::link(report, link));
        QProcess p;
        p.start(QStringLiteral(LBSCOPE_CLI),
            {QStringLiteral("analyze"), QStringLiteral(LBSCOPE_SAMPLE_PCAP), QStringLiteral("--json"), link});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(QFileInfo(link).symLinkTarget(), report);
        QFile now(report);
        QVERIFY(now.open(QIODevice::ReadOnly));
        QVERIFY(now.readAll().startsWith('{'));
        const QFileDevice::Permissions perms = QFile::permissions(report);
        QVERIFY(perms.testFlag(QFileDevice::ReadOwner) && perms.testFlag(QFileDevice::WriteOwner));
        QVERIFY2(
            !(perms & (QFileDevice::ReadGroup | QFileDevice::ReadOther)), "the report's mode 0600 was lost");
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::System).size(), 2); // no staging left
    }
};

QTEST_GUILESS_MAIN(TestCliAnalyzeDisk)
#include "tst_clianalyzedisk.moc"
