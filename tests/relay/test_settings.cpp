// The settings page's API: what an administrator sees, saving with validation and a revision check, versions,
// a user's own Altegio account, creating missing fields, and uninstalling.
#include "sync_helpers.hpp"

#include "relay/crypto/hmac.hpp"
#include "shared/wire/settings_api.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

wire::api::SettingsPage page_of(World& world) {
    auto reply = world.call("GET", "/api/v1/settings");
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    auto page = wire::api::decode_settings_page(body_of(reply));
    REQUIRE_MESSAGE(page.has_value(), (page ? "" : page.error().detail));
    return *page;
}

http::Response put_settings(World& world, int64_t base_revision, const domain::Settings& settings) {
    return world.call("PUT", "/api/v1/settings", wire::api::encode(wire::api::SettingsSave{base_revision, settings}));
}

const wire::api::BranchState& branch_in(const wire::api::SettingsPage& page, int64_t id) {
    for (const auto& b : page.branches)
        if (b.branch.id == id) return b;
    FAIL("branch " << id << " is not on the page");
    return page.branches.front();
}

constexpr int64_t moscow = 400001, madrid = 400002;

}  // namespace

TEST_CASE("the settings page shows an administrator the document and everything it can refer to") {
    World world;
    world.install();
    auto page = page_of(world);

    CHECK(page.altegio_connected);
    CHECK(page.revision > 0);   // installation mapped the booking's lead fields and saved them as a version
    CHECK(page.settings.lead_fields.record_id != 0);
    REQUIRE(!page.pipelines.empty());
    CHECK(page.pipelines[0].name == "Записи");
    CHECK(!page.pipelines[0].stages.empty());
    CHECK(!page.pipelines[0].stages[0].name.empty());
    CHECK(std::any_of(page.contact_fields.begin(), page.contact_fields.end(), [](const auto& f) { return f.name == "Визитов"; }));
    REQUIRE(page.users.size() == 3);
    CHECK(page.users[0].is_admin);
    // Installation registered the relay's webhook with every branch (none was chosen yet).
    REQUIRE(page.branches.size() == 2);
    CHECK(branch_in(page, moscow).status == wire::api::BranchStatus::connected);
    CHECK(branch_in(page, madrid).status == wire::api::BranchStatus::connected);

    SUBCASE("a manager who is not an administrator is refused") {
        auto refused = world.call("GET", "/api/v1/settings", Json(), 9002);
        CHECK(refused.status == 403);
        CHECK(body_of(refused)["error"]["message_key"] == "ui.error.admin_only");
    }
}

TEST_CASE("a branch's status follows the admin's choice and what Altegio holds") {
    World world;
    world.install();
    auto page = page_of(world);
    page.settings.connected_branch_ids = {moscow};
    auto saved = put_settings(world, page.revision, page.settings);
    REQUIRE_MESSAGE(saved.status == 200, saved.body);
    page = page_of(world);
    CHECK(branch_in(page, moscow).status == wire::api::BranchStatus::connected);
    CHECK(branch_in(page, madrid).status == wire::api::BranchStatus::not_connected);

    // Someone removes the relay's address in Altegio: the page says the branch's webhook is missing.
    std::string token = world.sandbox_user_token();
    auto hooks = World::body_of_text(world.altegio_call("GET", "/hooks_settings/400001", token).body)["data"];
    hooks["urls"] = Json::array({"https://other-app.example/hook"});
    REQUIRE(world.altegio_call("POST", "/hooks_settings/400001", token, hooks).status == 201);
    CHECK(branch_in(page_of(world), moscow).status == wire::api::BranchStatus::webhook_missing);

    // Saving again registers it again, and keeps the other application's address.
    page = page_of(world);
    REQUIRE(put_settings(world, page.revision, page.settings).status == 200);
    CHECK(branch_in(page_of(world), moscow).status == wire::api::BranchStatus::connected);
    auto urls = World::body_of_text(world.altegio_call("GET", "/hooks_settings/400001", token).body)["data"]["urls"];
    CHECK(std::find(urls.begin(), urls.end(), Json("https://other-app.example/hook")) != urls.end());
}

