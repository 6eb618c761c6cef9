#pragma once
// BPF filter bar: an editable combo with history, validated live (green = compiles, red = the
// compiler's message shown beside it), applied on Enter.

#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QTimer;

namespace lbs::ui {

class FilterBar : public QWidget {
    Q_OBJECT
public:
    /// Returns an empty string when the expression compiles, else the compiler's message.
    using Validator = std::function<QString(const QString &expression)>;

    explicit FilterBar(QWidget *parent = nullptr);
    void setValidator(Validator validator);
    QString text() const;
    void setText(const QString &text);
    /// Last validation result: empty when valid.
    QString errorMessage() const { return m_error; }
    QStringList history() const;
    void focusEditor();

signals:
    /// Emitted on Enter / Apply with a valid (or empty) expression.
    void filterApplied(const QString &expression);

private:
    void validateNow();
    void apply();
    void showState(bool valid, bool empty);

    QComboBox *m_combo;
    QLabel *m_message;
    QTimer *m_debounce;
    Validator m_validator;
    QString m_error;
};

} // namespace lbs::ui
