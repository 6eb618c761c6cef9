#include "core/analysis/conntrackevents.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace lbs::analysis {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/// The next whitespace-separated token of `rest`, which is advanced past it; empty at the end.
std::string_view nextToken(std::string_view &rest)
{
    size_t b = 0;
    while (b < rest.size() && isSpace(rest[b]))
        ++b;
    size_t e = b;
    while (e < rest.size() && !isSpace(rest[e]))
        ++e;
    const std::string_view tok = rest.substr(b, e - b);
    rest.remove_prefix(e);
    return tok;
}

/// "[SECONDS.FRACTION]" (fraction optional, digits beyond nanoseconds ignored) -> ns.
bool parseTimestamp(std::string_view tok, int64_t &ns)
{
    if (tok.size() < 3 || tok.front() != '[' || tok.back() != ']')
        return false;
    tok = tok.substr(1, tok.size() - 2);
    const size_t dot = tok.find('.');
    const std::string_view whole = tok.substr(0, dot);
    int64_t sec = 0;
    const auto r = std::from_chars(whole.data(), whole.data() + whole.size(), sec);
    if (whole.empty() || r.ec != std::errc {} || r.ptr != whole.data() + whole.size() || sec < 0
        || sec > 9'000'000'000)
        return false;
    int64_t frac = 0;
    int digits = 0;
    if (dot != std::string_view::npos) {
        const std::string_view f = tok.substr(dot + 1);
        if (f.empty())
            return false;
        for (char c : f) {
            if (c < '0' || c > '9')
                return false;
            if (digits < 9) {
                frac = frac * 10 + (c - '0');
                ++digits;
            }
        }
    }
    for (; digits < 9; ++digits)
        frac *= 10;
    ns = sec * 1'000'000'000 + frac;
    return true;
}

bool parseAddress(std::string_view v, pcap::IpAddress &out)
{
    if (v.empty() || v.size() > 45)
        return false;
    for (char c : v)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.'
                || c == ':'))
            return false;
    out = pcap::IpAddress::parse(std::string(v));
    return out.isSet();
}

bool parsePort(std::string_view v, uint16_t &out)
{
    unsigned n = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || r.ec != std::errc {} || r.ptr != v.data() + v.size() || n > 65535)
        return false;
    out = static_cast<uint16_t>(n);
    return true;
}

} // namespace

bool parseConntrackLine(std::string_view line, ConntrackEvent &out)
{
    out = {};
    std::string_view rest = line;
    if (!parseTimestamp(nextToken(rest), out.tsNs))
        return false;
    std::string_view tok = nextToken(rest);
    out.snapshot = tok.empty() || tok.front() != '[';
    if (!out.snapshot) {
        if (tok == "[DESTROY]")
            return false; // the end of an entry, not when it was made
        tok = nextToken(rest);
    }
    // [family name, family number,] protocol name, protocol number, ...; then the key=value tuples.
    bool seen[2][4] = {};
    pcap::Endpoint *ends[2][2] = {{&out.origSrc, &out.origDst}, {&out.replySrc, &out.replyDst}};
    for (; !tok.empty(); tok = nextToken(rest)) {
        const size_t eq = tok.find('=');
        if (eq == std::string_view::npos) {
            if (out.proto == 0 && tok == "tcp")
                out.proto = 6;
            else if (out.proto == 0 && tok == "udp")
                out.proto = 17;
            continue;
        }
        const std::string_view key = tok.substr(0, eq);
        const std::string_view value = tok.substr(eq + 1);
        int field = -1;
        if (key == "src")
            field = 0;
        else if (key == "dst")
            field = 1;
        else if (key == "sport")
            field = 2;
        else if (key == "dport")
            field = 3;
        if (field < 0)
            continue;
        const int tuple = seen[0][field] ? 1 : 0;
        if (seen[tuple][field])
            return false; // a third tuple: not a conntrack line
        seen[tuple][field] = true;
        pcap::Endpoint &e = *ends[tuple][field & 1];
        if (field < 2 ? !parseAddress(value, e.ip) : !parsePort(value, e.port))
            return false;
    }
    if (out.proto != 6 && out.proto != 17)
        return false;
    for (const auto &tuple : seen)
        for (bool s : tuple)
            if (!s)
                return false;
    return true;
}

ConntrackLog parseConntrackLog(std::string_view text)
{
    ConntrackLog log;
    while (!text.empty()) {
        const size_t nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.find_first_not_of(" \t\r") == std::string_view::npos)
            continue;
        ++log.lines;
        ConntrackEvent e;
        if (parseConntrackLine(line, e))
            log.events.push_back(e);
        else
            ++log.skipped;
    }
    return log;
}

Result<ConntrackLog> readConntrackLog(const std::string &path, uint64_t maxBytes)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error {"cannot read the conntrack record", path, {}, ErrorKind::Io};
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<size_t>(in.gcount()));
        if (text.size() > maxBytes)
            return Error {"the conntrack record is larger than " + std::to_string(maxBytes >> 20) + " MiB",
                path, "it is not read; the one-side connections keep no backend", ErrorKind::BadInput};
    }
    if (in.bad())
        return Error {"cannot read the conntrack record", path, {}, ErrorKind::Io};
    return parseConntrackLog(text);
}

} // namespace lbs::analysis
