#include "relay/metrics/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace kb::metrics {
namespace {

// "ok" (1xx–3xx), "429", "4xx", "5xx", or "no_answer" (status 0: timeout, refused, reset).
std::string outcome_of(int status) {
    if (status == 0) return "no_answer";
    if (status == 429) return "429";
    if (status >= 500) return "5xx";
    if (status >= 400) return "4xx";
    return "ok";
}

std::string target_of(const std::string& kind) { return kind.substr(0, kind.find('.')); }   // "kommo", "altegio"

}  // namespace

void Metrics::count_call(const std::string& kind, int status) {
    std::lock_guard lock(m_mutex);
    ++m_calls[{target_of(kind), kind, outcome_of(status)}];
}

void Metrics::count_rate_limit_wait(const std::string& kind, std::chrono::nanoseconds waited) {
    std::lock_guard lock(m_mutex);
    auto& [count, seconds] = m_waits[target_of(kind)];
    ++count;
    seconds += std::chrono::duration<double>(waited).count();
}

namespace {

void family(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

}  // namespace

std::string Metrics::render(const store::Store::InboxCounts& inbox, int64_t now_ms) const {
    std::string out;
    family(out, "kb_inbox_events", "gauge", "Events in the durable inbox, by state.");
    for (auto [state, n] : {std::pair{"pending", inbox.pending}, {"processing", inbox.processing}, {"done", inbox.done},
                            {"failed", inbox.failed}})
        out += std::string("kb_inbox_events{state=\"") + state + "\"} " + std::to_string(n) + "\n";
    family(out, "kb_inbox_oldest_pending_age_seconds", "gauge",
           "Age of the oldest event waiting in the inbox (0 when none waits): how far the sync is behind.");
    double age = inbox.oldest_pending_at_ms > 0 ? std::max<int64_t>(0, now_ms - inbox.oldest_pending_at_ms) / 1000.0 : 0.0;
    out += "kb_inbox_oldest_pending_age_seconds " + number(age) + "\n";

    std::lock_guard lock(m_mutex);
    family(out, "kb_outgoing_requests_total", "counter", "Requests the relay sent to Kommo and Altegio, by target, kind and outcome.");
    int64_t refreshes = 0;
    for (const auto& [key, n] : m_calls) {
        const auto& [target, kind, outcome] = key;
        out += "kb_outgoing_requests_total{target=\"" + target + "\",kind=\"" + kind + "\",outcome=\"" + outcome + "\"} " +
               std::to_string(n) + "\n";
        if (kind == "kommo.oauth_refresh" && outcome == "ok") refreshes += n;
    }
    family(out, "kb_kommo_token_refreshes_total", "counter", "Kommo token pairs refreshed (each refresh token is used once).");
    out += "kb_kommo_token_refreshes_total " + std::to_string(refreshes) + "\n";
    family(out, "kb_rate_limit_waits_total", "counter", "Calls that waited for the relay's own rate limit, by target.");
    for (const auto& [target, wait] : m_waits)
        out += "kb_rate_limit_waits_total{target=\"" + target + "\"} " + std::to_string(wait.first) + "\n";
    family(out, "kb_rate_limit_wait_seconds_total", "counter", "Time calls spent waiting for the relay's own rate limit, by target.");
    for (const auto& [target, wait] : m_waits)
        out += "kb_rate_limit_wait_seconds_total{target=\"" + target + "\"} " + number(wait.second) + "\n";
    return out;
}

}  // namespace kb::metrics
