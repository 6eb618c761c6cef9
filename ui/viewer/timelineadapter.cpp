#include "timelineadapter.h"

#include "core/analysis/decimate.h"
#include "ui/plots/timelineplot.h"

#include <QCoreApplication>

#include <cmath>

namespace lbs::ui {

namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("TimelineAdapter", s);
}

enum Series { Packets, Bytes, NewFlows, Failed, Resets, Retransmits, TtfbP50, TtfbP99, SeriesCount };

/// One series as doubles per second (or ms for latency). Converted once per fetch call from the
/// engine's integer vectors; cheap compared with drawing, and only visible series are fetched.
template <typename T>
std::vector<double> perSecond(const std::vector<T> &v, double bucket, double scale = 1.0)
{
    std::vector<double> out(v.size());
    for (size_t i = 0; i < v.size(); ++i)
        out[i] = double(v[i]) / bucket * scale;
    return out;
}
} // namespace

void TimelineAdapter::apply(TimelinePlot *plot, std::shared_ptr<const analysis::CaptureAnalysis> an)
{
    using S = TimelineSeriesSpec;
    std::vector<S> specs(SeriesCount);
    specs[Packets] = {tr("Packets/s"), tr("packets/s"), S::Traffic, true};
    specs[Bytes] = {tr("kB/s"), tr("kB/s"), S::TrafficRight, true};
    specs[NewFlows] = {tr("New connections/s"), tr("per second"), S::Events, true};
    specs[Failed] = {tr("Failed handshakes"), tr("per second"), S::Events, true};
    specs[Resets] = {tr("Resets"), tr("per second"), S::Events, true};
    specs[Retransmits] = {tr("Retransmissions"), tr("per second"), S::Events, true};
    specs[TtfbP50] = {tr("TTFB p50"), tr("TTFB (ms)"), S::Latency, true};
    specs[TtfbP99] = {tr("TTFB p99"), tr("TTFB (ms)"), S::Latency, true};
    for (int i = 0; i < SeriesCount && i < plot->seriesCount(); ++i)
        specs[size_t(i)].visible = plot->isSeriesVisible(i);

    const analysis::Timeline &tl = an->timeline;
    const double bucket = tl.bucketSeconds > 0 ? tl.bucketSeconds : 1.0;
    const double origin = double(an->firstTsNs) * 1e-9;
    // Bucket i covers [t0 + i*bucket, t0 + (i+1)*bucket); plot it at its centre, relative to origin.
    const double x0 = double(tl.t0Ns) * 1e-9 - origin + bucket / 2;
    const double length = std::max(double(an->lastTsNs - an->firstTsNs) * 1e-9, bucket);
    auto fetch = [an, bucket, x0](int index, double lo, double hi, int columns, QVector<double> &keys,
                     QVector<double> &values) {
        const analysis::Timeline &t = an->timeline;
        std::vector<double> v;
        switch (index) {
        case Packets:
            v = perSecond(t.packets, bucket);
            break;
        case Bytes:
            v = perSecond(t.bytes, bucket, 1e-3);
            break;
        case NewFlows:
            v = perSecond(t.newFlows, bucket);
            break;
        case Failed:
            v = perSecond(t.failedHandshakes, bucket);
            break;
        case Resets:
            v = perSecond(t.resets, bucket);
            break;
        case Retransmits:
            v = perSecond(t.retransmits, bucket);
            break;
        case TtfbP50:
            v = perSecond(t.ttfbP50Us, 1.0, 1e-3);
            break;
        case TtfbP99:
            v = perSecond(t.ttfbP99Us, 1.0, 1e-3);
            break;
        default:
            return;
        }
        // Widen by a bucket so the first/last visible segments are not cut off.
        const auto points
            = analysis::decimateUniform(v, x0, bucket, lo - bucket, hi + bucket, size_t(columns));
        keys.reserve(qsizetype(points.size() * 2));
        values.reserve(qsizetype(points.size() * 2));
        for (const auto &p : points) {
            keys << p.x;
            values << p.max;
            if (p.min != p.max) {
                // Draw the column's full min..max extent so spikes and dips survive decimation.
                keys << p.x;
                values << p.min;
            }
        }
    };
    plot->setSource(std::move(specs), origin, length, fetch);
    plot->setMarkers(markers(*an));
}

std::vector<TimeMarker> TimelineAdapter::markers(const analysis::CaptureAnalysis &an)
{
    std::vector<TimeMarker> out;
    for (const analysis::Finding &f : an.findings) {
        if (f.startNs == 0 && f.endNs == 0)
            continue;
        TimeMarker m;
        m.start = double(f.startNs) * 1e-9;
        m.end = double(std::max(f.endNs, f.startNs)) * 1e-9;
        m.severity = int(f.severity);
        m.text = QString::fromStdString(f.summary);
        out.push_back(m);
    }
    return out;
}

} // namespace lbs::ui
