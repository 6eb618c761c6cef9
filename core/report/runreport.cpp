#include "core/report/runreport.h"

#include "core/analysis/findingexplanation.h"
#include "core/report/reportplots.h"

#include <QDateTime>
#include <QFile>
#include <QLocale>
#include <QSaveFile>

namespace lbs::report {

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}
QString esc(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

const char *kStyle
    = "body{font-family:sans-serif;max-width:1000px;margin:24px auto;color:#222;line-height:1.4}"
      "h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:3px;"
      "margin-top:28px}table{border-collapse:collapse;width:100%}td,th{text-align:left;"
      "vertical-align:top;padding:4px 8px;border-bottom:1px solid #eee}th{width:22%}"
      "pre{margin:2px 0;white-space:pre-wrap;font-size:12px;color:#444}"
      ".verdict{font-size:18px;font-weight:bold;padding:10px 14px;border-radius:6px}"
      ".bad{background:#fdecea;color:#b71c1c}.good{background:#e8f5e9;color:#1b5e20}"
      ".badge{display:inline-block;min-width:54px;text-align:center;border-radius:4px;"
      "padding:1px 6px;color:#fff;font-size:12px;font-weight:bold}.pass{background:#2e7d32}"
      ".warn{background:#e68a00}.fail{background:#c62828}.skipped,.pending,.running"
      "{background:#888}.fix{font-weight:bold}.error{color:#c62828}.warning{color:#b26a00}"
      ".info{color:#555}code{font-size:12px}.muted{color:#777}";

QString checksHtml(const QList<checks::CheckResult> &list)
{
    if (list.isEmpty())
        return QStringLiteral("<p class='muted'>No checks were run.</p>");
    QString html = QStringLiteral("<table>");
    for (const checks::CheckResult &c : list) {
        const QString status = checks::statusName(c.status);
        html += QStringLiteral(
            "<tr><td><span class='badge %1'>%1</span></td><td><b>%2</b><br><span class='muted'>"
            "%3</span><pre>%4</pre>%5</td></tr>")
                    .arg(status, esc(c.title), esc(c.why), esc(c.evidence.join(QLatin1Char('\n'))),
                        c.fix.isEmpty() ? QString()
                                        : QStringLiteral("<div class='fix'>Fix: %1</div>").arg(esc(c.fix)));
    }
    return html + QStringLiteral("</table>");
}

QString rows(const QList<QPair<QString, QString>> &items)
{
    QString html = QStringLiteral("<table>");
    for (const auto &[label, value] : items)
        if (!value.isEmpty())
            html += QStringLiteral("<tr><th>%1</th><td>%2</td></tr>").arg(esc(label), esc(value));
    return html + QStringLiteral("</table>");
}

QString manifestHtml(const pcap::CaptureRecord &m)
{
    QList<QPair<QString, QString>> items;
    const auto add = [&items](const char *label, const std::string &value) {
        if (!value.empty())
            items.append({QString::fromLatin1(label), QString::fromStdString(value)});
    };
    add("Context", m.context);
    add("Service", m.service);
    add("VIP", m.vip);
    add("Node", m.node);
    add("Interface", m.iface);
    add("Filter", m.filter);
    add("Transport", m.transport);
    add("Debug pod", m.debugPod);
    add("tcpdump", m.tcpdumpVersion);
    add("Started", m.startTime);
    add("Stopped", m.stopTime);
    std::string command;
    for (const std::string &a : m.remoteCommand)
        command += (command.empty() ? "" : " ") + a;
    add("Command", command);
    if (m.stats.droppedByKernel)
        add("Dropped by the kernel", std::to_string(*m.stats.droppedByKernel));
    QString html = rows(items);
    if (!m.files.empty()) {
        html += QStringLiteral("<table><tr><th>File</th><th>Bytes</th><th>sha256</th></tr>");
        for (const pcap::ManifestFile &f : m.files)
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td><code>%3</code></td></tr>")
                        .arg(esc(f.name))
                        .arg(f.size)
                        .arg(esc(f.sha256));
        html += QStringLiteral("</table>");
    }
    return html;
}

QString findingsHtml(const analysis::CaptureAnalysis &a)
{
    if (a.findings.empty())
        return QStringLiteral("<p class='muted'>The analysis raised no finding.</p>");
    QString html;
    for (const analysis::Finding &f : a.findings) {
        const analysis::FindingExplanation &ex = analysis::explainFinding(f.kind);
        const QString severity = QString::fromLatin1(analysis::severityName(f.severity));
        // The explanation's details are the small HTML subset findingexplanation.h allows.
        html += QStringLiteral("<h3 class='%1'>%1: %2</h3><p><i>%3</i></p>%4")
                    .arg(severity, esc(f.summary), esc(ex.headline), QString::fromStdString(ex.details));
    }
    return html;
}

} // namespace

QString runReportHtml(const RunReport &r)
{
    QString html
        = QStringLiteral("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>lbscope: %1"
                         "</title><style>%2</style></head><body>\n")
              .arg(esc(r.title), QLatin1String(kStyle));
    html += QStringLiteral("<h1>lbscope troubleshooting report: %1</h1><p class='muted'>%2</p>")
                .arg(esc(r.title), esc(r.generated));
    if (!r.verdict.isEmpty())
        html += QStringLiteral("<div class='verdict %1'>%2</div><p><b>What next:</b> %3</p>")
                    .arg(r.problem ? QStringLiteral("bad") : QStringLiteral("good"), esc(r.verdict),
                        esc(r.advice));
    if (!r.checks.isEmpty() || !r.analysis)
        html += QStringLiteral("<h2>Checks</h2>") + checksHtml(r.checks);
    if (!r.plan.isEmpty())
        html += QStringLiteral("<h2>Capture plan</h2>") + rows(r.plan);
    if (r.analysis) {
        const analysis::CaptureAnalysis &a = *r.analysis;
        if (a.manifest)
            html += QStringLiteral("<h2>Capture</h2>") + manifestHtml(*a.manifest);
        html += QStringLiteral("<p>%1 packets, %2 bytes, %3 flows.</p>")
                    .arg(a.packets)
                    .arg(a.bytes)
                    .arg(a.flows.size());
        const QString timeline = timelineSvg(a.timeline, r.utcOffsetSeconds);
        if (!timeline.isEmpty())
            html += QStringLiteral("<h2>Timeline</h2>") + timeline;
        const QString latency = latencySvg(a);
        if (!latency.isEmpty())
            html += QStringLiteral("<h2>Latency</h2>") + latency;
        html += QStringLiteral("<h2>Findings</h2>") + findingsHtml(a);
    }
    return html + QStringLiteral("\n</body></html>\n");
}

RunReport newRunReport(const QString &title, const QString &program)
{
    const QDateTime now = QDateTime::currentDateTime();
    RunReport r;
    r.title = title;
    r.generated = QStringLiteral("Made by %1 on %2").arg(program, QLocale().toString(now));
    r.utcOffsetSeconds = now.offsetFromUtc();
    return r;
}

void setVerdict(RunReport &report, const analysis::Verdict &verdict)
{
    report.verdict = QString::fromStdString(verdict.sentence);
    report.advice = QString::fromUtf8(analysis::verdictAdvice(verdict.kind));
    report.problem = verdict.kind != analysis::VerdictKind::Healthy;
}

QString writeRunReport(const RunReport &report, const QString &path)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return f.errorString();
    f.write(runReportHtml(report).toUtf8());
    return f.commit() ? QString() : f.errorString();
}

} // namespace lbs::report
