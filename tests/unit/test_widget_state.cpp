// The booking window's behaviour without a browser: what each choice asks the relay, and how replies land.
#include <doctest/doctest.h>
#include "shared/domain/settings.hpp"
#include "shared/wire/json_read.hpp"
#include "widget/state/app_state.hpp"

using namespace kb;
using namespace kb::widget;

namespace {

const char* card_one_branch = R"({"lead_id":21001,"lead_name":"L","contact":{"name":"Анна","phone":"+79991234567","email":"a@x.ru"},
  "branches":[{"id":400001,"title":"Тверская","address":"","timezone_name":"Europe/Moscow","currency":"₽"}]})";
const char* catalog = R"({"categories":[{"id":1,"title":"Hair","weight":1}],
  "services":[{"id":7001,"title":"Cut","category_id":1,"price_min_minor":250000,"price_max_minor":250000,"duration_seconds":3600},
              {"id":7004,"title":"Beard","category_id":1,"price_min_minor":120000,"price_max_minor":120000,"duration_seconds":1800}]})";

// Walks the happy path up to a chosen slot; returns the book call's body.
AppState ready_to_book() {
    AppState s;
    auto calls = start(s, 21001, "ru");
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/card?lead_id=21001");
    calls = on_reply(s, calls[0].id, 200, card_one_branch);
    REQUIRE(calls.size() == 1);   // the only branch is chosen by itself
    CHECK(calls[0].path == "/api/v1/branches/400001/services");
    CHECK(s.form.phone == "+79991234567");
    on_reply(s, calls[0].id, 200, catalog);
    calls = apply(s, intent::ToggleService{7001});
    calls = apply(s, intent::ToggleService{7004});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/branches/400001/staff?service_ids=7001,7004");
    calls = on_reply(s, calls[0].id, 200, R"({"staff":[{"id":5003,"name":"Алексей","specialization":"Барбер"}]})");
    REQUIRE(calls.size() == 1);   // the only employee is chosen by itself
    CHECK(calls[0].path == "/api/v1/branches/400001/dates?staff_id=5003&service_ids=7001,7004");
    calls = on_reply(s, calls[0].id, 200, R"({"dates":["2026-11-23","2026-11-24"]})");
    REQUIRE(calls.size() == 1);   // the first free day is opened
    CHECK(calls[0].path == "/api/v1/branches/400001/times?staff_id=5003&date=2026-11-23&service_ids=7001,7004");
    on_reply(s, calls[0].id, 200, R"({"times":[{"time":"10:00","datetime":"2026-11-23T10:00:00+03:00","seance_length":5400}]})");
    apply(s, intent::ChooseSlot{"2026-11-23T10:00:00+03:00"});
    CHECK(chosen_duration_minutes(s) == 90);
    return s;
}

}  // namespace

TEST_CASE("each choice asks for what depends on it, and single options choose themselves") {
    AppState s = ready_to_book();
    CHECK(s.can_book());
    CHECK(s.form.slot_time == "10:00");
}

TEST_CASE("a manager the relay would refuse sees the form but cannot send it; a card without the access field books as before") {
    for (const char* access : {"not_linked", "login_failed", "a_state_from_a_newer_relay"}) {
        AppState s = ready_to_book();
        std::string text = std::string(card_one_branch).insert(1, std::string("\"access\":\"") + access + "\",");
        auto card = wire::api::decode_card_context(*wire::parse_json(text));
        REQUIRE(card);
        s.card->access = card->access;
        CHECK_FALSE(s.can_book());
        CHECK(apply(s, intent::Book{"key-A"}).empty());
    }
    AppState own = ready_to_book();   // card_one_branch has no "access": an older relay, the general account
    CHECK(own.can_book());
}

TEST_CASE("booking sends the whole form with one request key, and a retry after a failure reuses it") {
    AppState s = ready_to_book();
    s.form.comment = "Первый визит";
    auto calls = apply(s, intent::Book{"key-A"});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].method == "POST");
    auto body = wire::parse_json(calls[0].body);
    REQUIRE(body);
    CHECK((*body)["request_key"] == "key-A");
    CHECK((*body)["service_ids"] == wire::Json::array({7001, 7004}));
    CHECK((*body)["client"]["name"] == "Анна");
    CHECK((*body)["comment"] == "Первый визит");
    CHECK_FALSE(s.can_book());   // no double click while the first is out

    on_reply(s, calls[0].id, 502, R"({"error":{"code":"upstream_unavailable","message_key":"ui.error.altegio_unavailable","detail":"x"}})");
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.altegio_unavailable");
    auto retry = apply(s, intent::Book{"key-B"});
    REQUIRE(retry.size() == 1);
    CHECK((*wire::parse_json(retry[0].body))["request_key"] == "key-A");
}

TEST_CASE("a slot taken meanwhile shows why, reloads the free times and starts a new booking intent") {
    AppState s = ready_to_book();
    auto calls = apply(s, intent::Book{"key-A"});
    auto more = on_reply(s, calls[0].id, 409, R"({"error":{"code":"conflict","message_key":"ui.error.slot_taken","detail":"433"}})");
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.slot_taken");
    REQUIRE(more.size() == 1);
    CHECK(more[0].kind == RequestKind::times);
    CHECK(s.form.slot_datetime.empty());
    CHECK(s.request_key.empty());
}

