#include "relay/store/postgres/pg_store.hpp"

#include <algorithm>
#include <chrono>
#include <pqxx/pqxx>
#include <utility>
#include "relay/store/history_types.hpp"
#include "relay/store/telephony_sql.hpp"
#include "relay/store/instance_id.hpp"
#include "relay/store/sql_shared.hpp"

namespace kb::store {

using sql::booking_columns;
using sql::history_columns;
using sql::inbox_event_columns;
using sql::location_columns;
using sql::now_seconds;

extern const std::vector<std::pair<int, const char*>> postgres_migrations;   // generated from migrations/*.sql

namespace {

InboxEvent event_from(const pqxx::row& row) {
    InboxEvent e;
    e.id = row[0].as<int64_t>();
    e.account_id = row[1].as<int64_t>();
    e.source = row[2].as<std::string>();
    e.company_id = row[3].as<int64_t>();
    e.resource = row[4].as<std::string>();
    e.resource_id = row[5].as<int64_t>();
    e.event_type = row[6].as<std::string>();
    e.dedupe_key = row[7].as<std::string>();
    e.body = row[8].as<std::string>();
    e.received_at_ms = row[9].as<int64_t>();
    e.attempts = row[10].as<int32_t>();
    return e;
}

HistoryEntry history_from(const pqxx::row& row) {
    HistoryEntry e;
    e.id = row[0].as<int64_t>();
    e.at_ms = row[1].as<int64_t>();
    e.account_id = row[2].as<int64_t>();
    e.direction = row[3].as<std::string>();
    e.kind = row[4].as<std::string>();
    e.method = row[5].as<std::string>();
    e.target = row[6].as<std::string>();
    e.status = row[7].as<int32_t>();
    e.error = row[8].as<std::string>();
    e.request_body = row[9].as<std::string>();
    e.response_body = row[10].as<std::string>();
    e.duration_ms = row[11].as<int64_t>();
    return e;
}

Booking booking_from(const pqxx::row& row) {
    Booking b;
    b.account_id = row[0].as<int64_t>();
    b.request_key = row[1].as<std::string>();
    b.lead_id = row[2].as<int64_t>();
    b.company_id = row[3].as<int64_t>();
    b.api_id = row[4].as<std::string>();
    b.state = row[5].as<std::string>();
    b.record_id = row[6].as<int64_t>();
    b.result_json = row[7].as<std::string>();
    b.request_json = row[8].as<std::string>();
    return b;
}

SettingsVersion version_from(const pqxx::row& row) {
    return SettingsVersion{row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<int64_t>(), row[3].as<int64_t>()};
}

// The key every relay takes while it migrates, so two relays starting together do not both run a migration.
constexpr int64_t migration_lock_key = 0x6b6f6d6d6f61;   // "kommoa"

// Runs `sql` outside a transaction block (one libpqxx transaction object at a time per connection).
pqxx::result run_alone(pqxx::connection& connection, const std::string& sql) {
    pqxx::nontransaction session(connection);
    return session.exec(sql);
}

Result<void> apply_migrations(pqxx::connection& connection) {
    // A session lock, so it spans the migrations' own transactions; it ends with the session in any case.
    run_alone(connection, "SELECT pg_advisory_lock(" + std::to_string(migration_lock_key) + ")");
    struct Unlock {
        pqxx::connection& connection;
        ~Unlock() {
            try {
                run_alone(connection, "SELECT pg_advisory_unlock(" + std::to_string(migration_lock_key) + ")");
            } catch (...) {   // the lock ends with the session anyway
            }
        }
    } unlock{connection};
    run_alone(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)");
    int64_t known = 0;
    for (const auto& migration : postgres_migrations) known = std::max<int64_t>(known, migration.first);
    int64_t found = run_alone(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int64_t>();
    if (found > known)
        return fail(Errc::not_configured, "ui.error.storage",
                    "the PostgreSQL database has schema version " + std::to_string(found) + ", newer than this relay knows (" +
                        std::to_string(known) + "): run the relay that wrote it, or restore the backup taken before that upgrade");
    for (const auto& [version, sql] : postgres_migrations) {
        if (version <= found) continue;
        pqxx::work transaction(connection);
        transaction.exec(sql);
        transaction.exec_params("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", int64_t{version}, now_seconds());
        transaction.commit();
    }
    return {};
}

}  // namespace

struct PgStore::Connection {
    Connection(const std::string& url, std::chrono::milliseconds statement_limit) : db(url) {
        pqxx::nontransaction(db).exec("SET statement_timeout = " + std::to_string(statement_limit.count()));
    }
    pqxx::connection db;
};

PgStore::PgStore(std::string url, crypto::SecretBox box, int pool_size, PgLimits limits)
    : m_url(std::move(url)), m_box(box), m_instance(new_instance_id()), m_pool_size(std::max(1, pool_size)), m_limits(limits) {}
PgStore::~PgStore() = default;

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url, crypto::SecretBox box, int pool_size, PgLimits limits) {
    std::unique_ptr<PgStore> store(new PgStore(url, box, pool_size, limits));
    try {
        auto connection = std::make_unique<Connection>(url, limits.statement);
        // Migrations (and waiting for another relay's) may take long on a big database: no statement limit for them.
        pqxx::nontransaction(connection->db).exec("SET statement_timeout = 0");
        if (auto migrated = apply_migrations(connection->db); !migrated) return tl::unexpected(migrated.error());
        pqxx::nontransaction(connection->db).exec("SET statement_timeout = " + std::to_string(limits.statement.count()));
        store->m_idle.push_back(std::move(connection));
        store->m_open = 1;
    } catch (const std::exception& e) {
        return fail(Errc::not_configured, "ui.error.storage", std::string("PostgreSQL: ") + e.what());
    }
    return store;
}

std::unique_ptr<PgStore::Connection> PgStore::take_connection() {
    std::unique_lock lock(m_pool_mutex);
    if (!m_pool_returned.wait_for(lock, m_limits.pool_wait, [&] { return !m_idle.empty() || m_open < m_pool_size; }))
        throw std::runtime_error("no connection of the pool came free within " + std::to_string(m_limits.pool_wait.count()) + " ms");
    if (!m_idle.empty()) {
        auto connection = std::move(m_idle.back());
        m_idle.pop_back();
        return connection;
    }
    ++m_open;   // counted before connecting, so others wait instead of opening one too many
    lock.unlock();
    try {
        return std::make_unique<Connection>(m_url, m_limits.statement);
    } catch (...) {
        lock.lock();
        --m_open;
        m_pool_returned.notify_one();
        throw;
    }
}

void PgStore::give_back(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(m_pool_mutex);
    if (connection && connection->db.is_open()) m_idle.push_back(std::move(connection));
    else --m_open;
    m_pool_returned.notify_one();
}

template <class Body>
auto PgStore::with_connection(Body&& body) {
    using Answer = decltype(body(std::declval<pqxx::connection&>()));
    std::unique_ptr<Connection> connection;
    try {
        connection = take_connection();
        Answer result = body(connection->db);
        give_back(std::move(connection));
        return result;
    } catch (const pqxx::broken_connection& e) {
        if (connection) give_back(nullptr);   // dropped: the next call opens a fresh one
        return Answer(fail(Errc::internal, "ui.error.storage", std::string("PostgreSQL connection lost: ") + e.what()));
    } catch (const std::exception& e) {
        if (connection) give_back(std::move(connection));
        return Answer(fail(Errc::internal, "ui.error.storage", std::string("PostgreSQL: ") + e.what()));
    }
}

// [SECTION] installations --------------------------------------------------------------------------------------
Result<void> PgStore::save_installation(const Installation& i) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec_params(
            "INSERT INTO installations (account_id, subdomain, api_base_url, access_token_sealed, refresh_token_sealed,"
            " access_expires_at, altegio_user_token_sealed, webhook_key, settings_json, installed_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (account_id) DO UPDATE SET subdomain = excluded.subdomain, api_base_url = excluded.api_base_url,"
            " access_token_sealed = excluded.access_token_sealed, refresh_token_sealed = excluded.refresh_token_sealed,"
            " access_expires_at = excluded.access_expires_at, altegio_user_token_sealed = excluded.altegio_user_token_sealed,"
            " webhook_key = excluded.webhook_key, settings_json = excluded.settings_json",
            i.account_id, i.subdomain, i.api_base_url, m_box.seal(i.access_token), m_box.seal(i.refresh_token), i.access_expires_at,
            i.altegio_user_token.empty() ? std::string() : m_box.seal(i.altegio_user_token), i.webhook_key, i.settings_json,
            i.installed_at != 0 ? i.installed_at : now_seconds());
        tx.commit();
        return {};
    });
}

