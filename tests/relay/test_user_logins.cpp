// Whose Altegio login a manager's records are made with: their own (Altegio names that employee as the author),
// the general account only where the admin allows it, and a clear refusal otherwise.
#include "sync_helpers.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

constexpr int64_t admin_altegio_id = 12795431;   // admin@bella.example, the login Altegio was connected with
constexpr int64_t olga_altegio_id = 12795501;    // olga@bella.example, an employee's own login

http::Response book_as(World& world, int64_t user, const std::string& key) {
    return world.call("POST", "/api/v1/records",
                      Json{{"lead_id", 21002}, {"company_id", 400001}, {"staff_id", 5001}, {"service_ids", {7001}},
                           {"datetime", free_slot(world, 5001, 7001)},
                           {"client", {{"name", "María López"}, {"phone", "+34 600 222 333"}}}, {"request_key", key}},
                      user);
}

std::string access_of(World& world, int64_t user) {
    auto card = world.call("GET", "/api/v1/card?lead_id=21002", Json(), user);
    REQUIRE_MESSAGE(card.status == 200, card.body);
    return body_of(card)["access"];
}

Json altegio_record(World& world, int64_t id) {
    Json state = world.sandbox_state();
    for (const auto& r : state["altegio"]["records"])
        if (r["id"] == id) return r;
    FAIL("no such record in the sandbox");
    return Json();
}

size_t altegio_records(World& world) { return world.sandbox_state()["altegio"]["records"].size(); }

void link(World& world, int64_t user, const std::string& login, const std::string& password) {
    auto linked = world.call("POST", "/api/v1/settings/users/" + std::to_string(user) + "/altegio",
                             Json{{"login", login}, {"password", password}});
    REQUIRE_MESSAGE(linked.status == 200, linked.body);
}

Json user_on_users_tab(World& world, int64_t user) {
    Json page = body_of(world.call("GET", "/api/v1/settings"));
    for (const auto& u : page["users"])
        if (u["id"] == user) return u;
    FAIL("no such user on the Users tab");
    return Json();
}

}  // namespace

TEST_CASE("the admin who connected Altegio books with that login; Altegio names them as the record's author") {
    World world;
    world.install();
    CHECK(access_of(world, 9001) == "own_login");
    CHECK(user_on_users_tab(world, 9001)["altegio_user_id"] == admin_altegio_id);
    auto booked = book_as(world, 9001, "admin-1");
    REQUIRE_MESSAGE(booked.status == 200, booked.body);
    CHECK(altegio_record(world, body_of(booked)["record"]["id"])["created_user_id"] == admin_altegio_id);
}

TEST_CASE("a manager without an Altegio login is told why and books nothing, until the admin allows the general account") {
    World world;
    world.install();
    CHECK(access_of(world, 9002) == "not_linked");
    size_t before = altegio_records(world);
    auto refused = book_as(world, 9002, "unlinked-1");
    CHECK(refused.status == 403);
    CHECK(body_of(refused)["error"]["message_key"] == "ui.error.altegio_login_not_linked");
    CHECK(altegio_records(world) == before);

    auto settings = settings_of(world);
    CHECK_FALSE(settings.general_account_for_unlinked_users);   // off until the admin turns it on
    settings.general_account_for_unlinked_users = true;
    save_settings(world, settings);
    CHECK(access_of(world, 9002) == "general_account");
    auto booked = book_as(world, 9002, "unlinked-2");
    REQUIRE_MESSAGE(booked.status == 200, booked.body);
    CHECK(altegio_record(world, body_of(booked)["record"]["id"])["created_user_id"] == admin_altegio_id);
}

TEST_CASE("a manager's own Altegio login makes and changes their records; a login Altegio stops accepting is an Authorization error") {
    World world;
    world.install();
    auto settings = settings_of(world);
    settings.general_account_for_unlinked_users = true;   // a broken own login never falls back to the general account
    save_settings(world, settings);
    link(world, 9002, "olga@bella.example", "olga-sandbox");
    CHECK(access_of(world, 9002) == "own_login");
    auto booked = book_as(world, 9002, "own-1");
    REQUIRE_MESSAGE(booked.status == 200, booked.body);
    int64_t record = body_of(booked)["record"]["id"];
    CHECK(altegio_record(world, record)["created_user_id"] == olga_altegio_id);

    // Olga's password changed in Altegio: the stored login no longer works.
    REQUIRE(world.control("POST", "/__sandbox/altegio/users/" + std::to_string(olga_altegio_id) + "/sign_out").status == 200);
    auto cancel = world.call("POST", "/api/v1/branches/400001/records/" + std::to_string(record) + "/status",
                             Json{{"action", "cancel"}}, 9002);
    CHECK(cancel.status == 403);
    CHECK(body_of(cancel)["error"]["message_key"] == "ui.error.altegio_login_failed");
    CHECK(body_of(cancel).dump().find("Authentication") == std::string::npos);   // Altegio's own text stays in the log
    CHECK_FALSE(altegio_record(world, record)["deleted"].get<bool>());
    CHECK(access_of(world, 9002) == "login_failed");
    CHECK(user_on_users_tab(world, 9002)["login_failed"] == true);
    size_t before = altegio_records(world);
    auto again = book_as(world, 9002, "own-2");
    CHECK(again.status == 403);
    CHECK(body_of(again)["error"]["message_key"] == "ui.error.altegio_login_failed");
    CHECK(altegio_records(world) == before);

    // The admin signs the login in again on the Users tab: the manager books as Olga once more.
    link(world, 9002, "olga@bella.example", "olga-sandbox");
    CHECK(user_on_users_tab(world, 9002)["login_failed"] == false);
    CHECK(access_of(world, 9002) == "own_login");
    auto status = world.call("POST", "/api/v1/branches/400001/records/" + std::to_string(record) + "/status",
                             Json{{"action", "cancel"}}, 9002);
    CHECK_MESSAGE(status.status == 200, status.body);
}
