// Command-line parsing for lbscope-gen (shared with tests that want the same syntax).

#include "generator.h"

#include <cstdlib>
#include <stdexcept>
#include <tuple>

namespace lbs::gen {
namespace {

const struct {
    FaultKind kind;
    const char *name;
} kFaultNames[] = {
    {FaultKind::SynTimeout, "syn-timeout"},
    {FaultKind::SynLoss, "syn-loss"},
    {FaultKind::SynRst, "syn-rst"},
    {FaultKind::IcmpUnreachable, "icmp-unreachable"},
    {FaultKind::RtoRetransmit, "rto"},
    {FaultKind::FastRetransmit, "fast-retransmit"},
    {FaultKind::ServerRst, "server-rst"},
    {FaultKind::ZeroWindow, "zero-window"},
    {FaultKind::InNodeDrop, "in-node-drop"},
    {FaultKind::PodSilent, "pod-silent"},
    {FaultKind::ReplyLost, "reply-lost"},
    {FaultKind::LateSynAck, "late-synack"},
};

double number(const std::string &arg, const std::string &text)
{
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || v < 0)
        throw std::invalid_argument(arg + ": expected a non-negative number, got '" + text + "'");
    return v;
}

/// "A-B" -> (A, B)
std::pair<double, double> span(const std::string &arg, const std::string &text)
{
    const size_t dash = text.find('-');
    if (dash == std::string::npos)
        throw std::invalid_argument(arg + ": expected START-END seconds, got '" + text + "'");
    return {number(arg, text.substr(0, dash)), number(arg, text.substr(dash + 1))};
}

} // namespace

const char *faultName(FaultKind kind)
{
    for (const auto &f : kFaultNames)
        if (f.kind == kind)
            return f.name;
    return "unknown";
}

std::optional<FaultKind> parseFaultName(const std::string &name)
{
    for (const auto &f : kFaultNames)
        if (name == f.name)
            return f.kind;
    return std::nullopt;
}

const char *usage()
{
    return "usage: lbscope-gen -w FILE [options]\n"
           "       lbscope-gen --robustness-corpus DIR   (writes the corpus of tests/data/robustness)\n"
           "Writes a deterministic synthetic capture of HTTP traffic through a load balancer VIP\n"
           "(clients 198.51.100.0/24, 203.0.113.0/24 -> VIP 203.0.113.10:80 -> pods 192.0.2.11+:8080).\n"
           "  -w FILE               output file (the -w name of tcpdump; rotated files get suffixes)\n"
           "  --truth FILE          write the ground truth JSON there\n"
           "  --seed N              random seed (default 1)\n"
           "  --duration S          seconds during which connections start (default 10)\n"
           "  --rate R              new connections per second (default 5)\n"
           "  --clients N           client addresses, 1..180 (default 20)\n"
           "  --pods N              backend pods (default 3)\n"
           "  --requests MIN-MAX    HTTP requests per keep-alive connection (default 1-5)\n"
           "  --max-body BYTES      largest response body (default 60000)\n"
           "  --both-sides          also write the post-DNAT copy (client -> pod:8080), like -i any\n"
           "  --snat                with --both-sides: the copy is SNATed too (10.0.0.2:port -> pod)\n"
           "  --in-node-drop N      N connections whose SYNs are dropped inside the node after the\n"
           "                        VIP interface (same as --fault in-node-drop:N)\n"
           "  --link ethernet|sll2  link type (default ethernet; sll2 = tcpdump -i any)\n"
           "  --tunnel KIND         wrap every packet: ipip ipip6 gre gre-eth erspan2 erspan3 vxlan\n"
           "                        flannel (VXLAN on 8472) geneve vlan qinq (default none)\n"
           "  --format pcap|pcapng  file format (default pcap)\n"
           "  --precision us|ns     timestamp precision (default us)\n"
           "  --snaplen N           truncate frames to N bytes (default 262144)\n"
           "  -C MB                 rotate when a file exceeds MB x 1,000,000 bytes (tcpdump -C)\n"
           "  --rotate-bytes N      same, in bytes (for small test rings)\n"
           "  -W N                  ring of N files (tcpdump -W); wraps and overwrites\n"
           "  --target-mb MB        keep starting connections until MB x 1,000,000 bytes are written\n"
           "  --fault KIND[:COUNT|@SECONDS]  inject a fault: syn-timeout syn-loss syn-rst icmp-unreachable\n"
           "                        rto fast-retransmit server-rst zero-window late-synack, and with\n"
           "                        --both-sides in-node-drop pod-silent reply-lost (repeatable)\n"
           "  --spike START-END:MS  every request reaching a pod in that window takes MS longer\n"
           "  --slow-pod IDX:MS[@START-END]  pod IDX (0-based) takes MS longer (optionally only then)\n"
           "  --start EPOCH         capture start, seconds since 1970 (default 1768471440)\n";
}

