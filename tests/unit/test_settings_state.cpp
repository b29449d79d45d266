// The settings page's behaviour without a browser: what each action asks the relay and how replies land,
// above all that a refused or conflicting save never loses what the admin typed.
#include <doctest/doctest.h>
#include "shared/wire/json_read.hpp"
#include "widget/state/settings_state.hpp"

using namespace kb;
using namespace kb::widget;
namespace api = kb::wire::api;

namespace {

std::string page_json(int64_t revision, const domain::Settings& settings) {
    api::SettingsPage page;
    page.revision = revision;
    page.settings = settings;
    page.altegio_connected = true;
    page.users = {{9002, "Javier Gómez", false, 0, ""}};
    return api::encode(page).dump();
}

SettingsState loaded(int64_t revision = 5) {
    SettingsState s;
    auto calls = start_settings(s, "es", "2026-11-22");
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].method == "GET");
    CHECK(calls[0].path == "/api/v1/settings");
    on_reply(s, calls[0].id, 200, page_json(revision, domain::Settings{}));
    REQUIRE(s.page);
    CHECK_FALSE(s.dirty());
    return s;
}

}  // namespace

TEST_CASE("saving sends the whole draft with the revision it started from") {
    auto s = loaded();
    s.draft.automation.task_on_new_record = true;
    CHECK(s.dirty());
    auto calls = apply(s, settings_intent::Save{});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].method == "PUT");
    auto sent = api::decode_settings_save(*wire::parse_json(calls[0].body));
    REQUIRE(sent);
    CHECK(sent->base_revision == 5);
    CHECK(sent->settings.automation.task_on_new_record);

    SUBCASE("saved: the page is read again and says so") {
        auto more = on_reply(s, calls[0].id, 200, R"({"revision":6,"problems":[]})");
        REQUIRE(more.size() == 1);
        CHECK(more[0].path == "/api/v1/settings");
        CHECK(s.notice_key == "ui.settings.saved");
        domain::Settings now;
        now.automation.task_on_new_record = true;
        on_reply(s, more[0].id, 200, page_json(6, now));
        CHECK_FALSE(s.dirty());
        CHECK(s.page->revision == 6);
    }
    SUBCASE("refused: every problem is kept for its field and the draft stays as typed") {
        auto more = on_reply(s, calls[0].id, 422,
                             R"({"revision":5,"problems":[{"path":"status_sync.map.targets.came","message_key":"ui.settings_error.unknown_stage"},
                                 {"path":"automation.task_due_minutes","message_key":"ui.settings_error.out_of_range"}]})");
        CHECK(more.empty());
        CHECK(s.notice_key == "ui.settings.not_saved");
        CHECK(s.dirty());
        CHECK(problems_at(s, "status_sync").size() == 1);
        CHECK(problems_at(s, "status_sync.map.targets.came").size() == 1);
        CHECK(problems_at(s, "automation.task_due").empty());   // a prefix of a name is not a parent
        CHECK(problems_at(s, "automation").size() == 1);
    }
    SUBCASE("saved meanwhile by someone else: the error says so and the draft is kept until the admin reloads") {
        on_reply(s, calls[0].id, 409, R"({"error":{"code":"conflict","message_key":"ui.error.settings_conflict","detail":"revision 6"}})");
        REQUIRE(s.error);
        CHECK(s.error->message_key == "ui.error.settings_conflict");
        CHECK(s.draft.automation.task_on_new_record);
        auto reload = apply(s, settings_intent::Reload{});
        REQUIRE(reload.size() == 1);
        CHECK(reload[0].path == "/api/v1/settings");
        CHECK_FALSE(s.error);
    }
}

TEST_CASE("a user's Altegio login is checked on its own and a refusal shows beside that user") {
    auto s = loaded();
    CHECK(apply(s, settings_intent::LinkUser{9002}).empty());
    CHECK(s.credentials[9002].error_key == "ui.error.need_login");
    s.credentials[9002] = {"olga@bella.example", "wrong", ""};
    auto calls = apply(s, settings_intent::LinkUser{9002});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/settings/users/9002/altegio");
    on_reply(s, calls[0].id, 401, R"({"error":{"code":"unauthorized","message_key":"ui.error.altegio_wrong_password","detail":""}})");
    CHECK(s.credentials[9002].error_key == "ui.error.altegio_wrong_password");
    CHECK(s.credentials[9002].password.empty());   // typed again, as after any refused sign-in
    CHECK(s.credentials[9002].login == "olga@bella.example");
    CHECK_FALSE(s.error);

    s.credentials[9002].password = "olga-sandbox";
    calls = apply(s, settings_intent::LinkUser{9002});
    on_reply(s, calls[0].id, 200, R"({"id":9002,"name":"Javier Gómez","is_admin":false,"altegio_user_id":12795501,"altegio_user_name":"Ольга"})");
    CHECK(s.credentials.count(9002) == 0);   // the password is not kept in the page either
    CHECK(s.page->users[0].altegio_user_name == "Ольга");
}

