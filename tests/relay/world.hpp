#pragma once
// A relay wired to a sandbox in one process, without sockets: the relay's outgoing calls go straight to the
// sandbox's router and the sandbox's webhooks and install redirect straight to the relay's.
// Usage:
//   World world;                      // fresh database, fresh sandbox
//   world.install();                  // Kommo OAuth install + Altegio connected by an admin
//   auto reply = world.call("GET", "/api/v1/card?lead_id=21001");
#include <doctest/doctest.h>
#include <atomic>
#include <filesystem>
#include "paired_configs.hpp"
#include "postgres_test_db.hpp"
#include <SQLiteCpp/SQLiteCpp.h>

namespace kb::testing {

using wire::Json;

// A SQLite database file with its WAL and shared-memory files.
inline void remove_database(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

inline std::string temp_database_path() {
    static std::atomic<int> counter{0};
    auto path = std::filesystem::temp_directory_path() /
                ("kb-relay-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db");
    remove_database(path.string());
    return path.string();
}

struct World {
    ForwardingTransport to_relay;
    sandbox::Sandbox sandbox;
    http::RouterTransport to_sandbox{sandbox.router()};
    std::string database = temp_database_path();
    std::unique_ptr<RelayApp> relay;
    RelayConfig relay_config;   // as the relay was started, for restart_relay()

    // The relay's own limits: Altegio calls and Kommo calls per second (the sandbox enforces the real ones only
    // in the tests of limits).
    // sandbox_kommo_limit: the sandbox's Kommo limit (calls per second; 429 above it).
    explicit World(double altegio_rps = 1000.0, int worker_threads = 0, double kommo_rps = 1000.0, int sandbox_kommo_limit = 1000)
        : sandbox(paired_sandbox_config(&to_relay, sandbox_kommo_limit)) {
        sandbox.set_public_url("http://sandbox.test");
        RelayConfig config = paired_relay_config(database, altegio_rps, kommo_rps, worker_threads, std::chrono::milliseconds(20));
        // KB_TEST_RELAY_STORE=postgres runs every world on a fresh PostgreSQL database instead (under
        // tools/with_postgres.sh), so the flows are checked on both backends, not only the store contract.
        if (const char* backend = std::getenv("KB_TEST_RELAY_STORE"); backend && std::string(backend) == "postgres") {
            auto url = fresh_postgres_url();
            REQUIRE_MESSAGE(url, "KB_TEST_RELAY_STORE=postgres needs KB_TEST_POSTGRES_URL (run under tools/with_postgres.sh)");
            config.database_url = *url;
        }
        relay_config = config;
        auto app = RelayApp::create(config, to_sandbox);
        REQUIRE_MESSAGE(app, (app ? "" : app.error().detail));
        relay = std::move(*app);
        to_relay.target = &relay_to_router;
    }
    // Stops the relay and starts it again on the same database and key (a restart), on `clock` when given;
    // nothing may be in flight.
    void restart_relay(std::optional<Clock> clock = std::nullopt) {
        relay.reset();
        auto app = RelayApp::create(relay_config, to_sandbox, std::move(clock));
        REQUIRE_MESSAGE(app, (app ? "" : app.error().detail));
        relay = std::move(*app);
    }
    ~World() {
        sandbox.stop_webhooks();   // nothing may reach the relay once it is gone
        relay.reset();
        remove_database(database);
    }

    // The first column of the first row `sql` selects, read straight from the relay's database (SQLite or
    // PostgreSQL), for checks of what is stored at rest.
    std::string raw_value(const std::string& sql) {
        if (!relay_config.database_url.empty()) {
            pqxx::connection db(relay_config.database_url);
            pqxx::read_transaction tx(db);
            return tx.exec(sql)[0][0].as<std::string>();
        }
        SQLite::Database raw(database, SQLite::OPEN_READONLY);
        return raw.execAndGet(sql).getString();
    }

    // Calls the relay as the widget would, with a fresh disposable token for `user_id` (9001 is an admin).
    http::Response call(const std::string& method, const std::string& target, const Json& body = Json(), int64_t user_id = 9001) {
        return call_with_token(method, target, sandbox.disposable_token(user_id), body);
    }
    http::Response call_with_token(const std::string& method, const std::string& target, const std::string& token,
                                   const Json& body = Json()) {
        http::OutgoingRequest request{method, "http://relay.test" + target, {{"X-Auth-Token", token}},
                                      body.is_null() ? std::string() : body.dump()};
        return relay_to_router.send(request);
    }
    // Where `intake` posts for the installed account, as the relay hands the address out (http://relay.test/...).
    std::string intake_url(hooks::Intake intake, int64_t account_id = 31000001) {
        auto installation = relay->store().find_installation(account_id);
        REQUIRE(installation);
        REQUIRE(installation->has_value());
        return relay->installation().intake_url(intake, **installation);
    }
    Json sandbox_state() { return sandbox.snapshot(); }
    http::Response relay_to_router_send(const http::OutgoingRequest& request) { return relay_to_router.send(request); }
    // Altegio as an admin's integration sees it (partner token, optional user token).
    http::Response altegio_call(const std::string& method, const std::string& path, const std::string& user_token = {},
                                const Json& body = Json()) {
        std::string auth = "Bearer sandbox-partner-token" + (user_token.empty() ? "" : ", User " + user_token);
        return to_sandbox.send({method, "http://sandbox.test/altegio/api/v1" + path, {{"Authorization", auth}},
                                body.is_null() ? std::string() : body.dump()});
    }
    std::string sandbox_user_token() {
        auto reply = altegio_call("POST", "/auth", {}, Json{{"login", "admin@bella.example"}, {"password", "sandbox-password"}});
        REQUIRE(reply.status == 201);
        return body_of_text(reply.body)["data"]["user_token"];
    }
    static Json body_of_text(const std::string& text) {
        auto parsed = wire::parse_json(text);
        REQUIRE(parsed);
        return *parsed;
    }
    http::Response control(const std::string& method, const std::string& target, const Json& body = Json()) {
        return to_sandbox.send({method, "http://sandbox.test" + target, {}, body.is_null() ? std::string() : body.dump()});
    }

    // The admin installs the widget and connects Altegio.
    void install() {
        auto installed = control("POST", "/__sandbox/kommo/install");
        REQUIRE_MESSAGE(installed.status == 200, installed.body);
        auto connected = call("POST", "/api/v1/altegio/connect", Json{{"login", "admin@bella.example"}, {"password", "sandbox-password"}});
        REQUIRE_MESSAGE(connected.status == 200, connected.body);
    }

private:
    struct RelayRouterTransport : http::Transport {
        World* world;
        explicit RelayRouterTransport(World* w) : world(w) {}
        http::Response send(const http::OutgoingRequest& request) override {
            return http::RouterTransport(world->relay->router()).send(request);
        }
    };
    RelayRouterTransport relay_to_router{this};
};

inline Json body_of(const http::Response& response) {
    auto parsed = wire::parse_json(response.body);
    REQUIRE_MESSAGE(parsed, "not JSON: " << response.body);
    return *parsed;
}

}  // namespace kb::testing
