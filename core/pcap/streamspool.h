#pragma once
// Streams (pipes, FIFOs, standard input) copied to temporary capture files. A capture is read more
// than once (probe, merge, re-read), which a stream cannot be: `tcpdump -w - | lbscope-cli analyze -`.
// No Qt.

#include <string>
#include <utility>
#include <vector>

namespace lbs::pcap {

/// The streams among a capture's inputs, spooled to temporary files that live as long as the spool.
class StreamSpool {
public:
    StreamSpool() = default;
    StreamSpool(const StreamSpool &) = delete;
    StreamSpool &operator=(const StreamSpool &) = delete;
    ~StreamSpool();

    /// If `input` is a stream ("-" for standard input, a pipe, a FIFO), copies it to a temporary file
    /// and replaces `input` by that file's path; regular files, directories and missing paths are left
    /// as they are. A stream that does not start like a capture is refused at once (/dev/zero never
    /// ends): false with `error` naming the stream as the user did.
    bool spool(std::string &input, std::string &error);

    /// `text` with every temporary path replaced by the name the user gave ("standard input").
    std::string restore(std::string text) const;

    /// Removes every temporary file of the process. Async-signal-safe: for a handler of a signal that
    /// ends the process (Ctrl+C, a closed pipe) before the spools are destroyed.
    static void removeAllTemporaries() noexcept;

private:
    std::vector<std::pair<std::string, std::string>> m_names; ///< temporary -> as the user named it
};

} // namespace lbs::pcap