TEST_CASE("actions that save on their own wait for unsaved changes; versions load when first shown") {
    auto s = loaded();
    s.draft.history_retention_days = 60;
    CHECK(apply(s, settings_intent::CreateFields{}).empty());
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.settings.save_first");
    CHECK(apply(s, settings_intent::RestoreVersion{3}).empty());
    apply(s, settings_intent::Discard{});
    CHECK_FALSE(s.dirty());
    auto calls = apply(s, settings_intent::RestoreVersion{3});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/settings/versions/3/restore");
    CHECK(calls[0].body == R"({"base_revision":5})");

    calls = apply(s, settings_intent::ShowSection{SettingsSection::versions});
    REQUIRE(calls.size() == 1);
    on_reply(s, calls[0].id, 200, R"({"versions":[{"revision":5,"saved_at_ms":1,"saved_by_user":9001,"saved_by_name":"Анна"}]})");
    REQUIRE(s.versions);
    CHECK(apply(s, settings_intent::ShowSection{SettingsSection::versions}).empty());
}

TEST_CASE("a branch's choices are asked once, even when the relay refuses them") {
    auto s = loaded();
    auto calls = apply(s, settings_intent::NeedBranch{400001});
    REQUIRE(calls.size() == 1);
    CHECK(apply(s, settings_intent::NeedBranch{400002}).empty());   // one at a time
    on_reply(s, calls[0].id, 200, R"({"catalog":{"categories":[{"id":101,"title":"Волосы","weight":1}],"services":[]},"staff":{"staff":[]}})");
    REQUIRE(s.branch_choices.count(400001));
    CHECK(s.branch_choices[400001].catalog.categories[0].title == "Волосы");
    CHECK(apply(s, settings_intent::NeedBranch{400001}).empty());
    calls = apply(s, settings_intent::NeedBranch{400002});
    on_reply(s, calls[0].id, 403, R"({"error":{"code":"forbidden","message_key":"ui.error.branch_not_allowed","detail":""}})");
    CHECK(apply(s, settings_intent::NeedBranch{400002}).empty());

    // The relay away: the page says so once, rather than asking again on every frame; Reload asks again.
    apply(s, settings_intent::Reload{});
    calls = apply(s, settings_intent::NeedBranch{400001});
    REQUIRE(calls.size() == 1);
    on_reply(s, calls[0].id, 0, "network error");
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.relay_unreachable");
    CHECK(apply(s, settings_intent::NeedBranch{400001}).empty());
}

TEST_CASE("the request history asks for the chosen period and types, pages on, and a repeat updates its row") {
    auto s = loaded();
    CHECK(s.history.from == "2026-11-21");   // yesterday and today, to begin with
    CHECK(s.history.to == "2026-11-22");
    apply(s, settings_intent::HistoryToggleType{"failed_event"});
    apply(s, settings_intent::HistoryToggleType{"kommo_request"});
    apply(s, settings_intent::HistoryToggleType{"failed_event"});   // ticked off again
    auto calls = apply(s, settings_intent::HistoryFind{});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/history?from_ms=1795219200000&to_ms=1795392000000&types=kommo_request");

    // In Moscow (UTC+3) the same two days begin and end three hours earlier.
    auto moscow = s;
    moscow.utc_offset_seconds = 3 * 3600;
    auto local = apply(moscow, settings_intent::HistoryFind{});
    REQUIRE(local.size() == 1);
    CHECK(local[0].path == "/api/v1/history?from_ms=1795208400000&to_ms=1795381200000&types=kommo_request");

    on_reply(s, calls[0].id, 200, R"({"rows":[
        {"type":"kommo_request","id":40,"at_ms":1763800000000,"method":"PATCH","target":"/api/v4/leads","status":500,"error":"boom"},
        {"type":"failed_event","id":7,"at_ms":1763790000000,"target":"record 70000001","error":"Kommo HTTP 400","state":"failed","repeatable":true}],
        "next_before_id":40})");
    REQUIRE(s.history.rows);
    CHECK(s.history.rows->size() == 2);
    calls = apply(s, settings_intent::HistoryMore{});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path.find("&before_id=40") != std::string::npos);
    on_reply(s, calls[0].id, 200, R"({"rows":[{"type":"kommo_request","id":39,"at_ms":1763700000000,"status":200}],"next_before_id":0})");
    CHECK(s.history.rows->size() == 3);   // appended, not replaced
    CHECK(apply(s, settings_intent::HistoryMore{}).empty());

    calls = apply(s, settings_intent::HistoryRepeat{7});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/history/failed/7/repeat?wait_ms=8000");
    CHECK(apply(s, settings_intent::HistoryRepeat{7}).empty());   // one click is enough
    on_reply(s, calls[0].id, 200, R"({"type":"failed_event","id":7,"state":"done","error":"","repeatable":false})");
    CHECK((*s.history.rows)[1].state == "done");
    CHECK_FALSE((*s.history.rows)[1].repeatable);
    CHECK(s.notice_key == "ui.history.repeated");

    s.history.from = "yesterday";
    CHECK(apply(s, settings_intent::HistoryFind{}).empty());
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.bad_period");
}

