#include "inputgrouping.h"

#include <QFileInfo>

namespace lbs::ui {

QString InputGrouping::rotationBase(const QString &path)
{
    const QFileInfo fi(path);
    QString name = fi.fileName();
    while (!name.isEmpty() && name.back().isDigit())
        name.chop(1);
    return fi.absolutePath() + QLatin1Char('/') + name;
}

QList<QStringList> InputGrouping::group(const QStringList &paths)
{
    QList<QStringList> groups;
    QStringList bases;
    for (const QString &p : paths) {
        const QFileInfo fi(p);
        if (fi.isDir()) {
            groups << QStringList {fi.absoluteFilePath()};
            bases << QString();
            continue;
        }
        const QString base = rotationBase(p);
        const qsizetype at = bases.indexOf(base);
        if (at >= 0 && !base.isEmpty()) {
            groups[at] << fi.absoluteFilePath();
        } else {
            groups << QStringList {fi.absoluteFilePath()};
            bases << base;
        }
    }
    return groups;
}

} // namespace lbs::ui
