#pragma once
// Webhook intake: validate, store durably in the inbox, answer. Nothing else happens before the 2xx —
// Altegio never retries, so the event must be on disk first; the work is done later by the sync workers.
//   POST /hooks/altegio/{key}    one event or an array (JSON)
//   POST /hooks/kommo-dp/{key}   a Digital Pipeline trigger (JSON or form)
//   POST /hooks/kommo/{key}      Kommo's account webhook (form)
//   POST /hooks/altegio-location/{salon}/{key}   a Marketplace location's Altegio webhooks (its activation's URL)
//   POST /telephony/{key}/calls  a telephony chain's PBX: call events (shared/wire/telephony.hpp)
//   POST /tracking/{key}/leads   a lead-tracking service: tracked leads (shared/wire/tracking.hpp)
// Every address has its own key (relay/hooks/intake_keys.hpp): a key for another intake, account or chain is
// as wrong as a made-up one. A wrong key is 404, malformed JSON 400, another account's webhook 403, a body over
// 1 MiB 413; none of them leaves an event stored, and each leaves a row in the request history (relay/hooks/refusals.hpp).
#include <functional>
#include <memory>
#include "relay/clock.hpp"
#include "relay/hooks/intake_keys.hpp"
#include "relay/http/router.hpp"
#include "relay/store/store.hpp"
#include "shared/wire/json_type.hpp"

namespace kb::hooks {

class RefusalLog;

struct IntakeDeps {
    store::Store& store;
    Clock clock;
    std::function<void()> wake_workers;   // called after new events are stored
    // The Kommo account whose settings connect this Altegio location (for a Marketplace location's webhooks).
    std::function<Result<std::optional<int64_t>>(int64_t salon_id)> account_of_branch;
    // The inbox rows of a tracker's post for the account (relay/tracking/leads.hpp).
    std::function<Result<std::vector<store::InboxEvent>>(int64_t account_id, const std::string& body)> tracking_rows;
    IntakeKeys keys;
    // A relay upgraded from a version with one key per account (its bare random seed in every address): those
    // addresses keep working until each account's are replaced (KB_LEGACY_WEBHOOK_KEYS=1). Off by default.
    bool accept_legacy_keys = false;
    std::shared_ptr<RefusalLog> refusals;   // none: refusals are not recorded
};

constexpr size_t max_webhook_bytes = 1 << 20;

void add_intake_routes(http::Router& router, IntakeDeps deps);

// A request to an intake address that the HTTP edge refused before any route ran (a body over 1 MiB, too slow,
// compressed): its history row, under the account its address names, as the routes write theirs. Other paths: none.
void record_edge_refusal(store::Store& store, RefusalLog& refusals, const http::Request& request, int status, const std::string& reason);

}  // namespace kb::hooks
