#pragma once
// Which lead a changed record updates, in this order:
//   1. the linked lead, while Kommo still has it;
//   2. a lead of a contact with the client's phone whose "Record ID" field holds the record's id;
//   3. any lead whose Record ID field holds it (a manager typed it by hand, on whatever contact's lead), unless
//      `record_field_allowed` is off (a new record while the duplicate search does not accept matching ids);
//   4. the newest open lead of a contact with the client's phone;
// otherwise none, and the history says why. A lead found by phone or Record ID becomes linked.
#include <optional>
#include <string>
#include <vector>
#include "shared/domain/kommo_facts.hpp"

namespace kb::domain {

struct LeadLookupFacts {
    int64_t record_id = 0;
    std::string client_phone;                      // "" when the record has none
    int64_t linked_lead_id = 0;                    // from our links; 0 when none
    bool linked_lead_exists = false;               // Kommo still has it (not deleted)
    std::vector<KnownContact> contacts_by_phone;   // what a phone search found
    std::vector<KnownLead> leads_by_record_field;  // what a search for the record id in the Record ID field found
    int64_t record_id_field = 0;
    bool record_field_allowed = true;              // rule 3 applies (record_plan turns it off for new records, see there)
};

struct LeadLookup {
    enum class Found { linked, by_phone, by_record_field, none };
    Found found = Found::none;
    int64_t lead_id = 0;
    bool link_now = false;     // store the link (record <-> lead) from now on
    std::string reason;
};

LeadLookup find_lead_for_record(const LeadLookupFacts& facts, std::string_view default_country_code);

}  // namespace kb::domain