Result<std::optional<Installation>> PgStore::find_installation(int64_t account_id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<Installation>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params(
            "SELECT account_id, subdomain, api_base_url, access_token_sealed, refresh_token_sealed, access_expires_at,"
            " altegio_user_token_sealed, webhook_key, settings_json, installed_at, settings_revision FROM installations"
            " WHERE account_id = $1",
            account_id);
        if (rows.empty()) return std::nullopt;
        const auto& row = rows[0];
        Installation i;
        i.account_id = row[0].as<int64_t>();
        i.subdomain = row[1].as<std::string>();
        i.api_base_url = row[2].as<std::string>();
        auto access = m_box.open(row[3].as<std::string>());
        auto refresh = m_box.open(row[4].as<std::string>());
        if (!access || !refresh) return tl::unexpected(access ? refresh.error() : access.error());
        i.access_token = *access;
        i.refresh_token = *refresh;
        i.access_expires_at = row[5].as<int64_t>();
        if (std::string sealed = row[6].as<std::string>(); !sealed.empty()) {
            auto user_token = m_box.open(sealed);
            if (!user_token) return tl::unexpected(user_token.error());
            i.altegio_user_token = *user_token;
        }
        i.webhook_key = row[7].as<std::string>();
        i.settings_json = row[8].as<std::string>();
        i.installed_at = row[9].as<int64_t>();
        i.settings_revision = row[10].as<int64_t>();
        return i;
    });
}

Result<std::optional<int64_t>> PgStore::account_of_webhook_key(const std::string& key) {
    if (key.empty()) return std::optional<int64_t>();
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<int64_t>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT account_id FROM installations WHERE webhook_key = $1", key);
        if (rows.empty()) return std::optional<int64_t>();
        return std::optional<int64_t>(rows[0][0].as<int64_t>());
    });
}

Result<std::optional<std::string>> PgStore::webhook_seed(int64_t account_id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<std::string>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT webhook_key FROM installations WHERE account_id = $1", account_id);
        if (rows.empty()) return std::optional<std::string>();
        return std::optional<std::string>(rows[0][0].as<std::string>());
    });
}

Result<void> PgStore::save_kommo_tokens(int64_t account_id, const std::string& access_token, const std::string& refresh_token,
                                        int64_t access_expires_at) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        auto updated = tx.exec_params("UPDATE installations SET access_token_sealed = $1, refresh_token_sealed = $2, access_expires_at = $3"
                                      " WHERE account_id = $4",
                                      m_box.seal(access_token), m_box.seal(refresh_token), access_expires_at, account_id);
        if (updated.affected_rows() != 1) return fail(Errc::not_found, "ui.error.not_installed", "no installation for the account");
        tx.commit();
        return {};
    });
}

Result<void> PgStore::save_altegio_token(int64_t account_id, const std::string& user_token) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        auto updated = tx.exec_params("UPDATE installations SET altegio_user_token_sealed = $1 WHERE account_id = $2",
                                      m_box.seal(user_token), account_id);
        if (updated.affected_rows() != 1) return fail(Errc::not_found, "ui.error.not_installed", "no installation for the account");
        tx.commit();
        return {};
    });
}

Result<bool> PgStore::delete_installation(int64_t account_id) {
    return with_connection([&](pqxx::connection& c) -> Result<bool> {
        pqxx::work tx(c);
        auto removed = tx.exec_params("DELETE FROM installations WHERE account_id = $1", account_id);
        tx.exec_params("DELETE FROM user_links WHERE account_id = $1", account_id);
        tx.exec_params("DELETE FROM telephony_calls WHERE account_id = $1", account_id);
        tx.exec_params("DELETE FROM telephony_chains WHERE account_id = $1", account_id);
        tx.exec_params("DELETE FROM tracked_leads WHERE account_id = $1", account_id);
        tx.commit();
        return removed.affected_rows() > 0;
    });
}

