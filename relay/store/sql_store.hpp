#pragma once
// The store (store.hpp) written once in SQL over the database layer (db.hpp); SqliteStore and PgStore are this store
// over their adapter. Its methods live by concern:
//   sql_store_accounts.cpp      installations, settings versions, users' links
//   sql_store_links.cpp         bookings, record <-> lead links, applied changes, reconciler watermarks
//   sql_store_inbox.cpp         the durable inbox (webhooks in, claims, retries, repeats, pruning)
//   sql_store_history.cpp       the request history
//   sql_store_coordination.cpp  leases, shared rate places, single-use keys (several relays on one database)
//   sql_store_services.cpp      Altegio Marketplace, telephony, lead tracking
//   sql_store_contacts.cpp      the contact index (Kommo contacts by phone)
// Adding a table: a step in store/migrations (one file for both backends where the SQL allows) and its statements in
// one of these files.
#include <memory>
#include "relay/crypto/secret_box.hpp"
#include "relay/store/db.hpp"
#include "relay/store/store.hpp"

namespace kb::store {

class SqlStore : public Store {
public:
    SqlStore(std::unique_ptr<db::Database> database, crypto::SecretBox box);
    ~SqlStore() override;

    Result<void> save_installation(const Installation& installation) override;
    Result<std::optional<Installation>> find_installation(int64_t account_id) override;
    Result<void> save_kommo_tokens(int64_t account_id, const std::string& access_token, const std::string& refresh_token,
                                   int64_t access_expires_at) override;
    Result<void> save_altegio_token(int64_t account_id, const std::string& user_token) override;
    Result<bool> delete_installation(int64_t account_id) override;
    Result<int64_t> save_settings(int64_t account_id, int64_t base_revision, const std::string& settings_json, int64_t user_id,
                                  int64_t at_ms) override;
    Result<std::vector<SettingsVersion>> settings_versions(int64_t account_id, int32_t limit) override;
    Result<std::optional<SettingsVersion>> settings_version(int64_t account_id, int64_t revision) override;
    Result<void> save_user_link(int64_t account_id, const UserLink& link) override;
    Result<std::vector<UserLink>> user_links(int64_t account_id) override;
    Result<std::optional<int64_t>> account_of_webhook_key(const std::string& key) override;
    Result<std::optional<std::string>> webhook_seed(int64_t account_id) override;
    Result<std::vector<int64_t>> installed_accounts() override;

    Result<Booking> claim_booking(const Booking& fresh) override;
    Result<void> update_booking(const Booking& booking) override;
    Result<void> save_record_link(int64_t account_id, int64_t company_id, int64_t record_id, int64_t lead_id) override;
    Result<std::vector<std::pair<int64_t, int64_t>>> records_of_lead(int64_t account_id, int64_t lead_id) override;
    Result<std::optional<int64_t>> lead_of_record(int64_t account_id, int64_t company_id, int64_t record_id) override;
    Result<int64_t> applied_change(int64_t account_id, int64_t company_id, int64_t record_id) override;
    Result<void> save_applied_change(int64_t account_id, int64_t company_id, int64_t record_id, int64_t changed_at) override;
    Result<std::string> reconciler_watermark(int64_t account_id, int64_t company_id) override;
    Result<void> save_reconciler_watermark(int64_t account_id, int64_t company_id, const std::string& changed_after) override;

