#pragma once
// Hex + ASCII dump of one packet's bytes, like Wireshark's bytes pane.

#include <QPlainTextEdit>

namespace lbs::ui {

class HexView : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit HexView(QWidget *parent = nullptr);
    void setBytes(const QByteArray &bytes);
    /// Renders bytes as "offset  hex  ascii" lines, 16 bytes a line.
    static QString format(const QByteArray &bytes);
};

} // namespace lbs::ui
