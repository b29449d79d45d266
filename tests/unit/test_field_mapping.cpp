#include <doctest/doctest.h>
#include "shared/domain/calendar.hpp"
#include "shared/domain/field_mapping.hpp"

using namespace kb::domain;
using Kind = FieldValue::Kind;

namespace {

Record sample_record() {
    Record r;
    r.id = 596792978;
    r.company_id = 400001;
    r.staff_name = "Ольга Смирнова";
    r.staff_specialization = "Стилист";
    r.services = {{1, "Стрижка", {}, 101}, {2, "Укладка", {}, 101}, {3, "Маникюр", {}, 102}};
    r.datetime = "2026-11-23T18:30:00+03:00";
    r.labels = {{55, "VIP", "ff0000"}, {56, "Первый визит", "00ff00"}};
    r.comment = "Аллергия на краску";
    r.source = "online";
    r.paid = Money{450050};
    r.custom_fields = {{"promo", "BLACKFRIDAY"}, {"unmapped", "x"}};
    return r;
}

std::vector<KommoFieldInfo> lead_fields() {
    return {{101, "text", {}},      {102, "date", {}},     {103, "text", {}},      {104, "text", {}},     {105, "text", {}},
            {106, "textarea", {}},  {107, "multiselect", {{1, "Волосы"}, {2, "Ногти"}}},
            {108, "select", {{10, "VIP"}, {11, "Обычный"}}}, {109, "textarea", {}}, {110, "select", {{20, "admin"}}},
            {111, "numeric", {}},   {112, "date_time", {}}, {113, "text", {}},     {114, "checkbox", {}}, {115, "numeric", {}}};
}

const FieldValue* value_of(const MappedFields& m, int64_t field) {
    for (const auto& v : m.values)
        if (v.field_id == field) return &v;
    return nullptr;
}

}  // namespace

TEST_CASE("record -> lead: every mapped field gets the value in the form its Kommo type needs") {
    LeadFieldMap map;
    map.record_id = 101; map.record_date = 102; map.record_time = 103; map.employee = 104; map.branch = 105;
    map.services = 106; map.service_category = 107; map.record_category = 108; map.payments_amount = 111;
    map.company_id = 113;
    map.additional_fields[400001] = {{"promo", 109}};   // an additional record field of this branch
    map.additional_fields[400002] = {{"promo", 115}};   // another branch's mapping does not apply
    auto mapped = map_record_to_lead(sample_record(), Branch{400001, "Центр", "", "", "₽"}, map, lead_fields(),
                                     {{101, "Волосы"}, {102, "Ногти"}}, 3 * 3600);
    CHECK(value_of(mapped, 101)->text == "596792978");
    CHECK(value_of(mapped, 102)->kind == Kind::integer);
    CHECK(value_of(mapped, 102)->integer == to_unix_seconds(*parse_iso_datetime("2026-11-23T00:00:00+03:00")));
    CHECK(value_of(mapped, 103)->text == "18:30");
    CHECK(value_of(mapped, 104)->text == "Ольга Смирнова");
    CHECK(value_of(mapped, 105)->text == "Центр");
    CHECK(value_of(mapped, 106)->text == "Стрижка, Укладка, Маникюр");
    CHECK(value_of(mapped, 107)->enum_ids == std::vector<int64_t>{1, 2});   // categories, each once
    CHECK(value_of(mapped, 108)->enum_ids == std::vector<int64_t>{10});     // a select takes one option
    CHECK(value_of(mapped, 109)->text == "BLACKFRIDAY");
    CHECK(value_of(mapped, 115) == nullptr);
    CHECK(value_of(mapped, 111)->text == "4500.50");                        // payments as a decimal number
    CHECK(value_of(mapped, 113)->text == "400001");
    CHECK(mapped.problems.empty());
}

TEST_CASE("one date-time field takes the start instant; the employee can carry the specialization") {
    LeadFieldMap map;
    map.record_date = 112;
    map.datetime_in_one_field = true;
    map.record_time = 103;   // ignored with the flag on
    map.employee = 104;
    map.employee_with_specialization = true;
    auto mapped = map_record_to_lead(sample_record(), Branch{}, map, lead_fields(), {}, 0);
    CHECK(value_of(mapped, 112)->integer == to_unix_seconds(*parse_iso_datetime("2026-11-23T18:30:00+03:00")));
    CHECK(value_of(mapped, 103) == nullptr);
    CHECK(value_of(mapped, 104)->text == "Ольга Смирнова (Стилист)");
}

