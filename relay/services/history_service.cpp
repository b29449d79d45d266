#include "relay/services/history_service.hpp"
#include "shared/wire/json_read.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace kb::services {

namespace api = wire::api;

namespace {

constexpr int32_t page_size = 200;

std::string type_of(const store::HistoryEntry& e) {
    bool altegio = e.kind.rfind("altegio.", 0) == 0;
    if (e.kind.rfind("alert.", 0) == 0) return "alert";
    if (e.kind.rfind("telephony.", 0) == 0) return "telephony";
    if (e.kind.rfind("tracking.", 0) == 0) return "tracking";
    if (e.direction == "in") return altegio ? "altegio_webhook" : "kommo_webhook";
    return altegio ? "altegio_request" : "kommo_request";
}

api::HistoryRow row_of(const store::HistoryEntry& e) {
    return api::HistoryRow{type_of(e), e.id, e.at_ms, e.kind, e.method, e.target, e.status, e.error, e.duration_ms, "", false};
}

api::HistoryRow row_of(const store::FailedEvent& f, const std::string& state) {
    const auto& e = f.event;
    std::string target = e.resource + " " + std::to_string(e.resource_id) + (e.company_id ? " · " + std::to_string(e.company_id) : "");
    return api::HistoryRow{"failed_event", e.id, e.received_at_ms, e.source + "." + e.event_type, "", target, 0, f.last_error, 0, state,
                           state == "failed"};
}

Result<void> admin_only(const Caller& caller) {
    if (!caller.is_admin) return fail(Errc::forbidden, "ui.error.admin_only", "the request history is for administrators");
    return {};
}

}  // namespace

Result<api::HistoryPage> HistoryService::find(const Caller& caller, int64_t from_ms, int64_t to_ms, const std::vector<std::string>& types,
                                              int64_t before_id) {
    if (auto allowed = admin_only(caller); !allowed) return tl::unexpected(allowed.error());
    if (to_ms <= from_ms) return fail(Errc::bad_input, "ui.error.bad_period", "the period ends before it starts");
    for (const auto& type : types)
        if (std::none_of(std::begin(api::history_types), std::end(api::history_types), [&](const char* t) { return type == t; }))
            return fail(Errc::bad_input, "ui.error.bad_request", "unknown history type " + type);
    auto wants = [&](const char* type) { return types.empty() || std::find(types.begin(), types.end(), type) != types.end(); };

    api::HistoryPage page;
    std::vector<std::string> request_types;
    for (const auto& type : types)
        if (type != "failed_event") request_types.push_back(type);
    if (types.empty() || !request_types.empty()) {
        auto entries = m_store.find_history({caller.account_id, from_ms, to_ms, request_types, before_id, page_size});
        if (!entries) return tl::unexpected(entries.error());
        for (const auto& e : *entries) page.rows.push_back(row_of(e));
        if (static_cast<int32_t>(entries->size()) == page_size) page.next_before_id = entries->back().id;
    }
    if (before_id == 0 && wants("failed_event")) {
        auto failed = m_store.failed_events_between(caller.account_id, from_ms, to_ms, 500);
        if (!failed) return tl::unexpected(failed.error());
        for (const auto& f : *failed) page.rows.push_back(row_of(f, "failed"));
    }
    std::stable_sort(page.rows.begin(), page.rows.end(), [](const auto& a, const auto& b) { return a.at_ms > b.at_ms; });
    return page;
}

Result<api::HistoryDetail> HistoryService::detail(const Caller& caller, int64_t id) {
    if (auto allowed = admin_only(caller); !allowed) return tl::unexpected(allowed.error());
    auto entry = m_store.history_entry(caller.account_id, id);
    if (!entry) return tl::unexpected(entry.error());
    if (!*entry) return fail(Errc::not_found, "ui.error.not_found", "no such history entry");
    // JSON is indented for reading; anything else (a form, an HTML error page, a cut body) is shown as it came.
    auto readable = [](const std::string& body) {
        auto parsed = wire::parse_json(body);
        return parsed && !body.empty() ? parsed->dump(2) : body;
    };
    return api::HistoryDetail{row_of(**entry), readable((*entry)->request_body), readable((*entry)->response_body)};
}

Result<api::HistoryRow> HistoryService::repeat(const Caller& caller, int64_t event_id, int64_t wait_ms) {
    if (auto allowed = admin_only(caller); !allowed) return tl::unexpected(allowed.error());
    auto state = m_store.repeat_inbox_event(caller.account_id, event_id, m_clock.ms());
    if (!state) return tl::unexpected(state.error());
    if (!*state) return fail(Errc::not_found, "ui.error.not_found", "no such event");
    if (**state == "pending" && m_wake_workers) m_wake_workers();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::clamp<int64_t>(wait_ms, 0, 10000));
    for (;;) {
        auto now = m_store.inbox_event_state(caller.account_id, event_id);
        if (!now) return tl::unexpected(now.error());
        if (!*now) return fail(Errc::not_found, "ui.error.not_found", "the event is gone");
        const auto& [current, note] = **now;
        bool finished = current == "done" || current == "failed";
        // The page keeps the row's other columns; the state and the outcome (or last error) are what changed.
        if (finished || std::chrono::steady_clock::now() >= deadline)
            return api::HistoryRow{"failed_event", event_id, 0, "", "", "", 0, current == "done" ? "" : note, 0, current, current == "failed"};
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace kb::services
