#include "topologystyle.h"

#include <QGuiApplication>
#include <QPalette>
#include <QStringList>

namespace lbs::ui::topology {

QColor widgetProblemColor()
{
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    return dark ? QColor(255, 120, 120) : QColor(170, 20, 20);
}

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
