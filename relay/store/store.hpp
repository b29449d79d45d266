#pragma once
// Everything the relay must not lose: installations (with sealed tokens), bookings in flight, record ↔ lead
// links and the request history. One interface, two backends: SQLite (store/sqlite), the embedded default for
// one relay, and PostgreSQL (store/postgres), which several relays share. Implementations are safe to call
// from the HTTP thread pool.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "shared/domain/result.hpp"

namespace kb::store {

struct Installation {
    int64_t account_id = 0;
    std::string subdomain;
    std::string api_base_url;          // where this account's Kommo API answers
    std::string access_token;          // plaintext in memory only; sealed at rest
    std::string refresh_token;
    int64_t access_expires_at = 0;     // unix seconds
    std::string altegio_user_token;    // "" until an admin connects Altegio
    std::string webhook_key;           // random seed of the account's intake keys (relay/hooks/intake_keys.hpp)
    std::string settings_json = "{}";  // the versioned settings document (shared/wire/settings)
    int64_t settings_revision = 0;     // which saved version settings_json is (0: never saved through save_settings)
    int64_t installed_at = 0;
};

// One "Create record" intent, keyed by (account, request_key). Its state moves forward only:
//   pending       -> the Altegio call may or may not have happened (look the record up by api_id)
//   booked        -> the record exists in Altegio; the lead is not updated yet
//   done          -> the record exists and the lead holds its fields
struct Booking {
    int64_t account_id = 0;
    std::string request_key;
    int64_t lead_id = 0;
    int64_t company_id = 0;
    std::string api_id;
    std::string state = "pending";
    int64_t record_id = 0;
    std::string result_json;           // the BookingResult last answered
    std::string request_json;          // the BookingRequest as first received
};

struct HistoryEntry {
    int64_t id = 0;
    int64_t at_ms = 0;
    int64_t account_id = 0;
    std::string direction;             // "out" (we called an API) or "in" (a webhook reached us)
    std::string kind;                  // "altegio.book_record", "kommo.patch_lead", ...
    std::string method;
    std::string target;                // URL without secrets
    int32_t status = 0;                // HTTP status; 0 = no answer
    std::string error;
    std::string request_body;          // masked
    std::string response_body;         // masked, cut
    int64_t duration_ms = 0;
};

// What the request history page asks for: a period and the kinds of entries ("altegio_webhook",
// "kommo_webhook", "altegio_request", "kommo_request", "alert"; none = all), newest first, a page at a time.
struct HistoryQuery {
    int64_t account_id = 0;
    int64_t from_ms = 0, to_ms = 0;    // [from, to)
    std::vector<std::string> types;
    int64_t before_id = 0;             // 0 = from the newest; else entries older than this id (the next page)
    int32_t limit = 200;
};

// One saved settings document (the admin's "versions" list; restoring one saves it again as the newest).
struct SettingsVersion {
    int64_t revision = 0;
    std::string settings_json;
    int64_t saved_at_ms = 0;
    int64_t saved_by_user = 0;         // Kommo user id; 0 = the relay (installation)
};

// A Kommo user's own Altegio employee account, checked with its login and password when the admin entered it.
struct UserLink {
    int64_t kommo_user_id = 0;
    int64_t altegio_user_id = 0;
    std::string altegio_user_name;
    std::string user_token;            // plaintext in memory only; sealed at rest
    int64_t checked_at_ms = 0;
};

// One event in the durable inbox.
struct InboxEvent {
    int64_t id = 0;
    int64_t account_id = 0;
    std::string source;               // "altegio", "kommo", "kommo_dp", "reconciler", "widget" (a status changed in the log)
    int64_t company_id = 0;
    std::string resource;             // "record", "client", "finances_operation", "lead", ...
    int64_t resource_id = 0;
    std::string event_type;           // "create", "update", "delete", "status", ...
    std::string dedupe_key;           // the same event delivered twice has the same key
    std::string body;                 // the event as received (JSON)
    int64_t received_at_ms = 0;
    int32_t attempts = 0;
};

enum class InboxOutcome { done, retry, failed };

// An Altegio user who came to us from the Marketplace with their data (Altegio's user id, as signed by Altegio).
struct MarketplaceUser {
    int64_t altegio_user_id = 0;
    std::string name, email, phone;
    int64_t registered_at_ms = 0;
    int64_t last_seen_at_ms = 0;
};

// One Altegio location (salon) that installed the application from the Marketplace. Its state:
//   pending     -> the user came from the Marketplace; activation is tried until it succeeds or the hour is over
//   active      -> Altegio accepted the activation
//   late        -> the hour Altegio allows passed before an activation succeeded: the user must connect again
//   frozen      -> Altegio froze it (unpaid); the data stays, and a new activation makes it active again
//   uninstalled -> removed in Altegio
struct MarketplaceLocation {
    int64_t salon_id = 0;
    int64_t salon_group_id = 0;
    int64_t altegio_user_id = 0;       // who connected it; 0 when Altegio sent no user data
    std::string state = "pending";
    // Random, sealed at rest. The location's key (sent with the activation as its api_key, and in its webhook address) is
    // derived from it (relay/hooks/intake_keys.hpp), so the database holds no key. A location activated before keys
    // were derived holds its key itself here (no "seed-" prefix) until it is activated again.
    std::string key_seed;
    static constexpr std::string_view seed_prefix = "seed-";
    bool key_is_derived() const { return key_seed.starts_with(seed_prefix); }
    int64_t redirected_at_ms = 0;      // when the user last came from the Marketplace for it
    int32_t attempts = 0;
    int64_t next_attempt_at_ms = 0;
    std::string last_error;
    int64_t updated_at_ms = 0;
    std::string crm_token;             // the chain's telephony token when Altegio signed one into the redirect; sealed at rest
    // The one-time code the registration page showed, which a Kommo admin enters to connect the location to their
    // account (relay/marketplace/claim.hpp): its SHA-256 (hex) only, "" when none is open, and until when it is good.
    std::string claim_code_hash;
    int64_t claim_expires_at_ms = 0;
};

// How far an account's contact index is (relay/sync/contact_index.hpp); state "" when it was never filled.
struct ContactIndexState {
    int64_t account_id = 0;
    std::string state;                 // "", "filling" (next_page is the next to read) or "ready"
    std::string country_code;          // the account's default country the phones were read with
    int64_t next_page = 1;
    int64_t changed_up_to = 0;         // unix seconds: Kommo's changes up to here are in the index
    int64_t checked_at_ms = 0;         // when Kommo was last asked for changes
};

// A salon chain's telephony, connected by an account's admin: Altegio's user token from the chain's telephony
// settings, and the virtual numbers whose calls belong to the chain. Its PBX posts to /telephony/{key}/calls.
struct TelephonyChain {
    std::string key;                   // random; names the chain in its PBX address
    int64_t account_id = 0;
    std::string name;
    std::string crm_token;             // plaintext in memory only; sealed at rest
    std::vector<std::string> numbers;
    bool new_lead_for_unknown = false;
    bool enabled = false;              // Altegio accepted "setup enable" (and no "disable" since)
    std::string error_key, error_detail;   // why the last enable or disable failed; "" when it did not
    int64_t created_at_ms = 0;
    int64_t updated_at_ms = 0;
    int64_t last_call_at_ms = 0;       // read only: when a call of the chain last changed (0: none)
};

// One call of a chain: what is known of it and which steps are done (shared/domain/telephony.hpp, CallRecord,
// as JSON: the store keeps it whole).
struct TelephonyCall {
    std::string chain_key;
    std::string call_id;
    int64_t account_id = 0;
    std::string record_json;
    int64_t updated_at_ms = 0;
};

// One lead a tracker posted for an account (shared/domain/tracking.hpp, TrackedLead, as JSON: the store keeps it
// whole). next_search_ms > 0: a deal is still to be looked for then (mode find).
struct TrackedLeadRow {
    int64_t account_id = 0;
    std::string lead_id;
    std::string record_json;
    int64_t next_search_ms = 0;
    int64_t updated_at_ms = 0;
};

// A failed event as the request history shows it, with its last error.
struct FailedEvent {
    InboxEvent event;
    std::string last_error;
};

class Store {
public:
    virtual ~Store() = default;

