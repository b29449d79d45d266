#pragma once
// The PostgreSQL store, shared by several relay processes: migrations from store/postgres/migrations applied at
// open (under an advisory lock, so relays starting together migrate once), a small pool of connections, and
// the inbox claimed with FOR UPDATE SKIP LOCKED.
// Usage:
//   auto store = kb::store::PgStore::open("postgresql:///kommo_altegio?host=/run/postgresql", secret_box);
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>
#include "relay/crypto/secret_box.hpp"
#include "relay/store/store.hpp"

namespace kb::store {

// How long a call may wait: for a free connection of the pool, and for one statement on the server (a lock held
// elsewhere, a server under load). Past either, the call is an error instead of a worker or request that hangs.
struct PgLimits {
    std::chrono::milliseconds pool_wait{10000};
    std::chrono::milliseconds statement{30000};
};

class PgStore : public Store {
public:
    // `pool_size`: connections opened at most (each serves one call at a time).
    static Result<std::unique_ptr<PgStore>> open(const std::string& url, crypto::SecretBox box, int pool_size = 8, PgLimits limits = {});
    ~PgStore() override;

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
    Result<Booking> claim_booking(const Booking& fresh) override;
    Result<void> update_booking(const Booking& booking) override;
    Result<void> save_record_link(int64_t account_id, int64_t company_id, int64_t record_id, int64_t lead_id) override;
    Result<std::vector<std::pair<int64_t, int64_t>>> records_of_lead(int64_t account_id, int64_t lead_id) override;
    Result<std::optional<int64_t>> lead_of_record(int64_t account_id, int64_t company_id, int64_t record_id) override;
    Result<int64_t> applied_change(int64_t account_id, int64_t company_id, int64_t record_id) override;
    Result<void> save_applied_change(int64_t account_id, int64_t company_id, int64_t record_id, int64_t changed_at) override;
    Result<int32_t> append_to_inbox(const std::vector<InboxEvent>& events) override;
    Result<int32_t> append_webhook(const std::vector<InboxEvent>& events, const HistoryEntry& received) override;
    Result<std::optional<InboxEvent>> claim_inbox_event(int64_t now_ms) override;
    Result<void> finish_inbox_event(int64_t id, InboxOutcome outcome, const std::string& note, int64_t next_attempt_at_ms) override;
    Result<int32_t> requeue_interrupted_events() override;
    Result<int32_t> requeue_abandoned_events(int64_t now_ms) override;
    Result<int32_t> hand_back_claimed_events(const std::vector<int64_t>& still_working = {}) override;
    Result<InboxCounts> inbox_counts() override;
    Result<std::optional<int64_t>> account_of_webhook_key(const std::string& key) override;
    Result<std::optional<std::string>> webhook_seed(int64_t account_id) override;
    Result<std::vector<FailedEvent>> failed_inbox_events(int64_t account_id, int32_t limit) override;
    Result<std::optional<std::string>> repeat_inbox_event(int64_t account_id, int64_t id, int64_t now_ms) override;
    Result<int64_t> prune(int64_t account_id, int64_t before_ms) override;
    Result<std::vector<int64_t>> accounts_with_history() override;
    Result<void> check_health() override;
    Result<int64_t> last_webhook_at(int64_t account_id, int64_t company_id) override;
    Result<std::string> reconciler_watermark(int64_t account_id, int64_t company_id) override;
    Result<void> save_reconciler_watermark(int64_t account_id, int64_t company_id, const std::string& changed_after) override;
    Result<std::vector<int64_t>> installed_accounts() override;
    Result<void> add_history(const HistoryEntry& entry) override;
    Result<std::vector<HistoryEntry>> recent_history(int64_t account_id, int32_t limit) override;
    Result<std::vector<HistoryEntry>> find_history(const HistoryQuery& query) override;
    Result<std::optional<HistoryEntry>> history_entry(int64_t account_id, int64_t id) override;
    Result<std::vector<FailedEvent>> failed_events_between(int64_t account_id, int64_t from_ms, int64_t to_ms, int32_t limit) override;
    Result<std::optional<std::pair<std::string, std::string>>> inbox_event_state(int64_t account_id, int64_t id) override;
    Result<std::optional<int64_t>> latest_history_at(int64_t account_id, const std::string& kind, int64_t since_ms) override;
    const std::string& instance_id() const override { return m_instance; }
    bool shared() const override { return true; }
    Result<bool> save_marketplace_user(const MarketplaceUser& user) override;
    Result<std::optional<MarketplaceUser>> marketplace_user(int64_t altegio_user_id) override;
    Result<void> save_marketplace_location(const MarketplaceLocation& location) override;
    Result<std::optional<MarketplaceLocation>> marketplace_location(int64_t salon_id) override;
    Result<std::vector<MarketplaceLocation>> due_marketplace_activations(int64_t now_ms) override;
    Result<void> save_telephony_chain(const TelephonyChain& chain) override;
    Result<std::optional<TelephonyChain>> telephony_chain(const std::string& key) override;
    Result<std::vector<TelephonyChain>> telephony_chains(int64_t account_id) override;
    Result<bool> delete_telephony_chain(int64_t account_id, const std::string& key) override;
    Result<std::optional<TelephonyCall>> telephony_call(const std::string& chain_key, const std::string& call_id) override;
    Result<void> save_telephony_call(const TelephonyCall& call) override;
    Result<std::optional<TrackedLeadRow>> tracked_lead(int64_t account_id, const std::string& lead_id) override;
    Result<void> save_tracked_lead(const TrackedLeadRow& row) override;
    Result<std::vector<TrackedLeadRow>> due_tracking_searches(int64_t now_ms, int32_t limit) override;
    Result<bool> take_lease(const std::string& name, int64_t now_ms, int64_t ttl_ms) override;
    Result<void> release_lease(const std::string& name) override;
    Result<bool> first_use(const std::string& key, int64_t expires_at, int64_t now) override;
    Result<std::optional<int64_t>> take_rate_place(const std::string& key, int32_t limit, int64_t now_ms) override;
    Result<void> release_rate_place(int64_t place, int64_t now_ms) override;

private:
    PgStore(std::string url, crypto::SecretBox box, int pool_size, PgLimits limits);
    // Runs `body(connection)` on a pooled connection; a database error becomes an error value, and a connection
    // that broke is dropped (the next call opens a new one).
    struct Connection;   // one libpqxx connection
    template <class Body>
    auto with_connection(Body&& body);
    std::unique_ptr<Connection> take_connection();
    void give_back(std::unique_ptr<Connection> connection);

    std::string m_url;
    crypto::SecretBox m_box;
    std::string m_instance;
    int m_pool_size;
    PgLimits m_limits;
    std::mutex m_pool_mutex;
    std::condition_variable m_pool_returned;
    std::vector<std::unique_ptr<Connection>> m_idle;
    int m_open = 0;   // connections in use or idle
};

}  // namespace kb::store
