#include "relay/store/sqlite/sqlite_store.hpp"

#include "relay/store/history_types.hpp"
#include "relay/store/telephony_sql.hpp"
#include "relay/store/instance_id.hpp"
#include "relay/store/sql_shared.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

namespace kb::store {

using sql::booking_columns;
using sql::history_columns;
using sql::inbox_event_columns;
using sql::location_columns;
using sql::now_seconds;

extern const std::vector<std::pair<int, const char*>> sqlite_migrations;  // generated from migrations/*.sql

namespace {

InboxEvent event_from(SQLite::Statement& row) {
    InboxEvent e;
    e.id = row.getColumn(0).getInt64();
    e.account_id = row.getColumn(1).getInt64();
    e.source = row.getColumn(2).getString();
    e.company_id = row.getColumn(3).getInt64();
    e.resource = row.getColumn(4).getString();
    e.resource_id = row.getColumn(5).getInt64();
    e.event_type = row.getColumn(6).getString();
    e.dedupe_key = row.getColumn(7).getString();
    e.body = row.getColumn(8).getString();
    e.received_at_ms = row.getColumn(9).getInt64();
    e.attempts = row.getColumn(10).getInt();
    return e;
}

tl::unexpected<Error> db_error(const std::exception& e) {
    return fail(Errc::internal, "ui.error.storage", std::string("database: ") + e.what());
}

// A statement prepared once and kept in `kept`, in use for one call: made ready when taken and reset when the use
// ends, by a return or by an exception. tryReset, never reset: a step that failed ("database is locked") leaves the
// statement in progress, and SQLite then keeps the connection's implicit transaction open, so nothing written on
// that connection afterwards is committed, and a COMMIT fails with "SQL statements in progress". A read left open
// would hold back checkpoints the same way.
class KeptStatement {
public:
    KeptStatement(std::unique_ptr<SQLite::Statement>& kept, SQLite::Database& db, const char* sql) {
        if (!kept) kept = std::make_unique<SQLite::Statement>(db, sql);
        m_statement = kept.get();
        m_statement->tryReset();
    }
    ~KeptStatement() { m_statement->tryReset(); }
    KeptStatement(const KeptStatement&) = delete;
    KeptStatement& operator=(const KeptStatement&) = delete;
    SQLite::Statement* operator->() const { return m_statement; }

private:
    SQLite::Statement* m_statement;
};

// Runs `body` and turns a SQLiteCpp exception into an error value.
template <class Body>
auto guarded(Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const std::exception& e) {
        return db_error(e);
    }
}

// Brings the database up to this binary's schema. A database a newer relay has already migrated is refused,
// not used: this binary would misread what the newer one wrote (a rollback needs the backup taken before).
Result<void> apply_migrations(SQLite::Database& db, const std::string& path) {
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    int64_t known = 0;
    for (const auto& migration : sqlite_migrations) known = std::max<int64_t>(known, migration.first);
    int64_t found = 0;
    {
        SQLite::Statement newest(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        if (newest.executeStep()) found = newest.getColumn(0).getInt64();
    }   // finalised here: an open read would keep the migrations' schema changes waiting
    if (found > known)
        return fail(Errc::not_configured, "ui.error.storage",
                    "the database " + path + " has schema version " + std::to_string(found) + ", newer than this relay knows (" +
                        std::to_string(known) + "): run the relay that wrote it, or restore the backup taken before that upgrade");
    for (const auto& [version, sql] : sqlite_migrations) {
        SQLite::Statement seen(db, "SELECT 1 FROM schema_migrations WHERE version = ?");
        seen.bind(1, version);
        if (seen.executeStep()) continue;
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(sql);
        SQLite::Statement mark(db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
        mark.bind(1, version);
        mark.bind(2, now_seconds());
        mark.exec();
        transaction.commit();
    }
    return {};
}

Booking read_booking(SQLite::Statement& row) {
    Booking b;
    b.account_id = row.getColumn(0).getInt64();
    b.request_key = row.getColumn(1).getString();
    b.lead_id = row.getColumn(2).getInt64();
    b.company_id = row.getColumn(3).getInt64();
    b.api_id = row.getColumn(4).getString();
    b.state = row.getColumn(5).getString();
    b.record_id = row.getColumn(6).getInt64();
    b.result_json = row.getColumn(7).getString();
    b.request_json = row.getColumn(8).getString();
    return b;
}

int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

template <class Body>
auto SqliteStore::write(Body&& body) -> decltype(body()) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> decltype(body()) {
        SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
        auto result = body();
        if (!result) return result;   // rolled back
        transaction.commit();
        m_committed_at_ms = steady_ms();
        return result;
    });
}

SqliteStore::SqliteStore(std::unique_ptr<SQLite::Database> db, std::unique_ptr<SQLite::Database> reader,
                         std::unique_ptr<SQLite::Database> health, crypto::SecretBox box)
    : m_db(std::move(db)), m_box(box), m_instance(new_instance_id()), m_reader(std::move(reader)), m_health(std::move(health)) {}
SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, crypto::SecretBox box) {
    return guarded([&]() -> Result<std::unique_ptr<SqliteStore>> {
        auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA synchronous = FULL");   // a 2xx must mean the row survives a power cut
        db->exec("PRAGMA foreign_keys = ON");
        db->setBusyTimeout(5000);
        if (auto migrated = apply_migrations(*db, path); !migrated) return tl::unexpected(migrated.error());
        auto reader = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX);
        reader->setBusyTimeout(5000);
        auto health = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_FULLMUTEX);
        health->setBusyTimeout(1000);
        return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db), std::move(reader), std::move(health), box));
    });
}

Result<void> SqliteStore::save_installation(const Installation& i) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement upsert(*m_db,
            "INSERT INTO installations (account_id, subdomain, api_base_url, access_token_sealed, refresh_token_sealed,"
            " access_expires_at, altegio_user_token_sealed, webhook_key, settings_json, installed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id) DO UPDATE SET subdomain = excluded.subdomain, api_base_url = excluded.api_base_url,"
            " access_token_sealed = excluded.access_token_sealed, refresh_token_sealed = excluded.refresh_token_sealed,"
            " access_expires_at = excluded.access_expires_at, altegio_user_token_sealed = excluded.altegio_user_token_sealed,"
            " webhook_key = excluded.webhook_key, settings_json = excluded.settings_json");
        upsert.bind(1, i.account_id);
        upsert.bind(2, i.subdomain);
        upsert.bind(3, i.api_base_url);
        upsert.bind(4, m_box.seal(i.access_token));
        upsert.bind(5, m_box.seal(i.refresh_token));
        upsert.bind(6, i.access_expires_at);
        upsert.bind(7, i.altegio_user_token.empty() ? std::string() : m_box.seal(i.altegio_user_token));
        upsert.bind(8, i.webhook_key);
        upsert.bind(9, i.settings_json);
        upsert.bind(10, i.installed_at != 0 ? i.installed_at : now_seconds());
        upsert.exec();
        return {};
    });
}

