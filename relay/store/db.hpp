#pragma once
// The small database layer the SQL store is written over: statements with `?` placeholders run in a transaction,
// answering rows. Two adapters implement it: SQLite (store/sqlite/sqlite_db) and PostgreSQL (store/postgres/pg_db).
// What their SQL cannot share (row locks, advisory locks, index hints) is in their Dialect.
//   auto added = db.write([&](db::Session& s) -> Result<int64_t> {
//       return s.exec("INSERT INTO inbox (...) VALUES (?, ?) ON CONFLICT (dedupe_key) DO NOTHING", {account_id, key});
//   });
// Internal to relay/store/.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>
#include "shared/domain/result.hpp"

namespace kb::store::db {

// A value bound to a `?` or read from a column. Booleans are integers (0, 1).
struct Value {
    std::variant<std::monostate, int64_t, std::string> v;
    Value() = default;
    Value(int64_t n) : v(n) {}
    Value(int32_t n) : v(int64_t{n}) {}
    Value(bool b) : v(int64_t{b ? 1 : 0}) {}
    Value(std::string s) : v(std::move(s)) {}
    Value(const char* s) : v(std::string(s)) {}
    bool is_null() const { return std::holds_alternative<std::monostate>(v); }
};
using Values = std::vector<Value>;

// One row of an answer. A NULL reads as 0 or ""; each adapter hands integers as integers or as their text.
class Row {
public:
    explicit Row(Values values) : m_values(std::move(values)) {}
    int64_t integer(size_t column) const;
    std::string text(size_t column) const;
    bool boolean(size_t column) const;   // 1/0 (SQLite) or t/f (PostgreSQL)
    bool is_null(size_t column) const { return m_values.at(column).is_null(); }

private:
    Values m_values;
};
using Rows = std::vector<Row>;

// One transaction on one connection. Errors are thrown (the adapter turns them into an error value and rolls back).
class Session {
public:
    virtual ~Session() = default;
    virtual Rows query(std::string_view sql, const Values& params = {}) = 0;
    // Runs a statement that answers no rows; how many rows it changed.
    virtual int64_t exec(std::string_view sql, const Values& params = {}) = 0;
};

// How a transaction is run.
enum class Mode {
    read,      // sees the last commit; writes nothing
    write,     // durable on return (SQLite synchronous = FULL; PostgreSQL waits for the WAL flush)
    relaxed,   // may be lost in a power cut or a server crash, never half-written (the history, rate places)
    grouped,   // durable; callers arriving while another commit is on its way to disk may share the next one
    single,    // durable; the body runs one statement, committed on its own (no BEGIN and COMMIT round trips)
};

// What the backends' SQL does differently; everything else is written once.
struct Dialect {
    const char* greatest;          // the larger of two values: MAX (SQLite) or GREATEST (PostgreSQL)
    const char* pending_index;     // hint that names the pending-events index, after "FROM inbox AS i" ("" when the planner finds it)
    const char* skip_locked;       // after the claim's subquery: rows another relay is claiming are skipped, not waited for
    const char* lock_key;          // a statement taking a lock on `?` (a text) until the transaction ends; nullptr when every
                                   // write transaction already excludes the others (SQLite)
    bool one_statement_webhook;    // an inbox row and its history entry in one statement (data-modifying WITH)
};

class Database {
public:
    virtual ~Database() = default;
    virtual const Dialect& dialect() const = 0;
    // Whether other relay processes may share this database.
    virtual bool shared() const = 0;
    // Runs `body` in one transaction: committed when it answers a value, rolled back on an error or an exception
    // (the exception's text becomes the error's detail, never the user's message).
    virtual Result<void> run(Mode mode, const std::function<Result<void>(Session&)>& body) = 0;
    // Answers when the database can be read and written; the error says why not.
    virtual Result<void> check_health() = 0;

    // run() for a body that answers a value of any type.
    template <class Body>
    auto transact(Mode mode, Body&& body) -> decltype(body(std::declval<Session&>())) {
        using Answer = decltype(body(std::declval<Session&>()));
        std::optional<Answer> answer;
        auto ran = run(mode, [&](Session& session) -> Result<void> {
            answer.emplace(body(session));
            if (!*answer) return tl::unexpected(answer->error());
            return {};
        });
        if (!ran) return tl::unexpected(ran.error());
        return std::move(*answer);
    }
    // One statement in a transaction of its own; how many rows it changed.
    Result<int64_t> change(std::string_view sql, const Values& params, Mode mode = Mode::write) {
        return transact(mode, [&](Session& session) -> Result<int64_t> { return session.exec(sql, params); });
    }
    template <class Body>
    auto read(Body&& body) { return transact(Mode::read, std::forward<Body>(body)); }
    template <class Body>
    auto write(Body&& body) { return transact(Mode::write, std::forward<Body>(body)); }
};

// Both adapters' errors: the user reads "storage", the log reads the database's own words.
inline tl::unexpected<Error> storage_error(const std::string& detail) { return fail(Errc::internal, "ui.error.storage", detail); }

}  // namespace kb::store::db
