#pragma once
// Which lead a changed record updates: the linked lead; if that lead is gone, a lead found by the client's
// phone; if the record has no phone, a lead whose "Record ID" field holds the record's id; otherwise none,
// and the history says why. A lead found by its Record ID field (filled by hand) becomes linked.
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
