#include <doctest/doctest.h>
#include <algorithm>
#include "fixture.hpp"
#include "shared/wire/json_read.hpp"
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
    c.chain_ids = {90001};
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
    s.contact_fields.additional_fields = {{400001, {{"source", 202}}}};
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
    s.automation.task_type_id = 2;
    s.automation.task_deadline = TaskDeadline::before_start;
    s.automation.task_due_minutes = 0;
    s.automation.task_text = "Позвонить {client}: {date} {time}";
    s.automation.stages_hiding_records_window = {{1, 142}};
    s.automation.pipelines_showing_record_log = {1};
    s.history_retention_days = 90;
    s.tracking.enabled = true;
    s.tracking.types = {TrackedLeadType::form, TrackedLeadType::chat};
    s.tracking.modes[TrackedLeadType::form] = {TrackingMode::find, TrackingMode::find, TrackingMode::find};
    s.tracking.modes[TrackedLeadType::chat] = {TrackingMode::off, TrackingMode::create, TrackingMode::find};
    s.tracking.responsible_user_id = 9001;
    s.tracking.stage = {1, 10};
    s.tracking.fields = {{TrackingParam::date_sent, 105}, {TrackingParam::source, LeadTracking::new_field}};
    s.tracking.contact_fields = {{TrackingParam::source, LeadTracking::new_field}};
    s.tracking.company_fields = {{TrackingParam::campaign, LeadTracking::new_field}};
    s.tracking.tag = "Bella site";
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
    s.tracking.types.clear();
    s.tracking.stage = {1, 77};
    s.tracking.fields[TrackingParam::campaign] = 101;    // the record id's field
    s.tracking.fields[TrackingParam::keyword] = 106;     // a radio button
    s.tracking.fields[TrackingParam::ip] = 107;          // numeric: an address is no number, but any typed field is the admin's choice
    s.tracking.tag = std::string(300, 't');
    s.tracking.contact_fields[TrackingParam::city] = 999;   // no such contact field
    s.tracking.company_fields[TrackingParam::city] = 999;   // nor company field
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
              "tracking.types needs_lead_type",
              "tracking.stage unknown_stage",
              "tracking.fields.date_sent field_used_twice",   // record_date took field 105 above
              "tracking.fields.campaign field_used_twice",
              "tracking.fields.keyword field_type_not_allowed",
              "tracking.contact_fields.city field_missing",
              "tracking.company_fields.city field_missing",
              "tracking.tag tag_too_long",
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

TEST_CASE("a user sees the chosen branches and every branch of the chosen chains; nothing chosen is everything") {
    UserMapping user{9001, 0, {}, {}, 0};
    CHECK(user_sees_branch(user, 400001, 90001));
    CHECK(user_sees_branch(user, 400003, 0));
    user.visible_branch_ids = {400001};
    CHECK(user_sees_branch(user, 400001, 90001));
    CHECK_FALSE(user_sees_branch(user, 400002, 90001));
    user.visible_chain_ids = {90001};
    CHECK(user_sees_branch(user, 400002, 90001));
    CHECK_FALSE(user_sees_branch(user, 400003, 90002));
    CHECK_FALSE(user_sees_branch(user, 400004, 0));   // a branch outside every chain is seen only when chosen itself
    user.visible_branch_ids.clear();
    CHECK_FALSE(user_sees_branch(user, 400001 + 5, 0));
    CHECK(user_sees_branch(user, 400001, 90001));

    Settings s;
    s.users = {{9001, 0, {}, {90002}, 0}};
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{"users[0].visible_chain_ids[0] unknown_chain"});
}

TEST_CASE("additional fields: two branches may share a Kommo field, one branch may not use it twice") {
    Settings s;
    s.lead_fields.additional_fields = {{400001, {{"promo", 107}}}, {400002, {{"promocode", 107}}}};
    s.contact_fields.additional_fields = {{0, {{"card", 202}}}, {400001, {{"source", 202}}}};
    CHECK(validate_settings(s, context()).empty());
    s.lead_fields.record_id = 107;                                     // also a main field
    s.lead_fields.additional_fields[400001]["referral"] = 103;
    s.lead_fields.additional_fields[400001]["friend"] = 103;           // twice in one branch
    s.contact_fields.additional_fields[400009] = {{"x", 201}};         // a branch Altegio does not have
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{
              "lead_fields.additional_fields.400001.promo field_used_twice",
              "lead_fields.additional_fields.400001.referral field_used_twice",
              "lead_fields.additional_fields.400002.promocode field_used_twice",
              "contact_fields.additional_fields.400009 unknown_branch"});
}

