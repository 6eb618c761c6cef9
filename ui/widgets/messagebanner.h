#pragma once
// A dismissable warning strip shown above a capture (truncated file, unreadable records, kernel
// drops): the user keeps everything that could be read and is told what is missing.

#include <QFrame>

class QLabel;

namespace lbs::ui {

class MessageBanner : public QFrame {
    Q_OBJECT
public:
    enum class Level { Info, Warning, Error };
    explicit MessageBanner(QWidget *parent = nullptr);
    void showMessage(Level level, const QString &text);
    QString text() const;

private:
    QLabel *m_icon;
    QLabel *m_text;
};

} // namespace lbs::ui
