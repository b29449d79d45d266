#include "shared/domain/lead_lookup.hpp"

#include "shared/domain/phone.hpp"
#include "shared/domain/status_sync.hpp"

namespace kb::domain {
namespace {

bool holds_record(const KnownLead& lead, int64_t field, int64_t record_id) {
    auto it = lead.field_values.find(field);
    return field != 0 && it != lead.field_values.end() && it->second == std::to_string(record_id);
}

bool open(const KnownLead& lead) { return lead.status_id != kommo_won_status && lead.status_id != kommo_lost_status; }

}  // namespace

LeadLookup find_lead_for_record(const LeadLookupFacts& f, std::string_view default_country_code) {
    using Found = LeadLookup::Found;
    if (f.linked_lead_id != 0 && f.linked_lead_exists) return {Found::linked, f.linked_lead_id, false, "the linked lead"};
    std::string gone = f.linked_lead_id != 0 ? "the linked lead " + std::to_string(f.linked_lead_id) + " is gone; " : "";

    if (parse_phone(f.client_phone, default_country_code)) {
        // Among the leads of contacts with this phone: the one holding this record, else the newest open one.
        const KnownLead* best = nullptr;
        for (const auto& contact : f.contacts_by_phone) {
            bool phone_matches = false;
            for (const auto& p : contact.phones) phone_matches = phone_matches || same_client_phone(p, f.client_phone, default_country_code);
            if (!phone_matches) continue;
            for (const auto& lead : contact.leads) {
                if (holds_record(lead, f.record_id_field, f.record_id)) return {Found::by_phone, lead.id, true, gone + "found by phone, holds the record"};
                if (open(lead) && (!best || lead.created_at > best->created_at || (lead.created_at == best->created_at && lead.id > best->id)))
                    best = &lead;
            }
        }
        if (best) return {Found::by_phone, best->id, true, gone + "found by phone: the newest open lead of the contact"};
        return {Found::none, 0, false, gone + "no open lead of a contact with this phone; nothing updated"};
    }
    for (const auto& lead : f.leads_by_record_field)
        if (holds_record(lead, f.record_id_field, f.record_id))
            return {Found::by_record_field, lead.id, true, gone + "found by its Record ID field"};
    return {Found::none, 0, false, gone + "the record has no phone and no lead holds its id; nothing updated"};
}

}  // namespace kb::domain
