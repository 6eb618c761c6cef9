#pragma once
// One open capture: its inputs, the engine's analysis snapshot (loaded off the GUI thread in
// stages), load progress and the shared selection every view of the capture follows.

#include "core/analysis/captureanalysis.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

#include <memory>

namespace lbs::ui {

class CaptureSelection;
class JobRunner;

class CaptureDocument : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Loading, TimelineReady, Loaded, Failed, Cancelled };
    using Analysis = std::shared_ptr<const analysis::CaptureAnalysis>;

    explicit CaptureDocument(QStringList inputs, QObject *parent = nullptr);
    ~CaptureDocument() override;

    const QStringList &inputs() const { return m_inputs; }
    /// Short name for a tab: the file, directory or rotated-set base name.
    QString displayName() const;
    /// "node lab-node-1 · eth1 · VIP 192.0.2.10 · filter 'tcp port 80'" when a manifest says so.
    QString captureContext() const;
    State state() const { return m_state; }
    QString errorMessage() const { return m_error; }
    /// Latest snapshot: the partial/timeline one while loading, the complete one when loaded.
    const Analysis &analysis() const { return m_analysis; }
    CaptureSelection *selection() const { return m_selection; }
    /// Warnings to show in the banner (truncated files, overlaps, kernel drops).
    QStringList warnings() const;

    /// Milliseconds from load() to the first timeline / to the complete analysis (-1 if not yet).
    qint64 msToFirstTimeline() const { return m_msTimeline; }
    qint64 msToLoaded() const { return m_msLoaded; }
    /// Milliseconds since load() started.
    qint64 msSinceLoadStarted() const { return m_clock.elapsed(); }
    /// Milliseconds to the final timeline (every packet read; flows may still be finishing).
    qint64 msToFullTimeline() const { return m_msTimelineFull; }

public slots:
    void load();
    void cancel();

signals:
    void stateChanged(State state);
    /// Progress of the read: fraction 0..1 (or < 0 when unknown), ETA seconds (< 0 unknown) and a message.
    void progress(double fraction, double etaSeconds, const QString &message);
    /// A new timeline snapshot (partial while reading, final before flows are complete).
    void timelineUpdated();
    /// Flows, findings and the packet index are available.
    void loaded();
    void failed(const QString &message);

private:
    void setState(State s);

    QStringList m_inputs;
    CaptureSelection *m_selection;
    JobRunner *m_runner;
    Analysis m_analysis;
    State m_state = State::Idle;
    QString m_error;
    QElapsedTimer m_clock;
    qint64 m_msTimeline = -1;
    qint64 m_msLoaded = -1;
    qint64 m_msTimelineFull = -1;
};

} // namespace lbs::ui
