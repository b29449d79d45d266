#include <doctest/doctest.h>
#include "shared/domain/calendar.hpp"
#include "shared/domain/lead_fields.hpp"

using namespace kb::domain;

namespace {
Record sample_record() {
    Record r;
    r.id = 596792978;
    r.staff_name = "Ольга Смирнова";
    r.staff_specialization = "Стилист";
    r.services = {{1, "Стрижка", {}}, {2, "Укладка", {}}};
    r.datetime = "2026-11-23T18:30:00+03:00";
    return r;
}
}  // namespace

TEST_CASE("a booked record fills the mapped lead fields: ID, date, time, employee, branch, services") {
    LeadFieldMap map{101, 102, 103, 104, 105, 106, false};
    auto values = lead_fields_for_record(sample_record(), Branch{1, "Центр", "", "Europe/Moscow", "₽"}, map);
    REQUIRE(values.size() == 6);
    CHECK(values[0] == FieldValue{101, FieldValue::Kind::text, "596792978", 0});
    CHECK(values[1].field_id == 102);
    CHECK(values[1].kind == FieldValue::Kind::unix_time);
    CHECK(values[1].unix_time == to_unix_seconds(*parse_iso_datetime("2026-11-23T00:00:00+03:00")));
    CHECK(values[2] == FieldValue{103, FieldValue::Kind::text, "18:30", 0});
    CHECK(values[3].text == "Ольга Смирнова");
    CHECK(values[4].text == "Центр");
    CHECK(values[5].text == "Стрижка, Укладка");
}

TEST_CASE("unmapped fields are left alone and the employee may carry the specialization") {
    LeadFieldMap map;
    map.employee = 7;
    map.employee_with_specialization = true;
    auto values = lead_fields_for_record(sample_record(), Branch{}, map);
    REQUIRE(values.size() == 1);
    CHECK(values[0].text == "Ольга Смирнова (Стилист)");
}

TEST_CASE("text longer than Kommo's 256 characters is cut on a character boundary") {
    std::string cyrillic;
    for (int i = 0; i < 300; ++i) cyrillic += "Я";
    std::string cut = cut_to_kommo_text(cyrillic);
    CHECK(cut.size() == 512);   // 256 two-byte letters
    CHECK(cut_to_kommo_text("short") == "short");
    std::string ascii(256, 'a');
    CHECK(cut_to_kommo_text(ascii) == ascii);
}
