// Booking from the lead card, through the relay's handlers against the sandbox (no sockets).
#include "sync_helpers.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include "shared/domain/calendar.hpp"
#include <set>
#include <thread>

using namespace kb;
using namespace kb::testing;

namespace {

// Finds a free slot for the Moscow stylist and women's haircut, as the widget would, on the second bookable day: a
// whole working day at any hour the test runs (late in the day, today may have one free time left, or none).
Json first_free_slot(World& world) {
    auto dates = body_of(world.call("GET", "/api/v1/branches/400001/dates?staff_id=5001&service_ids=7001"));
    REQUIRE(dates["dates"].size() >= 2);
    std::string day = dates["dates"][1];
    auto times = world.call("GET", "/api/v1/branches/400001/times?staff_id=5001&date=" + day + "&service_ids=7001");
    REQUIRE_MESSAGE(times.status == 200, times.body);
    auto slots = body_of(times)["times"];
    REQUIRE(!slots.empty());
    return slots[0];
}

Json booking_body(const Json& slot, const std::string& key, int64_t lead = 21001) {
    return Json{{"lead_id", lead}, {"company_id", 400001}, {"staff_id", 5001}, {"service_ids", {7001}},
                {"datetime", slot["datetime"]}, {"client", {{"name", "Анна Иванова"}, {"phone", "+7 999 123-45-67"}, {"email", "anna@example.ru"}}},
                {"comment", "Первый визит"}, {"request_key", key}};
}

Json lead_in_sandbox(World& world, int64_t id) {
    Json state = world.sandbox_state();
    for (const auto& lead : state["kommo"]["leads"])
        if (lead["id"] == id) return lead;
    FAIL("lead not in sandbox");
    return Json();
}

std::string lead_field(const Json& lead, const std::string& code, const Json& fields) {
    int64_t field_id = 0;
    for (const auto& f : fields)
        if (f["code"] == code) field_id = f["id"];
    if (!lead["custom_fields_values"].is_array()) return "";
    for (const auto& v : lead["custom_fields_values"])
        if (v["field_id"] == field_id) return v["values"][0]["value"].is_string() ? v["values"][0]["value"].get<std::string>()
                                                                                    : v["values"][0]["value"].dump();
    return "";
}

size_t records_with_api_id(World& world) {
    size_t count = 0;
    Json state = world.sandbox_state();
    for (const auto& r : state["altegio"]["records"])
        if (!r["api_id"].get<std::string>().empty()) ++count;
    return count;
}

}  // namespace

TEST_CASE("installing creates the lead fields the booking writes, and stores the tokens sealed") {
    World world;
    world.install();
    auto state = world.sandbox_state();
    std::set<std::string> codes;
    for (const auto& f : state["kommo"]["lead_fields"])
        if (f["code"].is_string()) codes.insert(f["code"]);
    for (const char* code : {"KB_ALTEGIO_RECORD_ID", "KB_ALTEGIO_DATE", "KB_ALTEGIO_TIME", "KB_ALTEGIO_EMPLOYEE", "KB_ALTEGIO_BRANCH",
                             "KB_ALTEGIO_SERVICES"})
        CHECK(codes.count(code) == 1);
    // A second install (Kommo re-sends the redirect) finds the fields instead of making twins.
    world.install();
    CHECK(world.sandbox_state()["kommo"]["lead_fields"].size() == state["kommo"]["lead_fields"].size());

    auto installation = world.relay->store().find_installation(31000001);
    REQUIRE(installation);
    REQUIRE(*installation);
    CHECK((*installation)->access_token.rfind("kommo-at-", 0) == 0);
    std::string sealed = world.raw_value("SELECT access_token_sealed FROM installations");
    CHECK(sealed.find("kommo-at-") == std::string::npos);
    CHECK(sealed.size() > 40);
}