// [SECTION] settings and users ---------------------------------------------------------------------------------
Result<int64_t> PgStore::save_settings(int64_t account_id, int64_t base_revision, const std::string& settings_json, int64_t user_id,
                                       int64_t at_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<int64_t> {
        pqxx::work tx(c);
        // The row lock this UPDATE takes makes "still at base_revision" and "now at the next one" one step,
        // whichever relay saves at the same moment.
        auto saved = tx.exec_params(
            "UPDATE installations SET settings_json = $1, settings_revision = GREATEST(settings_revision,"
            " (SELECT COALESCE(MAX(revision), 0) FROM settings_versions WHERE account_id = $2)) + 1"   // counts on across a reinstall
            " WHERE account_id = $2 AND settings_revision = $3 RETURNING settings_revision",
            settings_json, account_id, base_revision);
        if (saved.empty()) {
            auto current = tx.exec_params("SELECT settings_revision FROM installations WHERE account_id = $1", account_id);
            if (current.empty()) return fail(Errc::not_found, "ui.error.not_installed", "no installation for the account");
            return fail(Errc::conflict, "ui.error.settings_conflict",
                        "settings were saved meanwhile (revision " + current[0][0].as<std::string>() + ")");
        }
        int64_t revision = saved[0][0].as<int64_t>();
        tx.exec_params("INSERT INTO settings_versions (account_id, revision, settings_json, saved_at_ms, saved_by_user)"
                       " VALUES ($1, $2, $3, $4, $5)",
                       account_id, revision, settings_json, at_ms, user_id);
        tx.commit();
        return revision;
    });
}

Result<std::vector<SettingsVersion>> PgStore::settings_versions(int64_t account_id, int32_t limit) {
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<SettingsVersion>> {
        pqxx::read_transaction tx(c);
        std::vector<SettingsVersion> out;
        for (const auto& row : tx.exec_params("SELECT revision, settings_json, saved_at_ms, saved_by_user FROM settings_versions"
                                              " WHERE account_id = $1 ORDER BY revision DESC LIMIT $2",
                                              account_id, limit))
            out.push_back(version_from(row));
        return out;
    });
}

Result<std::optional<SettingsVersion>> PgStore::settings_version(int64_t account_id, int64_t revision) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<SettingsVersion>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT revision, settings_json, saved_at_ms, saved_by_user FROM settings_versions"
                                   " WHERE account_id = $1 AND revision = $2",
                                   account_id, revision);
        if (rows.empty()) return std::nullopt;
        return version_from(rows[0]);
    });
}

Result<void> PgStore::save_user_link(int64_t account_id, const UserLink& link) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec_params(
            "INSERT INTO user_links (account_id, kommo_user_id, altegio_user_id, altegio_user_name, user_token_sealed, checked_at_ms)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, kommo_user_id) DO UPDATE SET"
            " altegio_user_id = excluded.altegio_user_id, altegio_user_name = excluded.altegio_user_name,"
            " user_token_sealed = excluded.user_token_sealed, checked_at_ms = excluded.checked_at_ms",
            account_id, link.kommo_user_id, link.altegio_user_id, link.altegio_user_name, m_box.seal(link.user_token),
            link.checked_at_ms);
        tx.commit();
        return {};
    });
}

Result<std::vector<UserLink>> PgStore::user_links(int64_t account_id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<UserLink>> {
        pqxx::read_transaction tx(c);
        std::vector<UserLink> out;
        for (const auto& row : tx.exec_params("SELECT kommo_user_id, altegio_user_id, altegio_user_name, user_token_sealed,"
                                              " checked_at_ms FROM user_links WHERE account_id = $1 ORDER BY kommo_user_id",
                                              account_id)) {
            auto token = m_box.open(row[3].as<std::string>());
            if (!token) return tl::unexpected(token.error());
            out.push_back(UserLink{row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<std::string>(), *token, row[4].as<int64_t>()});
        }
        return out;
    });
}

// [SECTION] bookings and record links --------------------------------------------------------------------------
Result<Booking> PgStore::claim_booking(const Booking& fresh) {
    return with_connection([&](pqxx::connection& c) -> Result<Booking> {
        pqxx::work tx(c);
        tx.exec_params("INSERT INTO bookings (account_id, request_key, lead_id, company_id, api_id, state, record_id, result_json,"
                       " request_json, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
                       " ON CONFLICT (account_id, request_key) DO NOTHING",
                       fresh.account_id, fresh.request_key, fresh.lead_id, fresh.company_id, fresh.api_id, fresh.state, fresh.record_id,
                       fresh.result_json, fresh.request_json, now_seconds());
        auto rows = tx.exec_params(std::string("SELECT ") + booking_columns + " FROM bookings WHERE account_id = $1 AND request_key = $2",
                                   fresh.account_id, fresh.request_key);
        if (rows.empty()) return fail(Errc::internal, "ui.error.storage", "booking vanished");
        Booking stored = booking_from(rows[0]);
        tx.commit();
        return stored;
    });
}

Result<void> PgStore::update_booking(const Booking& b) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec_params("UPDATE bookings SET state = $1, record_id = $2, result_json = $3, updated_at = $4"
                       " WHERE account_id = $5 AND request_key = $6",
                       b.state, b.record_id, b.result_json, now_seconds(), b.account_id, b.request_key);
        tx.commit();
        return {};
    });
}

Result<void> PgStore::save_record_link(int64_t account_id, int64_t company_id, int64_t record_id, int64_t lead_id) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec_params("INSERT INTO record_links (account_id, company_id, record_id, lead_id, created_at) VALUES ($1, $2, $3, $4, $5)"
                       " ON CONFLICT (account_id, company_id, record_id) DO UPDATE SET lead_id = excluded.lead_id",
                       account_id, company_id, record_id, lead_id, now_seconds());
        tx.commit();
        return {};
    });
}

Result<std::vector<std::pair<int64_t, int64_t>>> PgStore::records_of_lead(int64_t account_id, int64_t lead_id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<std::pair<int64_t, int64_t>>> {
        pqxx::read_transaction tx(c);
        std::vector<std::pair<int64_t, int64_t>> out;
        for (const auto& row : tx.exec_params("SELECT company_id, record_id FROM record_links WHERE account_id = $1 AND lead_id = $2"
                                              " ORDER BY record_id",
                                              account_id, lead_id))
            out.emplace_back(row[0].as<int64_t>(), row[1].as<int64_t>());
        return out;
    });
}

