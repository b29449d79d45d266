// validate_settings: every problem of a settings document, with its path and a message key; and the two rules of
// who sees which branch (branch_connected, user_sees_branch).
#include <algorithm>
#include <set>
#include <tuple>
#include "shared/domain/settings.hpp"

namespace kb::domain {

constexpr size_t max_task_text_chars = 2000;   // a task is read in a line of the lead card
namespace {

class Checker {
public:
    explicit Checker(const SettingsContext& context) : m_context(context) {}

    void problem(std::string path, const char* key, std::string detail = {}) {
        m_problems.push_back(SettingsProblem{std::move(path), std::string("ui.settings_error.") + key, std::move(detail)});
    }
    std::vector<SettingsProblem> result() { return std::move(m_problems); }

    const KommoFieldInfo* field(const std::vector<KommoFieldInfo>& fields, int64_t id) {
        auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.id == id; });
        return it == fields.end() ? nullptr : &*it;
    }

    // A mapped field must exist, be used once, never be a checkbox or radio button, and be of an allowed type.
    void mapped(const std::string& path, int64_t id, const std::vector<KommoFieldInfo>& fields, std::set<int64_t>& used,
                std::initializer_list<const char*> allowed = {}) {
        if (id == 0) return;
        const KommoFieldInfo* f = field(fields, id);
        if (!f) return problem(path, "field_missing");
        if (!used.insert(id).second) problem(path, "field_used_twice");
        if (f->type == "checkbox" || f->type == "radiobutton") return problem(path, "field_type_not_allowed");
        if (allowed.size() != 0 && std::none_of(allowed.begin(), allowed.end(), [&](const char* t) { return f->type == t; }))
            problem(path, "field_type_mismatch");
    }

    // Additional fields per branch: each branch's fields are mapped like the others, but two branches may send their
    // own fields to the same Kommo field (a record or client comes from one branch). Branch 0 means every branch.
    void additional(const std::string& path, const std::map<int64_t, std::map<std::string, int64_t>>& per_branch,
                    const std::vector<KommoFieldInfo>& fields, const std::set<int64_t>& used_elsewhere) {
        for (const auto& [branch, codes] : per_branch) {
            std::string at = path + "." + std::to_string(branch);
            if (branch != 0 && !branch_exists(branch)) problem(at, "unknown_branch");
            std::set<int64_t> used = used_elsewhere;
            for (const auto& [code, id] : codes) mapped(at + "." + code, id, fields, used);
        }
    }

    // A Kommo list field mapped to a value: each of its options must be a text Altegio can write there.
    void list_options(const std::string& path, int64_t id, const std::vector<KommoFieldInfo>& fields, const std::vector<std::string>& altegio) {
        const KommoFieldInfo* f = id == 0 ? nullptr : field(fields, id);
        if (!f || (f->type != "select" && f->type != "multiselect")) return;
        std::string strangers;
        for (const auto& [option_id, option] : f->enums)
            if (std::find(altegio.begin(), altegio.end(), option) == altegio.end()) strangers += (strangers.empty() ? "" : ", ") + option;
        if (!strangers.empty()) problem(path, "list_value_not_in_altegio", strangers);
    }

    bool stage_exists(StageRef s) {
        for (const auto& p : m_context.pipelines)
            if (s.pipeline_id == 0 || p.id == s.pipeline_id)
                for (const auto& [status, sort] : p.statuses)
                    if (status == s.status_id) return true;
        return false;
    }
    bool pipeline_exists(int64_t id) {
        return std::any_of(m_context.pipelines.begin(), m_context.pipelines.end(), [&](const auto& p) { return p.id == id; });
    }
    bool branch_exists(int64_t id) {
        return std::find(m_context.branch_ids.begin(), m_context.branch_ids.end(), id) != m_context.branch_ids.end();
    }
    bool chain_exists(int64_t id) {
        return std::find(m_context.chain_ids.begin(), m_context.chain_ids.end(), id) != m_context.chain_ids.end();
    }

    void status_map(const std::string& path, const StatusMap& map, int64_t only_pipeline) {
        for (const auto& [state, stage] : map.targets) {
            if (stage.status_id == 0) continue;
            std::string at = path + ".targets." + record_state_name(state);
            if (!stage_exists(stage)) problem(at, "unknown_stage");
            else if (only_pipeline != 0 && stage.pipeline_id != 0 && stage.pipeline_id != only_pipeline) problem(at, "stage_outside_pipeline");
        }
    }

