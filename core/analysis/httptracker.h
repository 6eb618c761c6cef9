#pragma once

#include "core/analysis/captureanalysis.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lbs::analysis {

/// HTTP/1.x over one TCP connection, detected by the request line and the status line (any port).
/// Bytes are fed in sequence-number order: retransmitted bytes are dropped, out-of-order
/// segments are held (bounded) until the gap fills. Requests are paired with responses in order
/// (pipelining, keep-alive); bodies by Content-Length, chunked, or until the server closes.
class HttpTracker {
public:
    /// `isn` per direction when the SYN/SYN-ACK was seen (seq of the first payload byte - 1).
    void setIsn(int dir, uint32_t isn);
    /// Payload of one segment in direction dir (0 client->server). Returns true when the segment
    /// starts an HTTP message (for the packet list's HTTP flag).
    bool onSegment(int dir, uint32_t seq, const uint8_t *payload, uint32_t len, int64_t tsNs, Flow &flow);
    /// The direction closed (FIN or RST): ends a read-until-close response.
    void onClose(int dir, int64_t tsNs, Flow &flow);
    /// End of capture.
    void finish(Flow &flow);
    /// False once the client's first bytes were not an HTTP request line.
    bool alive() const { return !m_notHttp; }
    /// Back to the state of a new tracker, keeping the buffers' memory (for the next flow).
    void reset();

private:
    enum class State : uint8_t {
        Start,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkCrlf,
        Trailers,
        UntilClose,
        Dead
    };
    struct Pending {
        uint32_t seq;
        int64_t tsNs;
        std::vector<uint8_t> bytes;
    };
    struct Dir {
        bool seqValid = false;
        uint32_t nextSeq = 0;
        std::vector<Pending> pending;
        size_t pendingBytes = 0;
        State state = State::Start;
        std::string line;
        uint64_t remaining = 0;
        int64_t contentLength = -1;
        bool chunked = false;
        bool close = false;
        int status = 0;
        int64_t lastByteTs = 0;
        bool startedMessage = false;
        bool startFlag = false; ///< a message started in the current segment
    };

    void deliver(int dir, const uint8_t *p, uint32_t len, int64_t tsNs, Flow &flow);
    void consume(int dir, const uint8_t *p, size_t len, int64_t tsNs, Flow &flow);
    bool takeLine(Dir &d, const uint8_t *&p, size_t &len, bool &complete);
    void onStartLine(int dir, int64_t tsNs, Flow &flow);
    void onHeaderLine(Dir &d);
    void onHeadersEnd(int dir, int64_t tsNs, Flow &flow);
    void messageComplete(int dir, int64_t tsNs, Flow &flow);
    void drainPending(int dir, Flow &flow);

    Dir m_dir[2];
    bool m_notHttp = false;
    bool m_detected = false;
    size_t m_nextToAnswer = 0; ///< first request without a final response
    bool m_responseOpen = false; ///< a response message is being parsed
    size_t m_answering = 0;
};

} // namespace lbs::analysis
