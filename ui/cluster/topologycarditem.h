#pragma once
// A box of the topology picture (the VIP, a node, a pod, the problem list): a bold title and lines
// of text, each line in its own colour. Its size follows its text, so every label stays visible.

#include <QBrush>
#include <QGraphicsObject>
#include <QPen>

namespace lbs::ui {

class TopologyCardItem : public QGraphicsObject {
    Q_OBJECT
public:
    struct Line {
        QString text;
        QColor color;
    };
    TopologyCardItem(QString kind, QString title, QList<Line> lines, QPen pen, QBrush brush,
        QGraphicsItem *parent = nullptr);

    /// "vip", "node", "pod", "problems": what the card shows (tests and export look it up).
    QString kind() const { return m_kind; }
    QString title() const { return m_title; }
    const QList<Line> &lines() const { return m_lines; }
    QPen pen() const { return m_pen; }
    QBrush brush() const { return m_brush; }
    /// Widens the card (all cards of a column share the widest one's width).
    void setWidth(qreal width);
    qreal naturalWidth() const;

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QString m_kind;
    QString m_title;
    QList<Line> m_lines;
    QPen m_pen;
    QBrush m_brush;
    QSizeF m_size;
};

} // namespace lbs::ui
