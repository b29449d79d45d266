// What one Altegio record event does in Kommo: the planner that joins lookup, duplicates, stages, fields,
// task, note and responsible user.
#include <doctest/doctest.h>
#include <algorithm>
#include "shared/domain/calendar.hpp"
#include "shared/domain/record_plan.hpp"

using namespace kb::domain;
using Action = RecordPlan::Action;

namespace {

constexpr int64_t record_id_field = 101;

Settings settings() {
    Settings s;
    s.lead_fields.record_id = record_id_field;
    s.automation.new_lead_pipeline_id = 10;
    s.automation.new_lead_status_id = 11;
    s.automation.journal_note = true;
    s.status_sync.mode = StatusSyncMode::without_conditions;
    s.status_sync.map.targets = {{RecordState::came, {10, 14}}};
    return s;
}

RecordEventFacts facts(std::string event_type) {
    RecordEventFacts f;
    f.event_type = std::move(event_type);
    f.record.id = 555;
    f.record.company_id = 400001;
    f.record.staff_id = 5001;
    f.record.staff_name = "Ольга";
    f.record.date = "2026-11-23 10:30:00";
    f.record.services = {{7001, "Стрижка", {}, 3}};
    f.record.client = ClientData{"Анна", "+79991234567", ""};
    f.branch = Branch{400001, "Москва", "", "", "₽"};
    f.lookup.record_id = 555;
    f.lookup.client_phone = "+79991234567";
    f.lookup.record_id_field = record_id_field;
    f.lead_fields = {{record_id_field, "text", {}}};
    f.pipelines = {{10, {{11, 1}, {12, 2}, {14, 4}}}};
    f.now = 1'800'000'000;
    return f;
}

}  // namespace

