#pragma once
// Sends outgoing requests and writes each one to the request history, with secrets masked.
// Retries 429, 5xx and "no answer" with exponential backoff and jitter when the call is safe to repeat.
// Usage:
//   CallLog log(transport, store);
//   http::Response r = log.send({account_id, "altegio.book_times", RetryPolicy::safe()}, request);
#include <chrono>
#include <mutex>
#include <string>
#include "relay/http/transport.hpp"
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

struct CallInfo {
    int64_t account_id = 0;
    std::string kind;
    RetryPolicy retry = RetryPolicy::safe();
};

// A token bucket: at most `per_second` calls a second on average, bursts up to `burst`. With burst 1 the
// calls are evenly paced, so no one-second window ever holds more than per_second + 1.
class RateLimiter {
public:
    RateLimiter(double per_second, double burst);
    void acquire();            // blocks until a call may go, and takes its place
    void wait_until_ready();   // blocks until a call could go, without taking the place

private:
    void take(bool consume);
    std::mutex m_mutex;
    double m_per_second;
    double m_burst;
    double m_tokens;
    std::chrono::steady_clock::time_point m_last;
};

class CallLog {
public:
    CallLog(http::Transport& transport, store::Store& store) : m_transport(transport), m_store(store) {}
    http::Response send(const CallInfo& info, const http::OutgoingRequest& request, RateLimiter* limiter = nullptr);

private:
    http::Transport& m_transport;
    store::Store& m_store;
};

// Replaces the values of secret-looking JSON members and query parameters with "***".
std::string mask_secrets(std::string text);
// For log lines: secrets masked, and every phone-like run of 7 or more digits cut to its last two.
std::string mask_for_log(std::string text);

}  // namespace kb::clients
