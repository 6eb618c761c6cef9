#include "filterbar.h"

#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTimer>

namespace lbs::ui {

namespace {
const auto kHistoryKey = QStringLiteral("filter/history");
constexpr int kHistoryMax = 30;

QColor blend(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t, a.greenF() * (1 - t) + b.greenF() * t,
        a.blueF() * (1 - t) + b.blueF() * t);
}
} // namespace

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent), m_combo(new QComboBox), m_message(new QLabel), m_debounce(new QTimer(this))
{
    m_combo->setEditable(true);
    m_combo->setInsertPolicy(QComboBox::NoInsert);
    m_combo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_combo->lineEdit()->setPlaceholderText(tr("BPF filter, e.g. tcp port 80 and host 192.0.2.10  (Ctrl+F)"));
    m_combo->lineEdit()->setClearButtonEnabled(true);
    m_combo->addItems(QSettings().value(kHistoryKey).toStringList());
    m_combo->setCurrentIndex(-1);
    m_combo->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_combo->completer()->setFilterMode(Qt::MatchContains);
    m_message->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *applyButton = new QPushButton(tr("Apply"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Filter:")));
    layout->addWidget(m_combo, 3);
    layout->addWidget(applyButton);
    layout->addWidget(m_message, 2);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &FilterBar::validateNow);
    connect(m_combo, &QComboBox::editTextChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_combo->lineEdit(), &QLineEdit::returnPressed, this, &FilterBar::apply);
    connect(applyButton, &QPushButton::clicked, this, &FilterBar::apply);
}

void FilterBar::setValidator(Validator validator)
{
    m_validator = std::move(validator);
}

QString FilterBar::text() const
{
    return m_combo->currentText().trimmed();
}

void FilterBar::setText(const QString &text)
{
    m_combo->setEditText(text);
    validateNow();
}

QStringList FilterBar::history() const
{
    QStringList out;
    for (int i = 0; i < m_combo->count(); ++i)
        out << m_combo->itemText(i);
    return out;
}

void FilterBar::focusEditor()
{
    m_combo->setFocus(Qt::ShortcutFocusReason);
    m_combo->lineEdit()->selectAll();
}

void FilterBar::validateNow()
{
    m_debounce->stop();
    const QString expr = text();
    m_error = (expr.isEmpty() || !m_validator) ? QString() : m_validator(expr);
    showState(m_error.isEmpty(), expr.isEmpty());
}

void FilterBar::showState(bool valid, bool empty)
{
    QPalette pal = palette();
    if (!empty) {
        const QColor base = pal.color(QPalette::Base);
        pal.setColor(QPalette::Base, blend(base, valid ? QColor(40, 180, 70) : QColor(220, 50, 50), 0.25));
    }
    m_combo->lineEdit()->setPalette(pal);
    m_message->setText(valid ? QString() : m_error);
    m_message->setToolTip(m_error);
}

void FilterBar::apply()
{
    validateNow();
    if (!m_error.isEmpty())
        return;
    const QString expr = text();
    if (!expr.isEmpty()) {
        QStringList items = history();
        items.removeAll(expr);
        items.prepend(expr);
        while (items.size() > kHistoryMax)
            items.removeLast();
        const QSignalBlocker block(m_combo);
        m_combo->clear();
        m_combo->addItems(items);
        m_combo->setEditText(expr);
        QSettings().setValue(kHistoryKey, items);
    }
    emit filterApplied(expr);
}

} // namespace lbs::ui
