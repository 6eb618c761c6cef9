#pragma once
// kubesim: the log of a pod's main container (what `kubectl logs` shows), bounded in size, with followers.

#include <QByteArray>
#include <QObject>

namespace kubesim {

class PodLog : public QObject {
    Q_OBJECT
public:
    explicit PodLog(QObject *parent = nullptr) : QObject(parent) { }
    static constexpr qsizetype Limit = 8 * 1024 * 1024;

    void append(const QByteArray &bytes);
    /// The container stopped: followers end their stream.
    void finish();
    QByteArray data() const { return m_data; }
    /// The last n lines (n < 0: everything).
    QByteArray tail(int lines) const;
    bool finished() const { return m_finished; }

signals:
    void appended(const QByteArray &bytes);
    void ended();

private:
    QByteArray m_data;
    bool m_finished = false;
};

} // namespace kubesim
