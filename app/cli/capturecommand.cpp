// lbscope-cli capture: a remote tcpdump ring on one node, monitored, stopped, downloaded, manifest.json.
// Wiring only: the work is lbs::capture::CaptureSession.
#include "clioptions.h"
#include "commands.h"

#include "core/capture/capturesession.h"
#include "core/capture/kuberemotehost.h"

#include <QDateTime>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace lbs::cli {

namespace {

const char *kCaptureHelp
    = "usage: lbscope-cli capture (--ssh USER@HOST[:PORT] --iface IF | --node NODE --iface IF | --service "
      "NS/NAME)\n"
      "                           [--filter BPF] [--ring SIZE_MBxCOUNT] [--snaplen N] [--duration D] --out "
      "DIR\n"
      "       lbscope-cli capture --attach DIR [--ssh ... | --node ...]\n"
      "\n"
      "Runs tcpdump detached on the node (a dropped connection does not stop it), shows its progress,\n"
      "stops it (Ctrl+C, --duration, or tcpdump ending), downloads every rotated file with resume and a\n"
      "sha256 check, and writes DIR/manifest.json. A second Ctrl+C aborts: tcpdump is stopped and the\n"
      "remote files removed. --attach continues a capture whose connection dropped.\n"
      "\n"
      "  --iface IF                interface on the node (eth1, cali..., any)\n"
      "  --filter BPF              capture filter, passed to tcpdump as one argument\n"
      "  --ring SIZE_MBxCOUNT      rotation: COUNT files of SIZE_MB million bytes (default 100x5)\n"
      "  --snaplen N               bytes kept per packet (default 262144)\n"
      "  --duration D              stop after D (90, 30s, 5m, 1h30m)\n"
      "  --out DIR                 capture directory (created; must not hold a capture already)\n"
      "  --remote-dir DIR          where tcpdump writes on the node (default /var/tmp/lbscope)\n"
      "  --tcpdump PATH            tcpdump on the node (default tcpdump)\n"
      "  --remove-remote           delete the files on the node after a verified download\n";

std::string sanitize(const std::string &s)
{
    std::string out;
    for (char c : s)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
    return out.substr(0, 40);
}

void printSample(const capture::MonitorSample &s, bool tty)
{
    std::fprintf(stderr, "%s%6.0fs  %zu file(s)  %.1f MB  %.2f MB/s  %s%s", tty ? "\r" : "", s.elapsedSec,
        s.files.size(), static_cast<double>(s.totalBytes) / 1e6, s.bytesPerSec / 1e6,
        s.alive ? "tcpdump running" : "tcpdump ended", tty ? "\033[K" : "\n");
    std::fflush(stderr);
}

// A whole decimal number in [min, max]: "12abc", "", "+5", " 5" and "1e3" are refused.
Result<int> parseCount(const std::string &text, int min, int max)
{
    int n = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec == std::errc::invalid_argument || p != text.data() + text.size())
        return Error {"is not a whole number", {}, {}};
    if (ec == std::errc::result_out_of_range || n < min || n > max)
        return Error {"is out of range " + std::to_string(min) + ".." + std::to_string(max), {}, {}};
    return n;
}

std::string count(const std::optional<uint64_t> &v)
{
    return v ? std::to_string(*v) : std::string("?");
}

} // namespace

