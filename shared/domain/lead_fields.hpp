#pragma once
// Which values a booked record writes into the Kommo lead's custom fields.
// Usage:
//   auto values = kb::domain::lead_fields_for_record(record, branch, settings.lead_fields);
//   // -> encode with kb::wire::encode_custom_fields(values) and PATCH the lead.
#include <cstdint>
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"

namespace kb::domain {

// Kommo custom-field ids the admin mapped (0 = not mapped, nothing is written).
struct LeadFieldMap {
    int64_t record_id = 0;
    int64_t record_date = 0;     // a Kommo "date" field: local midnight of the visit day
    int64_t record_time = 0;     // a text field: "HH:MM" branch time
    int64_t employee = 0;
    int64_t branch = 0;
    int64_t services = 0;
    bool employee_with_specialization = false;
    friend bool operator==(const LeadFieldMap&, const LeadFieldMap&) = default;
};

struct FieldValue {
    enum class Kind { text, unix_time };
    int64_t field_id = 0;
    Kind kind = Kind::text;
    std::string text;
    int64_t unix_time = 0;
    friend bool operator==(const FieldValue&, const FieldValue&) = default;
};

// Kommo text fields hold at most 256 characters; longer text is cut on a UTF-8 boundary.
constexpr size_t kommo_text_limit = 256;
std::string cut_to_kommo_text(std::string text);

std::vector<FieldValue> lead_fields_for_record(const Record& record, const Branch& branch, const LeadFieldMap& map);

}  // namespace kb::domain
