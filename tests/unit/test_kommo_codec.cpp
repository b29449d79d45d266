#include <doctest/doctest.h>
#include "fixture.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/kommo.hpp"

using namespace kb;
using namespace kb::wire;

TEST_CASE("a real leads list decodes; null custom_fields_values means no fields") {
    auto body = parse_json(read_fixture(KB_OWN_FIXTURES "/kommo/api_v4_leads_list_response.json"));
    REQUIRE(body);
    const auto& leads = (*body)["_embedded"]["leads"];
    REQUIRE(leads.size() == 2);
    auto lead = kommo::decode_lead(leads[0]);
    REQUIRE(lead);
    CHECK(lead->id == 37948215);
    CHECK(lead->status_id == 60456946);
    CHECK(lead->pipeline_id == 7249526);
    CHECK(lead->custom_fields.empty());
    CHECK(lead->contact_ids.empty());
}

TEST_CASE("a lead's main contact comes first and field values are read as text") {
    auto lead = kommo::decode_lead(*parse_json(R"({"id":5,"status_id":1,"pipeline_id":2,
      "custom_fields_values":[{"field_id":77,"field_name":"Altegio Record ID","values":[{"value":"123"}]},
                              {"field_id":78,"field_type":"tracking_data","values":[{"value":1700000000}]}],
      "_embedded":{"contacts":[{"id":10,"is_main":false},{"id":11,"is_main":true}]}})"));
    REQUIRE(lead);
    CHECK(lead->contact_ids == std::vector<int64_t>{11, 10});
    REQUIRE(lead->custom_fields.size() == 2);
    CHECK(lead->custom_fields[0].values == std::vector<std::string>{"123"});
    CHECK(lead->custom_fields[1].values == std::vector<std::string>{"1700000000"});
}

TEST_CASE("a contact's phones and emails come from the PHONE and EMAIL multitext fields") {
    auto contact = kommo::decode_contact(*parse_json(R"({"id":3,"name":"","first_name":"María","last_name":"López",
      "custom_fields_values":[{"field_id":1,"field_code":"PHONE","values":[{"value":"+34 600 111 222","enum_code":"WORK"}]},
                              {"field_id":2,"field_code":"EMAIL","values":[{"value":"maria@example.es","enum_code":"WORK"}]}]})"));
    REQUIRE(contact);
    CHECK(contact->name == "María López");
    CHECK(contact->phones == std::vector<std::string>{"+34 600 111 222"});
    CHECK(contact->emails == std::vector<std::string>{"maria@example.es"});
}

TEST_CASE("Kommo failures map to the right codes, HTML 403 being an account block") {
    CHECK(kommo::error_from_reply(401, R"({"title":"Unauthorized","status":401,"detail":"token expired"})").code == Errc::unauthorized);
    auto blocked = kommo::error_from_reply(403, "<html><body><h1>403 Forbidden</h1>nginx</body></html>");
    CHECK(blocked.message_key == "ui.error.kommo_blocked");
    CHECK(kommo::error_from_reply(403, R"({"title":"Forbidden","status":403})").message_key == "ui.error.kommo_no_rights");
    CHECK(kommo::error_from_reply(429, "<html>Too Many Requests</html>").code == Errc::rate_limited);
    auto validation = kommo::error_from_reply(400, R"({"validation-errors":[],"title":"Bad Request","status":400,"detail":"Request validation failed"})");
    CHECK(validation.code == Errc::upstream_rejected);
    CHECK(validation.detail.find("Request validation failed") != std::string::npos);
}

TEST_CASE("token replies need both tokens") {
    auto tokens = kommo::decode_tokens(*parse_json(R"({"token_type":"Bearer","expires_in":86400,"access_token":"a","refresh_token":"r"})"));
    REQUIRE(tokens);
    CHECK(tokens->expires_in == 86400);
    CHECK_FALSE(kommo::decode_tokens(*parse_json(R"({"access_token":"a"})")));
}

TEST_CASE("custom field values encode as Kommo's custom_fields_values") {
    using Kind = domain::FieldValue::Kind;
    auto json = kommo::encode_custom_fields({{77, Kind::text, "123", 0, {}, {}},
                                             {78, Kind::integer, "", 1763856000, {}, {}},
                                             {79, Kind::enum_ids, "", 0, {5, 6}, {}},
                                             {80, Kind::text, "+79991234567", 0, {}, "WORK"}});
    CHECK(json.dump() == R"([{"field_id":77,"values":[{"value":"123"}]},{"field_id":78,"values":[{"value":1763856000}]},)"
                         R"({"field_id":79,"values":[{"enum_id":5},{"enum_id":6}]},)"
                         R"({"field_id":80,"values":[{"enum_code":"WORK","value":"+79991234567"}]}])");
}