TEST_CASE("the card shows the lead's contact and the branches; the catalogue and free times come from Altegio") {
    World world;
    world.install();
    auto card = world.call("GET", "/api/v1/card?lead_id=21001");
    REQUIRE_MESSAGE(card.status == 200, card.body);
    auto context = body_of(card);
    CHECK(context["contact"]["name"] == "Анна Иванова");
    CHECK(context["contact"]["phone"] == "+7 999 123-45-67");
    CHECK(context["contact"]["email"] == "anna.ivanova@example.ru");
    REQUIRE(context["branches"].size() == 2);
    CHECK(context["branches"][1]["timezone_name"] == "Europe/Madrid");

    auto catalog = body_of(world.call("GET", "/api/v1/branches/400001/services"));
    CHECK(catalog["categories"].size() == 3);
    CHECK(catalog["categories"][0]["title"] == "Волосы");   // heaviest first
    CHECK(catalog["services"].size() == 8);
    CHECK(catalog["services"][0]["price_min_minor"] == 250000);
    CHECK(catalog["services"][0]["duration_seconds"] == 3600);

    auto staff = body_of(world.call("GET", "/api/v1/branches/400001/staff?service_ids=7001"));
    REQUIRE(staff["staff"].size() == 1);
    CHECK(staff["staff"][0]["name"] == "Ольга Смирнова");

    auto slot = first_free_slot(world);
    CHECK(slot["datetime"].get<std::string>().ends_with("+03:00"));
}

TEST_CASE("booking creates one Altegio record and fills the lead; a retried click returns the same record") {
    World world;
    world.install();
    auto slot = first_free_slot(world);
    auto reply = world.call("POST", "/api/v1/records", booking_body(slot, "key-1"));
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    auto result = body_of(reply);
    CHECK(result["lead_updated"] == true);
    CHECK(result["branch_title"] == "Bella Studio — Тверская");
    int64_t record_id = result["record"]["id"];
    CHECK(result["record"]["datetime"] == slot["datetime"]);

    auto state = world.sandbox_state();
    Json record;
    for (const auto& r : state["altegio"]["records"])
        if (r["id"] == record_id) record = r;
    REQUIRE(record.is_object());
    CHECK(record["api_id"].get<std::string>().rfind("kb-", 0) == 0);
    CHECK(record["client"]["name"] == "Анна Иванова");
    CHECK(record["comment"] == "Первый визит");

    auto lead = lead_in_sandbox(world, 21001);
    const auto& fields = state["kommo"]["lead_fields"];
    CHECK(lead_field(lead, "KB_ALTEGIO_RECORD_ID", fields) == std::to_string(record_id));
    CHECK(lead_field(lead, "KB_ALTEGIO_TIME", fields) == slot["time"].get<std::string>());
    CHECK(lead_field(lead, "KB_ALTEGIO_EMPLOYEE", fields) == "Ольга Смирнова");
    CHECK(lead_field(lead, "KB_ALTEGIO_BRANCH", fields) == "Bella Studio — Тверская");
    CHECK(lead_field(lead, "KB_ALTEGIO_SERVICES", fields) == "Женская стрижка");
    CHECK(!lead_field(lead, "KB_ALTEGIO_DATE", fields).empty());

    // The reply to the create is the record: it is not read from Altegio a second time (its rate limit is shared).
    auto reads_of_records = [&] {
        int reads = 0;
        auto history = world.relay->store().recent_history(31000001, 500);
        REQUIRE(history);
        for (const auto& entry : *history) reads += entry.kind == "altegio.get_record" ? 1 : 0;
        return reads;
    };
    CHECK(reads_of_records() == 0);

    auto again = world.call("POST", "/api/v1/records", booking_body(slot, "key-1"));
    REQUIRE(again.status == 200);
    CHECK(body_of(again)["record"]["id"] == record_id);
    CHECK(records_with_api_id(world) == 1);
}