Result<std::optional<Installation>> SqliteStore::read_installation(const char* where_clause,
                                                                   const std::function<void(SQLite::Statement&)>& bind) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::optional<Installation>> {
        SQLite::Statement query(*m_reader, std::string(
            "SELECT account_id, subdomain, api_base_url, access_token_sealed, refresh_token_sealed, access_expires_at,"
            " altegio_user_token_sealed, webhook_key, settings_json, installed_at, settings_revision FROM installations WHERE ") + where_clause);
        bind(query);
        if (!query.executeStep()) return std::nullopt;
        Installation i;
        i.account_id = query.getColumn(0).getInt64();
        i.subdomain = query.getColumn(1).getString();
        i.api_base_url = query.getColumn(2).getString();
        auto access = m_box.open(query.getColumn(3).getString());
        auto refresh = m_box.open(query.getColumn(4).getString());
        if (!access || !refresh) return tl::unexpected(access ? refresh.error() : access.error());
        i.access_token = *access;
        i.refresh_token = *refresh;
        i.access_expires_at = query.getColumn(5).getInt64();
        if (std::string sealed = query.getColumn(6).getString(); !sealed.empty()) {
            auto user_token = m_box.open(sealed);
            if (!user_token) return tl::unexpected(user_token.error());
            i.altegio_user_token = *user_token;
        }
        i.webhook_key = query.getColumn(7).getString();
        i.settings_json = query.getColumn(8).getString();
        i.installed_at = query.getColumn(9).getInt64();
        i.settings_revision = query.getColumn(10).getInt64();
        return i;
    });
}

Result<std::optional<Installation>> SqliteStore::find_installation(int64_t account_id) {
    return read_installation("account_id = ?", [&](SQLite::Statement& q) { q.bind(1, account_id); });
}

Result<std::optional<int64_t>> SqliteStore::account_of_webhook_key(const std::string& key) {
    if (key.empty()) return std::optional<int64_t>();
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::optional<int64_t>> {
        KeptStatement query(m_account_by_key, *m_reader, "SELECT account_id FROM installations WHERE webhook_key = ?");
        query->bind(1, key);
        std::optional<int64_t> account;
        if (query->executeStep()) account = query->getColumn(0).getInt64();
        return account;
    });
}

Result<std::optional<std::string>> SqliteStore::webhook_seed(int64_t account_id) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::optional<std::string>> {
        KeptStatement query(m_seed_of_account, *m_reader, "SELECT webhook_key FROM installations WHERE account_id = ?");
        query->bind(1, account_id);
        std::optional<std::string> seed;
        if (query->executeStep()) seed = query->getColumn(0).getString();
        return seed;
    });
}

Result<void> SqliteStore::save_kommo_tokens(int64_t account_id, const std::string& access_token,
                                            const std::string& refresh_token, int64_t access_expires_at) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement update(*m_db,
            "UPDATE installations SET access_token_sealed = ?, refresh_token_sealed = ?, access_expires_at = ? WHERE account_id = ?");
        update.bind(1, m_box.seal(access_token));
        update.bind(2, m_box.seal(refresh_token));
        update.bind(3, access_expires_at);
        update.bind(4, account_id);
        if (update.exec() != 1) return fail(Errc::not_found, "ui.error.not_installed", "no installation for the account");
        return {};
    });
}

Result<void> SqliteStore::save_altegio_token(int64_t account_id, const std::string& user_token) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement update(*m_db, "UPDATE installations SET altegio_user_token_sealed = ? WHERE account_id = ?");
        update.bind(1, m_box.seal(user_token));
        update.bind(2, account_id);
        if (update.exec() != 1) return fail(Errc::not_found, "ui.error.not_installed", "no installation for the account");
        return {};
    });
}

// [SECTION] settings versions, uninstall and user links ----------------------------------------------------------
Result<bool> SqliteStore::delete_installation(int64_t account_id) {
    return write([&]() -> Result<bool> {
        SQLite::Statement remove(*m_db, "DELETE FROM installations WHERE account_id = ?");
        remove.bind(1, account_id);
        bool existed = remove.exec() == 1;
        for (const char* sql : {"DELETE FROM user_links WHERE account_id = ?", "DELETE FROM telephony_calls WHERE account_id = ?",
                                "DELETE FROM telephony_chains WHERE account_id = ?", "DELETE FROM tracked_leads WHERE account_id = ?"}) {
            SQLite::Statement related(*m_db, sql);
            related.bind(1, account_id);
            related.exec();
        }
        return existed;
    });
}

Result<int64_t> SqliteStore::save_settings(int64_t account_id, int64_t base_revision, const std::string& settings_json,
                                           int64_t user_id, int64_t at_ms) {
    return write([&]() -> Result<int64_t> {
        SQLite::Statement current(*m_db, "SELECT settings_revision FROM installations WHERE account_id = ?");
        current.bind(1, account_id);
        if (!current.executeStep()) return fail(Errc::not_found, "ui.error.not_installed", "no installation for the account");
        if (current.getColumn(0).getInt64() != base_revision)
            return fail(Errc::conflict, "ui.error.settings_conflict",
                        "settings were saved meanwhile (revision " + std::to_string(current.getColumn(0).getInt64()) + ")");
        // Revisions keep counting across a reinstall: the versions table outlives the installation row.
        SQLite::Statement newest(*m_db, "SELECT COALESCE(MAX(revision), 0) FROM settings_versions WHERE account_id = ?");
        newest.bind(1, account_id);
        newest.executeStep();
        int64_t revision = std::max(base_revision, newest.getColumn(0).getInt64()) + 1;
        SQLite::Statement insert(*m_db,
            "INSERT INTO settings_versions (account_id, revision, settings_json, saved_at_ms, saved_by_user) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, account_id);
        insert.bind(2, revision);
        insert.bind(3, settings_json);
        insert.bind(4, at_ms);
        insert.bind(5, user_id);
        insert.exec();
        SQLite::Statement update(*m_db, "UPDATE installations SET settings_json = ?, settings_revision = ? WHERE account_id = ?");
        update.bind(1, settings_json);
        update.bind(2, revision);
        update.bind(3, account_id);
        update.exec();
        return revision;
    });
}

namespace {
SettingsVersion version_from(SQLite::Statement& row) {
    return SettingsVersion{row.getColumn(0).getInt64(), row.getColumn(1).getString(), row.getColumn(2).getInt64(),
                           row.getColumn(3).getInt64()};
}
}  // namespace

Result<std::vector<SettingsVersion>> SqliteStore::settings_versions(int64_t account_id, int32_t limit) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::vector<SettingsVersion>> {
        SQLite::Statement query(*m_reader,
            "SELECT revision, settings_json, saved_at_ms, saved_by_user FROM settings_versions WHERE account_id = ?"
            " ORDER BY revision DESC LIMIT ?");
        query.bind(1, account_id);
        query.bind(2, limit);
        std::vector<SettingsVersion> out;
        while (query.executeStep()) out.push_back(version_from(query));
        return out;
    });
}

