#include "shared/wire/tracking.hpp"

#include "shared/wire/json_read.hpp"
#include "shared/wire/settings.hpp"

namespace kb::wire::tracking {
namespace {

Error bad(const std::string& path, const std::string& what) { return Error{Errc::bad_input, "ui.error.bad_webhook", path + ": " + what}; }

// The members that are plain text, and where they go.
struct TextMember {
    const char* key;
    std::string domain::TrackedLeadPost::*post;
    std::string domain::TrackedLead::*lead;
};
constexpr TextMember text_members[] = {
    {"project", &domain::TrackedLeadPost::project, &domain::TrackedLead::project},
    {"email", &domain::TrackedLeadPost::email, &domain::TrackedLead::email},
    {"phone", &domain::TrackedLeadPost::phone, &domain::TrackedLead::phone},
    {"name", &domain::TrackedLeadPost::name, &domain::TrackedLead::name},
    {"subject", &domain::TrackedLeadPost::subject, &domain::TrackedLead::subject},
    {"message", &domain::TrackedLeadPost::message, &domain::TrackedLead::message},
    {"company", &domain::TrackedLeadPost::company, &domain::TrackedLead::company},
};

Json params_json(const std::map<domain::TrackingParam, std::string>& params) {
    Json out = Json::object();
    for (const auto& [param, value] : params) out[domain::tracking_param_name(param)] = value;
    return out;
}

void read_params(const Json& object, std::map<domain::TrackingParam, std::string>& out) {
    for (auto param : domain::all_tracking_params)
        if (std::string value = read_text(object, domain::tracking_param_name(param)); !value.empty()) out[param] = value;
}

}  // namespace

Result<domain::TrackedLeadPost> decode_post(const Json& value) {
    if (!value.is_object()) return tl::unexpected(bad("lead", "expected an object"));
    domain::TrackedLeadPost post;
    post.lead_id = read_text(value, "lead_id");
    if (post.lead_id.empty()) return tl::unexpected(bad("lead_id", "missing"));
    if (post.lead_id.size() > max_lead_id_length) return tl::unexpected(bad("lead_id", "longer than 128 characters"));
    if (std::string type = read_text(value, "type"); !type.empty()) {
        post.type = domain::tracked_lead_type_named(type);
        if (!post.type) return tl::unexpected(bad("type", "expected form, phone, chat or offline"));
    }
    for (const auto& m : text_members) post.*m.post = read_text(value, m.key);
    read_params(value, post.params);
    for (const auto& m : text_members)
        if ((post.*m.post).size() > max_value_length) return tl::unexpected(bad(m.key, "longer than 4000 characters"));
    for (const auto& [param, text] : post.params)
        if (text.size() > max_value_length) return tl::unexpected(bad(domain::tracking_param_name(param), "longer than 4000 characters"));
    if (!post.email.empty() && post.email.find('@') == std::string::npos) return tl::unexpected(bad("email", "not an email address"));
    return post;
}

Json encode_post(const domain::TrackedLeadPost& post) {
    Json out = params_json(post.params);
    out["lead_id"] = post.lead_id;
    if (post.type) out["type"] = domain::tracked_lead_type_name(*post.type);
    for (const auto& m : text_members)
        if (!(post.*m.post).empty()) out[m.key] = post.*m.post;
    return out;
}

Json encode_tracked_lead(const domain::TrackedLead& lead) {
    Json out{{"lead_id", lead.lead_id},
             {"type", domain::tracked_lead_type_name(lead.type)},
             {"params", params_json(lead.params)},
             {"first_seen_ms", lead.first_seen_ms},
             {"modes", wire::encode_entity_modes(lead.modes)},
             {"state", domain::tracking_state_name(lead.state)},
             {"deal_id", lead.deal_id},
             {"contact_id", lead.contact_id},
             {"company_id", lead.company_id},
             {"written", params_json(lead.written)},
             {"next_search_ms", lead.next_search_ms},
             {"searches", lead.searches},
             {"message_noted", lead.message_noted},
             {"contact_sent", lead.contact_sent},
             {"company_sent", lead.company_sent},
             {"marker", lead.marker}};
    for (const auto& m : text_members) out[m.key] = lead.*m.lead;
    return out;
}

Result<domain::TrackedLead> decode_tracked_lead(const Json& value) {
    if (!value.is_object()) return fail(Errc::internal, "ui.error.storage", "tracked lead: expected an object");
    domain::TrackedLead lead;
    lead.lead_id = read_text(value, "lead_id");
    auto type = domain::tracked_lead_type_named(read_text(value, "type"));
    auto state = domain::tracking_state_named(read_text(value, "state"));
    if (lead.lead_id.empty() || !type || !state) return fail(Errc::internal, "ui.error.storage", "tracked lead: id, type or state unreadable");
    lead.type = *type;
    lead.state = *state;
    if (const Json* modes = member(value, "modes")) lead.modes = wire::decode_entity_modes(*modes);
    else if (read_text(value, "mode") == "find") lead.modes = {domain::TrackingMode::find, domain::TrackingMode::find, domain::TrackingMode::off};   // kept before per-type modes
    for (const auto& m : text_members) lead.*m.lead = read_text(value, m.key);
    if (const Json* params = member(value, "params")) read_params(*params, lead.params);
    if (const Json* written = member(value, "written")) read_params(*written, lead.written);
    for (auto [key, target] : {std::pair{"first_seen_ms", &lead.first_seen_ms}, {"deal_id", &lead.deal_id},
                               {"contact_id", &lead.contact_id}, {"company_id", &lead.company_id},
                               {"next_search_ms", &lead.next_search_ms}}) {
        auto n = read_int_or(value, key, key, 0);
        if (!n) return tl::unexpected(n.error());
        *target = *n;
    }
    auto searches = read_int_or(value, "searches", "searches", 0);
    if (!searches) return tl::unexpected(searches.error());
    lead.searches = static_cast<int32_t>(*searches);
    lead.message_noted = read_flag(value, "message_noted");
    lead.marker = read_text(value, "marker");
    lead.contact_sent = read_flag(value, "contact_sent");
    lead.company_sent = read_flag(value, "company_sent");
    return lead;
}

}  // namespace kb::wire::tracking