TEST_CASE("a Kommo list mapped to a value may offer only what Altegio writes there, read when Altegio was read") {
    SettingsContext c = context();
    c.lead_fields.push_back({120, "select", {{1, "Ольга Смирнова"}, {2, "Ирина Петрова"}}});
    c.lead_fields.push_back({121, "multiselect", {{3, "Стрижка"}, {4, "Маникюр"}, {5, "Массаж"}}});
    c.lead_fields.push_back({122, "select", {{6, "Bella Studio — Тверская"}}});
    Settings s;
    s.lead_fields.employee = 120;
    s.lead_fields.services = 121;
    s.lead_fields.branch = 122;
    CHECK(maps_lists(s.lead_fields, c.lead_fields));
    CHECK(validate_settings(s, c).empty());   // Altegio not read: nothing to compare with
    c.altegio_values = AltegioListValues{{"Bella Studio — Тверская"},
                                         {{5001, "Ольга Смирнова", "Стилист", true}, {5002, "Ирина Петрова", "", true}},
                                         {"Стрижка", "Маникюр"}, {}, {}, true};
    auto problems = validate_settings(s, c);
    REQUIRE(paths(problems) == std::vector<std::string>{"lead_fields.services list_value_not_in_altegio"});
    CHECK(problems[0].detail == "Массаж");
    s.lead_fields.employee_with_specialization = true;   // then Olga is written "Ольга Смирнова (Стилист)"
    problems = validate_settings(s, c);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].path == "lead_fields.employee");
    CHECK(problems[0].detail == "Ольга Смирнова");
    s = Settings{};
    s.lead_fields.employee = 101;   // a text field takes any name
    CHECK_FALSE(maps_lists(s.lead_fields, c.lead_fields));
    CHECK(validate_settings(s, c).empty());
}

TEST_CASE("duplicate search needs stages and the Record ID field") {
    Settings s;
    s.duplicates.enabled = true;
    CHECK(paths(validate_settings(s, context())) ==
          std::vector<std::string>{"duplicates.statuses needs_stages", "duplicates.enabled needs_record_id_field"});
}

