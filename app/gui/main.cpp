// lbscope GUI entry point: command line, application identity, main window. Wiring only.
#include "app/gui/manpage.h"
#include "ui/app/mainwindow.h"
#include "ui/bench/loadreporter.h"
#include "ui/capture/capturetabs.h"
#include "ui/cluster/clusterview.h"
#include "ui/cluster/hostkeyprompt.h"
#include "ui/cluster/loginshellsetup.h"
#include "ui/cluster/sshnodedialog.h"
#include "ui/wizard/clusterpage.h"
#include "ui/wizard/servicepage.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QIcon>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QTimer>

#include <string_view>
#include <vector>

namespace {
// A dark palette applied the way a dark desktop theme does it (Fusion + QApplication palette), to
// check the views stay readable: --palette dark (a debugging option, hidden from --help).
QPalette darkPalette()
{
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(225, 225, 225), disabled(130, 130, 130);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(40, 40, 43));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 80, 80));
    p.setColor(QPalette::Light, QColor(70, 70, 74));
    p.setColor(QPalette::Midlight, QColor(58, 58, 62));
    p.setColor(QPalette::Mid, QColor(85, 85, 90));
    p.setColor(QPalette::Dark, QColor(20, 20, 22));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(100, 170, 255));
    p.setColor(QPalette::LinkVisited, QColor(170, 130, 255));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}
} // namespace

// --help and --version must answer on a terminal without a display (ssh session, CI), where the
// default xcb platform would abort before the parser runs.
static bool wantsOnlyText(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view a(argv[i]);
        if (a == "--help" || a == "-h" || a == "--help-all" || a == "--version" || a == "-v" || a == "--man")
            return true;
    }
    return false;
}

