#include "core/analysis/httptracker.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace lbs::analysis {

namespace {

constexpr size_t kMaxLine = 16 * 1024;
constexpr size_t kMaxPendingBytes = 512 * 1024;
constexpr size_t kMaxPath = 1024;

bool startsWithMethod(const uint8_t *p, size_t len)
{
    static const char *const methods[]
        = {"GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "};
    for (const char *m : methods) {
        const size_t n = std::strlen(m);
        if (len >= n ? std::memcmp(p, m, n) == 0 : std::memcmp(p, m, len) == 0)
            return true;
    }
    return false;
}

bool iequalsPrefix(const std::string &s, std::string_view prefix)
{
    const size_t n = prefix.size();
    if (s.size() < n)
        return false;
    for (size_t i = 0; i < n; ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i])
            return false;
    }
    return true;
}

std::string headerValue(const std::string &line)
{
    const size_t colon = line.find(':');
    if (colon == std::string::npos)
        return {};
    size_t b = colon + 1;
    while (b < line.size() && (line[b] == ' ' || line[b] == '\t'))
        ++b;
    size_t e = line.size();
    while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r'))
        --e;
    std::string v = line.substr(b, e - b);
    for (char &c : v)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return v;
}

} // namespace

void HttpTracker::setIsn(int dir, uint32_t isn)
{
    Dir &d = m_dir[dir];
    if (!d.seqValid) {
        d.seqValid = true;
        d.nextSeq = isn + 1;
    }
}

bool HttpTracker::onSegment(
    int dir, uint32_t seq, const uint8_t *payload, uint32_t len, int64_t tsNs, Flow &flow)
{
    if (m_notHttp || len == 0)
        return false;
    Dir &d = m_dir[dir];
    if (!m_detected) {
        // Detect on the first payload byte of the connection: the client must send a request line.
        if (dir != 0 || !startsWithMethod(payload, len)) {
            m_notHttp = true;
            return false;
        }
        m_detected = true;
        flow.http = true;
    }
    if (!d.seqValid) {
        d.seqValid = true;
        d.nextSeq = seq;
    }
    d.startFlag = false;
    const int32_t delta = static_cast<int32_t>(seq - d.nextSeq);
    if (delta > 0) {
        // A gap: hold the segment until the missing bytes arrive.
        if (d.pendingBytes + len > kMaxPendingBytes) {
            // Bytes were lost for good (not captured): resynchronise after the gap.
            std::sort(d.pending.begin(), d.pending.end(),
                [](const Pending &a, const Pending &b) { return static_cast<int32_t>(a.seq - b.seq) < 0; });
            d.state = State::Dead;
            if (!d.pending.empty())
                d.nextSeq = d.pending.front().seq;
            drainPending(dir, flow);
            if (static_cast<int32_t>(seq - d.nextSeq) > 0) {
                d.pending.clear();
                d.pendingBytes = 0;
                d.nextSeq = seq;
            }
            deliver(dir, payload, len, tsNs, flow);
            return d.startFlag;
        }
        d.pending.push_back(Pending {seq, tsNs, std::vector<uint8_t>(payload, payload + len)});
        d.pendingBytes += len;
        return false;
    }
    const uint32_t skip = static_cast<uint32_t>(-delta);
    if (skip >= len)
        return false; // retransmission of bytes already delivered
    deliver(dir, payload + skip, len - skip, tsNs, flow);
    if (!d.pending.empty())
        drainPending(dir, flow);
    return d.startFlag;
}

void HttpTracker::drainPending(int dir, Flow &flow)
{
    Dir &d = m_dir[dir];
    bool progress = true;
    while (progress && !d.pending.empty()) {
        progress = false;
        for (size_t i = 0; i < d.pending.size(); ++i) {
            Pending &pd = d.pending[i];
            const int32_t delta = static_cast<int32_t>(pd.seq - d.nextSeq);
            if (delta > 0)
                continue;
            const uint32_t skip = static_cast<uint32_t>(-delta);
            Pending taken = std::move(pd);
            d.pending.erase(d.pending.begin() + static_cast<std::ptrdiff_t>(i));
            d.pendingBytes -= taken.bytes.size();
            if (skip < taken.bytes.size())
                deliver(dir, taken.bytes.data() + skip, static_cast<uint32_t>(taken.bytes.size() - skip),
                    taken.tsNs, flow);
            progress = true;
            break;
        }
    }
}

void HttpTracker::deliver(int dir, const uint8_t *p, uint32_t len, int64_t tsNs, Flow &flow)
{
    Dir &d = m_dir[dir];
    d.nextSeq += len;
    d.lastByteTs = tsNs;
    consume(dir, p, len, tsNs, flow);
}