TEST_CASE("every validation message has a translation in each language") {
    for (const char* lang : {"en", "ru", "es", "pt"}) {
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

TEST_CASE("managers without their own Altegio login book on the general account only where the admin allows it") {
    CHECK_FALSE(Settings{}.general_account_for_unlinked_users);
    CHECK_FALSE(wire::decode_settings(*wire::parse_json(R"({"version":3})"))->general_account_for_unlinked_users);
    // Before version 3 everyone booked on the general account: such a document keeps that, unless it says otherwise.
    CHECK(wire::decode_settings(*wire::parse_json(R"({"version":2})"))->general_account_for_unlinked_users);
    CHECK_FALSE(wire::decode_settings(*wire::parse_json(R"({"version":2,"general_account_for_unlinked_users":false})"))
                    ->general_account_for_unlinked_users);
    Settings allowed;
    allowed.general_account_for_unlinked_users = true;
    CHECK(wire::decode_settings(wire::encode_settings(allowed))->general_account_for_unlinked_users);
}

TEST_CASE("lead tracking: each lead type chooses what it makes or finds; nonsense combinations are refused; one mode for all reads as before") {
    Settings s = full_settings();
    s.tracking.types = {TrackedLeadType::form, TrackedLeadType::phone, TrackedLeadType::chat};
    s.tracking.modes[TrackedLeadType::phone] = {TrackingMode::find, TrackingMode::create, TrackingMode::off};   // a found deal has its contact
    s.tracking.modes[TrackedLeadType::chat] = {TrackingMode::off, TrackingMode::off, TrackingMode::off};       // makes and finds nothing
    s.tracking.modes[TrackedLeadType::offline] = {TrackingMode::off, TrackingMode::off, TrackingMode::off};    // not used: not checked
    CHECK(paths(validate_settings(s, context())) ==
          std::vector<std::string>{"tracking.modes.phone made_beside_found_deal", "tracking.modes.chat nothing_tracked"});

    // Written before modes were chosen per type: one mode and what it made, for every type.
    auto legacy = wire::decode_settings(*wire::parse_json(
        R"({"version":3,"tracking":{"enabled":true,"mode":"create","create_deal":false,"create_contact":true,"create_company":true}})"));
    REQUIRE(legacy);
    for (auto type : all_tracked_lead_types)
        CHECK(legacy->tracking.modes_for(type) == EntityModes{TrackingMode::off, TrackingMode::create, TrackingMode::create});
    auto legacy_find = wire::decode_settings(*wire::parse_json(R"({"tracking":{"mode":"find","create_company":true}})"));
    REQUIRE(legacy_find);
    CHECK(legacy_find->tracking.modes_for(TrackedLeadType::phone) == EntityModes{TrackingMode::find, TrackingMode::find, TrackingMode::off});
    // A document naming only some types keeps the defaults for the others; an unknown mode is refused with its path.
    auto partial = wire::decode_settings(*wire::parse_json(R"({"tracking":{"modes":{"chat":{"deal":"off"}}}})"));
    REQUIRE(partial);
    CHECK(partial->tracking.modes_for(TrackedLeadType::chat) == EntityModes{TrackingMode::off, TrackingMode::create, TrackingMode::off});
    CHECK(partial->tracking.modes_for(TrackedLeadType::form) == EntityModes{});
    auto unknown = wire::decode_settings(*wire::parse_json(R"({"tracking":{"modes":{"chat":{"deal":"later"}}}})"));
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().detail.find("settings.tracking.modes.chat.deal") == 0);
    CHECK_FALSE(wire::decode_settings(*wire::parse_json(R"({"tracking":{"modes":{"fax":{}}}})")));
}

TEST_CASE("decoding refuses wrong types with the path, keeps defaults for what is missing, never throws") {
    CHECK(wire::decode_settings(wire::Json())->history_retention_days == 30);
    CHECK(wire::decode_settings(*wire::parse_json("{}"))->status_sync.mode == StatusSyncMode::off);
    auto old_document = wire::decode_settings(*wire::parse_json(R"({"version":1,"lead_fields":{"record_id":"77"}})"));
    REQUIRE(old_document);
    CHECK(old_document->lead_fields.record_id == 77);
    // Additional client fields were once mapped by code alone: they stay, for every branch (0).
    auto flat = wire::decode_settings(*wire::parse_json(R"({"contact_fields":{"additional_fields":{"source":202,"400002":{"idioma":203}}}})"));
    REQUIRE(flat);
    CHECK(flat->contact_fields.additional_fields == std::map<int64_t, std::map<std::string, int64_t>>{{0, {{"source", 202}}}, {400002, {{"idioma", 203}}}});
    struct Case {
        const char* text;
        const char* path;
    };
    for (const Case& c : {Case{R"({"status_sync":{"mode":"sometimes"}})", "settings.status_sync.mode"},
                          Case{R"({"users":[{"kommo_user_id":"x"}]})", "settings.users[0].kommo_user_id"},
                          Case{R"({"status_sync":{"map":{"targets":{"arrived":{"status_id":1}}}}})", "settings.status_sync.map.targets.arrived"},
                          Case{R"({"duplicates":{"enabled":"yes"}})", "settings.duplicates.enabled"},
                          Case{R"({"history_retention_days":99999999999})", "settings.history_retention_days"},
                          Case{R"({"contact_fields":{"additional_fields":{"main":{"source":1}}}})", "settings.contact_fields.additional_fields.main"},
                          Case{R"({"contact_fields":{"additional_fields":{"source":"a field"}}})", "settings.contact_fields.additional_fields.source"},
                          Case{R"([])", "settings"}}) {
        CAPTURE(c.text);
        auto decoded = wire::decode_settings(*wire::parse_json(c.text));
        REQUIRE_FALSE(decoded);
        CHECK(decoded.error().detail.find(c.path) == 0);
    }
}

TEST_CASE("a branch is the account's when chosen, or while none is chosen, when its Altegio user manages it") {
    kb::domain::Settings s;
    std::vector<kb::domain::Branch> managed{{400001, "Москва", "", "", ""}, {400002, "Madrid", "", "", ""}};
    CHECK(kb::domain::branch_in_force(s, managed, 400001));
    CHECK_FALSE(kb::domain::branch_in_force(s, managed, 400999));   // any other company id is not the account's
    CHECK(kb::domain::branches_in_force(s, managed) == std::vector<int64_t>{400001, 400002});   // what the reconciler reads
    s.connected_branch_ids = {400002};
    CHECK_FALSE(kb::domain::branch_in_force(s, managed, 400001));
    CHECK(kb::domain::branch_in_force(s, managed, 400002));
    CHECK(kb::domain::branches_in_force(s, {}) == std::vector<int64_t>{400002});   // the user's branches are not needed
}

TEST_CASE("notes and tasks may be written in any of the four languages, and in no other") {
    for (const char* lang : {"en", "ru", "es", "pt"}) {
        Settings s;
        s.language = lang;
        CAPTURE(lang);
        for (const auto& path : paths(validate_settings(s, context()))) CHECK(path.rfind("language", 0) != 0);
    }
    Settings s;
    s.language = "de";
    auto found = paths(validate_settings(s, context()));
    CHECK(std::find(found.begin(), found.end(), "language unknown_language") != found.end());
}

TEST_CASE("the task's deadline may be at the record's start but not at its creation; its text has a length limit in characters") {
    Settings s = full_settings();
    CHECK(validate_settings(s, context()).empty());   // 0 minutes before the start: at the start
    s.automation.task_deadline = TaskDeadline::after_creation;
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{"automation.task_due_minutes out_of_range"});
    s.automation.task_due_minutes = 30;
    std::string cyrillic;
    for (int i = 0; i < 2000; ++i) cyrillic += "я";   // 2,000 characters in 4,000 bytes
    s.automation.task_text = cyrillic;
    CHECK(validate_settings(s, context()).empty());
    s.automation.task_text += "я";
    CHECK(paths(validate_settings(s, context())) == std::vector<std::string>{"automation.task_text text_too_long"});
}
