// The sync engine's figures, each with the baseline or limit it is measured against in the same run:
//   1. intake: webhooks durably stored per second by POST /hooks/altegio over loopback HTTP (1, 4 and 16
//      senders, each keeping its connection), against a plain loop of durable SQLite inserts of the same
//      rows (one transaction each, WAL, synchronous=FULL: the physical limit of this disk); and the bare
//      HTTP round trip (GET /healthz), the share of a webhook's time that is not storage;
//   2. Kommo calls per new record (duplicate search included), by kind;
//   3. latency from an update webhook posted to the relay to its lead updated in the sandbox (p50, p99),
//      without rate-limit pressure;
//   4. a burst of new records under Kommo's real limit (7 a second, the relay using 6): wall time against
//      the minimum the limit allows for the calls made, and the 429s seen (must be 0).
//   5. when to switch to PostgreSQL: intake (16 senders) and webhook -> lead latency for one relay on SQLite,
//      one on PostgreSQL and two on PostgreSQL (webhooks round-robin over both), in one run. Needs the server
//      tools/with_postgres.sh starts; without it the section says so and is skipped.
// usage: build/release/bench/sync_bench [--events N] [--latency-events N] [--burst N] [--sections 12345]
//        (preset "release": optimised, no sanitizers; the burst of 1,000 takes about 8 minutes at 6 calls a second)
//        bash tools/with_postgres.sh build/release/bench/sync_bench --sections 5
#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>
#include "relay/hooks/intake.hpp"
#include "relay/paired_configs.hpp"
#include "relay/postgres_test_db.hpp"
#include "relay/store/sqlite/sqlite_store.hpp"
#include "shared/wire/settings.hpp"

using namespace kb;
using wire::Json;
using Steady = std::chrono::steady_clock;

namespace {

double seconds_since(Steady::time_point start) { return std::chrono::duration<double>(Steady::now() - start).count(); }

// The relay's calls to the sandbox, noting when each lead's PATCH was answered.
struct TimingTransport : http::Transport {
    http::Transport& inner;
    std::mutex mutex;
    std::condition_variable changed;
    std::map<int64_t, Steady::time_point> patched;   // lead id -> last PATCH answered
    explicit TimingTransport(http::Transport& t) : inner(t) {}
    http::Response send(const http::OutgoingRequest& request) override {
        auto response = inner.send(request);
        if (request.method == "PATCH" && request.url.find("/api/v4/leads") != std::string::npos && response.status == 200) {
            auto body = wire::parse_json(request.body);
            std::lock_guard lock(mutex);
            auto note = [&](const Json& item) { patched[item.value("id", int64_t{0})] = Steady::now(); };
            if (body && body->is_array()) for (const auto& item : *body) note(item);
            else if (size_t at = request.url.rfind('/'); at != std::string::npos)
                patched[std::atoll(request.url.c_str() + at + 1)] = Steady::now();
            changed.notify_all();
        }
        return response;
    }
};

// A relay and a sandbox in one process: the relay's calls and the sandbox's webhooks go through routers;
// the relay also listens on loopback for the webhooks the bench posts itself.
struct Stack {
    testing::ForwardingTransport to_relay;
    std::unique_ptr<sandbox::Sandbox> sandbox;
    std::unique_ptr<http::RouterTransport> to_sandbox;
    std::unique_ptr<TimingTransport> timing;
    std::string database;
    std::unique_ptr<RelayApp> relay;
    std::unique_ptr<http::RouterTransport> relay_router;
    std::unique_ptr<http::Server> server;
    std::string relay_url;
    RelayConfig config;