TEST_CASE("the lead's date field shows the record's own day in the Kommo account's time zone, whichever it is") {
    // Kommo shows a date field's instant in the account's zone: the relay writes the day's midnight there, for a
    // booking from the card and for a record made in Altegio alike (a Moscow record read the day before in UTC).
    for (const char* offset : {"+00:00", "-05:00", "+09:00"}) {
        CAPTURE(offset);
        World world(1000.0, 2);
        world.install();
        configure(world);
        REQUIRE(world.control("POST", "/__sandbox/kommo/timezone", Json{{"timezone", "Test"}, {"timezone_offset", offset}}).status == 200);
        int32_t seconds = (offset[0] == '-' ? -1 : 1) * ((offset[1] - '0') * 10 + (offset[2] - '0')) * 3600;
        auto midnight_in_kommo = [&](const std::string& datetime) {
            auto day = *domain::parse_civil(datetime.substr(0, 10));
            return std::to_string(domain::days_from_civil(day.year, day.month, day.day) * 86400 - seconds);
        };
        auto slot = first_free_slot(world);
        REQUIRE(world.call("POST", "/api/v1/records", booking_body(slot, "tz-1")).status == 200);
        auto fields = world.sandbox_state()["kommo"]["lead_fields"];
        CHECK(lead_field(lead_in_sandbox(world, 21001), "KB_ALTEGIO_DATE", fields) == midnight_in_kommo(slot["datetime"]));

        auto made = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
        settle(world);
        auto lead = world.relay->store().lead_of_record(31000001, 400001, made["id"]);
        REQUIRE((lead && *lead));
        CHECK(lead_field(lead_in_sandbox(world, **lead), "KB_ALTEGIO_DATE", fields) == midnight_in_kommo(made["datetime"]));
    }
}

TEST_CASE("a booking from the card gets the follow-up the settings ask for: stage, one task and one journal note") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto settings = settings_of(world);
    settings.automation.task_on_new_record = true;
    settings.automation.journal_note = true;
    settings.status_sync.map.targets[domain::RecordState::waiting] = {7700001, 77003};   // "Записан"
    save_settings(world, settings);

    auto body = booking_body(first_free_slot(world), "follow-up-1");
    auto reply = world.call("POST", "/api/v1/records", body);
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    CHECK(world.call("POST", "/api/v1/records", body).status == 200);   // a retried click
    settle(world);
    CHECK(of_lead(world, "tasks", 21001).size() == 1);
    CHECK(of_lead(world, "notes", 21001).size() == 1);
    CHECK(lead_in_sandbox(world, 21001)["status_id"] == 77003);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 4);   // the card's lead, no new one
}

TEST_CASE("a slot taken in the meantime is a clear conflict and nothing is written") {
    World world;
    world.install();
    auto slot = first_free_slot(world);
    REQUIRE(world.call("POST", "/api/v1/records", booking_body(slot, "first")).status == 200);
    auto lead_before = lead_in_sandbox(world, 21004);
    auto taken = world.call("POST", "/api/v1/records", booking_body(slot, "second", 21004));
    CHECK(taken.status == 409);
    CHECK(body_of(taken)["error"]["message_key"] == "ui.error.slot_taken");
    CHECK(records_with_api_id(world) == 1);
    CHECK(lead_in_sandbox(world, 21004)["custom_fields_values"] == lead_before["custom_fields_values"]);
}

TEST_CASE("a booking missing what the manager must fill in is refused before anything is sent") {
    World world;
    world.install();
    auto slot = first_free_slot(world);
    auto no_phone = booking_body(slot, "k");
    no_phone["client"]["phone"] = "";
    auto reply = world.call("POST", "/api/v1/records", no_phone);
    CHECK(reply.status == 400);
    CHECK(body_of(reply)["error"]["message_key"] == "ui.error.need_phone");
    auto no_services = booking_body(slot, "k2");
    no_services["service_ids"] = Json::array();
    CHECK(body_of(world.call("POST", "/api/v1/records", no_services))["error"]["message_key"] == "ui.error.need_services");
    CHECK(world.call("POST", "/api/v1/records", Json("not an object")).status == 400);
    CHECK(records_with_api_id(world) == 0);
}

TEST_CASE("Altegio down: the booking fails with a clear message, and the retry books exactly once") {
    World world;
    world.install();
    auto slot = first_free_slot(world);
    REQUIRE(world.control("POST", "/__sandbox/faults", Json{{"target", "altegio"}, {"path_contains", "/records/"}, {"status", 503}, {"count", 1}}).status == 201);
    auto down = world.call("POST", "/api/v1/records", booking_body(slot, "retry-key"));
    CHECK(down.status == 502);
    CHECK(body_of(down)["error"]["message_key"] == "ui.error.altegio_unavailable");
    auto retried = world.call("POST", "/api/v1/records", booking_body(slot, "retry-key"));
    REQUIRE_MESSAGE(retried.status == 200, retried.body);
    CHECK(records_with_api_id(world) == 1);
}