    virtual Result<void> save_installation(const Installation& installation) = 0;
    virtual Result<std::optional<Installation>> find_installation(int64_t account_id) = 0;
    virtual Result<void> save_kommo_tokens(int64_t account_id, const std::string& access_token,
                                           const std::string& refresh_token, int64_t access_expires_at) = 0;
    virtual Result<void> save_altegio_token(int64_t account_id, const std::string& user_token) = 0;
    // Uninstall: the installation and its tokens (Kommo's, Altegio's, the users', the telephony chains') and its tracked
    // leads (clients' contact data) are deleted; the saved settings
    // versions and the history stay, so a reinstall starts from the last settings. False when it was not there.
    virtual Result<bool> delete_installation(int64_t account_id) = 0;

    // Saves `settings_json` as the next revision and makes it the installation's settings, only if the
    // installation still holds `base_revision`; otherwise Errc::conflict and nothing changes. Returns the new revision.
    virtual Result<int64_t> save_settings(int64_t account_id, int64_t base_revision, const std::string& settings_json,
                                          int64_t user_id, int64_t at_ms) = 0;
    // Newest first.
    virtual Result<std::vector<SettingsVersion>> settings_versions(int64_t account_id, int32_t limit) = 0;
    virtual Result<std::optional<SettingsVersion>> settings_version(int64_t account_id, int64_t revision) = 0;

