// The lead card's record log and client summary, over the relay's API against the sandbox.
#include <doctest/doctest.h>
#include <map>
#include "shared/domain/calendar.hpp"
#include "shared/wire/widget_api.hpp"
#include "sync_helpers.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

std::vector<wire::api::RecordRow> log_of(World& world, int64_t lead, int64_t user = 9001) {
    auto reply = world.call("GET", "/api/v1/leads/" + std::to_string(lead) + "/records", Json(), user);
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    return wire::api::decode_record_log(body_of(reply))->rows;
}

http::Response change(World& world, int64_t record, const std::string& action, int64_t user = 9001) {
    return world.call("POST", "/api/v1/branches/400001/records/" + std::to_string(record) + "/status", Json{{"action", action}}, user);
}

}  // namespace

TEST_CASE("the record log lists the lead's records, newest first, with branch, employee, services, status and amount paid") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    CHECK(log_of(world, 21001).empty());   // nothing booked yet: an empty log, not an error

    std::string slot = free_slot(world, 5001, 7001);
    int64_t first = book_for(world, 21001, slot, "Ana Pérez", "+34 600 111 222", "log-1");
    int64_t second = book_for(world, 21001, free_slot(world, 5001, 7001), "Ana Pérez", "+34 600 111 222", "log-2");
    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(first) + "/change", Json{{"datetime", "2026-12-01T10:00:00+03:00"}});
    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(second) + "/change", Json{{"datetime", "2026-12-05T12:00:00+03:00"}});
    world.control("POST", "/__sandbox/altegio/payments", Json{{"company_id", 400001}, {"record_id", second}, {"amount", "1500.50"}});
    settle(world);

    auto rows = log_of(world, 21001);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].record.id == second);   // the later appointment first
    CHECK(rows[1].record.id == first);
    CHECK(rows[0].branch_title != "");
    CHECK(rows[0].currency != "");
    CHECK(rows[0].record.staff_name != "");
    REQUIRE(rows[0].record.services.size() == 1);
    CHECK(rows[0].record.services[0].title != "");
    CHECK(rows[0].record.paid.minor == 150050);
    CHECK(rows[1].record.paid.minor == 0);
    CHECK(rows[0].record.attendance == domain::Attendance::waiting);
    CHECK(log_of(world, 21002).empty());   // another lead's log does not show them
}

TEST_CASE("a status changed in the log reaches Altegio and moves the lead by the status mapping; cancelling twice is refused") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    int64_t record = book_for(world, 21001, free_slot(world, 5001, 7001), "Ana Pérez", "+34 600 111 222", "status-1");
    settle(world);

    auto confirmed = change(world, record, "confirm");
    REQUIRE_MESSAGE(confirmed.status == 200, confirmed.body);
    CHECK(wire::api::decode_record_row(body_of(confirmed))->record.attendance == domain::Attendance::confirmed);
    CHECK(wire::api::decode_record_row(body_of(confirmed))->lead_id == 21001);
    settle(world);
    CHECK(lead(world, 21001)["status_id"] == 77004);   // the mapping's stage for "confirmed"

    auto came = change(world, record, "came");
    REQUIRE(came.status == 200);
    settle(world);
    CHECK(lead(world, 21001)["status_id"] == 77005);
    CHECK(log_of(world, 21001)[0].record.attendance == domain::Attendance::came);

    auto cancelled = change(world, record, "cancel");
    REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
    CHECK(wire::api::decode_record_row(body_of(cancelled))->record.deleted);
    settle(world);
    CHECK(world.relay->store().inbox_counts()->failed == 0);

    auto again = change(world, record, "cancel");
    CHECK(again.status == 409);
    CHECK(body_of(again)["error"]["message_key"] == "ui.error.record_cancelled");
}

TEST_CASE("the log refuses unknown actions and branches the user may not see, and hides their records") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    int64_t record = book_for(world, 21001, free_slot(world, 5001, 7001), "Ana Pérez", "+34 600 111 222", "hidden-1");
    settle(world);

    CHECK(change(world, record, "move").status == 400);   // moving is the booking window's job
    CHECK(change(world, record, "sing").status == 400);

    auto settings = settings_of(world);
    settings.users = {{9002, 0, {400002}, {}, 0}};   // user 9002 sees only another branch
    save_settings(world, settings);
    CHECK(log_of(world, 21001, 9002).empty());
    auto refused = change(world, record, "confirm", 9002);
    CHECK(refused.status == 403);
    CHECK(body_of(refused)["error"]["message_key"] == "ui.error.branch_not_allowed");
    CHECK(log_of(world, 21001, 9001).size() == 1);   // other users still see it
}

