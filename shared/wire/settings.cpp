// The settings document as JSON. Decoding is lenient about what is missing (defaults stand) and strict
// about what is wrong (an error naming the path), and never throws.
#include "shared/wire/settings.hpp"

#include <algorithm>
#include "shared/wire/json_read.hpp"

namespace kb::wire {

using namespace kb::domain;

// [SECTION] enums as text -------------------------------------------------------------------------------------
namespace {

template <class E>
struct EnumName {
    E value;
    const char* name;
};

constexpr EnumName<StatusSyncMode> sync_modes[] = {{StatusSyncMode::off, "off"},
                                                   {StatusSyncMode::without_conditions, "without_conditions"},
                                                   {StatusSyncMode::with_conditions, "with_conditions"},
                                                   {StatusSyncMode::single_pipeline, "single_pipeline"}};
constexpr EnumName<PhoneFormat> phone_formats[] = {{PhoneFormat::as_is, "as_is"}, {PhoneFormat::e164, "e164"},
                                                   {PhoneFormat::digits, "digits"}, {PhoneFormat::ru_brackets, "ru_brackets"},
                                                   {PhoneFormat::ru_eight, "ru_eight"}, {PhoneFormat::international, "international"},
                                                   {PhoneFormat::custom, "custom"}};
constexpr EnumName<MergeInto> merge_modes[] = {{MergeInto::newest, "newest"}, {MergeInto::oldest, "oldest"}};
constexpr EnumName<RecordAction> record_actions[] = {{RecordAction::confirm, "confirm"}, {RecordAction::came, "came"},
                                                     {RecordAction::did_not_come, "did_not_come"}, {RecordAction::cancel, "cancel"},
                                                     {RecordAction::move, "move"}};
constexpr EnumName<TaskDeadline> task_deadlines[] = {{TaskDeadline::after_creation, "after_creation"},
                                                     {TaskDeadline::before_start, "before_start"}};
constexpr EnumName<TrackingMode> tracking_modes[] = {{TrackingMode::create, "create"}, {TrackingMode::find, "find"}, {TrackingMode::off, "off"}};
constexpr std::pair<const char*, TrackingMode EntityModes::*> entity_mode_members[] = {
    {"deal", &EntityModes::deal}, {"contact", &EntityModes::contact}, {"company", &EntityModes::company}};
constexpr EnumName<RecordState> states[] = {{RecordState::waiting, "waiting"}, {RecordState::confirmed, "confirmed"},
                                            {RecordState::came, "came"}, {RecordState::did_not_come, "did_not_come"},
                                            {RecordState::deleted, "deleted"}};

template <class E, size_t N>
const char* name_of(const EnumName<E> (&table)[N], E value) {
    for (const auto& entry : table)
        if (entry.value == value) return entry.name;
    return table[0].name;
}

template <class E, size_t N>
std::optional<E> value_of(const EnumName<E> (&table)[N], const std::string& name) {
    for (const auto& entry : table)
        if (name == entry.name) return entry.value;
    return std::nullopt;
}

// [SECTION] encoding -------------------------------------------------------------------------------------------
}  // namespace

Json encode_entity_modes(const EntityModes& modes) {
    Json out = Json::object();
    for (const auto& [key, target] : entity_mode_members) out[key] = name_of(tracking_modes, modes.*target);
    return out;
}

EntityModes decode_entity_modes(const Json& value) {
    EntityModes modes;
    for (const auto& [key, target] : entity_mode_members)
        if (const Json* v = member(value, key); v && v->is_string())
            if (auto mode = value_of(tracking_modes, v->get<std::string>())) modes.*target = *mode;
    return modes;
}

namespace {

Json stage(const StageRef& s) { return Json{{"pipeline_id", s.pipeline_id}, {"status_id", s.status_id}}; }

Json stages(const std::vector<StageRef>& list) {
    Json out = Json::array();
    for (const auto& s : list) out.push_back(stage(s));
    return out;
}

// "fields": {"<parameter>": field id}, -1 = create a new field (LeadTracking::new_field).
Json tracking(const LeadTracking& t) {
    Json types = Json::array();
    for (auto type : t.types) types.push_back(tracked_lead_type_name(type));
    Json fields = Json::object();
    for (const auto& [param, id] : t.fields) fields[tracking_param_name(param)] = id;
    Json contact_fields = Json::object(), company_fields = Json::object();
    for (const auto& [param, id] : t.contact_fields) contact_fields[tracking_param_name(param)] = id;
    for (const auto& [param, id] : t.company_fields) company_fields[tracking_param_name(param)] = id;
    Json modes = Json::object();
    for (const auto& [type, m] : t.modes) modes[tracked_lead_type_name(type)] = encode_entity_modes(m);
    return Json{{"enabled", t.enabled}, {"types", types}, {"modes", modes},
                {"responsible_user_id", t.responsible_user_id}, {"stage", stage(t.stage)}, {"fields", fields},
                {"contact_fields", contact_fields}, {"company_fields", company_fields}, {"tag", t.tag}};
}

Json status_map(const StatusMap& m) {
    Json targets = Json::object();
    for (const auto& [state, target] : m.targets) targets[name_of(states, state)] = stage(target);
    return Json{{"targets", targets}, {"move_closed_leads", m.move_closed_leads}, {"allow_backwards", m.allow_backwards}};
}

Json id_map(const std::map<std::string, int64_t>& m) {
    Json out = Json::object();
    for (const auto& [code, id] : m) out[code] = id;
    return out;
}

Json branch_id_maps(const std::map<int64_t, std::map<std::string, int64_t>>& per_branch) {
    Json out = Json::object();
    for (const auto& [branch, fields] : per_branch) out[std::to_string(branch)] = id_map(fields);
    return out;
}

// [SECTION] decoding -------------------------------------------------------------------------------------------
// Reads members in order and keeps the first error; every read names its path.
struct Reader {
    std::optional<Error> error;

