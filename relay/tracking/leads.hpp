#pragma once
// Tracked leads, from a lead-tracking service's posts to Kommo deals (shared/domain/tracking.hpp has the rules).
//
// Intake (relay/hooks/intake.cpp, POST /tracking/{key}/leads, the installation's webhook key): each post becomes an
// inbox row of the account ("tracking", event "post"), in line behind the earlier posts of the same lead, so one
// lead's posts are worked one at a time on any relay; the same post twice is kept once. Refused when lead tracking
// is off in the settings.
// The work (TrackingFlow::handle, on the sync workers):
//   - what the lead type's modes say (domain::EntityModes), per entity: deal, contact and company made at once with
//     what is known (one complex add), or the contact and company the lead names found and linked to the deal made;
//     the message as a note; attribution arriving later written into all of them; a made deal carries a marker (a
//     lead field) saved before the request, so a retry after a lost answer finds it and makes no second one; a
//     contact or company made without a deal is marked as sent before its request, and a retry looks for it first
//     (by the lead's email or phone, by the company's name);
//   - deal mode find: the newest deal of the contact with the lead's email (else phone) looked for, at once and then
//     on a schedule (queue_due_searches puts due searches into the inbox: event "search"), and updated when found;
//   - nothing after three hours; a deal whose GA client id is another lead's is not updated (history:
//     "tracking.ga_skipped"); types the admin does not use are ignored (history: "tracking.ignored").
// The lead's record is saved after every step, and pending searches live in the store, so a restart loses none.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include "relay/clock.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/store/store.hpp"
#include "shared/domain/tracking.hpp"

namespace kb::tracking {

class TrackingFlow {
public:
    TrackingFlow(store::Store& store, clients::KommoClient& kommo, clients::ReferenceCache& reference, Clock clock)
        : m_store(store), m_kommo(kommo), m_reference(reference), m_clock(std::move(clock)) {}

    // The inbox rows of a tracker's post for the account, or the error that refuses it (400 bad JSON or lead, 409
    // when lead tracking is off).
    Result<std::vector<store::InboxEvent>> intake_rows(int64_t account_id, const std::string& body);
    // One inbox event of source "tracking": what it did, for the history; an error puts it back in line.
    Result<std::string> handle(const store::InboxEvent& event);
    // Puts the searches that are due into the inbox; how many were new. Called every 250 ms by the relay's loop.
    Result<int32_t> queue_due_searches();

private:
    struct Work;   // one event's account, settings and lead record
    Result<std::string> find_existing(Work& work);
    Result<std::string> create(Work& work);
    Result<std::string> search(Work& work);
    Result<std::string> update(Work& work, bool only_new);
    std::string note_message(Work& work);
    static std::string contact_key(const domain::TrackedLead& lead);
    Result<std::vector<std::pair<wire::kommo::Contact, std::vector<int64_t>>>> matching_contacts(int64_t account_id, const domain::TrackedLead& lead,
                                                                                                 const std::string& country);
    Result<int64_t> newest_deal(int64_t account_id, const domain::TrackedLead& lead, const std::string& country);
    Result<int64_t> newest_contact(Work& work);
    Result<int64_t> company_named(Work& work);
    Result<std::string> write_entity_fields(Work& work, const char* entity, int64_t id, bool only_new);
    Result<void> save(const Work& work);
    Result<void> note_in_history(const Work& work, const char* kind, const std::string& what);
    Result<std::vector<domain::FieldValue>> entity_values(Work& work, const char* entity, bool only_new);
    static constexpr const char* marker_field_code = "KB_TRACKING_MARKER";
    Result<int64_t> tracking_marker_field(int64_t account_id);
    Result<std::optional<wire::kommo::Lead>> deal_with_marker(int64_t account_id, int64_t field_id, const std::string& marker);

    store::Store& m_store;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
    Clock m_clock;
    std::mutex m_marker_mutex;
    std::map<int64_t, int64_t> m_marker_fields;   // account -> the marker field's id
};

}  // namespace kb::tracking
