#pragma once
// The time a capture's monitor reads and waits on. Production code uses the steady clock; a soak
// test passes a compressed clock so that a twelve-hour capture is monitored in a minute.

namespace lbs {

class Clock {
public:
    virtual ~Clock() = default;
    /// Seconds on a monotonic scale (only differences mean something).
    virtual double now() const;
    /// Waits `ms` milliseconds of this clock's time.
    virtual void sleepMs(int ms) const;
    /// The steady clock every capture uses unless told otherwise.
    static const Clock &steady();
};

} // namespace lbs
