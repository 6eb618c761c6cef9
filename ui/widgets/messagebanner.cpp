#include "messagebanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace lbs::ui {

MessageBanner::MessageBanner(QWidget *parent) : QFrame(parent), m_icon(new QLabel), m_text(new QLabel)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *close = new QToolButton;
    close->setAutoRaise(true);
    close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close->setToolTip(tr("Hide this message"));
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(close);
    hide();
}

void MessageBanner::showMessage(Level level, const QString &text)
{
    const auto icon = level == Level::Error ? QStyle::SP_MessageBoxCritical
        : level == Level::Warning           ? QStyle::SP_MessageBoxWarning
                                            : QStyle::SP_MessageBoxInformation;
    const int px = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(px, px));
    // Tint derived from the palette so the banner works in light and dark themes.
    QPalette pal = palette();
    QColor tint = level == Level::Info ? pal.color(QPalette::Highlight) : QColor(230, 160, 0);
    if (level == Level::Error)
        tint = QColor(220, 50, 50);
    QColor bg = pal.color(QPalette::Window);
    bg = QColor::fromRgbF(bg.redF() * 0.75 + tint.redF() * 0.25, bg.greenF() * 0.75 + tint.greenF() * 0.25,
        bg.blueF() * 0.75 + tint.blueF() * 0.25);
    pal.setColor(QPalette::Window, bg);
    setPalette(pal);
    m_text->setText(text);
    show();
}

QString MessageBanner::text() const
{
    return m_text->text();
}

} // namespace lbs::ui
