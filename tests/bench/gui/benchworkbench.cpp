// Workbench benchmark (not a timed test): drives the GUI against the lab as a user would and prints
//   - the longest GUI event-loop stall (gap between ticks of a 5 ms timer) during connect, locate,
//     capture and download of a debug-pod capture of default/web's VIP on lab-node-1 eth1 (target
//     <= 50 ms each), and
//   - the download of a ring of bulk UDP packets through the GUI (SSH to lab-node-1; downloading ->
//     verified) against `lbscope-cli fetch --ssh` of the same files in the same run (target <= 1.05 x;
//     the CLI's time includes its SSH connect, the GUI's session is already open).
// Usage: lbscope-bench-workbench --lab-dir DIR --cli LBSCOPE_CLI --node-exec NODE_EXEC [--rounds N]
#include "ui/app/mainwindow.h"
#include "ui/capture/capturecontroller.h"
#include "ui/capture/capturepage.h"
#include "ui/capture/captureplanform.h"
#include "ui/cluster/clusterview.h"
#include "ui/cluster/topologyportitem.h"
#include "ui/cluster/topologyscene.h"
#include "ui/cluster/topologyview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>

#include <cstdio>
#include <cstdlib>
#include <functional>

using namespace lbs::ui;
using lbs::capture::CaptureState;

namespace {

/// The longest gap between ticks of a 5 ms timer, per phase.
class StallMeter : public QObject {
public:
    StallMeter()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 gap = m_clock.restart();
            qint64 &worst = m_longest[m_phase];
            worst = std::max(worst, gap);
        });
        m_clock.start();
        m_timer.start();
    }
    void phase(const QString &name)
    {
        m_clock.restart();
        m_phase = name;
    }
    qint64 longest(const QString &phase) const { return m_longest.value(phase); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    QString m_phase = QStringLiteral("idle");
    QMap<QString, qint64> m_longest;
};

/// Runs the event loop until `done` holds (checked every 20 ms) or `ms` pass.
bool waitFor(const std::function<bool()> &done, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms)
            return false;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

[[noreturn]] void fail(const QString &why)
{
    std::fprintf(stderr, "bench/workbench: %s\n", qPrintable(why));
    std::exit(1);
}

