// lbscope-cli verify against capture directories edited by hand: a file missing, one with other bytes of
// the same size, one cut or grown, a manifest cut short or not JSON, a file the manifest does not
// list, a manifest without checksums. Checked: the exit status, the status and message of each file,
// and that verifying changes nothing in the directory. Then analyze on the same directories: it
// still opens what is there and warns about what differs.
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

/// name → sha256 of every file in `dir`.
QMap<QString, QByteArray> snapshot(const QString &dir)
{
    QMap<QString, QByteArray> out;
    for (const QString &name : QDir(dir).entryList(QDir::Files))
        out[name]
            = QCryptographicHash::hash(readAll(dir + QLatin1Char('/') + name), QCryptographicHash::Sha256);
    return out;
}

struct Run {
    int code = -1;
    QByteArray out, err;
};

Run cli(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(LBSCOPE_CLI), args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace

class TestCliVerify : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QByteArray m_sample;

    /// A capture directory as lbscope-cli fetch leaves it: cap.pcap0 and cap.pcap1, manifest.json with
    /// their sizes and sha256.
    QString makeDirectory(const QString &name, bool withSha = true)
    {
        const QString dir = m_tmp.path() + QLatin1Char('/') + name;
        if (!QDir().mkpath(dir))
            return {};
        QJsonArray files;
        const QList<QByteArray> contents {m_sample, m_sample.left(m_sample.size() / 2)};
        for (int i = 0; i < contents.size(); ++i) {
            const QString file = QStringLiteral("cap.pcap%1").arg(i);
            if (!writeAll(dir + QLatin1Char('/') + file, contents[i]))
                return {};
            QJsonObject o {{QStringLiteral("name"), file},
                {QStringLiteral("size"), double(contents[i].size())},
                {QStringLiteral("remote_path"), QString(QStringLiteral("/tmp/lbscope/") + file)}};
            if (withSha)
                o[QStringLiteral("sha256")] = QString::fromLatin1(
                    QCryptographicHash::hash(contents[i], QCryptographicHash::Sha256).toHex());
            files.append(o);
        }
        const QJsonObject manifest {{QStringLiteral("transport"), QStringLiteral("ssh")},
            {QStringLiteral("node"), QStringLiteral("lab-node-1")}, {QStringLiteral("files"), files}};
        if (!writeAll(dir + QStringLiteral("/manifest.json"), QJsonDocument(manifest).toJson()))
            return {};
        return dir;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_sample = readAll(QStringLiteral(LBSCOPE_SAMPLE_PCAP));
        QVERIFY(m_sample.size() > 1000);
    }

    void handEditedDirectory_data()
    {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("status0"); // verify's status of cap.pcap0
        QTest::addColumn<QString>("status1"); // of cap.pcap1
        QTest::addColumn<QString>("says"); // on stderr (problems) or stdout
        QTest::addColumn<QString>("analyzeWarns"); // analyze --json "warnings" mentions this (empty: none)

        QTest::newRow("intact") << "none" << 0 << "ok"
                                << "ok"
                                << "cap.pcap1: ok: size and sha256 as downloaded"
                                << "";
        QTest::newRow("file missing")
            << "remove" << 1 << "ok"
            << "missing"
            << "cap.pcap1: missing: listed in manifest.json but not in the directory"
            << "manifest lists cap.pcap1 but it is not in the capture";
        QTest::newRow("same size, other bytes")
            << "flip" << 1 << "ok"
            << "sha256-differs"
            << "same size, other bytes (the file was changed after download)"
            << "";
        QTest::newRow("file cut") << "cut" << 1 << "ok"
                                  << "size-differs"
                                  << "the file changed after download or its download is incomplete"
                                  << "but manifest.json says";
        QTest::newRow("manifest truncated") << "truncate-manifest" << 1 << ""
                                            << ""
                                            << "manifest.json is damaged (truncated or edited)"
                                            << "ignored manifest";
        QTest::newRow("manifest not JSON") << "garble-manifest" << 1 << ""
                                           << ""
                                           << "manifest.json: invalid JSON at byte 0"
                                           << "ignored manifest";
        QTest::newRow("a name listed twice") << "listed-twice" << 1 << "ok"
                                             << "listed-twice"
                                             << "lists this name twice"
                                             << "manifest.json says";
        QTest::newRow("file not listed") << "extra" << 0 << "ok"
                                         << "ok"
                                         << "extra.pcap: not-listed: a capture file that manifest.json does "
                                            "not list"
                                         << "";
        QTest::newRow("conntrack record intact")
            << "conntrack" << 0 << "ok"
            << "ok"
            << "cap.pcap.conntrack.txt: ok: size and sha256 as downloaded"
            << "";
        QTest::newRow("conntrack record changed") << "conntrack-flip" << 1 << "ok"
                                                  << "ok"
                                                  << "cap.pcap.conntrack.txt: sha256-differs"
                                                  << "";
        QTest::newRow("no checksums recorded") << "no-sha" << 0 << "unchecked"
                                               << "unchecked"
                                               << "records no sha256 for it: only its size was checked"
                                               << "";
    }

    void handEditedDirectory()
    {
        QFETCH(QString, edit);
        QFETCH(int, exitCode);
        QFETCH(QString, status0);
        QFETCH(QString, status1);
        QFETCH(QString, says);
        QFETCH(QString, analyzeWarns);

        const QString dir = makeDirectory(edit, edit != QLatin1String("no-sha"));
        QVERIFY(!dir.isEmpty());
        const QString cap1 = dir + QStringLiteral("/cap.pcap1");
        const QString manifest = dir + QStringLiteral("/manifest.json");
        if (edit == QLatin1String("remove")) {
            QVERIFY(QFile::remove(cap1));
        } else if (edit == QLatin1String("flip")) {
            QByteArray data = readAll(cap1);
            data[data.size() - 1] = char(data[data.size() - 1] ^ 0x5a); // packet bytes, not a header
            QVERIFY(writeAll(cap1, data));
        } else if (edit == QLatin1String("cut")) {
            QVERIFY(writeAll(cap1, readAll(cap1).chopped(100)));
        } else if (edit == QLatin1String("truncate-manifest")) {
            const QByteArray m = readAll(manifest);
            QVERIFY(writeAll(manifest, m.left(m.size() * 2 / 3)));
        } else if (edit == QLatin1String("garble-manifest")) {
            QVERIFY(writeAll(manifest, "files: [cap.pcap0]\n"));
        } else if (edit == QLatin1String("listed-twice")) {
            QJsonObject m = QJsonDocument::fromJson(readAll(manifest)).object();
            QJsonArray files = m[QStringLiteral("files")].toArray();
            QJsonObject second = files.at(1).toObject();
            second[QStringLiteral("name")] = QStringLiteral("sub/cap.pcap0");
            files[1] = second;
            m[QStringLiteral("files")] = files;
            QVERIFY(writeAll(manifest, QJsonDocument(m).toJson()));
        } else if (edit.startsWith(QLatin1String("conntrack"))) {
            // The node's conntrack record beside the ring, listed under "conntrack" and checked alike.
            const QByteArray record = "[1767225600.5]\t    [NEW] tcp      6 120 SYN_SENT src=203.0.113.100 "
                                      "dst=203.0.113.10 sport=40000 dport=80 [UNREPLIED] src=192.0.2.2 "
                                      "dst=198.51.100.11 sport=8080 dport=40000\n";
            QVERIFY(writeAll(dir + QStringLiteral("/cap.pcap.conntrack.txt"), record));
            QJsonObject m = QJsonDocument::fromJson(readAll(manifest)).object();
            m[QStringLiteral("conntrack")]
                = QJsonObject {{QStringLiteral("method"), QStringLiteral("conntrack-events")},
                    {QStringLiteral("name"), QStringLiteral("cap.pcap.conntrack.txt")},
                    {QStringLiteral("size"), double(record.size())},
                    {QStringLiteral("sha256"),
                        QString::fromLatin1(
                            QCryptographicHash::hash(record, QCryptographicHash::Sha256).toHex())}};
            QVERIFY(writeAll(manifest, QJsonDocument(m).toJson()));
            if (edit == QLatin1String("conntrack-flip"))
                QVERIFY(writeAll(dir + QStringLiteral("/cap.pcap.conntrack.txt"),
                    QByteArray(record).replace("8080", "8081")));
        } else if (edit == QLatin1String("extra")) {
            QVERIFY(writeAll(dir + QStringLiteral("/extra.pcap"), m_sample));
        }
        const auto before = snapshot(dir);

        const Run text = cli({QStringLiteral("verify"), dir});
        QCOMPARE(text.code, exitCode);
        const QByteArray both = text.out + text.err;
        QVERIFY2(both.contains(says.toUtf8()), both.constData());

        const Run json = cli({QStringLiteral("verify"), dir, QStringLiteral("--json")});
        QCOMPARE(json.code, exitCode);
        const QJsonObject d
            = QJsonDocument::fromJson(json.out).object()[QStringLiteral("dirs")].toArray().at(0).toObject();
        QCOMPARE(d[QStringLiteral("ok")].toBool(), exitCode == 0);
        const QJsonArray files = d[QStringLiteral("files")].toArray();
        if (status0.isEmpty()) {
            QVERIFY(files.isEmpty());
            QVERIFY2(d[QStringLiteral("error")].toString().contains(QLatin1String("manifest.json")),
                json.out.constData());
        } else {
            QCOMPARE(files.at(0).toObject()[QStringLiteral("status")].toString(), status0);
            QCOMPARE(files.at(1).toObject()[QStringLiteral("status")].toString(), status1);
        }
        // Verifying reads only.
        QCOMPARE(snapshot(dir), before);

        // analyze opens what is there and warns where the manifest and the files disagree.
        const Run analyze
            = cli({QStringLiteral("analyze"), dir, QStringLiteral("--json"), QStringLiteral("-")});
        QCOMPARE(analyze.code, 0);
        const QJsonArray warnings
            = QJsonDocument::fromJson(analyze.out).object()[QStringLiteral("warnings")].toArray();
        QString allWarnings;
        for (const auto &w : warnings)
            allWarnings += w.toString() + QLatin1Char('\n');
        if (analyzeWarns.isEmpty())
            QVERIFY2(!allWarnings.contains(QLatin1String("manifest")), qPrintable(allWarnings));
        else
            QVERIFY2(allWarnings.contains(analyzeWarns), qPrintable(allWarnings));
        QCOMPARE(snapshot(dir), before);
    }

    /// A file verify may not read: it says which and why, and still checks the others.
    void unreadableFile()
    {
        const QString dir = makeDirectory(QStringLiteral("unreadable"));
        QVERIFY(!dir.isEmpty());
        QVERIFY(QFile::setPermissions(dir + QStringLiteral("/cap.pcap1"), QFileDevice::Permissions()));
        QStringList args {QStringLiteral("verify"), dir, QStringLiteral("--json")};
        QString program = QStringLiteral(LBSCOPE_CLI);
        if (geteuid() == 0) {
            // root reads anything: run it as nobody, who may enter the directories but not read the file
            for (QString d = dir; d.startsWith(m_tmp.path()); d = QFileInfo(d).path())
                QVERIFY(QFile::setPermissions(
                    d, QFile::permissions(d) | QFileDevice::ExeOther | QFileDevice::ReadOther));
            QVERIFY(QFile::setPermissions(dir + QStringLiteral("/cap.pcap0"),
                QFile::permissions(dir + QStringLiteral("/cap.pcap0")) | QFileDevice::ReadOther));
            QVERIFY(QFile::setPermissions(dir + QStringLiteral("/manifest.json"),
                QFile::permissions(dir + QStringLiteral("/manifest.json")) | QFileDevice::ReadOther));
            args.prepend(program);
            args = QStringList {QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                       QStringLiteral("--clear-groups")}
                + args;
            program = QStringLiteral("setpriv");
        }
        QProcess p;
        p.start(program, args);
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAllStandardOutput();
        QCOMPARE(p.exitCode(), 1);
        const QJsonArray files = QJsonDocument::fromJson(out)
                                     .object()[QStringLiteral("dirs")]
                                     .toArray()
                                     .at(0)
                                     .toObject()[QStringLiteral("files")]
                                     .toArray();
        QCOMPARE(files.at(0).toObject()[QStringLiteral("status")].toString(), QStringLiteral("ok"));
        QCOMPARE(files.at(1).toObject()[QStringLiteral("status")].toString(), QStringLiteral("unreadable"));
        QVERIFY2(files.at(1).toObject()[QStringLiteral("message")].toString().contains(
                     QLatin1String("Permission denied")),
            out.constData());
    }

    void notACaptureDirectory()
    {
        const Run r = cli({QStringLiteral("verify"), m_tmp.path() + QStringLiteral("/nowhere")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("not a directory"), r.err.constData());
        QDir().mkpath(m_tmp.path() + QStringLiteral("/empty"));
        const Run e = cli({QStringLiteral("verify"), m_tmp.path() + QStringLiteral("/empty")});
        QCOMPARE(e.code, 1);
        QVERIFY2(e.err.contains("no manifest.json"), e.err.constData());
        const Run usage = cli({QStringLiteral("verify")});
        QCOMPARE(usage.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliVerify)
#include "tst_cliverify.moc"
