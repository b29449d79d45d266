#pragma once
// The PostgreSQL adapter of the store's database layer (store/db.hpp), for a database several relay processes share:
// migrations from store/migrations applied at open (under an advisory lock, so relays starting together
// migrate once) and a small pool of libpqxx connections. Statements are written with `?` and sent as $1, $2, ...
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include "relay/store/db.hpp"

namespace kb::store {

// How long a call may wait: for a free connection of the pool, and for one statement on the server (a lock held
// elsewhere, a server under load). Past either, the call is an error instead of a worker or request that hangs.
struct PgLimits {
    std::chrono::milliseconds pool_wait{10000};
    std::chrono::milliseconds statement{30000};
};

class PgDb final : public db::Database {
public:
    // `pool_size`: connections opened at most (each serves one call at a time).
    static Result<std::unique_ptr<PgDb>> open(const std::string& url, int pool_size, PgLimits limits);
    ~PgDb() override;

    const db::Dialect& dialect() const override;
    bool shared() const override { return true; }
    Result<void> run(db::Mode mode, const std::function<Result<void>(db::Session&)>& body) override;
    // A read-write transaction: a server in recovery or read-only mode is not healthy.
    Result<void> check_health() override;

private:
    PgDb(std::string url, int pool_size, PgLimits limits);
    struct Connection;   // one libpqxx connection
    std::unique_ptr<Connection> take_connection();
    void give_back(std::unique_ptr<Connection> connection);

    std::string m_url;
    int m_pool_size;
    PgLimits m_limits;
    std::mutex m_pool_mutex;
    std::condition_variable m_pool_returned;
    std::vector<std::unique_ptr<Connection>> m_idle;
    int m_open = 0;   // connections in use or idle
};

}  // namespace kb::store
