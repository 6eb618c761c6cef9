#pragma once

#include <atomic>
#include <memory>

namespace lbs {

/// Shared cancellation flag. Copies share the same state; any copy may cancel.
/// Long-running core functions poll isCancelled() at least every few milliseconds of work.
class CancelToken {
public:
    CancelToken() : m_flag(std::make_shared<std::atomic<bool>>(false)) { }
    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

} // namespace lbs