    virtual Result<void> save_user_link(int64_t account_id, const UserLink& link) = 0;
    virtual Result<std::vector<UserLink>> user_links(int64_t account_id) = 0;

    // Returns the booking for (account, request_key): the existing one, or `fresh` stored as new.
    virtual Result<Booking> claim_booking(const Booking& fresh) = 0;
    virtual Result<void> update_booking(const Booking& booking) = 0;

    virtual Result<void> save_record_link(int64_t account_id, int64_t company_id, int64_t record_id, int64_t lead_id) = 0;
    // (company_id, record_id) of every record linked to the lead, oldest record first.
    virtual Result<std::vector<std::pair<int64_t, int64_t>>> records_of_lead(int64_t account_id, int64_t lead_id) = 0;
    // Links and applied changes are the account's own: two Kommo accounts connected to one Altegio branch each keep
    // their lead for the same record.
    virtual Result<std::optional<int64_t>> lead_of_record(int64_t account_id, int64_t company_id, int64_t record_id) = 0;
    // The newest change of the record applied so far (unix seconds, 0 when none); saving keeps the newer one.
    virtual Result<int64_t> applied_change(int64_t account_id, int64_t company_id, int64_t record_id) = 0;
    virtual Result<void> save_applied_change(int64_t account_id, int64_t company_id, int64_t record_id, int64_t changed_at) = 0;

