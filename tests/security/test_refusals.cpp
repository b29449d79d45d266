// Every webhook the relay refuses leaves a row an administrator can find in the request history (type, time,
// status, reason, the first bytes of the body with secrets masked), and a flood of refusals cannot fill the store.
#include "relay/sync_helpers.hpp"

#include "relay/hooks/intake_keys.hpp"
#include "relay/http/server.hpp"
#include "relay/http/transport.hpp"
#include "unit/fixture.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// The history rows of refused posts for the account, newest first.
std::vector<store::HistoryEntry> refusals(World& world, int64_t account_id = 31000001) {
    std::vector<store::HistoryEntry> out;
    auto history = world.relay->store().recent_history(account_id, 1000);
    REQUIRE(history);
    for (auto& e : *history)
        if (e.direction == "in" && e.status >= 400 && e.error.rfind("refused: ", 0) == 0) out.push_back(e);
    return out;
}

http::Response post(World& world, const std::string& url, const std::string& body, const std::string& type) {
    return world.relay_to_router_send({"POST", url, {{"Content-Type", type}}, body});
}

// The address with its key's tag changed: it still names the account, but is not its key.
std::string wrong_tag(std::string url) {
    url.back() = url.back() == '0' ? '1' : '0';
    return url;
}

}  // namespace

TEST_CASE("each refused webhook leaves a history row with its type, status, reason and masked first bytes") {
    World world;
    world.install();
    const std::string altegio = world.intake_url(hooks::Intake::altegio), kommo = world.intake_url(hooks::Intake::kommo);

    // 400: not JSON; the body names a token, which the history must not show.
    CHECK(post(world, altegio, R"({"access_token":"secret-value-123", broken)", "application/json").status == 400);
    // 403: Kommo's webhook for another account, at this account's address (a real form of three leads moved,
    // over 8 KiB with thirty custom fields each).
    std::string form = read_fixture(KB_OWN_FIXTURES "/kommo/webhook_leads_status_many_fields.txt");
    REQUIRE(form.size() > 8192);
    std::string other = form;
    for (size_t at; (at = other.find("31000001")) != std::string::npos;) other.replace(at, 8, "31000999");
    CHECK(post(world, kommo, other, "application/x-www-form-urlencoded").status == 403);
    // 404: this account's address with a key that is not its own.
    CHECK(post(world, wrong_tag(altegio), R"({"company_id":400001})", "application/json").status == 404);
    // 413: over 1 MiB.
    CHECK(post(world, altegio, std::string(1024 * 1024 + 1, ' '), "application/json").status == 413);

    auto rows = refusals(world);
    REQUIRE(rows.size() == 4);
    std::reverse(rows.begin(), rows.end());   // oldest first
    CHECK(rows[0].status == 400);
    CHECK(rows[0].kind == "altegio.webhook");
    CHECK(rows[0].target == "/hooks/altegio/***");
    CHECK(rows[0].request_body.find("secret-value-123") == std::string::npos);
    CHECK(rows[0].request_body.find("access_token") != std::string::npos);
    CHECK(rows[1].status == 403);
    CHECK(rows[1].kind == "kommo.webhook");
    CHECK(rows[1].error.find("another account") != std::string::npos);
    CHECK(rows[1].request_body.size() == 2048);   // the first bytes, not the whole body
    CHECK(rows[2].status == 404);
    CHECK(rows[2].error.find("unknown webhook key") != std::string::npos);
    CHECK(rows[3].status == 413);
    for (const auto& r : rows) CHECK(r.at_ms > 0);
    CHECK(world.relay->store().inbox_counts()->pending == 0);   // nothing refused was stored as an event

    // The same form for this account is taken: three stage changes.
    CHECK(post(world, kommo, form, "application/x-www-form-urlencoded").status == 200);
    CHECK(world.relay->store().inbox_counts()->pending == 3);
}

TEST_CASE("a flood of refused webhooks writes at most ten history rows a minute per account") {
    World world;
    world.install();
    const std::string bad = wrong_tag(world.intake_url(hooks::Intake::altegio));
    for (int i = 0; i < 300; ++i) CHECK(post(world, bad, "{}", "application/json").status == 404);
    CHECK(refusals(world).size() == 10);
    // A key naming no account: its rows go to the operator's account 0, under the same limit.
    for (int i = 0; i < 50; ++i) CHECK(post(world, "http://relay.test/hooks/altegio/424242.00000000000000000000000000000000", "{}",
                                             "application/json").status == 404);
    CHECK(refusals(world, 0).size() == 10);
    CHECK(refusals(world).size() == 10);
}

TEST_CASE("a webhook the HTTP edge refuses before any route runs (over 1 MiB) leaves its row too") {
    World world;
    world.install();
    http::Server server(world.relay->router(), world.relay->server_options());
    int port = server.start("127.0.0.1", 0);
    REQUIRE(port > 0);
    std::string url = world.intake_url(hooks::Intake::altegio);
    url.replace(0, std::string("http://relay.test").size(), "http://127.0.0.1:" + std::to_string(port));
    std::string body = R"({"company_id":400001,"resource":"record","data":{"comment":")" + std::string(1200 * 1024, 'x') + "\"}}";
    auto answer = http::make_network_transport()->send({"POST", url, {{"Content-Type", "application/json"}}, body});
    server.stop();
    CHECK(answer.status == 413);
    auto rows = refusals(world);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].status == 413);
    CHECK(rows[0].kind == "altegio.webhook");
    CHECK(rows[0].target == "/hooks/altegio/***");
    CHECK(rows[0].request_body.rfind(R"({"company_id":400001)", 0) == 0);
    CHECK(rows[0].request_body.size() == 2048);
}
