#include "ui/wizard/reportpdf.h"

#include <QFile>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTextDocument>
#include <QUrl>

#include <algorithm>

namespace lbs::ui {

namespace {
constexpr int kPlotWidth = 620; ///< px at 96 dpi: an A4 page less 2 cm each side
} // namespace

QString writeReportPdf(const QString &html, const QString &path)
{
    QTextDocument doc;
    QString text = html;
    static const QRegularExpression svg(
        QStringLiteral("<svg .*?</svg>"), QRegularExpression::DotMatchesEverythingOption);
    int n = 0;
    QRegularExpressionMatch m;
    while ((m = svg.match(text)).hasMatch()) {
        QSvgRenderer renderer(m.captured(0).toUtf8());
        QImage image(renderer.defaultSize() * 2, QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        renderer.render(&painter);
        painter.end();
        const QString name = QStringLiteral("plot%1.png").arg(n++);
        doc.addResource(QTextDocument::ImageResource, QUrl(name), image);
        text.replace(m.capturedStart(), m.capturedLength(),
            QStringLiteral("<p style='line-height:100%'><img src='%1' width='%2' height='%3'></p>")
                .arg(name)
                .arg(kPlotWidth)
                .arg(kPlotWidth * renderer.defaultSize().height()
                    / std::max(1, renderer.defaultSize().width())));
    }
    doc.setHtml(text);
    {
        QFile probe(path); // QPdfWriter does not say when it cannot write
        if (!probe.open(QIODevice::WriteOnly))
            return probe.errorString();
    }
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(96);
    writer.setPageMargins(QMarginsF(0, 0, 0, 0)); // QTextDocument::print keeps 2 cm itself
    writer.setTitle(QStringLiteral("lbscope troubleshooting report"));
    writer.setCreator(QStringLiteral("lbscope"));
    doc.print(&writer);
    return QFile(path).size() > 0 ? QString() : QStringLiteral("nothing was written");
}

} // namespace lbs::ui