TEST_CASE("saving checks the whole document and never overwrites a save made meanwhile") {
    World world;
    world.install();
    auto page = page_of(world);
    const int64_t first = page.revision;

    SUBCASE("every problem comes back with its path, and nothing is saved") {
        auto wrong = page.settings;
        wrong.status_sync.mode = domain::StatusSyncMode::single_pipeline;
        wrong.status_sync.pipeline_id = 7700001;
        wrong.status_sync.map.targets[domain::RecordState::came] = {7700002, 999999};
        wrong.automation.task_on_new_record = true;
        wrong.automation.task_due_minutes = 0;
        auto refused = put_settings(world, first, wrong);
        CHECK(refused.status == 422);
        auto reply = *wire::api::decode_save_reply(body_of(refused));
        CHECK(reply.revision == first);
        std::set<std::string> paths;
        for (const auto& p : reply.problems) paths.insert(p.path + " " + p.message_key);
        CHECK(paths.count("status_sync.map.targets.came ui.settings_error.unknown_stage") == 1);
        CHECK(paths.count("automation.task_due_minutes ui.settings_error.out_of_range") == 1);
        CHECK(page_of(world).revision == first);
    }

    SUBCASE("two admins start from the same revision: the second save is refused, the first stays") {
        auto anna = page.settings, other = page.settings;
        anna.automation.task_on_new_record = true;
        other.automation.journal_note = false;
        auto saved = put_settings(world, first, anna);
        REQUIRE_MESSAGE(saved.status == 200, saved.body);
        CHECK(body_of(saved)["revision"] == first + 1);
        auto late = put_settings(world, first, other);
        CHECK(late.status == 409);
        CHECK(body_of(late)["error"]["message_key"] == "ui.error.settings_conflict");
        auto now = page_of(world);
        CHECK(now.revision == first + 1);
        CHECK(now.settings.automation.task_on_new_record);
        CHECK(now.settings.automation.journal_note);
    }

    SUBCASE("an earlier version can be restored, as the newest") {
        auto changed = page.settings;
        changed.automation.go_to_lead_button = false;
        REQUIRE(put_settings(world, first, changed).status == 200);
        auto versions = wire::api::decode_versions(body_of(world.call("GET", "/api/v1/settings/versions")));
        REQUIRE(versions);
        REQUIRE(versions->size() >= 2);
        CHECK(versions->front().revision == first + 1);
        CHECK(versions->front().saved_by_name == "Анна Менеджерова");
        auto restored = world.call("POST", "/api/v1/settings/versions/" + std::to_string(first) + "/restore", Json{{"base_revision", first + 1}});
        REQUIRE_MESSAGE(restored.status == 200, restored.body);
        auto now = page_of(world);
        CHECK(now.revision == first + 2);
        CHECK(now.settings == page.settings);
    }
}

TEST_CASE("a Kommo user's Altegio employee account is checked at once and the password is not kept") {
    World world;
    world.install();
    auto wrong = world.call("POST", "/api/v1/settings/users/9002/altegio", Json{{"login", "olga@bella.example"}, {"password", "nope"}});
    CHECK(wrong.status == 401);
    CHECK(body_of(wrong)["error"]["message_key"] == "ui.error.altegio_wrong_password");

    auto linked = world.call("POST", "/api/v1/settings/users/9002/altegio", Json{{"login", "olga@bella.example"}, {"password", "olga-sandbox"}});
    REQUIRE_MESSAGE(linked.status == 200, linked.body);
    CHECK(body_of(linked)["altegio_user_name"] == "Ольга Смирнова");
    auto page = page_of(world);
    auto user = std::find_if(page.users.begin(), page.users.end(), [](const auto& u) { return u.id == 9002; });
    REQUIRE(user != page.users.end());
    CHECK(user->altegio_user_id == 12795501);

    CHECK(world.relay->store().user_links(31000001)->front().user_token.size() > 0);
    CHECK(world.call("POST", "/api/v1/settings/users/4242/altegio", Json{{"login", "olga@bella.example"}, {"password", "olga-sandbox"}})
              .status == 404);
}