TEST_CASE("Kommo failing after the record exists: the record is kept, the lead is filled on retry") {
    World world;
    world.install();
    auto slot = first_free_slot(world);
    world.control("POST", "/__sandbox/faults", Json{{"target", "kommo"}, {"path_contains", "/leads/21001"}, {"status", 500}, {"count", 3}});
    auto partial = world.call("POST", "/api/v1/records", booking_body(slot, "partial"));
    REQUIRE_MESSAGE(partial.status == 200, partial.body);
    CHECK(body_of(partial)["lead_updated"] == false);
    CHECK(body_of(partial)["warning_key"] == "ui.warning.lead_not_updated");
    auto completed = world.call("POST", "/api/v1/records", booking_body(slot, "partial"));
    REQUIRE(completed.status == 200);
    CHECK(body_of(completed)["lead_updated"] == true);
    CHECK(body_of(completed)["record"]["id"] == body_of(partial)["record"]["id"]);
    CHECK(records_with_api_id(world) == 1);
}

TEST_CASE("an expired Kommo access token is refreshed once, however many requests need it at the same time") {
    World world;
    world.install();
    REQUIRE(world.control("POST", "/__sandbox/kommo/expire_access_tokens").status == 200);
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    std::vector<std::string> tokens;
    for (int i = 0; i < 16; ++i) tokens.push_back(world.sandbox.disposable_token(9001));
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&, i] {
            if (world.call_with_token("GET", "/api/v1/card?lead_id=21001", tokens[i]).status == 200) ++ok;
        });
    for (auto& t : threads) t.join();
    CHECK(ok == 16);
    CHECK(world.sandbox_state()["kommo"]["refreshes"] == 1);
}

TEST_CASE("the request history records outgoing calls with secrets masked") {
    World world;
    world.install();
    auto history = world.relay->store().recent_history(31000001, 100);
    REQUIRE(history);
    bool saw_auth = false;
    for (const auto& entry : *history) {
        CHECK(entry.request_body.find("sandbox-password") == std::string::npos);
        CHECK(entry.response_body.find("kommo-at-") == std::string::npos);
        if (entry.kind == "altegio.auth") {
            saw_auth = true;
            CHECK(entry.status == 201);
            CHECK(entry.request_body.find("\"password\":\"***\"") != std::string::npos);
        }
    }
    CHECK(saw_auth);
}

TEST_CASE("the day grid shows each employee's hours, records and free starts; the filter keeps only the chosen employees") {
    World world;
    world.install();
    auto slot = first_free_slot(world);
    std::string day = slot["datetime"].get<std::string>().substr(0, 10);
    auto booked = world.call("POST", "/api/v1/records", booking_body(slot, "grid-1"));
    REQUIRE_MESSAGE(booked.status == 200, booked.body);
    int64_t record_id = body_of(booked)["record"]["id"];

    // With a service chosen: the employees offering it, their free starts, the booked time no longer free.
    auto with_service = world.call("GET", "/api/v1/branches/400001/schedule?date=" + day + "&service_ids=7001");
    REQUIRE_MESSAGE(with_service.status == 200, with_service.body);
    auto grid = body_of(with_service);
    CHECK(grid["timezone_name"] == "Europe/Moscow");
    CHECK(grid["free_times_asked"] == true);
    REQUIRE(grid["columns"].size() == 1);
    const auto& stylist = grid["columns"][0];
    CHECK(stylist["staff"]["id"] == 5001);
    CHECK(stylist["hours_known"] == true);
    REQUIRE(stylist["working"].size() == 1);
    CHECK(stylist["working"][0]["from"] == "10:00");
    CHECK(stylist["working"][0]["to"] == "20:00");
    Json booked_record;
    for (const auto& r : stylist["records"]) {
        CHECK(r["staff_id"] == 5001);
        CHECK(r["date"].get<std::string>().starts_with(day));
        if (r["id"] == record_id) booked_record = r;
    }
    REQUIRE(booked_record.is_object());
    CHECK(booked_record["client"]["name"] == "Анна Иванова");
    CHECK(!stylist["free"].empty());
    for (const auto& free : stylist["free"]) CHECK(free["datetime"] != slot["datetime"]);

    // No service: every employee, no free starts asked; a filter keeps the chosen ones in Altegio's order.
    auto everyone = body_of(world.call("GET", "/api/v1/branches/400001/schedule?date=" + day));
    CHECK(everyone["columns"].size() == 3);
    CHECK(everyone["free_times_asked"] == false);
    for (const auto& column : everyone["columns"]) CHECK(column["free"].empty());
    auto filtered = body_of(world.call("GET", "/api/v1/branches/400001/schedule?date=" + day + "&staff_ids=5003,5002"));
    REQUIRE(filtered["columns"].size() == 2);
    CHECK(filtered["columns"][0]["staff"]["id"] == 5002);
    CHECK(filtered["columns"][1]["staff"]["id"] == 5003);

    // A day off is known and empty: the manicurist does not work on Mondays.
    std::string monday = day;
    for (int i = 0; i < 7; ++i) {
        auto civil = domain::parse_civil(monday);
        if (domain::weekday_from_days(domain::days_from_civil(civil->year, civil->month, civil->day)) == 0) break;
        monday = domain::add_days(monday, 1);
    }
    auto off = body_of(world.call("GET", "/api/v1/branches/400001/schedule?date=" + monday + "&staff_ids=5002&service_ids=7005"));
    REQUIRE(off["columns"].size() == 1);
    CHECK(off["columns"][0]["hours_known"] == true);
    CHECK(off["columns"][0]["working"].empty());
    CHECK(off["columns"][0]["free"].empty());

    auto bad = world.call("GET", "/api/v1/branches/400001/schedule?date=tomorrow");
    CHECK(bad.status == 400);
}