TEST_CASE("list values the Kommo field lacks are reported, never invented; checkboxes and missing fields too") {
    LeadFieldMap map;
    map.record_source = 110;   // options: admin only
    map.record_category = 108;
    map.comment = 114;         // a checkbox
    map.branch = 999;          // no such field
    auto record = sample_record();
    record.labels = {{57, "Постоянный", ""}};
    auto mapped = map_record_to_lead(record, Branch{1, "X", "", "", ""}, map, lead_fields(), {}, 0);
    CHECK(mapped.values.empty());
    REQUIRE(mapped.problems.size() == 4);
    CHECK(mapped.problems[0] == MappingProblem{999, "ui.settings_error.field_missing", "no such Kommo field"});
    CHECK(mapped.problems[1].message_key == "ui.settings_error.value_not_in_list");
    CHECK(mapped.problems[1].detail == "Постоянный");
    CHECK(mapped.problems[2].message_key == "ui.settings_error.field_type_not_allowed");
    CHECK(mapped.problems[3].detail == "online");
}

TEST_CASE("text is cut to 256 characters on a character boundary") {
    std::string cyrillic;
    for (int i = 0; i < 300; ++i) cyrillic += "Я";
    CHECK(cut_to_kommo_text(cyrillic).size() == 512);
    CHECK(cut_to_kommo_text(std::string(256, 'a')).size() == 256);
    LeadFieldMap map;
    map.comment = 109;
    auto record = sample_record();
    record.comment = cyrillic;
    CHECK(value_of(map_record_to_lead(record, Branch{}, map, lead_fields(), {}, 0), 109)->text.size() == 512);
}

TEST_CASE("client -> contact: birthday, categories, formatted phone, visits, subscription in the branch's dates") {
    std::vector<KommoFieldInfo> fields{{201, "birthday", {}}, {202, "multiselect", {{1, "VIP"}, {2, "Новый"}}},
                                       {880001, "multitext", {}}, {203, "numeric", {}}, {204, "numeric", {}},
                                       {205, "text", {}}, {206, "text", {}}, {207, "date", {}}, {208, "date", {}},
                                       {209, "numeric", {}}, {210, "text", {}}};
    ContactFieldMap map;
    map.birthday = 201; map.category = 202; map.write_phone = true; map.phone_format = PhoneFormat::ru_brackets;
    map.visits_count = 203; map.visits_sum = 204; map.client_id = 205; map.subscription_name = 206;
    map.subscription_start = 207; map.subscription_end = 208; map.subscription_remaining = 209;
    map.additional_fields = {{400001, {{"source", 210}}}, {400002, {{"source", 205}}}};   // Madrid's mapping is not Moscow's
    ClientProfile client{169711586, "Анна", "89991234567", "", "1990-05-17", {"VIP", "Спорт"}, {{"source", "Instagram"}},
                         12, Money{3450000}, Subscription{"Йога (x10)", "2026-11-01", "2026-12-01", 7}};
    auto mapped = map_client_to_contact(client, 400001, map, fields, "7", 3 * 3600);
    CHECK(value_of(mapped, 201)->integer == to_unix_seconds(*parse_iso_datetime("1990-05-17T00:00:00+03:00")));
    CHECK(value_of(mapped, 202)->enum_ids == std::vector<int64_t>{1});
    CHECK(value_of(mapped, 880001)->text == "+7 (999) 123-45-67");
    CHECK(value_of(mapped, 880001)->enum_code == "WORK");
    CHECK(value_of(mapped, 203)->integer == 12);
    CHECK(value_of(mapped, 204)->text == "34500");
    CHECK(value_of(mapped, 205)->text == "169711586");
    CHECK(value_of(mapped, 206)->text == "Йога (x10)");
    CHECK(value_of(mapped, 207)->integer == to_unix_seconds(*parse_iso_datetime("2026-11-01T00:00:00+03:00")));
    CHECK(value_of(mapped, 208)->integer == to_unix_seconds(*parse_iso_datetime("2026-12-01T00:00:00+03:00")));
    CHECK(value_of(mapped, 209)->integer == 7);
    CHECK(value_of(mapped, 210)->text == "Instagram");
    REQUIRE(mapped.problems.size() == 1);   // "Спорт" is no option of the category field
    CHECK(mapped.problems[0].detail == "Спорт");
}