QJsonObject labStatus(const QString &labScript)
{
    QProcess p;
    p.start(labScript, {QStringLiteral("status"), QStringLiteral("--json")});
    p.waitForFinished(60000);
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCommandLineParser args;
    args.addOptions({{QStringLiteral("lab"), QStringLiteral("the lab script"), QStringLiteral("PATH")},
        {QStringLiteral("cli"), QStringLiteral("lbscope-cli"), QStringLiteral("PATH")},
        {QStringLiteral("node-exec"), QStringLiteral("the lab's node-exec"), QStringLiteral("PATH")},
        {QStringLiteral("rounds"), QStringLiteral("CLI fetch rounds (best counts)"), QStringLiteral("N"),
            QStringLiteral("3")},
        {QStringLiteral("flood-seconds"), QStringLiteral("seconds of bulk UDP"), QStringLiteral("S"),
            QStringLiteral("3")}});
    args.process(app);
    const QString labScript = args.value(QStringLiteral("lab"));
    const QString cli = args.value(QStringLiteral("cli"));
    const QString nodeExec = args.value(QStringLiteral("node-exec"));
    const QJsonObject st = labStatus(labScript);
    if (!st.value(QStringLiteral("up")).toBool())
        fail(QStringLiteral("the lab is not up"));
    const QString kubeconfig = st.value(QStringLiteral("kubeconfig")).toString();
    QString sshPort;
    for (const QJsonValue &n : st.value(QStringLiteral("nodes")).toArray())
        if (n.toObject().value(QStringLiteral("name")).toString() == QStringLiteral("lab-node-1"))
            sshPort = n.toObject().value(QStringLiteral("ssh")).toString().section(QLatin1Char(':'), -1);
    const QString key = st.value(QStringLiteral("ssh_key")).toString();
    const QString known = st.value(QStringLiteral("known_hosts")).toString();
    QTemporaryDir work;

    StallMeter stalls;
    MainWindow window;
    window.resize(1400, 900);
    window.show();

    // Connect and locate.
    // Opening the workbench tab (widgets built and painted once) is measured on its own.
    stalls.phase(QStringLiteral("open"));
    ClusterView *cluster = window.showCluster();
    waitFor([] { return false; }, 300);
    stalls.phase(QStringLiteral("connect"));
    QElapsedTimer clock;
    clock.start();
    lbs::kube::KubeConfigSource source;
    source.explicitPath = kubeconfig;
    cluster->setSource(source);
    bool listed = false, shown = false;
    QObject::connect(cluster, &ClusterView::servicesShown, [&] {
        listed = true;
        stalls.phase(QStringLiteral("locate"));
    });
    QObject::connect(cluster, &ClusterView::topologyShown, [&] { shown = true; });
    cluster->start(QStringLiteral("lab-cert"), QStringLiteral("default/web"));
    if (!waitFor([&] { return listed; }, 120000))
        fail(QStringLiteral("the services were not listed: ") + cluster->statusText());
    const qint64 connectMs = clock.restart();
    if (!waitFor([&] { return shown; }, 180000))
        fail(QStringLiteral("default/web was not located: ") + cluster->statusText());
    const qint64 locateMs = clock.elapsed();
    TopologyPortItem *eth1 = nullptr;
    for (auto *p : cluster->topology()->scene()->ports())
        if (p->node() == QStringLiteral("lab-node-1") && p->iface() == QStringLiteral("eth1"))
            eth1 = p;
    if (!eth1)
        fail(QStringLiteral("no eth1 port on lab-node-1 in the picture"));
    emit eth1->clicked(eth1->node(), eth1->iface());

    auto *tabs = window.findChild<QTabWidget *>();
    // One capture on a page the workbench opens; phases follow the page's states.
    const auto capture = [&](const QString &name, const std::function<void(CapturePage *)> &setup,
                             const std::function<void()> &load, qint64 *downloadMs) {
        emit eth1->doubleClicked(eth1->node(), eth1->iface());
        auto *page = qobject_cast<CapturePage *>(tabs->currentWidget());
        if (!page)
            fail(QStringLiteral("no capture page opened"));
        page->plan()->setRemoteDir(QStringLiteral("/var/tmp/lbscope-bench-") + name);
        page->plan()->setOutDir(work.filePath(name));
        setup(page);
        QElapsedTimer dl;
        const auto states = QObject::connect(page, &CapturePage::stateChanged, [&](CaptureState s) {
            if (s == CaptureState::downloading) {
                stalls.phase(name + QStringLiteral(" download"));
                dl.start();
            }
            if (s == CaptureState::verified && downloadMs)
                *downloadMs = dl.elapsed();
        });
        stalls.phase(name + QStringLiteral(" capture"));
        bool checked = false, ok = false;
        const auto checks = QObject::connect(page, &CapturePage::checksFinished, [&](bool passed) {
            checked = true;
            ok = passed;
        });
        page->checkButton()->click();
        if (!waitFor([&] { return checked; }, 120000) || !ok)
            fail(name + QStringLiteral(": the checks failed:\n") + page->log()->toPlainText());
        page->startButton()->click();
        if (!waitFor([&] { return page->state() == CaptureState::capturing; }, 60000))
            fail(name + QStringLiteral(": tcpdump did not start:\n") + page->log()->toPlainText());
        load();
        if (!waitFor([&] { return !page->controller()->isRunning(); }, 600000)
            || page->state() != CaptureState::verified)
            fail(name + QStringLiteral(": not verified:\n") + page->log()->toPlainText());
        stalls.phase(QStringLiteral("idle"));
        QObject::disconnect(states);
        QObject::disconnect(checks);
        return page;
    };

    // The debug-pod capture of the VIP during lab traffic.
    QProcess traffic;
    capture(
        QStringLiteral("pod"), [](CapturePage *p) { p->plan()->setDuration(5); },
        [&] {
            traffic.start(labScript,
                {QStringLiteral("traffic"), QStringLiteral("--rate"), QStringLiteral("100"),
                    QStringLiteral("--duration"), QStringLiteral("4")});
        },
        nullptr);
    traffic.waitForFinished(60000);

    // Rounds of: an SSH capture of bulk UDP from lab-node-1 to lab-node-2 on eth1 downloaded by the
    // GUI, then `lbscope-cli fetch --ssh` of the same files. The best rate of each is compared.
    const int flood = args.value(QStringLiteral("flood-seconds")).toInt();
    const int rounds = args.value(QStringLiteral("rounds")).toInt();
    double guiBest = 0, cliBest = 0, guiMb = 0, cliMb = 0;
    qint64 guiBestMs = 0, cliBestMs = 0;
    int files = 0;
    for (int r = 0; r < rounds; ++r) {
        const QString name = QStringLiteral("ssh%1").arg(r);
        qint64 guiDownloadMs = -1;
        QProcess sender;
        CapturePage *sshPage = capture(
            name,
            [&](CapturePage *p) {
                p->plan()->setSsh(
                    QStringLiteral("root@127.0.0.1:") + sshPort, key, known, QStringLiteral("none"));
                p->plan()->setFilter(QStringLiteral("udp port 9"));
                p->plan()->setRing(50, 8);
                p->plan()->setDuration(flood + 2);
            },
            [&] {
                const QString script = QStringLiteral(
                    "import socket,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nd=b'x'*1400\n"
                    "t=time.time()+%1\nwhile time.time()<t:\n    s.sendto(d,('203.0.113.12',9))\n")
                                           .arg(flood);
                sender.start(nodeExec,
                    {QStringLiteral("lab-node-1"), QStringLiteral("--"), QStringLiteral("python3"),
                        QStringLiteral("-c"), script});
            },
            &guiDownloadMs);
        sender.waitForFinished(60000);
        QStringList remote;
        quint64 bytes = 0;
        const QString guiOut = work.filePath(name);
        for (int i = 0; i < sshPage->files()->topLevelItemCount(); ++i) {
            const QString file = sshPage->files()->topLevelItem(i)->text(0);
            remote << QStringLiteral("/var/tmp/lbscope-bench-") + name + QLatin1Char('/') + file;
            bytes += quint64(QFileInfo(guiOut + QLatin1Char('/') + file).size());
        }
        const double mb = double(bytes) / 1e6;
        const QString out = work.filePath(QStringLiteral("cli-%1").arg(r));
        QProcess fetch;
        QStringList a {QStringLiteral("fetch"), QStringLiteral("--ssh"),
            QStringLiteral("root@127.0.0.1:") + sshPort, QStringLiteral("--identity"), key,
            QStringLiteral("--known-hosts"), known, QStringLiteral("--ssh-config"), QStringLiteral("none"),
            QStringLiteral("--out"), out};
        a += remote;
        QElapsedTimer t;
        t.start();
        fetch.start(cli, a);
        fetch.waitForFinished(600000);
        const qint64 cliMs = t.elapsed();
        if (fetch.exitCode() != 0)
            fail(QStringLiteral("lbscope-cli fetch failed: ")
                + QString::fromLocal8Bit(fetch.readAllStandardError()));
        const double guiRate = mb / (double(std::max<qint64>(guiDownloadMs, 1)) / 1000.0);
        const double cliRate = mb / (double(std::max<qint64>(cliMs, 1)) / 1000.0);
        std::printf(
            "round %d: %d files, %.1f MB: GUI %lld ms (%.0f MB/s), lbscope-cli fetch %lld ms (%.0f MB/s)\n",
            r + 1, int(remote.size()), mb, static_cast<long long>(guiDownloadMs), guiRate,
            static_cast<long long>(cliMs), cliRate);
        if (guiRate > guiBest) {
            guiBest = guiRate;
            guiMb = mb;
            guiBestMs = guiDownloadMs;
            files = int(remote.size());
        }
        if (cliRate > cliBest) {
            cliBest = cliRate;
            cliMb = mb;
            cliBestMs = cliMs;
        }
        QDir(out).removeRecursively();
        QDir(guiOut).removeRecursively();
        QProcess rm;
        rm.start(nodeExec,
            {QStringLiteral("lab-node-1"), QStringLiteral("--"), QStringLiteral("rm"), QStringLiteral("-rf"),
                QStringLiteral("/var/tmp/lbscope-bench-") + name});
        rm.waitForFinished(30000);
    }
    QProcess cleanup;
    cleanup.start(nodeExec,
        {QStringLiteral("lab-node-1"), QStringLiteral("--"), QStringLiteral("rm"), QStringLiteral("-rf"),
            QStringLiteral("/var/tmp/lbscope-bench-ssh"), QStringLiteral("/var/tmp/lbscope-bench-pod")});
    cleanup.waitForFinished(30000);

    const auto line = [](const char *what, qint64 ms, qint64 target) {
        std::printf("%-40s %5lld ms%s\n", what, static_cast<long long>(ms),
            target > 0 ? (ms <= target ? "  (target <= 50 ms: met)" : "  (target <= 50 ms: MISSED)") : "");
    };
    std::printf("connect (contexts, services)             %5lld ms\n", static_cast<long long>(connectMs));
    std::printf("locate default/web                       %5lld ms\n", static_cast<long long>(locateMs));
    line("longest GUI stall: opening the workbench", stalls.longest(QStringLiteral("open")), 0);
    line("longest GUI stall: connect", stalls.longest(QStringLiteral("connect")), 50);
    line("longest GUI stall: locate", stalls.longest(QStringLiteral("locate")), 50);
    line("longest GUI stall: capture (debug pod)", stalls.longest(QStringLiteral("pod capture")), 50);
    line("longest GUI stall: download (debug pod)", stalls.longest(QStringLiteral("pod download")), 50);
    qint64 sshCapture = 0, sshDownload = 0;
    for (int r = 0; r < rounds; ++r) {
        sshCapture = std::max(sshCapture, stalls.longest(QStringLiteral("ssh%1 capture").arg(r)));
        sshDownload = std::max(sshDownload, stalls.longest(QStringLiteral("ssh%1 download").arg(r)));
    }
    line("longest GUI stall: capture (ssh, bulk)", sshCapture, 50);
    line("longest GUI stall: download (ssh, bulk)", sshDownload, 50);
    const double ratio = cliBest / std::max(guiBest, 1e-9);
    std::printf("download, best of %d rounds each\n", rounds);
    std::printf("  through the GUI (downloading->verified)  %.0f MB/s (%d files, %.1f MB in %lld ms)\n",
        guiBest, files, guiMb, static_cast<long long>(guiBestMs));
    std::printf("  lbscope-cli fetch --ssh (whole command)  %.0f MB/s (%.1f MB in %lld ms)\n", cliBest, cliMb,
        static_cast<long long>(cliBestMs));
    std::printf("  GUI time / CLI time at equal size        %.2f x  (target <= 1.05: %s)\n", ratio,
        ratio <= 1.05 ? "met" : "MISSED");
    std::fflush(stdout);
    return 0;
}
