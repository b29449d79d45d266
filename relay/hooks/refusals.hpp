#pragma once
// Every webhook the relay refuses (400 unreadable, 403 for another account, 404 unknown key, 413 too large)
// leaves a row in the request history, so an administrator can see what was sent and why it was turned away:
// its type, time, status, reason and the first bytes of its body with secrets masked. The row goes to the
// account the address names (account 0, the operator's, when it names none).
// A flood of refusals cannot fill the store: at most `per_minute` rows a minute per account; the first row
// after a full minute says how many were left out.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include "relay/clock.hpp"
#include "relay/http/http_types.hpp"
#include "relay/store/store.hpp"

namespace kb::hooks {

class RefusalLog {
public:
    RefusalLog(store::Store& store, Clock clock, int32_t per_minute = 10)
        : m_store(store), m_clock(std::move(clock)), m_per_minute(per_minute) {}

    void record(int64_t account_id, const std::string& kind, const std::string& target, const http::Request& request, int32_t status,
                const std::string& reason);

private:
    struct Window {
        int64_t started_ms = 0;
        int32_t written = 0;
        int64_t left_out = 0;
    };
    store::Store& m_store;
    Clock m_clock;
    int32_t m_per_minute;
    std::mutex m_mutex;
    std::map<int64_t, Window> m_windows;   // by account; only accounts that exist, and 0
};

}  // namespace kb::hooks