    Result<int32_t> append_to_inbox(const std::vector<InboxEvent>& events) override;
    Result<int32_t> append_webhook(const std::vector<InboxEvent>& events, const HistoryEntry& received) override;
    Result<std::optional<InboxEvent>> claim_inbox_event(int64_t now_ms) override;
    Result<void> finish_inbox_event(int64_t id, InboxOutcome outcome, const std::string& note, int64_t next_attempt_at_ms) override;
    Result<int32_t> requeue_interrupted_events() override;
    Result<int32_t> requeue_abandoned_events(int64_t now_ms) override;
    Result<int32_t> hand_back_claimed_events(const std::vector<int64_t>& still_working = {}) override;
    Result<InboxCounts> inbox_counts() override;
    Result<std::vector<FailedEvent>> failed_inbox_events(int64_t account_id, int32_t limit) override;
    Result<std::optional<std::string>> repeat_inbox_event(int64_t account_id, int64_t id, int64_t now_ms) override;
    Result<std::vector<FailedEvent>> failed_events_between(int64_t account_id, int64_t from_ms, int64_t to_ms, int32_t limit) override;
    Result<std::optional<std::pair<std::string, std::string>>> inbox_event_state(int64_t account_id, int64_t id) override;
    Result<int64_t> last_webhook_at(int64_t account_id, int64_t company_id) override;
    Result<int64_t> prune(int64_t account_id, int64_t before_ms) override;
    Result<std::vector<int64_t>> accounts_with_history() override;
    Result<void> check_health() override;

    Result<void> add_history(const HistoryEntry& entry) override;
    Result<std::vector<HistoryEntry>> recent_history(int64_t account_id, int32_t limit) override;
    Result<std::vector<HistoryEntry>> find_history(const HistoryQuery& query) override;
    Result<std::optional<HistoryEntry>> history_entry(int64_t account_id, int64_t id) override;
    Result<std::optional<int64_t>> latest_history_at(int64_t account_id, const std::string& kind, int64_t since_ms) override;

    const std::string& instance_id() const override { return m_instance; }
    bool shared() const override { return m_db->shared(); }
    Result<bool> take_lease(const std::string& name, int64_t now_ms, int64_t ttl_ms) override;
    Result<void> release_lease(const std::string& name) override;
    Result<std::optional<int64_t>> take_rate_place(const std::string& key, int32_t limit, int64_t now_ms) override;
    Result<void> release_rate_place(int64_t place, int64_t now_ms) override;
    Result<bool> first_use(const std::string& key, int64_t expires_at, int64_t now) override;

    Result<bool> save_marketplace_user(const MarketplaceUser& user) override;
    Result<std::optional<MarketplaceUser>> marketplace_user(int64_t altegio_user_id) override;
    Result<void> save_marketplace_location(const MarketplaceLocation& location) override;
    Result<std::optional<MarketplaceLocation>> marketplace_location(int64_t salon_id) override;
    Result<std::vector<MarketplaceLocation>> due_marketplace_activations(int64_t now_ms) override;
    Result<std::optional<MarketplaceLocation>> claim_marketplace_location(const std::string& code_hash, int64_t account_id,
                                                                          int64_t now_ms) override;
    Result<std::vector<int64_t>> marketplace_salons(int64_t account_id) override;
    Result<ContactIndexState> contact_index_state(int64_t account_id) override;
    Result<void> save_contact_index_state(const ContactIndexState& state) override;
    Result<void> index_contacts(int64_t account_id, const std::vector<std::pair<int64_t, std::vector<std::string>>>& phones) override;
    Result<void> clear_contact_index(int64_t account_id) override;
    Result<std::vector<int64_t>> contacts_with_phone(int64_t account_id, const std::string& phone) override;
    Result<void> save_telephony_chain(const TelephonyChain& chain) override;
    Result<std::optional<TelephonyChain>> telephony_chain(const std::string& key) override;
    Result<std::vector<TelephonyChain>> telephony_chains(int64_t account_id) override;
    Result<bool> delete_telephony_chain(int64_t account_id, const std::string& key) override;
    Result<std::optional<TelephonyCall>> telephony_call(const std::string& chain_key, const std::string& call_id) override;
    Result<void> save_telephony_call(const TelephonyCall& call) override;
    Result<std::optional<TrackedLeadRow>> tracked_lead(int64_t account_id, const std::string& lead_id) override;
    Result<void> save_tracked_lead(const TrackedLeadRow& row) override;
    Result<std::vector<TrackedLeadRow>> due_tracking_searches(int64_t now_ms, int32_t limit) override;

protected:
    std::unique_ptr<db::Database> m_db;
    const db::Dialect& m_dialect;
    crypto::SecretBox m_box;
    std::string m_instance;
};

}  // namespace kb::store
