#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace lbs {

/// One progress report: a stage name, work done of total (total 0 = unknown) and a message.
struct ProgressEvent {
    std::string stage;
    uint64_t done = 0;
    uint64_t total = 0;
    std::string message;
    double etaSeconds = -1; ///< < 0 when unknown
};

/// Receives progress. Implementations must be cheap; reporters throttle through ProgressThrottle.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    virtual void report(const ProgressEvent &event) = 0;
};

/// Sink calling a function.
class FunctionProgressSink final : public ProgressSink {
public:
    explicit FunctionProgressSink(std::function<void(const ProgressEvent &)> fn) : m_fn(std::move(fn)) { }
    void report(const ProgressEvent &event) override { m_fn(event); }

private:
    std::function<void(const ProgressEvent &)> m_fn;
};

/// Forwards to a sink only when progress moved by >= 0.1 % or the stage changed, and computes an ETA.
/// A null sink is allowed (everything is dropped).
class ProgressThrottle {
public:
    explicit ProgressThrottle(ProgressSink *sink, std::string stage, uint64_t total);
    /// Cheap when nothing is forwarded; call as often as you like.
    void update(uint64_t done, const std::string &message = {});
    void finish(const std::string &message = {});
    void setTotal(uint64_t total) { m_total = total; }

private:
    ProgressSink *m_sink;
    std::string m_stage;
    uint64_t m_total;
    uint64_t m_lastDone = 0;
    bool m_first = true;
    std::chrono::steady_clock::time_point m_start;
};

} // namespace lbs