TEST_CASE("a new record with no lead creates one in the chosen stage, with its task, note and fields") {
    auto s = settings();
    s.automation.task_on_new_record = true;
    s.automation.task_due_minutes = 30;
    auto plan = plan_record_event(facts("create"), s);
    REQUIRE(plan.action == Action::create_lead);
    CHECK(plan.stage == StageRef{10, 11});
    CHECK(plan.link);
    CHECK(plan.lead_name.key == "kommo.lead_name.client");
    CHECK(plan.lead_name.params.at("client") == "Анна");
    CHECK(plan.lead_name.params.at("service") == "Стрижка");
    REQUIRE(plan.task);
    CHECK(plan.task->complete_till == 1'800'000'000 + 30 * 60);
    CHECK(plan.task->text.params.at("time") == "10:30");
    REQUIRE(plan.note);
    CHECK(plan.note->key == "kommo.note.record_created");
    REQUIRE(plan.fields.size() == 1);
    CHECK(plan.fields[0].text == "555");
}

TEST_CASE("no task and no note unless the settings ask") {
    auto s = settings();
    s.automation.journal_note = false;
    auto plan = plan_record_event(facts("create"), s);
    CHECK(plan.action == Action::create_lead);
    CHECK_FALSE(plan.task);
    CHECK_FALSE(plan.note);
}

TEST_CASE("a record without a client makes a deal only when that option is on") {
    auto f = facts("create");
    f.record.client.reset();
    f.lookup.client_phone.clear();
    auto s = settings();
    CHECK(plan_record_event(f, s).action == Action::nothing);
    s.automation.deal_without_client = true;
    auto plan = plan_record_event(f, s);
    REQUIRE(plan.action == Action::create_lead);
    CHECK(plan.lead_name.key == "kommo.lead_name.no_client");
    CHECK(plan.contact_id == 0);
}

TEST_CASE("each participant of a group event gets a lead named after the event") {
    auto f = facts("create");
    f.record.activity_id = 9001;
    auto plan = plan_record_event(f, settings());
    REQUIRE(plan.action == Action::create_lead);
    CHECK(plan.lead_name.key == "kommo.lead_name.group");
}

TEST_CASE("the Kommo user linked to the record's employee becomes responsible, when that option is on") {
    auto s = settings();
    s.users = {{9002, 0, {}, {}, 5001}, {9003, 0, {}, {}, 5002}};
    CHECK(plan_record_event(facts("create"), s).responsible_user_id == 0);
    s.automation.linked_user_responsible = true;
    auto created = plan_record_event(facts("create"), s);
    CHECK(created.responsible_user_id == 9002);
    CHECK(created.task.has_value() == false);

    auto f = facts("update");
    f.lookup.linked_lead_id = 21001;
    f.lookup.linked_lead_exists = true;
    f.leads[21001] = KnownLead{21001, 10, 12, 0, {}, 9003};
    CHECK(plan_record_event(f, s).responsible_user_id == 9002);   // the employee changed: so does the user
    f.leads[21001].responsible_user_id = 9002;
    CHECK(plan_record_event(f, s).responsible_user_id == 0);      // already so: nothing to send
}

TEST_CASE("an update of a linked record moves the lead by the status map and writes a note for the new state") {
    auto f = facts("update");
    f.record.attendance = Attendance::came;
    f.lookup.linked_lead_id = 21001;
    f.lookup.linked_lead_exists = true;
    f.leads[21001] = KnownLead{21001, 10, 12, 0, {}, 0};
    auto plan = plan_record_event(f, settings());
    REQUIRE(plan.action == Action::update_lead);
    CHECK(plan.lead_id == 21001);
    CHECK(plan.stage == StageRef{10, 14});
    REQUIRE(plan.note);
    CHECK(plan.note->key == "kommo.note.record_came");
    CHECK_FALSE(plan.task);
}

TEST_CASE("events that find no lead and create none say why") {
    auto update = facts("update");
    CHECK(plan_record_event(update, settings()).action == Action::nothing);
    auto ours = facts("create");
    ours.record.api_id = "kb-31000001-abc";
    CHECK(plan_record_event(ours, settings()).reason.find("our own booking") == 0);
    auto s = settings();
    s.automation.no_lead_for_records_made_in_altegio = true;
    CHECK(plan_record_event(facts("create"), s).action == Action::nothing);
}

TEST_CASE("an event tried again updates the lead its first try created instead of making a second") {
    auto f = facts("create");
    f.tried_before = true;
    f.lookup.leads_by_record_field = {KnownLead{30001, 10, 11, 0, {{record_id_field, "555"}}, 0}};
    f.leads[30001] = f.lookup.leads_by_record_field[0];
    auto plan = plan_record_event(f, settings());
    CHECK(plan.action == Action::update_lead);
    CHECK(plan.lead_id == 30001);
    CHECK(plan.link);
    f.tried_before = false;   // a first try never trusts a lead it did not link
    CHECK(plan_record_event(f, settings()).action == Action::create_lead);
}

TEST_CASE("a mapped field or a target stage missing from the cached lists asks for fresh lists") {
    auto s = settings();
    s.lead_fields.comment = 999;
    auto f = facts("update");
    f.record.comment = "first visit";
    f.lookup.linked_lead_id = 21001;
    f.lookup.linked_lead_exists = true;
    f.leads[21001] = KnownLead{21001, 10, 12, 0, {}, 0};
    CHECK(plan_needs_fresh_lists(plan_record_event(f, s), f));
    s.lead_fields.comment = 0;
    CHECK_FALSE(plan_needs_fresh_lists(plan_record_event(f, s), f));
    s.automation.new_lead_status_id = 77;   // a stage the cached pipelines do not have
    auto created = facts("create");
    CHECK(plan_needs_fresh_lists(plan_record_event(created, s), created));
}

TEST_CASE("a lead is never named \" — \": the client's phone stands in for a missing name, and no service leaves no dash") {
    auto f = facts("create");
    f.record.client = ClientData{"", "+79991234567", ""};
    auto by_phone = plan_record_event(f, settings());
    CHECK(by_phone.lead_name.key == "kommo.lead_name.client");
    CHECK(by_phone.lead_name.params.at("client") == "+79991234567");
    f.record.services.clear();
    CHECK(plan_record_event(f, settings()).lead_name.key == "kommo.lead_name.client_only");
    f.record.client.reset();
    auto s = settings();
    s.automation.deal_without_client = true;
    CHECK(plan_record_event(f, s).lead_name.key == "kommo.lead_name.no_client_only");
}

TEST_CASE("a deleted record without a date gets a note that names no date") {
    auto f = facts("update");
    f.lookup.linked_lead_id = 21001;
    f.lookup.linked_lead_exists = true;
    f.leads[21001] = KnownLead{21001, 10, 12, 0, {}, 0};
    f.record.deleted = true;
    CHECK(plan_record_event(f, settings()).note->key == "kommo.note.record_deleted");
    f.record.date.clear();
    CHECK(plan_record_event(f, settings()).note->key == "kommo.note.record_deleted_undated");
}

TEST_CASE("a new record takes a lead with its Record ID typed by hand only when the duplicate search accepts matching ids") {
    auto f = facts("create");
    f.lookup.client_phone = "+34611222333";
    f.record.client = ClientData{"Lucía", "+34611222333", ""};
    f.lookup.leads_by_record_field = {KnownLead{30001, 10, 12, 0, {{record_id_field, "555"}}, 0}};
    f.leads[30001] = f.lookup.leads_by_record_field[0];
    CHECK(plan_record_event(f, settings()).action == Action::create_lead);
    auto s = settings();
    s.duplicates.enabled = true;
    s.duplicates.accept_matching_record_id = true;
    auto merged = plan_record_event(f, s);
    CHECK(merged.action == Action::update_lead);
    CHECK(merged.lead_id == 30001);
    auto update = facts("update");
    update.lookup.leads_by_record_field = f.lookup.leads_by_record_field;
    update.leads = f.leads;
    CHECK(plan_record_event(update, settings()).lead_id == 30001);   // a changed record: always
}

TEST_CASE("the service category is read from the catalogue only when the field or a scheme's condition uses it") {
    auto s = settings();
    CHECK_FALSE(uses_service_categories(s));
    s.lead_fields.service_category = 120;
    CHECK(uses_service_categories(s));
    s.lead_fields.service_category = 0;
    s.status_sync.mode = StatusSyncMode::with_conditions;
    s.status_sync.schemes = {DistributionScheme{"Hair", SchemeConditions{{101}, {}, {}, {}, {}}, {}}};
    CHECK(uses_service_categories(s));
    // Filled from the catalogue, the category's title goes into the field and the scheme picks its stage.
    s.lead_fields.service_category = 120;
    s.status_sync.schemes[0].map.targets = {{RecordState::came, {10, 14}}};
    auto f = facts("update");
    f.lookup.linked_lead_id = 21001;
    f.lookup.linked_lead_exists = true;
    f.leads[21001] = KnownLead{21001, 10, 12, 0, {}, 0};
    f.record.attendance = Attendance::came;
    f.record.services[0].category_id = 101;
    f.lead_fields.push_back({120, "text", {}});
    f.service_category_titles = {{101, "Волосы"}};
    auto plan = plan_record_event(f, s);
    CHECK(plan.stage == StageRef{10, 14});
    bool titled = std::any_of(plan.fields.begin(), plan.fields.end(), [](const FieldValue& v) { return v.field_id == 120 && v.text == "Волосы"; });
    CHECK(titled);
}

TEST_CASE("the task after a new record can be due before the record's start, with the admin's own text and type") {
    Settings s = settings();
    s.automation.task_on_new_record = true;
    s.automation.task_deadline = TaskDeadline::before_start;
    s.automation.task_due_minutes = 120;
    s.automation.task_type_id = 2;   // a meeting
    s.automation.task_text = "Call {client} about {services} on {date} at {time}";
    auto f = facts("create");
    f.record.datetime = "2027-01-20T10:30:00+03:00";
    auto plan = plan_record_event(f, s);
    REQUIRE(plan.task);
    CHECK(plan.task->complete_till == moment_of("2027-01-20T10:30:00+03:00") - 120 * 60);
    CHECK(plan.task->type_id == 2);
    CHECK(plan.task->text.key == "Call {client} about {services} on {date} at {time}");
    CHECK(plan.task->text.params.at("client") == "Анна");

    f.record.datetime = "2027-01-15T08:00:00+03:00";   // starts in less than two hours: due now, not in the past
    CHECK(plan_record_event(f, s).task->complete_till == f.now);
    s.automation.task_deadline = TaskDeadline::after_creation;   // the usual deadline, and the usual text when none is written
    s.automation.task_text.clear();
    auto usual = plan_record_event(f, s);
    CHECK(usual.task->complete_till == f.now + 120 * 60);
    CHECK(usual.task->text.key == "kommo.task.new_record");
}