Result<std::optional<int64_t>> PgStore::lead_of_record(int64_t account_id, int64_t company_id, int64_t record_id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<int64_t>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT lead_id FROM record_links WHERE account_id = $1 AND company_id = $2 AND record_id = $3",
                                   account_id, company_id, record_id);
        if (rows.empty()) return std::optional<int64_t>();
        return std::optional<int64_t>(rows[0][0].as<int64_t>());
    });
}

Result<int64_t> PgStore::applied_change(int64_t account_id, int64_t company_id, int64_t record_id) {
    return with_connection([&](pqxx::connection& c) -> Result<int64_t> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT changed_at FROM applied_changes WHERE account_id = $1 AND company_id = $2 AND record_id = $3",
                                   account_id, company_id, record_id);
        return rows.empty() ? int64_t{0} : rows[0][0].as<int64_t>();
    });
}

Result<void> PgStore::save_applied_change(int64_t account_id, int64_t company_id, int64_t record_id, int64_t changed_at) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec_params("INSERT INTO applied_changes (account_id, company_id, record_id, changed_at) VALUES ($1, $2, $3, $4)"
                       " ON CONFLICT (account_id, company_id, record_id)"
                       " DO UPDATE SET changed_at = GREATEST(applied_changes.changed_at, excluded.changed_at)",
                       account_id, company_id, record_id, changed_at);
        tx.commit();
        return {};
    });
}

// [SECTION] inbox ----------------------------------------------------------------------------------------------
namespace {
int32_t insert_inbox_rows(pqxx::work& tx, const std::vector<InboxEvent>& events) {
    int32_t added = 0;
    for (const auto& e : events)
        added += static_cast<int32_t>(
            tx.exec_params("INSERT INTO inbox (account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body,"
                           " received_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING",
                           e.account_id, e.source, e.company_id, e.resource, e.resource_id, e.event_type, e.dedupe_key, e.body,
                           e.received_at_ms)
                .affected_rows());
    return added;
}

void insert_history(pqxx::work& tx, const HistoryEntry& e) {
    tx.exec_params("INSERT INTO request_history (at_ms, account_id, direction, kind, method, target, status, error, request_body,"
                   " response_body, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                   e.at_ms, e.account_id, e.direction, e.kind, e.method, e.target, e.status, e.error, e.request_body, e.response_body,
                   e.duration_ms);
}
}  // namespace

Result<int32_t> PgStore::append_to_inbox(const std::vector<InboxEvent>& events) {
    return with_connection([&](pqxx::connection& c) -> Result<int32_t> {
        pqxx::work tx(c);
        int32_t added = insert_inbox_rows(tx, events);
        tx.commit();   // durable (synchronous_commit on) before the sender hears 2xx
        return added;
    });
}

// PostgreSQL shares one WAL flush among the commits that arrive together, so each webhook is simply one
// transaction: concurrent webhooks already share fsyncs. The usual webhook, one event, is one statement (both
// rows, committed on their own): one round trip instead of four.
Result<int32_t> PgStore::append_webhook(const std::vector<InboxEvent>& events, const HistoryEntry& received) {
    if (events.size() == 1)
        return with_connection([&](pqxx::connection& c) -> Result<int32_t> {
            const InboxEvent& e = events.front();
            const HistoryEntry& h = received;
            pqxx::nontransaction statement(c);
            auto added = statement.exec_params(
                "WITH event AS (INSERT INTO inbox (account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body,"
                "  received_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1),"
                " entry AS (INSERT INTO request_history (at_ms, account_id, direction, kind, method, target, status, error,"
                "  request_body, response_body, duration_ms) VALUES ($10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20))"
                " SELECT COUNT(*) FROM event",
                e.account_id, e.source, e.company_id, e.resource, e.resource_id, e.event_type, e.dedupe_key, e.body, e.received_at_ms,
                h.at_ms, h.account_id, h.direction, h.kind, h.method, h.target, h.status, h.error, h.request_body, h.response_body,
                h.duration_ms);
            return added[0][0].as<int32_t>();
        });
    return with_connection([&](pqxx::connection& c) -> Result<int32_t> {
        pqxx::work tx(c);
        int32_t added = insert_inbox_rows(tx, events);
        insert_history(tx, received);
        tx.commit();
        return added;
    });
}

// The oldest ready event whose record has no earlier unfinished event. Rows another relay is claiming at this
// moment are skipped (SKIP LOCKED), not waited for; the NOT EXISTS reads the statement's snapshot, in which an
// event being claimed elsewhere is still pending, so a later event of the same record is never taken before it.
Result<std::optional<InboxEvent>> PgStore::claim_inbox_event(int64_t now_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<InboxEvent>> {
        pqxx::work tx(c);
        auto rows = tx.exec_params(
            std::string("WITH next AS (SELECT id FROM inbox AS i WHERE state = 'pending' AND next_attempt_at_ms <= $1"
                        " AND NOT EXISTS (SELECT 1 FROM inbox AS e WHERE e.company_id = i.company_id AND e.resource = i.resource"
                        "   AND e.resource_id = i.resource_id AND e.id < i.id AND e.state IN ('pending', 'processing'))"
                        " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                        " UPDATE inbox SET state = 'processing', attempts = attempts + 1, claimed_by = $2 FROM next"
                        " WHERE inbox.id = next.id RETURNING ") +
                "inbox.id, inbox.account_id, inbox.source, inbox.company_id, inbox.resource, inbox.resource_id, inbox.event_type,"
                " inbox.dedupe_key, inbox.body, inbox.received_at_ms, inbox.attempts",
            now_ms, m_instance);
        tx.commit();
        if (rows.empty()) return std::optional<InboxEvent>();
        return std::optional<InboxEvent>(event_from(rows[0]));
    });
}

Result<void> PgStore::finish_inbox_event(int64_t id, InboxOutcome outcome, const std::string& note, int64_t next_attempt_at_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        const char* state = outcome == InboxOutcome::done ? "done" : outcome == InboxOutcome::retry ? "pending" : "failed";
        pqxx::work tx(c);
        tx.exec_params(outcome == InboxOutcome::done
                           ? "UPDATE inbox SET state = $1, outcome = $2, next_attempt_at_ms = $3 WHERE id = $4"
                           : "UPDATE inbox SET state = $1, last_error = $2, next_attempt_at_ms = $3 WHERE id = $4",
                       std::string(state), note, next_attempt_at_ms, id);
        tx.commit();
        return {};
    });
}