namespace {

std::string chain_reply_json(std::vector<api::TelephonyChain> chains, std::vector<domain::SettingsProblem> problems = {}, std::string key = "") {
    return api::encode(api::ChainReply{std::move(problems), api::TelephonyPage{std::move(chains)}, std::move(key)}).dump();
}

const api::TelephonyChain bella{"k1", "Bella", "…oken", {"+7 495 100-20-30", "+7 495 100-20-31"}, false, true, "", "", "https://relay/telephony/k1/calls", 0};

}  // namespace

TEST_CASE("the Telephony section loads when first shown; a chain is added, refused with its problems kept, then saved") {
    auto s = loaded();
    auto calls = apply(s, settings_intent::ShowSection{SettingsSection::telephony});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/telephony");
    on_reply(s, calls[0].id, 200, R"({"chains":[]})");
    REQUIRE(s.telephony.page);
    CHECK(apply(s, settings_intent::ShowSection{SettingsSection::telephony}).empty());   // loaded once

    apply(s, settings_intent::ChainEdit{""});
    REQUIRE(s.telephony.form);
    s.telephony.form->name = "Bella";
    s.telephony.form->crm_token = "secret";
    s.telephony.form->numbers = " +7 495 100-20-30\n\n12 , +7 495 100-20-31 ";
    auto save = apply(s, settings_intent::ChainSave{});
    REQUIRE(save.size() == 1);
    CHECK(save[0].method == "PUT");
    auto sent = api::decode_chain_save(*wire::parse_json(save[0].body));
    REQUIRE(sent);
    CHECK(sent->numbers == std::vector<std::string>{"+7 495 100-20-30", "12", "+7 495 100-20-31"});
    CHECK(sent->crm_token == "secret");

    on_reply(s, save[0].id, 422, chain_reply_json({}, {{"numbers[1]", "ui.telephony_error.number_invalid", "12"}}));
    CHECK(s.notice_key == "ui.telephony.not_saved");
    REQUIRE(s.telephony.form);   // what was typed stays for correcting
    CHECK(s.telephony.form->crm_token == "secret");
    REQUIRE(s.telephony.problems.size() == 1);

    s.telephony.form->numbers = "+7 495 100-20-30\n+7 495 100-20-31";
    save = apply(s, settings_intent::ChainSave{});
    on_reply(s, save[0].id, 200, chain_reply_json({bella}, {}, "k1"));
    CHECK_FALSE(s.telephony.form);
    CHECK(s.telephony.problems.empty());
    CHECK(s.notice_key == "ui.telephony.saved");
    REQUIRE(s.telephony.page->chains.size() == 1);
}