int main(int argc, char *argv[])
{
    if (wantsOnlyText(argc, argv))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Q_INIT_RESOURCE(lbscope); // the qrc lives in the static lbscope_ui library
    QApplication::setApplicationName(QStringLiteral("lbscope"));
    QApplication::setOrganizationName(QStringLiteral("lbscope"));
    QApplication::setApplicationVersion(QStringLiteral(LBSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("lbscope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/lbscope/icons/lbscope.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Kubernetes load balancer capture workbench: opens pcap/pcapng files, rotated sets "
        "(x.pcap0..x.pcapN) and "
        "capture directories with a manifest.json. Files of one rotated set open as one capture; other files "
        "open in tabs."));
    parser.addHelpOption();
    parser.addVersionOption();
    // Every option goes through here, so that the man page (--man) lists exactly what --help does.
    std::vector<QCommandLineOption> documented;
    const auto addOption = [&parser, &documented](const QCommandLineOption &o) {
        parser.addOption(o);
        if (!(o.flags() & QCommandLineOption::HiddenFromHelp))
            documented.push_back(o);
    };
    QCommandLineOption man(QStringLiteral("man"), QStringLiteral("Print the lbscope(1) man page."));
    man.setFlags(QCommandLineOption::HiddenFromHelp);
    addOption(man);
    QCommandLineOption exitAfterLoad(QStringLiteral("exit-after-load"),
        QStringLiteral(
            "Load every capture, draw every view once, print timings and peak RSS to stderr and exit "
            "(0 when everything loaded)."));
    addOption(exitAfterLoad);
    QCommandLineOption readyFile(QStringLiteral("ready-file"),
        QStringLiteral("Create FILE once every capture is loaded and drawn (for scripts)."),
        QStringLiteral("FILE"));
    addOption(readyFile);
    QCommandLineOption tab(QStringLiteral("tab"),
        QStringLiteral("First view: timeline, flows, latency, findings, backends."), QStringLiteral("NAME"));
    addOption(tab);
    QCommandLineOption selectFlow(QStringLiteral("select-flow"),
        QStringLiteral("Select flow ID once loaded (packet list and ladder follow)."), QStringLiteral("ID"));
    addOption(selectFlow);
    QCommandLineOption palette(QStringLiteral("palette"),
        QStringLiteral("Debugging: apply a light or dark palette with the Fusion style."),
        QStringLiteral("light|dark"));
    palette.setFlags(QCommandLineOption::HiddenFromHelp);
    addOption(palette);
    QCommandLineOption cluster(QStringLiteral("cluster"),
        QStringLiteral("Open the cluster workbench and connect (to --context, else the current context)."));
    addOption(cluster);
    QCommandLineOption wizard(QStringLiteral("wizard"),
        QStringLiteral("Open the guided troubleshooting wizard: cluster, service, checks, capture plan, "
                       "capture, download and a verdict in one sentence (with --context and --service: "
                       "straight to that service)."));
    addOption(wizard);
    QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"),
        QStringLiteral("kubeconfig file to read instead of KUBECONFIG or ~/.kube/config."),
        QStringLiteral("PATH"));
    addOption(kubeconfig);
    QCommandLineOption context(QStringLiteral("context"),
        QStringLiteral("With --cluster or --wizard: the context to connect to."), QStringLiteral("NAME"));
    addOption(context);
    QCommandLineOption service(QStringLiteral("service"),
        QStringLiteral("With --cluster or --wizard: the LoadBalancer service to locate and draw."),
        QStringLiteral("NS/NAME"));
    addOption(service);
    QCommandLineOption resetSettings(QStringLiteral("reset-settings"),
        QStringLiteral("Forget every setting (window layout, recent captures, filters, cluster choices) "
                       "before starting. Passphrases remembered in the system keychain stay there."));
    addOption(resetSettings);
    // Debugging and screenshots: open the SSH dialog for HOST and test it (hidden from --help).
    QCommandLineOption sshTest(
        QStringLiteral("ssh-test"), QStringLiteral("Test SSH to HOST."), QStringLiteral("HOST"));
    QCommandLineOption sshConfig(
        QStringLiteral("ssh-config"), QStringLiteral("ssh config file."), QStringLiteral("FILE"));
    QCommandLineOption knownHosts(
        QStringLiteral("known-hosts"), QStringLiteral("known_hosts file."), QStringLiteral("FILE"));
    for (QCommandLineOption *o : {&sshTest, &sshConfig, &knownHosts}) {
        o->setFlags(QCommandLineOption::HiddenFromHelp);
        addOption(*o);
    }
    parser.addPositionalArgument(QStringLiteral("FILE"),
        QStringLiteral("Capture files or directories to open."), QStringLiteral("[FILE...]"));
    parser.process(app);
    if (parser.isSet(man)) {
        fputs(lbs::gui::manPage(parser.applicationDescription(), documented).c_str(), stdout);
        return 0;
    }
    if (parser.isSet(resetSettings)) {
        QSettings settings;
        settings.clear();
        settings.sync();
        fprintf(stderr, "lbscope: settings reset (%s)\n", qPrintable(settings.fileName()));
    }
    if (parser.isSet(palette)) {
        const QString name = parser.value(palette);
        if (name != QLatin1String("dark") && name != QLatin1String("light")) {
            fputs("lbscope: --palette takes light or dark\n", stderr);
            return 2;
        }
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(
            name == QLatin1String("dark") ? darkPalette() : QApplication::style()->standardPalette());
    }

    // Exec credential plugins are looked up on the login shell's PATH too (resolved in the background).
    if (!parser.isSet(exitAfterLoad))
        lbs::ui::startLoginShellPathLookup();
    lbs::ui::MainWindow window;
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(exitAfterLoad) && files.isEmpty()) {
        fputs("lbscope: --exit-after-load needs at least one capture file\n", stderr);
        return 2;
    }
    window.show();
    window.openPaths(files);
    // An interactive start offers to re-attach a capture left running (not in scripted runs).
    if (!parser.isSet(exitAfterLoad) && !parser.isSet(readyFile))
        QTimer::singleShot(0, window.captures(), &lbs::ui::CaptureTabs::offerReattach);
    if (parser.isSet(tab) || parser.isSet(selectFlow))
        window.showOnLoad(
            parser.value(tab), parser.isSet(selectFlow) ? parser.value(selectFlow).toInt() : -1);
    // --ready-file without captures: created once the cluster view or the SSH test settled.
    const QString ready = files.isEmpty() ? parser.value(readyFile) : QString();
    const auto touchReady = [ready] {
        QFile f(ready);
        if (!ready.isEmpty() && !f.open(QIODevice::WriteOnly))
            fprintf(stderr, "lbscope: cannot create %s\n", qPrintable(ready));
    };
    if (parser.isSet(wizard)) {
        lbs::ui::TroubleshootWizard *w = window.showWizard();
        if (parser.isSet(kubeconfig))
            w->setSource(lbs::kube::KubeConfigSource::fromEnvironment(parser.value(kubeconfig)));
        w->start(parser.value(context), parser.value(service));
        // --ready-file: once the service is located (or the context connected when no service is given).
        if (parser.isSet(service))
            QObject::connect(static_cast<lbs::ui::WizardServicePage *>(
                                 w->page(lbs::ui::TroubleshootWizard::ServicePageId)),
                &lbs::ui::WizardServicePage::located, &window, touchReady);
        else
            QObject::connect(static_cast<lbs::ui::WizardClusterPage *>(
                                 w->page(lbs::ui::TroubleshootWizard::ClusterPageId)),
                &lbs::ui::WizardClusterPage::connected, &window, touchReady);
        QObject::connect(w->session(), &lbs::ui::ClusterSession::stateChanged, &window,
            [touchReady](lbs::ui::ClusterSession::State state) {
                if (state == lbs::ui::ClusterSession::State::Failed)
                    touchReady();
            });
    } else if (parser.isSet(cluster) || parser.isSet(kubeconfig)) {
        lbs::ui::ClusterView *view = window.showCluster();
        if (parser.isSet(kubeconfig))
            view->setSource(lbs::kube::KubeConfigSource::fromEnvironment(parser.value(kubeconfig)));
        view->start(parser.value(context), parser.value(service));
        if (parser.isSet(service))
            QObject::connect(view, &lbs::ui::ClusterView::topologyShown, &window, touchReady);
        else
            QObject::connect(view, &lbs::ui::ClusterView::servicesShown, &window, touchReady);
        QObject::connect(view->session(), &lbs::ui::ClusterSession::stateChanged, &window,
            [touchReady](lbs::ui::ClusterSession::State state) {
                if (state == lbs::ui::ClusterSession::State::Failed)
                    touchReady();
            });
    }
    if (parser.isSet(sshTest)) {
        auto *dialog = new lbs::ui::SshNodeDialog(&window);
        lbs::ui::SshEndpointChoice c;
        c.host = parser.value(sshTest);
        c.configFile = parser.value(sshConfig);
        c.knownHostsFile = parser.value(knownHosts);
        dialog->setEndpoint(c);
        dialog->show();
        QObject::connect(dialog->hostKeyPrompt(), &lbs::ui::HostKeyPrompt::asking, &window, touchReady);
        QObject::connect(dialog, &lbs::ui::SshNodeDialog::testFinished, &window, touchReady);
        dialog->testConnection();
    }
    if (!ready.isEmpty()
        && (parser.isSet(cluster) || parser.isSet(kubeconfig) || parser.isSet(sshTest)
            || parser.isSet(wizard)))
        return app.exec();
    if (parser.isSet(exitAfterLoad) || parser.isSet(readyFile))
        new lbs::ui::LoadReporter(&window, parser.isSet(exitAfterLoad), parser.value(readyFile), &window);
    return app.exec();
}
