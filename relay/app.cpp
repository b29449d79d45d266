#include "relay/app.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include "relay/account_context.hpp"
#include "relay/hooks/intake.hpp"
#include "relay/hooks/refusals.hpp"
#include "relay/http/kommo_host.hpp"
#include "relay/marketplace/activation.hpp"
#include "relay/store/postgres/pg_store.hpp"
#include "relay/store/sqlite/sqlite_store.hpp"
#include "relay/sync/inbox_rows.hpp"
#include "relay/telephony/routes.hpp"
#include "shared/wire/settings.hpp"

namespace kb {
namespace {

std::string env(const char* name, const std::string& fallback = {}) {
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : fallback;
}

std::string origin_of(const std::string& url) {
    size_t scheme = url.find("://");
    size_t path = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
    return url.substr(0, path);
}

// PostgreSQL when a URL is given (several relays may share it), else the SQLite file (one relay).
Result<std::unique_ptr<store::Store>> open_store(const RelayConfig& config, const crypto::SecretBox& box) {
    if (!config.database_url.empty()) {
        if (config.database_url.rfind("postgresql://", 0) != 0 && config.database_url.rfind("postgres://", 0) != 0)
            return fail(Errc::not_configured, "ui.error.storage", "KB_DATABASE_URL must start with postgresql:// (or postgres://)");
        auto opened = store::PgStore::open(config.database_url, box, config.workers.threads + 8, config.postgres_limits);
        if (!opened) return tl::unexpected(opened.error());
        return std::unique_ptr<store::Store>(std::move(*opened));
    }
    auto opened = store::SqliteStore::open(config.database_path, box);
    if (!opened) return tl::unexpected(opened.error());
    return std::unique_ptr<store::Store>(std::move(*opened));
}

}  // namespace

Result<RelayConfig> relay_config_from_environment() {
    RelayConfig c;
    c.database_path = env("KB_DB_PATH", "relay.db");
    c.database_url = env("KB_DATABASE_URL");
    c.master_key_hex = env("KB_MASTER_KEY");
    if (c.master_key_hex.empty()) {
        if (std::string file = env("KB_MASTER_KEY_FILE"); !file.empty()) {
            std::ifstream in(file);
            std::getline(in, c.master_key_hex);
        }
    }
    c.public_url = env("KB_PUBLIC_URL", "http://127.0.0.1:8080");
    c.kommo.client_id = env("KB_KOMMO_CLIENT_ID");
    c.kommo.client_secret = env("KB_KOMMO_CLIENT_SECRET");
    c.kommo.redirect_uri = env("KB_KOMMO_REDIRECT_URI", c.public_url + "/oauth/kommo");
    c.kommo_api_base_override = env("KB_KOMMO_API_BASE_URL");
    c.kommo_authorize_url = env("KB_KOMMO_AUTHORIZE_URL", c.kommo_authorize_url);
    c.require_install_state = env("KB_KOMMO_REQUIRE_STATE") == "1";
    c.accept_legacy_webhook_keys = env("KB_LEGACY_WEBHOOK_KEYS") == "1";
    c.altegio.base_url = env("KB_ALTEGIO_BASE_URL", c.altegio.base_url);
    c.altegio.partner_token = env("KB_ALTEGIO_PARTNER_TOKEN");
    c.altegio.application_id = env("KB_ALTEGIO_APPLICATION_ID");
    // One address, or several tried in turn.
    if (auto urls = http::split_commas(env("KB_ALTEGIO_MARKETPLACE_URL")); !urls.empty()) c.altegio.marketplace_urls = urls;
    c.extra_origins = http::split_commas(env("KB_EXTRA_ORIGINS"));
    // Tuning, all optional (see README): limits, worker threads and timeouts.
    auto number = [](const char* name, double fallback) {
        std::string text = env(name);
        char* end = nullptr;
        double value = text.empty() ? fallback : std::strtod(text.c_str(), &end);
        return (end && *end) || value <= 0 ? fallback : value;
    };
    c.kommo.requests_per_second = number("KB_KOMMO_REQUESTS_PER_SECOND", c.kommo.requests_per_second);
    c.altegio_requests_per_second = number("KB_ALTEGIO_REQUESTS_PER_SECOND", c.altegio_requests_per_second);
    c.workers.threads = static_cast<int>(number("KB_WORKER_THREADS", c.workers.threads));
    c.network.read_timeout = std::chrono::milliseconds(static_cast<int64_t>(number("KB_HTTP_TIMEOUT_MS", 15000)));
    c.body_deadline_seconds = static_cast<int>(number("KB_BODY_DEADLINE_SECONDS", c.body_deadline_seconds));
    c.head_deadline_seconds = static_cast<int>(number("KB_HEAD_DEADLINE_SECONDS", c.head_deadline_seconds));
    auto milliseconds = [&number](const char* name, std::chrono::milliseconds fallback) {
        return std::chrono::milliseconds(static_cast<int64_t>(number(name, static_cast<double>(fallback.count()))));
    };
    c.postgres_limits.pool_wait = milliseconds("KB_PG_POOL_WAIT_MS", c.postgres_limits.pool_wait);
    c.postgres_limits.statement = milliseconds("KB_PG_STATEMENT_TIMEOUT_MS", c.postgres_limits.statement);
    c.marketplace_page_wait = milliseconds("KB_MARKETPLACE_PAGE_WAIT_MS", c.marketplace_page_wait);
    c.workers.sweep_period = milliseconds("KB_INBOX_SWEEP_MS", c.workers.sweep_period);
    // Tests only (the fault-injection crash test): shorter pauses before an event is tried again, e.g. "50,100,200".
    // A production relay never sets it; an unreadable list keeps the defaults.
    std::vector<int64_t> delays;
    for (const auto& part : http::split_commas(env("KB_TEST_RETRY_DELAYS_MS"))) {
        char* end = nullptr;
        long long value = std::strtoll(part.c_str(), &end, 10);
        if (*end || value <= 0) {
            delays.clear();
            break;
        }
        delays.push_back(value);
    }
    if (!delays.empty()) c.workers.retry_delays_ms = delays;
    // Tests only (the browser suites): the relay's clock runs this many seconds from the system's, the sandbox's by
    // the same, so a test holds the whole stack at a chosen day and hour. A production relay never sets it.
    if (std::string offset = env("KB_TEST_CLOCK_OFFSET_SECONDS"); !offset.empty()) {
        char* end = nullptr;
        long long value = std::strtoll(offset.c_str(), &end, 10);
        if (*end) return fail(Errc::not_configured, "ui.error.internal", "KB_TEST_CLOCK_OFFSET_SECONDS must be a whole number of seconds");
        c.clock_offset_seconds = value;
    }
    std::string missing;
    for (auto [name, value] : {std::pair{"KB_MASTER_KEY or KB_MASTER_KEY_FILE", &c.master_key_hex},
                               {"KB_KOMMO_CLIENT_ID", &c.kommo.client_id},
                               {"KB_KOMMO_CLIENT_SECRET", &c.kommo.client_secret},
                               {"KB_ALTEGIO_PARTNER_TOKEN", &c.altegio.partner_token}})
        if (value->empty()) missing += std::string(missing.empty() ? "" : ", ") + name;
    if (!missing.empty()) return fail(Errc::not_configured, "ui.error.internal", "missing configuration: " + missing);
    return c;
}

Result<std::unique_ptr<RelayApp>> RelayApp::create(const RelayConfig& config, http::Transport& transport, std::optional<Clock> clock) {
    auto box = crypto::SecretBox::from_key_text(config.master_key_hex);
    if (!box) return tl::unexpected(box.error());
    auto store = open_store(config, *box);
    if (!store) return tl::unexpected(store.error());

    std::unique_ptr<RelayApp> app(new RelayApp());
    app->m_config = config;
    app->m_clock = clock ? *clock : Clock::offset_by(config.clock_offset_seconds * 1000);
    app->m_store = std::move(*store);
    app->m_call_log = std::make_unique<clients::CallLog>(transport, *app->m_store, &app->m_metrics, app->m_clock);
    // Altegio counts per IP: relays sharing a store are taken to share one address too.
    app->m_altegio_limiter = std::make_unique<clients::RateLimiter>(config.altegio_requests_per_second,
                                                                    app->m_store->shared() ? app->m_store.get() : nullptr, "altegio");
    app->m_altegio = std::make_unique<clients::AltegioClient>(*app->m_call_log, *app->m_altegio_limiter, config.altegio);
    app->m_kommo = std::make_unique<clients::KommoClient>(*app->m_call_log, *app->m_store, config.kommo, app->m_clock);
    app->m_reference = std::make_unique<clients::ReferenceCache>(*app->m_kommo, *app->m_altegio, app->m_clock);
    app->m_reference->marketplace_salons = [store = app->m_store.get()](int64_t account) { return store->marketplace_salons(account); };
    const hooks::IntakeKeys intake_keys(config.master_key_hex);   // one secret for every intake address the relay hands out or checks
    app->m_installation = std::make_unique<services::InstallationService>(*app->m_store, *app->m_altegio, *app->m_kommo, *app->m_reference,
        services::InstallationConfig{config.kommo_api_base_override, config.public_url, config.kommo.client_id, config.kommo.client_secret,
                                     config.kommo_authorize_url, config.require_install_state},
        intake_keys, app->m_clock);
    RelayApp* self = app.get();
    app->m_booking = std::make_unique<services::BookingService>(*app->m_store, *app->m_altegio, *app->m_kommo, *app->m_reference, app->m_clock,
                                                                [self] { self->wake_workers(); });
    app->m_records = std::make_unique<services::RecordLogService>(*app->m_store, *app->m_altegio, *app->m_kommo, *app->m_reference, app->m_clock,
                                                                  [self] { self->wake_workers(); });
    app->m_settings = std::make_unique<services::SettingsService>(*app->m_store, *app->m_altegio, *app->m_kommo, *app->m_reference,
                                                                  *app->m_installation, app->m_clock);
    app->m_history = std::make_unique<services::HistoryService>(*app->m_store, app->m_clock, [self] { self->wake_workers(); });
    app->m_trigger_sync = std::make_unique<sync::TriggerSync>(*app->m_store, *app->m_altegio, *app->m_kommo, *app->m_reference);
    app->m_client_sync = std::make_unique<sync::ClientSync>(*app->m_store, *app->m_altegio, *app->m_kommo, *app->m_reference);
    app->m_contact_index = std::make_unique<sync::ContactIndex>(*app->m_store, *app->m_kommo, app->m_clock);
    app->m_record_sync = std::make_unique<sync::RecordSync>(*app->m_store, *app->m_altegio, *app->m_kommo, *app->m_reference,
                                                            *app->m_client_sync, *app->m_contact_index, app->m_clock);
    app->m_marketplace = std::make_unique<marketplace::Activation>(marketplace::ActivationDeps{
        *app->m_store, *app->m_altegio, config.altegio.partner_token, config.altegio.application_id, config.public_url,
        [intake_keys](int64_t salon, const std::string& seed) { return intake_keys.key(hooks::Intake::altegio_location, std::to_string(salon), seed); },
        app->m_clock, config.marketplace_retry_period, config.marketplace_page_wait});
    app->m_telephony_admin = std::make_unique<telephony::TelephonyAdmin>(telephony::AdminDeps{*app->m_store, *app->m_altegio, config.public_url, app->m_clock,
                                                                                                          intake_keys});
    app->m_calls = std::make_unique<telephony::CallFlow>(*app->m_store, *app->m_altegio, *app->m_kommo, app->m_clock);
    app->m_tracking = std::make_unique<tracking::TrackingFlow>(*app->m_store, *app->m_kommo, *app->m_reference, app->m_clock);
    auto triggers = [self](const store::InboxEvent& e) { return self->m_trigger_sync->handle(e); };
    app->m_event_flows = {
        {sync::source::kommo_dp, "", triggers},
        {sync::source::kommo, "", triggers},
        {sync::source::telephony, "", [self](const store::InboxEvent& e) { return self->m_calls->handle(e); }},
        {sync::source::tracking, "", [self](const store::InboxEvent& e) { return self->m_tracking->handle(e); }},
    };
    // Altegio's records, clients and payments, whoever saw the change: its webhook, the reconciler, the relay itself.
    for (const char* seen_by : {sync::source::altegio, sync::source::reconciler, sync::source::widget}) {
        app->m_event_flows.push_back({seen_by, "record", [self](const store::InboxEvent& e) { return self->m_record_sync->handle(e); }});
        app->m_event_flows.push_back({seen_by, "client", [self](const store::InboxEvent& e) { return self->m_client_sync->handle_client(e); }});
        app->m_event_flows.push_back({seen_by, "finances_operation", [self](const store::InboxEvent& e) { return self->m_client_sync->handle_payment(e); }});
    }
    if (config.workers.threads > 0)
        app->m_workers = std::make_unique<sync::Workers>(
            *app->m_store, [self = app.get()](const store::InboxEvent& e) { return self->handle_event(e); }, app->m_clock, config.workers);
    app->m_reconciler = std::make_unique<sync::Reconciler>(*app->m_store, *app->m_altegio, *app->m_reference, app->m_clock);
    app->m_refusals = std::make_shared<hooks::RefusalLog>(*app->m_store, app->m_clock);
    hooks::add_intake_routes(app->m_router, hooks::IntakeDeps{*app->m_store, app->m_clock, [self] { if (self->m_workers) self->m_workers->wake(); },
                                                              [self](int64_t salon) { return self->account_of_branch(salon); },
                                                              [self](int64_t account, const std::string& body) {
                                                                  return self->m_tracking->intake_rows(account, body);
                                                              },
                                                              intake_keys, config.accept_legacy_webhook_keys, app->m_refusals});
    marketplace::add_marketplace_routes(app->m_router, *app->m_marketplace);
    api::Authenticator auth{*app->m_store, api::AuthConfig{config.kommo.client_secret, origin_of(config.kommo.redirect_uri), config.kommo.client_id},
                            app->m_clock};
    api::add_routes(app->m_router, api::RouteDeps{*app->m_booking, *app->m_records, *app->m_installation, *app->m_settings, *app->m_history,
                                                  *app->m_store, auth, app->m_clock, [self] { self->wake_workers(); }, app->m_metrics});
    telephony::add_telephony_routes(app->m_router, auth, *app->m_telephony_admin);
    app->m_claims = std::make_unique<marketplace::Claims>(*app->m_store, *app->m_reference, *app->m_telephony_admin, app->m_clock);
    marketplace::add_claim_route(app->m_router, auth, *app->m_claims);
    return app;
}

Result<std::optional<int64_t>> RelayApp::account_of_branch(int64_t salon_id) {
    auto accounts = m_store->installed_accounts();
    if (!accounts) return tl::unexpected(accounts.error());
    for (int64_t account : *accounts) {   // an account that cannot be read or asked now is passed over
        auto loaded = load_account_context(*m_store, account);
        if (!loaded || !*loaded) continue;
        auto in_force = (*loaded)->branch_in_force(*m_reference, salon_id);
        if (in_force && *in_force) return std::optional<int64_t>(account);
    }
    return std::optional<int64_t>();
}

Result<std::string> RelayApp::handle_event(const store::InboxEvent& event) {
    if (event.company_id != 0 && !m_marketplace->working_for(event.company_id))
        return "skipped: the location is frozen or uninstalled in the Altegio Marketplace";
    for (const auto& flow : m_event_flows)
        if (flow.source == event.source && (flow.resource.empty() || flow.resource == event.resource)) return flow.handle(event);
    return "ignored: nothing is synchronised for " + event.source + " " + event.resource + " events";
}

Result<int64_t> RelayApp::prune_old_entries() {
    auto accounts = m_store->installed_accounts();
    if (!accounts) return tl::unexpected(accounts.error());
    int64_t removed = 0;
    for (int64_t account : *accounts) {
        auto loaded = load_account_context(*m_store, account);
        if (!loaded || !*loaded) continue;
        int64_t days = std::max<int64_t>(1, (*loaded)->settings.history_retention_days);
        auto pruned = m_store->prune(account, m_clock.ms() - days * 86400 * 1000);
        if (!pruned) return tl::unexpected(pruned.error());
        removed += *pruned;
    }
    // Accounts that uninstalled, and account 0 (webhooks refused before an account was known), keep the default
    // period: nothing of theirs stays for ever.
    auto kept = m_store->accounts_with_history();
    if (!kept) return tl::unexpected(kept.error());
    int64_t default_before_ms = m_clock.ms() - int64_t{domain::Settings{}.history_retention_days} * 86400 * 1000;
    for (int64_t account : *kept) {
        if (std::find(accounts->begin(), accounts->end(), account) != accounts->end()) continue;
        auto pruned = m_store->prune(account, default_before_ms);
        if (!pruned) return tl::unexpected(pruned.error());
        removed += *pruned;
    }
    return removed;
}

RelayApp::~RelayApp() {
    m_workers.reset();   // stop the threads before what they use goes away
    m_marketplace.reset();
}

http::ServerOptions RelayApp::server_options() const {
    http::ServerOptions options;
    options.body_deadline_seconds = m_config.body_deadline_seconds;
    options.head_deadline_seconds = m_config.head_deadline_seconds;
    options.file_endings = {".js", ".wasm", ".ttf"};   // /widget/ serves the widget's own files only (fonts/<n>.ttf: fallback font slices)
    options.cors_origin_for = [extra = m_config.extra_origins](const http::Request& request) {
        std::string origin = request.header("origin");
        if (origin.empty()) return std::string();
        if (http::is_kommo_origin(origin)) return origin;
        for (const auto& allowed : extra)
            if (origin == allowed) return origin;
        return std::string();
    };
    options.on_refused = [store = m_store.get(), refusals = m_refusals](const http::Request& request, int status, const std::string& reason) {
        hooks::record_edge_refusal(*store, *refusals, request, status, reason);
    };
    return options;
}

}  // namespace kb
