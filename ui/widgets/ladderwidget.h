#pragma once
// Sequence ("ladder") diagram of one flow: client and server as two vertical lines, one arrow per
// packet labelled with its TCP flags / length, and the time since the previous packet at the left.
// A connection joined across the node's NAT gets a third line (client, VIP, pod) and in-node delays.

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
    int leg = 0; ///< with setConnection(): 0 client <-> VIP (front leg), 1 VIP <-> pod (back leg)
    double inNodeSeconds = -1; ///< >= 0: copy of an earlier packet on the other leg, that much later
};

class LadderWidget : public QWidget {
    Q_OBJECT
public:
    explicit LadderWidget(QWidget *parent = nullptr);
    /// At most maxSteps() arrows are kept; the rest are summarised in a last line.
    void setFlow(
        const QString &client, const QString &server, std::vector<LadderStep> steps, int omitted = 0);
    /// Both legs of a connection joined across the node's NAT: three lines (client, the node with
    /// the VIP, the pod); front-leg steps between the first two, back-leg steps between the last
    /// two, and each copy's time inside the node at the left.
    void setConnection(const QString &client, const QString &vip, const QString &pod,
        std::vector<LadderStep> steps, int omitted = 0);
    void clear();
    bool showsBothLegs() const { return !m_middle.isEmpty(); }
    int stepCount() const { return int(m_steps.size()); }
    const std::vector<LadderStep> &steps() const { return m_steps; }
    static constexpr int maxSteps() { return 2000; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int rowHeight() const;
    QString m_client;
    QString m_server;
    QString m_middle; ///< the VIP lane when both legs are drawn
    std::vector<LadderStep> m_steps;
    int m_omitted = 0;
};

} // namespace lbs::ui
