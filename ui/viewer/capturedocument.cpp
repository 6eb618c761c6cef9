#include "capturedocument.h"

#include "core/analysis/analyzer.h"
#include "ui/jobs/jobrunner.h"
#include "ui/viewer/captureselection.h"

#include <QDir>
#include <QFileInfo>

#include <chrono>

namespace lbs::ui {

namespace {
QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

/// Forwards engine progress to the GUI thread through the job context.
class PostingProgressSink final : public ProgressSink {
public:
    PostingProgressSink(const JobContext &ctx, CaptureDocument *doc) : m_ctx(ctx), m_doc(doc) { }
    void report(const ProgressEvent &e) override
    {
        const auto now = std::chrono::steady_clock::now();
        if (e.total != 0 && e.done < e.total && now - m_last < std::chrono::milliseconds(50))
            return;
        m_last = now;
        const double fraction = e.total ? double(e.done) / double(e.total) : -1.0;
        const double eta = e.etaSeconds;
        const QString message
            = e.message.empty() ? qs(e.stage) : qs(e.stage) + QStringLiteral(": ") + qs(e.message);
        QPointer<CaptureDocument> doc(m_doc);
        m_ctx.post([doc, fraction, eta, message] {
            if (doc)
                emit doc->progress(fraction, eta, message);
        });
    }

private:
    const JobContext &m_ctx;
    CaptureDocument *m_doc;
    std::chrono::steady_clock::time_point m_last {};
};
} // namespace

CaptureDocument::CaptureDocument(QStringList inputs, QObject *parent)
    : QObject(parent), m_inputs(std::move(inputs)), m_selection(new CaptureSelection(this)),
      m_runner(new JobRunner(this))
{
}

CaptureDocument::~CaptureDocument() = default;

QString CaptureDocument::displayName() const
{
    if (m_inputs.isEmpty())
        return tr("(no capture)");
    QFileInfo fi(m_inputs.first());
    QString name = fi.isDir() ? QDir(fi.absoluteFilePath()).dirName() : fi.fileName();
    if (m_inputs.size() > 1)
        name += tr(" +%1").arg(m_inputs.size() - 1);
    return name;
}

QString CaptureDocument::captureContext() const
{
    if (!m_analysis || !m_analysis->manifest)
        return {};
    const pcap::CaptureRecord &m = *m_analysis->manifest;
    QStringList parts;
    if (!m.service.empty())
        parts << tr("service %1").arg(qs(m.service));
    if (!m.vip.empty())
        parts << tr("VIP %1").arg(qs(m.vip));
    if (!m.node.empty())
        parts << tr("node %1").arg(qs(m.node));
    if (!m.iface.empty())
        parts << tr("interface %1").arg(qs(m.iface));
    if (!m.context.empty())
        parts << tr("context %1").arg(qs(m.context));
    if (!m.transport.empty())
        parts << tr("via %1").arg(qs(m.transport));
    if (!m.filter.empty())
        parts << tr("filter '%1'").arg(qs(m.filter));
    if (!m.startTime.empty())
        parts << tr("from %1 to %2").arg(qs(m.startTime), qs(m.stopTime));
    return parts.join(QStringLiteral(" · "));
}

QStringList CaptureDocument::warnings() const
{
    QStringList out;
    if (!m_analysis)
        return out;
    for (const std::string &w : m_analysis->warnings)
        out << qs(w);
    for (const pcap::CaptureFileInfo &f : m_analysis->files) {
        if (f.truncated) {
            out << tr(
                "%1 is truncated or has an unreadable record after %2 packets (%3); everything before it "
                "is shown.")
                       .arg(QFileInfo(qs(f.path)).fileName())
                       .arg(f.packets)
                       .arg(f.readError.empty() ? tr("no detail from libpcap") : qs(f.readError));
        }
    }
    if (m_analysis->manifest && m_analysis->manifest->stats.droppedByKernel.value_or(0) > 0)
        out << tr("tcpdump reported %1 packets dropped by the kernel: gaps in this capture may be capture "
                  "artefacts, not network loss.")
                   .arg(*m_analysis->manifest->stats.droppedByKernel);
    out.removeDuplicates();
    return out;
}

void CaptureDocument::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    emit stateChanged(s);
}