    // Stores the events that are not there yet (by dedupe_key) in one transaction; returns how many were new.
    virtual Result<int32_t> append_to_inbox(const std::vector<InboxEvent>& events) = 0;
    // The same, and the webhook's history entry, in one transaction (one write to disk per webhook).
    virtual Result<int32_t> append_webhook(const std::vector<InboxEvent>& events, const HistoryEntry& received) = 0;
    // The oldest ready event whose key has no earlier unfinished event, now marked processing; none when idle.
    virtual Result<std::optional<InboxEvent>> claim_inbox_event(int64_t now_ms) = 0;
    // done, retry at `next_attempt_at_ms`, or failed for good; `note` is the outcome or the last error.
    virtual Result<void> finish_inbox_event(int64_t id, InboxOutcome outcome, const std::string& note, int64_t next_attempt_at_ms) = 0;
    // After a crash of the only relay: every event left "processing" goes back to "pending".
    virtual Result<int32_t> requeue_interrupted_events() = 0;
    // With several relays: events left "processing" by a relay whose "relay:<instance>" lease has run out (it
    // died, or stopped) go back to "pending"; those of live relays are left alone.
    virtual Result<int32_t> requeue_abandoned_events(int64_t now_ms) = 0;
    // Hands back the events this relay has claimed and not finished, but those in `still_working` (a graceful stop
    // hands back all; a running relay, those a fault left marked as its own: a claim whose answer was lost, a
    // finish that never reached the database).
    virtual Result<int32_t> hand_back_claimed_events(const std::vector<int64_t>& still_working = {}) = 0;
    struct InboxCounts {
        int64_t pending = 0, processing = 0, done = 0, failed = 0;
        int64_t oldest_pending_at_ms = 0;   // when the longest-waiting pending event was received; 0 when none waits
    };
    virtual Result<InboxCounts> inbox_counts() = 0;
    // The account whose seed (Installation::webhook_key) is `key`; none for an unknown key. Only for the addresses
    // of a relay before per-intake keys (relay/hooks/intake_keys.hpp), while KB_LEGACY_WEBHOOK_KEYS allows them.
    virtual Result<std::optional<int64_t>> account_of_webhook_key(const std::string& key) = 0;
    // The installed account's seed (Installation::webhook_key); none when it is not installed. Only the seed: every
    // webhook asks for it, and it needs no tokens unsealed.
    virtual Result<std::optional<std::string>> webhook_seed(int64_t account_id) = 0;
    // The account's failed events, newest first.
    virtual Result<std::vector<FailedEvent>> failed_inbox_events(int64_t account_id, int32_t limit) = 0;
    // Puts a failed event of the account back in line (due now); an event in any other state is left as it is,
    // so repeating twice is the same as once. The event's state afterwards; none when the account has no such event.
    virtual Result<std::optional<std::string>> repeat_inbox_event(int64_t account_id, int64_t id, int64_t now_ms) = 0;
    // Deletes the account's history entries, finished (done or failed) inbox events, telephony calls and tracked leads
    // older than `before_ms`.
    virtual Result<int64_t> prune(int64_t account_id, int64_t before_ms) = 0;
    // Every account with history entries or inbox events, installed or not (0: refused webhooks of no account).
    virtual Result<std::vector<int64_t>> accounts_with_history() = 0;
    // Answers when the database can be read and written; the error says why not.
    virtual Result<void> check_health() = 0;

    // When the newest webhook from this branch reached the inbox (ms); 0 when none is kept.
    virtual Result<int64_t> last_webhook_at(int64_t account_id, int64_t company_id) = 0;

    virtual Result<std::string> reconciler_watermark(int64_t account_id, int64_t company_id) = 0;   // "" when never read
    virtual Result<void> save_reconciler_watermark(int64_t account_id, int64_t company_id, const std::string& changed_after) = 0;
    // Accounts with Altegio connected, by a login or Marketplace locations (the reconciler and pruning work on these), by id.
    virtual Result<std::vector<int64_t>> installed_accounts() = 0;

    virtual Result<void> add_history(const HistoryEntry& entry) = 0;
    virtual Result<std::vector<HistoryEntry>> recent_history(int64_t account_id, int32_t limit) = 0;
    // The entries the query names, newest first, without their bodies (history_entry has them).
    virtual Result<std::vector<HistoryEntry>> find_history(const HistoryQuery& query) = 0;
    virtual Result<std::optional<HistoryEntry>> history_entry(int64_t account_id, int64_t id) = 0;
    // The account's failed events received in [from_ms, to_ms), newest first.
    virtual Result<std::vector<FailedEvent>> failed_events_between(int64_t account_id, int64_t from_ms, int64_t to_ms, int32_t limit) = 0;
    // An event's state ("pending", "processing", "done", "failed") and its outcome or last error; none when the
    // account has no such event.
    virtual Result<std::optional<std::pair<std::string, std::string>>> inbox_event_state(int64_t account_id, int64_t id) = 0;
    // When the account's latest history entry of this kind at or after `since_ms` was written (e.g. the last
    // "Kommo blocked this account" alert, so a restarted relay keeps the pause); nullopt when none.
    virtual Result<std::optional<int64_t>> latest_history_at(int64_t account_id, const std::string& kind, int64_t since_ms) = 0;

