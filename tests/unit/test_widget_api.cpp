#include <doctest/doctest.h>
#include "fixture.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/widget_api.hpp"

using namespace kb;
using namespace kb::wire;

TEST_CASE("the booking request round-trips and its JSON is pinned by a golden file") {
    domain::BookingRequest request;
    request.lead_id = 21001;
    request.company_id = 400001;
    request.staff_id = 5001;
    request.service_ids = {7001, 7002};
    request.datetime = "2026-11-23T10:00:00+03:00";
    request.client = {"Анна Иванова", "+7 999 123-45-67", "anna@example.ru"};
    request.comment = "Первый визит";
    request.color = "f44336";
    request.label_ids = {67345};
    request.request_key = "k-123";
    request.custom_fields = {{"deposit", "1500"}};
    Json encoded = api::encode(request);
    auto golden = parse_json(read_fixture(KB_OWN_FIXTURES "/widget_api/booking_request.json"));
    REQUIRE(golden);
    CHECK(encoded == *golden);
    auto decoded = api::decode_booking_request(encoded);
    REQUIRE(decoded);
    CHECK(decoded->service_ids == request.service_ids);
    CHECK(decoded->client.name == "Анна Иванова");
    CHECK(decoded->color == "f44336");
    CHECK(decoded->label_ids == std::vector<int64_t>{67345});
    CHECK(decoded->request_key == "k-123");
    CHECK(decoded->custom_fields.at("deposit") == "1500");
    CHECK_FALSE(api::decode_booking_request(Json{{"lead_id", 1}, {"company_id", 2}, {"custom_fields", {{"deposit", 1500}}}}));   // values are text
}

TEST_CASE("a malformed booking request is refused with the path of the bad value") {
    auto bad = api::decode_booking_request(*parse_json(R"({"lead_id":1,"company_id":2,"service_ids":[1,"x"]})"));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Errc::bad_input);
    CHECK(bad.error().message_key == "ui.error.bad_request");
    CHECK(bad.error().detail.find("service_ids[1]") != std::string::npos);
    CHECK_FALSE(api::decode_booking_request(*parse_json(R"({"company_id":2})")));
    CHECK_FALSE(api::decode_booking_request(*parse_json("[]")));
}

TEST_CASE("card context, catalogue and booking result survive the trip from relay to widget") {
    api::CardContext card{21001, "Стрижка", {"María", "+34600111222", "m@example.es"}, {{400001, "Centro", "Gran Vía 1", "Europe/Madrid", "€"}}};
    auto card_back = api::decode_card_context(api::encode(card));
    REQUIRE(card_back);
    CHECK(card_back->branches[0].timezone_name == "Europe/Madrid");
    CHECK(card_back->contact.phone == "+34600111222");

    api::Catalog catalog{{{1, "Hair", 0}}, {{7001, "Cut", 1, {150000}, {200000}, 3600}}};
    auto catalog_back = api::decode_catalog(api::encode(catalog));
    REQUIRE(catalog_back);
    CHECK(catalog_back->services[0].price_max.minor == 200000);

    api::BookingResult result;
    result.record.id = 9;
    result.record.attendance = domain::Attendance::confirmed;
    result.record.services = {{7001, "Cut", {150000}}};
    result.record.client = domain::ClientData{"María", "+34600111222", ""};
    result.branch_title = "Centro";
    result.lead_updated = true;
    auto result_back = api::decode_booking_result(api::encode(result));
    REQUIRE(result_back);
    CHECK(result_back->record.attendance == domain::Attendance::confirmed);
    CHECK(result_back->record.services[0].cost.minor == 150000);
    CHECK(result_back->lead_updated);

    auto error = api::decode_api_error(api::encode(api::to_api_error(Error{Errc::conflict, "ui.error.slot_taken", "433"})));
    REQUIRE(error);
    CHECK(error->code == "conflict");
    CHECK(error->message_key == "ui.error.slot_taken");
}

TEST_CASE("record log rows and the client summary survive the trip from relay to widget") {
    api::RecordRow row;
    row.record.id = 901;
    row.record.company_id = 400001;
    row.record.deleted = true;
    row.record.attendance = domain::Attendance::did_not_come;
    row.record.paid = domain::Money{150050};
    row.record.labels = {{3, "VIP", "#ff0000"}};
    row.record.activity_id = 55;
    row.branch_title = "Centro";
    row.currency = "€";
    row.lead_id = 21001;
    auto log_back = api::decode_record_log(api::encode(api::RecordLog{{row}, true, false}));
    REQUIRE(log_back);
    CHECK(log_back->truncated);
    CHECK_FALSE(log_back->go_to_lead_button);
    REQUIRE(log_back->rows.size() == 1);
    const auto& back = log_back->rows[0];
    CHECK(back.lead_id == 21001);
    CHECK(back.record.deleted);
    CHECK(back.record.attendance == domain::Attendance::did_not_come);
    CHECK(back.record.paid.minor == 150050);
    CHECK(back.record.labels[0].title == "VIP");
    CHECK(back.record.activity_id == 55);
    CHECK(back.currency == "€");

    api::ClientSummary summary;
    summary.found = true;
    summary.company_id = 400001;
    summary.client.name = "María";
    summary.client.visits_count = 7;
    summary.client.visits_sum = domain::Money{1250000};
    summary.client.subscription = domain::Subscription{"Yoga 10", "2026-11-01", "2027-01-01", 6};
    auto summary_back = api::decode_client_summary(api::encode(summary));
    REQUIRE(summary_back);
    CHECK(summary_back->found);
    CHECK(summary_back->client.visits_count == 7);
    CHECK(summary_back->client.visits_sum.minor == 1250000);
    REQUIRE(summary_back->client.subscription);
    CHECK(summary_back->client.subscription->remaining == 6);
    CHECK(summary_back->client.subscription->end_date == "2027-01-01");

    auto empty = api::decode_client_summary(api::encode(api::ClientSummary{}));
    REQUIRE(empty);
    CHECK_FALSE(empty->found);
    CHECK_FALSE(empty->client.subscription);
    CHECK_FALSE(api::decode_record_log(wire::Json{{"records", {{{"branch_title", "x"}}}}}));   // a row without its record
}
