#pragma once
// Lead tracking: leads that a web-analytics or call-tracking service saw (a form sent, a call, a chat, an offline
// visit), with where the client came from, written into Kommo deals under the admin's LeadTracking settings.
//
// A tracker posts each lead once it sees it, and again when it has learnt more of its attribution; the relay keeps
// what it knows of each lead (TrackedLead) and plan_tracked_post says what is due after a post is folded in:
//   - a lead type the admin does not use: nothing, for good;
//   - deal mode create (or off): what the type's modes make is made and what they find is looked for at once, then
//     updated with attribution learnt later;
//   - deal mode find: nothing made; the newest deal of the contact with the lead's email (or phone) is looked for,
//     again and again (next_search_at), and updated once found, and again with attribution learnt later;
//   - any mode: nothing after three hours from the first post (the tracker's window for attribution);
//   - first touch wins: a deal whose GA client id field holds another lead's id is not updated (ga_blocks).
// Usage:
//   bool changed = merge_post(lead, post);   // a fresh TrackedLead{} for the first post
//   TrackingPlan plan = plan_tracked_post(lead, changed, settings.tracking, now_ms);
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include "shared/domain/field_mapping.hpp"
#include "shared/domain/settings.hpp"

namespace kb::domain {

constexpr int64_t tracking_window_ms = 3 * 3600 * 1000;

// One post of a tracker: the first brings the lead's type and contact, a later one may bring only attribution.
struct TrackedLeadPost {
    std::string lead_id;                      // the tracker's id of the lead; later posts name the same one
    std::optional<TrackedLeadType> type;      // required on the first post
    std::string project;                      // the tracker's project (site) name: the default tag
    std::string email, phone, name, subject, message;
    std::string company;                      // the client's company, when the tracker knows it
    std::map<TrackingParam, std::string> params;
    friend bool operator==(const TrackedLeadPost&, const TrackedLeadPost&) = default;
};

enum class TrackingState {
    fresh,       // first post folded in, nothing done yet
    ignored,     // its type is not used: later posts change nothing
    searching,   // deal mode find: no deal found yet
    linked,      // what the modes make and find is done (a deal, contact or company, or nothing there was to find)
    expired,     // deal mode find: three hours passed and no deal was found
};
const char* tracking_state_name(TrackingState state);
std::optional<TrackingState> tracking_state_named(std::string_view name);

// What the relay knows of a tracked lead and what it did with it (the store keeps it whole).
struct TrackedLead {
    std::string lead_id;
    TrackedLeadType type = TrackedLeadType::form;
    std::string project, email, phone, name, subject, message, company;
    std::map<TrackingParam, std::string> params;   // the newest value of each parameter
    int64_t first_seen_ms = 0;
    EntityModes modes;                             // its type's modes at the first post; a later change does not move them
    TrackingState state = TrackingState::fresh;
    int64_t deal_id = 0, contact_id = 0, company_id = 0;
    std::map<TrackingParam, std::string> written;  // the values the deal has from the relay
    int64_t next_search_ms = 0;                    // searching: when to look again
    int32_t searches = 0;
    bool message_noted = false;                    // the message is in a note on the deal (or contact)
    bool contact_sent = false, company_sent = false;   // a contact or company sent on its own (no deal), saved before
                                                   // the request: a retry after a lost answer looks for it first
    std::string marker;                            // written into the deal it makes (a lead field), saved before the
                                                   // request: a retry finds the deal a lost answer made
    friend bool operator==(const TrackedLead&, const TrackedLead&) = default;
};

// Folds a post into the lead (a non-empty value replaces the one known; the first post sets the type and mode
// elsewhere). True when a parameter is new or changed.
bool merge_post(TrackedLead& lead, const TrackedLeadPost& post);

enum class TrackingStep {
    nothing,       // nothing new to write
    ignore_type,   // the lead's type is not used (mark it ignored)
    create,        // make (and find) the deal, contact and company the lead type's modes ask for
    search,        // look for the contact's newest deal (and update it when found)
    update,        // write the new attribution into the lead's deal, contact and company
    expired,       // the three hours are over: nothing is written any more
};
struct TrackingPlan {
    TrackingStep step = TrackingStep::nothing;
    std::string outcome;   // for the request history when nothing is written
};

// What a post (after merge_post; `attribution_changed` its result) calls for.
TrackingPlan plan_tracked_post(const TrackedLead& lead, bool attribution_changed, const LeadTracking& settings, int64_t now_ms);
// What a due search calls for: search, expired, or nothing when the lead is no longer searching.
TrackingPlan plan_search(const TrackedLead& lead, int64_t now_ms);
// When a searching lead is looked for next: every 3 s in its first ten minutes (a deal made
// meanwhile is found within the 5 s aimed at, the relay's loop queuing due looks every 250 ms), every 30 s to the first hour,
// then every 2 min, the last look at the end of the three hours. 0 when the window is over.
int64_t next_search_at(int64_t first_seen_ms, int64_t now_ms);

// First touch wins: true when the deal's GA client id field holds a value other than this lead's own.
bool ga_blocks(const std::string& deal_ga_value, const TrackedLead& lead);

// The values of the lead's parameters for one entity's fields (`targets`: the settings' deal, contact or company
// map): those the deal does not have from the relay yet (all of them when `only_new` is false), as the map sends
// them and the Kommo fields' types take them.
MappedFields attribution_values(const TrackedLead& lead, const std::map<TrackingParam, int64_t>& targets,
                                const std::vector<KommoFieldInfo>& fields, bool only_new);

// The tag of what is made or updated: the settings' tag, else the tracker's project name ("" = none).
std::string tracking_tag(const TrackedLead& lead, const LeadTracking& settings);

}  // namespace kb::domain
