// The settings page's messages: what the relay encodes the widget decodes to the same values, and a broken
// message is refused with the path of what is wrong.
#include <doctest/doctest.h>

#include "shared/wire/json_read.hpp"
#include "shared/wire/settings_api.hpp"

using namespace kb;
using namespace kb::wire;

TEST_CASE("a settings page survives the trip from the relay to the widget") {
    api::SettingsPage page;
    page.revision = 7;
    page.settings.status_sync.mode = domain::StatusSyncMode::with_conditions;
    page.settings.status_sync.schemes.push_back({"VIP", {{101}, {}, {400001}, {}, {}}, {}});
    page.altegio_connected = true;
    page.branches = {{{400001, "Bella — Тверская", "Тверская ул., 7", "Europe/Moscow", "₽", 90001, "Bella Studio"},
                      api::BranchStatus::webhook_missing, 1763900000000}};
    page.pipelines = {{7700001, "Записи", {{77002, "Новая заявка"}, {142, "Успешно"}}}};
    page.lead_fields = {{880010, "Source", "text"}};
    page.contact_fields = {{880003, "Визитов", "numeric"}};
    page.users = {{9002, "Javier Gómez", false, 12795501, "Ольга Смирнова"}};

    auto back = api::decode_settings_page(api::encode(page));
    REQUIRE(back);
    CHECK(back->revision == 7);
    CHECK(back->settings == page.settings);
    CHECK(back->altegio_connected);
    REQUIRE(back->branches.size() == 1);
    CHECK(back->branches[0].branch.title == "Bella — Тверская");
    CHECK(back->branches[0].status == api::BranchStatus::webhook_missing);
    CHECK(back->branches[0].last_webhook_at_ms == 1763900000000);
    CHECK(back->branches[0].branch.chain_id == 90001);   // the Users section offers chains by these
    CHECK(back->branches[0].branch.chain_title == "Bella Studio");
    CHECK(back->pipelines[0].stages[1].name == "Успешно");
    CHECK(back->contact_fields[0].type == "numeric");
    CHECK(back->users[0].altegio_user_name == "Ольга Смирнова");
    CHECK(api::encode(page)["branches"][0]["status"] == "webhook_missing");
}

TEST_CASE("a save carries its base revision; a reply lists every problem") {
    domain::Settings settings;
    settings.automation.task_on_new_record = true;
    auto save = api::decode_settings_save(api::encode(api::SettingsSave{12, settings}));
    REQUIRE(save);
    CHECK(save->base_revision == 12);
    CHECK(save->settings == settings);
    CHECK_FALSE(api::decode_settings_save(*parse_json(R"({"settings":{}})")));   // no base revision: refused, never guessed
    CHECK_FALSE(api::decode_settings_save(*parse_json(R"({"base_revision":3})")));

    api::SaveReply reply{4, {{"automation.task_due_minutes", "ui.settings_error.out_of_range", ""},
                             {"lead_fields.services", "ui.settings_error.list_value_not_in_altegio", "Массаж, Пилинг"}}};
    auto decoded = api::decode_save_reply(api::encode(reply));
    REQUIRE(decoded);
    CHECK(decoded->problems == reply.problems);
}

TEST_CASE("versions and a branch's choices decode as sent") {
    auto versions = api::decode_versions(api::encode(std::vector<api::VersionInfo>{{3, 1763900000000, 9001, "Анна"}, {2, 1763800000000, 0, ""}}));
    REQUIRE(versions);
    REQUIRE(versions->size() == 2);
    CHECK((*versions)[0].saved_by_name == "Анна");
    CHECK((*versions)[1].saved_by_user == 0);

    api::BranchChoices choices;
    choices.catalog.categories = {{101, "Волосы", 30}};
    choices.catalog.labels = {{7, "VIP", "#ff0000"}};
    choices.catalog.record_fields = {{"referral", "Откуда узнали", "text"}};
    choices.staff = {{5001, "Ольга Смирнова", "Стилист-колорист", true}};
    choices.client_fields = {{"instagram", "Instagram", "text"}};
    auto back = api::decode_branch_choices(api::encode(choices));
    REQUIRE(back);
    CHECK(back->catalog.categories[0].title == "Волосы");
    CHECK(back->catalog.labels[0].title == "VIP");
    CHECK(back->catalog.record_fields == choices.catalog.record_fields);
    CHECK(back->staff[0].name == "Ольга Смирнова");
    CHECK(back->client_fields == choices.client_fields);
    CHECK_FALSE(api::decode_branch_choices(*parse_json(R"({"staff":{"staff":[]}})")));
}