TEST_CASE("the catalogue lists the branch's record categories; a booking carries colour and categories into Altegio") {
    World world;
    world.install();
    auto catalog = body_of(world.call("GET", "/api/v1/branches/400001/services"));
    REQUIRE(catalog["labels"].size() == 3);   // appointment labels only, the deleted one left out
    CHECK(catalog["labels"][0]["title"] == "Первичный визит");
    CHECK(catalog["labels"][2]["title"] == "VIP");

    auto body = booking_body(first_free_slot(world), "colour-1");
    body["color"] = "9c27b0";
    body["label_ids"] = {67345, 67347};
    auto reply = world.call("POST", "/api/v1/records", body);
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    int64_t record_id = body_of(reply)["record"]["id"];
    CHECK(body_of(reply)["record"]["color"] == "9c27b0");
    Json record, state = world.sandbox_state();
    for (const auto& r : state["altegio"]["records"])
        if (r["id"] == record_id) record = r;
    CHECK(record["custom_color"] == "9c27b0");
    REQUIRE(record["record_labels"].size() == 2);
    CHECK(record["record_labels"][1]["title"] == "VIP");

    body["request_key"] = "colour-2";
    body["color"] = "red";
    CHECK(world.call("POST", "/api/v1/records", body).status == 400);   // refused before anything is sent
}