    // database_url: PostgreSQL (postgresql://...) instead of a fresh SQLite file.
    Stack(int kommo_limit, double relay_kommo_rps, int workers, const std::string& name, const std::string& database_url = {}) {
        sandbox::SandboxConfig c = testing::paired_sandbox_config(&to_relay);
        c.kommo_requests_per_second = kommo_limit;
        sandbox = std::make_unique<sandbox::Sandbox>(c);
        sandbox->set_public_url("http://sandbox.test");
        to_sandbox = std::make_unique<http::RouterTransport>(sandbox->router());
        timing = std::make_unique<TimingTransport>(*to_sandbox);
        database = (std::filesystem::temp_directory_path() / ("kb-bench-" + name + ".db")).string();
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(database + suffix);
        config = testing::paired_relay_config(database, 1000.0, relay_kommo_rps, workers, std::chrono::milliseconds(5));
        config.database_url = database_url;
        auto created = RelayApp::create(config, *timing);
        if (!created) {
            std::fprintf(stderr, "relay: %s\n", created.error().detail.c_str());
            std::exit(2);
        }
        relay = std::move(*created);
        relay_router = std::make_unique<http::RouterTransport>(relay->router());
        to_relay.target = relay_router.get();
        server = std::make_unique<http::Server>(relay->router());
        relay_url = "http://127.0.0.1:" + std::to_string(server->start("127.0.0.1", 0));
        control("POST", "/__sandbox/kommo/install");
        auto token = sandbox->disposable_token(9001);
        relay_router->send({"POST", "http://relay.test/api/v1/altegio/connect", {{"X-Auth-Token", token}},
                            Json{{"login", "admin@bella.example"}, {"password", "sandbox-password"}}.dump()});
    }
    ~Stack() {
        sandbox->stop_webhooks();
        server->stop();
        relay.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(database + suffix);
    }
    http::Response control(const std::string& method, const std::string& target, const Json& body = Json()) {
        return to_sandbox->send({method, "http://sandbox.test" + target, {}, body.is_null() ? "" : body.dump()});
    }
    // The path of the account's Altegio address ("/hooks/altegio/<key>"), as the relay hands it out.
    std::string altegio_path() {
        std::string url = relay->installation().webhook_url(**relay->store().find_installation(31000001));
        return url.substr(url.find("/hooks/"));
    }
    void settle() {
        for (;;) {
            bool delivered = sandbox->snapshot()["altegio"]["webhooks_pending"] == 0;   // first: see tests' settle()
            auto c = relay->store().inbox_counts();
            if (delivered && c && c->pending == 0 && c->processing == 0) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    // Staff make `n` records for new clients; returns the records.
    std::vector<Json> staff_records(int n, int first) {
        std::vector<Json> out;
        for (int i = 0; i < n; ++i) {
            char phone[32], when[64];
            std::snprintf(phone, sizeof phone, "+7902%07d", first + i);
            std::snprintf(when, sizeof when, "2027-02-%02dT%02d:%02d:00+03:00", 1 + (first + i) % 28, 8 + (first + i) / 28 % 12,
                          (first + i) % 2 * 30);
            auto made = control("POST", "/__sandbox/altegio/records",
                                Json{{"company_id", 400001}, {"staff_id", 5001}, {"services", {{{"id", 7001}}}}, {"datetime", when},
                                     {"save_if_busy", true}, {"client", {{"name", "Bench " + std::to_string(first + i)}, {"phone", phone}}}});
            out.push_back((*wire::parse_json(made.body))["record"]);
        }
        return out;
    }
    std::map<std::string, int> kommo_calls() {
        std::map<std::string, int> out;
        auto history = relay->store().recent_history(31000001, 10000000);
        for (const auto& e : *history)
            if (e.direction == "out" && e.kind.rfind("kommo.", 0) == 0) ++out[e.kind];
        return out;
    }
};

std::vector<std::string> webhook_bodies(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
        Json data{{"id", 80000000 + i}, {"company_id", 400001}, {"staff_id", 5001}, {"datetime", "2027-03-01T10:00:00+03:00"},
                  {"date", "2027-03-01 10:00:00"}, {"attendance", 0}, {"deleted", false}, {"services", {{{"id", 7001}, {"title", "x"}}}},
                  {"client", {{"id", 1}, {"name", "Bench"}, {"phone", "+79020000000"}}}, {"last_change_date", "2027-03-01T09:00:00+03:00"}};
        out.push_back(Json::array({Json{{"company_id", 400001}, {"resource", "record"}, {"resource_id", 80000000 + i},
                                        {"status", "update"}, {"data", data}}}).dump());
    }
    return out;
}

// Webhooks stored per second by `senders` threads, each keeping its connection, spread round-robin over `urls`.
double intake_rate(const std::vector<std::string>& urls, const std::vector<std::string>& bodies, int senders) {
    std::atomic<int> next{0}, refused{0};
    auto start = Steady::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < senders; ++t)
        threads.emplace_back([&] {
            auto transport = http::make_network_transport();
            for (int i; (i = next++) < static_cast<int>(bodies.size());)
                if (transport->send({"POST", urls[i % urls.size()], {{"Content-Type", "application/json"}}, bodies[i]}).status != 200) ++refused;
        });
    for (auto& t : threads) t.join();
    if (refused) std::printf("      (%d refused!)\n", refused.load());
    return bodies.size() / seconds_since(start);
}

// [SECTION] 1. intake against plain durable inserts
void intake(int events) {
    auto bodies = webhook_bodies(events);
    double baseline;
    {
        std::string path = (std::filesystem::temp_directory_path() / "kb-bench-plain.db").string();
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = FULL");
        db.exec("CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER, source TEXT, company_id INTEGER,"
                " resource TEXT, resource_id INTEGER, event_type TEXT, dedupe_key TEXT UNIQUE, body TEXT, received_at_ms INTEGER,"
                " state TEXT DEFAULT 'pending', attempts INTEGER DEFAULT 0, next_attempt_at_ms INTEGER DEFAULT 0)");
        auto start = Steady::now();
        for (int i = 0; i < events; ++i) {
            SQLite::Transaction t(db);
            SQLite::Statement insert(db, "INSERT OR IGNORE INTO inbox (account_id, source, company_id, resource, resource_id, event_type,"
                                         " dedupe_key, body, received_at_ms) VALUES (31000001, 'altegio', 400001, 'record', ?, 'update', ?, ?, 0)");
            insert.bind(1, 80000000 + i);
            insert.bind(2, "altegio|400001|record|" + std::to_string(80000000 + i) + "|update|x");
            insert.bind(3, bodies[i]);
            insert.exec();
            t.commit();
        }
        baseline = events / seconds_since(start);
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
    std::printf("1. intake (%d webhooks)\n   plain durable SQLite inserts: %8.0f rows/s (baseline)\n", events, baseline);
    {   // the storage share: what a webhook stores (its inbox row and history entry, the relay's schema), in a loop
        std::string path = (std::filesystem::temp_directory_path() / "kb-bench-store.db").string();
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
        auto store = std::move(*store::SqliteStore::open(path, *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text())));
        auto start = Steady::now();
        for (int i = 0; i < events; ++i) {
            store::InboxEvent row{0, 31000001, "altegio", 400001, "record", 80000000 + i, "update",
                                  "altegio|400001|record|" + std::to_string(80000000 + i) + "|x", bodies[i], 0};
            store::HistoryEntry entry{0, 0, 31000001, "in", "altegio.webhook", "POST", "/hooks/altegio/***", 200, "", bodies[i], "", 0};
            (void)store->append_webhook({row}, entry);
        }
        std::printf("   the same rows through the store, in a loop: %6.0f webhooks/s (%.0f%% of the baseline: the storage alone)\n",
                    events / seconds_since(start), 100.0 * events / seconds_since(start) / baseline);
        store.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
    {   // the HTTP share: the same loopback round trips with nothing stored
        Stack stack(1000, 1000.0, 0, "intake-http");
        auto transport = http::make_network_transport();
        auto start = Steady::now();
        for (int i = 0; i < events; ++i) transport->send({"GET", stack.relay_url + "/healthz", {}, ""});
        std::printf("   GET /healthz alone,   1 sender :  %8.0f requests/s (the HTTP share)\n", events / seconds_since(start));
    }
    for (int senders : {1, 4, 16}) {
        Stack stack(1000, 1000.0, 0, "intake");
        double rate = intake_rate({stack.relay_url + stack.altegio_path()}, bodies, senders);
        std::printf("   POST /hooks/altegio, %2d sender%s:  %8.0f events/s = %.0f%% of the baseline\n", senders, senders == 1 ? " " : "s",
                    rate, 100.0 * rate / baseline);
    }
}

// [SECTION] 2. Kommo calls per new record
void calls_per_record(int records) {
    Stack stack(1000, 1000.0, 4, "calls");
    auto before = stack.kommo_calls();
    stack.staff_records(records, 0);
    stack.settle();
    auto after = stack.kommo_calls();
    int total = 0;
    std::string split;
    for (const auto& [kind, n] : after) {
        int made = n - (before.count(kind) ? before[kind] : 0);
        if (made == 0) continue;
        total += made;
        split += "      " + kind + ": " + std::to_string(made) + "\n";
    }
    std::printf("2. Kommo calls per new record (%d records, journal note on, new clients): %.2f (aim: <= 3)\n%s", records,
                double(total) / records, split.c_str());
}

// [SECTION] 3. latency from webhook to lead updated
// p50 and p99 of webhook -> lead PATCHed, `events` updates one at a time, round-robin over `urls`.
std::pair<double, double> latency_over(Stack& stack, const std::vector<std::string>& urls, int events) {
    auto records = stack.staff_records(events, 1000);
    stack.settle();
    auto transport = http::make_network_transport();
    std::vector<double> ms;
    for (size_t i = 0; i < records.size(); ++i) {
        Json record = records[i];
        int64_t lead = **stack.relay->store().lead_of_record(31000001, 400001, record["id"]);
        record["datetime"] = "2027-03-03T12:00:00+03:00";
        record["date"] = "2027-03-03 12:00:00";
        record["last_change_date"] = "2027-03-02T12:00:00+03:00";
        std::string body = Json::array({Json{{"company_id", 400001}, {"resource", "record"}, {"resource_id", record["id"]},
                                             {"status", "update"}, {"data", record}}}).dump();
        auto sent = Steady::now();
        transport->send({"POST", urls[i % urls.size()], {{"Content-Type", "application/json"}}, body});
        std::unique_lock lock(stack.timing->mutex);
        stack.timing->changed.wait(lock, [&] { return stack.timing->patched.count(lead) && stack.timing->patched[lead] > sent; });
        ms.push_back(std::chrono::duration<double, std::milli>(stack.timing->patched[lead] - sent).count());
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))]; };
    return {at(0.5), at(0.99)};
}

