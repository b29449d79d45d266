#pragma once
// Duplicate search when a record is created (and the option is on):
//   1. contacts whose phone matches the record's client phone (phone rules);
//   2. their leads in one of the chosen stages (any pipeline);
//   3. which meet the field conditions;
//   4. and whose "Altegio Record ID" field is empty — or holds this record's id, if that option is on;
//   5. several suitable leads: the newest or the oldest by creation, as configured;
//   6. none: a new lead.
// Usage:
//   auto d = find_duplicate(record_id, phone, contacts, settings.duplicates, settings.lead_fields.record_id, "7");
#include <string>
#include <vector>
#include "shared/domain/kommo_facts.hpp"
#include "shared/domain/settings.hpp"

namespace kb::domain {

struct DuplicateDecision {
    enum class Action { merge, create };
    Action action = Action::create;
    int64_t lead_id = 0;          // the lead to merge into
    int64_t contact_id = 0;       // the matching contact, when one was found (link the new lead to it)
    std::string reason;           // for the request history
};

DuplicateDecision find_duplicate(int64_t record_id, const std::string& client_phone, const std::vector<KnownContact>& contacts,
                                 const DuplicateSearch& settings, int64_t record_id_field, std::string_view default_country_code);

}  // namespace kb::domain