TEST_CASE("the missing fields are created in Kommo with their recommended types and mapped") {
    World world;
    world.install();
    auto page = page_of(world);
    CHECK(page.settings.contact_fields.visits_count == 0);
    auto created = world.call("POST", "/api/v1/settings/fields", Json{{"base_revision", page.revision}});
    REQUIRE_MESSAGE(created.status == 200, created.body);
    auto after = page_of(world);
    CHECK(after.revision == page.revision + 1);
    const auto& k = after.settings.contact_fields;
    for (int64_t id : {k.birthday, k.category, k.visits_count, k.visits_sum, k.client_id, k.subscription_name, k.subscription_start,
                       k.subscription_end, k.subscription_remaining})
        CHECK(id != 0);
    const auto& l = after.settings.lead_fields;
    for (int64_t id : {l.company_id, l.service_category, l.record_category, l.comment, l.record_source, l.payments_amount}) CHECK(id != 0);
    auto type_of = [&](int64_t id) {
        for (const auto& f : after.contact_fields)
            if (f.id == id) return f.type;
        return std::string();
    };
    CHECK(type_of(k.birthday) == "birthday");
    CHECK(type_of(k.visits_count) == "numeric");
    CHECK(type_of(k.subscription_end) == "date");

    // Pressing it again changes nothing; from an old revision it is refused.
    auto again = world.call("POST", "/api/v1/settings/fields", Json{{"base_revision", after.revision}});
    CHECK(body_of(again)["revision"] == after.revision);
    CHECK(world.call("POST", "/api/v1/settings/fields", Json{{"base_revision", page.revision}}).status == 409);
}

TEST_CASE("one branch's categories, employees, labels and every additional record field") {
    World world;
    world.install();
    auto reply = world.call("GET", "/api/v1/settings/branches/400001");
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    auto choices = wire::api::decode_branch_choices(body_of(reply));
    REQUIRE(choices);
    CHECK(choices->catalog.categories.size() == 3);
    CHECK(choices->catalog.services.empty());
    CHECK(choices->staff.size() == 3);
    CHECK(!choices->catalog.record_fields.empty());   // listed whether mapped or not
    REQUIRE(choices->client_fields.size() == 2);       // and the additional client fields, for the contact
    CHECK(choices->client_fields[0].code == "instagram");
    CHECK(choices->client_fields[1].title == "Номер карты лояльности");
    auto madrid_reply = world.call("GET", "/api/v1/settings/branches/400002");
    REQUIRE_MESSAGE(madrid_reply.status == 200, madrid_reply.body);
    CHECK(world.call("GET", "/api/v1/settings/branches/4242").status == 403);
}

TEST_CASE("a Kommo list field for employees may offer only Altegio's employees, as the lead will show them") {
    World world;
    world.install();
    auto list_field = [&](const char* name, std::vector<std::string> options) {
        Json enums = Json::array();
        for (const auto& o : options) enums.push_back(Json{{"value", o}});
        auto added = world.control("POST", "/__sandbox/kommo/leads/custom_fields", Json{{"name", name}, {"type", "select"}, {"enums", enums}});
        REQUIRE(added.status == 201);
        return World::body_of_text(added.body)["id"].get<int64_t>();
    };
    int64_t with_stranger = list_field("Мастер", {"Ольга Смирнова", "Ирина Петрова", "Мария Кузнецова"});
    int64_t only_staff = list_field("Мастер (Москва)", {"Ольга Смирнова", "Ирина Петрова", "Алексей Волков"});
    auto page = page_of(world);
    page.settings.connected_branch_ids = {moscow};
    page.settings.lead_fields.employee = with_stranger;
    auto refused = put_settings(world, page.revision, page.settings);
    REQUIRE(refused.status == 422);
    auto reply = *wire::api::decode_save_reply(body_of(refused));
    REQUIRE(reply.problems.size() == 1);
    CHECK(reply.problems[0].path == "lead_fields.employee");
    CHECK(reply.problems[0].message_key == "ui.settings_error.list_value_not_in_altegio");
    CHECK(reply.problems[0].detail == "Мария Кузнецова");

    page.settings.lead_fields.employee = only_staff;
    CHECK(put_settings(world, page.revision, page.settings).status == 200);
    // With the specialization on, the lead says "Ольга Смирнова (Стилист-колорист)": the plain names no longer fit.
    page = page_of(world);
    page.settings.lead_fields.employee_with_specialization = true;
    auto with_specialization = put_settings(world, page.revision, page.settings);
    CHECK(with_specialization.status == 422);
}

