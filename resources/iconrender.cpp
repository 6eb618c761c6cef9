// Build tool: renders the application's SVG icon to PNG files of the sizes the hicolor icon theme
// uses, so that desktops that do not scale SVG icons (and menus asking for 16 or 22 pixels) get a
// crisp picture. Usage: lbscope-iconrender ICON.svg OUTDIR SIZE... → OUTDIR/SIZExSIZE/lbscope.png

#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QStringList args = QGuiApplication::arguments();
    if (args.size() < 4) {
        std::fputs("usage: lbscope-iconrender ICON.svg OUTDIR SIZE...\n", stderr);
        return 2;
    }
    QSvgRenderer svg(args.at(1));
    if (!svg.isValid()) {
        std::fprintf(stderr, "lbscope-iconrender: %s is not a valid SVG file\n", qPrintable(args.at(1)));
        return 1;
    }
    for (qsizetype i = 3; i < args.size(); ++i) {
        bool ok = false;
        const int size = args.at(i).toInt(&ok);
        if (!ok || size < 8 || size > 1024) {
            std::fprintf(
                stderr, "lbscope-iconrender: size %s is not between 8 and 1024\n", qPrintable(args.at(i)));
            return 2;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        svg.render(&painter);
        painter.end();
        const QString dir = QStringLiteral("%1/%2x%2").arg(args.at(2)).arg(size);
        const QString out = dir + QStringLiteral("/lbscope.png");
        if (!QDir().mkpath(dir) || !image.save(out, "PNG")) {
            std::fprintf(stderr, "lbscope-iconrender: cannot write %s\n", qPrintable(out));
            return 1;
        }
    }
    return 0;
}