Result<int32_t> PgStore::requeue_interrupted_events() {
    return with_connection([&](pqxx::connection& c) -> Result<int32_t> {
        pqxx::work tx(c);
        auto updated = tx.exec("UPDATE inbox SET state = 'pending' WHERE state = 'processing'");
        tx.commit();
        return static_cast<int32_t>(updated.affected_rows());
    });
}

Result<int32_t> PgStore::requeue_abandoned_events(int64_t now_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<int32_t> {
        pqxx::work tx(c);
        auto updated = tx.exec_params(
            "UPDATE inbox SET state = 'pending' WHERE state = 'processing' AND claimed_by <> $1 AND NOT EXISTS"
            " (SELECT 1 FROM leases WHERE name = 'relay:' || inbox.claimed_by AND expires_at_ms > $2)",
            m_instance, now_ms);
        tx.commit();
        return static_cast<int32_t>(updated.affected_rows());
    });
}

Result<int32_t> PgStore::hand_back_claimed_events(const std::vector<int64_t>& still_working) {
    std::string ids = "{";
    for (int64_t id : still_working) ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
    ids += "}";
    return with_connection([&](pqxx::connection& c) -> Result<int32_t> {
        pqxx::work tx(c);
        auto updated = tx.exec_params("UPDATE inbox SET state = 'pending' WHERE state = 'processing' AND claimed_by = $1"
                                      " AND NOT (id = ANY($2::bigint[]))",
                                      m_instance, ids);
        tx.commit();
        return static_cast<int32_t>(updated.affected_rows());
    });
}

Result<std::vector<int64_t>> PgStore::accounts_with_history() {
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<int64_t>> {
        pqxx::read_transaction tx(c);
        std::vector<int64_t> accounts;
        for (const auto& row : tx.exec("SELECT DISTINCT account_id FROM request_history UNION SELECT DISTINCT account_id FROM inbox"))
            accounts.push_back(row[0].as<int64_t>());
        return accounts;
    });
}

Result<void> PgStore::check_health() {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);   // a read-write transaction: a server in recovery or read-only mode is not healthy
        tx.exec("SELECT COUNT(*) FROM schema_migrations");
        tx.exec("SELECT txid_current()");
        return {};
    });
}

Result<Store::InboxCounts> PgStore::inbox_counts() {
    return with_connection([&](pqxx::connection& c) -> Result<InboxCounts> {
        pqxx::read_transaction tx(c);
        InboxCounts counts;
        for (const auto& row : tx.exec("SELECT state, COUNT(*) FROM inbox GROUP BY state")) {
            std::string state = row[0].as<std::string>();
            int64_t n = row[1].as<int64_t>();
            if (state == "pending") counts.pending = n;
            if (state == "processing") counts.processing = n;
            if (state == "done") counts.done = n;
            if (state == "failed") counts.failed = n;
        }
        auto oldest = tx.exec("SELECT received_at_ms FROM inbox WHERE state = 'pending' ORDER BY id LIMIT 1");
        if (!oldest.empty()) counts.oldest_pending_at_ms = oldest[0][0].as<int64_t>();
        return counts;
    });
}

Result<std::vector<FailedEvent>> PgStore::failed_inbox_events(int64_t account_id, int32_t limit) {
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<FailedEvent>> {
        pqxx::read_transaction tx(c);
        std::vector<FailedEvent> out;
        for (const auto& row : tx.exec_params(std::string("SELECT ") + inbox_event_columns +
                                                  ", last_error FROM inbox WHERE account_id = $1 AND state = 'failed' ORDER BY id DESC LIMIT $2",
                                              account_id, limit))
            out.push_back(FailedEvent{event_from(row), row[11].as<std::string>()});
        return out;
    });
}

Result<std::optional<std::string>> PgStore::repeat_inbox_event(int64_t account_id, int64_t id, int64_t now_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<std::string>> {
        pqxx::work tx(c);
        tx.exec_params("UPDATE inbox SET state = 'pending', next_attempt_at_ms = $1 WHERE id = $2 AND account_id = $3 AND state = 'failed'",
                       now_ms, id, account_id);
        auto rows = tx.exec_params("SELECT state FROM inbox WHERE id = $1 AND account_id = $2", id, account_id);
        tx.commit();
        if (rows.empty()) return std::optional<std::string>();
        return std::optional<std::string>(rows[0][0].as<std::string>());
    });
}

Result<int64_t> PgStore::prune(int64_t account_id, int64_t before_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<int64_t> {
        pqxx::work tx(c);
        int64_t removed =
            tx.exec_params("DELETE FROM request_history WHERE account_id = $1 AND at_ms < $2", account_id, before_ms).affected_rows();
        removed += tx.exec_params("DELETE FROM inbox WHERE account_id = $1 AND received_at_ms < $2 AND state IN ('done', 'failed')",
                                  account_id, before_ms)
                       .affected_rows();
        removed += tx.exec_params("DELETE FROM telephony_calls WHERE account_id = $1 AND updated_at_ms < $2", account_id, before_ms).affected_rows();
        removed += tx.exec_params("DELETE FROM tracked_leads WHERE account_id = $1 AND updated_at_ms < $2", account_id, before_ms).affected_rows();
        tx.commit();
        return removed;
    });
}

Result<std::optional<std::pair<std::string, std::string>>> PgStore::inbox_event_state(int64_t account_id, int64_t id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<std::pair<std::string, std::string>>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT state, CASE WHEN state = 'done' THEN outcome ELSE last_error END FROM inbox"
                                   " WHERE account_id = $1 AND id = $2",
                                   account_id, id);
        if (rows.empty()) return std::optional<std::pair<std::string, std::string>>();
        return std::optional(std::pair{rows[0][0].as<std::string>(), rows[0][1].as<std::string>()});
    });
}

Result<std::vector<FailedEvent>> PgStore::failed_events_between(int64_t account_id, int64_t from_ms, int64_t to_ms, int32_t limit) {
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<FailedEvent>> {
        pqxx::read_transaction tx(c);
        std::vector<FailedEvent> out;
        for (const auto& row : tx.exec_params(std::string("SELECT ") + inbox_event_columns +
                                                  ", last_error FROM inbox WHERE account_id = $1 AND state = 'failed'"
                                                  " AND received_at_ms >= $2 AND received_at_ms < $3 ORDER BY id DESC LIMIT $4",
                                              account_id, from_ms, to_ms, limit))
            out.push_back(FailedEvent{event_from(row), row[11].as<std::string>()});
        return out;
    });
}