void latency(int events) {
    Stack stack(1000, 1000.0, 4, "latency");
    auto [p50, p99] = latency_over(stack, {stack.relay_url + stack.altegio_path()}, events);
    std::printf("3. webhook -> lead updated (%d updates, one at a time, no rate-limit pressure): p50 %.1f ms, p99 %.1f ms (aim: p99 < 250 ms)\n",
                events, p50, p99);
}

// [SECTION] 4. a burst of new records under the real limit
void burst(int records) {
    Stack stack(7, 6.0, 4, "burst");
    auto before = stack.kommo_calls();
    int before_total = 0;
    for (const auto& [kind, n] : before) before_total += n;
    auto start = Steady::now();
    stack.staff_records(records, 5000);
    stack.settle();
    double wall = seconds_since(start);
    int total = 0, limited = 0;
    for (const auto& [kind, n] : stack.kommo_calls()) total += n;
    total -= before_total;
    auto history = stack.relay->store().recent_history(31000001, 10000000);
    std::map<std::string, int> limited_kinds;
    for (const auto& e : *history)
        if (e.status == 429) ++limited, ++limited_kinds[e.kind];
    int leads = static_cast<int>(stack.sandbox->snapshot()["kommo"]["leads"].size()) - 4;
    double minimum = total / 7.0;
    std::printf("4. burst of %d new records: %d leads, %d Kommo calls, %.1f s; the 7/s limit allows %.1f s at best: %.2fx (aim <= 1.2x); "
                "429 answers: %d\n", records, leads, total, wall, minimum, wall / minimum, limited);
    for (const auto& [kind, n] : limited_kinds) std::printf("      429 on %s: %d\n", kind.c_str(), n);
}

