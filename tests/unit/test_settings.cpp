#include <doctest/doctest.h>
#include <algorithm>
#include "fixture.hpp"
#include "shared/wire/settings.hpp"

using namespace kb;
using namespace kb::domain;

namespace {

SettingsContext context() {
    SettingsContext c;
    c.pipelines = {{1, {{10, 10}, {20, 20}, {142, 10000}, {143, 11000}}}, {2, {{60, 10}}}};
    c.lead_fields = {{101, "text", {}}, {102, "date", {}}, {103, "text", {}}, {104, "checkbox", {}}, {105, "date_time", {}},
                     {106, "radiobutton", {}}, {107, "numeric", {}}};
    c.contact_fields = {{201, "birthday", {}}, {202, "text", {}}};
    c.branch_ids = {400001, 400002};
    return c;
}

Settings full_settings() {
    Settings s;
    s.default_country_code = "34";
    s.connected_branch_ids = {400001};
    s.lead_fields.record_id = 101;
    s.lead_fields.record_date = 102;
    s.lead_fields.record_time = 103;
    s.lead_fields.additional_fields[400001] = {{"promo", 107}};
    s.contact_fields.birthday = 201;
    s.contact_fields.write_phone = true;
    s.contact_fields.phone_format = PhoneFormat::custom;
    s.contact_fields.phone_pattern = "+## ### ### ###";
    s.contact_fields.additional_fields = {{"source", 202}};
    s.language = "es";
    s.automation.stage_triggers = {{{1, 20}, RecordAction::came}};
    s.users = {{9001, 12795431, {400001}, {90001}, 5001}};
    s.status_sync.mode = StatusSyncMode::with_conditions;
    DistributionScheme scheme{"Moscow", {}, {}};
    scheme.conditions.branch_ids = {400001};
    scheme.conditions.pipeline_ids = {1};
    scheme.map.targets = {{RecordState::came, {1, 20}}, {RecordState::deleted, {1, 143}}};
    scheme.map.allow_backwards = true;
    s.status_sync.schemes = {scheme};
    s.status_sync.fallback.targets = {{RecordState::confirmed, {2, 60}}};
    s.status_sync.only_states = {RecordState::came, RecordState::deleted};
    s.duplicates.enabled = true;
    s.duplicates.statuses = {{0, 10}};
    s.duplicates.field_conditions = {{107, false}};
    s.duplicates.merge_into = MergeInto::oldest;
    s.automation.task_on_new_record = true;
    s.automation.stages_hiding_records_window = {{1, 142}};
    s.automation.pipelines_showing_record_log = {1};
    s.history_retention_days = 90;
    return s;
}

std::vector<std::string> paths(const std::vector<SettingsProblem>& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.path + " " + p.message_key.substr(std::string("ui.settings_error.").size()));
    return out;
}

}  // namespace

TEST_CASE("a complete, consistent settings document has no problems and survives JSON both ways") {
    Settings s = full_settings();
    CHECK(validate_settings(s, context()).empty());
    auto back = wire::decode_settings(wire::encode_settings(s));
    REQUIRE(back);
    CHECK(*back == s);
    auto golden = wire::parse_json(read_fixture(KB_OWN_FIXTURES "/settings/full.json"));
    REQUIRE(golden);
    CHECK(wire::encode_settings(s) == *golden);
}

TEST_CASE("every problem is reported with its path, not just the first") {
    Settings s = full_settings();
    s.default_country_code = "+7";
    s.language = "fr";
    s.connected_branch_ids = {400009};
    s.lead_fields.record_time = 104;          // a checkbox
    s.lead_fields.employee = 101;             // used twice
    s.lead_fields.record_date = 105;          // date_time without the one-field flag is fine
    s.lead_fields.comment = 999;              // gone
    s.contact_fields.phone_pattern = "+# ###";
    s.users.push_back({9001, 0, {}, {}});
    s.status_sync.schemes[0].name = "";
    s.status_sync.schemes[0].map.targets[RecordState::came] = {1, 77};
    s.status_sync.fallback.targets[RecordState::confirmed] = {9, 60};
    s.duplicates.statuses.push_back({2, 999});
    s.history_retention_days = 0;
    s.automation.stage_triggers.push_back({{1, 20}, RecordAction::cancel});
    s.duplicates.field_conditions.push_back({0, true});   // a condition added but its field never chosen
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{
              "default_country_code bad_country_code",
              "language unknown_language",
              "connected_branch_ids[0] unknown_branch",
              "lead_fields.record_time field_type_not_allowed",
              "lead_fields.employee field_used_twice",
              "lead_fields.comment field_missing",
              "contact_fields.phone_pattern bad_phone_pattern",
              "users[1].kommo_user_id user_twice",
              "status_sync.schemes[0].name scheme_needs_name",
              "status_sync.schemes[0].map.targets.came unknown_stage",
              "status_sync.fallback.targets.confirmed unknown_stage",
              "duplicates.statuses[1] unknown_stage",
              "duplicates.field_conditions[1].field_id needs_field",
              "automation.stage_triggers[1] stage_twice",
              "history_retention_days out_of_range"});
}

