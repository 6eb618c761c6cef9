#pragma once
// Sequence ("ladder") diagram of one flow: client and server as two vertical lines, one arrow per
// packet labelled with its TCP flags / length, and the time since the previous packet at the left.

#include <QString>
#include <QWidget>

#include <vector>

namespace lbs::ui {

/// One arrow of the ladder, already described by the engine (the widget only draws).
struct LadderStep {
    double ts = 0; ///< absolute seconds
    bool fromClient = true; ///< direction of the arrow
    QString label; ///< e.g. "SYN seq=0 len=0" or "GET /index.html"
    bool problem = false; ///< retransmission / reset / failed: drawn emphasised
};

class LadderWidget : public QWidget {
    Q_OBJECT
public:
    explicit LadderWidget(QWidget *parent = nullptr);
    /// At most maxSteps() arrows are kept; the rest are summarised in a last line.
    void setFlow(
        const QString &client, const QString &server, std::vector<LadderStep> steps, int omitted = 0);
    void clear();
    int stepCount() const { return int(m_steps.size()); }
    static constexpr int maxSteps() { return 2000; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int rowHeight() const;
    QString m_client;
    QString m_server;
    std::vector<LadderStep> m_steps;
    int m_omitted = 0;
};

} // namespace lbs::ui
