#pragma once
// Values typed into a branch's additional record fields, checked before anything is written to Altegio.
// Usage:
//   auto ok = kb::domain::check_record_field_values({{"deposit", "1500"}}, fields);   // fields: the branch's mapped ones
#include <map>
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"
#include "shared/domain/result.hpp"

namespace kb::domain {

// Every code must be one of `fields`; a "number" field takes a decimal number ("1500", "-2.5", "1,5"), a "date"
// field a date "YYYY-MM-DD"; an empty value is always allowed (it clears the field). The first problem wins,
// with a message key naming it.
Result<void> check_record_field_values(const std::map<std::string, std::string>& values, const std::vector<RecordField>& fields);

}  // namespace kb::domain
