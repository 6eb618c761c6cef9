// The Wireshark round trip, offscreen, with a stand-in `wireshark` on PATH that records how it was
// started: "Open in Wireshark" starts it on the selected packet (-g), on the capture file itself
// when the whole of one file is shown, else on a pcapng of the packets shown that keeps the
// interface names (from manifest.json, for a `tcpdump -i any` capture) and carries lbscope's findings
// as packet comments, read back by the real tshark. What Wireshark saves (pcapng with comments,
// made by its editcap) opens in lbscope.
#include "ui/app/mainwindow.h"
#include "ui/models/packettablemodel.h"
#include "ui/viewer/capturedocument.h"
#include "ui/viewer/captureview.h"
#include "ui/viewer/packetpane.h"

#include <QAction>
#include <QFile>
#include <QMenuBar>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace lbs::ui;
using namespace Qt::StringLiterals;

namespace {

QByteArray runTool(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(60000))
        return {};
    return p.readAllStandardOutput();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

} // namespace

class TestWireshark : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_capture; ///< both sides of a NAT, SLL2, two SYNs dropped inside the node
    QString m_argsFile;

    CaptureView *openLoaded(MainWindow &window, const QString &path)
    {
        CaptureView *view = window.openCapture({path});
        QSignalSpy loaded(view->document(), &CaptureDocument::loaded);
        if (view->document()->state() != CaptureDocument::State::Loaded)
            [&] { QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 60000); }();
        return view;
    }

    QAction *wiresharkAction(MainWindow &window)
    {
        for (QAction *menu : window.menuBar()->actions())
            if (menu->menu())
                for (QAction *a : menu->menu()->actions())
                    if (a->text().contains(u"Wireshark"_s))
                        return a;
        return nullptr;
    }

    /// Triggers "Open in Wireshark" and returns the stand-in's arguments.
    QStringList openInWireshark(MainWindow &window)
    {
        QFile::remove(m_argsFile);
        QAction *action = wiresharkAction(window);
        if (!action || !action->isVisible())
            return {u"no visible Open in Wireshark action"_s};
        action->trigger();
        if (!QTest::qWaitFor([this] { return QFile::exists(m_argsFile + u".done"_s); }, 20000))
            return {u"the stand-in was not started"_s};
        QFile::remove(m_argsFile + u".done"_s);
        QFile f(m_argsFile);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString bin = m_dir.filePath(u"bin"_s);
        QVERIFY(QDir().mkpath(bin));
        m_argsFile = m_dir.filePath(u"wireshark-args"_s);
        QVERIFY(writeFile(bin + u"/wireshark"_s,
            QStringLiteral("#!/bin/sh\nprintf '%s\\n' \"$@\" > '%1'\ntouch '%1.done'\n")
                .arg(m_argsFile)
                .toUtf8()));
        QVERIFY(QFile::setPermissions(
            bin + u"/wireshark"_s, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("PATH", (bin + u':' + qEnvironmentVariable("PATH")).toUtf8());

        const QString capDir = m_dir.filePath(u"cap"_s);
        QVERIFY(QDir().mkpath(capDir));
        m_capture = capDir + u"/cap.pcap"_s;
        QProcess gen;
        gen.start(QStringLiteral(LBSCOPE_GEN),
            {u"-w"_s, m_capture, u"--both-sides"_s, u"--link"_s, u"sll2"_s, u"--fault"_s, u"in-node-drop:2"_s,
                u"--duration"_s, u"4"_s, u"--rate"_s, u"5"_s});
        QVERIFY(gen.waitForFinished(60000) && gen.exitCode() == 0);
        QVERIFY(writeFile(capDir + u"/manifest.json"_s,
            R"({"node": "lab-node-1", "interface": "any", "interfaces": [{"index": 3, "name": "eth1"},
                {"index": 10, "name": "cali1"}, {"index": 11, "name": "cali2"}, {"index": 12, "name": "cali3"}]})"));
    }

    void openInWireshark_data()
    {
        QTest::addColumn<QString>("filter"); // the packet list's filter ("" = every packet shown)
        QTest::addColumn<int>("selectRow");
        QTest::newRow("the whole file, packet 7 selected") << QString() << 6;
        QTest::newRow("filtered: the VIP and one pod, third shown packet selected")
            << u"port 80 or host 192.0.2.11"_s << 2;
    }

    void openInWireshark()
    {
        QFETCH(QString, filter);
        QFETCH(int, selectRow);
        MainWindow window;
        window.show();
        CaptureView *view = openLoaded(window, m_capture);
        PacketPane *packets = view->packets();
        if (!filter.isEmpty()) {
            const int before = packets->model()->rowCount();
            packets->applyFilter(filter);
            QTRY_VERIFY_WITH_TIMEOUT(packets->model()->rowCount() != before, 30000);
        }
        packets->table()->selectRow(selectRow);
        const QStringList args = openInWireshark(window);
        QCOMPARE(args.value(0), u"-g"_s);
        QCOMPARE(args.value(1), QString::number(selectRow + 1));
        QCOMPARE(args.value(2), u"-r"_s);
        const QString file = args.value(3);
        if (filter.isEmpty()) {
            QCOMPARE(file, m_capture);
            return;
        }
        QVERIFY2(file.endsWith(u".pcapng"_s), qPrintable(args.join(u' ')));
        // The real tshark reads what was written: the shown packets, interfaces named, findings commented.
        const QByteArray fields = runTool(u"tshark"_s,
            {u"-r"_s, file, u"-T"_s, u"fields"_s, u"-e"_s, u"frame.interface_name"_s, u"-e"_s,
                u"frame.comment"_s});
        const QList<QByteArray> lines = fields.split('\n');
        QCOMPARE(lines.size() - 1, packets->model()->rowCount());
        QVERIFY2(fields.contains("eth1\t") && fields.contains("cali"), fields.left(600).constData());
        QVERIFY2(
            fields.contains("lbscope finding (failed_handshakes_in_node)"), fields.left(2000).constData());
        // And lbscope opens its own export again, with the same packets.
        CaptureView *again = openLoaded(window, file);
        QCOMPARE(again->packets()->model()->rowCount(), packets->model()->rowCount());
        QFile::remove(file);
    }

    void opensWhatWiresharkSaves()
    {
        // editcap (Wireshark's own writer) adds a packet comment and writes pcapng.
        const QString saved = m_dir.filePath(u"saved-by-wireshark.pcapng"_s);
        QProcess editcap;
        editcap.start(
            u"editcap"_s, {u"-F"_s, u"pcapng"_s, u"-a"_s, u"1:checked by hand"_s, m_capture, saved});
        QVERIFY(editcap.waitForFinished(60000) && editcap.exitCode() == 0);
        MainWindow window;
        CaptureView *original = openLoaded(window, m_capture);
        CaptureView *view = openLoaded(window, saved);
        QCOMPARE(view->document()->state(), CaptureDocument::State::Loaded);
        QCOMPARE(view->packets()->model()->rowCount(), original->packets()->model()->rowCount());
        QCOMPARE(view->document()->analysis()->flows.size(), original->document()->analysis()->flows.size());
    }
};

QTEST_MAIN(TestWireshark)
#include "tst_wireshark.moc"