// [SECTION] reconciler -----------------------------------------------------------------------------------------
Result<int64_t> PgStore::last_webhook_at(int64_t account_id, int64_t company_id) {
    return with_connection([&](pqxx::connection& c) -> Result<int64_t> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT received_at_ms FROM inbox WHERE account_id = $1 AND company_id = $2 AND source = 'altegio'"
                                   " ORDER BY id DESC LIMIT 1",
                                   account_id, company_id);
        return rows.empty() ? int64_t{0} : rows[0][0].as<int64_t>();
    });
}

Result<std::string> PgStore::reconciler_watermark(int64_t account_id, int64_t company_id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::string> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT changed_after FROM reconciler_watermarks WHERE account_id = $1 AND company_id = $2",
                                   account_id, company_id);
        return rows.empty() ? std::string() : rows[0][0].as<std::string>();
    });
}

Result<void> PgStore::save_reconciler_watermark(int64_t account_id, int64_t company_id, const std::string& changed_after) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec_params("INSERT INTO reconciler_watermarks (account_id, company_id, changed_after) VALUES ($1, $2, $3)"
                       " ON CONFLICT (account_id, company_id) DO UPDATE SET changed_after = excluded.changed_after",
                       account_id, company_id, changed_after);
        tx.commit();
        return {};
    });
}

Result<std::vector<int64_t>> PgStore::installed_accounts() {
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<int64_t>> {
        pqxx::read_transaction tx(c);
        std::vector<int64_t> out;
        for (const auto& row : tx.exec("SELECT account_id FROM installations WHERE altegio_user_token_sealed <> '' ORDER BY account_id"))
            out.push_back(row[0].as<int64_t>());
        return out;
    });
}

// [SECTION] history --------------------------------------------------------------------------------------------
// A history entry alone is committed without waiting for the WAL flush (synchronous_commit off for this
// transaction): workers write one per outgoing call, and a crash of the database server may lose only the last
// few. Inbox rows always wait for the flush.
Result<void> PgStore::add_history(const HistoryEntry& e) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec("SET LOCAL synchronous_commit = off");
        insert_history(tx, e);
        tx.commit();
        return {};
    });
}

Result<std::vector<HistoryEntry>> PgStore::recent_history(int64_t account_id, int32_t limit) {
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<HistoryEntry>> {
        pqxx::read_transaction tx(c);
        std::vector<HistoryEntry> out;
        for (const auto& row : tx.exec_params(std::string("SELECT ") + history_columns +
                                                  " FROM request_history WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
                                              account_id, limit))
            out.push_back(history_from(row));
        return out;
    });
}

Result<std::vector<HistoryEntry>> PgStore::find_history(const HistoryQuery& q) {
    std::string types;
    for (const auto& type : q.types) types += (types.empty() ? "" : " OR ") + history_type_condition(type);
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<HistoryEntry>> {
        pqxx::read_transaction tx(c);
        std::vector<HistoryEntry> out;
        // Bodies are left out of the list (two empty texts keep the column order history_from reads).
        for (const auto& row : tx.exec_params(
                 "SELECT id, at_ms, account_id, direction, kind, method, target, status, error, '', '', duration_ms FROM request_history"
                 " WHERE account_id = $1 AND at_ms >= $2 AND at_ms < $3 AND ($4 = 0 OR id < $4)" +
                     (types.empty() ? std::string() : " AND (" + types + ")") + " ORDER BY id DESC LIMIT $5",
                 q.account_id, q.from_ms, q.to_ms, q.before_id, q.limit))
            out.push_back(history_from(row));
        return out;
    });
}

Result<std::optional<HistoryEntry>> PgStore::history_entry(int64_t account_id, int64_t id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<HistoryEntry>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params(std::string("SELECT ") + history_columns + " FROM request_history WHERE account_id = $1 AND id = $2",
                                   account_id, id);
        if (rows.empty()) return std::optional<HistoryEntry>();
        return std::optional<HistoryEntry>(history_from(rows[0]));
    });
}

Result<std::optional<int64_t>> PgStore::latest_history_at(int64_t account_id, const std::string& kind, int64_t since_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<int64_t>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT MAX(at_ms) FROM request_history WHERE account_id = $1 AND at_ms >= $2 AND kind = $3",
                                   account_id, since_ms, kind);
        if (rows.empty() || rows[0][0].is_null()) return std::optional<int64_t>();
        return std::optional<int64_t>(rows[0][0].as<int64_t>());
    });
}

// [SECTION] leases and shared rate places ----------------------------------------------------------------------
Result<bool> PgStore::take_lease(const std::string& name, int64_t now_ms, int64_t ttl_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<bool> {
        pqxx::work tx(c);
        auto taken = tx.exec_params(
            "INSERT INTO leases (name, holder, expires_at_ms) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE"
            " SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms"
            " WHERE leases.holder = excluded.holder OR leases.expires_at_ms <= $4",
            name, m_instance, now_ms + ttl_ms, now_ms);
        tx.commit();
        return taken.affected_rows() > 0;
    });
}

Result<bool> PgStore::first_use(const std::string& key, int64_t expires_at, int64_t now) {
    return with_connection([&](pqxx::connection& c) -> Result<bool> {
        pqxx::work tx(c);
        tx.exec_params("DELETE FROM used_keys WHERE expires_at < $1", now);   // keys that ran out
        auto inserted = tx.exec_params(
            "INSERT INTO used_keys (token_key, expires_at) VALUES ($1, $2) ON CONFLICT (token_key) DO UPDATE SET expires_at = excluded.expires_at"
            " WHERE used_keys.expires_at < $3",
            key, expires_at, now);
        tx.commit();
        return inserted.affected_rows() > 0;
    });
}

Result<void> PgStore::release_lease(const std::string& name) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec_params("DELETE FROM leases WHERE name = $1 AND holder = $2", name, m_instance);
        tx.commit();
        return {};
    });
}

