#include "shared/domain/record_plan.hpp"

#include <algorithm>
#include "shared/domain/calendar.hpp"
#include "shared/domain/duplicate_search.hpp"
#include "shared/domain/status_sync.hpp"

namespace kb::domain {
namespace {

bool has_client(const Record& record) {
    return record.client && (!record.client->name.empty() || !record.client->phone.empty() || !record.client->email.empty());
}

std::string services_text(const Record& record) {
    std::string out;
    for (const auto& s : record.services) out += (out.empty() ? "" : ", ") + s.title;
    return out;
}

// The parameters every text about a record may use.
std::map<std::string, std::string> record_params(const Record& record, const Branch& branch) {
    std::string date = record.date.substr(0, 10);
    std::string time = record.date.size() >= 16 ? record.date.substr(11, 5) : "";
    return {{"record", std::to_string(record.id)},
            {"date", date},
            {"time", time},
            {"staff", record.staff_name},
            {"services", services_text(record)},
            {"branch", branch.title},
            {"client", record.client ? record.client->name : ""},
            {"changed", record.last_change_date}};
}

Message note_for(const std::string& event_type, const Record& record, const Branch& branch) {
    auto params = record_params(record, branch);
    if (event_type == "delete" || record.deleted)
        return {params["date"].empty() ? "kommo.note.record_deleted_undated" : "kommo.note.record_deleted", params};
    if (event_type == "create") return {"kommo.note.record_created", params};
    switch (record.attendance) {
        case Attendance::confirmed: return {"kommo.note.record_confirmed", params};
        case Attendance::came: return {"kommo.note.record_came", params};
        case Attendance::did_not_come: return {"kommo.note.record_did_not_come", params};
        case Attendance::waiting: break;
    }
    return {"kommo.note.record_changed", params};
}

// "{client} — {service}"; the client by name, else by phone; without a service, the name alone (never " — ").
Message lead_name_for(const Record& record, const Branch& branch) {
    auto params = record_params(record, branch);
    if (params["client"].empty() && record.client) params["client"] = record.client->phone;
    params["service"] = record.services.empty() ? "" : record.services.front().title;
    std::string suffix = params["service"].empty() ? "_only" : "";
    if (!has_client(record) || params["client"].empty()) return {"kommo.lead_name.no_client" + suffix, params};
    if (record.activity_id != 0) return {"kommo.lead_name.group" + suffix, params};
    return {"kommo.lead_name.client" + suffix, params};
}

// The task after a new record: the admin's text (its {names} filled in by the relay like the usual text's) or the usual
// one, due some minutes after now or before the record's start; never due before now.
TaskPlan task_for(const Record& record, const RecordEventFacts& facts, const Automation& automation, int64_t responsible_user_id) {
    int64_t minutes = int64_t{automation.task_due_minutes} * 60;
    int64_t start = moment_of(record.datetime);
    int64_t due = automation.task_deadline == TaskDeadline::before_start && start != 0 ? std::max(start - minutes, facts.now)
                                                                                        : facts.now + minutes;
    std::string text = automation.task_text.empty() ? "kommo.task.new_record" : automation.task_text;
    return TaskPlan{{text, record_params(record, facts.branch)}, due, automation.task_type_id, responsible_user_id};
}

int64_t responsible_for(const Record& record, const Settings& settings) {
    if (!settings.automation.linked_user_responsible || record.staff_id == 0) return 0;
    for (const auto& u : settings.users)
        if (u.altegio_staff_id == record.staff_id) return u.kommo_user_id;
    return 0;
}

StatusDecision stage_for(const RecordEventFacts& facts, const Settings& settings, const KnownLead& lead) {
    std::vector<int64_t> categories, labels;
    for (const auto& s : facts.record.services) categories.push_back(s.category_id);
    for (const auto& l : facts.record.labels) labels.push_back(l.id);
    StatusFacts status{record_state(facts.record), lead.pipeline_id, lead.status_id, categories,
                       facts.record.company_id, facts.record.staff_id, labels};
    return plan_status(settings.status_sync, status, facts.pipelines);
}

RecordPlan nothing(std::string reason) {
    RecordPlan plan;
    plan.reason = std::move(reason);
    return plan;
}

// A lead an earlier attempt of this event created: its Record ID field holds the record's id.
const KnownLead* created_before(const RecordEventFacts& facts, int64_t record_id_field) {
    if (!facts.tried_before || record_id_field == 0) return nullptr;
    for (const auto& lead : facts.lookup.leads_by_record_field) {
        auto value = lead.field_values.find(record_id_field);
        if (value != lead.field_values.end() && value->second == std::to_string(facts.record.id)) return &lead;
    }
    return nullptr;
}

}  // namespace

bool record_field_finds_lead(const std::string& event_type, const Settings& settings) {
    return event_type != "create" || (settings.duplicates.enabled && settings.duplicates.accept_matching_record_id);
}

bool uses_service_categories(const Settings& settings) {
    if (settings.lead_fields.service_category != 0) return true;
    const auto& sync = settings.status_sync;
    return sync.mode == StatusSyncMode::with_conditions &&
           std::any_of(sync.schemes.begin(), sync.schemes.end(), [](const auto& s) { return !s.conditions.service_category_ids.empty(); });
}

RecordPlan plan_record_event(const RecordEventFacts& facts, const Settings& settings) {
    const Record& record = facts.record;
    const auto& automation = settings.automation;
    LeadLookupFacts lookup_facts = facts.lookup;
    lookup_facts.record_field_allowed = record_field_finds_lead(facts.event_type, settings);
    auto lookup = find_lead_for_record(lookup_facts, settings.default_country_code);
    auto mapped = map_record_to_lead(record, facts.branch, settings.lead_fields, facts.lead_fields, facts.service_category_titles,
                                     facts.kommo_offset_seconds);

    RecordPlan plan;
    plan.fields = std::move(mapped.values);
    plan.problems = std::move(mapped.problems);
    plan.responsible_user_id = responsible_for(record, settings);
    if (automation.journal_note) plan.note = note_for(facts.event_type, record, facts.branch);
    plan.lead_id = lookup.lead_id;
    plan.link = lookup.link_now;
    plan.reason = lookup.reason;

    if (lookup.found == LeadLookup::Found::none) {
        if (record.api_id.rfind("kb-", 0) == 0)
            return nothing("our own booking; its lead is filled by the booking (" + lookup.reason + ")");
        if (const KnownLead* earlier = created_before(facts, settings.lead_fields.record_id)) {
            plan.lead_id = earlier->id;
            plan.link = true;
            plan.reason = "the lead an earlier try of this event created";
        } else {
            if (facts.event_type != "create") return nothing("no lead updated: " + lookup.reason);
            if (automation.no_lead_for_records_made_in_altegio) return nothing("no lead: the settings make none for records made in Altegio");
            if (!has_client(record) && !automation.deal_without_client)
                return nothing("no lead: the record has no client and the settings make no deal without one");
            std::string phone = record.client ? record.client->phone : "";
            auto duplicate = find_duplicate(record.id, phone, facts.lookup.contacts_by_phone, settings.duplicates,
                                            settings.lead_fields.record_id, settings.default_country_code);
            if (duplicate.action == DuplicateDecision::Action::merge) {
                plan.lead_id = duplicate.lead_id;
                plan.link = true;
                plan.reason = duplicate.reason;
            } else {
                plan.action = RecordPlan::Action::create_lead;
                plan.link = true;
                plan.reason = duplicate.reason;
                plan.lead_name = lead_name_for(record, facts.branch);
                plan.contact_id = duplicate.contact_id;
                plan.stage = {automation.new_lead_pipeline_id, automation.new_lead_status_id};
                plan.stage_reason = "new lead";
                if (automation.task_on_new_record) plan.task = task_for(record, facts, automation, plan.responsible_user_id);
                return plan;
            }
        }
    }

    plan.action = RecordPlan::Action::update_lead;
    auto lead = facts.leads.find(plan.lead_id);
    if (lead == facts.leads.end()) {
        plan.stage_reason = "the lead's stage is unknown; left where it is";
    } else {
        auto status = stage_for(facts, settings, lead->second);
        if (status.move) plan.stage = status.target;
        plan.stage_reason = status.reason;
        if (lead->second.responsible_user_id == plan.responsible_user_id) plan.responsible_user_id = 0;   // already so
    }
    if (facts.event_type == "create" && automation.task_on_new_record)
        plan.task = task_for(record, facts, automation, plan.responsible_user_id);
    return plan;
}

bool plan_needs_fresh_lists(const RecordPlan& plan, const RecordEventFacts& facts) {
    for (const auto& p : plan.problems)
        if (p.message_key == "ui.settings_error.field_missing") return true;
    if (plan.stage.status_id == 0) return false;
    for (const auto& pipeline : facts.pipelines)
        for (const auto& [status, sort] : pipeline.statuses)
            if (status == plan.stage.status_id) return false;
    return true;
}

}  // namespace kb::domain
