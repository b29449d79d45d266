#include "relay/sync/trigger_sync.hpp"

namespace kb::sync {

Result<std::string> TriggerSync::handle(const store::InboxEvent& event) {
    auto body = wire::parse_json(event.body);
    if (!body) return fail(Errc::bad_input, "ui.error.bad_webhook", "stored trigger is not JSON");
    const wire::Json* settings = wire::member(*body, "settings");
    std::string action = settings ? wire::read_text(*settings, "altegio_action") : "";
    std::optional<domain::Attendance> attendance;
    if (action == "confirm") attendance = domain::Attendance::confirmed;
    else if (action == "came") attendance = domain::Attendance::came;
    else if (action == "did_not_come") attendance = domain::Attendance::did_not_come;
    else if (action != "cancel") return std::string("ignored: the trigger names no Altegio action (\"") + action + "\")";

    auto installation = m_store.find_installation(event.account_id);
    if (!installation) return tl::unexpected(installation.error());
    if (!*installation) return std::string("ignored: the account has uninstalled the integration");
    auto records = m_store.records_of_lead(event.account_id, event.resource_id);
    if (!records) return tl::unexpected(records.error());
    if (records->empty()) return std::string("nothing to do: lead ") + std::to_string(event.resource_id) + " has no Altegio record";
    const std::string& token = (*installation)->altegio_user_token;
    std::string done;
    for (const auto& [company, record] : *records) {
        auto current = m_altegio.get_record(event.account_id, token, company, record);
        if (!current) {
            if (current.error().code == Errc::not_found) continue;
            return tl::unexpected(current.error());
        }
        if (current->deleted) continue;
        if (attendance && current->attendance == *attendance) continue;   // already so: our own change coming back
        auto applied = attendance ? m_altegio.set_attendance(event.account_id, token, company, record, *attendance)
                                  : m_altegio.cancel_record(event.account_id, token, company, record);
        if (!applied) return tl::unexpected(applied.error());
        done += (done.empty() ? "" : ", ") + std::to_string(record);
    }
    return done.empty() ? std::string("nothing to do: the records are already so") : action + ": record " + done;
}

}  // namespace kb::sync