TEST_CASE("an error about one part of the form is shown beside that part; others only under the button") {
    CHECK(form_part_of("ui.error.slot_taken") == FormPart::time);
    CHECK(form_part_of("ui.error.need_time") == FormPart::time);
    CHECK(form_part_of("ui.error.bad_phone") == FormPart::client);
    CHECK(form_part_of("ui.error.need_name") == FormPart::client);
    CHECK(form_part_of("ui.error.service_not_bookable") == FormPart::services);
    CHECK(form_part_of("ui.error.event_full") == FormPart::events);
    CHECK(form_part_of("ui.error.field_not_date") == FormPart::record_fields);
    CHECK(form_part_of("ui.error.need_employee") == FormPart::employee);
    CHECK(form_part_of("ui.error.altegio_busy") == FormPart::none);
    CHECK(form_part_of("ui.error.relay_unreachable") == FormPart::none);
    CHECK(form_part_of("") == FormPart::none);
}

TEST_CASE("a changed choice makes older replies stale, and they are ignored") {
    AppState s = ready_to_book();
    auto first = apply(s, intent::ChooseDate{"2026-11-24"});
    auto second = apply(s, intent::ChooseDate{"2026-11-23"});
    on_reply(s, first[0].id, 200, R"({"times":[{"time":"18:00","datetime":"2026-11-24T18:00:00+03:00"}]})");
    CHECK(s.times.empty());
    on_reply(s, second[0].id, 200, R"({"times":[{"time":"11:00","datetime":"2026-11-23T11:00:00+03:00"}]})");
    REQUIRE(s.times.size() == 1);
    CHECK(s.times[0].time == "11:00");
}

TEST_CASE("an unreachable relay or a garbled reply is an error the user can read, not a crash") {
    AppState s;
    auto calls = start(s, 5, "en");
    on_reply(s, calls[0].id, 0, "network error");
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.relay_unreachable");
    auto again = apply(s, intent::RetryLoading{});
    REQUIRE(again.size() == 1);
    on_reply(s, again[0].id, 200, "{\"lead_id\":");
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.relay_unreachable");
    CHECK_FALSE(s.card);
}

TEST_CASE("the booked record is shown; a lead that was not updated says so and can be retried") {
    AppState s = ready_to_book();
    auto calls = apply(s, intent::Book{"key-A"});
    on_reply(s, calls[0].id, 200, R"({"record":{"id":70000001,"services":[]},"branch_title":"Тверская","lead_updated":false,
                                      "warning_key":"ui.warning.lead_not_updated"})");
    REQUIRE(s.result);
    CHECK(s.result->record.id == 70000001);
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.warning.lead_not_updated");
    auto retry = apply(s, intent::Book{"key-A"});
    REQUIRE(retry.size() == 1);
    auto another = apply(s, intent::BookAnother{});
    CHECK_FALSE(s.result);
    CHECK(s.form.slot_datetime.empty());
    REQUIRE(another.size() == 1);
    CHECK(another[0].kind == RequestKind::times);
}

namespace {

const char* two_records = R"({"records":[
  {"record":{"id":901,"company_id":400001,"staff_id":5003,"staff_name":"Алексей","services":[{"id":7001,"title":"Cut","cost_minor":250000}],
             "date":"2026-11-24 10:00:00","datetime":"2026-11-24T10:00:00+03:00","attendance":0,"deleted":false,"paid_minor":0},
   "branch_title":"Тверская","currency":"₽"},
  {"record":{"id":900,"company_id":400001,"staff_id":5003,"staff_name":"Алексей","services":[],
             "date":"2026-11-20 10:00:00","datetime":"2026-11-20T10:00:00+03:00","attendance":1,"deleted":false,"paid_minor":250000},
   "branch_title":"Тверская","currency":"₽"}]})";

AppState with_log() {
    AppState s = ready_to_book();
    auto calls = apply(s, intent::ShowTab{Tab::records});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/leads/21001/records");
    on_reply(s, calls[0].id, 200, two_records);
    REQUIRE(s.records.rows);
    REQUIRE(s.records.rows->size() == 2);
    return s;
}

}  // namespace

TEST_CASE("the record log loads when first shown, not again on every visit, and again on refresh") {
    AppState s = with_log();
    CHECK(apply(s, intent::ShowTab{Tab::book}).empty());
    CHECK(apply(s, intent::ShowTab{Tab::records}).empty());   // already there
    auto calls = apply(s, intent::Refresh{});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/leads/21001/records");
    CHECK(s.can_book());   // switching tabs keeps the booking form as it was
}

