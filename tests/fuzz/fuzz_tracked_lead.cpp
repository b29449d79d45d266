// A tracker's posts come from the network: decoding them, folding them into a lead, planning what is due and mapping
// its attribution into deal fields must never crash, and what the store keeps must read back the same.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "shared/wire/json_read.hpp"
#include "shared/wire/tracking.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto json = kb::wire::parse_json(body);
    if (!json) return 0;
    const kb::wire::Json items = json->is_array() ? *json : kb::wire::Json::array({*json});
    kb::domain::LeadTracking settings;
    settings.fields = {{kb::domain::TrackingParam::date_sent, 1}, {kb::domain::TrackingParam::source, 2},
                       {kb::domain::TrackingParam::ga_client_id, 3}};
    const std::vector<kb::domain::KommoFieldInfo> fields = {{1, "date_time", {}}, {2, "select", {{7, "google"}}}, {3, "text", {}}};
    kb::domain::TrackedLead lead;
    lead.first_seen_ms = 1'790'000'000'000;
    for (const auto& item : items) {
        auto post = kb::wire::tracking::decode_post(item);
        if (!post) continue;
        if (lead.lead_id.empty() && post->type) {
            lead.lead_id = post->lead_id;
            lead.type = *post->type;
        }
        bool changed = kb::domain::merge_post(lead, *post);
        (void)kb::domain::plan_tracked_post(lead, changed, settings, lead.first_seen_ms + static_cast<int64_t>(size) * 1000);
        (void)kb::domain::attribution_values(lead, settings.fields, fields, size % 2 == 0);
        (void)kb::domain::ga_blocks(post->email, lead);
        if (lead.lead_id.empty()) continue;
        auto stored = kb::wire::tracking::decode_tracked_lead(kb::wire::tracking::encode_tracked_lead(lead));
        if (!stored || !(*stored == lead)) __builtin_trap();
        if (!(kb::wire::tracking::decode_post(kb::wire::tracking::encode_post(*post)).value() == *post)) __builtin_trap();
    }
    return 0;
}
