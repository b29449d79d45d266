#pragma once
// What a record writes into the Kommo lead, and a client into the Kommo contact: the exact custom field
// values to send, given the admin's mapping and the Kommo fields' types. Text is cut to Kommo's 256
// characters; list fields take only values the Kommo field has (others are reported, never invented);
// dates are the branch's wall-clock dates.
// A Kommo date field (date, birthday) holds a day as the unix time of its midnight, and Kommo shows it in the
// account's time zone: `kommo_offset_seconds` is that zone's UTC offset (Kommo's datetime_settings), so a record on
// 5 December at a Moscow branch reads 5 December in an account kept in UTC or in New York too.
// Usage:
//   auto mapped = map_record_to_lead(record, branch, settings.lead_fields, kommo_lead_fields, titles, kommo_offset);
//   // mapped.values -> kb::wire::kommo::encode_custom_fields(mapped.values); mapped.problems -> history
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"
#include "shared/domain/settings.hpp"

namespace kb::domain {

struct FieldValue {
    enum class Kind { text, integer, decimal, enum_ids };   // decimal: `text` holds digits like "1500.5", sent as a number
    int64_t field_id = 0;
    Kind kind = Kind::text;
    std::string text;
    int64_t integer = 0;                 // numbers and dates (unix seconds)
    std::vector<int64_t> enum_ids;
    std::string enum_code;               // for multitext fields (PHONE, EMAIL): "WORK"
    friend bool operator==(const FieldValue&, const FieldValue&) = default;
};

struct MappingProblem {
    int64_t field_id = 0;
    std::string message_key;             // "ui.settings_error.*"
    std::string detail;
    friend bool operator==(const MappingProblem&, const MappingProblem&) = default;
};

struct MappedFields {
    std::vector<FieldValue> values;
    std::vector<MappingProblem> problems;
};

constexpr size_t kommo_text_limit = 256;
std::string cut_to_kommo_text(std::string text);   // on a UTF-8 boundary

MappedFields map_record_to_lead(const Record& record, const Branch& branch, const LeadFieldMap& map,
                                const std::vector<KommoFieldInfo>& kommo_fields,
                                const std::map<int64_t, std::string>& service_category_titles, int32_t kommo_offset_seconds);

// A payment's effect: the record's total paid into the lead's payments field, 0 included (map_record_to_lead
// leaves a total of 0 out, as a record event does not read the record's payments).
MappedFields map_paid_total(Money total, int64_t field, const std::vector<KommoFieldInfo>& kommo_fields);

// The other way: the start a manager set in the lead's date and time fields (or the one date-time field), as
// ISO 8601 at the branch's offset; none when those fields are not mapped, empty or unreadable.
// `values` holds the lead's field values as text (dates as unix seconds, as Kommo gives them); a date field's day
// is read in the Kommo account's zone, as the manager saw it.
std::optional<std::string> start_from_lead(const LeadFieldMap& map, const std::map<int64_t, std::string>& values,
                                           int32_t branch_offset_seconds, int32_t kommo_offset_seconds);

// `branch_id`: the branch the client event came from, whose additional client fields apply (besides branch 0's).
MappedFields map_client_to_contact(const ClientProfile& client, int64_t branch_id, const ContactFieldMap& map,
                                   const std::vector<KommoFieldInfo>& kommo_fields, std::string_view default_country_code,
                                   int32_t kommo_offset_seconds);

// A tracked lead's attribution into the deal fields the admin chose (`fields`: parameter -> Kommo field). The date
// sent goes to a date field as a date (ISO 8601 or unix seconds), to a text field as sent.
MappedFields map_attribution_to_lead(const std::map<TrackingParam, std::string>& values, const std::map<TrackingParam, int64_t>& fields,
                                     const std::vector<KommoFieldInfo>& kommo_fields);

}  // namespace kb::domain
