#pragma once
// The rows an event becomes in the inbox, for every source, in one place. Each row names its source and resource
// (which choose the flow that handles it: RelayApp's event flows), the resource it is about (one resource's rows
// are handled in the order they came), its type, a dedupe key (the same event delivered twice is one row) and its
// body as the flow reads it. The intake routes (relay/hooks/intake.cpp), the services, the reconciler, telephony
// and lead tracking all build their rows here.
#include <string>
#include <vector>
#include "relay/store/store.hpp"
#include "shared/wire/json_type.hpp"

namespace kb::sync {

// The sources of inbox rows, as stored in the inbox's `source`.
namespace source {
inline constexpr const char* altegio = "altegio";         // Altegio's webhook (an account's or a Marketplace location's)
inline constexpr const char* reconciler = "reconciler";   // a change the reconciler read back from Altegio
inline constexpr const char* widget = "widget";           // the relay's own change in Altegio (a booking, an edit, a status)
inline constexpr const char* kommo = "kommo";             // Kommo's account webhook: a lead changed stage
inline constexpr const char* kommo_dp = "kommo_dp";       // a Digital Pipeline trigger
inline constexpr const char* telephony = "telephony";     // a PBX's call event
inline constexpr const char* tracking = "tracking";       // a tracked lead's post, or a look for its deal
}  // namespace source

// Whether rows of this source are Altegio's resources (records, clients, payments), whoever saw them.
bool altegio_source(const std::string& source);

// account|company|resource|id|last_change_date#digest of what the change shows (time, employee, state, services,
// ...), or the event type and a digest of the whole data when it has no change date: the same event delivered
// twice, or read back by the reconciler, gets the same key; two changes within the same second of
// last_change_date do not.
std::string altegio_dedupe_key(int64_t account_id, int64_t company_id, const std::string& resource, int64_t resource_id,
                               const std::string& event_type, const wire::Json& data);

// A row for an Altegio event, whoever saw it (source::altegio, reconciler or widget: Altegio sends no webhook for
// the relay's own changes, so the lead follows them through the same rules). `data` is the resource as Altegio
// shows it; `type` is the webhook status ("create", "update", "delete").
store::InboxEvent altegio_row(int64_t account_id, const char* from, int64_t company_id, const std::string& resource,
                              int64_t resource_id, const std::string& type, const wire::Json& data, int64_t received_at_ms);

// The rows of an Altegio webhook's body (one event or an array).
Result<std::vector<store::InboxEvent>> altegio_webhook_rows(int64_t account_id, const std::string& body);

// The row of a Digital Pipeline trigger (JSON or form); a trigger naming another account is refused (forbidden).
// The trigger's intake key stays out of the row.
Result<std::vector<store::InboxEvent>> kommo_trigger_rows(int64_t account_id, const std::string& body);

// Kommo's account webhook: one row per lead that changed stage; other entities and actions are not synchronised
// to Altegio (the history keeps the post). A webhook naming another account is refused (forbidden).
Result<std::vector<store::InboxEvent>> kommo_hook_rows(int64_t account_id, const std::string& body);

// A PBX's post (one call event or an array) to a telephony chain: one row per event, one call's rows in line.
Result<std::vector<store::InboxEvent>> call_rows(const store::TelephonyChain& chain, const std::string& body, int64_t now_ms);

// A row about one tracked lead ("post" or "search"): one lead's rows wait in line behind each other. `tag` tells
// this event from the lead's others ("post#<digest of the post>", "search@<when it is due>").
store::InboxEvent tracked_lead_row(int64_t account_id, const std::string& lead_id, const char* event_type, const wire::Json& body,
                                   const std::string& tag);

}  // namespace kb::sync
