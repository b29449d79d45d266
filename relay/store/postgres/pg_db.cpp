#include "relay/store/postgres/pg_db.hpp"

#include <algorithm>
#include "relay/store/sql_rows.hpp"
#include <pqxx/pqxx>
#include <utility>

namespace kb::store {

extern const std::vector<std::pair<int, const char*>> postgres_migrations;   // generated from migrations/*.sql

namespace {

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
    // Before both backends shared one list of steps (store/migrations/), PostgreSQL numbered its own 1 to 6: its 2 to 6
    // are steps 9 to 13 of the shared list, which PostgreSQL never records as 2 to 8 (its step 1 holds them).
    run_alone(connection, "UPDATE schema_migrations SET version = version + 7 WHERE version BETWEEN 2 AND 6");
    int64_t known = 0;
    for (const auto& migration : postgres_migrations) known = std::max<int64_t>(known, migration.first);
    int64_t found = run_alone(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int64_t>();
    if (found > known)
        return fail(Errc::not_configured, "ui.error.storage",
                    "the PostgreSQL database has schema version " + std::to_string(found) + ", newer than this relay knows (" +
                        std::to_string(known) + "): run the relay that wrote it, or restore the backup taken before that upgrade");
    std::vector<int64_t> applied;
    for (const auto& row : run_alone(connection, "SELECT version FROM schema_migrations")) applied.push_back(row[0].as<int64_t>());
    for (const auto& [version, sql] : postgres_migrations) {
        if (std::find(applied.begin(), applied.end(), version) != applied.end()) continue;
        pqxx::work transaction(connection);
        transaction.exec(sql);
        transaction.exec_params("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", int64_t{version}, sql::now_seconds());
        transaction.commit();
    }
    return {};
}

// The statement with its `?` numbered as PostgreSQL wants them ($1, $2, ...); a `?` inside quotes is left alone.
std::string numbered(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int next = 1;
    bool quoted = false;
    for (char c : sql) {
        if (c == '\'') quoted = !quoted;
        if (c == '?' && !quoted) out += "$" + std::to_string(next++);
        else out += c;
    }
    return out;
}

class PgSession final : public db::Session {
public:
    explicit PgSession(pqxx::transaction_base& tx) : m_tx(tx) {}
    db::Rows query(std::string_view sql, const db::Values& params) override {
        pqxx::result result = send(sql, params);
        db::Rows rows;
        rows.reserve(result.size());
        for (const auto& row : result) {
            db::Values values(row.size());
            for (size_t i = 0; i < row.size(); ++i)
                if (!row[static_cast<pqxx::row::size_type>(i)].is_null()) values[i] = std::string(row[static_cast<pqxx::row::size_type>(i)].c_str());
            rows.emplace_back(std::move(values));
        }
        return rows;
    }
    int64_t exec(std::string_view sql, const db::Values& params) override { return send(sql, params).affected_rows(); }

private:
    pqxx::result send(std::string_view sql, const db::Values& params) {
        std::vector<std::string> texts(params.size());
        std::vector<const char*> pointers(params.size(), nullptr);   // nullptr: NULL
        for (size_t i = 0; i < params.size(); ++i) {
            const auto& v = params[i].v;
            if (auto n = std::get_if<int64_t>(&v)) texts[i] = std::to_string(*n);
            else if (auto s = std::get_if<std::string>(&v)) texts[i] = *s;
            else continue;
            pointers[i] = texts[i].c_str();
        }
        return m_tx.exec_params(numbered(sql), pqxx::prepare::make_dynamic_params(pointers));
    }
    pqxx::transaction_base& m_tx;
};

const db::Dialect postgres_dialect{
    "GREATEST",
    "",
    // Rows another relay is claiming at this moment are skipped, not waited for.
    " FOR UPDATE SKIP LOCKED",
    "SELECT pg_advisory_xact_lock(hashtext(?))",
    true,   // PostgreSQL shares one WAL flush among the commits that arrive together; one round trip is what is left
};

}  // namespace

struct PgDb::Connection {
    Connection(const std::string& url, std::chrono::milliseconds statement_limit) : db(url) {
        pqxx::nontransaction(db).exec("SET statement_timeout = " + std::to_string(statement_limit.count()));
    }
    pqxx::connection db;
};

PgDb::PgDb(std::string url, int pool_size, PgLimits limits) : m_url(std::move(url)), m_pool_size(std::max(1, pool_size)), m_limits(limits) {}
PgDb::~PgDb() = default;

Result<std::unique_ptr<PgDb>> PgDb::open(const std::string& url, int pool_size, PgLimits limits) {
    std::unique_ptr<PgDb> db(new PgDb(url, pool_size, limits));
    try {
        auto connection = std::make_unique<Connection>(url, limits.statement);
        // Migrations (and waiting for another relay's) may take long on a big database: no statement limit for them.
        pqxx::nontransaction(connection->db).exec("SET statement_timeout = 0");
        if (auto migrated = apply_migrations(connection->db); !migrated) return tl::unexpected(migrated.error());
        pqxx::nontransaction(connection->db).exec("SET statement_timeout = " + std::to_string(limits.statement.count()));
        db->m_idle.push_back(std::move(connection));
        db->m_open = 1;
    } catch (const std::exception& e) {
        return fail(Errc::not_configured, "ui.error.storage", std::string("PostgreSQL: ") + e.what());
    }
    return db;
}

const db::Dialect& PgDb::dialect() const { return postgres_dialect; }

std::unique_ptr<PgDb::Connection> PgDb::take_connection() {
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

void PgDb::give_back(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(m_pool_mutex);
    if (connection && connection->db.is_open()) m_idle.push_back(std::move(connection));
    else --m_open;
    m_pool_returned.notify_one();
}

// A database error becomes an error value; a connection that broke is dropped (the next call opens a new one).
Result<void> PgDb::run(db::Mode mode, const std::function<Result<void>(db::Session&)>& body) {
    std::unique_ptr<Connection> connection;
    try {
        connection = take_connection();
        Result<void> answer;
        if (mode == db::Mode::read) {
            pqxx::read_transaction tx(connection->db);
            PgSession session(tx);
            answer = body(session);
        } else if (mode == db::Mode::single) {
            pqxx::nontransaction tx(connection->db);
            PgSession session(tx);
            answer = body(session);
        } else {
            pqxx::work tx(connection->db);
            // Relaxed: committed without waiting for the WAL flush; a crash of the server may lose only the last few.
            if (mode == db::Mode::relaxed) tx.exec("SET LOCAL synchronous_commit = off");
            PgSession session(tx);
            answer = body(session);
            if (answer) tx.commit();   // durable (synchronous_commit on) before the sender hears 2xx
        }
        give_back(std::move(connection));
        return answer;
    } catch (const pqxx::broken_connection& e) {
        if (connection) give_back(nullptr);   // dropped: the next call opens a fresh one
        return db::storage_error(std::string("PostgreSQL connection lost: ") + e.what());
    } catch (const std::exception& e) {
        if (connection) give_back(std::move(connection));
        return db::storage_error(std::string("PostgreSQL: ") + e.what());
    }
}

Result<void> PgDb::check_health() {
    return run(db::Mode::write, [](db::Session& session) -> Result<void> {
        session.query("SELECT COUNT(*) FROM schema_migrations");
        session.query("SELECT txid_current()");
        return {};
    });
}

}  // namespace kb::store