Result<std::optional<SettingsVersion>> SqliteStore::settings_version(int64_t account_id, int64_t revision) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::optional<SettingsVersion>> {
        SQLite::Statement query(*m_reader,
            "SELECT revision, settings_json, saved_at_ms, saved_by_user FROM settings_versions WHERE account_id = ? AND revision = ?");
        query.bind(1, account_id);
        query.bind(2, revision);
        if (!query.executeStep()) return std::nullopt;
        return version_from(query);
    });
}

Result<void> SqliteStore::save_user_link(int64_t account_id, const UserLink& link) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement upsert(*m_db,
            "INSERT INTO user_links (account_id, kommo_user_id, altegio_user_id, altegio_user_name, user_token_sealed, checked_at_ms)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, kommo_user_id) DO UPDATE SET altegio_user_id = excluded.altegio_user_id,"
            " altegio_user_name = excluded.altegio_user_name, user_token_sealed = excluded.user_token_sealed,"
            " checked_at_ms = excluded.checked_at_ms");
        upsert.bind(1, account_id);
        upsert.bind(2, link.kommo_user_id);
        upsert.bind(3, link.altegio_user_id);
        upsert.bind(4, link.altegio_user_name);
        upsert.bind(5, m_box.seal(link.user_token));
        upsert.bind(6, link.checked_at_ms);
        upsert.exec();
        return {};
    });
}

Result<std::vector<UserLink>> SqliteStore::user_links(int64_t account_id) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::vector<UserLink>> {
        SQLite::Statement query(*m_reader,
            "SELECT kommo_user_id, altegio_user_id, altegio_user_name, user_token_sealed, checked_at_ms FROM user_links"
            " WHERE account_id = ? ORDER BY kommo_user_id");
        query.bind(1, account_id);
        std::vector<UserLink> out;
        while (query.executeStep()) {
            auto token = m_box.open(query.getColumn(3).getString());
            if (!token) return tl::unexpected(token.error());
            out.push_back(UserLink{query.getColumn(0).getInt64(), query.getColumn(1).getInt64(), query.getColumn(2).getString(),
                                   *token, query.getColumn(4).getInt64()});
        }
        return out;
    });
}

Result<Booking> SqliteStore::claim_booking(const Booking& fresh) {
    return write([&]() -> Result<Booking> {
        SQLite::Statement insert(*m_db,
            "INSERT INTO bookings (account_id, request_key, lead_id, company_id, api_id, state, record_id, result_json,"
            " request_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, request_key) DO NOTHING");
        insert.bind(1, fresh.account_id);
        insert.bind(2, fresh.request_key);
        insert.bind(3, fresh.lead_id);
        insert.bind(4, fresh.company_id);
        insert.bind(5, fresh.api_id);
        insert.bind(6, fresh.state);
        insert.bind(7, fresh.record_id);
        insert.bind(8, fresh.result_json);
        insert.bind(9, fresh.request_json);
        insert.bind(10, now_seconds());
        insert.bind(11, now_seconds());
        insert.exec();
        SQLite::Statement query(*m_db, std::string("SELECT ") + booking_columns +
                                           " FROM bookings WHERE account_id = ? AND request_key = ?");
        query.bind(1, fresh.account_id);
        query.bind(2, fresh.request_key);
        if (!query.executeStep()) return fail(Errc::internal, "ui.error.storage", "booking vanished");
        Booking stored = read_booking(query);
        return stored;
    });
}

Result<void> SqliteStore::update_booking(const Booking& b) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement update(*m_db,
            "UPDATE bookings SET state = ?, record_id = ?, result_json = ?, updated_at = ? WHERE account_id = ? AND request_key = ?");
        update.bind(1, b.state);
        update.bind(2, b.record_id);
        update.bind(3, b.result_json);
        update.bind(4, now_seconds());
        update.bind(5, b.account_id);
        update.bind(6, b.request_key);
        update.exec();
        return {};
    });
}

Result<void> SqliteStore::save_record_link(int64_t account_id, int64_t company_id, int64_t record_id, int64_t lead_id) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement upsert(*m_db,
            "INSERT INTO record_links (account_id, company_id, record_id, lead_id, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, company_id, record_id) DO UPDATE SET lead_id = excluded.lead_id");
        upsert.bind(1, account_id);
        upsert.bind(2, company_id);
        upsert.bind(3, record_id);
        upsert.bind(4, lead_id);
        upsert.bind(5, now_seconds());
        upsert.exec();
        return {};
    });
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::records_of_lead(int64_t account_id, int64_t lead_id) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::vector<std::pair<int64_t, int64_t>>> {
        SQLite::Statement query(*m_db,
            "SELECT company_id, record_id FROM record_links WHERE account_id = ? AND lead_id = ? ORDER BY record_id");
        query.bind(1, account_id);
        query.bind(2, lead_id);
        std::vector<std::pair<int64_t, int64_t>> out;
        while (query.executeStep()) out.emplace_back(query.getColumn(0).getInt64(), query.getColumn(1).getInt64());
        return out;
    });
}

Result<std::optional<int64_t>> SqliteStore::lead_of_record(int64_t account_id, int64_t company_id, int64_t record_id) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::optional<int64_t>> {
        SQLite::Statement query(*m_db, "SELECT lead_id FROM record_links WHERE account_id = ? AND company_id = ? AND record_id = ?");
        query.bind(1, account_id);
        query.bind(2, company_id);
        query.bind(3, record_id);
        if (!query.executeStep()) return std::nullopt;
        return query.getColumn(0).getInt64();
    });
}

// [SECTION] inbox ------------------------------------------------------------------------------------------------
int32_t SqliteStore::insert_inbox_rows(const std::vector<InboxEvent>& events) {
    KeptStatement insert(m_insert_inbox, *m_db,
        "INSERT INTO inbox (account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body, received_at_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING");
    int32_t added = 0;
    for (const auto& e : events) {
        insert->bind(1, e.account_id);
        insert->bind(2, e.source);
        insert->bind(3, e.company_id);
        insert->bind(4, e.resource);
        insert->bind(5, e.resource_id);
        insert->bind(6, e.event_type);
        insert->bind(7, e.dedupe_key);
        insert->bind(8, e.body);
        insert->bind(9, e.received_at_ms);
        added += insert->exec();
        insert->reset();
    }
    return added;
}

