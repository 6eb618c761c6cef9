#include "core/common/progress.h"

namespace lbs {

ProgressThrottle::ProgressThrottle(ProgressSink *sink, std::string stage, uint64_t total)
    : m_sink(sink), m_stage(std::move(stage)), m_total(total), m_start(std::chrono::steady_clock::now())
{
}

void ProgressThrottle::update(uint64_t done, const std::string &message)
{
    if (!m_sink)
        return;
    const uint64_t step = m_total > 0 ? m_total / 1000 : 0;
    if (!m_first && done < m_lastDone + (step > 0 ? step : 1))
        return;
    m_first = false;
    m_lastDone = done;
    ProgressEvent ev {m_stage, done, m_total, message, -1};
    if (m_total > 0 && done > 0) {
        const double elapsed
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        ev.etaSeconds = elapsed * static_cast<double>(m_total - (done < m_total ? done : m_total))
            / static_cast<double>(done);
    }
    m_sink->report(ev);
}

void ProgressThrottle::finish(const std::string &message)
{
    if (m_sink)
        m_sink->report(ProgressEvent {m_stage, m_total, m_total, message, 0});
}

} // namespace lbs
