#pragma once
// Details tree of the selected packet, layer by layer like Wireshark (Frame, link, IP,
// TCP/UDP/ICMP, HTTP, lbscope's analysis flags), from a lazy re-read of that one packet.

#include "core/analysis/captureanalysis.h"

#include <QTreeWidget>

#include <memory>

namespace lbs::ui {

class PacketDetailsView : public QTreeWidget {
    Q_OBJECT
public:
    explicit PacketDetailsView(QWidget *parent = nullptr);
    /// Re-reads packet `position` of the analysis and shows its layers; emits bytesChanged.
    void showPacket(const std::shared_ptr<const analysis::CaptureAnalysis> &analysis, uint32_t position);
    void clearPacket();
    /// Titles of the top-level layers shown (for tests).
    QStringList layerTitles() const;

signals:
    void bytesChanged(const QByteArray &bytes);
};

} // namespace lbs::ui