TEST_CASE("a status change goes to the record's branch, and the row shows the answer") {
    AppState s = with_log();
    auto calls = apply(s, intent::ChangeStatus{901, "confirm"});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].method == "POST");
    CHECK(calls[0].path == "/api/v1/branches/400001/records/901/status");
    CHECK((*wire::parse_json(calls[0].body))["action"] == "confirm");
    CHECK(s.records.status_record_id == 901);
    CHECK(apply(s, intent::ChangeStatus{900, "came"}).empty());   // one change at a time
    on_reply(s, calls[0].id, 200, R"({"record":{"id":901,"company_id":400001,"services":[],"date":"2026-11-24 10:00:00",
        "datetime":"2026-11-24T10:00:00+03:00","attendance":2,"deleted":false,"paid_minor":0},"branch_title":"Тверская","currency":"₽"})");
    CHECK(s.records.status_record_id == 0);
    CHECK((*s.records.rows)[0].record.attendance == domain::Attendance::confirmed);
    CHECK((*s.records.rows)[1].record.attendance == domain::Attendance::came);   // the other row untouched
}

TEST_CASE("cancelling asks first: nothing is sent until the manager says yes, and 'no' keeps the record") {
    AppState s = with_log();
    CHECK(apply(s, intent::ChangeStatus{901, "cancel"}).empty());   // not asked yet
    apply(s, intent::AskCancel{901});
    CHECK(s.records.cancel_asked_id == 901);
    apply(s, intent::KeepRecord{});
    CHECK(s.records.cancel_asked_id == 0);
    CHECK(apply(s, intent::ChangeStatus{901, "cancel"}).empty());
    apply(s, intent::AskCancel{901});
    auto calls = apply(s, intent::ChangeStatus{901, "cancel"});
    REQUIRE(calls.size() == 1);
    CHECK((*wire::parse_json(calls[0].body))["action"] == "cancel");
    // Cancelled elsewhere meanwhile: the error is shown and the log is read again.
    auto more = on_reply(s, calls[0].id, 409, R"({"error":{"code":"conflict","message_key":"ui.error.record_cancelled","detail":""}})");
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.record_cancelled");
    REQUIRE(more.size() == 1);
    CHECK(more[0].path == "/api/v1/leads/21001/records");
}

TEST_CASE("a new booking makes the log and the client summary stale") {
    AppState s = with_log();
    auto calls = apply(s, intent::ShowTab{Tab::client});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/leads/21001/client");
    on_reply(s, calls[0].id, 200, R"({"found":true,"company_id":400001,"currency":"₽","client":{"id":1,"name":"Анна","visits_count":3,
        "visits_sum_minor":750000},"subscription":{"name":"Йога 8","start_date":"2026-11-01","end_date":"2026-12-01","remaining":5}})");
    REQUIRE(s.client);
    CHECK(s.client->client.subscription->remaining == 5);
    apply(s, intent::ShowTab{Tab::book});
    calls = apply(s, intent::Book{"key-log"});
    on_reply(s, calls[0].id, 200, R"({"record":{"id":902,"services":[],"date":"2026-11-23 10:00:00","datetime":"2026-11-23T10:00:00+03:00"},
        "branch_title":"Тверская","lead_updated":true,"warning_key":""})");
    CHECK_FALSE(s.records.rows);
    CHECK_FALSE(s.client);
    CHECK(apply(s, intent::ShowTab{Tab::records}).size() == 1);
}

namespace {

const char* account_log = R"({"records":[
  {"record":{"id":1,"company_id":400001,"staff_id":5001,"staff_name":"Ольга","services":[],"date":"2026-11-23 12:00:00",
             "datetime":"2026-11-23T12:00:00+03:00","attendance":1,"client":{"name":"Анна Иванова","phone":"+79991234567","email":""},
             "paid_minor":250000},"branch_title":"Тверская","currency":"₽","lead_id":21001},
  {"record":{"id":2,"company_id":400001,"staff_id":5003,"staff_name":"Алексей","services":[{"id":7001,"title":"Cut","cost_minor":250000}],
             "date":"2026-11-23 09:00:00",
             "datetime":"2026-11-23T09:00:00+03:00","attendance":0,"client":{"name":"John Miller","phone":"+447700900456","email":""},
             "paid_minor":0},"branch_title":"Тверская","currency":"₽","lead_id":0},
  {"record":{"id":3,"company_id":400002,"staff_id":5101,"staff_name":"Carmen","services":[],"date":"2026-11-23 10:00:00",
             "datetime":"2026-11-23T10:00:00+01:00","attendance":2,"deleted":true,"client":{"name":"María López","phone":"+34600111222","email":""},
             "paid_minor":90000},"branch_title":"Gran Vía","currency":"€","lead_id":21002}],
  "truncated":false,"go_to_lead_button":true})";

AppState pipeline() {
    AppState s;
    auto calls = start_pipeline(s, "ru", "2026-11-23");
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].path == "/api/v1/branches");
    CHECK(calls[1].path == "/api/v1/records?from=2026-11-23&to=2026-11-23");
    on_reply(s, calls[0].id, 200, card_one_branch);
    on_reply(s, calls[1].id, 200, account_log);
    REQUIRE(s.pipeline.log);
    CHECK(s.pipeline.branches.size() == 1);
    return s;
}

std::vector<int64_t> ids(const AppState& s) {
    std::vector<int64_t> out;
    for (const auto* row : visible_log_rows(s)) out.push_back(row->record.id);
    return out;
}

}  // namespace