TEST_CASE("a user sees the branches chosen for them and every branch of the chains chosen") {
    World world;
    world.install();
    auto page = page_of(world);
    CHECK(branch_in(page, moscow).branch.chain_id == 90001);
    CHECK(branch_in(page, moscow).branch.chain_title == "Bella Studio");
    auto branches_of = [&](int64_t user) {
        auto card = world.call("GET", "/api/v1/card?lead_id=21001", Json(), user);
        REQUIRE_MESSAGE(card.status == 200, card.body);
        std::vector<int64_t> ids;
        Json context = body_of(card);
        for (const auto& b : context["branches"]) ids.push_back(b["id"]);
        return ids;
    };
    page.settings.users = {{9002, 0, {madrid}, {}, 0}, {9003, 0, {}, {90001}, 0}};
    auto saved = put_settings(world, page.revision, page.settings);
    REQUIRE_MESSAGE(saved.status == 200, saved.body);
    CHECK(branches_of(9002) == std::vector<int64_t>{madrid});
    CHECK(branches_of(9003) == std::vector<int64_t>{moscow, madrid});
    CHECK(branches_of(9001) == std::vector<int64_t>{moscow, madrid});   // nothing chosen: every connected branch

    page = page_of(world);
    page.settings.users[0].visible_chain_ids = {90009};
    auto refused = put_settings(world, page.revision, page.settings);
    REQUIRE(refused.status == 422);
    CHECK(wire::api::decode_save_reply(body_of(refused))->problems[0].path == "users[0].visible_chain_ids[0]");
}

TEST_CASE("Kommo's settings modal learns whether the account is installed, connected and has failures waiting") {
    World world;
    auto before = world.call("GET", "/api/v1/status");
    REQUIRE_MESSAGE(before.status == 200, before.body);   // not installed yet is an answer, not an error
    CHECK(body_of(before)["installed"] == false);
    REQUIRE(world.control("POST", "/__sandbox/kommo/install").status == 200);
    auto installed = body_of(world.call("GET", "/api/v1/status"));
    CHECK(installed["installed"] == true);
    CHECK(installed["altegio_connected"] == false);
    CHECK(installed["is_admin"] == true);
    world.install();
    auto page = page_of(world);
    page.settings.connected_branch_ids = {moscow};
    REQUIRE(put_settings(world, page.revision, page.settings).status == 200);
    auto connected = body_of(world.call("GET", "/api/v1/status", Json(), 9002));   // a manager sees it too
    CHECK(connected["altegio_connected"] == true);
    CHECK(connected["connected_branches"] == 1);
    CHECK(connected["failed_events"] == 0);
    CHECK(connected["is_admin"] == false);
    CHECK(connected["settings_revision"] == page.revision + 1);
}

TEST_CASE("uninstalling deletes the tokens and stops all work; a reinstall starts from the last settings") {
    World world;
    world.install();
    auto page = page_of(world);
    page.settings.automation.task_on_new_record = true;
    REQUIRE(put_settings(world, page.revision, page.settings).status == 200);
    std::string old_url = world.intake_url(hooks::Intake::altegio);

    std::string forged = "/oauth/kommo/revoked?account_id=31000001&client_uuid=sandbox-client-id&signature=" +
                         crypto::hmac_sha256_hex("sandbox-client-id|31000001", "another-secret");
    CHECK(world.relay_to_router_send({"GET", "http://relay.test" + forged, {}, ""}).status == 401);
    REQUIRE(world.relay->store().find_installation(31000001)->has_value());

    auto removed = world.control("POST", "/__sandbox/kommo/uninstall");
    REQUIRE_MESSAGE(removed.status == 200, removed.body);
    CHECK(!world.relay->store().find_installation(31000001)->has_value());
    auto card = world.call("GET", "/api/v1/card?lead_id=21001");
    CHECK(card.status == 401);
    CHECK(body_of(card)["error"]["message_key"] == "ui.error.not_installed");
    auto hook = world.relay_to_router_send({"POST", old_url, {}, R"({"resource":"record"})"});
    CHECK(hook.status == 404);

    world.install();
    CHECK(page_of(world).settings.automation.task_on_new_record);
}