bool HttpTracker::takeLine(Dir &d, const uint8_t *&p, size_t &len, bool &complete)
{
    const void *nl = std::memchr(p, '\n', len);
    const size_t n = nl ? static_cast<size_t>(static_cast<const uint8_t *>(nl) - p) + 1 : len;
    if (d.line.size() + n > kMaxLine)
        return false;
    d.line.append(reinterpret_cast<const char *>(p), nl ? n - 1 : n);
    p += n;
    len -= n;
    complete = nl != nullptr;
    if (complete && !d.line.empty() && d.line.back() == '\r')
        d.line.pop_back();
    return true;
}

void HttpTracker::consume(int dir, const uint8_t *p, size_t len, int64_t tsNs, Flow &flow)
{
    Dir &d = m_dir[dir];
    while (len > 0) {
        switch (d.state) {
        case State::Dead:
            return;
        case State::UntilClose:
            if (m_responseOpen && m_answering < flow.requests.size())
                flow.requests[m_answering].responseBytes += len;
            return;
        case State::Body: {
            const size_t n = static_cast<size_t>(std::min<uint64_t>(d.remaining, len));
            d.remaining -= n;
            p += n;
            len -= n;
            if (dir == 0 && !flow.requests.empty())
                flow.requests.back().requestBytes += n;
            else if (dir == 1 && m_responseOpen && m_answering < flow.requests.size())
                flow.requests[m_answering].responseBytes += n;
            if (d.remaining == 0)
                messageComplete(dir, tsNs, flow);
            break;
        }
        case State::ChunkData: {
            const size_t n = static_cast<size_t>(std::min<uint64_t>(d.remaining, len));
            d.remaining -= n;
            p += n;
            len -= n;
            if (dir == 1 && m_responseOpen && m_answering < flow.requests.size())
                flow.requests[m_answering].responseBytes += n;
            if (d.remaining == 0)
                d.state = State::ChunkCrlf;
            break;
        }
        case State::Start:
            // Blank lines between messages are allowed.
            if (d.line.empty() && (*p == '\r' || *p == '\n')) {
                ++p;
                --len;
                break;
            }
            if (d.line.empty() && !d.startedMessage) {
                d.startedMessage = true;
                d.startFlag = true;
                if (dir == 0) {
                    HttpRequest r;
                    r.tsNs = tsNs;
                    flow.requests.push_back(std::move(r));
                } else if (m_nextToAnswer < flow.requests.size()) {
                    m_responseOpen = true;
                    m_answering = m_nextToAnswer;
                    HttpRequest &r = flow.requests[m_answering];
                    const int64_t reqEnd = r.requestEndNs ? r.requestEndNs : m_dir[0].lastByteTs;
                    if (!r.ttfbNs)
                        r.ttfbNs = tsNs - reqEnd;
                } else {
                    m_responseOpen = false; // response without a request in the capture
                }
            }
            [[fallthrough]];
        case State::Headers:
        case State::ChunkSize:
        case State::ChunkCrlf:
        case State::Trailers: {
            bool complete = false;
            const size_t before = len;
            if (!takeLine(d, p, len, complete)) {
                d.state = State::Dead;
                return;
            }
            if (dir == 0 && !flow.requests.empty())
                flow.requests.back().requestBytes += before - len;
            else if (dir == 1 && m_responseOpen && m_answering < flow.requests.size())
                flow.requests[m_answering].responseBytes += before - len;
            if (!complete)
                return;
            if (d.state == State::Start) {
                onStartLine(dir, tsNs, flow);
            } else if (d.state == State::Headers) {
                if (d.line.empty())
                    onHeadersEnd(dir, tsNs, flow);
                else
                    onHeaderLine(d);
            } else if (d.state == State::ChunkSize) {
                uint64_t size = 0;
                size_t i = 0;
                for (; i < d.line.size() && i < 16; ++i) {
                    const char c = d.line[i];
                    int v = -1;
                    if (c >= '0' && c <= '9')
                        v = c - '0';
                    else if (c >= 'a' && c <= 'f')
                        v = c - 'a' + 10;
                    else if (c >= 'A' && c <= 'F')
                        v = c - 'A' + 10;
                    if (v < 0)
                        break;
                    size = size * 16 + static_cast<uint64_t>(v);
                }
                if (i == 0) {
                    d.state = State::Dead;
                    return;
                }
                if (size == 0) {
                    d.state = State::Trailers;
                } else {
                    d.remaining = size;
                    d.state = State::ChunkData;
                }
            } else if (d.state == State::ChunkCrlf) {
                d.state = State::ChunkSize;
            } else if (d.state == State::Trailers) {
                if (d.line.empty())
                    messageComplete(dir, tsNs, flow);
            }
            d.line.clear();
            break;
        }
        }
    }
}

