// lbscope-cli fetch when the local disk fails it: the download directory on a small tmpfs that
// fills up, or that is read-only. Each run is the real binary over a local sshd, inside its own
// mount namespace (unshare), so the tmpfs is never seen by the rest of the machine. Checked: a
// clear message and exit status 1, nothing already downloaded overwritten or lost, and the same
// command completing every file (sha256 equal to the source) once there is room.
#include "mountnamespace.h"
#include "sshdfixture.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

namespace {

QByteArray sha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

} // namespace

class TestCliDisk : public QObject {
    Q_OBJECT

private:
    SshdFixture m_sshd;
    QTemporaryDir m_tmp;
    QStringList m_remote; // three 400 kB files "on the node"
    QList<QByteArray> m_sums;

    /// `lbscope-cli fetch` of the three remote files into OUT, as a shell command line.
    QString fetch(const QString &out) const
    {
        QStringList args {QStringLiteral(LBSCOPE_CLI), QStringLiteral("fetch"), QStringLiteral("--ssh"),
            QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()),
            QStringLiteral("--identity"), m_sshd.userKey(), QStringLiteral("--known-hosts"),
            m_sshd.knownHosts(), QStringLiteral("--ssh-config"), QStringLiteral("none")};
        args += m_remote;
        args << QStringLiteral("--out") << out;
        for (QString &a : args)
            a = shellQuoted(a);
        return args.join(QLatin1Char(' '));
    }

    /// Shell lines printing "sumN=<sha256>" for each downloaded file in DIR.
    QString sums(const QString &dir, const QString &name = QStringLiteral("sum")) const
    {
        QString s;
        for (int i = 0; i < m_remote.size(); ++i)
            s += QStringLiteral("echo %1%2=$(sha256sum '%3/part%2.pcap' 2>/dev/null | cut -c1-64)\n")
                     .arg(name)
                     .arg(i)
                     .arg(dir);
        return s;
    }

private slots:
    void initTestCase()
    {
        if (geteuid() != 0)
            QSKIP("needs root for a private mount namespace with a small tmpfs (scripts/test runs as root)");
        QVERIFY(QFile::exists(QStringLiteral(LBSCOPE_CLI)));
        QVERIFY(m_tmp.isValid());
        QString why;
        if (!m_sshd.start(&why))
            QFAIL(qPrintable(why));
        QVERIFY(QDir().mkpath(m_tmp.path() + QStringLiteral("/remote")));
        for (int i = 0; i < 3; ++i) {
            const QString path = m_tmp.path() + QStringLiteral("/remote/part%1.pcap").arg(i);
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray data(400 * 1000, Qt::Uninitialized);
            QRandomGenerator rng(quint32(7 + i));
            for (char &c : data)
                c = char(rng.bounded(256));
            QCOMPARE(f.write(data), data.size());
            f.close();
            m_remote << path;
            m_sums << sha256(path);
        }
    }

    void fullDiskThenRoom()
    {
        const QString mnt = m_tmp.path() + QStringLiteral("/full");
        QVERIFY(QDir().mkpath(mnt));
        const QString out = mnt + QStringLiteral("/cap");
        const QString script = QStringLiteral("set -u\n"
                                              "mount -t tmpfs -o size=600k lbscope-test '%1' || exit 90\n"
                                              "%2 2>'%1/../err1'; echo rc1=$?\n"

                                              "%3"
                                              "mount -o remount,size=8m '%1' || exit 91\n"
                                              "%2 2>'%1/../err2'; echo rc2=$?\n"
                                              "%4")
                                   .arg(mnt, fetch(out), sums(out, QStringLiteral("first")), sums(out));
        int code = 0;
        const QByteArray log = inMountNamespace(script, &code);
        QVERIFY2(code == 0, log.constData());
        const QByteArray err1 = [&] {
            QFile f(m_tmp.path() + QStringLiteral("/err1"));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QCOMPARE(scriptField(log, "rc1"), QByteArray("1"));
        QVERIFY2(err1.contains("No space left on device"), err1.constData());
        // names the file it could not write, why, and what to do
        QVERIFY2(err1.contains(QByteArray(
                     "cannot write " + out.toUtf8() + "/part1.pcap.part: No space left on device")),
            err1.constData());
        QVERIFY2(err1.contains("it resumes"), err1.constData());
        QCOMPARE(scriptField(log, "first0"), m_sums[0]); // the file that fitted is there, complete
        QVERIFY2(scriptField(log, "first1").isEmpty(), log.constData()); // no half file under the final name
        QCOMPARE(scriptField(log, "rc2"), QByteArray("0"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(scriptField(log, QByteArray("sum" + QByteArray::number(i))), m_sums[i]);
    }

    void readOnlyDirectory()
    {
        // The first file is downloaded; then the directory turns read-only: the next fetch says so,
        // and the first file is untouched.
        const QString mnt = m_tmp.path() + QStringLiteral("/ro");
        QVERIFY(QDir().mkpath(mnt));
        const QString out = mnt + QStringLiteral("/cap");
        const QString script = QStringLiteral("set -u\n"
                                              "mount -t tmpfs -o size=8m lbscope-test '%1' || exit 90\n"
                                              "mkdir -p '%2' && cp '%3' '%2/' || exit 92\n"
                                              "mount -o remount,ro '%1' || exit 91\n"
                                              "%4 2>'%1/../err-ro'; echo rc=$?\n"
                                              "%5")
                                   .arg(mnt, out, m_remote[0], fetch(out), sums(out));
        int code = 0;
        const QByteArray log = inMountNamespace(script, &code);
        QVERIFY2(code == 0, log.constData());
        QFile f(m_tmp.path() + QStringLiteral("/err-ro"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray err = f.readAll();
        QCOMPARE(scriptField(log, "rc"), QByteArray("1"));
        QVERIFY2(err.contains("Read-only file system"), err.constData());
        QCOMPARE(scriptField(log, "sum0"), m_sums[0]);
        QVERIFY2(scriptField(log, "sum1").isEmpty(), log.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliDisk)
#include "tst_clidisk.moc"