TEST_CASE("the account's log asks for its period and branch; periods move by their own length") {
    AppState s = pipeline();
    auto calls = apply(s, intent::SetPeriodDays{7});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/records?from=2026-11-23&to=2026-11-29");
    calls = apply(s, intent::ShiftPeriod{1});
    CHECK(calls[0].path == "/api/v1/records?from=2026-11-30&to=2026-12-06");   // across a month's end
    calls = apply(s, intent::SetPeriodDays{1});
    calls = apply(s, intent::ShiftPeriod{-1});
    CHECK(calls[0].path == "/api/v1/records?from=2026-11-29&to=2026-11-29");
    calls = apply(s, intent::FilterBranch{400001});
    CHECK(calls[0].path == "/api/v1/records?from=2026-11-29&to=2026-11-29&company_id=400001");
    CHECK(apply(s, intent::SetPeriodDays{40}).empty());   // longer than the relay allows
}

TEST_CASE("the account's log filters by employee, status and client, and sorts by any column, here and at once") {
    AppState s = pipeline();
    CHECK(ids(s) == std::vector<int64_t>{2, 1, 3});   // by the moment: 09:00 MSK, then 12:00 MSK and 10:00 CET (the same moment)
    CHECK(apply(s, intent::FilterStaff{5001}).empty());   // no call: filtered here
    CHECK(ids(s) == std::vector<int64_t>{1});
    apply(s, intent::FilterStaff{0});
    apply(s, intent::FilterStatus{static_cast<int64_t>(domain::RecordState::deleted)});
    CHECK(ids(s) == std::vector<int64_t>{3});
    apply(s, intent::FilterStatus{-1});
    s.pipeline.view.search = "john";   // any case
    CHECK(ids(s) == std::vector<int64_t>{2});
    s.pipeline.view.search = "Анна";
    CHECK(ids(s) == std::vector<int64_t>{1});
    s.pipeline.view.search = "600111";   // part of the phone
    CHECK(ids(s) == std::vector<int64_t>{3});
    s.pipeline.view.search.clear();
    apply(s, intent::SortLog{LogColumn::paid, true});
    CHECK(ids(s) == std::vector<int64_t>{1, 3, 2});
    apply(s, intent::SortLog{LogColumn::employee, false});
    CHECK(ids(s) == std::vector<int64_t>{3, 2, 1});   // Carmen, Алексей, Ольга
    auto staff = log_staff(s);
    REQUIRE(staff.size() == 3);
    CHECK(staff[0].second == "Carmen");
}

TEST_CASE("a status changed from the account's log updates its row and keeps the link to the lead") {
    AppState s = pipeline();
    auto calls = apply(s, intent::ChangeStatus{2, "confirm"});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/branches/400001/records/2/status");
    on_reply(s, calls[0].id, 200, R"({"record":{"id":2,"company_id":400001,"staff_id":5003,"services":[],"date":"2026-11-23 09:00:00",
        "datetime":"2026-11-23T09:00:00+03:00","attendance":2},"branch_title":"Тверская","currency":"₽","lead_id":21003})");
    const auto* row = visible_log_rows(s)[0];
    CHECK(row->record.attendance == domain::Attendance::confirmed);
    CHECK(row->lead_id == 21003);
    calls = apply(s, intent::Refresh{});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/records?from=2026-11-23&to=2026-11-23");
}

TEST_CASE("the log's shown rows are worked out again when a row changes, and a copied state shows its own rows") {
    AppState s = pipeline();
    apply(s, intent::FilterStatus{static_cast<int64_t>(domain::RecordState::confirmed)});
    CHECK(ids(s).empty());   // kept for the next frames
    CHECK(ids(s).empty());
    auto calls = apply(s, intent::ChangeStatus{2, "confirm"});
    on_reply(s, calls[0].id, 200, R"({"record":{"id":2,"company_id":400001,"staff_id":5003,"services":[],"date":"2026-11-23 09:00:00",
        "datetime":"2026-11-23T09:00:00+03:00","attendance":2},"branch_title":"Тверская","currency":"₽","lead_id":21003})");
    CHECK(ids(s) == std::vector<int64_t>{2});   // record 2 is confirmed now
    AppState copy = s;
    for (const auto* row : visible_log_rows(copy)) CHECK(row >= copy.pipeline.log->rows.data());
    for (const auto* row : visible_log_rows(copy)) CHECK(row < copy.pipeline.log->rows.data() + copy.pipeline.log->rows.size());
    CHECK(log_staff(copy).size() == 3);
}