Result<int32_t> SqliteStore::append_to_inbox(const std::vector<InboxEvent>& events) {
    return write([&]() -> Result<int32_t> {
        int32_t added = insert_inbox_rows(events);
        return added;
    });
}

// Group commit: webhooks arriving while another commit is on its way to disk wait, and the next commit
// takes all of them, so concurrent senders share one fsync instead of queueing for one each.
Result<int32_t> SqliteStore::append_webhook(const std::vector<InboxEvent>& events, const HistoryEntry& received) {
    PendingWebhook mine{&events, &received, false, 0, std::nullopt};
    std::unique_lock group(m_group_mutex);
    m_group_waiting.push_back(&mine);
    while (!mine.done) {
        if (m_group_writing) {
            m_group_written.wait(group);
            continue;
        }
        m_group_writing = true;
        std::vector<PendingWebhook*> batch;
        batch.swap(m_group_waiting);
        group.unlock();
        auto written = [&] {
            return write([&]() -> Result<void> {
                for (auto* w : batch) {
                    w->added = insert_inbox_rows(*w->events);
                    insert_history(*w->received);
                }
                return {};
            });
        }();
        group.lock();
        for (auto* w : batch) {
            w->done = true;
            if (!written) w->error = written.error();
        }
        m_group_writing = false;
        m_group_written.notify_all();
    }
    if (mine.error) return tl::unexpected(*mine.error);
    return mine.added;
}

Result<std::optional<InboxEvent>> SqliteStore::claim_inbox_event(int64_t now_ms) {
    return write([&]() -> Result<std::optional<InboxEvent>> {
        SQLite::Statement query(*m_db, std::string("SELECT ") + inbox_event_columns +
            " FROM inbox AS i INDEXED BY inbox_pending_by_id WHERE state = 'pending' AND next_attempt_at_ms <= ?"
            " AND NOT EXISTS (SELECT 1 FROM inbox AS e WHERE e.company_id = i.company_id AND e.resource = i.resource"
            "                 AND e.resource_id = i.resource_id AND e.id < i.id AND e.state IN ('pending', 'processing'))"
            " ORDER BY id LIMIT 1");
        query.bind(1, now_ms);
        if (!query.executeStep()) return std::nullopt;
        InboxEvent e = event_from(query);
        query.reset();
        SQLite::Statement claim(*m_db, "UPDATE inbox SET state = 'processing', attempts = attempts + 1, claimed_by = ? WHERE id = ?");
        claim.bind(1, m_instance);
        claim.bind(2, e.id);
        claim.exec();
        e.attempts += 1;
        return e;
    });
}

Result<void> SqliteStore::finish_inbox_event(int64_t id, InboxOutcome outcome, const std::string& note, int64_t next_attempt_at_ms) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        const char* state = outcome == InboxOutcome::done ? "done" : outcome == InboxOutcome::retry ? "pending" : "failed";
        SQLite::Statement update(*m_db,
            outcome == InboxOutcome::done
                ? "UPDATE inbox SET state = ?, outcome = ?, next_attempt_at_ms = ? WHERE id = ?"
                : "UPDATE inbox SET state = ?, last_error = ?, next_attempt_at_ms = ? WHERE id = ?");
        update.bind(1, state);
        update.bind(2, note);
        update.bind(3, next_attempt_at_ms);
        update.bind(4, id);
        update.exec();
        return {};
    });
}

Result<int32_t> SqliteStore::requeue_interrupted_events() {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<int32_t> { return m_db->exec("UPDATE inbox SET state = 'pending' WHERE state = 'processing'"); });
}

Result<int32_t> SqliteStore::requeue_abandoned_events(int64_t now_ms) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<int32_t> {
        SQLite::Statement update(*m_db,
            "UPDATE inbox SET state = 'pending' WHERE state = 'processing' AND claimed_by != ? AND NOT EXISTS"
            " (SELECT 1 FROM leases WHERE name = 'relay:' || inbox.claimed_by AND expires_at_ms > ?)");
        update.bind(1, m_instance);
        update.bind(2, now_ms);
        return update.exec();
    });
}

Result<int32_t> SqliteStore::hand_back_claimed_events(const std::vector<int64_t>& still_working) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<int32_t> {
        std::string sql = "UPDATE inbox SET state = 'pending' WHERE state = 'processing' AND claimed_by = ?";
        if (!still_working.empty()) {
            sql += " AND id NOT IN (?";
            for (size_t i = 1; i < still_working.size(); ++i) sql += ", ?";
            sql += ")";
        }
        SQLite::Statement update(*m_db, sql);
        update.bind(1, m_instance);
        for (size_t i = 0; i < still_working.size(); ++i) update.bind(static_cast<int>(i) + 2, still_working[i]);
        return update.exec();
    });
}

Result<int64_t> SqliteStore::applied_change(int64_t account_id, int64_t company_id, int64_t record_id) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<int64_t> {
        SQLite::Statement query(*m_db, "SELECT changed_at FROM applied_changes WHERE account_id = ? AND company_id = ? AND record_id = ?");
        query.bind(1, account_id);
        query.bind(2, company_id);
        query.bind(3, record_id);
        return query.executeStep() ? query.getColumn(0).getInt64() : int64_t{0};
    });
}

Result<void> SqliteStore::save_applied_change(int64_t account_id, int64_t company_id, int64_t record_id, int64_t changed_at) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement upsert(*m_db,
            "INSERT INTO applied_changes (account_id, company_id, record_id, changed_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (account_id, company_id, record_id) DO UPDATE SET changed_at = MAX(changed_at, excluded.changed_at)");
        upsert.bind(1, account_id);
        upsert.bind(2, company_id);
        upsert.bind(3, record_id);
        upsert.bind(4, changed_at);
        upsert.exec();
        return {};
    });
}

Result<std::vector<FailedEvent>> SqliteStore::failed_inbox_events(int64_t account_id, int32_t limit) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::vector<FailedEvent>> {
        SQLite::Statement query(*m_db, std::string("SELECT ") + inbox_event_columns + ", last_error"
                                       " FROM inbox WHERE account_id = ? AND state = 'failed' ORDER BY id DESC LIMIT ?");
        query.bind(1, account_id);
        query.bind(2, limit);
        std::vector<FailedEvent> out;
        while (query.executeStep()) out.push_back(FailedEvent{event_from(query), query.getColumn(11).getString()});
        return out;
    });
}