TEST_CASE("the client summary shows the client's visits, purchases and active subscription from Altegio") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto none = world.call("GET", "/api/v1/leads/21001/client");
    REQUIRE(none.status == 200);
    CHECK_FALSE(wire::api::decode_client_summary(body_of(none))->found);

    int64_t record = book_for(world, 21001, free_slot(world, 5001, 7001), "Ana Pérez", "+34 600 111 222", "client-1");
    settle(world);
    Json booked = world.sandbox_state();
    int64_t client = 0;
    for (const auto& r : booked["altegio"]["records"])
        if (r["id"] == record) client = r["client"]["id"];
    REQUIRE(client != 0);
    auto changed = world.control("POST", "/__sandbox/altegio/clients/" + std::to_string(client) + "/change",
                                 Json{{"company_id", 400001}, {"visits", 4}, {"spent", "8200"},
                                      {"abonement", {{"balance_string", "Pilates (x3)"}, {"activated_date", "2026-11-01T10:00:00+03:00"},
                                                     {"period", 1}, {"period_unit_id", 3}, {"type", {{"title", "Pilates 8"}}}}}});
    REQUIRE(changed.status == 200);

    auto summary = wire::api::decode_client_summary(body_of(world.call("GET", "/api/v1/leads/21001/client")));
    REQUIRE(summary);
    CHECK(summary->found);
    CHECK(summary->client.visits_count == 4);
    CHECK(summary->client.visits_sum.minor == 820000);
    REQUIRE(summary->client.subscription);
    CHECK(summary->client.subscription->name == "Pilates 8");
    CHECK(summary->client.subscription->remaining == 3);
    CHECK(summary->client.subscription->start_date == "2026-11-01");
    CHECK(summary->client.subscription->end_date != "");
}

TEST_CASE("a lead without records shows the Altegio client who has its contact's phone, in branches the user sees") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    // Lead 21004's contact is written "8 (916) 555-44-33"; the Moscow branch knows a regular "+79165554433".
    auto reply = world.call("GET", "/api/v1/leads/21004/client");
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    auto summary = wire::api::decode_client_summary(body_of(reply));
    REQUIRE(summary);
    REQUIRE(summary->found);
    CHECK(summary->company_id == 400001);
    CHECK(summary->client.name == "Сергей Новиков");
    CHECK(summary->client.visits_count == 7);
    CHECK(summary->client.visits_sum.minor == 1240000);
    REQUIRE(summary->client.subscription);
    CHECK(summary->client.subscription->name == "Абонемент на 5 стрижек");
    CHECK(summary->client.subscription->remaining == 2);

    // John Miller's phone is no Altegio client's: nothing found, not an error.
    auto unknown = world.call("GET", "/api/v1/leads/21003/client");
    REQUIRE(unknown.status == 200);
    CHECK_FALSE(wire::api::decode_client_summary(body_of(unknown))->found);

    // A user who sees only the Madrid branch is not shown a Moscow client.
    auto settings = settings_of(world);
    settings.users = {{9002, 0, {400002}, {}, 0}};
    save_settings(world, settings);
    auto hidden = world.call("GET", "/api/v1/leads/21004/client", Json(), 9002);
    REQUIRE(hidden.status == 200);
    CHECK_FALSE(wire::api::decode_client_summary(body_of(hidden))->found);
}