TEST_CASE("additional record fields: the admin's mapped ones are offered, checked, written into the record and the lead") {
    World world;
    world.install();
    CHECK(body_of(world.call("GET", "/api/v1/branches/400001/services"))["record_fields"].empty());   // nothing mapped yet
    auto settings = settings_of(world);
    settings.lead_fields.additional_fields[400001] = {{"referral", 880010}, {"deposit", 880011}};   // "Source", "Оплачено"
    save_settings(world, settings);

    auto catalog = body_of(world.call("GET", "/api/v1/branches/400001/services"));
    REQUIRE(catalog["record_fields"].size() == 2);   // the allergy-test date is not mapped, so not offered
    CHECK(catalog["record_fields"][0]["title"] == "Откуда узнали о нас");
    CHECK(catalog["record_fields"][1]["type"] == "number");

    auto slot = first_free_slot(world);
    auto body = booking_body(slot, "fields-bad");
    body["custom_fields"] = {{"deposit", "полторы тысячи"}};
    auto refused = world.call("POST", "/api/v1/records", body);
    CHECK(refused.status == 400);
    CHECK(body_of(refused)["error"]["message_key"] == "ui.error.field_not_number");
    body["request_key"] = "fields-unknown";
    body["custom_fields"] = {{"patch_test", "2026-12-01"}};
    CHECK(body_of(world.call("POST", "/api/v1/records", body))["error"]["message_key"] == "ui.error.field_unknown");
    CHECK(records_with_api_id(world) == 0);   // nothing was sent

    body["request_key"] = "fields-ok";
    body["custom_fields"] = {{"referral", "Instagram"}, {"deposit", "1500,50"}};
    auto reply = world.call("POST", "/api/v1/records", body);
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    int64_t record_id = body_of(reply)["record"]["id"];
    auto record_in_altegio = [&] {
        Json state = world.sandbox_state();
        for (const auto& r : state["altegio"]["records"])
            if (r["id"] == record_id) return r;
        return Json();
    };
    CHECK(record_in_altegio()["custom_fields"]["referral"] == "Instagram");
    CHECK(record_in_altegio()["custom_fields"]["deposit"] == 1500.5);   // a number field is written as a number
    auto lead = lead_in_sandbox(world, 21001);   // the mapped lead fields carry the values too
    std::map<int64_t, Json> lead_values;
    for (const auto& v : lead["custom_fields_values"]) lead_values[v["field_id"]] = v["values"][0]["value"];
    CHECK(lead_values[880010] == "Instagram");
    CHECK(lead_values[880011].dump().substr(0, 6) == "1500.5");

    // An edit may clear a value; the record's other fields stay.
    Json change{{"staff_id", 5001}, {"service_ids", {7001}}, {"datetime", slot["datetime"]}, {"comment", "Первый визит"},
                {"custom_fields", {{"deposit", ""}}}};
    auto edited = world.call("PUT", "/api/v1/branches/400001/records/" + std::to_string(record_id), change);
    REQUIRE_MESSAGE(edited.status == 200, edited.body);
    CHECK(record_in_altegio()["custom_fields"]["deposit"] == "");
    CHECK(record_in_altegio()["custom_fields"]["referral"] == "Instagram");
    CHECK(body_of(edited)["record"]["custom_fields"]["referral"] == "Instagram");
}

TEST_CASE("group events list the day's events with free seats; booking takes one seat for this lead's client, a full event none") {
    World world;
    world.install();
    std::string tomorrow = domain::add_days(world.sandbox_state()["altegio"]["records"][0]["date"].get<std::string>().substr(0, 10), 0);
    auto listed = world.call("GET", "/api/v1/branches/400001/events?date=" + tomorrow);
    REQUIRE_MESSAGE(listed.status == 200, listed.body);
    auto events = body_of(listed)["events"];
    REQUIRE(events.size() == 1);
    CHECK(events[0]["service_title"] == "Мастер-класс: укладка дома");
    CHECK(events[0]["staff_name"] == "Ольга Смирнова");
    CHECK(events[0]["capacity"] == 6);
    CHECK(events[0]["records_count"] == 0);
    CHECK(events[0]["date"].get<std::string>().ends_with(" 08:30:00"));
    int64_t event_id = events[0]["id"];

    auto seat = [&](int64_t lead, const std::string& key) {
        return world.call("POST", "/api/v1/records", Json{{"lead_id", lead}, {"company_id", 400001}, {"activity_id", event_id},
                                                         {"client", {{"name", "Гость " + key}, {"phone", "+7 900 000-00-0" + key}}},
                                                         {"request_key", "seat-" + key}});
    };
    auto first = seat(21001, "1");
    REQUIRE_MESSAGE(first.status == 200, first.body);
    auto record = body_of(first)["record"];
    CHECK(record["activity_id"] == event_id);
    CHECK(record["staff_id"] == 5001);
    CHECK(record["date"].get<std::string>() == tomorrow + " 08:30:00");
    CHECK(body_of(first)["lead_updated"] == true);
    CHECK(body_of(seat(21001, "1"))["record"]["id"] == record["id"]);   // a retried click takes no second seat
    for (int i = 2; i <= 6; ++i) REQUIRE(seat(21002, std::to_string(i)).status == 200);
    CHECK(body_of(world.call("GET", "/api/v1/branches/400001/events?date=" + tomorrow))["events"][0]["records_count"] == 6);
    auto full = seat(21003, "7");
    CHECK(full.status == 409);
    CHECK(body_of(full)["error"]["message_key"] == "ui.error.event_full");
}
