#pragma once
// Colours and sizes shared by the topology picture's items. Fixed colours (not the palette) so that
// an exported PNG/SVG reads the same on any desktop theme; text is dark on light fills.

#include <QColor>
#include <QFont>

namespace lbs::ui::topology {

inline QColor problemColor()
{
    return QColor(200, 30, 30);
}
inline QColor holderColor()
{
    return QColor(30, 130, 60);
}
inline QColor standbyColor()
{
    return QColor(110, 110, 120);
}
inline QColor cardBorderColor()
{
    return QColor(90, 100, 120);
}
inline QColor cardFill()
{
    return QColor(248, 249, 252);
}
inline QColor holderFill()
{
    return QColor(232, 246, 236);
}
inline QColor problemFill()
{
    return QColor(253, 234, 234);
}
inline QColor portFill()
{
    return QColor(236, 242, 252);
}
inline QColor portSelectedFill()
{
    return QColor(255, 226, 140);
}
inline QColor textColor()
{
    return QColor(25, 25, 30);
}
inline QColor mutedTextColor()
{
    return QColor(85, 85, 95);
}

constexpr qreal kPadding = 8;
constexpr qreal kColumnGap = 70;
constexpr qreal kRowGap = 16;
constexpr qreal kMargin = 20;
constexpr int kWrapChars = 64; ///< longer lines (evidence, problems) are wrapped at word boundaries

/// Red for problem text in widgets (tables, labels): darker on a light palette, lighter on a dark one.
QColor widgetProblemColor();

/// The font every label uses: the application font, at least 9 pt.
QFont labelFont();
/// `text` split into lines of at most kWrapChars at spaces (a longer word stays whole).
QStringList wrapText(const QString &text);

} // namespace lbs::ui::topology
