// Fuzz target "http": the HTTP/1 parser over both directions of one TCP stream. The input is a
// list of segments: [control byte][length byte][payload...]. Control bit 0: direction (server to
// client when set); bit 1: leave a gap of 1..8 bytes before the segment (a lost segment); bit 2:
// resend the previous segment of that direction first (retransmission); bit 3: that direction
// closes after the segment.

#include "core/analysis/captureanalysis.h"
#include "core/analysis/httptracker.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lbs::analysis::Flow flow;
    lbs::analysis::HttpTracker http;
    uint32_t nextSeq[2] = {1001, 5001};
    http.setIsn(0, 1000);
    http.setIsn(1, 5000);
    struct Last {
        uint32_t seq = 0;
        const uint8_t *p = nullptr;
        uint32_t len = 0;
    } last[2];
    int64_t ts = 1'000'000'000;
    size_t at = 0;
    while (at + 2 <= size && http.alive()) {
        const uint8_t control = data[at];
        const uint32_t len
            = data[at + 1] <= size - at - 2 ? data[at + 1] : static_cast<uint32_t>(size - at - 2);
        const uint8_t *payload = data + at + 2;
        at += 2 + len;
        const int dir = control & 1;
        ts += 1000 + (control >> 4) * 100'000;
        if ((control & 4) && last[dir].p)
            http.onSegment(dir, last[dir].seq, last[dir].p, last[dir].len, ts, flow);
        if (control & 2)
            nextSeq[dir] += 1 + ((control >> 4) & 7);
        http.onSegment(dir, nextSeq[dir], payload, len, ts, flow);
        last[dir] = {nextSeq[dir], payload, len};
        nextSeq[dir] += len;
        if (control & 8)
            http.onClose(dir, ts, flow);
    }
    http.finish(flow);
    return 0;
}