    void ids(const std::string& path, const std::vector<int64_t>& list, bool (Checker::*exists)(int64_t), const char* key) {
        for (size_t i = 0; i < list.size(); ++i)
            if (!(this->*exists)(list[i])) problem(path + "[" + std::to_string(i) + "]", key);
    }

    void stages(const std::string& path, const std::vector<StageRef>& list) {
        for (size_t i = 0; i < list.size(); ++i)
            if (!stage_exists(list[i])) problem(path + "[" + std::to_string(i) + "]", "unknown_stage");
    }

private:
    const SettingsContext& m_context;
    std::vector<SettingsProblem> m_problems;
};

const std::initializer_list<const char*> text_types = {"text", "textarea"};
const std::initializer_list<const char*> number_types = {"numeric", "text", "price", "monetary"};
const std::initializer_list<const char*> date_types = {"date", "date_time", "birthday"};

}  // namespace

bool maps_lists(const LeadFieldMap& map, const std::vector<KommoFieldInfo>& lead_fields) {
    for (int64_t id : {map.employee, map.branch, map.services, map.service_category, map.record_category})
        for (const auto& f : lead_fields)
            if (id != 0 && f.id == id && (f.type == "select" || f.type == "multiselect")) return true;
    return false;
}

bool branch_connected(const Settings& settings, int64_t branch_id) {
    const auto& ids = settings.connected_branch_ids;
    return ids.empty() || std::find(ids.begin(), ids.end(), branch_id) != ids.end();
}

bool branch_in_force(const Settings& settings, const std::vector<Branch>& managed, int64_t branch_id) {
    auto ids = branches_in_force(settings, managed);
    return std::find(ids.begin(), ids.end(), branch_id) != ids.end();
}

std::vector<int64_t> branches_in_force(const Settings& settings, const std::vector<Branch>& managed) {
    if (!settings.connected_branch_ids.empty()) return settings.connected_branch_ids;
    std::vector<int64_t> ids;
    for (const auto& branch : managed) ids.push_back(branch.id);
    return ids;
}

bool user_sees_branch(const UserMapping& user, int64_t branch_id, int64_t chain_id) {
    auto has = [](const std::vector<int64_t>& list, int64_t id) { return std::find(list.begin(), list.end(), id) != list.end(); };
    if (user.visible_branch_ids.empty() && user.visible_chain_ids.empty()) return true;
    return has(user.visible_branch_ids, branch_id) || (chain_id != 0 && has(user.visible_chain_ids, chain_id));
}