// [SECTION] 5. one relay on SQLite, one on PostgreSQL, two on PostgreSQL
// A second relay process's part, in this process: its own app and loopback server on the first one's database
// and sandbox.
struct SecondRelay {
    std::unique_ptr<RelayApp> relay;
    std::unique_ptr<http::Server> server;
    std::string relay_url;
    explicit SecondRelay(Stack& first) {
        auto created = RelayApp::create(first.config, *first.timing);
        if (!created) {
            std::fprintf(stderr, "second relay: %s\n", created.error().detail.c_str());
            std::exit(2);
        }
        relay = std::move(*created);
        server = std::make_unique<http::Server>(relay->router());
        relay_url = "http://127.0.0.1:" + std::to_string(server->start("127.0.0.1", 0));
    }
    ~SecondRelay() {
        server->stop();
        relay.reset();
    }
};

// Relay `setup` (0: one on SQLite, 1: one on PostgreSQL, 2: two on PostgreSQL) with `workers` each; `measure`
// gets the first stack and the webhook URLs of every relay.
template <class Measure>
void with_relays(int setup, int workers, Measure&& measure) {
    std::string url = setup == 0 ? std::string() : *testing::fresh_postgres_url();
    Stack stack(1000, 1000.0, workers, "scale", url);
    std::vector<std::string> urls{stack.relay_url + stack.altegio_path()};
    std::unique_ptr<SecondRelay> second;
    if (setup == 2) {
        second = std::make_unique<SecondRelay>(stack);
        urls.push_back(second->relay_url + stack.altegio_path());
    }
    measure(stack, urls);
}

