#pragma once
// A small rate sparkline: the last samples as a filled line, newest on the right.
#include <QVector>
#include <QWidget>

namespace lbs::ui {

class Sparkline : public QWidget {
    Q_OBJECT
public:
    explicit Sparkline(QWidget *parent = nullptr);
    void addValue(double value);
    void clear();
    const QVector<double> &values() const { return m_values; }
    QSize sizeHint() const override { return {220, 36}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QVector<double> m_values;
    int m_capacity = 120;
};

} // namespace lbs::ui
