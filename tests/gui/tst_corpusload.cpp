// The GUI never crashes on a capture: `lbscope --exit-after-load` over every file of the project's
// robustness corpus (tests/data/robustness), the capture fuzzer's seeds and, when it is beside the
// repository, the shared corpus. Files go in batches (one process opens a batch in tabs). Each batch
// must end by itself within the time limit with exit 0 (all loaded) or 1 (some failed), with no
// sanitizer report, and every capture that failed must be named on stderr with a reason.
// Built into every preset with the GUI; under the asan-gui preset this is the sanitizer run.

#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

namespace {

constexpr int kBatch = 48;
constexpr int kBatchTimeoutMs = 240'000;

QStringList captureFiles(const QString &dir)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!path.endsWith(QLatin1String(".md")) && !path.endsWith(QLatin1String(".txt")))
            files << path;
    }
    files.sort();
    return files;
}

} // namespace

class CorpusLoad : public QObject {
    Q_OBJECT
private slots:
    void everyFileLoadsOrSaysWhy_data();
    void everyFileLoadsOrSaysWhy();
};

void CorpusLoad::everyFileLoadsOrSaysWhy_data()
{
    QTest::addColumn<QStringList>("files");
    const QList<std::pair<QString, QString>> sources = {
        {QStringLiteral("own"), QStringLiteral(LBSCOPE_ROBUSTNESS_DIR)},
        {QStringLiteral("seeds"), QStringLiteral(LBSCOPE_CAPTURE_SEEDS_DIR)},
        {QStringLiteral("shared"), QStringLiteral(LBSCOPE_CORPUS_DIR)},
    };
    for (const auto &[name, dir] : sources) {
        if (!QFileInfo(dir).isDir()) {
            // The shared corpus is an extra: its absence is said, and the own corpus still runs.
            QVERIFY2(name == QLatin1String("shared"), qPrintable(dir + QStringLiteral(" is missing")));
            qInfo("shared corpus not found at %s: only the project's own corpus and seeds are loaded",
                qPrintable(dir));
            continue;
        }
        const QStringList files = captureFiles(dir);
        QVERIFY2(!files.isEmpty(), qPrintable(dir + QStringLiteral(" holds no capture")));
        for (qsizetype i = 0; i < files.size(); i += kBatch) {
            const QByteArray row = QStringLiteral("%1 %2-%3")
                                       .arg(name)
                                       .arg(i + 1)
                                       .arg(std::min<qsizetype>(i + kBatch, files.size()))
                                       .toUtf8();
            QTest::newRow(row.constData()) << files.mid(i, kBatch);
        }
    }
}

void CorpusLoad::everyFileLoadsOrSaysWhy()
{
    QFETCH(QStringList, files);
    const QString app = qEnvironmentVariable("LBSCOPE_APP");
    QVERIFY2(QFileInfo(app).isExecutable(), "LBSCOPE_APP must name the lbscope binary");

    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("LBSCOPE_BENCH_PAGES"), QStringLiteral("1")); // one page of the packet list
    p.setProcessEnvironment(env);
    p.start(app, QStringList {QStringLiteral("--exit-after-load")} + files);
    QVERIFY2(p.waitForStarted(), qPrintable(p.errorString()));
    if (!p.waitForFinished(kBatchTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        QFAIL(qPrintable(QStringLiteral("hang: no exit within %1 s over\n  %2")
                             .arg(kBatchTimeoutMs / 1000)
                             .arg(files.join(QStringLiteral("\n  ")))));
    }
    const QString err = QString::fromLocal8Bit(p.readAllStandardError());
    const QString context = QStringLiteral("exit %1, stderr:\n%2\nfiles:\n  %3")
                                .arg(p.exitCode())
                                .arg(err.right(4000), files.join(QStringLiteral("\n  ")));
    QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable(QStringLiteral("crashed: ") + context));
    QVERIFY2(!err.contains(QLatin1String("ERROR: AddressSanitizer"))
            && !err.contains(QLatin1String("runtime error:")),
        qPrintable(QStringLiteral("sanitizer report: ") + context));
    QVERIFY2(p.exitCode() == 0 || p.exitCode() == 1, qPrintable(context));
    if (p.exitCode() == 1) {
        // Every capture that failed is named with a reason: "lbscope: NAME: REASON".
        static const QRegularExpression named(
            QStringLiteral("^lbscope: [^\\n]+: \\S[^\\n]*$"), QRegularExpression::MultilineOption);
        QVERIFY2(
            named.match(err).hasMatch(), qPrintable(QStringLiteral("failed without a reason: ") + context));
    }
}

QTEST_GUILESS_MAIN(CorpusLoad)
#include "tst_corpusload.moc"