void scale_out(int events, int latency_events) {
    std::printf("5. one relay on SQLite, one on PostgreSQL, two on PostgreSQL (%d webhooks by 16 senders; %d updates one at a time)\n",
                events, latency_events);
    if (!testing::postgres_server_url()) {
        std::printf("   skipped: no PostgreSQL server (run under tools/with_postgres.sh)\n");
        return;
    }
    auto bodies = webhook_bodies(events);
    for (int setup = 0; setup < 3; ++setup) {
        double rate = 0;
        std::pair<double, double> ms;
        // Intake with no workers, so storing is all that is measured; latency with four workers a relay.
        with_relays(setup, 0, [&](Stack&, const std::vector<std::string>& urls) { rate = intake_rate(urls, bodies, 16); });
        with_relays(setup, 4, [&](Stack& stack, const std::vector<std::string>& urls) { ms = latency_over(stack, urls, latency_events); });
        const char* name = setup == 0 ? "1 relay, SQLite     " : setup == 1 ? "1 relay, PostgreSQL " : "2 relays, PostgreSQL";
        std::printf("   %s: intake %7.0f webhooks/s; webhook -> lead p50 %5.1f ms, p99 %6.1f ms\n", name, rate, ms.first, ms.second);
    }
}

int flag(int argc, char** argv, const char* name, int fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == name) return std::atoi(argv[i + 1]);
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::err);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::string sections = "12345";
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--sections") sections = argv[i + 1];
    auto wanted = [&](char section) { return sections.find(section) != std::string::npos; };
    if (wanted('1')) intake(flag(argc, argv, "--events", 3000));
    if (wanted('2')) calls_per_record(100);
    if (wanted('3')) latency(flag(argc, argv, "--latency-events", 300));
    if (wanted('4')) burst(flag(argc, argv, "--burst", 1000));
    if (wanted('5')) scale_out(flag(argc, argv, "--events", 3000), flag(argc, argv, "--latency-events", 300));
}