TEST_CASE("additional client fields: the client's branch's mapping, and the codes mapped for every branch") {
    std::vector<KommoFieldInfo> fields{{210, "text", {}}, {211, "text", {}}, {212, "text", {}}};
    ContactFieldMap map;
    map.additional_fields = {{0, {{"card", 212}}}, {400001, {{"source", 210}}}, {400002, {{"idioma", 211}}}};
    ClientProfile client;
    client.custom_fields = {{"source", "Instagram"}, {"idioma", "es"}, {"card", "A-17"}};
    auto moscow = map_client_to_contact(client, 400001, map, fields, "7", 0);
    CHECK(value_of(moscow, 210)->text == "Instagram");
    CHECK_FALSE(value_of(moscow, 211));
    CHECK(value_of(moscow, 212)->text == "A-17");
    auto madrid = map_client_to_contact(client, 400002, map, fields, "7", 0);
    CHECK_FALSE(value_of(madrid, 210));
    CHECK(value_of(madrid, 211)->text == "es");
    CHECK(value_of(madrid, 212)->text == "A-17");
    CHECK(map_client_to_contact(client, 0, map, fields, "7", 0).values.size() == 1);   // branch unknown: only every-branch codes
}

TEST_CASE("the start a manager wrote on the lead is read back at the branch's offset") {
    LeadFieldMap map;
    map.record_date = 102;
    map.record_time = 103;
    const int32_t moscow = 3 * 3600;
    // 2026-12-05 00:00 in Moscow is 2026-12-04 21:00 UTC.
    std::map<int64_t, std::string> values{{102, "1796418000"}, {103, "14:30"}};
    CHECK(start_from_lead(map, values, moscow, moscow) == std::optional<std::string>("2026-12-05T14:30:00+03:00"));
    values[103] = "25:00";
    CHECK_FALSE(start_from_lead(map, values, moscow, moscow));
    values.erase(103);
    CHECK_FALSE(start_from_lead(map, values, moscow, moscow));
    map.datetime_in_one_field = true;   // one date-time field: the instant itself
    values[102] = "1796470200";         // 2026-12-05 14:30 Moscow
    CHECK(start_from_lead(map, values, moscow, moscow) == std::optional<std::string>("2026-12-05T14:30:00+03:00"));
    CHECK(start_from_lead(map, values, -5 * 3600, moscow) == std::optional<std::string>("2026-12-05T06:30:00-05:00"));
    map.record_date = 0;
    CHECK_FALSE(start_from_lead(map, values, moscow, moscow));
}

TEST_CASE("a day in a date field is the branch's day in the zone Kommo shows the account's dates in") {
    LeadFieldMap map;
    map.record_date = 102;
    map.record_time = 103;
    Record late = sample_record();
    late.datetime = "2026-11-23T01:30:00+03:00";   // still 22 November in UTC
    for (int32_t kommo : {0, -5 * 3600, 3 * 3600, 9 * 3600}) {
        auto mapped = map_record_to_lead(late, Branch{}, map, lead_fields(), {}, kommo);
        // Kommo shows the field's instant at its offset: that must be 23 November, 00:00.
        CHECK(value_of(mapped, 102)->integer == days_from_civil(2026, 11, 23) * 86400 - kommo);
        CHECK(value_of(mapped, 103)->text == "01:30");
    }
    std::vector<KommoFieldInfo> fields{{201, "birthday", {}}, {207, "date", {}}};
    ContactFieldMap contact;
    contact.birthday = 201;
    contact.subscription_start = 207;
    ClientProfile client;
    client.birth_date = "1990-05-17";
    client.subscription = Subscription{"Йога", "2026-11-01", "2026-12-01", 3};
    auto in_new_york = map_client_to_contact(client, 400001, contact, fields, "7", -5 * 3600);
    CHECK(value_of(in_new_york, 201)->integer == to_unix_seconds(*parse_iso_datetime("1990-05-17T00:00:00-05:00")));
    CHECK(value_of(in_new_york, 207)->integer == to_unix_seconds(*parse_iso_datetime("2026-11-01T00:00:00-05:00")));

    // Read back: a New York branch, an account shown in Moscow time; the field holds 5 December 00:00 Moscow.
    std::map<int64_t, std::string> values{{102, std::to_string(to_unix_seconds(*parse_iso_datetime("2026-12-05T00:00:00+03:00")))},
                                          {103, "10:00"}};
    CHECK(start_from_lead(map, values, -5 * 3600, 3 * 3600) == std::optional<std::string>("2026-12-05T10:00:00-05:00"));
}

TEST_CASE("a payment's total goes into the payments field both ways, 0 included, as a number") {
    auto zero = map_paid_total(Money{0}, 111, lead_fields());
    REQUIRE(value_of(zero, 111));
    CHECK(value_of(zero, 111)->kind == Kind::decimal);
    CHECK(value_of(zero, 111)->text == "0");
    CHECK(value_of(map_paid_total(Money{150050}, 111, lead_fields()), 111)->text == "1500.50");
    auto missing = map_paid_total(Money{100}, 999, lead_fields());
    CHECK(missing.values.empty());
    REQUIRE(missing.problems.size() == 1);
    CHECK(missing.problems[0].message_key == "ui.settings_error.field_missing");
}