Result<std::optional<std::string>> SqliteStore::repeat_inbox_event(int64_t account_id, int64_t id, int64_t now_ms) {
    return write([&]() -> Result<std::optional<std::string>> {
        SQLite::Statement update(*m_db,
            "UPDATE inbox SET state = 'pending', next_attempt_at_ms = ? WHERE id = ? AND account_id = ? AND state = 'failed'");
        update.bind(1, now_ms);
        update.bind(2, id);
        update.bind(3, account_id);
        update.exec();
        SQLite::Statement query(*m_db, "SELECT state FROM inbox WHERE id = ? AND account_id = ?");
        query.bind(1, id);
        query.bind(2, account_id);
        std::optional<std::string> state;
        if (query.executeStep()) state = query.getColumn(0).getString();
        query.reset();
        return state;
    });
}

Result<int64_t> SqliteStore::prune(int64_t account_id, int64_t before_ms) {
    return write([&]() -> Result<int64_t> {
        SQLite::Statement history(*m_db, "DELETE FROM request_history WHERE account_id = ? AND at_ms < ?");
        history.bind(1, account_id);
        history.bind(2, before_ms);
        int64_t removed = history.exec();
        SQLite::Statement inbox(*m_db, "DELETE FROM inbox WHERE account_id = ? AND received_at_ms < ? AND state IN ('done', 'failed')");
        inbox.bind(1, account_id);
        inbox.bind(2, before_ms);
        removed += inbox.exec();
        for (const char* sql : {"DELETE FROM telephony_calls WHERE account_id = ? AND updated_at_ms < ?",
                                "DELETE FROM tracked_leads WHERE account_id = ? AND updated_at_ms < ?"}) {
            SQLite::Statement old(*m_db, sql);
            old.bind(1, account_id);
            old.bind(2, before_ms);
            removed += old.exec();
        }
        return removed;
    });
}

Result<std::vector<int64_t>> SqliteStore::accounts_with_history() {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::vector<int64_t>> {
        SQLite::Statement query(*m_db, "SELECT DISTINCT account_id FROM request_history UNION SELECT DISTINCT account_id FROM inbox");
        std::vector<int64_t> accounts;
        while (query.executeStep()) accounts.push_back(query.getColumn(0).getInt64());
        return accounts;
    });
}

Result<void> SqliteStore::check_health() {
    // A commit in the last second shows the database takes writes. Probing beside the relay's own writers would only
    // mislead: SQLite's busy wait polls every 100 ms, and workers going through a backlog hold the lock at every poll.
    if (steady_ms() - m_committed_at_ms < 1000) return {};
    std::lock_guard lock(m_health_mutex);
    return guarded([&]() -> Result<void> {
        // The write lock is taken and given back: a database that can be read but not written is not healthy.
        SQLite::Transaction probe(*m_health, SQLite::TransactionBehavior::IMMEDIATE);
        m_health->execAndGet("SELECT COUNT(*) FROM schema_migrations");
        return {};   // rolled back
    });
}

Result<Store::InboxCounts> SqliteStore::inbox_counts() {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<InboxCounts> {
        InboxCounts counts;
        SQLite::Statement query(*m_db, "SELECT state, COUNT(*) FROM inbox GROUP BY state");
        while (query.executeStep()) {
            std::string state = query.getColumn(0).getString();
            int64_t n = query.getColumn(1).getInt64();
            if (state == "pending") counts.pending = n;
            if (state == "processing") counts.processing = n;
            if (state == "done") counts.done = n;
            if (state == "failed") counts.failed = n;
        }
        SQLite::Statement oldest(*m_db,
            "SELECT received_at_ms FROM inbox INDEXED BY inbox_pending_by_id WHERE state = 'pending' ORDER BY id LIMIT 1");
        if (oldest.executeStep()) counts.oldest_pending_at_ms = oldest.getColumn(0).getInt64();
        return counts;
    });
}

// [SECTION] reconciler ---------------------------------------------------------------------------------------------
Result<int64_t> SqliteStore::last_webhook_at(int64_t account_id, int64_t company_id) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<int64_t> {
        // Walks the inbox from the newest row: quick for a branch that sends, a full scan (settings page only)
        // for one that does not.
        SQLite::Statement query(*m_reader,
            "SELECT received_at_ms FROM inbox WHERE account_id = ? AND company_id = ? AND source = 'altegio' ORDER BY id DESC LIMIT 1");
        query.bind(1, account_id);
        query.bind(2, company_id);
        return query.executeStep() ? query.getColumn(0).getInt64() : int64_t{0};
    });
}

Result<std::string> SqliteStore::reconciler_watermark(int64_t account_id, int64_t company_id) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::string> {
        SQLite::Statement query(*m_db, "SELECT changed_after FROM reconciler_watermarks WHERE account_id = ? AND company_id = ?");
        query.bind(1, account_id);
        query.bind(2, company_id);
        return query.executeStep() ? query.getColumn(0).getString() : std::string();
    });
}

Result<void> SqliteStore::save_reconciler_watermark(int64_t account_id, int64_t company_id, const std::string& changed_after) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement upsert(*m_db,
            "INSERT INTO reconciler_watermarks (account_id, company_id, changed_after) VALUES (?, ?, ?)"
            " ON CONFLICT (account_id, company_id) DO UPDATE SET changed_after = excluded.changed_after");
        upsert.bind(1, account_id);
        upsert.bind(2, company_id);
        upsert.bind(3, changed_after);
        upsert.exec();
        return {};
    });
}

Result<std::vector<int64_t>> SqliteStore::installed_accounts() {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::vector<int64_t>> {
        SQLite::Statement query(*m_db, "SELECT account_id FROM installations WHERE altegio_user_token_sealed != '' ORDER BY account_id");
        std::vector<int64_t> out;
        while (query.executeStep()) out.push_back(query.getColumn(0).getInt64());
        return out;
    });
}

// [SECTION] history ---------------------------------------------------------------------------------------------
namespace {
// The columns history_from reads, in its order.

HistoryEntry history_from(SQLite::Statement& row) {
    HistoryEntry e;
    e.id = row.getColumn(0).getInt64();
    e.at_ms = row.getColumn(1).getInt64();
    e.account_id = row.getColumn(2).getInt64();
    e.direction = row.getColumn(3).getString();
    e.kind = row.getColumn(4).getString();
    e.method = row.getColumn(5).getString();
    e.target = row.getColumn(6).getString();
    e.status = row.getColumn(7).getInt();
    e.error = row.getColumn(8).getString();
    e.request_body = row.getColumn(9).getString();
    e.response_body = row.getColumn(10).getString();
    e.duration_ms = row.getColumn(11).getInt64();
    return e;
}

}  // namespace
void SqliteStore::insert_history(const HistoryEntry& e) {
    KeptStatement insert(m_insert_history, *m_db,
        "INSERT INTO request_history (at_ms, account_id, direction, kind, method, target, status, error, request_body,"
        " response_body, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->bind(1, e.at_ms);
    insert->bind(2, e.account_id);
    insert->bind(3, e.direction);
    insert->bind(4, e.kind);
    insert->bind(5, e.method);
    insert->bind(6, e.target);
    insert->bind(7, e.status);
    insert->bind(8, e.error);
    insert->bind(9, e.request_body);
    insert->bind(10, e.response_body);
    insert->bind(11, e.duration_ms);
    insert->exec();
}

// A history entry alone is written without waiting for the disk (synchronous = NORMAL: in WAL mode it survives
// a crash of the process, only a power cut may lose the last few). Workers write one per outgoing call; an
// fsync each would make webhooks wait behind them. Inbox rows are always written with FULL.
Result<void> SqliteStore::add_history(const HistoryEntry& e) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        m_db->exec("PRAGMA synchronous = NORMAL");
        struct Restore {
            SQLite::Database& db;
            ~Restore() { db.tryExec("PRAGMA synchronous = FULL"); }   // never throws from a destructor
        } restore{*m_db};
        insert_history(e);
        return {};
    });
}

