#include "clock.h"

#include <chrono>
#include <thread>

namespace lbs {

double Clock::now() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void Clock::sleepMs(int ms) const
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

const Clock &Clock::steady()
{
    static const Clock clock;
    return clock;
}

} // namespace lbs