// One key's places are counted and taken under a transaction-scoped advisory lock on the key, so two relays
// never both see the last free place.
Result<std::optional<int64_t>> PgStore::take_rate_place(const std::string& key, int32_t limit, int64_t now_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<int64_t>> {
        pqxx::work tx(c);
        tx.exec("SET LOCAL synchronous_commit = off");   // a lost place after a server crash only frees a call early
        tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", key);
        tx.exec_params("DELETE FROM rate_places WHERE key = $1 AND (answered_at_ms <= $2 OR (answered_at_ms IS NULL AND taken_at_ms <= $3))",
                       key, now_ms - 1000, now_ms - 60000);
        int64_t held = tx.exec_params("SELECT COUNT(*) FROM rate_places WHERE key = $1", key)[0][0].as<int64_t>();
        if (held >= limit) {
            tx.commit();
            return std::optional<int64_t>();
        }
        int64_t place = tx.exec_params("INSERT INTO rate_places (key, taken_at_ms) VALUES ($1, $2) RETURNING id", key, now_ms)[0][0]
                            .as<int64_t>();
        tx.commit();
        return std::optional<int64_t>(place);
    });
}

Result<void> PgStore::release_rate_place(int64_t place, int64_t now_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec("SET LOCAL synchronous_commit = off");
        tx.exec_params("UPDATE rate_places SET answered_at_ms = $1 WHERE id = $2", now_ms, place);
        tx.commit();
        return {};
    });
}

// [SECTION] Altegio Marketplace ----------------------------------------------------------------------------------
namespace {

Result<MarketplaceLocation> location_from(const pqxx::row& row, const crypto::SecretBox& box) {
    auto key = box.open(row[4].as<std::string>());
    if (!key) return tl::unexpected(key.error());
    return MarketplaceLocation{row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<int64_t>(), row[3].as<std::string>(), *key,
                               row[5].as<int64_t>(), row[6].as<int32_t>(), row[7].as<int64_t>(), row[8].as<std::string>(),
                               row[9].as<int64_t>()};
}
}  // namespace

Result<bool> PgStore::save_marketplace_user(const MarketplaceUser& u) {
    return with_connection([&](pqxx::connection& c) -> Result<bool> {
        pqxx::work tx(c);
        // xmax = 0 on the row RETURNING gives: inserted now, not updated.
        auto saved = tx.exec_params(
            "INSERT INTO marketplace_users (altegio_user_id, name, email, phone, registered_at_ms, last_seen_at_ms) VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (altegio_user_id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,"
            " last_seen_at_ms = excluded.last_seen_at_ms RETURNING (xmax = 0)",
            u.altegio_user_id, u.name, u.email, u.phone, u.registered_at_ms, u.last_seen_at_ms);
        tx.commit();
        return saved[0][0].as<bool>();
    });
}

Result<std::optional<MarketplaceUser>> PgStore::marketplace_user(int64_t altegio_user_id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<MarketplaceUser>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params("SELECT altegio_user_id, name, email, phone, registered_at_ms, last_seen_at_ms FROM marketplace_users"
                                   " WHERE altegio_user_id = $1",
                                   altegio_user_id);
        if (rows.empty()) return std::optional<MarketplaceUser>();
        const auto& r = rows[0];
        return std::optional<MarketplaceUser>(MarketplaceUser{r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                                                              r[3].as<std::string>(), r[4].as<int64_t>(), r[5].as<int64_t>()});
    });
}

Result<void> PgStore::save_marketplace_location(const MarketplaceLocation& l) {
    return with_connection([&](pqxx::connection& c) -> Result<void> {
        pqxx::work tx(c);
        tx.exec_params(std::string("INSERT INTO marketplace_locations (") + location_columns +
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (salon_id) DO UPDATE SET"
                           " salon_group_id = excluded.salon_group_id, altegio_user_id = excluded.altegio_user_id, state = excluded.state,"
                           " api_key_sealed = excluded.api_key_sealed, redirected_at_ms = excluded.redirected_at_ms,"
                           " attempts = excluded.attempts, next_attempt_at_ms = excluded.next_attempt_at_ms,"
                           " last_error = excluded.last_error, updated_at_ms = excluded.updated_at_ms",
                       l.salon_id, l.salon_group_id, l.altegio_user_id, l.state, m_box.seal(l.key_seed), l.redirected_at_ms, l.attempts,
                       l.next_attempt_at_ms, l.last_error, l.updated_at_ms);
        tx.commit();
        return {};
    });
}

Result<std::optional<MarketplaceLocation>> PgStore::marketplace_location(int64_t salon_id) {
    return with_connection([&](pqxx::connection& c) -> Result<std::optional<MarketplaceLocation>> {
        pqxx::read_transaction tx(c);
        auto rows = tx.exec_params(std::string("SELECT ") + location_columns + " FROM marketplace_locations WHERE salon_id = $1", salon_id);
        if (rows.empty()) return std::optional<MarketplaceLocation>();
        auto location = location_from(rows[0], m_box);
        if (!location) return tl::unexpected(location.error());
        return std::optional<MarketplaceLocation>(*location);
    });
}

Result<std::vector<MarketplaceLocation>> PgStore::due_marketplace_activations(int64_t now_ms) {
    return with_connection([&](pqxx::connection& c) -> Result<std::vector<MarketplaceLocation>> {
        pqxx::read_transaction tx(c);
        std::vector<MarketplaceLocation> out;
        for (const auto& row : tx.exec_params(std::string("SELECT ") + location_columns +
                                                  " FROM marketplace_locations WHERE state = 'pending' AND next_attempt_at_ms <= $1"
                                                  " ORDER BY redirected_at_ms",
                                              now_ms)) {
            auto location = location_from(row, m_box);
            if (!location) return tl::unexpected(location.error());
            out.push_back(*location);
        }
        return out;
    });
}

// [SECTION] telephony ---------------------------------------------------------------------------------------------
namespace {
Result<TelephonyChain> chain_from(const pqxx::row& row, const crypto::SecretBox& box) {
    auto token = box.open(row[3].as<std::string>());
    if (!token) return tl::unexpected(token.error());
    TelephonyChain c;
    c.key = row[0].as<std::string>();
    c.account_id = row[1].as<int64_t>();
    c.name = row[2].as<std::string>();
    c.crm_token = *token;
    c.numbers = split_lines(row[4].as<std::string>());
    c.new_lead_for_unknown = row[5].as<bool>();
    c.enabled = row[6].as<bool>();
    c.error_key = row[7].as<std::string>();
    c.error_detail = row[8].as<std::string>();
    c.created_at_ms = row[9].as<int64_t>();
    c.updated_at_ms = row[10].as<int64_t>();
    c.last_call_at_ms = row[11].as<int64_t>();
    return c;
}
}  // namespace

