#include "relay/sync/trigger_sync.hpp"

#include <map>
#include "relay/sync/inbox_rows.hpp"
#include "relay/account_context.hpp"
#include "shared/domain/calendar.hpp"
#include "shared/domain/field_mapping.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/settings.hpp"

namespace kb::sync {
Result<std::string> TriggerSync::handle(const store::InboxEvent& event) {
    auto body = wire::parse_json(event.body);
    if (!body) return fail(Errc::bad_input, "ui.error.bad_webhook", "stored trigger is not JSON");
    auto account = load_account_context(m_store, event.account_id);
    if (!account) return tl::unexpected(account.error());
    if (!*account) return std::string("ignored: the account has uninstalled the integration");

    std::optional<domain::RecordAction> action;
    if (event.source == source::kommo_dp) {
        const wire::Json* settings = wire::member(*body, "settings");
        std::string named = settings ? wire::read_text(*settings, "altegio_action") : "";
        action = wire::record_action_named(named);
        if (!action) return "ignored: the trigger names no Altegio action (\"" + named + "\")";
    } else {
        domain::StageRef entered{wire::read_int_or(*body, "pipeline_id", "", 0).value_or(0),
                                 wire::read_int_or(*body, "status_id", "", 0).value_or(0)};
        for (const auto& t : (*account)->settings.automation.stage_triggers)
            if (t.stage.status_id == entered.status_id && (t.stage.pipeline_id == 0 || t.stage.pipeline_id == entered.pipeline_id))
                action = t.action;
        if (!action) return "ignored: stage " + std::to_string(entered.status_id) + " has no action on Altegio records";
    }
    return apply(event, (*account)->installation, (*account)->settings, *action);
}

Result<std::string> TriggerSync::apply(const store::InboxEvent& event, const store::Installation& installation,
                                       const domain::Settings& settings, domain::RecordAction action) {
    std::optional<domain::Attendance> attendance;
    if (action == domain::RecordAction::confirm) attendance = domain::Attendance::confirmed;
    if (action == domain::RecordAction::came) attendance = domain::Attendance::came;
    if (action == domain::RecordAction::did_not_come) attendance = domain::Attendance::did_not_come;

    auto records = m_store.records_of_lead(event.account_id, event.resource_id);
    if (!records) return tl::unexpected(records.error());
    if (records->empty()) return std::string("nothing to do: lead ") + std::to_string(event.resource_id) + " has no Altegio record";
    const std::string& token = installation.altegio_user_token;
    std::map<int64_t, std::string> lead_values;   // for "move": the date and time the manager wrote on the lead
    std::optional<int32_t> kommo_offset;          // the zone Kommo showed that date in; none: the record's branch's
    if (action == domain::RecordAction::move) {
        auto lead = m_kommo.lead(event.account_id, event.resource_id);
        if (!lead) return tl::unexpected(lead.error());
        for (const auto& f : lead->custom_fields)
            if (!f.values.empty()) lead_values[f.field_id] = f.values.front();
        if (!settings.lead_fields.datetime_in_one_field) {
            auto offset = m_reference.kommo_utc_offset(event.account_id);
            if (!offset) return tl::unexpected(offset.error());
            kommo_offset = *offset;
        }
    }
    std::string done;
    for (const auto& [company, record] : *records) {
        auto current = m_altegio.get_record(event.account_id, token, company, record);
        if (!current) {
            if (current.error().code == Errc::not_found) continue;
            return tl::unexpected(current.error());
        }
        if (current->deleted) continue;
        if (attendance && current->attendance == *attendance) continue;   // already so: our own change coming back
        Result<void> applied;
        if (action == domain::RecordAction::move) {
            auto now_at = domain::parse_iso_datetime(current->datetime);
            int32_t branch_offset = now_at ? now_at->offset_seconds : 0;
            auto to = domain::start_from_lead(settings.lead_fields, lead_values, branch_offset, kommo_offset.value_or(branch_offset));
            if (!to) return std::string("nothing to do: the lead's date and time fields are empty or not mapped");
            auto target = domain::parse_iso_datetime(*to);
            if (now_at && target && domain::to_unix_seconds(*now_at) == domain::to_unix_seconds(*target)) continue;   // already there
            applied = m_altegio.move_record(event.account_id, token, company, record, *to);
        } else {
            applied = attendance ? m_altegio.set_attendance(event.account_id, token, company, record, *attendance)
                                 : m_altegio.cancel_record(event.account_id, token, company, record);
        }
        if (!applied) return tl::unexpected(applied.error());
        done += (done.empty() ? "" : ", ") + std::to_string(record);
    }
    return done.empty() ? std::string("nothing to do: the records are already so") : std::string(wire::record_action_name(action)) + ": record " + done;
}

}  // namespace kb::sync
