// PartWriter: bytes added in any chunking reach the file in order, the sha256 and packet times cover
// accounted + added bytes, and a failing disk is reported without hanging or losing the error.
#include "core/capture/partwriter.h"
#include "core/capture/sha256.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

using lbs::capture::PartWriter;

class TestPartWriter : public QObject {
    Q_OBJECT

private slots:
    void writesInOrder_data()
    {
        QTest::addColumn<qsizetype>("total");
        QTest::addColumn<qsizetype>("chunk");
        QTest::addColumn<qsizetype>("accounted");
        QTest::newRow("empty") << qsizetype(0) << qsizetype(1) << qsizetype(0);
        QTest::newRow("tiny chunks") << qsizetype(300000) << qsizetype(7) << qsizetype(0);
        QTest::newRow("websocket-sized") << qsizetype(9 << 20) << qsizetype(32769) << qsizetype(0);
        QTest::newRow("larger than the buffer") << qsizetype(9 << 20) << qsizetype(1 << 20) << qsizetype(0);
        QTest::newRow("more than the queue holds") << qsizetype(40 << 20) << qsizetype(65536) << qsizetype(0);
        QTest::newRow("resumed") << qsizetype(5 << 20) << qsizetype(4096) << qsizetype(1234567);
    }

    void writesInOrder()
    {
        QFETCH(qsizetype, total);
        QFETCH(qsizetype, chunk);
        QFETCH(qsizetype, accounted);
        QByteArray data(total, Qt::Uninitialized);
        QRandomGenerator rng(42);
        for (qsizetype i = 0; i < total; ++i)
            data[i] = static_cast<char>(rng.generate());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("x.part"));
        {
            QFile pre(path);
            QVERIFY(pre.open(QIODevice::WriteOnly));
            pre.write(data.left(accounted)); // what an earlier, interrupted run left
        }
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_APPEND);
        QVERIFY(fd >= 0);
        std::string sha;
        {
            PartWriter w(fd);
            w.account(data.constData(), static_cast<std::size_t>(accounted));
            for (qsizetype off = accounted; off < total; off += chunk)
                QVERIFY(
                    w.add(data.constData() + off, static_cast<std::size_t>(std::min(chunk, total - off))));
            QVERIFY(w.flush());
            QVERIFY(!w.failed());
            sha = w.hexDigest();
        }
        ::close(fd);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll() == data);
        QCOMPARE(QByteArray::fromStdString(sha),
            QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
    }

    void fullDiskIsReported()
    {
        const int fd = ::open("/dev/full", O_WRONLY);
        if (fd < 0)
            QSKIP("/dev/full is missing: cannot simulate a full disk here");
        const QByteArray block(64 << 10, 'x');
        bool refused = false;
        {
            PartWriter w(fd);
            for (int i = 0; i < 4096 && !refused; ++i) // 256 MiB at most; the worker fails at the first write
                refused = !w.add(block.constData(), static_cast<std::size_t>(block.size()));
            QVERIFY2(refused || !w.flush(), "writes to /dev/full were never reported as failed");
            QVERIFY(w.failed());
            QVERIFY(!w.flush());
        } // the destructor must not hang with the error pending
        ::close(fd);
    }
};

QTEST_GUILESS_MAIN(TestPartWriter)
#include "tst_partwriter.moc"
