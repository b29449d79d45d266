#include "relay/services/kommo_fields.hpp"

#include <algorithm>
#include <cctype>
#include "relay/i18n/kommo_texts.hpp"

namespace kb::services {

namespace {

using Slot = int64_t& (*)(domain::Settings&);

struct FieldSpec {
    const char* entity;   // "leads" or "contacts"
    const char* code;
    const char* name;
    const char* type;     // Kommo's field type
    Slot slot;
    FieldSet set;
};

// Types follow what each value is: dates as date fields (the booking's date becomes date_time when the admin
// keeps date and time in one field), amounts and counts as numbers, lists of names as text areas.
const FieldSpec field_specs[] = {
    {"leads", "KB_ALTEGIO_RECORD_ID", "Altegio Record ID", "text", [](domain::Settings& s) -> int64_t& { return s.lead_fields.record_id; }, FieldSet::booking},
    {"leads", "KB_ALTEGIO_DATE", "Altegio: date", "date", [](domain::Settings& s) -> int64_t& { return s.lead_fields.record_date; }, FieldSet::booking},
    {"leads", "KB_ALTEGIO_TIME", "Altegio: time", "text", [](domain::Settings& s) -> int64_t& { return s.lead_fields.record_time; }, FieldSet::booking},
    {"leads", "KB_ALTEGIO_EMPLOYEE", "Altegio: employee", "text", [](domain::Settings& s) -> int64_t& { return s.lead_fields.employee; }, FieldSet::booking},
    {"leads", "KB_ALTEGIO_BRANCH", "Altegio: branch", "text", [](domain::Settings& s) -> int64_t& { return s.lead_fields.branch; }, FieldSet::booking},
    {"leads", "KB_ALTEGIO_SERVICES", "Altegio: services", "textarea", [](domain::Settings& s) -> int64_t& { return s.lead_fields.services; }, FieldSet::booking},
    {"leads", "KB_ALTEGIO_COMPANY_ID", "Altegio: branch ID", "text", [](domain::Settings& s) -> int64_t& { return s.lead_fields.company_id; }, FieldSet::all},
    {"leads", "KB_ALTEGIO_SERVICE_CATEGORY", "Altegio: service category", "text", [](domain::Settings& s) -> int64_t& { return s.lead_fields.service_category; }, FieldSet::all},
    {"leads", "KB_ALTEGIO_RECORD_CATEGORY", "Altegio: record category", "text", [](domain::Settings& s) -> int64_t& { return s.lead_fields.record_category; }, FieldSet::all},
    {"leads", "KB_ALTEGIO_COMMENT", "Altegio: comment", "textarea", [](domain::Settings& s) -> int64_t& { return s.lead_fields.comment; }, FieldSet::all},
    {"leads", "KB_ALTEGIO_SOURCE", "Altegio: record source", "text", [](domain::Settings& s) -> int64_t& { return s.lead_fields.record_source; }, FieldSet::all},
    {"leads", "KB_ALTEGIO_PAID", "Altegio: paid", "numeric", [](domain::Settings& s) -> int64_t& { return s.lead_fields.payments_amount; }, FieldSet::all},
    {"contacts", "KB_ALTEGIO_BIRTHDAY", "Altegio: birthday", "birthday", [](domain::Settings& s) -> int64_t& { return s.contact_fields.birthday; }, FieldSet::all},
    {"contacts", "KB_ALTEGIO_CLIENT_CATEGORY", "Altegio: client category", "text", [](domain::Settings& s) -> int64_t& { return s.contact_fields.category; }, FieldSet::all},
    {"contacts", "KB_ALTEGIO_VISITS", "Altegio: visits", "numeric", [](domain::Settings& s) -> int64_t& { return s.contact_fields.visits_count; }, FieldSet::all},
    {"contacts", "KB_ALTEGIO_SPENT", "Altegio: purchases", "numeric", [](domain::Settings& s) -> int64_t& { return s.contact_fields.visits_sum; }, FieldSet::all},
    {"contacts", "KB_ALTEGIO_CLIENT_ID", "Altegio: client ID", "text", [](domain::Settings& s) -> int64_t& { return s.contact_fields.client_id; }, FieldSet::all},
    {"contacts", "KB_ALTEGIO_SUBSCRIPTION", "Altegio: subscription", "text", [](domain::Settings& s) -> int64_t& { return s.contact_fields.subscription_name; }, FieldSet::all},
    {"contacts", "KB_ALTEGIO_SUBSCRIPTION_START", "Altegio: subscription start", "date", [](domain::Settings& s) -> int64_t& { return s.contact_fields.subscription_start; }, FieldSet::all},
    {"contacts", "KB_ALTEGIO_SUBSCRIPTION_END", "Altegio: subscription end", "date", [](domain::Settings& s) -> int64_t& { return s.contact_fields.subscription_end; }, FieldSet::all},
    {"contacts", "KB_ALTEGIO_CLASSES_LEFT", "Altegio: classes left", "numeric", [](domain::Settings& s) -> int64_t& { return s.contact_fields.subscription_remaining; }, FieldSet::all},
};

}  // namespace

Result<int32_t> map_missing_fields(clients::KommoClient& kommo, int64_t account_id, domain::Settings& settings, FieldSet set) {
    std::optional<std::vector<wire::kommo::FieldDefinition>> lead_fields, contact_fields;
    int32_t filled = 0;
    for (const auto& spec : field_specs) {
        if (set == FieldSet::booking && spec.set != FieldSet::booking) continue;
        int64_t& target = spec.slot(settings);
        if (target != 0) continue;   // the admin's choice stands
        bool leads = std::string(spec.entity) == "leads";
        auto& existing = leads ? lead_fields : contact_fields;
        if (!existing) {
            auto read = leads ? kommo.lead_field_definitions(account_id) : kommo.contact_field_definitions(account_id);
            if (!read) return tl::unexpected(read.error());
            existing = std::move(*read);
        }
        auto found = std::find_if(existing->begin(), existing->end(), [&](const auto& f) { return f.code == spec.code; });
        if (found == existing->end()) {
            const bool date_and_time = &target == &settings.lead_fields.record_date && settings.lead_fields.datetime_in_one_field;
            auto created = kommo.create_field(account_id, spec.entity, spec.name, date_and_time ? "date_time" : spec.type, spec.code);
            if (!created) return tl::unexpected(created.error());
            existing->push_back(*created);
            target = created->id;
        } else {
            target = found->id;
        }
        ++filled;
    }
    return filled;
}

Result<int32_t> create_tracking_fields(clients::KommoClient& kommo, int64_t account_id, domain::LeadTracking& tracking,
                                       const std::string& language) {
    int32_t set = 0;
    for (auto [entity, map] : {std::pair{"leads", &tracking.fields}, {"contacts", &tracking.contact_fields}, {"companies", &tracking.company_fields}}) {
        std::optional<std::vector<wire::kommo::FieldDefinition>> existing;
        for (auto& [param, field_id] : *map) {
            if (field_id != domain::LeadTracking::new_field) continue;
            if (!existing) {
                const std::string which = entity;
                auto read = which == "leads" ? kommo.lead_field_definitions(account_id)
                            : which == "contacts" ? kommo.contact_field_definitions(account_id)
                                                  : kommo.company_field_definitions(account_id);
                if (!read) return tl::unexpected(read.error());
                existing = std::move(*read);
            }
            std::string code = std::string("KB_TRACK_") + domain::tracking_param_name(param);
            std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            auto found = std::find_if(existing->begin(), existing->end(), [&](const auto& f) { return f.code == code; });
            if (found != existing->end()) {
                field_id = found->id;
            } else {
                std::string name = i18n::render({"kommo.tracking_field", {{"parameter", i18n::render({std::string("ui.tracking.param.") +
                                                                                                         domain::tracking_param_name(param), {}}, language)}}},
                                                language);
                const char* type = param == domain::TrackingParam::date_sent ? "date_time" : param == domain::TrackingParam::click_path ? "textarea" : "text";
                auto created = kommo.create_field(account_id, entity, name, type, code);
                if (!created) return tl::unexpected(created.error());
                existing->push_back(*created);
                field_id = created->id;
            }
            ++set;
        }
    }
    return set;
}

}  // namespace kb::services