TEST_CASE("the account's log lists the records of a period with their leads, by branch and employee, and refuses bad periods") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto a = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    auto b = staff_creates(world, free_slot(world, 5001, 7001), "Pedro Ruiz", "+34 622 333 444");
    auto outside = staff_creates(world, free_slot(world, 5001, 7001), "Ana Pérez", "+34 633 444 555");
    REQUIRE(world.control("POST", "/__sandbox/altegio/records/" + std::to_string(outside["id"].get<int64_t>()) + "/change",
                          Json{{"datetime", "2027-03-15T10:00:00+03:00"}}).status == 200);
    std::string day = a["datetime"].get<std::string>().substr(0, 10);
    std::string week_end = domain::add_days(day, 6);
    std::string period = "from=" + day + "&to=" + week_end;
    world.control("POST", "/__sandbox/altegio/payments", Json{{"company_id", 400001}, {"record_id", b["id"]}, {"amount", 900}});
    auto cancelled = staff_creates(world, free_slot(world, 5001, 7001), "Marta Ruiz", "+34 644 555 666");
    REQUIRE(world.control("POST", "/__sandbox/altegio/records/" + std::to_string(cancelled["id"].get<int64_t>()) + "/change",
                          Json{{"deleted", true}}).status == 200);
    settle(world);

    auto reply = world.call("GET", "/api/v1/records?" + period);
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    auto log = *wire::api::decode_record_log(body_of(reply));
    CHECK_FALSE(log.truncated);
    std::map<int64_t, wire::api::RecordRow> by_id;
    for (const auto& row : log.rows) by_id[row.record.id] = row;
    REQUIRE(by_id.count(a["id"]));
    REQUIRE(by_id.count(b["id"]));
    CHECK_FALSE(by_id.count(outside["id"]));   // outside the period
    REQUIRE(by_id.count(cancelled["id"]));        // "any status" includes cancelled records
    CHECK(by_id[cancelled["id"]].record.deleted);
    CHECK(by_id[a["id"]].lead_id == **world.relay->store().lead_of_record(31000001, 400001, a["id"]));
    CHECK(by_id[a["id"]].lead_id != 0);
    CHECK(by_id[b["id"]].record.paid.minor == 90000);
    for (size_t i = 1; i < log.rows.size(); ++i)
        CHECK(domain::moment_of(log.rows[i - 1].record.datetime) <= domain::moment_of(log.rows[i].record.datetime));

    auto other_staff = *wire::api::decode_record_log(body_of(world.call("GET", "/api/v1/records?" + period + "&staff_id=5002")));
    for (const auto& row : other_staff.rows) CHECK(row.record.staff_id == 5002);
    CHECK(other_staff.rows.size() < log.rows.size());
    auto madrid = *wire::api::decode_record_log(body_of(world.call("GET", "/api/v1/records?" + period + "&company_id=400002")));
    for (const auto& row : madrid.rows) CHECK(row.record.company_id == 400002);

    auto backwards = world.call("GET", "/api/v1/records?from=2026-12-07&to=2026-12-01");
    CHECK(backwards.status == 400);
    CHECK(body_of(backwards)["error"]["message_key"] == "ui.error.bad_period");
    CHECK(world.call("GET", "/api/v1/records?from=2026-12-01&to=2027-02-01").status == 400);   // longer than 31 days
    CHECK(world.call("GET", "/api/v1/records?from=yesterday&to=2026-12-01").status == 400);

    auto settings = settings_of(world);
    settings.users = {{9002, 0, {400002}, {}, 0}};
    save_settings(world, settings);
    CHECK(world.call("GET", "/api/v1/records?" + period + "&company_id=400001", Json(), 9002).status == 403);
    auto theirs = *wire::api::decode_record_log(body_of(world.call("GET", "/api/v1/records?" + period, Json(), 9002)));
    for (const auto& row : theirs.rows) CHECK(row.record.company_id == 400002);
}

TEST_CASE("the records window is hidden in the stages the admin chose, and the log shows only in the chosen pipelines") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto card = [&] { return *wire::api::decode_card_context(body_of(world.call("GET", "/api/v1/card?lead_id=21001"))); };
    CHECK_FALSE(card().records_window_hidden);
    int64_t stage = lead(world, 21001)["status_id"];
    auto settings = settings_of(world);
    settings.automation.stages_hiding_records_window = {{0, stage}};   // that stage in any pipeline
    save_settings(world, settings);
    CHECK(card().records_window_hidden);
    settings.automation.stages_hiding_records_window = {{999, stage}};   // the same status id in another pipeline
    save_settings(world, settings);
    CHECK_FALSE(card().records_window_hidden);

    auto shown = [&](const std::string& pipeline) {
        return body_of(world.call("GET", "/api/v1/places?pipeline_id=" + pipeline))["log_shown"].get<bool>();
    };
    CHECK(shown("7700001"));   // no list: every pipeline
    settings.automation.pipelines_showing_record_log = {7700002};
    save_settings(world, settings);
    CHECK_FALSE(shown("7700001"));
    CHECK(shown("7700002"));
    CHECK(shown("0"));   // the list page could not tell its pipeline: offered rather than lost
}