Result<std::vector<HistoryEntry>> SqliteStore::recent_history(int64_t account_id, int32_t limit) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::vector<HistoryEntry>> {
        SQLite::Statement query(*m_db,
            std::string("SELECT ") + history_columns + " FROM request_history WHERE account_id = ? ORDER BY id DESC LIMIT ?");
        query.bind(1, account_id);
        query.bind(2, limit);
        std::vector<HistoryEntry> out;
        while (query.executeStep()) out.push_back(history_from(query));
        return out;
    });
}

Result<std::vector<HistoryEntry>> SqliteStore::find_history(const HistoryQuery& q) {
    std::string types;
    for (const auto& type : q.types) types += (types.empty() ? "" : " OR ") + history_type_condition(type);
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::vector<HistoryEntry>> {
        // Bodies are left out of the list (two empty texts keep the column order history_from reads).
        SQLite::Statement query(*m_reader,
            "SELECT id, at_ms, account_id, direction, kind, method, target, status, error, '', '', duration_ms FROM request_history"
            " WHERE account_id = ? AND at_ms >= ? AND at_ms < ? AND (? = 0 OR id < ?)" + (types.empty() ? std::string() : " AND (" + types + ")") +
            " ORDER BY id DESC LIMIT ?");
        query.bind(1, q.account_id);
        query.bind(2, q.from_ms);
        query.bind(3, q.to_ms);
        query.bind(4, q.before_id);
        query.bind(5, q.before_id);
        query.bind(6, q.limit);
        std::vector<HistoryEntry> out;
        while (query.executeStep()) out.push_back(history_from(query));
        return out;
    });
}

Result<std::optional<HistoryEntry>> SqliteStore::history_entry(int64_t account_id, int64_t id) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::optional<HistoryEntry>> {
        SQLite::Statement query(*m_reader, std::string("SELECT ") + history_columns + " FROM request_history WHERE account_id = ? AND id = ?");
        query.bind(1, account_id);
        query.bind(2, id);
        if (!query.executeStep()) return std::nullopt;
        return history_from(query);
    });
}

Result<std::vector<FailedEvent>> SqliteStore::failed_events_between(int64_t account_id, int64_t from_ms, int64_t to_ms, int32_t limit) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::vector<FailedEvent>> {
        SQLite::Statement query(*m_reader, std::string("SELECT ") + inbox_event_columns + ", last_error FROM inbox"
                                           " WHERE account_id = ? AND state = 'failed' AND received_at_ms >= ? AND received_at_ms < ?"
                                           " ORDER BY id DESC LIMIT ?");
        query.bind(1, account_id);
        query.bind(2, from_ms);
        query.bind(3, to_ms);
        query.bind(4, limit);
        std::vector<FailedEvent> out;
        while (query.executeStep()) out.push_back(FailedEvent{event_from(query), query.getColumn(11).getString()});
        return out;
    });
}

Result<std::optional<std::pair<std::string, std::string>>> SqliteStore::inbox_event_state(int64_t account_id, int64_t id) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::optional<std::pair<std::string, std::string>>> {
        SQLite::Statement query(*m_reader,
            "SELECT state, CASE WHEN state = 'done' THEN outcome ELSE last_error END FROM inbox WHERE account_id = ? AND id = ?");
        query.bind(1, account_id);
        query.bind(2, id);
        if (!query.executeStep()) return std::nullopt;
        return std::pair{query.getColumn(0).getString(), query.getColumn(1).getString()};
    });
}

Result<std::optional<int64_t>> SqliteStore::latest_history_at(int64_t account_id, const std::string& kind, int64_t since_ms) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::optional<int64_t>> {
        // request_history_by_account_time narrows it to the account's entries since `since_ms`.
        SQLite::Statement query(*m_db,
            "SELECT MAX(at_ms) FROM request_history WHERE account_id = ? AND at_ms >= ? AND kind = ?");
        query.bind(1, account_id);
        query.bind(2, since_ms);
        query.bind(3, kind);
        if (!query.executeStep() || query.getColumn(0).isNull()) return std::optional<int64_t>();
        return std::optional<int64_t>(query.getColumn(0).getInt64());
    });
}

// [SECTION] leases and shared rate places -----------------------------------------------------------------------
Result<bool> SqliteStore::take_lease(const std::string& name, int64_t now_ms, int64_t ttl_ms) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<bool> {
        SQLite::Statement upsert(*m_db,
            "INSERT INTO leases (name, holder, expires_at_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
            " SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms"
            " WHERE leases.holder = excluded.holder OR leases.expires_at_ms <= ?");
        upsert.bind(1, name);
        upsert.bind(2, m_instance);
        upsert.bind(3, now_ms + ttl_ms);
        upsert.bind(4, now_ms);
        return upsert.exec() > 0;
    });
}

Result<bool> SqliteStore::first_use(const std::string& key, int64_t expires_at, int64_t now) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<bool> {
        SQLite::Statement forget(*m_db, "DELETE FROM used_keys WHERE expires_at < ?");   // keys that ran out
        forget.bind(1, now);
        forget.exec();
        SQLite::Statement insert(*m_db,
            "INSERT INTO used_keys (token_key, expires_at) VALUES (?, ?) ON CONFLICT (token_key) DO UPDATE SET expires_at = excluded.expires_at"
            " WHERE used_keys.expires_at < ?");
        insert.bind(1, key);
        insert.bind(2, expires_at);
        insert.bind(3, now);
        return insert.exec() > 0;
    });
}

Result<void> SqliteStore::release_lease(const std::string& name) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement remove(*m_db, "DELETE FROM leases WHERE name = ? AND holder = ?");
        remove.bind(1, name);
        remove.bind(2, m_instance);
        remove.exec();
        return {};
    });
}

