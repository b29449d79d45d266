#pragma once
// Webhook intake: validate, store durably in the inbox, answer. Nothing else happens before the 2xx —
// Altegio never retries, so the event must be on disk first; the work is done later by the sync workers.
//   POST /hooks/altegio/{key}    one event or an array (JSON)
//   POST /hooks/kommo-dp/{key}   a Digital Pipeline trigger (JSON or form)
// A wrong key is 404, malformed JSON 400, a body over 1 MiB 413; none of them leaves anything stored.
#include <functional>
#include "relay/http/router.hpp"
#include "relay/store/store.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::hooks {

struct IntakeDeps {
    store::Store& store;
    std::function<int64_t()> now_ms;
    std::function<void()> wake_workers;   // called after new events are stored
};

constexpr size_t max_webhook_bytes = 1 << 20;

void add_intake_routes(http::Router& router, IntakeDeps deps);

// company|resource|id|last_change_date#digest of what the change shows (time, employee, state, services,
// ...), or the event type and a digest of the whole data when it has no change date: the same event delivered
// twice, or read back by the reconciler, gets the same key; two changes within the same second of
// last_change_date do not.
std::string altegio_dedupe_key(int64_t company_id, const std::string& resource, int64_t resource_id, const std::string& event_type,
                               const wire::Json& data);

// The inbox event for a change the relay itself made in Altegio (a booking, an edit, a status change from the
// widget): Altegio sends no webhook for the relay's own writes, so this one makes the lead follow the change
// through the same rules (stage, task, note) as a change made in Altegio. `record` is the record as Altegio
// reads it now; `type` is "create" or "update".
store::InboxEvent own_record_change(int64_t account_id, int64_t company_id, int64_t record_id, const std::string& type,
                                    const wire::Json& record, int64_t received_at_ms);

}  // namespace kb::hooks