Result<void> PgStore::save_telephony_chain(const TelephonyChain& c) {
    return with_connection([&](pqxx::connection& db) -> Result<void> {
        pqxx::work tx(db);
        tx.exec_params(std::string("INSERT INTO telephony_chains (") + telephony_chain_columns +
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)" + telephony_chain_upsert_tail,
                       c.key, c.account_id, c.name, m_box.seal(c.crm_token), join_lines(c.numbers), c.new_lead_for_unknown, c.enabled,
                       c.error_key, c.error_detail, c.created_at_ms, c.updated_at_ms);
        tx.commit();
        return {};
    });
}

Result<std::optional<TelephonyChain>> PgStore::telephony_chain(const std::string& key) {
    return with_connection([&](pqxx::connection& db) -> Result<std::optional<TelephonyChain>> {
        pqxx::read_transaction tx(db);
        auto rows = tx.exec_params(std::string(telephony_chain_select) + " WHERE c.chain_key = $1", key);
        if (rows.empty()) return std::optional<TelephonyChain>();
        auto chain = chain_from(rows[0], m_box);
        if (!chain) return tl::unexpected(chain.error());
        return std::optional<TelephonyChain>(*chain);
    });
}

Result<std::vector<TelephonyChain>> PgStore::telephony_chains(int64_t account_id) {
    return with_connection([&](pqxx::connection& db) -> Result<std::vector<TelephonyChain>> {
        pqxx::read_transaction tx(db);
        std::vector<TelephonyChain> out;
        for (const auto& row :
             tx.exec_params(std::string(telephony_chain_select) + " WHERE c.account_id = $1 ORDER BY c.created_at_ms, c.chain_key", account_id)) {
            auto chain = chain_from(row, m_box);
            if (!chain) return tl::unexpected(chain.error());
            out.push_back(*chain);
        }
        return out;
    });
}

Result<bool> PgStore::delete_telephony_chain(int64_t account_id, const std::string& key) {
    return with_connection([&](pqxx::connection& db) -> Result<bool> {
        pqxx::work tx(db);
        bool existed = tx.exec_params("DELETE FROM telephony_chains WHERE account_id = $1 AND chain_key = $2", account_id, key).affected_rows() > 0;
        if (existed) tx.exec_params("DELETE FROM telephony_calls WHERE chain_key = $1", key);
        tx.commit();
        return existed;
    });
}

Result<std::optional<TelephonyCall>> PgStore::telephony_call(const std::string& chain_key, const std::string& call_id) {
    return with_connection([&](pqxx::connection& db) -> Result<std::optional<TelephonyCall>> {
        pqxx::read_transaction tx(db);
        auto rows = tx.exec_params("SELECT account_id, record_json, updated_at_ms FROM telephony_calls WHERE chain_key = $1 AND call_id = $2",
                                   chain_key, call_id);
        if (rows.empty()) return std::optional<TelephonyCall>();
        return std::optional<TelephonyCall>(
            TelephonyCall{chain_key, call_id, rows[0][0].as<int64_t>(), rows[0][1].as<std::string>(), rows[0][2].as<int64_t>()});
    });
}

Result<void> PgStore::save_telephony_call(const TelephonyCall& call) {
    return with_connection([&](pqxx::connection& db) -> Result<void> {
        pqxx::work tx(db);
        tx.exec_params("INSERT INTO telephony_calls (chain_key, call_id, account_id, record_json, updated_at_ms) VALUES ($1, $2, $3, $4, $5)"
                       " ON CONFLICT (chain_key, call_id) DO UPDATE SET record_json = excluded.record_json, updated_at_ms = excluded.updated_at_ms",
                       call.chain_key, call.call_id, call.account_id, call.record_json, call.updated_at_ms);
        tx.commit();
        return {};
    });
}

// [SECTION] lead tracking -----------------------------------------------------------------------------------------
Result<std::optional<TrackedLeadRow>> PgStore::tracked_lead(int64_t account_id, const std::string& lead_id) {
    return with_connection([&](pqxx::connection& db) -> Result<std::optional<TrackedLeadRow>> {
        pqxx::read_transaction tx(db);
        auto rows = tx.exec_params("SELECT record_json, next_search_ms, updated_at_ms FROM tracked_leads WHERE account_id = $1 AND lead_id = $2",
                                   account_id, lead_id);
        if (rows.empty()) return std::optional<TrackedLeadRow>();
        return std::optional<TrackedLeadRow>(
            TrackedLeadRow{account_id, lead_id, rows[0][0].as<std::string>(), rows[0][1].as<int64_t>(), rows[0][2].as<int64_t>()});
    });
}

Result<void> PgStore::save_tracked_lead(const TrackedLeadRow& row) {
    return with_connection([&](pqxx::connection& db) -> Result<void> {
        pqxx::work tx(db);
        tx.exec_params("INSERT INTO tracked_leads (account_id, lead_id, record_json, next_search_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5)"
                       " ON CONFLICT (account_id, lead_id) DO UPDATE SET record_json = excluded.record_json,"
                       " next_search_ms = excluded.next_search_ms, updated_at_ms = excluded.updated_at_ms",
                       row.account_id, row.lead_id, row.record_json, row.next_search_ms, row.updated_at_ms);
        tx.commit();
        return {};
    });
}

Result<std::vector<TrackedLeadRow>> PgStore::due_tracking_searches(int64_t now_ms, int32_t limit) {
    return with_connection([&](pqxx::connection& db) -> Result<std::vector<TrackedLeadRow>> {
        pqxx::read_transaction tx(db);
        std::vector<TrackedLeadRow> out;
        for (const auto& row : tx.exec_params("SELECT account_id, lead_id, record_json, next_search_ms, updated_at_ms FROM tracked_leads"
                                              " WHERE next_search_ms > 0 AND next_search_ms <= $1 ORDER BY next_search_ms LIMIT $2",
                                              now_ms, limit))
            out.push_back(TrackedLeadRow{row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<int64_t>(),
                                         row[4].as<int64_t>()});
        return out;
    });
}

}  // namespace kb::store
