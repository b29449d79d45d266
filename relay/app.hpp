#pragma once
// The relay assembled: store, clients, services and routes, from one Config. main.cpp builds it from
// the environment; tests build it with an in-process transport or against the sandbox over loopback.
// Usage:
//   auto app = kb::RelayApp::create(config, transport);
//   kb::http::Server server(app->router(), app->server_options());
#include <memory>
#include <optional>
#include <string>
#include "relay/clock.hpp"
#include "relay/api/routes.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/hooks/refusals.hpp"
#include "relay/http/server.hpp"
#include "relay/http/transport.hpp"
#include "relay/store/postgres/pg_store.hpp"
#include "relay/services/booking_service.hpp"
#include "relay/services/installation_service.hpp"
#include "relay/sync/client_sync.hpp"
#include "relay/sync/reconciler.hpp"
#include "relay/sync/record_sync.hpp"
#include "relay/sync/trigger_sync.hpp"
#include "relay/sync/workers.hpp"
#include "relay/marketplace/activation.hpp"
#include "relay/marketplace/claim.hpp"
#include "relay/telephony/admin.hpp"
#include "relay/telephony/calls.hpp"
#include "relay/tracking/leads.hpp"

namespace kb {

struct RelayConfig {
    std::string database_path = "relay.db";     // SQLite, for one relay
    std::string database_url;                   // PostgreSQL (postgresql://...), shared by several relays; wins when set
    std::string master_key_hex;                 // 64 hex characters; seals tokens at rest
    std::string public_url;                     // how Kommo and the widget reach the relay, e.g. https://relay.example.com
    clients::KommoConfig kommo;                 // client id, secret, redirect URI
    std::string kommo_api_base_override;        // empty in production: https://{referer} from the install redirect
    std::string kommo_authorize_url = "https://www.kommo.com/oauth";   // where /oauth/kommo/start sends an admin
    bool require_install_state = false;         // installs only through /oauth/kommo/start
    bool accept_legacy_webhook_keys = false;    // KB_LEGACY_WEBHOOK_KEYS=1: addresses of a relay before per-intake keys
    std::chrono::milliseconds marketplace_retry_period{10000};   // due Marketplace activations tried again; 0: only after a redirect
    std::chrono::milliseconds marketplace_page_wait{8000};       // how long the registration page waits for its activations
    clients::AltegioConfig altegio;
    double altegio_requests_per_second = 4.0;   // Altegio allows 5 per second per IP
    std::vector<std::string> extra_origins;     // origins besides *.kommo.com / *.amocrm.* allowed by CORS
    sync::WorkerOptions workers;                // threads 0: no background sync (tests that drive the inbox by hand)
    http::NetworkOptions network;               // timeouts of the calls to Kommo and Altegio
    int body_deadline_seconds = 20;             // a request body still arriving after this is refused (408)
    int head_deadline_seconds = 10;             // a request line and headers still arriving after this: 408
    store::PgLimits postgres_limits;            // PostgreSQL: waits for a pooled connection and per statement
    int64_t clock_offset_seconds = 0;           // tests only: the relay's clock runs this far from the system's
};

// Reads the configuration from KB_* environment variables (see README); an error names what is missing.
Result<RelayConfig> relay_config_from_environment();

class RelayApp {
public:
    // `clock`: the system's, moved by config.clock_offset_seconds, unless a test hands in its own.
    static Result<std::unique_ptr<RelayApp>> create(const RelayConfig& config, http::Transport& transport,
                                                    std::optional<Clock> clock = std::nullopt);

    const http::Router& router() const { return m_router; }
    http::ServerOptions server_options() const;
    store::Store& store() { return *m_store; }
    // Hands one inbox event to the flow it belongs to.
    Result<std::string> handle_event(const store::InboxEvent& event);
    sync::Reconciler& reconciler() { return *m_reconciler; }
    marketplace::Activation& marketplace() { return *m_marketplace; }
    tracking::TrackingFlow& tracking() { return *m_tracking; }
    services::InstallationService& installation() { return *m_installation; }
    // The installed Kommo account whose settings connect this Altegio location; none when no account does.
    Result<std::optional<int64_t>> account_of_branch(int64_t salon_id);
    // Deletes history entries and finished inbox events older than each account's retention; how many went.
    Result<int64_t> prune_old_entries();
    void wake_workers() {
        if (m_workers) m_workers->wake();
    }
    ~RelayApp();

private:
    RelayApp() = default;
    RelayConfig m_config;
    Clock m_clock;
    std::unique_ptr<store::Store> m_store;
    std::shared_ptr<hooks::RefusalLog> m_refusals;   // refused webhooks into the history (routes and HTTP edge)
    metrics::Metrics m_metrics;
    std::unique_ptr<clients::CallLog> m_call_log;
    std::unique_ptr<clients::RateLimiter> m_altegio_limiter;
    std::unique_ptr<clients::AltegioClient> m_altegio;
    std::unique_ptr<clients::KommoClient> m_kommo;
    std::unique_ptr<clients::ReferenceCache> m_reference;
    std::unique_ptr<services::BookingService> m_booking;
    std::unique_ptr<services::RecordLogService> m_records;
    std::unique_ptr<services::InstallationService> m_installation;
    std::unique_ptr<services::SettingsService> m_settings;
    std::unique_ptr<services::HistoryService> m_history;
    std::unique_ptr<sync::TriggerSync> m_trigger_sync;
    std::unique_ptr<sync::ClientSync> m_client_sync;
    std::unique_ptr<sync::ContactIndex> m_contact_index;
    std::unique_ptr<sync::RecordSync> m_record_sync;   // uses m_client_sync
    std::unique_ptr<sync::Workers> m_workers;
    std::unique_ptr<sync::Reconciler> m_reconciler;
    std::unique_ptr<marketplace::Activation> m_marketplace;
    std::unique_ptr<telephony::TelephonyAdmin> m_telephony_admin;
    std::unique_ptr<marketplace::Claims> m_claims;
    std::unique_ptr<telephony::CallFlow> m_calls;
    std::unique_ptr<tracking::TrackingFlow> m_tracking;
    // Which flow handles an inbox event: its source, and its resource ("" for any); the first that matches.
    struct EventFlow {
        std::string source, resource;
        std::function<Result<std::string>(const store::InboxEvent&)> handle;
    };
    std::vector<EventFlow> m_event_flows;
    http::Router m_router;
};

}  // namespace kb
