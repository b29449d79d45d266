#pragma once
// What the relay counts for GET /metrics (Prometheus text format 0.0.4): outgoing requests by target, kind
// and outcome, waits for a rate limit, Kommo token refreshes; with the inbox's state, read from the store when
// the page is asked for. Counters live in process memory and start at zero with the process, as Prometheus
// counters do. Thread-safe.
// Usage:
//   Metrics metrics;
//   metrics.count_call("kommo.create_lead", 200);
//   std::string page = metrics.render(inbox_counts, now_ms);
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include "relay/store/store.hpp"

namespace kb::metrics {

class Metrics {
public:
    // One answered (or unanswered) outgoing request; `kind` is "kommo.create_lead", "altegio.book_times"…,
    // its target the part before the dot.
    void count_call(const std::string& kind, int status);
    // A call of this kind that had to wait for its rate limiter, and how long (counted per target).
    void count_rate_limit_wait(const std::string& kind, std::chrono::nanoseconds waited);
    std::string render(const store::Store::InboxCounts& inbox, int64_t now_ms) const;

private:
    mutable std::mutex m_mutex;
    std::map<std::tuple<std::string, std::string, std::string>, int64_t> m_calls;   // (target, kind, outcome) -> count
    std::map<std::string, std::pair<int64_t, double>> m_waits;                        // target -> (waits, seconds)
};

}  // namespace kb::metrics
