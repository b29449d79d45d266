#pragma once
// The wire format of a tracked lead: what a lead-tracking service posts to the relay, and the relay's record of a
// lead as its store keeps it.
//
// POST /tracking/{key}/leads, JSON (one object, or an array of them); every member is text (numbers are taken too):
//   {"lead_id": "at-58213",                 required: the tracker's id of the lead, the same in its later posts
//    "type": "form",                        "form" | "phone" | "chat" | "offline"; required on the lead's first post
//    "project": "Bella salon site",         the tracker's project: the tag when the settings name none
//    "email": "anna@example.com", "phone": "+7 916 123-45-67", "name": "Anna",
//    "subject": "Manicure on Friday",       the deal's name
//    "message": "Can I come at 18:00?",     a note on the deal
//    "company": "Anna's studio",            the client's company
//    attribution, each optional: "date_sent" (ISO 8601 or unix seconds), "source", "traffic_type", "campaign",
//    "ad_content", "keyword", "social_network", "click_path", "city", "ip", "ga_client_id", "ym_client_id",
//    "tracker_client_id", "page_path", "browser", "country", "device_category", "mailbox"}
// Members it does not know are left alone (trackers send more than this).
#include <string>
#include <string_view>
#include "shared/domain/result.hpp"
#include "shared/domain/tracking.hpp"
#include "shared/wire/json_type.hpp"

namespace kb::wire::tracking {

constexpr size_t max_lead_id_length = 128;
constexpr size_t max_value_length = 4000;   // a click path can be long; more is not a lead

// One post. Errors name the member.
Result<domain::TrackedLeadPost> decode_post(const Json& value);
// The post as the inbox keeps it (decode_post reads it back).
Json encode_post(const domain::TrackedLeadPost& post);

Json encode_tracked_lead(const domain::TrackedLead& lead);
Result<domain::TrackedLead> decode_tracked_lead(const Json& value);

}  // namespace kb::wire::tracking