TEST_CASE("type rules: dates need date fields, one-field date-time needs date_time, radio buttons are refused") {
    Settings s;
    s.lead_fields.record_date = 101;   // text is allowed for a two-field date ("YYYY-MM-DD")
    CHECK(validate_settings(s, context()).empty());
    s.lead_fields.datetime_in_one_field = true;
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{"lead_fields.record_date field_type_mismatch"});
    s = Settings{};
    s.lead_fields.branch = 106;
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{"lead_fields.branch field_type_not_allowed"});
    s = Settings{};
    s.contact_fields.birthday = 202;
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{"contact_fields.birthday field_type_mismatch"});
}

TEST_CASE("status modes: single pipeline keeps its targets inside it; conditions need a scheme") {
    Settings s;
    s.status_sync.mode = StatusSyncMode::single_pipeline;
    s.status_sync.pipeline_id = 2;
    s.status_sync.map.targets[RecordState::came] = {1, 20};
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{"status_sync.map.targets.came stage_outside_pipeline"});
    s.status_sync.pipeline_id = 5;
    CHECK(paths(validate_settings(s, context()))[0] == "status_sync.pipeline_id unknown_pipeline");
    s = Settings{};
    s.status_sync.mode = StatusSyncMode::with_conditions;
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{"status_sync.schemes needs_a_scheme"});
}

TEST_CASE("duplicate search needs stages and the Record ID field") {
    Settings s;
    s.duplicates.enabled = true;
    CHECK(paths(validate_settings(s, context())) ==
          std::vector<std::string>{"duplicates.statuses needs_stages", "duplicates.enabled needs_record_id_field"});
}

TEST_CASE("every validation message has a translation in each language") {
    for (const char* lang : {"en", "ru", "es"}) {
        auto strings = wire::parse_json(read_fixture(std::string(KB_SOURCE_DIR "/i18n/") + lang + ".json"));
        REQUIRE(strings);
        const auto& errors = (*strings)["ui"]["settings_error"];
        for (const char* key : {"field_missing", "field_used_twice", "field_type_not_allowed", "field_type_mismatch",
                                "field_type_not_supported", "value_not_in_list", "not_a_number", "not_a_date", "newer_version",
                                "bad_country_code", "unknown_branch", "bad_phone_pattern", "user_twice", "unknown_pipeline",
                                "unknown_stage", "stage_outside_pipeline", "needs_a_scheme", "scheme_needs_name", "needs_stages",
                                "needs_record_id_field", "needs_field", "out_of_range"}) {
            CAPTURE(lang);
            CAPTURE(key);
            CHECK(errors.contains(key));
        }
    }
}

TEST_CASE("decoding refuses wrong types with the path, keeps defaults for what is missing, never throws") {
    CHECK(wire::decode_settings(wire::Json())->history_retention_days == 30);
    CHECK(wire::decode_settings(*wire::parse_json("{}"))->status_sync.mode == StatusSyncMode::off);
    auto old_document = wire::decode_settings(*wire::parse_json(R"({"version":1,"lead_fields":{"record_id":"77"}})"));
    REQUIRE(old_document);
    CHECK(old_document->lead_fields.record_id == 77);
    struct Case {
        const char* text;
        const char* path;
    };
    for (const Case& c : {Case{R"({"status_sync":{"mode":"sometimes"}})", "settings.status_sync.mode"},
                          Case{R"({"users":[{"kommo_user_id":"x"}]})", "settings.users[0].kommo_user_id"},
                          Case{R"({"status_sync":{"map":{"targets":{"arrived":{"status_id":1}}}}})", "settings.status_sync.map.targets.arrived"},
                          Case{R"({"duplicates":{"enabled":"yes"}})", "settings.duplicates.enabled"},
                          Case{R"({"history_retention_days":99999999999})", "settings.history_retention_days"},
                          Case{R"([])", "settings"}}) {
        CAPTURE(c.text);
        auto decoded = wire::decode_settings(*wire::parse_json(c.text));
        REQUIRE_FALSE(decoded);
        CHECK(decoded.error().detail.find(c.path) == 0);
    }
}