std::vector<SettingsProblem> validate_settings(const Settings& s, const SettingsContext& context) {
    Checker c(context);
    if (s.version > Settings::current_version) c.problem("version", "newer_version");
    bool country_ok = !s.default_country_code.empty() && s.default_country_code.size() <= 3 &&
                      std::all_of(s.default_country_code.begin(), s.default_country_code.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!country_ok) c.problem("default_country_code", "bad_country_code");
    if (s.language != "en" && s.language != "ru" && s.language != "es" && s.language != "pt") c.problem("language", "unknown_language");
    c.ids("connected_branch_ids", s.connected_branch_ids, &Checker::branch_exists, "unknown_branch");

    // [SECTION] lead and contact fields
    std::set<int64_t> lead_used, contact_used;
    const auto& l = s.lead_fields;
    const auto& lf = context.lead_fields;
    c.mapped("lead_fields.record_id", l.record_id, lf, lead_used, {"text", "numeric"});
    c.mapped("lead_fields.company_id", l.company_id, lf, lead_used, {"text", "numeric"});
    if (l.datetime_in_one_field) c.mapped("lead_fields.record_date", l.record_date, lf, lead_used, {"date_time"});
    else c.mapped("lead_fields.record_date", l.record_date, lf, lead_used, {"date", "date_time", "text"});
    if (!l.datetime_in_one_field) c.mapped("lead_fields.record_time", l.record_time, lf, lead_used, text_types);
    c.mapped("lead_fields.employee", l.employee, lf, lead_used, {"text", "textarea", "select"});
    c.mapped("lead_fields.branch", l.branch, lf, lead_used, {"text", "textarea", "select"});
    c.mapped("lead_fields.services", l.services, lf, lead_used, {"text", "textarea", "multiselect"});
    c.mapped("lead_fields.service_category", l.service_category, lf, lead_used, {"text", "textarea", "select", "multiselect"});
    c.mapped("lead_fields.record_category", l.record_category, lf, lead_used, {"text", "textarea", "select", "multiselect"});
    c.mapped("lead_fields.comment", l.comment, lf, lead_used, text_types);
    c.mapped("lead_fields.record_source", l.record_source, lf, lead_used, {"text", "textarea", "select"});
    c.mapped("lead_fields.payments_amount", l.payments_amount, lf, lead_used, number_types);
    c.additional("lead_fields.additional_fields", l.additional_fields, lf, lead_used);
    if (const auto& values = context.altegio_values) {
        std::vector<std::string> employees;
        for (const auto& e : values->employees)
            employees.push_back(l.employee_with_specialization && !e.specialization.empty() ? e.name + " (" + e.specialization + ")" : e.name);
        c.list_options("lead_fields.employee", l.employee, lf, employees);
        c.list_options("lead_fields.branch", l.branch, lf, values->branches);
        c.list_options("lead_fields.services", l.services, lf, values->services);
        c.list_options("lead_fields.service_category", l.service_category, lf, values->service_categories);
        if (values->record_categories_known) c.list_options("lead_fields.record_category", l.record_category, lf, values->record_categories);
    }
    const auto& k = s.contact_fields;
    const auto& cf = context.contact_fields;
    c.mapped("contact_fields.birthday", k.birthday, cf, contact_used, date_types);
    c.mapped("contact_fields.category", k.category, cf, contact_used, {"text", "textarea", "select", "multiselect"});
    c.mapped("contact_fields.visits_count", k.visits_count, cf, contact_used, number_types);
    c.mapped("contact_fields.visits_sum", k.visits_sum, cf, contact_used, number_types);
    c.mapped("contact_fields.client_id", k.client_id, cf, contact_used, {"text", "numeric"});
    c.mapped("contact_fields.subscription_name", k.subscription_name, cf, contact_used, text_types);
    c.mapped("contact_fields.subscription_start", k.subscription_start, cf, contact_used, date_types);
    c.mapped("contact_fields.subscription_end", k.subscription_end, cf, contact_used, date_types);
    c.mapped("contact_fields.subscription_remaining", k.subscription_remaining, cf, contact_used, number_types);
    c.additional("contact_fields.additional_fields", k.additional_fields, cf, contact_used);
    if (k.write_phone && k.phone_format == PhoneFormat::custom && std::count(k.phone_pattern.begin(), k.phone_pattern.end(), '#') < 7)
        c.problem("contact_fields.phone_pattern", "bad_phone_pattern");

    // [SECTION] users
    std::set<int64_t> users;
    for (size_t i = 0; i < s.users.size(); ++i) {
        std::string path = "users[" + std::to_string(i) + "]";
        if (!users.insert(s.users[i].kommo_user_id).second) c.problem(path + ".kommo_user_id", "user_twice");
        c.ids(path + ".visible_branch_ids", s.users[i].visible_branch_ids, &Checker::branch_exists, "unknown_branch");
        c.ids(path + ".visible_chain_ids", s.users[i].visible_chain_ids, &Checker::chain_exists, "unknown_chain");
    }

    // [SECTION] status synchronisation
    const auto& sync = s.status_sync;
    switch (sync.mode) {
        case StatusSyncMode::off: break;
        case StatusSyncMode::without_conditions: c.status_map("status_sync.map", sync.map, 0); break;
        case StatusSyncMode::single_pipeline:
            if (!c.pipeline_exists(sync.pipeline_id)) c.problem("status_sync.pipeline_id", "unknown_pipeline");
            c.status_map("status_sync.map", sync.map, sync.pipeline_id);
            break;
        case StatusSyncMode::with_conditions:
            if (sync.schemes.empty()) c.problem("status_sync.schemes", "needs_a_scheme");
            for (size_t i = 0; i < sync.schemes.size(); ++i) {
                const auto& scheme = sync.schemes[i];
                std::string path = "status_sync.schemes[" + std::to_string(i) + "]";
                if (scheme.name.empty()) c.problem(path + ".name", "scheme_needs_name");
                c.ids(path + ".conditions.pipeline_ids", scheme.conditions.pipeline_ids, &Checker::pipeline_exists, "unknown_pipeline");
                c.ids(path + ".conditions.branch_ids", scheme.conditions.branch_ids, &Checker::branch_exists, "unknown_branch");
                c.status_map(path + ".map", scheme.map, 0);
            }
            c.status_map("status_sync.fallback", sync.fallback, 0);
            break;
    }

    // [SECTION] duplicate search and automation
    if (s.duplicates.enabled) {
        if (s.duplicates.statuses.empty()) c.problem("duplicates.statuses", "needs_stages");
        c.stages("duplicates.statuses", s.duplicates.statuses);
        if (s.lead_fields.record_id == 0) c.problem("duplicates.enabled", "needs_record_id_field");
        for (size_t i = 0; i < s.duplicates.field_conditions.size(); ++i) {
            int64_t id = s.duplicates.field_conditions[i].field_id;
            std::string at = "duplicates.field_conditions[" + std::to_string(i) + "].field_id";
            if (id == 0) c.problem(at, "needs_field");   // added in the page, never chosen
            else if (!c.field(lf, id)) c.problem(at, "field_missing");
        }
    }
    const auto& a = s.automation;
    int32_t fewest_minutes = a.task_deadline == TaskDeadline::before_start ? 0 : 1;   // 0 before the start: at the start
    if (a.task_on_new_record && (a.task_due_minutes < fewest_minutes || a.task_due_minutes > 60 * 24 * 30))
        c.problem("automation.task_due_minutes", "out_of_range");
    size_t task_text_chars = static_cast<size_t>(
        std::count_if(a.task_text.begin(), a.task_text.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
    if (task_text_chars > max_task_text_chars) c.problem("automation.task_text", "text_too_long");
    c.stages("automation.stages_hiding_records_window", a.stages_hiding_records_window);
    for (size_t i = 0; i < a.stage_triggers.size(); ++i) {
        std::string at = "automation.stage_triggers[" + std::to_string(i) + "]";
        if (!c.stage_exists(a.stage_triggers[i].stage)) c.problem(at, "unknown_stage");
        for (size_t j = 0; j < i; ++j)
            if (a.stage_triggers[j].stage == a.stage_triggers[i].stage) c.problem(at, "stage_twice");
    }
    c.ids("automation.pipelines_showing_record_log", a.pipelines_showing_record_log, &Checker::pipeline_exists, "unknown_pipeline");
    if (a.new_lead_status_id != 0 && !c.stage_exists(StageRef{a.new_lead_pipeline_id, a.new_lead_status_id}))
        c.problem("automation.new_lead_status_id", "unknown_stage");
    // [SECTION] lead tracking
    const auto& t = s.tracking;
    if (t.enabled && t.types.empty()) c.problem("tracking.types", "needs_lead_type");
    for (auto type : t.types) {
        const EntityModes m = t.modes_for(type);
        const std::string at = std::string("tracking.modes.") + tracked_lead_type_name(type);
        if (m.deal == TrackingMode::find && (m.contact == TrackingMode::create || m.company == TrackingMode::create))
            c.problem(at, "made_beside_found_deal");
        else if (m.deal == TrackingMode::off && m.contact == TrackingMode::off && m.company == TrackingMode::off)
            c.problem(at, "nothing_tracked");
    }
    if (t.stage.status_id != 0 && !c.stage_exists(t.stage)) c.problem("tracking.stage", "unknown_stage");
    std::set<int64_t> used_by_tracking = lead_used;   // a booking value and a parameter never share a field
    std::set<int64_t> contact_used_by_tracking = contact_used, company_used_by_tracking;
    for (auto [key, map, fields, used] : {std::tuple{"fields", &t.fields, &lf, &used_by_tracking},
                                          {"contact_fields", &t.contact_fields, &context.contact_fields, &contact_used_by_tracking},
                                          {"company_fields", &t.company_fields, &context.company_fields, &company_used_by_tracking}})
        for (const auto& [param, id] : *map) {
            std::string at = std::string("tracking.") + key + "." + tracking_param_name(param);
            if (id == LeadTracking::new_field) continue;   // made when saved
            if (id < 0) c.problem(at, "field_missing");
            else c.mapped(at, id, *fields, *used, {"text", "textarea", "url", "numeric", "date", "date_time", "select", "multiselect"});
        }
    if (t.tag.size() > 255) c.problem("tracking.tag", "tag_too_long");
    if (s.history_retention_days < 1 || s.history_retention_days > 365) c.problem("history_retention_days", "out_of_range");
    return c.result();
}

}  // namespace kb::domain
