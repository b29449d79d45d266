// Additional record fields: what the booking form may send, and how numbers are read.
#include <doctest/doctest.h>
#include "shared/domain/record_fields.hpp"
#include "shared/domain/text.hpp"

using namespace kb;
using namespace kb::domain;

namespace {
const std::vector<RecordField> fields{{"referral", "Откуда узнали о нас", "text"},
                                      {"deposit", "Предоплата", "number"},
                                      {"patch_test", "Дата теста", "date"}};
}

TEST_CASE("numbers are read as people type them, with a decimal point or comma") {
    CHECK(parse_decimal("1500") == 1500.0);
    CHECK(parse_decimal("1500,50") == 1500.5);
    CHECK(parse_decimal("-2.5") == -2.5);
    CHECK_FALSE(parse_decimal(""));
    CHECK_FALSE(parse_decimal("15 00"));
    CHECK_FALSE(parse_decimal("полторы"));
    CHECK_FALSE(parse_decimal("1.2.3"));
}

TEST_CASE("values go only into offered fields, numbers into number fields, dates into date fields; empty clears") {
    CHECK(check_record_field_values({{"referral", "Instagram"}, {"deposit", "1500,5"}, {"patch_test", "2026-12-01"}}, fields));
    CHECK(check_record_field_values({{"deposit", ""}, {"patch_test", ""}}, fields));
    auto unknown = check_record_field_values({{"vip_note", "x"}}, fields);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message_key == "ui.error.field_unknown");
    CHECK(check_record_field_values({{"deposit", "много"}}, fields).error().message_key == "ui.error.field_not_number");
    CHECK(check_record_field_values({{"patch_test", "01.12.2026"}}, fields).error().message_key == "ui.error.field_not_date");
    CHECK(check_record_field_values({{"patch_test", "2026-13-01"}}, fields).error().message_key == "ui.error.field_not_date");
    CHECK(check_record_field_values({{"referral", "2026-13-01"}}, fields));   // a text field takes anything
}