TEST_CASE("a saved chain opens in the form without its token; enable, disable and remove go one at a time") {
    auto s = loaded();
    auto calls = apply(s, settings_intent::ShowSection{SettingsSection::telephony});
    on_reply(s, calls[0].id, 200, api::encode(api::TelephonyPage{{bella}}).dump());

    apply(s, settings_intent::ChainEdit{"k1"});
    REQUIRE(s.telephony.form);
    CHECK(s.telephony.form->key == "k1");
    CHECK(s.telephony.form->crm_token.empty());   // kept by the relay unless a new one is typed
    CHECK(s.telephony.form->token_hint == "…oken");
    CHECK(s.telephony.form->numbers == "+7 495 100-20-30\n+7 495 100-20-31");
    apply(s, settings_intent::ChainCancel{});
    CHECK_FALSE(s.telephony.form);

    auto disable = apply(s, settings_intent::ChainDisable{"k1"});
    REQUIRE(disable.size() == 1);
    CHECK(disable[0].path == "/api/v1/telephony/chains/k1/disable");
    CHECK(apply(s, settings_intent::ChainRemove{"k1"}).empty());   // one change at a time
    api::TelephonyChain off = bella;
    off.enabled = false;
    on_reply(s, disable[0].id, 200, chain_reply_json({off}, {}, "k1"));
    CHECK_FALSE(s.telephony.page->chains[0].enabled);

    auto remove = apply(s, settings_intent::ChainRemove{"k1"});
    REQUIRE(remove.size() == 1);
    CHECK(remove[0].method == "DELETE");
    on_reply(s, remove[0].id, 502, R"({"error":{"code":"upstream_rejected","message_key":"ui.error.altegio_rejected","detail":"403"}})");
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.altegio_rejected");
    CHECK(s.telephony.changing_key.empty());
}

TEST_CASE("the Branches tab counts the account's branches and those connected, as the admin ticks them") {
    SettingsState s = loaded();
    CHECK(branch_counts(s).available == 0);
    s.page->branches = {{domain::Branch{400001, "Bella Centro"}, api::BranchStatus::connected, 0},
                        {domain::Branch{400002, "Bella Norte"}, api::BranchStatus::not_connected, 0},
                        {domain::Branch{400003, "Bella Sur"}, api::BranchStatus::no_rights, 0}};
    auto counts = branch_counts(s);   // none ticked: every branch is connected
    CHECK(counts.available == 3);
    CHECK(counts.connected == 3);
    s.draft.connected_branch_ids = {400001, 400003, 499999};   // a branch the account no longer has is not counted
    counts = branch_counts(s);
    CHECK(counts.available == 3);
    CHECK(counts.connected == 2);
}

TEST_CASE("a Marketplace code connects a location: an empty one is not sent; the outcome names the location and telephony") {
    auto s = loaded();
    s.marketplace_code = " - ";
    CHECK(apply(s, settings_intent::ClaimLocation{}).empty());
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.claim_code_invalid");

    s.marketplace_code = "abcd efgh jkmn";
    s.marketplace_telephony = true;
    auto calls = apply(s, settings_intent::ClaimLocation{});
    REQUIRE(calls.size() == 1);
    CHECK_FALSE(s.error);
    CHECK(calls[0].method == "POST");
    CHECK(calls[0].path == "/api/v1/settings/marketplace");
    auto sent = wire::parse_json(calls[0].body);
    CHECK((*sent)["code"] == "abcd efgh jkmn");   // the relay reads it as typed
    CHECK((*sent)["telephony"] == true);

    SUBCASE("refused: the code stays for the admin to correct") {
        on_reply(s, calls[0].id, 404, R"({"error":{"code":"not_found","message_key":"ui.error.claim_code_unknown","detail":""}})");
        REQUIRE(s.error);
        CHECK(s.error->message_key == "ui.error.claim_code_unknown");
        CHECK(s.marketplace_code == "abcd efgh jkmn");
    }
    SUBCASE("connected with telephony: the page and the Telephony section are read again") {
        s.telephony.page = api::TelephonyPage{};
        auto more = on_reply(s, calls[0].id, 200, R"({"salon_id":400002,"title":"Bella Centro","telephony":"enabled"})");
        REQUIRE(more.size() == 1);
        CHECK(more[0].path == "/api/v1/settings");
        CHECK(s.notice_key == "ui.settings.marketplace_telephony_enabled");
        CHECK(s.notice_title == "Bella Centro");
        CHECK(s.marketplace_code.empty());
        CHECK_FALSE(s.marketplace_telephony);
        CHECK_FALSE(s.telephony.page);
    }
    SUBCASE("connected, but Altegio sent no telephony token") {
        on_reply(s, calls[0].id, 200, R"({"salon_id":400002,"title":"Bella Centro","telephony":"no_token"})");
        CHECK(s.notice_key == "ui.settings.marketplace_telephony_no_token");
    }
}
