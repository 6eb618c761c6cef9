#include "topologystyle.h"

#include <QGuiApplication>
#include <QStringList>

namespace lbs::ui::topology {

QFont labelFont()
{
    QFont f = QGuiApplication::font();
    if (f.pointSizeF() > 0 && f.pointSizeF() < 9)
        f.setPointSizeF(9);
    return f;
}

QStringList wrapText(const QString &text)
{
    QStringList out;
    QString line;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > kWrapChars) {
            out << line;
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty() || out.isEmpty())
        out << line;
    return out;
}

} // namespace lbs::ui::topology
