// The booking window's behaviour without a browser: what each choice asks the relay, and how replies land.
#include <doctest/doctest.h>
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
    calls = apply(s, {IntentKind::toggle_service, 7001, {}});
    calls = apply(s, {IntentKind::toggle_service, 7004, {}});
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].path == "/api/v1/branches/400001/staff?service_ids=7001,7004");
    calls = on_reply(s, calls[0].id, 200, R"({"staff":[{"id":5003,"name":"Алексей","specialization":"Барбер"}]})");
    REQUIRE(calls.size() == 1);   // the only employee is chosen by itself
    CHECK(calls[0].path == "/api/v1/branches/400001/dates?staff_id=5003&service_ids=7001,7004");
    calls = on_reply(s, calls[0].id, 200, R"({"dates":["2026-11-23","2026-11-24"]})");
    REQUIRE(calls.size() == 1);   // the first free day is opened
    CHECK(calls[0].path == "/api/v1/branches/400001/times?staff_id=5003&date=2026-11-23&service_ids=7001,7004");
    on_reply(s, calls[0].id, 200, R"({"times":[{"time":"10:00","datetime":"2026-11-23T10:00:00+03:00","seance_length":5400}]})");
    apply(s, {IntentKind::choose_slot, 0, "2026-11-23T10:00:00+03:00"});
    CHECK(chosen_duration_minutes(s) == 90);
    return s;
}

}  // namespace

TEST_CASE("each choice asks for what depends on it, and single options choose themselves") {
    AppState s = ready_to_book();
    CHECK(s.can_book());
    CHECK(s.form.slot_time == "10:00");
}

TEST_CASE("booking sends the whole form with one request key, and a retry after a failure reuses it") {
    AppState s = ready_to_book();
    s.form.comment = "Первый визит";
    auto calls = apply(s, {IntentKind::book, 0, "key-A"});
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
    auto retry = apply(s, {IntentKind::book, 0, "key-B"});
    REQUIRE(retry.size() == 1);
    CHECK((*wire::parse_json(retry[0].body))["request_key"] == "key-A");
}

TEST_CASE("a slot taken meanwhile shows why, reloads the free times and starts a new booking intent") {
    AppState s = ready_to_book();
    auto calls = apply(s, {IntentKind::book, 0, "key-A"});
    auto more = on_reply(s, calls[0].id, 409, R"({"error":{"code":"conflict","message_key":"ui.error.slot_taken","detail":"433"}})");
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.slot_taken");
    REQUIRE(more.size() == 1);
    CHECK(more[0].kind == RequestKind::times);
    CHECK(s.form.slot_datetime.empty());
    CHECK(s.request_key.empty());
}

TEST_CASE("a changed choice makes older replies stale, and they are ignored") {
    AppState s = ready_to_book();
    auto first = apply(s, {IntentKind::choose_date, 0, "2026-11-24"});
    auto second = apply(s, {IntentKind::choose_date, 0, "2026-11-23"});
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
    auto again = apply(s, {IntentKind::retry_loading, 0, {}});
    REQUIRE(again.size() == 1);
    on_reply(s, again[0].id, 200, "{\"lead_id\":");
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.error.relay_unreachable");
    CHECK_FALSE(s.card);
}

TEST_CASE("the booked record is shown; a lead that was not updated says so and can be retried") {
    AppState s = ready_to_book();
    auto calls = apply(s, {IntentKind::book, 0, "key-A"});
    on_reply(s, calls[0].id, 200, R"({"record":{"id":70000001,"services":[]},"branch_title":"Тверская","lead_updated":false,
                                      "warning_key":"ui.warning.lead_not_updated"})");
    REQUIRE(s.result);
    CHECK(s.result->record.id == 70000001);
    REQUIRE(s.error);
    CHECK(s.error->message_key == "ui.warning.lead_not_updated");
    auto retry = apply(s, {IntentKind::book, 0, "key-A"});
    REQUIRE(retry.size() == 1);
    auto another = apply(s, {IntentKind::book_another, 0, {}});
    CHECK_FALSE(s.result);
    CHECK(s.form.slot_datetime.empty());
    REQUIRE(another.size() == 1);
    CHECK(another[0].kind == RequestKind::times);
}
