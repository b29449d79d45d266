// The sandbox behaves like the real APIs in the ways the relay depends on: shapes, auth, limits, faults.
#include <doctest/doctest.h>
#include <mutex>
#include <thread>
#include "relay/http/transport.hpp"
#include "sandbox/sandbox.hpp"
#include "shared/wire/json_read.hpp"

using namespace kb;
using wire::Json;

namespace {

struct Recorder : http::Transport {
    std::mutex mutex;
    std::vector<http::OutgoingRequest> received;
    http::Response send(const http::OutgoingRequest& request) override {
        std::lock_guard lock(mutex);
        received.push_back(request);
        return http::Response{200, "text/plain", "ok", {}};
    }
    size_t count() {
        std::lock_guard lock(mutex);
        return received.size();
    }
};

struct Peer {
    Recorder webhooks;
    sandbox::Sandbox sandbox;
    http::RouterTransport transport{sandbox.router()};
    explicit Peer(int altegio_rps = 1000, int kommo_rps = 1000) : sandbox(config(altegio_rps, kommo_rps, &webhooks)) {
        sandbox.set_public_url("http://sandbox.test");
    }
    static sandbox::SandboxConfig config(int altegio_rps, int kommo_rps, http::Transport* outbound) {
        sandbox::SandboxConfig c;
        c.altegio_requests_per_second = altegio_rps;
        c.kommo_requests_per_second = kommo_rps;
        c.kommo_redirect_uri = "http://relay.test/oauth/kommo";
        c.outbound = outbound;
        return c;
    }
    http::Response altegio(const std::string& method, const std::string& path, const std::string& user_token = {}, const Json& body = {}) {
        std::string auth = "Bearer sandbox-partner-token" + (user_token.empty() ? "" : ", User " + user_token);
        return transport.send({method, "http://sandbox.test/altegio/api/v1" + path, {{"Authorization", auth}}, body.is_null() ? "" : body.dump()});
    }
    std::string user_token() {
        auto reply = altegio("POST", "/auth", {}, Json{{"login", "admin@bella.example"}, {"password", "sandbox-password"}});
        REQUIRE(reply.status == 201);
        return (*wire::parse_json(reply.body))["data"]["user_token"];
    }
    http::Response kommo(const std::string& method, const std::string& path, const std::string& token, const Json& body = {}) {
        return transport.send({method, "http://sandbox.test/kommo" + path, {{"Authorization", "Bearer " + token}}, body.is_null() ? "" : body.dump()});
    }
    // Runs the OAuth install by hand: a code from the control API's install is not visible, so use the grant directly.
    Json tokens() {
        auto install = transport.send({"POST", "http://sandbox.test/__sandbox/kommo/install", {}, ""});
        (void)install;   // the redirect goes to the recorder; the code is in its URL
        std::string url = webhooks.received.back().url;
        std::string code = url.substr(url.find("code=") + 5, 40);
        auto reply = transport.send({"POST", "http://sandbox.test/kommo/oauth2/access_token", {},
                                     Json{{"client_id", "sandbox-client-id"}, {"client_secret", "sandbox-client-secret"},
                                          {"grant_type", "authorization_code"}, {"code", code},
                                          {"redirect_uri", "http://relay.test/oauth/kommo"}}.dump()});
        REQUIRE_MESSAGE(reply.status == 200, reply.body);
        return *wire::parse_json(reply.body);
    }
};

Json json_of(const http::Response& r) { return *wire::parse_json(r.body); }

}  // namespace

TEST_CASE("Altegio: the envelope, the partner/user Bearer header, and the error shape") {
    Peer peer;
    auto no_auth = peer.transport.send({"GET", "http://sandbox.test/altegio/api/v1/companies", {}, ""});
    CHECK(no_auth.status == 401);
    CHECK(json_of(no_auth)["success"] == false);
    CHECK(json_of(no_auth)["meta"]["message"] == "Authentication needed.");
    auto wrong_password = peer.altegio("POST", "/auth", {}, Json{{"login", "admin@bella.example"}, {"password", "x"}});
    CHECK(wrong_password.status == 401);
    CHECK(peer.altegio("GET", "/company/400001/services").status == 401);   // needs a user token
    auto services = peer.altegio("GET", "/company/400001/services", peer.user_token());
    REQUIRE(services.status == 200);
    auto body = json_of(services);
    CHECK(body["success"] == true);
    CHECK(body["data"].size() == 8);
    CHECK(body["data"][0]["price_min"].is_string());   // "2500.00", as the real list sends prices
}