    void fail_at(const std::string& path, const char* what) {
        if (!error) error = Error{Errc::bad_input, "ui.error.bad_settings", path + ": " + what};
    }
    const Json* at(const Json& object, const char* key) {
        const Json* v = member(object, key);
        return v && !v->is_null() ? v : nullptr;
    }
    void integer(const Json& o, const char* key, const std::string& path, int64_t& out) {
        if (const Json* v = at(o, key)) {
            auto n = int_from(*v, join_path(path, key));
            if (n) out = *n;
            else fail_at(join_path(path, key), "expected a number");
        }
    }
    void integer32(const Json& o, const char* key, const std::string& path, int32_t& out) {
        int64_t wide = out;
        integer(o, key, path, wide);
        if (wide < INT32_MIN || wide > INT32_MAX) fail_at(join_path(path, key), "out of range");
        else out = static_cast<int32_t>(wide);
    }
    void flag(const Json& o, const char* key, const std::string& path, bool& out) {
        if (const Json* v = at(o, key)) {
            if (v->is_boolean()) out = v->get<bool>();
            else fail_at(join_path(path, key), "expected true or false");
        }
    }
    void text(const Json& o, const char* key, const std::string& path, std::string& out) {
        if (const Json* v = at(o, key)) {
            if (v->is_string()) out = v->get<std::string>();
            else fail_at(join_path(path, key), "expected text");
        }
    }
    template <class E, size_t N>
    void enumeration(const Json& o, const char* key, const std::string& path, const EnumName<E> (&table)[N], E& out) {
        if (const Json* v = at(o, key)) {
            auto value = v->is_string() ? value_of(table, v->get<std::string>()) : std::nullopt;
            if (value) out = *value;
            else fail_at(join_path(path, key), "unknown value");
        }
    }
    void ids(const Json& o, const char* key, const std::string& path, std::vector<int64_t>& out) {
        const Json* v = at(o, key);
        if (!v) return;
        if (!v->is_array()) return fail_at(join_path(path, key), "expected a list");
        out.clear();
        for (size_t i = 0; i < v->size(); ++i) {
            auto n = int_from((*v)[i], index_path(join_path(path, key), i));
            if (n) out.push_back(*n);
            else fail_at(index_path(join_path(path, key), i), "expected a number");
        }
    }
    void stage(const Json& o, const std::string& path, StageRef& out) {
        integer(o, "pipeline_id", path, out.pipeline_id);
        integer(o, "status_id", path, out.status_id);
    }
    void stages(const Json& o, const char* key, const std::string& path, std::vector<StageRef>& out) {
        const Json* v = at(o, key);
        if (!v) return;
        if (!v->is_array()) return fail_at(join_path(path, key), "expected a list");
        out.clear();
        for (size_t i = 0; i < v->size(); ++i) {
            StageRef s;
            stage((*v)[i], index_path(join_path(path, key), i), s);
            out.push_back(s);
        }
    }
    void status_map(const Json& o, const std::string& path, StatusMap& out) {
        if (const Json* targets = at(o, "targets")) {
            if (!targets->is_object()) return fail_at(join_path(path, "targets"), "expected an object");
            for (auto it = targets->begin(); it != targets->end(); ++it) {
                auto state = value_of(states, it.key());
                if (!state) fail_at(join_path(join_path(path, "targets"), it.key()), "unknown record state");
                else stage(it.value(), join_path(join_path(path, "targets"), it.key()), out.targets[*state]);
            }
        }
        flag(o, "move_closed_leads", path, out.move_closed_leads);
        flag(o, "allow_backwards", path, out.allow_backwards);
    }
    void id_map(const Json& o, const char* key, const std::string& path, std::map<std::string, int64_t>& out) {
        const Json* v = at(o, key);
        if (!v) return;
        if (!v->is_object()) return fail_at(join_path(path, key), "expected an object");
        for (auto it = v->begin(); it != v->end(); ++it) integer(*v, it.key().c_str(), join_path(path, key), out[it.key()]);
    }
    // {"<branch id>": {"<code>": field id}}; an older flat {"<code>": field id} is read as branch 0 (every branch).
    void branch_id_maps(const Json& o, const char* key, const std::string& path,
                        std::map<int64_t, std::map<std::string, int64_t>>& out) {
        const Json* v = at(o, key);
        if (!v) return;
        if (!v->is_object()) return fail_at(join_path(path, key), "expected an object");
        for (auto it = v->begin(); it != v->end(); ++it) {
            if (!it.value().is_object()) {
                integer(*v, it.key().c_str(), join_path(path, key), out[0][it.key()]);
                continue;
            }
            auto branch = int_from(Json(it.key()), "");
            if (!branch) fail_at(join_path(join_path(path, key), it.key()), "expected a branch id");
            else id_map(*v, it.key().c_str(), join_path(path, key), out[*branch]);
        }
    }
};

}  // namespace

const char* record_action_name(RecordAction action) { return name_of(record_actions, action); }
std::optional<RecordAction> record_action_named(const std::string& name) { return value_of(record_actions, name); }

Json encode_settings(const Settings& s) {
    const auto& l = s.lead_fields;
    const auto& c = s.contact_fields;
    Json users = Json::array();
    for (const auto& u : s.users)
        users.push_back(Json{{"kommo_user_id", u.kommo_user_id}, {"altegio_user_id", u.altegio_user_id},
                             {"altegio_staff_id", u.altegio_staff_id},
                             {"visible_branch_ids", u.visible_branch_ids}, {"visible_chain_ids", u.visible_chain_ids}});
    Json schemes = Json::array();
    for (const auto& scheme : s.status_sync.schemes) {
        const auto& k = scheme.conditions;
        schemes.push_back(Json{{"name", scheme.name},
                               {"conditions", Json{{"service_category_ids", k.service_category_ids}, {"pipeline_ids", k.pipeline_ids},
                                                   {"branch_ids", k.branch_ids}, {"staff_ids", k.staff_ids},
                                                   {"record_label_ids", k.record_label_ids}}},
                               {"map", status_map(scheme.map)}});
    }
    Json only_states = Json::array();
    for (auto state : s.status_sync.only_states) only_states.push_back(name_of(states, state));
    Json conditions = Json::array();
    for (const auto& f : s.duplicates.field_conditions) conditions.push_back(Json{{"field_id", f.field_id}, {"must_be_filled", f.must_be_filled}});
    const auto& a = s.automation;
    Json triggers = Json::array();
    for (const auto& t : a.stage_triggers)
        triggers.push_back(Json{{"pipeline_id", t.stage.pipeline_id}, {"status_id", t.stage.status_id},
                                {"action", name_of(record_actions, t.action)}});
    return Json{
        {"version", s.version},
        {"default_country_code", s.default_country_code},
        {"language", s.language},
        {"connected_branch_ids", s.connected_branch_ids},
        {"lead_fields", Json{{"record_id", l.record_id}, {"company_id", l.company_id}, {"record_date", l.record_date},
                             {"record_time", l.record_time}, {"datetime_in_one_field", l.datetime_in_one_field},
                             {"employee", l.employee}, {"employee_with_specialization", l.employee_with_specialization},
                             {"branch", l.branch}, {"services", l.services}, {"service_category", l.service_category},
                             {"record_category", l.record_category}, {"comment", l.comment}, {"record_source", l.record_source},
                             {"payments_amount", l.payments_amount}, {"additional_fields", branch_id_maps(l.additional_fields)}}},
        {"contact_fields", Json{{"birthday", c.birthday}, {"category", c.category}, {"write_phone", c.write_phone},
                                {"phone_format", name_of(phone_formats, c.phone_format)}, {"phone_pattern", c.phone_pattern},
                                {"additional_fields", branch_id_maps(c.additional_fields)}, {"visits_count", c.visits_count},
                                {"visits_sum", c.visits_sum}, {"client_id", c.client_id}, {"subscription_name", c.subscription_name},
                                {"subscription_start", c.subscription_start}, {"subscription_end", c.subscription_end},
                                {"subscription_remaining", c.subscription_remaining}}},
        {"users", users},
        {"general_account_for_unlinked_users", s.general_account_for_unlinked_users},
        {"status_sync", Json{{"mode", name_of(sync_modes, s.status_sync.mode)}, {"map", status_map(s.status_sync.map)},
                             {"pipeline_id", s.status_sync.pipeline_id}, {"schemes", schemes},
                             {"fallback", status_map(s.status_sync.fallback)}, {"only_states", only_states}}},
        {"duplicates", Json{{"enabled", s.duplicates.enabled}, {"statuses", stages(s.duplicates.statuses)},
                            {"field_conditions", conditions}, {"accept_matching_record_id", s.duplicates.accept_matching_record_id},
                            {"merge_into", name_of(merge_modes, s.duplicates.merge_into)}}},
        {"automation", Json{{"task_on_new_record", a.task_on_new_record}, {"task_type_id", a.task_type_id},
                            {"task_due_minutes", a.task_due_minutes}, {"task_deadline", name_of(task_deadlines, a.task_deadline)},
                            {"task_text", a.task_text}, {"journal_note", a.journal_note},
                            {"go_to_lead_button", a.go_to_lead_button},
                            {"stages_hiding_records_window", stages(a.stages_hiding_records_window)},
                            {"pipelines_showing_record_log", a.pipelines_showing_record_log},
                            {"no_lead_for_records_made_in_altegio", a.no_lead_for_records_made_in_altegio},
                            {"deal_without_client", a.deal_without_client}, {"linked_user_responsible", a.linked_user_responsible},
                            {"new_lead_pipeline_id", a.new_lead_pipeline_id}, {"new_lead_status_id", a.new_lead_status_id},
                            {"stage_triggers", triggers}}},
        {"tracking", tracking(s.tracking)},
        {"history_retention_days", s.history_retention_days}};
}

Result<Settings> decode_settings_text(const std::string& text) {
    auto parsed = parse_json(text);
    if (!parsed) return tl::unexpected(parsed.error());
    return decode_settings(*parsed);
}

Result<Settings> decode_settings(const Json& value) {
    Settings s;
    if (value.is_null()) return s;
    if (!value.is_object()) return fail(Errc::bad_input, "ui.error.bad_settings", "settings: expected an object");
    Reader r;
    r.integer32(value, "version", "settings", s.version);
    r.text(value, "default_country_code", "settings", s.default_country_code);
    r.text(value, "language", "settings", s.language);
    r.ids(value, "connected_branch_ids", "settings", s.connected_branch_ids);
    if (const Json* l = r.at(value, "lead_fields")) {
        const std::string p = "settings.lead_fields";
        auto& m = s.lead_fields;
        for (auto [key, target] : {std::pair{"record_id", &m.record_id}, {"company_id", &m.company_id}, {"record_date", &m.record_date},
                                   {"record_time", &m.record_time}, {"employee", &m.employee}, {"branch", &m.branch},
                                   {"services", &m.services}, {"service_category", &m.service_category},
                                   {"record_category", &m.record_category}, {"comment", &m.comment},
                                   {"record_source", &m.record_source}, {"payments_amount", &m.payments_amount}})
            r.integer(*l, key, p, *target);
        r.flag(*l, "datetime_in_one_field", p, m.datetime_in_one_field);
        r.flag(*l, "employee_with_specialization", p, m.employee_with_specialization);
        r.branch_id_maps(*l, "additional_fields", p, m.additional_fields);
    }
    if (const Json* c = r.at(value, "contact_fields")) {
        const std::string p = "settings.contact_fields";
        auto& m = s.contact_fields;
        for (auto [key, target] : {std::pair{"birthday", &m.birthday}, {"category", &m.category}, {"visits_count", &m.visits_count},
                                   {"visits_sum", &m.visits_sum}, {"client_id", &m.client_id},
                                   {"subscription_name", &m.subscription_name}, {"subscription_start", &m.subscription_start},
                                   {"subscription_end", &m.subscription_end}, {"subscription_remaining", &m.subscription_remaining}})
            r.integer(*c, key, p, *target);
        r.flag(*c, "write_phone", p, m.write_phone);
        r.enumeration(*c, "phone_format", p, phone_formats, m.phone_format);
        r.text(*c, "phone_pattern", p, m.phone_pattern);
        r.branch_id_maps(*c, "additional_fields", p, m.additional_fields);
    }
    if (const Json* users = r.at(value, "users")) {
        if (!users->is_array()) r.fail_at("settings.users", "expected a list");
        else
            for (size_t i = 0; i < users->size(); ++i) {
                std::string p = index_path("settings.users", i);
                UserMapping u;
                r.integer((*users)[i], "kommo_user_id", p, u.kommo_user_id);
                r.integer((*users)[i], "altegio_user_id", p, u.altegio_user_id);
                r.integer((*users)[i], "altegio_staff_id", p, u.altegio_staff_id);
                r.ids((*users)[i], "visible_branch_ids", p, u.visible_branch_ids);
                r.ids((*users)[i], "visible_chain_ids", p, u.visible_chain_ids);
                s.users.push_back(std::move(u));
            }
    }
    // Before version 3 every user booked on the general account: such a document keeps that until it is saved anew.
    s.general_account_for_unlinked_users = s.version < 3;
    r.flag(value, "general_account_for_unlinked_users", "settings", s.general_account_for_unlinked_users);
    if (const Json* sync = r.at(value, "status_sync")) {
        const std::string p = "settings.status_sync";
        auto& m = s.status_sync;
        r.enumeration(*sync, "mode", p, sync_modes, m.mode);
        if (const Json* map = r.at(*sync, "map")) r.status_map(*map, p + ".map", m.map);
        r.integer(*sync, "pipeline_id", p, m.pipeline_id);
        if (const Json* fallback = r.at(*sync, "fallback")) r.status_map(*fallback, p + ".fallback", m.fallback);
        if (const Json* schemes = r.at(*sync, "schemes")) {
            if (!schemes->is_array()) r.fail_at(p + ".schemes", "expected a list");
            else
                for (size_t i = 0; i < schemes->size(); ++i) {
                    std::string sp = index_path(p + ".schemes", i);
                    DistributionScheme scheme;
                    r.text((*schemes)[i], "name", sp, scheme.name);
                    if (const Json* k = r.at((*schemes)[i], "conditions")) {
                        auto& c = scheme.conditions;
                        r.ids(*k, "service_category_ids", sp + ".conditions", c.service_category_ids);
                        r.ids(*k, "pipeline_ids", sp + ".conditions", c.pipeline_ids);
                        r.ids(*k, "branch_ids", sp + ".conditions", c.branch_ids);
                        r.ids(*k, "staff_ids", sp + ".conditions", c.staff_ids);
                        r.ids(*k, "record_label_ids", sp + ".conditions", c.record_label_ids);
                    }
                    if (const Json* map = r.at((*schemes)[i], "map")) r.status_map(*map, sp + ".map", scheme.map);
                    m.schemes.push_back(std::move(scheme));
                }
        }
        if (const Json* only = r.at(*sync, "only_states")) {
            if (!only->is_array()) r.fail_at(p + ".only_states", "expected a list");
            else
                for (size_t i = 0; i < only->size(); ++i) {
                    auto state = (*only)[i].is_string() ? value_of(states, (*only)[i].get<std::string>()) : std::nullopt;
                    if (state) m.only_states.push_back(*state);
                    else r.fail_at(index_path(p + ".only_states", i), "unknown record state");
                }
        }
    }
    if (const Json* d = r.at(value, "duplicates")) {
        const std::string p = "settings.duplicates";
        r.flag(*d, "enabled", p, s.duplicates.enabled);
        r.stages(*d, "statuses", p, s.duplicates.statuses);
        r.flag(*d, "accept_matching_record_id", p, s.duplicates.accept_matching_record_id);
        r.enumeration(*d, "merge_into", p, merge_modes, s.duplicates.merge_into);
        if (const Json* conditions = r.at(*d, "field_conditions")) {
            if (!conditions->is_array()) r.fail_at(p + ".field_conditions", "expected a list");
            else
                for (size_t i = 0; i < conditions->size(); ++i) {
                    FieldCondition f;
                    r.integer((*conditions)[i], "field_id", index_path(p + ".field_conditions", i), f.field_id);
                    r.flag((*conditions)[i], "must_be_filled", index_path(p + ".field_conditions", i), f.must_be_filled);
                    s.duplicates.field_conditions.push_back(f);
                }
        }
    }
    if (const Json* a = r.at(value, "automation")) {
        const std::string p = "settings.automation";
        auto& m = s.automation;
        for (auto [key, target] : {std::pair{"task_on_new_record", &m.task_on_new_record}, {"journal_note", &m.journal_note},
                                   {"go_to_lead_button", &m.go_to_lead_button},
                                   {"no_lead_for_records_made_in_altegio", &m.no_lead_for_records_made_in_altegio},
                                   {"deal_without_client", &m.deal_without_client}, {"linked_user_responsible", &m.linked_user_responsible}})
            r.flag(*a, key, p, *target);
        r.integer(*a, "task_type_id", p, m.task_type_id);
        r.integer32(*a, "task_due_minutes", p, m.task_due_minutes);
        r.enumeration(*a, "task_deadline", p, task_deadlines, m.task_deadline);
        r.text(*a, "task_text", p, m.task_text);
        r.stages(*a, "stages_hiding_records_window", p, m.stages_hiding_records_window);
        r.ids(*a, "pipelines_showing_record_log", p, m.pipelines_showing_record_log);
        r.integer(*a, "new_lead_pipeline_id", p, m.new_lead_pipeline_id);
        r.integer(*a, "new_lead_status_id", p, m.new_lead_status_id);
        if (const Json* triggers = r.at(*a, "stage_triggers")) {
            if (!triggers->is_array()) r.fail_at(p + ".stage_triggers", "expected a list");
            else
                for (size_t i = 0; i < triggers->size(); ++i) {
                    std::string at = index_path(p + ".stage_triggers", i);
                    StageTrigger t;
                    r.integer((*triggers)[i], "pipeline_id", at, t.stage.pipeline_id);
                    r.integer((*triggers)[i], "status_id", at, t.stage.status_id);
                    r.enumeration((*triggers)[i], "action", at, record_actions, t.action);
                    m.stage_triggers.push_back(t);
                }
        }
    }
    if (const Json* t = r.at(value, "tracking")) {
        const std::string p = "settings.tracking";
        auto& m = s.tracking;
        r.flag(*t, "enabled", p, m.enabled);
        if (const Json* modes = r.at(*t, "modes")) {
            if (!modes->is_object()) r.fail_at(p + ".modes", "expected an object");
            for (auto it = modes->begin(); modes->is_object() && it != modes->end(); ++it) {
                auto type = tracked_lead_type_named(it.key());
                if (!type) r.fail_at(join_path(p + ".modes", it.key()), "unknown lead type");
                else if (!it.value().is_object()) r.fail_at(join_path(p + ".modes", it.key()), "expected an object");
                else
                    for (const auto& [key, target] : entity_mode_members)
                        r.enumeration(it.value(), key, join_path(p + ".modes", it.key()), tracking_modes, m.modes[*type].*target);
            }
        } else if (t->contains("mode")) {
            // Written before modes were chosen per lead type (one mode, and what mode create makes): the same for every
            // type; mode find wrote the found deal's contact.
            const bool find = read_text(*t, "mode") == "find";
            auto made = [&](const char* key, bool fallback) {
                const Json* v = member(*t, key);
                return v && v->is_boolean() ? v->get<bool>() : fallback;
            };
            EntityModes legacy{find ? TrackingMode::find : made("create_deal", true) ? TrackingMode::create : TrackingMode::off,
                               find ? TrackingMode::find : made("create_contact", true) ? TrackingMode::create : TrackingMode::off,
                               !find && made("create_company", false) ? TrackingMode::create : TrackingMode::off};
            for (auto type : all_tracked_lead_types) m.modes[type] = legacy;
        }
        r.integer(*t, "responsible_user_id", p, m.responsible_user_id);
        if (const Json* stage = r.at(*t, "stage")) r.stage(*stage, p + ".stage", m.stage);
        r.text(*t, "tag", p, m.tag);
        if (const Json* types = r.at(*t, "types")) {
            if (!types->is_array()) r.fail_at(p + ".types", "expected a list");
            else {
                m.types.clear();
                for (size_t i = 0; i < types->size(); ++i) {
                    auto type = (*types)[i].is_string() ? tracked_lead_type_named((*types)[i].get<std::string>()) : std::nullopt;
                    if (!type) r.fail_at(index_path(p + ".types", i), "unknown lead type");
                    else if (std::find(m.types.begin(), m.types.end(), *type) == m.types.end()) m.types.push_back(*type);
                }
            }
        }
        for (auto [key, target] : {std::pair{"fields", &m.fields}, {"contact_fields", &m.contact_fields}, {"company_fields", &m.company_fields}}) {
            const Json* fields = r.at(*t, key);
            if (!fields) continue;
            const std::string at = p + "." + key;
            if (!fields->is_object()) {
                r.fail_at(at, "expected an object");
                continue;
            }
            for (auto it = fields->begin(); it != fields->end(); ++it) {
                auto param = tracking_param_named(it.key());
                if (!param) {
                    r.fail_at(join_path(at, it.key()), "unknown parameter");
                    continue;
                }
                int64_t id = 0;
                r.integer(*fields, it.key().c_str(), at, id);
                if (id != 0) (*target)[*param] = id;
            }
        }
    }
    r.integer32(value, "history_retention_days", "settings", s.history_retention_days);
    if (r.error) return tl::unexpected(*r.error);
    return s;
}

}  // namespace kb::wire
