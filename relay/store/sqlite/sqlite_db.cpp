#include "relay/store/sqlite/sqlite_db.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <algorithm>
#include "relay/store/sql_rows.hpp"
#include <chrono>
#include <unordered_map>

namespace kb::store {

extern const std::vector<std::pair<int, const char*>> sqlite_migrations;  // generated from migrations/*.sql

namespace {

int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
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
        mark.bind(2, sql::now_seconds());
        mark.exec();
        transaction.commit();
    }
    return {};
}

}  // namespace

struct SqliteDb::Connection {
    explicit Connection(std::unique_ptr<SQLite::Database> opened) : db(std::move(opened)) {}
    std::mutex mutex;   // one transaction at a time
    std::unique_ptr<SQLite::Database> db;
    // Prepared once per distinct SQL text; past the cap (queries built per call, e.g. an IN list) statements are
    // prepared for one use. Declared after db, so they are finalised before it closes.
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> kept;
    static constexpr size_t kept_cap = 256;
};

namespace {

// A statement of the connection in use for one call: ready when taken, reset when the call ends, by a return or an
// exception. tryReset, never reset: a step that failed ("database is locked") leaves the statement in progress, and
// SQLite then keeps the connection's implicit transaction open, so nothing written on it afterwards is committed.
class StatementInUse {
public:
    StatementInUse(SqliteDb::Connection& c, std::string_view sql) {
        auto found = c.kept.find(std::string(sql));
        if (found != c.kept.end()) {
            m_statement = found->second.get();
        } else if (c.kept.size() < SqliteDb::Connection::kept_cap) {
            auto& slot = c.kept[std::string(sql)];
            slot = std::make_unique<SQLite::Statement>(*c.db, std::string(sql));
            m_statement = slot.get();
        } else {
            m_own = std::make_unique<SQLite::Statement>(*c.db, std::string(sql));
            m_statement = m_own.get();
        }
        m_statement->tryReset();
        m_statement->clearBindings();
    }
    ~StatementInUse() { m_statement->tryReset(); }
    StatementInUse(const StatementInUse&) = delete;
    StatementInUse& operator=(const StatementInUse&) = delete;

    SQLite::Statement& bound(const db::Values& params) {
        for (size_t i = 0; i < params.size(); ++i) {
            int index = static_cast<int>(i) + 1;
            const auto& v = params[i].v;
            if (auto n = std::get_if<int64_t>(&v)) m_statement->bind(index, *n);
            else if (auto s = std::get_if<std::string>(&v)) m_statement->bind(index, *s);
            else m_statement->bind(index);
        }
        return *m_statement;
    }

private:
    std::unique_ptr<SQLite::Statement> m_own;
    SQLite::Statement* m_statement = nullptr;
};

class SqliteSession final : public db::Session {
public:
    explicit SqliteSession(SqliteDb::Connection& c) : m_connection(c) {}
    db::Rows query(std::string_view sql, const db::Values& params) override {
        StatementInUse use(m_connection, sql);
        SQLite::Statement& statement = use.bound(params);
        db::Rows rows;
        int columns = statement.getColumnCount();
        while (statement.executeStep()) {
            db::Values values(static_cast<size_t>(columns));
            for (int i = 0; i < columns; ++i) {
                SQLite::Column column = statement.getColumn(i);
                if (column.isInteger()) values[static_cast<size_t>(i)] = column.getInt64();
                else if (!column.isNull()) values[static_cast<size_t>(i)] = column.getString();
            }
            rows.emplace_back(std::move(values));
        }
        return rows;
    }
    int64_t exec(std::string_view sql, const db::Values& params) override {
        StatementInUse use(m_connection, sql);
        return use.bound(params).exec();
    }

private:
    SqliteDb::Connection& m_connection;
};

const db::Dialect sqlite_dialect{
    "MAX",
    " INDEXED BY inbox_pending_by_id",   // the planner would walk the inbox by id from its oldest row
    "",                                  // one writer at a time: nothing to skip
    nullptr,                             // BEGIN IMMEDIATE already excludes every other writer
    false,
};

// Runs `step` and turns a SQLiteCpp exception into an error value.
template <class Step>
Result<void> guarded(Step&& step) {
    try {
        return step();
    } catch (const std::exception& e) {
        return db::storage_error(std::string("database: ") + e.what());
    }
}

}  // namespace

struct SqliteDb::Waiting {
    const std::function<Result<void>(db::Session&)>* body;
    bool done = false;
    Result<void> outcome;
};

SqliteDb::SqliteDb(std::unique_ptr<Connection> writer, std::unique_ptr<Connection> reader, std::unique_ptr<Connection> health)
    : m_writer(std::move(writer)), m_reader(std::move(reader)), m_health(std::move(health)) {}