TEST_CASE("Altegio: free times exclude booked records, and book_check refuses a taken time with 433") {
    Peer peer;
    std::string user = peer.user_token();
    auto dates = json_of(peer.altegio("GET", "/book_dates/400001?staff_id=5001&service_ids%5B%5D=7001"))["data"]["booking_dates"];
    REQUIRE(!dates.empty());
    std::string day = dates[0];
    auto times = json_of(peer.altegio("GET", "/book_times/400001/5001/" + day + "?service_ids%5B%5D=7001"))["data"];
    REQUIRE(!times.empty());
    std::string datetime = times[0]["datetime"];
    Json check{{"appointments", Json::array({Json{{"id", 1}, {"services", {7001}}, {"staff_id", 5001}, {"datetime", datetime}}})}};
    CHECK(peer.altegio("POST", "/book_check/400001", {}, check).status == 201);
    Json record{{"staff_id", 5001}, {"services", Json::array({Json{{"id", 7001}}})}, {"datetime", datetime},
                {"client", Json{{"name", "Test"}, {"phone", "+79990000001"}}}, {"api_id", "kb-1"}};
    auto created = peer.altegio("POST", "/records/400001", user, record);
    REQUIRE(created.status == 201);
    auto taken = peer.altegio("POST", "/book_check/400001", {}, check);
    CHECK(taken.status == 422);
    CHECK(json_of(taken)["errors"]["code"] == 433);
    auto after = json_of(peer.altegio("GET", "/book_times/400001/5001/" + day + "?service_ids%5B%5D=7001"))["data"];
    for (const auto& t : after) CHECK(t["datetime"] != datetime);

    int64_t id = json_of(created)["data"]["id"];
    auto edited = peer.altegio("PUT", "/record/400001/" + std::to_string(id), user, Json{{"comment", "moved"}});
    CHECK(edited.status == 200);
    CHECK(json_of(edited)["data"]["comment"] == "moved");
    CHECK(peer.altegio("DELETE", "/record/400001/" + std::to_string(id), user).status == 204);
    CHECK(peer.altegio("GET", "/record/400001/" + std::to_string(id), user).status == 200);   // kept, marked deleted
    CHECK(peer.altegio("DELETE", "/record/400001/" + std::to_string(id), user).status == 404);
}

TEST_CASE("Altegio: a record files under the branch's client with that phone; the client search finds by a part of name or phone") {
    Peer peer;
    std::string user = peer.user_token();
    auto times = json_of(peer.altegio("GET", "/book_times/400001/5001/" +
                                      json_of(peer.altegio("GET", "/book_dates/400001?staff_id=5001&service_ids%5B%5D=7001"))["data"]["booking_dates"][1]
                                          .get<std::string>() + "?service_ids%5B%5D=7001"))["data"];
    REQUIRE(times.size() >= 2);
    // The seeded regular "+79165554433"; the second booking is written with spaces, as people type it.
    Json first{{"staff_id", 5001}, {"services", Json::array({Json{{"id", 7001}}})}, {"datetime", times[0]["datetime"]},
               {"client", Json{{"name", "Серёжа"}, {"phone", "+79165554433"}}}};
    Json second = first;
    second["datetime"] = times[times.size() - 1]["datetime"];
    second["client"]["phone"] = "+7 916 555 44 33";
    auto a = json_of(peer.altegio("POST", "/records/400001", user, first))["data"];
    auto b = json_of(peer.altegio("POST", "/records/400001", user, second))["data"];
    CHECK(a["client"]["id"] == b["client"]["id"]);
    CHECK(a["client"]["name"] == "Сергей Новиков");   // the card's own name, not the one typed

    auto search = [&](const std::string& text, Json fields, int page_size = 25) {
        return peer.altegio("POST", "/company/400001/clients/search", user,
                            Json{{"page", 1}, {"page_size", page_size}, {"fields", fields},
                                 {"filters", Json::array({Json{{"type", "quick_search"}, {"state", Json{{"value", text}}}}})}});
    };
    auto by_phone = json_of(search("9165554433", Json::array({"id", "name", "phone"})));
    REQUIRE(by_phone["data"].size() == 1);
    CHECK(by_phone["data"][0]["name"] == "Сергей Новиков");
    CHECK(by_phone["data"][0]["phone"] == 79165554433);
    CHECK(by_phone["meta"]["total_count"] == 1);
    auto ids_only = json_of(search("НОВИК", Json::array()));
    REQUIRE(ids_only["data"].size() == 1);
    CHECK(ids_only["data"][0].size() == 1);   // without fields: ids only
    CHECK(json_of(search("Madrid client", Json::array()))["data"].empty());
    CHECK(search("9165554433", Json::array(), 500).status == 422);
    CHECK(peer.altegio("POST", "/company/400002/clients/search", user, Json::object()).status == 200);
    CHECK(json_of(search("Sofía", Json::array()))["data"].empty());   // a Madrid client is not Moscow's
}

TEST_CASE("Altegio: more than 5 calls a second from one IP get 429") {
    Peer peer(5, 1000);
    int limited = 0;
    for (int i = 0; i < 8; ++i)
        if (peer.altegio("GET", "/company/400001").status == 429) ++limited;
    CHECK(limited == 3);
}

