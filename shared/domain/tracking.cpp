#include "shared/domain/tracking.hpp"

#include <algorithm>

namespace kb::domain {

// [SECTION] names ------------------------------------------------------------------------------------------------
namespace {

template <typename Enum, size_t N>
std::optional<Enum> named(std::string_view name, const Enum (&all)[N], const char* (*name_of)(Enum)) {
    for (Enum value : all)
        if (name == name_of(value)) return value;
    return std::nullopt;
}

constexpr TrackingState all_tracking_states[] = {TrackingState::fresh, TrackingState::ignored, TrackingState::searching,
                                                 TrackingState::linked, TrackingState::expired};

}  // namespace

const char* tracked_lead_type_name(TrackedLeadType type) {
    switch (type) {
        case TrackedLeadType::form: return "form";
        case TrackedLeadType::phone: return "phone";
        case TrackedLeadType::chat: return "chat";
        case TrackedLeadType::offline: return "offline";
    }
    return "form";
}
std::optional<TrackedLeadType> tracked_lead_type_named(std::string_view name) {
    return named(name, all_tracked_lead_types, tracked_lead_type_name);
}

EntityModes LeadTracking::modes_for(TrackedLeadType type) const {
    auto found = modes.find(type);
    return found == modes.end() ? EntityModes{} : found->second;
}

const char* tracking_param_name(TrackingParam param) {
    switch (param) {
        case TrackingParam::date_sent: return "date_sent";
        case TrackingParam::source: return "source";
        case TrackingParam::traffic_type: return "traffic_type";
        case TrackingParam::campaign: return "campaign";
        case TrackingParam::ad_content: return "ad_content";
        case TrackingParam::keyword: return "keyword";
        case TrackingParam::social_network: return "social_network";
        case TrackingParam::click_path: return "click_path";
        case TrackingParam::city: return "city";
        case TrackingParam::ip: return "ip";
        case TrackingParam::ga_client_id: return "ga_client_id";
        case TrackingParam::ym_client_id: return "ym_client_id";
        case TrackingParam::tracker_client_id: return "tracker_client_id";
        case TrackingParam::page_path: return "page_path";
        case TrackingParam::browser: return "browser";
        case TrackingParam::country: return "country";
        case TrackingParam::device_category: return "device_category";
        case TrackingParam::mailbox: return "mailbox";
    }
    return "source";
}
std::optional<TrackingParam> tracking_param_named(std::string_view name) { return named(name, all_tracking_params, tracking_param_name); }

const char* tracking_state_name(TrackingState state) {
    switch (state) {
        case TrackingState::fresh: return "fresh";
        case TrackingState::ignored: return "ignored";
        case TrackingState::searching: return "searching";
        case TrackingState::linked: return "linked";
        case TrackingState::expired: return "expired";
    }
    return "fresh";
}
std::optional<TrackingState> tracking_state_named(std::string_view name) { return named(name, all_tracking_states, tracking_state_name); }

// [SECTION] rules ------------------------------------------------------------------------------------------------
bool merge_post(TrackedLead& lead, const TrackedLeadPost& post) {
    auto take = [](std::string& known, const std::string& sent) {
        if (!sent.empty()) known = sent;
    };
    take(lead.project, post.project);
    take(lead.email, post.email);
    take(lead.phone, post.phone);
    take(lead.name, post.name);
    take(lead.subject, post.subject);
    take(lead.message, post.message);
    take(lead.company, post.company);
    bool changed = false;
    for (const auto& [param, value] : post.params) {
        if (value.empty()) continue;
        auto& known = lead.params[param];
        if (known != value) changed = true;
        known = value;
    }
    return changed;
}

namespace {

bool window_over(const TrackedLead& lead, int64_t now_ms) { return now_ms > lead.first_seen_ms + tracking_window_ms; }

}  // namespace

TrackingPlan plan_tracked_post(const TrackedLead& lead, bool attribution_changed, const LeadTracking& settings, int64_t now_ms) {
    switch (lead.state) {
        case TrackingState::ignored:
            return {TrackingStep::nothing, std::string("ignored: lead type ") + tracked_lead_type_name(lead.type) + " is not used"};
        case TrackingState::expired:
            return {TrackingStep::nothing, "not written: no deal was found within three hours"};
        case TrackingState::fresh:
            break;
        case TrackingState::searching:
            if (window_over(lead, now_ms)) return {TrackingStep::expired, "not written: no deal was found within three hours"};
            return {TrackingStep::search, ""};
        case TrackingState::linked:
            if (window_over(lead, now_ms)) return {TrackingStep::expired, "not written: attribution came more than three hours after the lead"};
            if (!attribution_changed) return {TrackingStep::nothing, "nothing new to write"};
            if (lead.deal_id == 0 && lead.contact_id == 0 && lead.company_id == 0)
                return {TrackingStep::nothing, "nothing was made or found for the lead: its attribution is not written"};
            return {TrackingStep::update, ""};
    }
    if (std::find(settings.types.begin(), settings.types.end(), lead.type) == settings.types.end())
        return {TrackingStep::ignore_type, std::string("ignored: lead type ") + tracked_lead_type_name(lead.type) + " is not used"};
    if (window_over(lead, now_ms)) return {TrackingStep::expired, "not written: the lead is more than three hours old"};
    return {lead.modes.deal == TrackingMode::find ? TrackingStep::search : TrackingStep::create, ""};
}

TrackingPlan plan_search(const TrackedLead& lead, int64_t now_ms) {
    if (lead.state != TrackingState::searching) return {TrackingStep::nothing, "no search pending"};
    if (window_over(lead, now_ms)) return {TrackingStep::expired, "not written: no deal was found within three hours"};
    return {TrackingStep::search, ""};
}

int64_t next_search_at(int64_t first_seen_ms, int64_t now_ms) {
    const int64_t end = first_seen_ms + tracking_window_ms;
    if (now_ms >= end) return 0;
    int64_t age = now_ms - first_seen_ms;
    int64_t pause = age < 10 * 60 * 1000 ? 3000 : age < 60 * 60 * 1000 ? 30000 : 120000;
    return std::min(now_ms + pause, end);
}

bool ga_blocks(const std::string& deal_ga_value, const TrackedLead& lead) {
    if (deal_ga_value.empty()) return false;
    auto own = lead.params.find(TrackingParam::ga_client_id);
    auto written = lead.written.find(TrackingParam::ga_client_id);
    bool ours = (own != lead.params.end() && own->second == deal_ga_value) ||
                (written != lead.written.end() && written->second == deal_ga_value);
    return !ours;
}

MappedFields attribution_values(const TrackedLead& lead, const std::map<TrackingParam, int64_t>& targets,
                                const std::vector<KommoFieldInfo>& fields, bool only_new) {
    std::map<TrackingParam, std::string> values;
    for (const auto& [param, value] : lead.params) {
        auto written = lead.written.find(param);
        if (only_new && written != lead.written.end() && written->second == value) continue;
        values[param] = value;
    }
    return map_attribution_to_lead(values, targets, fields);
}

std::string tracking_tag(const TrackedLead& lead, const LeadTracking& settings) {
    return settings.tag.empty() ? lead.project : settings.tag;
}

}  // namespace kb::domain