Result<std::optional<int64_t>> SqliteStore::take_rate_place(const std::string& key, int32_t limit, int64_t now_ms) {
    return write([&]() -> Result<std::optional<int64_t>> {
        SQLite::Statement expire(*m_db,
            "DELETE FROM rate_places WHERE key = ? AND (answered_at_ms <= ? OR (answered_at_ms IS NULL AND taken_at_ms <= ?))");
        expire.bind(1, key);
        expire.bind(2, now_ms - 1000);
        expire.bind(3, now_ms - 60000);
        expire.exec();
        SQLite::Statement held(*m_db, "SELECT COUNT(*) FROM rate_places WHERE key = ?");
        held.bind(1, key);
        held.executeStep();
        if (held.getColumn(0).getInt64() >= limit) return std::optional<int64_t>();
        held.reset();
        SQLite::Statement insert(*m_db, "INSERT INTO rate_places (key, taken_at_ms) VALUES (?, ?)");
        insert.bind(1, key);
        insert.bind(2, now_ms);
        insert.exec();
        int64_t place = m_db->getLastInsertRowid();
        return std::optional<int64_t>(place);
    });
}

Result<void> SqliteStore::release_rate_place(int64_t place, int64_t now_ms) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement update(*m_db, "UPDATE rate_places SET answered_at_ms = ? WHERE id = ?");
        update.bind(1, now_ms);
        update.bind(2, place);
        update.exec();
        return {};
    });
}

// [SECTION] Altegio Marketplace -------------------------------------------------------------------------------------
namespace {
}  // namespace

Result<bool> SqliteStore::save_marketplace_user(const MarketplaceUser& u) {
    return write([&]() -> Result<bool> {
        SQLite::Statement known(*m_db, "SELECT 1 FROM marketplace_users WHERE altegio_user_id = ?");
        known.bind(1, u.altegio_user_id);
        bool existed = known.executeStep();
        known.reset();
        SQLite::Statement upsert(*m_db,
            "INSERT INTO marketplace_users (altegio_user_id, name, email, phone, registered_at_ms, last_seen_at_ms) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (altegio_user_id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,"
            " last_seen_at_ms = excluded.last_seen_at_ms");
        upsert.bind(1, u.altegio_user_id);
        upsert.bind(2, u.name);
        upsert.bind(3, u.email);
        upsert.bind(4, u.phone);
        upsert.bind(5, u.registered_at_ms);
        upsert.bind(6, u.last_seen_at_ms);
        upsert.exec();
        return !existed;
    });
}

Result<std::optional<MarketplaceUser>> SqliteStore::marketplace_user(int64_t altegio_user_id) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::optional<MarketplaceUser>> {
        SQLite::Statement query(*m_db, "SELECT altegio_user_id, name, email, phone, registered_at_ms, last_seen_at_ms"
                                       " FROM marketplace_users WHERE altegio_user_id = ?");
        query.bind(1, altegio_user_id);
        if (!query.executeStep()) return std::optional<MarketplaceUser>();
        return std::optional<MarketplaceUser>(MarketplaceUser{query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                                                              query.getColumn(2).getString(), query.getColumn(3).getString(),
                                                              query.getColumn(4).getInt64(), query.getColumn(5).getInt64()});
    });
}

Result<void> SqliteStore::save_marketplace_location(const MarketplaceLocation& l) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement upsert(*m_db, std::string("INSERT INTO marketplace_locations (") + location_columns +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (salon_id) DO UPDATE SET salon_group_id = excluded.salon_group_id,"
            " altegio_user_id = excluded.altegio_user_id, state = excluded.state, api_key_sealed = excluded.api_key_sealed,"
            " redirected_at_ms = excluded.redirected_at_ms, attempts = excluded.attempts, next_attempt_at_ms = excluded.next_attempt_at_ms,"
            " last_error = excluded.last_error, updated_at_ms = excluded.updated_at_ms");
        upsert.bind(1, l.salon_id);
        upsert.bind(2, l.salon_group_id);
        upsert.bind(3, l.altegio_user_id);
        upsert.bind(4, l.state);
        upsert.bind(5, m_box.seal(l.key_seed));
        upsert.bind(6, l.redirected_at_ms);
        upsert.bind(7, l.attempts);
        upsert.bind(8, l.next_attempt_at_ms);
        upsert.bind(9, l.last_error);
        upsert.bind(10, l.updated_at_ms);
        upsert.exec();
        return {};
    });
}

namespace {
Result<MarketplaceLocation> location_from(SQLite::Statement& row, const crypto::SecretBox& box) {
    auto key = box.open(row.getColumn(4).getString());
    if (!key) return tl::unexpected(key.error());
    return MarketplaceLocation{row.getColumn(0).getInt64(), row.getColumn(1).getInt64(), row.getColumn(2).getInt64(),
                               row.getColumn(3).getString(), *key, row.getColumn(5).getInt64(), row.getColumn(6).getInt(),
                               row.getColumn(7).getInt64(), row.getColumn(8).getString(), row.getColumn(9).getInt64()};
}
}  // namespace

// Read on the reader connection: every inbox event asks (is its location frozen?), and must not queue behind writes.
Result<std::optional<MarketplaceLocation>> SqliteStore::marketplace_location(int64_t salon_id) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::optional<MarketplaceLocation>> {
        SQLite::Statement query(*m_reader, std::string("SELECT ") + location_columns + " FROM marketplace_locations WHERE salon_id = ?");
        query.bind(1, salon_id);
        if (!query.executeStep()) return std::optional<MarketplaceLocation>();
        auto location = location_from(query, m_box);
        if (!location) return tl::unexpected(location.error());
        return std::optional<MarketplaceLocation>(*location);
    });
}

Result<std::vector<MarketplaceLocation>> SqliteStore::due_marketplace_activations(int64_t now_ms) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::vector<MarketplaceLocation>> {
        SQLite::Statement query(*m_db, std::string("SELECT ") + location_columns +
                                           " FROM marketplace_locations WHERE state = 'pending' AND next_attempt_at_ms <= ? ORDER BY redirected_at_ms");
        query.bind(1, now_ms);
        std::vector<MarketplaceLocation> out;
        while (query.executeStep()) {
            auto location = location_from(query, m_box);
            if (!location) return tl::unexpected(location.error());
            out.push_back(*location);
        }
        return out;
    });
}