TEST_CASE("Altegio: a staff change sends a record webhook to the configured URLs, unless dropped by a fault") {
    Peer peer;
    std::string user = peer.user_token();
    REQUIRE(peer.altegio("POST", "/hooks_settings/400001", user,
                         Json{{"urls", {"http://relay.test/hooks/altegio/k"}}, {"active", 1}, {"record", 1}, {"self_sending", 0}}).status == 201);
    auto records = json_of(peer.altegio("GET", "/records/400001", user))["data"];
    int64_t id = records[0]["id"];
    size_t before = peer.webhooks.count();
    peer.transport.send({"POST", "http://sandbox.test/__sandbox/altegio/records/" + std::to_string(id) + "/change", {}, R"({"attendance":1})"});
    for (int i = 0; i < 100 && peer.webhooks.count() == before; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(peer.webhooks.count() == before + 1);
    auto event = *wire::parse_json(peer.webhooks.received.back().body);
    CHECK(event["resource"] == "record");
    CHECK(event["status"] == "update");
    CHECK(event["data"]["attendance"] == 1);

    peer.transport.send({"POST", "http://sandbox.test/__sandbox/faults", {}, R"({"target":"altegio_webhook"})"});
    auto dropped = peer.transport.send({"POST", "http://sandbox.test/__sandbox/altegio/records/" + std::to_string(id) + "/change", {}, R"({"attendance":2})"});
    CHECK(json_of(dropped)["webhook_dropped"] == true);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(peer.webhooks.count() == before + 1);
}

TEST_CASE("Kommo: refresh tokens are single-use and rotate; expired access tokens get 401 problem+json") {
    Peer peer;
    Json first = peer.tokens();
    CHECK(first["expires_in"] == 86400);
    auto refresh = [&](const std::string& token) {
        return peer.transport.send({"POST", "http://sandbox.test/kommo/oauth2/access_token", {},
                                    Json{{"client_id", "sandbox-client-id"}, {"client_secret", "sandbox-client-secret"},
                                         {"grant_type", "refresh_token"}, {"refresh_token", token},
                                         {"redirect_uri", "http://relay.test/oauth/kommo"}}.dump()});
    };
    auto second = refresh(first["refresh_token"]);
    REQUIRE(second.status == 200);
    CHECK(json_of(second)["refresh_token"] != first["refresh_token"]);
    auto reused = refresh(first["refresh_token"]);
    CHECK(reused.status == 401);
    CHECK(json_of(reused)["hint"] == "Token has been revoked");

    std::string access = json_of(second)["access_token"];
    CHECK(peer.kommo("GET", "/api/v4/account", access).status == 200);
    peer.transport.send({"POST", "http://sandbox.test/__sandbox/kommo/expire_access_tokens", {}, ""});
    auto expired = peer.kommo("GET", "/api/v4/account", access);
    CHECK(expired.status == 401);
    CHECK(expired.content_type == "application/problem+json");
}

TEST_CASE("Kommo: 204 on empty lists, validation errors as problem+json, complex add, 429 above 7 a second as HTML") {
    Peer peer;
    std::string access = peer.tokens()["access_token"];
    CHECK(peer.kommo("GET", "/api/v4/leads?query=nothing-matches-this", access).status == 204);
    auto refused = peer.kommo("PATCH", "/api/v4/leads/21001", access, Json{{"custom_fields_values", {{{"field_id", 1}, {"values", {{{"value", "x"}}}}}}}});
    CHECK(refused.status == 400);
    CHECK(json_of(refused)["validation-errors"][0]["errors"][0]["code"] == "NotSupportedChoice");
    auto complex = peer.kommo("POST", "/api/v4/leads/complex", access,
                              Json::array({Json{{"name", "Walk-in"}, {"_embedded", {{"contacts", {{{"first_name", "Lucía"},
                                  {"custom_fields_values", {{{"field_code", "PHONE"}, {"values", {{{"value", "+34600000000"}}}}}}}}}}}}}}));
    REQUIRE_MESSAGE(complex.status == 200, complex.body);
    CHECK(json_of(complex)[0]["contact_id"].is_number());
    auto found = peer.kommo("GET", "/api/v4/contacts?query=34600000000", access);
    REQUIRE(found.status == 200);
    CHECK(json_of(found)["_embedded"]["contacts"][0]["first_name"] == "Lucía");

    Peer limited(1000, 7);
    std::string token = limited.tokens()["access_token"];   // the token call counts too
    int too_many = 0;
    for (int i = 0; i < 9; ++i) {
        auto r = limited.kommo("GET", "/api/v4/account", token);
        if (r.status == 429) {
            ++too_many;
            CHECK(r.content_type == "text/html");
        }
    }
    CHECK(too_many == 3);
}