TEST_CASE("a record edited from the account's log opens in the form with its branch's catalogue, and its row shows the saved change") {
    AppState s = pipeline();
    auto calls = apply(s, intent::EditRecord{2});
    CHECK(s.editing.record_id == 2);
    REQUIRE(s.branch());   // the branch of the row, from the log's branches
    CHECK(s.branch()->timezone_name == "Europe/Moscow");
    REQUIRE(calls.size() == 4);   // no catalogue yet in the pipeline view
    CHECK(calls[0].path == "/api/v1/branches/400001/services");
    on_reply(s, calls[0].id, 200, catalog);
    on_reply(s, calls[1].id, 200, R"({"staff":[{"id":5003,"name":"Алексей"}]})");
    on_reply(s, calls[3].id, 200, R"({"times":[{"time":"11:00","datetime":"2026-11-23T11:00:00+03:00","seance_length":3600}]})");
    CHECK(s.form.staff_id == 5003);
    apply(s, intent::ChooseSlot{"2026-11-23T11:00:00+03:00"});
    REQUIRE(s.can_book());   // "Save changes" needs no lead card
    auto save = apply(s, intent::Book{});
    REQUIRE(save.size() == 1);
    CHECK(save[0].path == "/api/v1/branches/400001/records/2");
    on_reply(s, save[0].id, 200, R"({"record":{"id":2,"company_id":400001,"staff_id":5003,"staff_name":"Алексей","services":[],
        "date":"2026-11-23 11:00:00","datetime":"2026-11-23T11:00:00+03:00","attendance":0},"branch_title":"Тверская","currency":"₽","lead_id":0})");
    CHECK(s.editing.record_id == 0);   // back to the table
    const wire::api::RecordRow* row = nullptr;
    for (const auto* r : visible_log_rows(s))
        if (r->record.id == 2) row = r;
    REQUIRE(row);
    CHECK(row->record.date == "2026-11-23 11:00:00");

    // A cancelled row is not edited; leaving an edit closes its schedule grid too.
    CHECK(apply(s, intent::EditRecord{3}).empty());
    apply(s, intent::EditRecord{1});
    apply(s, intent::OpenSchedule{0});
    CHECK(s.schedule.view.open);
    apply(s, intent::StopEditing{});
    CHECK_FALSE(s.schedule.view.open);
}

TEST_CASE("a lead in a stage that hides the records window loads nothing more") {
    AppState s;
    auto calls = start(s, 21001, "es");
    std::string card = card_one_branch;
    card.insert(card.size() - 1, R"(,"records_window_hidden":true)");
    CHECK(on_reply(s, calls[0].id, 200, card).empty());   // no catalogue asked for
    REQUIRE(s.card);
    CHECK(s.card->records_window_hidden);
}

namespace {

// A day of two employees: the barber with one record and two free starts, the stylist off.
const char* schedule_day = R"({"date":"2026-11-24","timezone_name":"Europe/Moscow","free_times_asked":true,"columns":[
  {"staff":{"id":5003,"name":"Алексей","specialization":"Барбер"},"hours_known":true,"working":[{"from":"11:00","to":"21:00"}],
   "records":[{"id":70000009,"company_id":400001,"staff_id":5003,"services":[],"date":"2026-11-24 12:00:00",
               "datetime":"2026-11-24T12:00:00+03:00","seance_length":2700,"color":"f44336"}],
   "free":[{"time":"13:00","datetime":"2026-11-24T13:00:00+03:00","seance_length":5400},
           {"time":"19:30","datetime":"2026-11-24T19:30:00+03:00","seance_length":5400}]},
  {"staff":{"id":5001,"name":"Ольга","specialization":"Стилист"},"hours_known":true,"working":[],"records":[],"free":[]}]})";

}  // namespace

TEST_CASE("the schedule grid opens on the chosen day (or today) for one employee or everyone, and moves by day and week") {
    AppState s = ready_to_book();
    s.today = "2026-11-21";
    auto calls = apply(s, intent::OpenSchedule{5003});
    REQUIRE(calls.size() == 1);
    CHECK(s.schedule.view.open);
    CHECK(calls[0].path == "/api/v1/branches/400001/schedule?date=2026-11-23&service_ids=7001,7004&staff_ids=5003");
    calls = apply(s, intent::FilterScheduleStaff{0});   // everyone
    CHECK(calls[0].path == "/api/v1/branches/400001/schedule?date=2026-11-23&service_ids=7001,7004");
    calls = apply(s, intent::ShiftScheduleDay{7});
    CHECK(calls[0].path == "/api/v1/branches/400001/schedule?date=2026-11-30&service_ids=7001,7004");
    calls = apply(s, intent::ShiftScheduleDay{-1});
    CHECK(s.schedule.view.date == "2026-11-29");
    calls = apply(s, intent::ShiftScheduleDay{0});
    CHECK(s.schedule.view.date == "2026-11-21");
    // The filter adds and removes employees; the relay is asked for the chosen ones only.
    apply(s, intent::FilterScheduleStaff{5003});
    calls = apply(s, intent::FilterScheduleStaff{5001});
    CHECK(calls[0].path.ends_with("&staff_ids=5003,5001"));
    calls = apply(s, intent::FilterScheduleStaff{5003});
    CHECK(calls[0].path.ends_with("&staff_ids=5001"));
    apply(s, intent::CloseSchedule{});
    CHECK_FALSE(s.schedule.view.open);
    CHECK_FALSE(s.loading(RequestKind::schedule));   // a reply still out is dropped with the window
}