TEST_CASE("pipelines with their stages in order, including won and lost; users with admin rights") {
    auto pipelines = kommo::decode_pipelines(*parse_json(R"({"_embedded":{"pipelines":[{"id":7700001,"_embedded":{"statuses":[
      {"id":77002,"sort":20},{"id":142,"sort":10000},{"id":143,"sort":11000}]}}]}})"));
    REQUIRE(pipelines);
    REQUIRE(pipelines->size() == 1);
    CHECK((*pipelines)[0].statuses.size() == 3);
    CHECK((*pipelines)[0].statuses[1] == std::pair<int64_t, int32_t>{142, 10000});
    CHECK_FALSE(kommo::decode_pipelines(*parse_json(R"({"_embedded":{}})")));
    auto named = kommo::decode_pipeline_list(*parse_json(R"({"_embedded":{"pipelines":[{"id":7700001,"name":"Записи","is_main":true,
      "_embedded":{"statuses":[{"id":77002,"name":"Новая заявка","sort":20},{"id":142,"name":"Успешно реализовано","sort":10000}]}}]}})"));
    REQUIRE(named);
    CHECK((*named)[0].name == "Записи");
    CHECK((*named)[0].is_main);
    CHECK((*named)[0].stages[1].name == "Успешно реализовано");
    auto users = kommo::decode_users(*parse_json(R"({"_embedded":{"users":[{"id":9001,"name":"Анна","rights":{"is_admin":true}},
      {"id":9002,"name":"Javier","rights":{"is_admin":false}}]}})"));
    REQUIRE(users);
    REQUIRE(users->size() == 2);
    CHECK_FALSE((*users)[1].is_admin);
    CHECK_FALSE(kommo::decode_users(*parse_json(R"({"_embedded":{"users":[{"name":"no id"}]}})")));
    auto user = kommo::decode_user(*parse_json(R"({"id":9001,"name":"Анна","email":"a@b.c","rights":{"is_admin":true}})"));
    REQUIRE(user);
    CHECK(user->is_admin);
}

TEST_CASE("tasks and notes encode as Kommo takes them") {
    auto task = kommo::encode_task(21001, "Confirm the visit", 1763900000, 1, 9001);
    CHECK(task["entity_type"] == "leads");
    CHECK(task["complete_till"] == 1763900000);
    CHECK(task["responsible_user_id"] == 9001);
    CHECK_FALSE(kommo::encode_task(1, "x", 2, 1, 0).contains("responsible_user_id"));
    CHECK(kommo::encode_note("Записан").dump() == R"({"note_type":"common","params":{"text":"Записан"}})");
}

TEST_CASE("field definitions keep list options; unknown field types are kept, not refused") {
    auto select = kommo::decode_field_definition(*parse_json(R"({"id":5,"name":"Source","type":"select","enums":[{"id":1,"value":"Web","sort":1}]})"));
    REQUIRE(select);
    CHECK(select->enums == std::vector<std::pair<int64_t, std::string>>{{1, "Web"}});
    auto tracking = kommo::decode_field_definition(*parse_json(R"({"id":6,"name":"utm","type":"tracking_data","enums":null})"));
    REQUIRE(tracking);
    CHECK(tracking->type == "tracking_data");
}

TEST_CASE("the account's UTC offset comes from datetime_settings; another shape or none says nothing") {
    auto with = [](Json offset) {
        return Json{{"id", 31000001}, {"_embedded", {{"datetime_settings", {{"timezone", "Europe/Moscow"}, {"timezone_offset", offset}}}}}};
    };
    CHECK(kommo::decode_utc_offset(with("+03:00")) == 3 * 3600);
    CHECK(kommo::decode_utc_offset(with("-05:30")) == -(5 * 3600 + 30 * 60));
    CHECK(kommo::decode_utc_offset(with("+00:00")) == 0);
    for (Json odd : {Json("+3"), Json("03:00"), Json("+25:00"), Json("+03:75"), Json(10800), Json()})
        CHECK_FALSE(kommo::decode_utc_offset(with(odd)).has_value());
    CHECK_FALSE(kommo::decode_utc_offset(Json{{"id", 31000001}}).has_value());   // asked without ?with=datetime_settings
    CHECK_FALSE(kommo::decode_utc_offset(Json::array()).has_value());
}
