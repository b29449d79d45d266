#include "relay/services/record_log_service.hpp"

#include <algorithm>
#include "relay/sync/inbox_rows.hpp"
#include "shared/domain/calendar.hpp"
#include "shared/domain/text.hpp"
#include "shared/wire/altegio.hpp"
#include "shared/wire/settings.hpp"

namespace kb::services {

using wire::api::RecordRow;

namespace {

const domain::Branch* find_branch(const std::vector<domain::Branch>& branches, int64_t id) {
    for (const auto& b : branches)
        if (b.id == id) return &b;
    return nullptr;
}

}  // namespace

// A record a manager is about to change: its branch must be visible to the caller and it must not be cancelled.
struct RecordLogService::OpenRecord {
    AccountContext account;
    domain::Branch branch;
    wire::Json before;   // the record as Altegio reads it now
    AltegioWriter writer;   // whose login the change is made with
};

Result<RecordLogService::LeadLinks> RecordLogService::lead_links(const Caller& caller, int64_t lead_id) {
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    auto branches = visible_branches(m_reference, caller, *acc);
    if (!branches) return tl::unexpected(branches.error());
    auto links = m_store.records_of_lead(caller.account_id, lead_id);
    if (!links) return tl::unexpected(links.error());
    return LeadLinks{std::move(*acc), std::move(*branches), std::move(*links)};
}

Result<wire::api::RecordLog> RecordLogService::lead_records(const Caller& caller, int64_t lead_id) {
    auto lead = lead_links(caller, lead_id);
    if (!lead) return tl::unexpected(lead.error());
    const std::string& token = lead->account.altegio_token();
    std::vector<RecordRow> rows;
    for (const auto& [company, record_id] : lead->records) {
        const domain::Branch* branch = find_branch(lead->branches, company);
        if (!branch) continue;
        auto record = m_altegio.get_record(caller.account_id, token, company, record_id);
        if (!record && record.error().code == Errc::not_found) continue;   // removed from Altegio altogether
        if (!record) return tl::unexpected(record.error());
        auto paid = m_altegio.paid_for_record(caller.account_id, token, company, record_id);
        if (!paid) return tl::unexpected(paid.error());
        record->paid = *paid;
        rows.push_back(RecordRow{std::move(*record), branch->title, branch->currency, lead_id});
    }
    // Newest first by the moment, not the wall-time text: the lead's records may be in branches of different zones.
    std::stable_sort(rows.begin(), rows.end(), [](const RecordRow& a, const RecordRow& b) {
        return domain::moment_of(a.record.datetime) > domain::moment_of(b.record.datetime);
    });
    return wire::api::RecordLog{std::move(rows), false};
}

Result<bool> RecordLogService::log_shown_in(const Caller& caller, int64_t pipeline_id) {
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    const auto& shown = acc->settings.automation.pipelines_showing_record_log;
    return shown.empty() || pipeline_id == 0 || std::find(shown.begin(), shown.end(), pipeline_id) != shown.end();
}

Result<std::vector<domain::Branch>> RecordLogService::branches(const Caller& caller) {
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    auto visible = visible_branches(m_reference, caller, *acc);
    if (!visible) return tl::unexpected(visible.error());
    return visible;
}

Result<wire::api::RecordLog> RecordLogService::account_records(const Caller& caller, const std::string& from, const std::string& to,
                                                               int64_t company_id, int64_t staff_id) {
    auto first = domain::parse_civil(from), last = domain::parse_civil(to);
    if (!first || !last) return fail(Errc::bad_input, "ui.error.bad_period", "from and to must be YYYY-MM-DD");
    int64_t first_day = domain::days_from_civil(first->year, first->month, first->day);
    int64_t last_day = domain::days_from_civil(last->year, last->month, last->day);
    if (last_day < first_day || last_day - first_day > 30) return fail(Errc::bad_input, "ui.error.bad_period", "the period is 1 to 31 days");
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    auto branches = visible_branches(m_reference, caller, *acc);
    if (!branches) return tl::unexpected(branches.error());
    if (company_id != 0) {
        const domain::Branch* asked = find_branch(*branches, company_id);
        if (!asked) return fail(Errc::forbidden, "ui.error.branch_not_allowed", "branch " + std::to_string(company_id) + " is not visible");
        branches = std::vector<domain::Branch>{*asked};
    }
    // Payments are dated when taken: a prepayment comes before the visit and a debt is paid after it, so the
    // payments read reach 60 days either side of the period.
    std::string paid_from = domain::add_days(from, -60), paid_to = domain::add_days(to, 60);
    wire::api::RecordLog log;
    log.go_to_lead_button = acc->settings.automation.go_to_lead_button;
    for (const auto& branch : *branches) {
        size_t room = max_log_rows - log.rows.size();
        auto page = m_altegio.records_between(caller.account_id, acc->altegio_token(), branch.id, from, to, staff_id, room, true);
        if (!page) return tl::unexpected(page.error());
        auto paid = m_altegio.payments_between(caller.account_id, acc->altegio_token(), branch.id, paid_from, paid_to);
        if (!paid) return tl::unexpected(paid.error());
        for (auto& record : page->records) {
            auto lead = m_store.lead_of_record(caller.account_id, branch.id, record.id);
            if (!lead) return tl::unexpected(lead.error());
            if (auto it = paid->find(record.id); it != paid->end()) record.paid = it->second;
            log.rows.push_back(RecordRow{std::move(record), branch.title, branch.currency, lead->value_or(0)});
        }
        if (page->more_than_limit || log.rows.size() >= max_log_rows) {
            log.truncated = page->more_than_limit || &branch != &branches->back();
            break;
        }
    }
    std::stable_sort(log.rows.begin(), log.rows.end(), [](const RecordRow& a, const RecordRow& b) {
        return domain::moment_of(a.record.datetime) < domain::moment_of(b.record.datetime);
    });
    return log;
}

Result<RecordRow> RecordLogService::change_status(const Caller& caller, int64_t company_id, int64_t record_id, const std::string& action_name) {
    auto action = wire::record_action_named(action_name);
    if (!action || *action == domain::RecordAction::move)
        return fail(Errc::bad_input, "ui.error.bad_request", "action must be confirm, came, did_not_come or cancel");
    auto open = open_record(caller, company_id, record_id);
    if (!open) return tl::unexpected(open.error());
    const std::string& token = open->account.altegio_token();

    Result<void> done;
    if (*action == domain::RecordAction::cancel) {
        done = m_altegio.cancel_record(caller.account_id, open->writer.token, company_id, record_id);
    } else {
        auto attendance = *action == domain::RecordAction::confirm ? domain::Attendance::confirmed
                          : *action == domain::RecordAction::came  ? domain::Attendance::came
                                                                    : domain::Attendance::did_not_come;
        done = m_altegio.set_attendance(caller.account_id, open->writer.token, company_id, record_id, attendance);
    }
    if (!done) return tl::unexpected(after_refused_write(m_store, caller, open->writer, done.error(), m_clock.ms()));

    // The record as it is now; a cancelled one may be gone from Altegio's reads, so it is the old one, deleted.
    auto after = m_altegio.record_json(caller.account_id, token, company_id, record_id);
    if (!after && after.error().code != Errc::not_found) return tl::unexpected(after.error());
    wire::Json now = after ? *after : open->before;
    if (*action == domain::RecordAction::cancel) now["deleted"] = true;
    return after_change(caller, open->branch, token, record_id, now, *action == domain::RecordAction::cancel ? "delete" : "update");
}

Result<RecordLogService::OpenRecord> RecordLogService::open_record(const Caller& caller, int64_t company_id, int64_t record_id) {
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    auto branch = visible_branch(m_reference, caller, *acc, company_id);
    if (!branch) return tl::unexpected(branch.error());
    auto writer = writer_or_refusal(m_store, caller, *acc);
    if (!writer) return tl::unexpected(writer.error());
    auto before = m_altegio.record_json(caller.account_id, acc->altegio_token(), company_id, record_id);
    if (!before) return tl::unexpected(before.error());
    if (wire::read_flag(*before, "deleted"))
        return fail(Errc::conflict, "ui.error.record_cancelled", "the record was cancelled in Altegio");
    return OpenRecord{std::move(*acc), std::move(*branch), std::move(*before), std::move(*writer)};
}

Result<RecordRow> RecordLogService::edit_record(const Caller& caller, int64_t company_id, int64_t record_id, const domain::RecordChange& change) {
    if (auto missing = domain::missing_for_change(change); !missing.empty())
        return fail(Errc::bad_input, missing, "the change lacks a part (" + missing + ")");
    if (!change.color.empty() && !domain::is_hex_color(change.color)) return fail(Errc::bad_input, "ui.error.bad_request", "color must be 6 hex digits");
    auto open = open_record(caller, company_id, record_id);
    if (!open) return tl::unexpected(open.error());
    const std::string& token = open->account.altegio_token();
    auto old = wire::altegio::decode_record(open->before, "data");
    if (!old) return tl::unexpected(old.error());
    auto fields = fields_for_values(m_altegio, caller, open->account, company_id, change.custom_fields);
    if (!fields) return tl::unexpected(fields.error());
    auto chosen = m_altegio.services_by_id(caller.account_id, company_id, token, change.service_ids);
    if (!chosen) return tl::unexpected(chosen.error());
    auto body = wire::altegio::encode_record_update(change, old->client, *chosen, *fields);
    if (auto done = m_altegio.update_record(caller.account_id, open->writer.token, company_id, record_id, body); !done)
        return tl::unexpected(after_refused_write(m_store, caller, open->writer, done.error(), m_clock.ms()));
    auto after = m_altegio.record_json(caller.account_id, token, company_id, record_id);
    if (!after) return tl::unexpected(after.error());
    return after_change(caller, open->branch, token, record_id, *after, "update");
}

Result<RecordRow> RecordLogService::after_change(const Caller& caller, const domain::Branch& branch, const std::string& token,
                                                 int64_t record_id, const wire::Json& now, const std::string& type) {
    int64_t company_id = branch.id;
    auto event = sync::altegio_row(caller.account_id, sync::source::widget, company_id, "record", record_id, type, now, m_clock.ms());
    if (auto added = m_store.append_to_inbox({event}); !added) return tl::unexpected(added.error());
    if (m_wake_workers) m_wake_workers();

    auto record = wire::altegio::decode_record(now, "data");
    if (!record) return tl::unexpected(record.error());
    auto paid = m_altegio.paid_for_record(caller.account_id, token, company_id, record_id);
    if (!paid) return tl::unexpected(paid.error());
    record->paid = *paid;
    auto lead = m_store.lead_of_record(caller.account_id, company_id, record_id);
    if (!lead) return tl::unexpected(lead.error());
    return RecordRow{std::move(*record), branch.title, branch.currency, lead->value_or(0)};
}

Result<wire::api::ClientSummary> RecordLogService::summary_of(const Caller& caller, const std::string& token,
                                                              const domain::Branch& branch, int64_t client_id) {
    auto client = m_altegio.client(caller.account_id, token, branch.id, client_id);
    if (!client) return tl::unexpected(client.error());
    auto subscription = m_altegio.active_subscription(caller.account_id, token, branch.id, client->phone);
    if (!subscription) return tl::unexpected(subscription.error());
    client->subscription = *subscription;
    return wire::api::ClientSummary{true, branch.id, branch.currency, std::move(*client)};
}

Result<wire::api::ClientSummary> RecordLogService::client_summary(const Caller& caller, int64_t lead_id) {
    auto lead = lead_links(caller, lead_id);
    if (!lead) return tl::unexpected(lead.error());
    const std::string& token = lead->account.altegio_token();
    // The client of the lead's newest record that names one, in a branch this user sees.
    for (auto it = lead->records.rbegin(); it != lead->records.rend(); ++it) {
        const auto& [company, record_id] = *it;
        const domain::Branch* branch = find_branch(lead->branches, company);
        if (!branch) continue;
        auto record = m_altegio.get_record(caller.account_id, token, company, record_id);
        if (!record && record.error().code == Errc::not_found) continue;
        if (!record) return tl::unexpected(record.error());
        if (record->client_id == 0) continue;
        return summary_of(caller, token, *branch, record->client_id);
    }
    return summary_by_contact_phone(caller, *lead, lead_id);
}

Result<wire::api::ClientSummary> RecordLogService::summary_by_contact_phone(const Caller& caller, const LeadLinks& lead,
                                                                            int64_t lead_id) {
    auto kommo_lead = m_kommo.lead(caller.account_id, lead_id);
    if (!kommo_lead && kommo_lead.error().code == Errc::not_found) return wire::api::ClientSummary{};
    if (!kommo_lead) return tl::unexpected(kommo_lead.error());
    if (kommo_lead->contact_ids.empty()) return wire::api::ClientSummary{};
    auto contact = m_kommo.contact(caller.account_id, kommo_lead->contact_ids.front());   // the main contact
    if (!contact && contact.error().code == Errc::not_found) return wire::api::ClientSummary{};
    if (!contact) return tl::unexpected(contact.error());
    const std::string& country = lead.account.settings.default_country_code;
    const std::string& token = lead.account.altegio_token();
    for (const auto& phone : contact->phones) {
        for (const auto& branch : lead.branches) {
            auto client_id = m_altegio.find_client_by_phone(caller.account_id, token, branch.id, phone, country);
            // A branch whose plan or rights refuse the client search (402, 403) is passed over, not an error.
            if (!client_id && client_id.error().code == Errc::forbidden) continue;
            if (!client_id) return tl::unexpected(client_id.error());
            if (*client_id) return summary_of(caller, token, branch, **client_id);
        }
    }
    return wire::api::ClientSummary{};
}

}  // namespace kb::services