TEST_CASE("a free slot picked in the grid fills employee, day and time, and the form's lists keep the pick") {
    AppState s = ready_to_book();
    auto calls = apply(s, intent::OpenSchedule{0});
    on_reply(s, calls[0].id, 200, schedule_day);
    REQUIRE(s.schedule.day);
    CHECK(s.schedule.day->columns[0].records[0].color == "f44336");

    CHECK(apply(s, intent::PickFreeSlot{5001, "2026-11-24T13:00:00+03:00"}).empty());   // not this employee's start
    calls = apply(s, intent::PickFreeSlot{5003, "2026-11-24T13:00:00+03:00"});
    CHECK_FALSE(s.schedule.view.open);
    CHECK(s.form.staff_id == 5003);
    CHECK(s.form.date == "2026-11-24");
    CHECK(s.form.slot_time == "13:00");
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].path == "/api/v1/branches/400001/dates?staff_id=5003&service_ids=7001,7004");
    CHECK(calls[1].path == "/api/v1/branches/400001/times?staff_id=5003&date=2026-11-24&service_ids=7001,7004");
    CHECK(on_reply(s, calls[0].id, 200, R"({"dates":["2026-11-23","2026-11-24"]})").empty());   // the picked day stays
    CHECK(s.form.date == "2026-11-24");
    on_reply(s, calls[1].id, 200, R"({"times":[{"time":"13:00","datetime":"2026-11-24T13:00:00+03:00","seance_length":5400}]})");
    CHECK(s.form.slot_datetime == "2026-11-24T13:00:00+03:00");
    CHECK(s.can_book());
    auto book = apply(s, intent::Book{"key-grid"});
    REQUIRE(book.size() == 1);
    CHECK((*wire::parse_json(book[0].body))["datetime"] == "2026-11-24T13:00:00+03:00");
}

TEST_CASE("a picked slot taken before the form's times arrive is dropped, not booked") {
    AppState s = ready_to_book();
    auto calls = apply(s, intent::OpenSchedule{0});
    on_reply(s, calls[0].id, 200, schedule_day);
    calls = apply(s, intent::PickFreeSlot{5003, "2026-11-24T19:30:00+03:00"});
    on_reply(s, calls[1].id, 200, R"({"times":[{"time":"13:00","datetime":"2026-11-24T13:00:00+03:00","seance_length":5400}]})");
    CHECK(s.form.slot_datetime.empty());
    CHECK_FALSE(s.can_book());
}

TEST_CASE("the grid's hours cover working hours, records and free starts in whole hours") {
    auto day = wire::api::decode_day_schedule(*wire::parse_json(schedule_day));
    REQUIRE(day);
    auto hours = schedule_hours(*day);
    CHECK(hours.first == 11 * 60);
    CHECK(hours.last == 21 * 60);   // 19:30 + 90 min = 21:00
    day->columns[0].free.push_back({"20:45", "2026-11-24T20:45:00+03:00", 3600});
    day->columns[0].records[0].date = "2026-11-24 08:30:00";
    hours = schedule_hours(*day);
    CHECK(hours.first == 8 * 60);
    CHECK(hours.last == 22 * 60);
    CHECK(schedule_hours(wire::api::DaySchedule{}).first == 9 * 60);   // an empty day still has a grid
}

TEST_CASE("the grid opens at the day's first free start of any employee, else at its first hour") {
    auto day = wire::api::decode_day_schedule(*wire::parse_json(schedule_day));
    REQUIRE(day);
    CHECK(schedule_opening_minute(*day) == 13 * 60);
    day->columns[1].free.push_back({"12:15", "2026-11-24T12:15:00+03:00", 3600});   // another employee's, earlier
    CHECK(schedule_opening_minute(*day) == 12 * 60 + 15);
    for (auto& column : day->columns) column.free.clear();   // a full day: its first hour
    CHECK(schedule_opening_minute(*day) == 11 * 60);
}

TEST_CASE("the services search narrows the list in any case and keeps the chosen services in view") {
    AppState s = ready_to_book();   // Cut and Beard chosen
    s.service_search = "BEA";
    auto shown = visible_services(s);
    REQUIRE(shown.size() == 2);     // Beard matches; Cut is chosen, so it stays
    apply(s, intent::ToggleService{7001});
    shown = visible_services(s);
    REQUIRE(shown.size() == 1);
    CHECK(shown[0]->id == 7004);
    s.service_search = "zzz";
    apply(s, intent::ToggleService{7004});
    CHECK(visible_services(s).empty());
    s.service_search.clear();
    CHECK(visible_services(s).size() == 2);
}

TEST_CASE("colour and record categories go into the booking; only the palette and the branch's categories are taken") {
    AppState s = ready_to_book();
    s.catalog->labels = {{67345, "Первичный визит", "#4caf50"}, {67347, "VIP", "#9c27b0"}};
    apply(s, intent::ChooseColor{"123456"});   // not in the palette
    CHECK(s.form.color.empty());
    apply(s, intent::ChooseColor{"f44336"});
    apply(s, intent::ToggleLabel{67347});
    apply(s, intent::ToggleLabel{99999});     // not the branch's
    apply(s, intent::ToggleLabel{67345});
    apply(s, intent::ToggleLabel{67347});     // off again
    auto calls = apply(s, intent::Book{"key-colour"});
    REQUIRE(calls.size() == 1);
    auto body = *wire::parse_json(calls[0].body);
    CHECK(body["color"] == "f44336");
    CHECK(body["label_ids"] == wire::Json::array({67345}));
    auto decoded = wire::api::decode_booking_request(body);
    REQUIRE(decoded);
    CHECK(decoded->color == "f44336");
    CHECK(decoded->label_ids == std::vector<int64_t>{67345});
}

