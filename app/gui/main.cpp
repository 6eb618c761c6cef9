// lbscope GUI entry point: command line, application identity, main window. Wiring only.
#include "ui/app/loadreporter.h"
#include "ui/app/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char *argv[])
{
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
    QCommandLineOption exitAfterLoad(QStringLiteral("exit-after-load"),
        QStringLiteral(
            "Load every capture, draw every view once, print timings and peak RSS to stderr and exit "
            "(0 when everything loaded)."));
    parser.addOption(exitAfterLoad);
    QCommandLineOption readyFile(QStringLiteral("ready-file"),
        QStringLiteral("Create FILE once every capture is loaded and drawn (for scripts)."),
        QStringLiteral("FILE"));
    parser.addOption(readyFile);
    QCommandLineOption tab(QStringLiteral("tab"),
        QStringLiteral("View to show first: timeline, flows, latency or findings."), QStringLiteral("NAME"));
    parser.addOption(tab);
    QCommandLineOption selectFlow(QStringLiteral("select-flow"),
        QStringLiteral("Select flow ID once loaded (packet list and ladder follow)."), QStringLiteral("ID"));
    parser.addOption(selectFlow);
    parser.addPositionalArgument(QStringLiteral("FILE"),
        QStringLiteral("Capture files or directories to open."), QStringLiteral("[FILE...]"));
    parser.process(app);

    lbs::ui::MainWindow window;
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(exitAfterLoad) && files.isEmpty()) {
        fputs("lbscope: --exit-after-load needs at least one capture file\n", stderr);
        return 2;
    }
    window.show();
    window.openPaths(files);
    if (parser.isSet(tab) || parser.isSet(selectFlow))
        window.showOnLoad(
            parser.value(tab), parser.isSet(selectFlow) ? parser.value(selectFlow).toInt() : -1);
    if (parser.isSet(exitAfterLoad) || parser.isSet(readyFile))
        new lbs::ui::LoadReporter(&window, parser.isSet(exitAfterLoad), parser.value(readyFile), &window);
    return app.exec();
}