void CaptureDocument::load()
{
    m_error.clear();
    m_msTimeline = m_msLoaded = m_msTimelineFull = -1;
    m_clock.start();
    setState(State::Loading);
    std::vector<std::string> inputs;
    for (const QString &in : m_inputs)
        inputs.push_back(in.toStdString());
    QPointer<CaptureDocument> self(this);
    auto result = std::make_shared<std::optional<Result<analysis::CaptureAnalysis>>>();
    m_runner->run(
        [inputs, self, result](const JobContext &ctx) {
            auto set = pcap::CaptureSet::open(inputs);
            if (!set) {
                result->emplace(set.error());
                return;
            }
            PostingProgressSink sink(ctx, self.data());
            auto lastPost = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            analysis::Analyzer analyzer;
            // Partial and timeline snapshots carry no flows or packet index, so copying them is cheap.
            auto onStage = [&](analysis::AnalysisStage stage, const analysis::CaptureAnalysis &snap) {
                if (stage == analysis::AnalysisStage::Complete)
                    return;
                const auto now = std::chrono::steady_clock::now();
                if (stage == analysis::AnalysisStage::Partial
                    && now - lastPost < std::chrono::milliseconds(250))
                    return;
                lastPost = now;
                auto copy = std::make_shared<analysis::CaptureAnalysis>();
                copy->files = snap.files;
                copy->warnings = snap.warnings;
                copy->manifest = snap.manifest;
                copy->manifestPath = snap.manifestPath;
                copy->filter = snap.filter;
                copy->packets = snap.packets;
                copy->bytes = snap.bytes;
                copy->firstTsNs = snap.firstTsNs;
                copy->lastTsNs = snap.lastTsNs;
                copy->counters = snap.counters;
                copy->timeline = snap.timeline;
                const bool final = stage == analysis::AnalysisStage::Timeline;
                ctx.post([self, copy, final] {
                    if (!self || self->m_state == State::Loaded)
                        return;
                    self->m_analysis = copy;
                    if (self->m_msTimeline < 0)
                        self->m_msTimeline = self->m_clock.elapsed();
                    self->m_selection->setFullRange(
                        double(copy->firstTsNs) * 1e-9, double(copy->lastTsNs) * 1e-9);
                    if (final) {
                        self->m_msTimelineFull = self->m_clock.elapsed();
                        self->setState(State::TimelineReady);
                    }
                    emit self->timelineUpdated();
                });
            };
            result->emplace(analyzer.run(set.value(), ctx.token(), &sink, onStage));
        },
        [self, result] {
            if (!self)
                return;
            if (!*result || !(*result)->ok()) {
                self->m_error = *result ? QString::fromStdString((*result)->error().toString())
                                        : tr("The analysis stopped without a result.");
                self->setState(State::Failed);
                emit self->failed(self->m_error);
                return;
            }
            self->m_analysis = std::make_shared<const analysis::CaptureAnalysis>(std::move(**result).value());
            if (self->m_msTimeline < 0)
                self->m_msTimeline = self->m_clock.elapsed();
            self->m_msLoaded = self->m_clock.elapsed();
            if (self->m_msTimelineFull < 0)
                self->m_msTimelineFull = self->m_msLoaded;
            self->m_selection->setFullRange(
                double(self->m_analysis->firstTsNs) * 1e-9, double(self->m_analysis->lastTsNs) * 1e-9);
            self->setState(State::Loaded);
            emit self->timelineUpdated();
            emit self->loaded();
        });
}

void CaptureDocument::cancel()
{
    if (m_state != State::Loading && m_state != State::TimelineReady)
        return;
    m_runner->cancel();
    m_error = tr("Loading was cancelled; press F5 to load the capture again.");
    setState(State::Cancelled);
    emit failed(m_error);
}

} // namespace lbs::ui
