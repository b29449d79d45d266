#pragma once
// The request history page (account administrators only): requests made and webhooks received in a period, of
// the chosen types, with the events that failed for good; a row's payloads; "Repeat request" on a failed event,
// answered with its outcome. Messages: shared/wire/history_api.hpp.
#include <functional>
#include "relay/clock.hpp"
#include "relay/services/caller.hpp"
#include "relay/store/store.hpp"
#include "shared/wire/history_api.hpp"

namespace kb::services {

class HistoryService {
public:
    HistoryService(store::Store& store, Clock clock, std::function<void()> wake_workers)
        : m_store(store), m_clock(std::move(clock)), m_wake_workers(std::move(wake_workers)) {}

    // Newest first; request entries a page at a time (next_before_id), failed events with the first page.
    Result<wire::api::HistoryPage> find(const Caller& caller, int64_t from_ms, int64_t to_ms, const std::vector<std::string>& types,
                                        int64_t before_id);
    Result<wire::api::HistoryDetail> detail(const Caller& caller, int64_t id);
    // Puts a failed event back in line (an event in any other state is left alone: repeating is idempotent) and
    // waits up to `wait_ms` for the workers to finish it, so the page can show the new outcome.
    Result<wire::api::HistoryRow> repeat(const Caller& caller, int64_t event_id, int64_t wait_ms);

private:
    store::Store& m_store;
    Clock m_clock;
    std::function<void()> m_wake_workers;
};

}  // namespace kb::services
