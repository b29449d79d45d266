#include "relay/hooks/refusals.hpp"

#include <spdlog/spdlog.h>
#include "relay/clients/call_log.hpp"

namespace kb::hooks {

namespace {
constexpr int64_t minute_ms = 60'000;
constexpr size_t body_bytes_kept = 2048;
}  // namespace

void RefusalLog::record(int64_t account_id, const std::string& kind, const std::string& target, const http::Request& request,
                        int32_t status, const std::string& reason) {
    const int64_t now = m_clock.ms();
    int64_t left_out = 0;
    {
        std::lock_guard lock(m_mutex);
        if (m_windows.size() > 10'000)   // accounts that refusals name exist, so this is only a backstop
            std::erase_if(m_windows, [&](const auto& e) { return now - e.second.started_ms >= minute_ms && e.second.left_out == 0; });
        Window& w = m_windows[account_id];
        if (now - w.started_ms >= minute_ms) {
            left_out = w.left_out;
            w = Window{now, 0, 0};
        }
        if (w.written >= m_per_minute) {
            ++w.left_out;
            return;
        }
        ++w.written;
    }
    std::string error = "refused: " + reason;
    if (left_out > 0) error += " (and " + std::to_string(left_out) + " more refused before it, over the limit of rows a minute)";
    store::HistoryEntry entry{0, now, account_id, "in", kind, request.method.empty() ? "POST" : request.method, target, status, error,
                              clients::mask_secrets(request.body.substr(0, body_bytes_kept)), "", 0};
    if (auto added = m_store.add_history(entry); !added) spdlog::error("refused webhook not written to the history: {}", added.error().detail);
}

}  // namespace kb::hooks