int runCapture(const std::vector<std::string> &args)
{
    CommonOptions common;
    capture::CapturePlan plan;
    std::string out, attach, node, service;
    bool removeRemote = false;
    for (std::size_t i = 0; i < args.size();) {
        const std::string a = args[i];
        const std::string name = a.substr(0, a.find('='));
        if (a == "--help" || a == "-h") {
            std::printf("%s%s", kCaptureHelp, sshOptionsHelp());
            return 0;
        }
        auto common_ = takeCommonOption(args, i, common);
        if (!common_) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", common_.error().toString().c_str());
            return 2;
        }
        if (common_.value())
            continue;
        if (name == "--remove-remote") {
            removeRemote = true;
            ++i;
            continue;
        }
        auto v = optionValue(args, i);
        if (!v) {
            std::fprintf(stderr, "lbscope-cli capture: unknown argument '%s' (see --help)\n", a.c_str());
            return 2;
        }
        const std::string val = v.value();
        Status bad = Ok {};
        if (name == "--iface")
            plan.iface = val;
        else if (name == "--filter")
            plan.filter = val;
        else if (name == "--out")
            out = val;
        else if (name == "--attach")
            attach = val;
        else if (name == "--node")
            node = val;
        else if (name == "--service")
            service = val;
        else if (name == "--remote-dir")
            plan.remoteDir = val;
        else if (name == "--tcpdump")
            plan.tcpdump = val;
        else if (name == "--snaplen") {
            auto n = parseCount(val, 0, 262144);
            if (n)
                plan.snaplen = n.value();
            else
                bad = Error {"--snaplen '" + val + "' " + n.error().message, {},
                    "use 0..262144 (0 = tcpdump's default)"};
        } else if (name == "--ring") {
            auto r = capture::parseRing(val);
            if (r) {
                plan.ringSizeMb = r->first;
                plan.ringCount = r->second;
            } else {
                bad = r.error();
            }
        } else if (name == "--duration") {
            auto d = capture::parseDuration(val);
            if (d)
                plan.durationSec = d.value();
            else
                bad = d.error();
        } else {
            std::fprintf(stderr, "lbscope-cli capture: unknown option '%s' (see --help)\n", a.c_str());
            return 2;
        }
        if (!bad) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", bad.error().toString().c_str());
            return 2;
        }
    }
    // Ctrl+C from here on: locating (--service) makes probe debug pods that must be deleted too.
    CancelToken stop, abort;
    installInterruptHandlers(stop, abort);
    if (!service.empty()) {
        auto where = locateService(common, service, stop);
        if (stop.isCancelled()) {
            std::fprintf(stderr,
                "lbscope-cli capture: interrupted while locating %s; its probe debug pods "
                "were deleted, nothing was captured\n",
                service.c_str());
            return 130;
        }
        if (!where) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", where.error().toString().c_str());
            return 1;
        }
        std::fprintf(stderr, "%s: VIP %s on node %s, interface %s (%s)\n", where->service.c_str(),
            where->vip.c_str(), where->node.c_str(), where->iface.c_str(), where->method.c_str());
        node = where->node;
        if (plan.iface.empty())
            plan.iface = where->iface;
        plan.vip = where->vip;
        plan.service = where->service;
        if (plan.filter.empty())
            plan.filter = "host " + where->vip;
    }
    plan.context = common.context;
    if (!attach.empty())
        out = attach;
    if (out.empty()) {
        std::fprintf(stderr, "lbscope-cli capture: --out DIR is required\n");
        return 2;
    }
    namespace fs = std::filesystem;
    if (attach.empty() && fs::exists(fs::path(out) / capture::kSessionStateName)) {
        std::fprintf(stderr,
            "lbscope-cli capture: %s already holds a capture; use --attach %s to continue it or "
            "choose another --out\n",
            out.c_str(), out.c_str());
        return 2;
    }
    std::unique_ptr<capture::CaptureRecord> previous;
    if (!attach.empty()) {
        auto rec = capture::readRecord((fs::path(attach) / capture::kSessionStateName).string());
        if (!rec) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", rec.error().toString().c_str());
            return 2;
        }
        previous = std::make_unique<capture::CaptureRecord>(rec.value());
        if (common.ssh.empty() && node.empty()) {
            if (previous->transport == "ssh")
                common.ssh = previous->endpoint;
            else
                node = previous->node;
        }
    } else if (common.ssh.empty() && node.empty()) {
        std::fprintf(stderr,
            "lbscope-cli capture: say where: --ssh USER@HOST[:PORT], --node NODE or --service NS/NAME\n");
        return 2;
    }

    // Usage errors (a bad --ssh endpoint, a hostile interface or filter) are refused before
    // anything connects; the real capture name is known only once the node is.
    if (const std::string why = targetProblem(common, node); !why.empty()) {
        std::fprintf(stderr, "lbscope-cli capture: %s\n", why.c_str());
        return 2;
    }
    // The debug pod mounts the node's capture directory at the same path (files written there are the
    // node's and survive the pod), and lives long enough for the capture: its deadline is only the
    // safety net for a lbscope that died.
    common.captureDir = previous ? previous->remoteDir : plan.remoteDir;
    if (!previous)
        common.podDeadlineSec = kube::podDeadlineFor(plan.durationSec);
    if (!previous) {
        capture::CapturePlan check = plan;
        check.name = "lbscope-check.pcap";
        if (auto v = capture::validate(check); !v) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", v.error().toString().c_str());
            return 2;
        }
    }

    std::string endpoint;
    auto host = connectRemoteHost(common, node, abort, &endpoint);
    if (!host) {
        std::fprintf(stderr, "lbscope-cli capture: %s\n", host.error().toString().c_str());
        return 1;
    }
    if (!previous && plan.durationSec <= 0 && host.value()->transportName() == "kube")
        std::fprintf(stderr,
            "note: without --duration the debug pod ends by itself after %d h (its activeDeadlineSeconds), "
            "stopping tcpdump; pass --duration for a longer capture\n",
            kube::kOpenEndedPodDeadlineSec / 3600);
    TerminalProgress progress;
    std::unique_ptr<capture::CaptureSession> session;
    if (previous) {
        auto s = capture::CaptureSession::attach(*host.value(), attach, &progress);
        if (!s) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", s.error().toString().c_str());
            return 2;
        }
        session = std::move(s.value());
        if (plan.durationSec > 0)
            session->setDurationSec(plan.durationSec);
        std::fprintf(stderr, "re-attached to %s on %s (pid %lld, state %s)\n", previous->remoteBase.c_str(),
            host.value()->describe().c_str(), static_cast<long long>(previous->pid), previous->state.c_str());
        // e.g. the recorded pid now belongs to another process: said now, not only after the download
        const auto &w = session->record().warnings;
        for (std::size_t i = previous->warnings.size(); i < w.size(); ++i)
            std::fprintf(stderr, "warning: %s\n", w[i].c_str());
    } else {
        const std::string stamp
            = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toStdString();
        plan.name = "lbscope-" + sanitize(host.value()->nodeName()) + "-" + stamp + ".pcap";
        if (auto v = capture::validate(plan); !v) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", v.error().toString().c_str());
            return 2;
        }
        session = std::make_unique<capture::CaptureSession>(*host.value(), plan, out, &progress);
        session->setEndpoint(endpoint);
        if (auto *kube = dynamic_cast<capture::KubeRemoteHost *>(host.value().get()))
            session->setDebugPod(kube->podRef());
        auto pre = session->preflight(abort);
        if (!pre) {
            std::fprintf(stderr, "lbscope-cli capture: preflight: %s\n", pre.error().toString().c_str());
            return 1;
        }
        std::fprintf(stderr, "preflight ok: tcpdump %s, interface %s, %.1f GB free in %s, ring %d x %d MB\n",
            pre->tcpdumpVersion.c_str(), plan.iface.c_str(), static_cast<double>(pre->freeBytes) / 1e9,
            plan.remoteDir.c_str(), plan.ringCount, plan.ringSizeMb);
        if (auto st = session->start(abort); !st) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", st.error().toString().c_str());
            session->stop();
            return 1;
        }
        std::fprintf(stderr, "capturing on %s of %s: %s* (pid %lld). Ctrl+C stops and downloads.\n",
            plan.iface.c_str(), host.value()->describe().c_str(), session->record().remoteBase.c_str(),
            static_cast<long long>(session->record().pid));
    }
    // A dropped session's debug pod outlives it (tcpdump runs from it); once tcpdump has stopped it
    // is only a leftover, removed here so that --attach leaves no pod behind.
    const auto removeDroppedPod = [&] {
        auto *kube = dynamic_cast<capture::KubeRemoteHost *>(host.value().get());
        if (!previous || previous->debugPod.empty() || !kube)
            return;
        const CancelToken fresh; // also after Ctrl+C
        if (auto s = kube->removeOtherPod(previous->debugPod, fresh); !s)
            std::fprintf(stderr,
                "warning: the dropped session's debug pod %s stays: %s (run lbscope-cli cleanup)\n",
                previous->debugPod.c_str(), s.error().toString().c_str());
        else
            std::fprintf(stderr, "removed the dropped session's debug pod %s\n", previous->debugPod.c_str());
    };
    // Contact lost while tcpdump may still run: deleting the debug pod tcpdump was started from would
    // kill it, so the pod stays (--attach removes it once tcpdump has stopped).
    const auto keepCapturePod = [&] {
        auto *kube = dynamic_cast<capture::KubeRemoteHost *>(host.value().get());
        const std::string &pod = session->record().debugPod;
        if (!kube || pod.empty())
            return;
        if (pod == kube->podRef())
            kube->pod().release();
        const int deadline = common.podDeadlineSec > 0 ? common.podDeadlineSec
                                                       : kube::DebugPodOptions {}.activeDeadlineSeconds;
        std::fprintf(stderr,
            "the debug pod %s is kept so that tcpdump keeps running; it ends by itself (stopping tcpdump) "
            "at its activeDeadlineSeconds, %d s (%.1f h) after it started. Continue before then with: "
            "lbscope-cli capture --attach %s\n",
            pod.c_str(), deadline, deadline / 3600.0, out.c_str());
    };
    const bool tty = isatty(STDERR_FILENO) != 0;
    if (session->record().state == "running" || session->record().state == "starting") {
        auto mon = session->monitorUntilDone(
            stop, abort, [&](const capture::MonitorSample &s) { printSample(s, tty); });
        if (tty)
            std::fprintf(stderr, "\n");
        if (abort.isCancelled()) {
            auto rm = session->removeRemote();
            std::fprintf(stderr, "aborted: tcpdump stopped%s\n",
                rm ? ", remote files removed"
                   : (", removing remote files failed: " + rm.error().toString()).c_str());
            removeDroppedPod();
            return 130;
        }
        if (!mon) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", mon.error().toString().c_str());
            keepCapturePod();
            return 1;
        }
    }
    removeDroppedPod();
    const auto &r = session->record();
    std::fprintf(stderr,
        "tcpdump: %s captured, %s received by filter, %s dropped by kernel, %s dropped by interface\n",
        count(r.stats.captured).c_str(), count(r.stats.receivedByFilter).c_str(),
        count(r.stats.droppedByKernel).c_str(), count(r.stats.droppedByInterface).c_str());
    auto files = session->download(abort);
    progress.endLine();
    if (!files) {
        if (abort.isCancelled()) {
            auto rm = session->removeRemote();
            std::fprintf(stderr, "aborted during download%s\n", rm ? "; remote files removed" : "");
            return 130;
        }
        std::fprintf(stderr, "lbscope-cli capture: %s\n", files.error().toString().c_str());
        std::fprintf(stderr, "continue with: lbscope-cli capture --attach %s\n", out.c_str());
        return 1;
    }
    for (const auto &f : files.value())
        std::fprintf(stderr, "  %s  %.1f MB  sha256 %s%s\n", f.localPath.c_str(),
            static_cast<double>(f.size) / 1e6, f.sha256.substr(0, 16).c_str(),
            f.alreadyComplete ? "  (already here)" : "");
    for (const auto &w : session->record().warnings)
        std::fprintf(stderr, "warning: %s\n", w.c_str());
    if (removeRemote) {
        if (auto rm = session->removeRemote(); !rm)
            std::fprintf(stderr, "warning: %s\n", rm.error().toString().c_str());
    }
    std::printf("%s\n", (fs::path(out) / capture::kManifestName).string().c_str());
    std::fprintf(stderr, "done: lbscope-cli analyze %s\n", out.c_str());
    return 0;
}

} // namespace lbs::cli