void HttpTracker::onStartLine(int dir, int64_t tsNs, Flow &flow)
{
    (void)tsNs;
    Dir &d = m_dir[dir];
    const std::string &l = d.line;
    d.contentLength = -1;
    d.chunked = false;
    d.close = false;
    d.status = 0;
    if (dir == 0) {
        const size_t sp1 = l.find(' ');
        const size_t sp2 = sp1 == std::string::npos ? std::string::npos : l.find(' ', sp1 + 1);
        if (sp1 == std::string::npos || sp2 == std::string::npos || l.compare(sp2 + 1, 7, "HTTP/1.") != 0
            || flow.requests.empty()) {
            d.state = State::Dead;
            return;
        }
        HttpRequest &r = flow.requests.back();
        r.method = l.substr(0, std::min<size_t>(sp1, 16));
        r.path = l.substr(sp1 + 1, std::min(sp2 - sp1 - 1, kMaxPath));
    } else {
        if (l.compare(0, 7, "HTTP/1.") != 0 || l.size() < 12) {
            d.state = State::Dead;
            return;
        }
        int status = 0;
        for (size_t i = 9; i < 12; ++i) {
            if (l[i] < '0' || l[i] > '9') {
                d.state = State::Dead;
                return;
            }
            status = status * 10 + (l[i] - '0');
        }
        d.status = status;
    }
    d.state = State::Headers;
}

void HttpTracker::onHeaderLine(Dir &d)
{
    const std::string &l = d.line;
    // Only Content-Length, Transfer-Encoding and Connection matter: skip other headers at once.
    const char first = l.empty() ? '\0' : static_cast<char>(l[0] | 0x20);
    if (first != 'c' && first != 't')
        return;
    if (iequalsPrefix(l, "content-length:")) {
        const std::string v = headerValue(l);
        int64_t n = 0;
        bool ok = !v.empty() && v.size() < 19;
        for (char c : v) {
            if (c < '0' || c > '9') {
                ok = false;
                break;
            }
            n = n * 10 + (c - '0');
        }
        if (ok)
            d.contentLength = n;
    } else if (iequalsPrefix(l, "transfer-encoding:")) {
        if (headerValue(l).find("chunked") != std::string::npos)
            d.chunked = true;
    } else if (iequalsPrefix(l, "connection:")) {
        if (headerValue(l).find("close") != std::string::npos)
            d.close = true;
    }
}

void HttpTracker::onHeadersEnd(int dir, int64_t tsNs, Flow &flow)
{
    Dir &d = m_dir[dir];
    if (dir == 0) {
        if (d.chunked) {
            d.state = State::ChunkSize;
        } else if (d.contentLength > 0) {
            d.remaining = static_cast<uint64_t>(d.contentLength);
            d.state = State::Body;
        } else {
            messageComplete(dir, tsNs, flow);
        }
        return;
    }
    const bool interim = d.status >= 100 && d.status < 200;
    bool head = false;
    if (m_responseOpen && m_answering < flow.requests.size())
        head = flow.requests[m_answering].method == "HEAD";
    if (interim || d.status == 204 || d.status == 304 || head) {
        messageComplete(dir, tsNs, flow);
    } else if (d.chunked) {
        d.state = State::ChunkSize;
    } else if (d.contentLength >= 0) {
        d.remaining = static_cast<uint64_t>(d.contentLength);
        if (d.remaining == 0)
            messageComplete(dir, tsNs, flow);
        else
            d.state = State::Body;
    } else {
        d.state = State::UntilClose;
    }
}

void HttpTracker::messageComplete(int dir, int64_t tsNs, Flow &flow)
{
    Dir &d = m_dir[dir];
    d.state = State::Start;
    d.line.clear();
    d.startedMessage = false;
    if (dir == 0) {
        if (!flow.requests.empty())
            flow.requests.back().requestEndNs = tsNs;
        return;
    }
    if (!m_responseOpen || m_answering >= flow.requests.size())
        return;
    HttpRequest &r = flow.requests[m_answering];
    if (d.status >= 100 && d.status < 200) {
        // Interim response (100 Continue): the final response is still to come.
        r.ttfbNs.reset();
        m_responseOpen = false;
        return;
    }
    r.status = d.status;
    const int64_t reqEnd = r.requestEndNs ? r.requestEndNs : m_dir[0].lastByteTs;
    r.responseNs = tsNs - reqEnd;
    m_responseOpen = false;
    m_nextToAnswer = m_answering + 1;
}

void HttpTracker::onClose(int dir, int64_t tsNs, Flow &flow)
{
    (void)tsNs;
    Dir &d = m_dir[dir];
    if (dir == 1 && d.state == State::UntilClose)
        messageComplete(1, d.lastByteTs, flow);
}

void HttpTracker::reset()
{
    std::string lines[2] = {std::move(m_dir[0].line), std::move(m_dir[1].line)};
    std::vector<Pending> pending[2] = {std::move(m_dir[0].pending), std::move(m_dir[1].pending)};
    *this = HttpTracker();
    for (int d = 0; d < 2; ++d) {
        lines[d].clear();
        pending[d].clear();
        m_dir[d].line = std::move(lines[d]);
        m_dir[d].pending = std::move(pending[d]);
    }
}

void HttpTracker::finish(Flow &flow)
{
    onClose(1, m_dir[1].lastByteTs, flow);
}

} // namespace lbs::analysis