lbs::Status parseArguments(const std::vector<std::string> &args, Options &o, std::string &truthPath)
{
    try {
        for (size_t i = 0; i < args.size(); ++i) {
            const std::string &a = args[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= args.size())
                    throw std::invalid_argument(a + ": missing value");
                return args[++i];
            };
            if (a == "-w")
                o.output = value();
            else if (a == "--truth")
                truthPath = value();
            else if (a == "--seed")
                o.seed = std::strtoull(value().c_str(), nullptr, 10);
            else if (a == "--duration")
                o.durationSec = number(a, value());
            else if (a == "--rate")
                o.connPerSec = number(a, value());
            else if (a == "--clients")
                o.clients = static_cast<int>(number(a, value()));
            else if (a == "--pods")
                o.pods = static_cast<int>(number(a, value()));
            else if (a == "--requests") {
                const auto [lo, hi] = span(a, value());
                o.minRequests = static_cast<int>(lo);
                o.maxRequests = static_cast<int>(hi);
            } else if (a == "--max-body")
                o.maxBody = static_cast<uint32_t>(number(a, value()));
            else if (a == "--both-sides")
                o.bothSides = true;
            else if (a == "--snat")
                o.snat = true;
            else if (a == "--in-node-drop") {
                FaultSpec f;
                f.kind = FaultKind::InNodeDrop;
                f.count = static_cast<int>(number(a, value()));
                if (f.count > 0)
                    o.faults.push_back(f);
            } else if (a == "--link") {
                const std::string v = value();
                if (v != "ethernet" && v != "sll2")
                    throw std::invalid_argument("--link: expected ethernet or sll2, got '" + v + "'");
                o.link = v == "ethernet" ? LinkType::Ethernet : LinkType::Sll2;
            } else if (a == "--tunnel") {
                const std::string v = value();
                const auto t = parseTunnelName(v);
                if (!t)
                    throw std::invalid_argument("--tunnel: unknown tunnel '" + v + "' (see --help)");
                o.tunnel = *t;
            } else if (a == "--format") {
                const std::string v = value();
                if (v != "pcap" && v != "pcapng")
                    throw std::invalid_argument("--format: expected pcap or pcapng, got '" + v + "'");
                o.format = v == "pcap" ? FileFormat::Pcap : FileFormat::Pcapng;
            } else if (a == "--precision") {
                const std::string v = value();
                if (v != "us" && v != "ns")
                    throw std::invalid_argument("--precision: expected us or ns, got '" + v + "'");
                o.nanosecond = v == "ns";
            } else if (a == "--snaplen")
                o.snaplen = static_cast<uint32_t>(number(a, value()));
            else if (a == "-C")
                o.rotateBytes = static_cast<uint64_t>(number(a, value()) * 1e6);
            else if (a == "--rotate-bytes")
                o.rotateBytes = static_cast<uint64_t>(number(a, value()));
            else if (a == "-W")
                o.fileCount = static_cast<int>(number(a, value()));
            else if (a == "--target-mb")
                o.targetBytes = static_cast<uint64_t>(number(a, value()) * 1e6);
            else if (a == "--start")
                o.startEpochNs = static_cast<int64_t>(number(a, value())) * 1000000000LL;
            else if (a == "--fault") {
                const std::string v = value();
                const size_t sep = v.find_first_of(":@");
                const auto kind = parseFaultName(v.substr(0, sep));
                if (!kind)
                    throw std::invalid_argument("--fault: unknown fault '" + v.substr(0, sep) + "'");
                FaultSpec f;
                f.kind = *kind;
                if (sep != std::string::npos && v[sep] == ':')
                    f.count = static_cast<int>(number(a, v.substr(sep + 1)));
                else if (sep != std::string::npos)
                    f.atSec = number(a, v.substr(sep + 1));
                o.faults.push_back(f);
            } else if (a == "--spike") {
                const std::string v = value();
                const size_t colon = v.find(':');
                if (colon == std::string::npos)
                    throw std::invalid_argument("--spike: expected START-END:MS, got '" + v + "'");
                SlowWindow w;
                std::tie(w.startSec, w.endSec) = span(a, v.substr(0, colon));
                w.addMs = number(a, v.substr(colon + 1));
                o.slow.push_back(w);
            } else if (a == "--slow-pod") {
                const std::string v = value();
                const size_t colon = v.find(':');
                if (colon == std::string::npos)
                    throw std::invalid_argument("--slow-pod: expected IDX:MS[@START-END], got '" + v + "'");
                SlowWindow w;
                w.pod = static_cast<int>(number(a, v.substr(0, colon)));
                const size_t at = v.find('@', colon);
                w.addMs = number(
                    a, v.substr(colon + 1, at == std::string::npos ? std::string::npos : at - colon - 1));
                if (at != std::string::npos)
                    std::tie(w.startSec, w.endSec) = span(a, v.substr(at + 1));
                o.slow.push_back(w);
            } else
                throw std::invalid_argument("unknown argument '" + a + "' (see --help)");
        }
    } catch (const std::invalid_argument &e) {
        return lbs::Error {e.what(), "lbscope-gen", "run lbscope-gen --help"};
    }
    if (o.output.empty())
        return lbs::Error {"no output file: pass -w FILE", "lbscope-gen", {}};
    if ((o.tunnel == Tunnel::Vlan || o.tunnel == Tunnel::QinQ) && o.link != LinkType::Ethernet)
        return lbs::Error {
            "--tunnel vlan and qinq need --link ethernet (-i any captures carry no tags)", "lbscope-gen", {}};
    return lbs::Ok {};
}

} // namespace lbs::gen
