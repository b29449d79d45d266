#pragma once
// The relay's one clock: Unix time in milliseconds, read by everything that stamps, schedules or expires. RelayApp
// makes it once and hands the same clock to every part, so a test that moves it moves the whole relay.
//
//   kb::Clock system;                                   // the system's time
//   kb::Clock fixed([] { return int64_t{1764576000000}; });
//   int64_t expires = clock.seconds() + token_lifetime;  // where a rule counts in seconds
//
// Deadlines and timeouts that only measure elapsed time use std::chrono::steady_clock instead.
#include <chrono>
#include <cstdint>
#include <functional>
#include <utility>

namespace kb {

class Clock {
public:
    Clock() = default;   // the system's time
    explicit Clock(std::function<int64_t()> now_ms) : m_now_ms(std::move(now_ms)) {}

    // The system's time moved by `offset_ms` (the browser suites hold the stack at a chosen day and hour).
    static Clock offset_by(int64_t offset_ms) {
        return offset_ms == 0 ? Clock() : Clock([offset_ms] { return system_ms() + offset_ms; });
    }

    int64_t ms() const { return m_now_ms ? m_now_ms() : system_ms(); }
    int64_t seconds() const { return ms() / 1000; }

    static int64_t system_ms() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    }

private:
    std::function<int64_t()> m_now_ms;   // empty: the system's
};

}  // namespace kb
