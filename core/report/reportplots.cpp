#include "core/report/reportplots.h"

#include "core/analysis/verdict.h"

#include <algorithm>
#include <cmath>

namespace lbs::report {

namespace {

constexpr int kLeft = 56, kRight = 12, kTop = 14, kBottom = 30;

QString num(double v)
{
    return QString::number(v, 'f', 1);
}

QString text(double x, double y, const QString &s, const char *anchor = "middle", const char *extra = "")
{
    return QStringLiteral("<text x='%1' y='%2' text-anchor='%3' %4>%5</text>")
        .arg(num(x), num(y), QLatin1String(anchor), QLatin1String(extra), s.toHtmlEscaped());
}

QString frame(int width, int height, const QString &body, const QString &title)
{
    return QStringLiteral(
        "<svg xmlns='http://www.w3.org/2000/svg' width='%1' height='%2' viewBox='0 0 %1 %2' "
        "role='img' font-family='sans-serif' font-size='11'><title>%3</title>"
        "<rect x='0' y='0' width='%1' height='%2' fill='#ffffff'/>%4</svg>")
        .arg(width)
        .arg(height)
        .arg(title.toHtmlEscaped(), body);
}

} // namespace

QString timelineSvg(const analysis::Timeline &t, int utcOffsetSeconds, int width, int height)
{
    const size_t n = t.size();
    if (n == 0)
        return {};
    const double plotW = width - kLeft - kRight, plotH = height - kTop - kBottom;
    const uint64_t maxPackets = std::max<uint64_t>(1, *std::max_element(t.packets.begin(), t.packets.end()));
    uint32_t maxEvents = 1;
    for (size_t i = 0; i < n; ++i)
        maxEvents = std::max({maxEvents, t.failedHandshakes[i] + t.resets[i], t.retransmits[i]});
    const double barW = plotW / double(n);
    QString body;
    body += QStringLiteral("<line x1='%1' y1='%2' x2='%3' y2='%2' stroke='#888'/>")
                .arg(kLeft)
                .arg(num(kTop + plotH))
                .arg(num(kLeft + plotW));
    for (size_t i = 0; i < n; ++i) {
        const double h = plotH * double(t.packets[i]) / double(maxPackets);
        body += QStringLiteral("<rect x='%1' y='%2' width='%3' height='%4' fill='#9ec5e8'/>")
                    .arg(num(kLeft + barW * double(i)), num(kTop + plotH - h), num(std::max(0.5, barW - 1)),
                        num(h));
    }
    const auto line = [&](const char *color, auto value) {
        QStringList points;
        for (size_t i = 0; i < n; ++i)
            points << QString(num(kLeft + barW * (double(i) + 0.5)) + QLatin1Char(',')
                + num(kTop + plotH - plotH * double(value(i)) / double(maxEvents)));
        return QStringLiteral("<polyline fill='none' stroke='%1' stroke-width='2' points='%2'/>")
            .arg(QLatin1String(color), points.join(QLatin1Char(' ')));
    };
    body += line("#c62828", [&](size_t i) { return t.failedHandshakes[i] + t.resets[i]; });
    body += line("#e68a00", [&](size_t i) { return t.retransmits[i]; });
    const int64_t endNs = t.bucketStartNs(n - 1) + int64_t(t.bucketSeconds * 1e9);
    body += text(
        kLeft, height - 10, QString::fromStdString(analysis::clockTime(t.t0Ns, utcOffsetSeconds)), "start");
    body += text(kLeft + plotW, height - 10,
        QString::fromStdString(analysis::clockTime(endNs, utcOffsetSeconds)), "end");
    body += text(kLeft - 6, kTop + 9, QString::number(maxPackets), "end");
    body += text(kLeft - 6, kTop + plotH, QStringLiteral("0"), "end");
    body += text(kLeft + plotW / 2, height - 10,
        QStringLiteral(
            "packets per %1 s (blue); failed handshakes + resets (red), retransmissions (orange), max %2")
            .arg(t.bucketSeconds)
            .arg(maxEvents));
    return frame(width, height, body, QStringLiteral("Timeline"));
}

QString latencySvg(const analysis::CaptureAnalysis &a, int width, int height)
{
    // Buckets: 4 per decade from 0.1 ms (1e-4 s) to 10 s, plus one for slower.
    constexpr int kDecades = 5, kPerDecade = 4, kBuckets = kDecades * kPerDecade + 1;
    std::vector<int> counts(kBuckets, 0);
    int total = 0;
    for (const analysis::Flow &f : a.flows)
        for (const analysis::HttpRequest &r : f.requests) {
            if (!r.ttfbNs)
                continue;
            const double seconds = std::max(1e-4, double(*r.ttfbNs) / 1e9);
            const int b
                = std::clamp(int(std::floor(std::log10(seconds / 1e-4) * kPerDecade)), 0, kBuckets - 1);
            ++counts[size_t(b)];
            ++total;
        }
    if (total == 0)
        return {};
    const double plotW = width - kLeft - kRight, plotH = height - kTop - kBottom;
    const int maxCount = *std::max_element(counts.begin(), counts.end());
    const double barW = plotW / kBuckets;
    QString body;
    body += QStringLiteral("<line x1='%1' y1='%2' x2='%3' y2='%2' stroke='#888'/>")
                .arg(kLeft)
                .arg(num(kTop + plotH))
                .arg(num(kLeft + plotW));
    for (int b = 0; b < kBuckets; ++b) {
        const double h = plotH * counts[size_t(b)] / double(maxCount);
        body += QStringLiteral(
            "<rect x='%1' y='%2' width='%3' height='%4' fill='#7cb342'><title>%5</title></rect>")
                    .arg(num(kLeft + barW * b), num(kTop + plotH - h), num(barW - 2), num(h))
                    .arg(counts[size_t(b)]);
    }
    const char *labels[] = {"0.1 ms", "1 ms", "10 ms", "100 ms", "1 s", "10 s"};
    for (int d = 0; d <= kDecades; ++d)
        body += text(kLeft + barW * d * kPerDecade, height - 16, QString::fromLatin1(labels[d]));
    body += text(kLeft - 6, kTop + 9, QString::number(maxCount), "end");
    body += text(kLeft - 6, kTop + plotH, QStringLiteral("0"), "end");
    body += text(kLeft + plotW / 2, height - 3,
        QStringLiteral("HTTP first-byte time, %1 requests (logarithmic axis)").arg(total));
    return frame(width, height, body, QStringLiteral("Latency"));
}

} // namespace lbs::report