SqliteDb::~SqliteDb() = default;

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path) {
    std::unique_ptr<SqliteDb> opened;
    auto done = guarded([&]() -> Result<void> {
        auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA synchronous = FULL");   // a 2xx must mean the row survives a power cut
        db->exec("PRAGMA foreign_keys = ON");
        db->setBusyTimeout(5000);
        if (auto migrated = apply_migrations(*db, path); !migrated) return migrated;
        auto reader = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX);
        reader->setBusyTimeout(5000);
        auto health = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_FULLMUTEX);
        health->setBusyTimeout(1000);
        opened.reset(new SqliteDb(std::make_unique<Connection>(std::move(db)), std::make_unique<Connection>(std::move(reader)),
                                  std::make_unique<Connection>(std::move(health))));
        return {};
    });
    if (!done) return tl::unexpected(done.error());
    return opened;
}

const db::Dialect& SqliteDb::dialect() const { return sqlite_dialect; }

Result<void> SqliteDb::run(db::Mode mode, const std::function<Result<void>(db::Session&)>& body) {
    switch (mode) {
    case db::Mode::read: {
        std::lock_guard lock(m_reader->mutex);
        return guarded([&]() -> Result<void> {
            SQLite::Transaction snapshot(*m_reader->db, SQLite::TransactionBehavior::DEFERRED);
            SqliteSession session(*m_reader);
            auto answer = body(session);
            if (answer) snapshot.commit();
            return answer;
        });
    }
    case db::Mode::grouped:
        return write_grouped(body);
    default:
        return write(mode, body);
    }
}

Result<void> SqliteDb::write(db::Mode mode, const std::function<Result<void>(db::Session&)>& body) {
    std::lock_guard lock(m_writer->mutex);
    return guarded([&]() -> Result<void> {
        SQLite::Database& db = *m_writer->db;
        // Relaxed: committed without waiting for the disk (synchronous = NORMAL: in WAL mode it survives a crash of the
        // process; only a power cut may lose the last few).
        struct Synchronous {
            SQLite::Database& db;
            bool relaxed;
            Synchronous(SQLite::Database& d, bool r) : db(d), relaxed(r) {
                if (relaxed) db.exec("PRAGMA synchronous = NORMAL");
            }
            ~Synchronous() {
                if (relaxed) db.tryExec("PRAGMA synchronous = FULL");   // never throws from a destructor
            }
        } synchronous(db, mode == db::Mode::relaxed);
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        SqliteSession session(*m_writer);
        auto answer = body(session);
        if (!answer) return answer;   // rolled back
        transaction.commit();
        m_committed_at_ms = steady_ms();
        return answer;
    });
}

Result<void> SqliteDb::write_grouped(const std::function<Result<void>(db::Session&)>& body) {
    Waiting mine{&body, false, {}};
    std::unique_lock group(m_group_mutex);
    m_group_waiting.push_back(&mine);
    while (!mine.done) {
        if (m_group_writing) {
            m_group_written.wait(group);
            continue;
        }
        m_group_writing = true;
        std::vector<Waiting*> batch;
        batch.swap(m_group_waiting);
        group.unlock();
        auto written = write(db::Mode::write, [&](db::Session& session) -> Result<void> {
            // Each body in its own savepoint: one that fails leaves nothing behind and does not fail the others.
            for (auto* w : batch) {
                session.exec("SAVEPOINT one_of_group");
                try {
                    w->outcome = (*w->body)(session);
                } catch (const std::exception& e) {
                    w->outcome = db::storage_error(std::string("database: ") + e.what());
                }
                if (!w->outcome) session.exec("ROLLBACK TO one_of_group");
                session.exec("RELEASE one_of_group");
            }
            return {};
        });
        group.lock();
        for (auto* w : batch) {
            w->done = true;
            if (!written) w->outcome = tl::unexpected(written.error());
        }
        m_group_writing = false;
        m_group_written.notify_all();
    }
    return mine.outcome;
}

Result<void> SqliteDb::check_health() {
    // Probing beside the relay's own writers would only mislead: SQLite's busy wait polls every 100 ms, and workers
    // going through a backlog hold the lock at every poll.
    if (steady_ms() - m_committed_at_ms < 1000) return {};
    std::lock_guard lock(m_health->mutex);
    return guarded([&]() -> Result<void> {
        // The write lock is taken and given back: a database that can be read but not written is not healthy.
        SQLite::Transaction probe(*m_health->db, SQLite::TransactionBehavior::IMMEDIATE);
        m_health->db->execAndGet("SELECT COUNT(*) FROM schema_migrations");
        return {};   // rolled back
    });
}

}  // namespace kb::store
