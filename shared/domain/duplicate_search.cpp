#include "shared/domain/duplicate_search.hpp"

#include <algorithm>
#include "shared/domain/phone.hpp"

namespace kb::domain {
namespace {

std::string field_of(const KnownLead& lead, int64_t field_id) {
    auto it = lead.field_values.find(field_id);
    return it == lead.field_values.end() ? std::string() : it->second;
}

}  // namespace

DuplicateDecision find_duplicate(int64_t record_id, const std::string& client_phone, const std::vector<KnownContact>& contacts,
                                 const DuplicateSearch& settings, int64_t record_id_field, std::string_view default_country_code) {
    using Action = DuplicateDecision::Action;
    if (!settings.enabled) return {Action::create, 0, 0, "duplicate search is off"};
    if (!parse_phone(client_phone, default_country_code)) return {Action::create, 0, 0, "the record has no usable phone"};

    // 1. contacts with the same client phone
    std::vector<const KnownContact*> matching;
    for (const auto& c : contacts)
        if (std::any_of(c.phones.begin(), c.phones.end(), [&](const auto& p) { return same_client_phone(p, client_phone, default_country_code); }))
            matching.push_back(&c);
    if (matching.empty()) return {Action::create, 0, 0, "no contact has this phone"};

    std::vector<std::pair<const KnownLead*, int64_t>> suitable;   // lead, its contact
    size_t in_stages = 0, meeting_conditions = 0;
    for (const KnownContact* contact : matching) {
        for (const auto& lead : contact->leads) {
            // 2. in one of the chosen stages
            bool stage_ok = std::any_of(settings.statuses.begin(), settings.statuses.end(), [&](const StageRef& s) {
                return s.status_id == lead.status_id && (s.pipeline_id == 0 || s.pipeline_id == lead.pipeline_id);
            });
            if (!stage_ok) continue;
            ++in_stages;
            // 3. field conditions
            bool fields_ok = std::all_of(settings.field_conditions.begin(), settings.field_conditions.end(), [&](const FieldCondition& c) {
                return field_of(lead, c.field_id).empty() != c.must_be_filled;
            });
            if (!fields_ok) continue;
            ++meeting_conditions;
            // 4. not already holding another record
            std::string held = record_id_field ? field_of(lead, record_id_field) : std::string();
            bool free = held.empty() || (settings.accept_matching_record_id && held == std::to_string(record_id));
            if (free) suitable.emplace_back(&lead, contact->id);
        }
    }
    int64_t contact_id = matching.front()->id;
    if (suitable.empty()) {
        std::string why = in_stages == 0            ? "no lead of the contact is in a chosen stage"
                          : meeting_conditions == 0 ? "no lead in a chosen stage meets the field conditions"
                                                    : "every suitable lead already holds another record";
        return {Action::create, 0, contact_id, why};
    }
    // 5. newest or oldest; equal times fall back to the id, so the choice never depends on order
    auto newer = [](const auto& a, const auto& b) {
        return a.first->created_at != b.first->created_at ? a.first->created_at > b.first->created_at : a.first->id > b.first->id;
    };
    auto chosen = settings.merge_into == MergeInto::newest ? *std::min_element(suitable.begin(), suitable.end(), newer)
                                                           : *std::max_element(suitable.begin(), suitable.end(), newer);
    return {Action::merge, chosen.first->id, chosen.second,
            "merge into the " + std::string(settings.merge_into == MergeInto::newest ? "newest" : "oldest") + " of " +
                std::to_string(suitable.size()) + " suitable lead(s)"};
}

}  // namespace kb::domain