// [SECTION] telephony ---------------------------------------------------------------------------------------------
namespace {
Result<TelephonyChain> chain_from(SQLite::Statement& row, const crypto::SecretBox& box) {
    auto token = box.open(row.getColumn(3).getString());
    if (!token) return tl::unexpected(token.error());
    TelephonyChain c;
    c.key = row.getColumn(0).getString();
    c.account_id = row.getColumn(1).getInt64();
    c.name = row.getColumn(2).getString();
    c.crm_token = *token;
    c.numbers = split_lines(row.getColumn(4).getString());
    c.new_lead_for_unknown = row.getColumn(5).getInt() != 0;
    c.enabled = row.getColumn(6).getInt() != 0;
    c.error_key = row.getColumn(7).getString();
    c.error_detail = row.getColumn(8).getString();
    c.created_at_ms = row.getColumn(9).getInt64();
    c.updated_at_ms = row.getColumn(10).getInt64();
    c.last_call_at_ms = row.getColumn(11).getInt64();
    return c;
}
}  // namespace

Result<void> SqliteStore::save_telephony_chain(const TelephonyChain& c) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement upsert(*m_db, std::string("INSERT INTO telephony_chains (") + telephony_chain_columns +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + telephony_chain_upsert_tail);
        upsert.bind(1, c.key);
        upsert.bind(2, c.account_id);
        upsert.bind(3, c.name);
        upsert.bind(4, m_box.seal(c.crm_token));
        upsert.bind(5, join_lines(c.numbers));
        upsert.bind(6, c.new_lead_for_unknown ? 1 : 0);
        upsert.bind(7, c.enabled ? 1 : 0);
        upsert.bind(8, c.error_key);
        upsert.bind(9, c.error_detail);
        upsert.bind(10, c.created_at_ms);
        upsert.bind(11, c.updated_at_ms);
        upsert.exec();
        return {};
    });
}

Result<std::optional<TelephonyChain>> SqliteStore::telephony_chain(const std::string& key) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::optional<TelephonyChain>> {
        SQLite::Statement query(*m_reader, std::string(telephony_chain_select) + " WHERE c.chain_key = ?");
        query.bind(1, key);
        if (!query.executeStep()) return std::optional<TelephonyChain>();
        auto chain = chain_from(query, m_box);
        if (!chain) return tl::unexpected(chain.error());
        return std::optional<TelephonyChain>(*chain);
    });
}

Result<std::vector<TelephonyChain>> SqliteStore::telephony_chains(int64_t account_id) {
    std::lock_guard lock(m_reader_mutex);
    return guarded([&]() -> Result<std::vector<TelephonyChain>> {
        SQLite::Statement query(*m_reader, std::string(telephony_chain_select) + " WHERE c.account_id = ? ORDER BY c.created_at_ms, c.chain_key");
        query.bind(1, account_id);
        std::vector<TelephonyChain> out;
        while (query.executeStep()) {
            auto chain = chain_from(query, m_box);
            if (!chain) return tl::unexpected(chain.error());
            out.push_back(*chain);
        }
        return out;
    });
}

Result<bool> SqliteStore::delete_telephony_chain(int64_t account_id, const std::string& key) {
    return write([&]() -> Result<bool> {
        SQLite::Statement chain(*m_db, "DELETE FROM telephony_chains WHERE account_id = ? AND chain_key = ?");
        chain.bind(1, account_id);
        chain.bind(2, key);
        bool existed = chain.exec() == 1;
        if (existed) {
            SQLite::Statement calls(*m_db, "DELETE FROM telephony_calls WHERE chain_key = ?");
            calls.bind(1, key);
            calls.exec();
        }
        return existed;
    });
}

Result<std::optional<TelephonyCall>> SqliteStore::telephony_call(const std::string& chain_key, const std::string& call_id) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::optional<TelephonyCall>> {
        SQLite::Statement query(*m_db, "SELECT account_id, record_json, updated_at_ms FROM telephony_calls WHERE chain_key = ? AND call_id = ?");
        query.bind(1, chain_key);
        query.bind(2, call_id);
        if (!query.executeStep()) return std::optional<TelephonyCall>();
        return std::optional<TelephonyCall>(
            TelephonyCall{chain_key, call_id, query.getColumn(0).getInt64(), query.getColumn(1).getString(), query.getColumn(2).getInt64()});
    });
}

Result<void> SqliteStore::save_telephony_call(const TelephonyCall& call) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement upsert(*m_db,
            "INSERT INTO telephony_calls (chain_key, call_id, account_id, record_json, updated_at_ms) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (chain_key, call_id) DO UPDATE SET record_json = excluded.record_json, updated_at_ms = excluded.updated_at_ms");
        upsert.bind(1, call.chain_key);
        upsert.bind(2, call.call_id);
        upsert.bind(3, call.account_id);
        upsert.bind(4, call.record_json);
        upsert.bind(5, call.updated_at_ms);
        upsert.exec();
        return {};
    });
}

// [SECTION] lead tracking -----------------------------------------------------------------------------------------
Result<std::optional<TrackedLeadRow>> SqliteStore::tracked_lead(int64_t account_id, const std::string& lead_id) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::optional<TrackedLeadRow>> {
        SQLite::Statement query(*m_db, "SELECT record_json, next_search_ms, updated_at_ms FROM tracked_leads WHERE account_id = ? AND lead_id = ?");
        query.bind(1, account_id);
        query.bind(2, lead_id);
        if (!query.executeStep()) return std::optional<TrackedLeadRow>();
        return std::optional<TrackedLeadRow>(
            TrackedLeadRow{account_id, lead_id, query.getColumn(0).getString(), query.getColumn(1).getInt64(), query.getColumn(2).getInt64()});
    });
}

Result<void> SqliteStore::save_tracked_lead(const TrackedLeadRow& row) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Statement upsert(*m_db,
            "INSERT INTO tracked_leads (account_id, lead_id, record_json, next_search_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, lead_id) DO UPDATE SET record_json = excluded.record_json, next_search_ms = excluded.next_search_ms,"
            " updated_at_ms = excluded.updated_at_ms");
        upsert.bind(1, row.account_id);
        upsert.bind(2, row.lead_id);
        upsert.bind(3, row.record_json);
        upsert.bind(4, row.next_search_ms);
        upsert.bind(5, row.updated_at_ms);
        upsert.exec();
        return {};
    });
}

Result<std::vector<TrackedLeadRow>> SqliteStore::due_tracking_searches(int64_t now_ms, int32_t limit) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> Result<std::vector<TrackedLeadRow>> {
        SQLite::Statement query(*m_db,
            "SELECT account_id, lead_id, record_json, next_search_ms, updated_at_ms FROM tracked_leads"
            " WHERE next_search_ms > 0 AND next_search_ms <= ? ORDER BY next_search_ms LIMIT ?");
        query.bind(1, now_ms);
        query.bind(2, limit);
        std::vector<TrackedLeadRow> out;
        while (query.executeStep())
            out.push_back(TrackedLeadRow{query.getColumn(0).getInt64(), query.getColumn(1).getString(), query.getColumn(2).getString(),
                                         query.getColumn(3).getInt64(), query.getColumn(4).getInt64()});
        return out;
    });
}

}  // namespace kb::store
