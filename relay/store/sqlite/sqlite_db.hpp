#pragma once
// The SQLite adapter of the store's database layer (store/db.hpp): one file in WAL mode, migrated at open from
// store/migrations. One writer connection (a write transaction at a time, BEGIN IMMEDIATE, synchronous =
// FULL), one read-only connection for reads (with WAL they see the last commit without queueing behind a writer
// waiting for the disk), and a third for the health probe. Each connection keeps its statements prepared.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include "relay/store/db.hpp"

namespace SQLite {
class Database;
}

namespace kb::store {

class SqliteDb final : public db::Database {
public:
    static Result<std::unique_ptr<SqliteDb>> open(const std::string& path);
    ~SqliteDb() override;

    const db::Dialect& dialect() const override;
    bool shared() const override { return false; }   // one relay per database file
    Result<void> run(db::Mode mode, const std::function<Result<void>(db::Session&)>& body) override;
    // A commit in the last second proves the database takes writes; otherwise the probe takes the write lock on its
    // own connection and gives it back (1 s wait), so another process holding the lock reads as a fault.
    Result<void> check_health() override;

    struct Connection;   // a SQLite connection and its prepared statements

private:
    explicit SqliteDb(std::unique_ptr<Connection> writer, std::unique_ptr<Connection> reader, std::unique_ptr<Connection> health);
    Result<void> write(db::Mode mode, const std::function<Result<void>(db::Session&)>& body);
    Result<void> write_grouped(const std::function<Result<void>(db::Session&)>& body);

    std::unique_ptr<Connection> m_writer, m_reader, m_health;
    std::atomic<int64_t> m_committed_at_ms{0};   // steady clock; the writer's last commit

    // Group commit: bodies arriving while another commit is on its way to disk wait, and the next commit takes all
    // of them (each in its own savepoint), so concurrent senders share one fsync instead of queueing for one each.
    struct Waiting;
    std::mutex m_group_mutex;
    std::condition_variable m_group_written;
    std::vector<Waiting*> m_group_waiting;
    bool m_group_writing = false;
};

}  // namespace kb::store
