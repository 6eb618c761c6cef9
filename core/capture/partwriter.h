#pragma once

#include "core/capture/sha256.h"
#include "core/pcap/pcaptimes.h"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lbs::capture {

/// Appends downloaded bytes to a `.part` file. The thread that receives from the network only copies
/// into cache-sized buffers; a worker thread hashes them (sha256), scans packet times and writes them.
/// Receiving, hashing and writing then overlap instead of taking turns on one core. Bounded: when the
/// worker falls behind (a slow disk), add() waits for room, so memory stays at a few MiB.
class PartWriter {
public:
    explicit PartWriter(int fd);
    ~PartWriter(); ///< writes what is queued, then stops the worker; does not close fd
    PartWriter(const PartWriter &) = delete;
    PartWriter &operator=(const PartWriter &) = delete;

    /// Queues bytes for hashing and writing; false once a write has failed (disk full).
    bool add(const char *data, std::size_t size);
    /// Waits until every byte added so far is written; false when a write failed.
    bool flush();
    /// Bytes already in the file (a resumed `.part`): hashed and scanned, not written. Only before
    /// the first add() or after flush().
    void account(const char *data, std::size_t size);
    /// The sha256 of everything accounted and added; call after flush(). Resets the hash.
    std::string hexDigest();
    /// Packet times of everything accounted and added (see PcapTimesScanner); after flush().
    std::optional<pcap::PcapTimes> times() const;
    bool failed() const { return m_failed.load(); }
    /// Why the failed write failed (strerror of its errno), once failed() is true.
    std::string failure() const;

private:
    // Small enough to stay in the CPU cache: an 8 MiB buffer made every byte take a cache-cold trip
    // through it, and the page-cache copy in write() cost 3x the CPU (1.5 s vs 0.4 s sys for 500 MB).
    static constexpr std::size_t kBuffer = 256u << 10;
    static constexpr std::size_t kQueued = 16; ///< buffers waiting for the worker at most (4 MiB)

    void submit();
    void work();
    bool writeAll(const char *d, std::size_t n);

    int m_fd;
    std::vector<char> m_fill; ///< being filled by add(), on the caller's thread
    std::mutex m_mutex;
    std::condition_variable m_hasWork; ///< worker waits here
    std::condition_variable m_hasRoom; ///< add() and flush() wait here
    std::deque<std::vector<char>> m_queue;
    std::vector<std::vector<char>> m_spare; ///< written buffers, reused
    bool m_working = false; ///< the worker holds a buffer outside the queue
    bool m_stop = false;
    std::atomic<bool> m_failed {false};
    std::atomic<int> m_errno {0}; ///< of the failed write; set before m_failed
    Sha256 m_hash; ///< worker-owned while buffers are queued
    pcap::PcapTimesScanner m_times;
    std::thread m_worker;
};

} // namespace lbs::capture