TEST_CASE("editing from the log fills the form with the record, keeps its own time on offer, and saves a change") {
    AppState s = with_log();
    (*s.records.rows)[0].record.comment = "Первый визит";
    (*s.records.rows)[0].record.color = "ff9800";
    (*s.records.rows)[0].record.labels = {{67346, "Повторный визит", "#2196f3"}};
    (*s.records.rows)[0].record.client = domain::ClientData{"Анна", "+79991234567", ""};
    auto calls = apply(s, intent::EditRecord{901});
    CHECK(s.tab == Tab::book);
    CHECK(s.editing.record_id == 901);
    CHECK(s.form.service_ids == std::vector<int64_t>{7001});
    CHECK(s.form.staff_id == 5003);
    CHECK(s.form.date == "2026-11-24");
    CHECK(s.form.slot_time == "10:00");
    CHECK(s.form.color == "ff9800");
    CHECK(s.form.label_ids == std::vector<int64_t>{67346});
    REQUIRE(calls.size() == 3);   // same branch: the catalogue is kept
    CHECK(calls[0].path == "/api/v1/branches/400001/staff?service_ids=7001");
    CHECK(calls[2].path == "/api/v1/branches/400001/times?staff_id=5003&date=2026-11-24&service_ids=7001");
    CHECK(on_reply(s, calls[0].id, 200, R"({"staff":[{"id":5003,"name":"Алексей"}]})").empty());   // the record's employee stays
    CHECK(on_reply(s, calls[1].id, 200, R"({"dates":["2026-11-25"]})").empty());                   // and its day, full or not
    on_reply(s, calls[2].id, 200, R"({"times":[{"time":"12:00","datetime":"2026-11-24T12:00:00+03:00","seance_length":3600}]})");
    REQUIRE(s.times.size() == 2);
    CHECK(s.times[0].time == "10:00");   // its own time, in order
    CHECK(s.form.slot_datetime == "2026-11-24T10:00:00+03:00");
    CHECK(apply(s, intent::ChooseBranch{400002}).empty());   // a record stays in its branch

    apply(s, intent::ChooseSlot{"2026-11-24T12:00:00+03:00"});
    s.form.comment = "Перенесли";
    auto save = apply(s, intent::Book{"unused"});
    REQUIRE(save.size() == 1);
    CHECK(save[0].method == "PUT");
    CHECK(save[0].path == "/api/v1/branches/400001/records/901");
    auto body = *wire::parse_json(save[0].body);
    CHECK(body["datetime"] == "2026-11-24T12:00:00+03:00");
    CHECK(body["staff_id"] == 5003);
    CHECK(body["comment"] == "Перенесли");
    CHECK(body["label_ids"] == wire::Json::array({67346}));
    on_reply(s, save[0].id, 200, R"({"record":{"id":901,"company_id":400001,"staff_id":5003,"services":[],"date":"2026-11-24 12:00:00",
        "datetime":"2026-11-24T12:00:00+03:00","comment":"Перенесли"},"branch_title":"Тверская","currency":"₽","lead_id":21001})");
    CHECK(s.editing.record_id == 0);
    CHECK(s.tab == Tab::records);
    CHECK((*s.records.rows)[0].record.datetime == "2026-11-24T12:00:00+03:00");
    CHECK(s.form.service_ids.empty());   // the form is free for a new record again
    CHECK(s.form.name == "Анна");        // the lead's contact
}

TEST_CASE("additional fields: typed values of the offered fields go into a booking; an edit starts from the record's") {
    AppState s = ready_to_book();
    s.catalog->record_fields = {{"referral", "Откуда узнали о нас", "text"}, {"deposit", "Предоплата", "number"}};
    s.form.custom_fields["referral"] = "Instagram";
    s.form.custom_fields["deposit"] = "";   // left empty: not sent
    auto calls = apply(s, intent::Book{"key-fields"});
    REQUIRE(calls.size() == 1);
    auto body = *wire::parse_json(calls[0].body);
    CHECK(body["custom_fields"] == wire::Json{{"referral", "Instagram"}});

    AppState e = with_log();
    e.catalog->record_fields = {{"deposit", "Предоплата", "number"}};
    (*e.records.rows)[0].record.custom_fields = {{"deposit", "1500"}, {"internal", "kept by Altegio"}};
    apply(e, intent::EditRecord{901});
    CHECK(e.form.custom_fields.at("deposit") == "1500");
    e.form.custom_fields["deposit"] = "";   // the manager clears it
    auto save = apply(e, intent::Book{});
    REQUIRE(save.size() == 1);
    auto change = *wire::parse_json(save[0].body);
    CHECK(change["custom_fields"] == wire::Json{{"deposit", ""}});   // cleared; a field the form does not offer is not touched
    apply(e, intent::StopEditing{});
    CHECK(e.form.custom_fields.empty());
}

