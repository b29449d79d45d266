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

    // The leads of contacts with this phone: the one holding this record first, else the newest open one.
    const bool has_phone = parse_phone(f.client_phone, default_country_code).has_value();
    const KnownLead* newest_open = nullptr;
    if (has_phone) {
        for (const auto& contact : f.contacts_by_phone) {
            bool phone_matches = false;
            for (const auto& p : contact.phones) phone_matches = phone_matches || same_client_phone(p, f.client_phone, default_country_code);
            if (!phone_matches) continue;
            for (const auto& lead : contact.leads) {
                if (holds_record(lead, f.record_id_field, f.record_id)) return {Found::by_phone, lead.id, true, gone + "found by phone, holds the record"};
                if (open(lead) && (!newest_open || lead.created_at > newest_open->created_at ||
                                   (lead.created_at == newest_open->created_at && lead.id > newest_open->id)))
                    newest_open = &lead;
            }
        }
    }
    if (f.record_field_allowed)
        for (const auto& lead : f.leads_by_record_field)
            if (holds_record(lead, f.record_id_field, f.record_id))
                return {Found::by_record_field, lead.id, true, gone + "found by its Record ID field"};
    if (newest_open) return {Found::by_phone, newest_open->id, true, gone + "found by phone: the newest open lead of the contact"};
    if (has_phone) return {Found::none, 0, false, gone + "no open lead of a contact with this phone; nothing updated"};
    return {Found::none, 0, false, gone + "the record has no phone and no lead holds its id; nothing updated"};
}

}  // namespace kb::domain
