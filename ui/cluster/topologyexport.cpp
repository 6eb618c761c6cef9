#include "topologyexport.h"

#include <QFile>
#include <QGraphicsScene>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QSvgGenerator>

namespace lbs::ui {

namespace {
Error fileError(const QString &path, const QString &why)
{
    return Error {QStringLiteral("could not write the topology picture: %1").arg(why).toStdString(),
        path.toStdString(), "choose another file or directory"};
}
} // namespace

Status exportScenePng(QGraphicsScene &scene, const QString &path)
{
    const QRectF source = scene.sceneRect();
    constexpr qreal scale = 2;
    QImage image((source.size() * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        scene.render(&painter, QRectF(QPointF(0, 0), source.size() * scale), source);
    }
    QImageWriter writer(path, "png");
    if (!writer.write(image))
        return fileError(path, writer.errorString());
    return Ok {};
}

Status exportSceneSvg(QGraphicsScene &scene, const QString &path, const QString &title)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return fileError(path, file.errorString());
    const QRectF source = scene.sceneRect();
    QSvgGenerator svg;
    svg.setOutputDevice(&file);
    svg.setSize(source.size().toSize());
    svg.setViewBox(QRectF(QPointF(0, 0), source.size()));
    svg.setTitle(title);
    svg.setDescription(QStringLiteral("lbscope topology picture"));
    {
        QPainter painter(&svg);
        scene.render(&painter, QRectF(QPointF(0, 0), source.size()), source);
    }
    file.close();
    if (file.error() != QFile::NoError)
        return fileError(path, file.errorString());
    return Ok {};
}

} // namespace lbs::ui