TEST_CASE("leaving an edit without saving sends nothing and empties the form") {
    AppState s = with_log();
    apply(s, intent::EditRecord{901});
    CHECK(apply(s, intent::StopEditing{}).empty());
    CHECK(s.editing.record_id == 0);
    CHECK(s.form.service_ids.empty());
    CHECK(s.form.staff_id == -1);
    CHECK(apply(s, intent::EditRecord{12345}).empty());   // not in the log
}

TEST_CASE("a seat in a group event: the day's events load, a full one cannot be chosen, and the booking names only the event") {
    AppState s = ready_to_book();
    s.today = "2026-11-22";
    auto calls = apply(s, intent::SetGroupMode{true});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/branches/400001/events?date=2026-11-22");
    CHECK_FALSE(s.can_book());
    on_reply(s, calls[0].id, 200, R"({"events":[
        {"id":880002,"service_id":7008,"service_title":"Мастер-класс","staff_id":5001,"staff_name":"Ольга","date":"2026-11-22 08:30:00",
         "length":3600,"capacity":6,"records_count":6},
        {"id":880003,"service_id":7008,"service_title":"Мастер-класс","staff_id":5001,"staff_name":"Ольга","date":"2026-11-22 18:00:00",
         "length":3600,"capacity":6,"records_count":2}]})");
    apply(s, intent::ChooseEvent{880002});
    CHECK(s.form.activity_id == 0);   // full
    apply(s, intent::ChooseEvent{880003});
    CHECK(s.form.activity_id == 880003);
    CHECK(s.can_book());
    auto book = apply(s, intent::Book{"seat-key"});
    REQUIRE(book.size() == 1);
    auto body = *wire::parse_json(book[0].body);
    CHECK(body["activity_id"] == 880003);
    CHECK(body["service_ids"].empty());
    CHECK(body["datetime"] == "");
    // Taken meanwhile: the answer is shown and the events are read again.
    auto more = on_reply(s, book[0].id, 409, R"({"error":{"code":"conflict","message_key":"ui.error.event_full","detail":""}})");
    REQUIRE(more.size() == 1);
    CHECK(more[0].kind == RequestKind::events);
    calls = apply(s, intent::ShiftEventsDay{1});
    CHECK(calls[0].path == "/api/v1/branches/400001/events?date=2026-11-23");
    apply(s, intent::SetGroupMode{false});
    CHECK(s.can_book());   // the individual booking is as it was
}

TEST_CASE("New record over the log: the lead is found or made, its card read, the record booked, and the log read again") {
    AppState s = pipeline();
    CHECK(apply(s, intent::NewRecord{}).empty());
    REQUIRE(s.pipeline.new_record.open);
    s.pipeline.new_record.lead_query = "a";
    CHECK(apply(s, intent::FindLeads{}).empty());   // too short: said here, nothing asked
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.lead_query");
    s.pipeline.new_record.lead_query = "+7 999 123";
    auto calls = apply(s, intent::FindLeads{});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/leads?query=%2B7%20999%20123");
    on_reply(s, calls[0].id, 200, R"({"leads":[{"id":21001,"name":"L"}]})");
    REQUIRE(s.pipeline.new_record.found);
    CHECK(s.pipeline.new_record.found->size() == 1);

    // A new lead for a client: the name and phone are asked for first, then one key serves the retries.
    CHECK(apply(s, intent::CreateLead{"lead-A"}).empty());
    CHECK(s.error->message_key == "ui.error.need_name");
    s.form.name = "Вера";
    s.form.phone = "+79035550102";
    calls = apply(s, intent::CreateLead{"lead-A"});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/leads");
    CHECK((*wire::parse_json(calls[0].body))["request_key"] == "lead-A");
    on_reply(s, calls[0].id, 502, R"({"error":{"code":"upstream_unavailable","message_key":"ui.error.kommo_unavailable","detail":""}})");
    calls = apply(s, intent::CreateLead{"lead-B"});
    CHECK((*wire::parse_json(calls[0].body))["request_key"] == "lead-A");   // the same client again: the same key
    calls = on_reply(s, calls[0].id, 200, R"({"id":21001,"name":"Вера"})");
    REQUIRE(calls.size() == 1);   // the new lead's card
    CHECK(calls[0].path == "/api/v1/card?lead_id=21001");
    CHECK(s.lead_id == 21001);
    calls = on_reply(s, calls[0].id, 200, card_one_branch);
    REQUIRE(calls.size() == 1);   // the only branch is chosen by itself, as in the card
    CHECK(calls[0].path == "/api/v1/branches/400001/services");
    CHECK(s.pipeline.log);        // the log stays behind the form

    // Booked: back to the log, which is read again.
    s.result = wire::api::BookingResult{};
    calls = apply(s, intent::CloseNewRecord{});
    CHECK_FALSE(s.pipeline.new_record.open);
    CHECK_FALSE(s.card);
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/records?from=2026-11-23&to=2026-11-23");
}