TEST_CASE("a record edited in the card changes in Altegio (time, employee, services, comment, colour, category) and the lead follows") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    int64_t record = book_for(world, 21001, free_slot(world, 5001, 7001), "Анна Иванова", "+7 999 123-45-67", "edit-1");
    settle(world);
    std::string new_time = free_slot(world, 5003, 7007);   // styling with the barber instead
    Json change{{"staff_id", 5003}, {"service_ids", {7007}}, {"datetime", new_time}, {"comment", "Перенесли на вечер"},
                {"color", "ff9800"}, {"label_ids", {67346}}};
    auto edited = world.call("PUT", "/api/v1/branches/400001/records/" + std::to_string(record), change);
    REQUIRE_MESSAGE(edited.status == 200, edited.body);
    auto row = *wire::api::decode_record_row(body_of(edited));
    CHECK(row.record.staff_id == 5003);
    CHECK(row.record.datetime == new_time);
    CHECK(row.record.seance_length == 45 * 60);
    REQUIRE(row.record.services.size() == 1);
    CHECK(row.record.services[0].title == "Укладка");
    CHECK(row.record.comment == "Перенесли на вечер");
    CHECK(row.record.color == "ff9800");
    REQUIRE(row.record.labels.size() == 1);
    CHECK(row.record.labels[0].title == "Повторный визит");
    CHECK(row.record.client->name == "Анна Иванова");   // the client stays
    CHECK(row.lead_id == 21001);
    settle(world);
    CHECK(lead(world, 21001).dump().find("Алексей Волков") != std::string::npos);   // the lead's employee field follows
    CHECK(world.relay->store().inbox_counts()->failed == 0);

    // Onto a time taken meanwhile: a conflict, and the record stays as it was.
    int64_t other = book_for(world, 21004, free_slot(world, 5001, 7001), "Сергей Новиков", "+7 916 555-44-33", "edit-2");
    std::string taken;
    for (const auto& r : world.sandbox_state()["altegio"]["records"].get<std::vector<Json>>())
        if (r["id"] == other) taken = r["datetime"];
    change["staff_id"] = 5001;
    change["service_ids"] = {7001};
    change["datetime"] = taken;
    auto refused = world.call("PUT", "/api/v1/branches/400001/records/" + std::to_string(record), change);
    CHECK(refused.status == 409);
    CHECK(body_of(refused)["error"]["message_key"] == "ui.error.slot_taken");
    CHECK(log_of(world, 21001)[0].record.staff_id == 5003);

    change["staff_id"] = 0;   // "any employee" cannot hold a record
    CHECK(body_of(world.call("PUT", "/api/v1/branches/400001/records/" + std::to_string(record), change))["error"]["message_key"] ==
          "ui.error.need_employee");
}

TEST_CASE("the lead's log orders records of branches in different time zones by their moment, not their wall time") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    int64_t moscow = book_for(world, 21001, free_slot(world, 5001, 7001), "Ana Pérez", "+34 600 111 222", "zone-1");
    auto dates = body_of(world.call("GET", "/api/v1/branches/400002/dates?staff_id=5101&service_ids=7101"));
    auto times = body_of(world.call("GET", "/api/v1/branches/400002/times?staff_id=5101&date=" + dates["dates"][0].get<std::string>() +
                                               "&service_ids=7101"));
    auto booked = world.call("POST", "/api/v1/records", Json{{"lead_id", 21001}, {"company_id", 400002}, {"staff_id", 5101},
                                                            {"service_ids", {7101}}, {"datetime", times["times"][0]["datetime"]},
                                                            {"client", {{"name", "Ana Pérez"}, {"phone", "+34 600 111 222"}}},
                                                            {"request_key", "zone-2"}});
    REQUIRE_MESSAGE(booked.status == 200, booked.body);
    int64_t madrid = body_of(booked)["record"]["id"];
    // 12:00 in Moscow is 09:00 UTC; 11:00 in Madrid is 10:00 UTC: Madrid's is the later one, though its clock says less.
    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(moscow) + "/change", Json{{"datetime", "2026-12-01T12:00:00+03:00"}});
    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(madrid) + "/change", Json{{"datetime", "2026-12-01T11:00:00+01:00"}});
    settle(world);
    auto rows = log_of(world, 21001);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].record.id == madrid);
    CHECK(rows[1].record.id == moscow);
}
