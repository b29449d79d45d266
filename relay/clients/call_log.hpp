#pragma once
// Sends outgoing requests and writes each one to the request history, with secrets masked.
// Retries 429, 5xx and "no answer" with exponential backoff and jitter when the call is safe to repeat.
// Usage:
//   CallLog log(transport, store);
//   http::Response r = log.send({account_id, "altegio.book_times", RetryPolicy::safe()}, request);
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <optional>
#include <mutex>
#include <string>
#include <string_view>
#include "relay/clock.hpp"
#include "relay/http/transport.hpp"
#include "relay/metrics/metrics.hpp"
#include "relay/store/store.hpp"

namespace kb::clients {

struct RetryPolicy {
    int attempts = 1;                  // tries for failures that may have been processed (5xx, no answer)
    int rate_limited_retries = 4;      // 429 means "not processed": always safe to try again
    std::chrono::milliseconds first_delay{200};
    std::chrono::milliseconds max_delay{3000};
    // Reads and idempotent writes: three tries. Creating things: once (the caller reconciles instead).
    static RetryPolicy safe() { return RetryPolicy{3, 4, std::chrono::milliseconds(200), std::chrono::milliseconds(3000)}; }
    static RetryPolicy once() { return RetryPolicy{1, 4, std::chrono::milliseconds(200), std::chrono::milliseconds(3000)}; }
};

// Marks the calls this thread makes until the scope ends as made for a person waiting on them (see RateLimiter).
class PersonScope {
public:
    PersonScope();
    ~PersonScope();
    PersonScope(const PersonScope&) = delete;
    PersonScope& operator=(const PersonScope&) = delete;
    static bool active();

private:
    bool m_was;
};

struct CallInfo {
    int64_t account_id = 0;
    std::string kind;
    RetryPolicy retry = RetryPolicy::safe();
};

// At most `per_second` calls within any one second, as the server counts them, whatever the network does:
// a call holds its place from the moment it is sent until one second after its answer came back. (Counting
// only start times lets jitter bunch calls at the server; a call the server counts lies between its sending
// and its answer, so this rule bounds any server-side window.) Calls go at once while there is room.
// With a `shared` store (several relays on one database) a call also takes a place under `key` in the store,
// so the limit holds for all relays together; the in-process count still keeps this relay's own threads in line.
//
// People go first: while a call made for a person (a thread inside a PersonScope: the widget's and the settings
// page's requests) waits, no background call (the sync workers, the reconciler) takes a place, so however much
// background work is queued a person's call waits only for the next place to free, at most about a second.
class RateLimiter {
public:
    using Slot = uint64_t;
    explicit RateLimiter(double per_second, store::Store* shared = nullptr, std::string key = {});
    Slot acquire();            // blocks until a call may go; pass the slot to release() when it is answered
    void release(Slot slot);
    void wait_until_ready();   // blocks until a call could go, without taking a place

private:
    Slot take(bool consume);
    std::optional<int64_t> take_shared_place();   // waits for a place in the store; none when the store failed
    std::mutex m_mutex;
    std::condition_variable m_released;
    size_t m_limit;
    size_t m_people_waiting = 0;
    Slot m_next = 1;
    std::map<Slot, std::optional<std::chrono::steady_clock::time_point>> m_slots;   // in flight, or answered at
    store::Store* m_shared;
    std::string m_key;
    std::map<Slot, int64_t> m_shared_places;   // this relay's calls' places in the store
};

class CallLog {
public:
    // `clock` stamps the history's entries.
    CallLog(http::Transport& transport, store::Store& store, metrics::Metrics* metrics = nullptr, Clock clock = {});
    http::Response send(const CallInfo& info, const http::OutgoingRequest& request, RateLimiter* limiter = nullptr);

private:
    http::Transport& m_transport;
    store::Store& m_store;
    metrics::Metrics* m_metrics;   // counts calls and rate-limit waits for /metrics, when given
    Clock m_clock;
};

// Replaces the values of secret-looking JSON members (`"password": "…"`) and query parameters (`&code=…`, up to
// the next '&') with "***".
std::string mask_secrets(std::string_view text);
// For log lines: secrets masked, and every phone-like run of 7 or more digits cut to its last two.
std::string mask_for_log(std::string text);

}  // namespace kb::clients