    // [SECTION] Altegio Marketplace ------------------------------------------------------------------------
    // Saves the user (name, email, phone, last seen); true when they were not known before.
    virtual Result<bool> save_marketplace_user(const MarketplaceUser& user) = 0;
    virtual Result<std::optional<MarketplaceUser>> marketplace_user(int64_t altegio_user_id) = 0;
    virtual Result<void> save_marketplace_location(const MarketplaceLocation& location) = 0;   // by salon_id
    virtual Result<std::optional<MarketplaceLocation>> marketplace_location(int64_t salon_id) = 0;
    // Pending locations whose next attempt is due, oldest redirect first.
    virtual Result<std::vector<MarketplaceLocation>> due_marketplace_activations(int64_t now_ms) = 0;
    // In one transaction: the active location whose open code has this hash and has not expired at `now_ms` is
    // connected to the account, and its code is spent. None when no such code is open (unknown, used or expired).
    virtual Result<std::optional<MarketplaceLocation>> claim_marketplace_location(const std::string& code_hash, int64_t account_id,
                                                                                  int64_t now_ms) = 0;
    // The locations the account connected with a code whose Marketplace access still stands (not uninstalled), by id.
    virtual Result<std::vector<int64_t>> marketplace_salons(int64_t account_id) = 0;

    // [SECTION] the contact index: an account's Kommo contacts by phone (the last ten digits of the national number)
    virtual Result<ContactIndexState> contact_index_state(int64_t account_id) = 0;
    virtual Result<void> save_contact_index_state(const ContactIndexState& state) = 0;
    // Each contact's phones replace what the index had for it, in one transaction (no phones: it is forgotten).
    virtual Result<void> index_contacts(int64_t account_id, const std::vector<std::pair<int64_t, std::vector<std::string>>>& phones) = 0;
    virtual Result<void> clear_contact_index(int64_t account_id) = 0;   // its phones and its state, before filling again
    virtual Result<std::vector<int64_t>> contacts_with_phone(int64_t account_id, const std::string& phone) = 0;   // by id

    // Telephony: an account's chains (by key, upserted), and each call's record.
    virtual Result<void> save_telephony_chain(const TelephonyChain& chain) = 0;
    virtual Result<std::optional<TelephonyChain>> telephony_chain(const std::string& key) = 0;
    virtual Result<std::vector<TelephonyChain>> telephony_chains(int64_t account_id) = 0;   // oldest first
    // Removes the chain and its calls; false when the account has no such chain.
    virtual Result<bool> delete_telephony_chain(int64_t account_id, const std::string& key) = 0;
    virtual Result<std::optional<TelephonyCall>> telephony_call(const std::string& chain_key, const std::string& call_id) = 0;
    virtual Result<void> save_telephony_call(const TelephonyCall& call) = 0;

    // Lead tracking: each tracked lead by (account, tracker's lead id), and the searches that are due.
    virtual Result<std::optional<TrackedLeadRow>> tracked_lead(int64_t account_id, const std::string& lead_id) = 0;
    virtual Result<void> save_tracked_lead(const TrackedLeadRow& row) = 0;
    // Leads whose next search is due (0 < next_search_ms <= now_ms), the longest waiting first.
    virtual Result<std::vector<TrackedLeadRow>> due_tracking_searches(int64_t now_ms, int32_t limit) = 0;

    // [SECTION] several relays on one database ------------------------------------------------------------
    // This relay process, as claimed events and leases name it: random per open().
    virtual const std::string& instance_id() const = 0;
    // Whether other relay processes may share this database (PostgreSQL): then the Kommo rate limit, the token
    // refresh and the reconciler are coordinated through the store, not in process memory.
    virtual bool shared() const = 0;
    // Takes, or renews, the named lease for this relay until now_ms + ttl_ms; false while another relay holds it.
    virtual Result<bool> take_lease(const std::string& name, int64_t now_ms, int64_t ttl_ms) = 0;
    virtual Result<void> release_lease(const std::string& name) = 0;
    // A place among at most `limit` calls to `key` counted at once, across relays: a place is held from here until
    // one second after release_rate_place (or a minute, for a relay that died with a call in flight). Its id, or
    // none while every place is held.
    virtual Result<std::optional<int64_t>> take_rate_place(const std::string& key, int32_t limit, int64_t now_ms) = 0;
    virtual Result<void> release_rate_place(int64_t place, int64_t now_ms) = 0;
    // Whether this is the first use of a single-use key (a disposable token's id) across every relay on the
    // database: true once, false for every later use until `expires_at` (unix seconds) has passed; keys past
    // their expiry are forgotten on the way.
    virtual Result<bool> first_use(const std::string& key, int64_t expires_at, int64_t now) = 0;
};

}  // namespace kb::store
