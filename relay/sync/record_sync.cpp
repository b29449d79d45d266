#include "relay/sync/record_sync.hpp"

#include <algorithm>
#include "relay/i18n/kommo_texts.hpp"
#include "shared/domain/calendar.hpp"
#include "shared/domain/phone.hpp"
#include "shared/wire/altegio.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::sync {
namespace {

using wire::Json;
using Read = clients::ReferenceCache::Read;

bool contains(const std::vector<std::string>& texts, const std::string& text) {
    return std::find(texts.begin(), texts.end(), text) != texts.end();
}

}  // namespace

Result<std::string> RecordSync::handle(const store::InboxEvent& event) {
    auto body = wire::parse_json(event.body);
    if (!body) return fail(Errc::bad_input, "ui.error.bad_webhook", "stored event is not JSON");
    auto account = load_sync_account(m_store, event.account_id);
    if (!account) return tl::unexpected(account.error());
    if (!*account) return std::string("ignored: the account has uninstalled the integration");
    if (!(*account)->branch_connected(event.company_id))
        return std::string("ignored: branch ") + std::to_string(event.company_id) + " is not connected";

    // The record: from the event, or from Altegio when the event lacks the client.
    const Json* data = wire::member(*body, "data");
    auto record = data ? wire::altegio::decode_record(*data, "data") : Result<domain::Record>(tl::unexpected(Error{}));
    if ((!record || !record->client) && event.event_type != "delete")
        record = m_altegio.get_record(event.account_id, (*account)->installation.altegio_user_token, event.company_id, event.resource_id);
    if (!record) return tl::unexpected(record.error());
    if (event.event_type == "delete") record->deleted = true;

    // A late webhook must not undo a newer state the reconciler (or a faster webhook) already applied.
    int64_t changed_at = 0;
    if (auto parsed = domain::parse_iso_datetime(record->last_change_date)) changed_at = domain::to_unix_seconds(*parsed);
    auto applied = m_store.applied_change(event.account_id, event.company_id, record->id);
    if (!applied) return tl::unexpected(applied.error());
    if (changed_at != 0 && changed_at < *applied)
        return std::string("skipped: a newer change of this record was applied already (") + record->last_change_date + ")";

    auto facts = gather(event, **account, std::move(*record));
    if (!facts) return tl::unexpected(facts.error());
    // A "create" of a state later than one already applied (the reconciler read the record while the webhook's
    // create still waited) changes the lead: it is not a second creation with its own note and task. A retry of
    // the create itself carries the applied state, not a later one, and stays a create.
    if (facts->event_type == "create" && *applied != 0 && changed_at > *applied) facts->event_type = "update";
    auto plan = domain::plan_record_event(*facts, (*account)->settings);
    if (domain::plan_needs_fresh_lists(plan, *facts)) {
        // The admin may just have added the field or stage in Kommo: read the lists again, once.
        auto fields = m_reference.lead_fields(event.account_id, Read::fresh);
        auto pipelines = m_reference.pipelines(event.account_id, Read::fresh);
        if (!fields) return tl::unexpected(fields.error());
        if (!pipelines) return tl::unexpected(pipelines.error());
        facts->lead_fields = std::move(*fields);
        facts->pipelines = std::move(*pipelines);
        plan = domain::plan_record_event(*facts, (*account)->settings);
    }
    auto done = carry_out(event, **account, *facts, plan);
    if (done && changed_at != 0)
        if (auto saved = m_store.save_applied_change(event.account_id, event.company_id, facts->record.id, changed_at); !saved)
            return tl::unexpected(saved.error());
    return done;
}

Result<domain::RecordEventFacts> RecordSync::gather(const store::InboxEvent& event, const SyncAccount& account, domain::Record record) {
    const int64_t id = event.account_id;
    const auto& settings = account.settings;
    domain::RecordEventFacts facts;
    facts.event_type = event.event_type;
    facts.tried_before = event.attempts > 1;
    facts.now = m_clock();
    facts.record = std::move(record);
    auto& lookup = facts.lookup;
    lookup.record_id = facts.record.id;
    lookup.client_phone = facts.record.client ? facts.record.client->phone : "";
    lookup.record_id_field = settings.lead_fields.record_id;

    auto link = m_store.lead_of_record(event.account_id, event.company_id, facts.record.id);
    if (!link) return tl::unexpected(link.error());
    lookup.linked_lead_id = link->value_or(0);
    auto remember = [&facts](const std::vector<wire::kommo::Lead>& leads) {
        for (const auto& l : leads) facts.leads[l.id] = clients::known_lead(l);
    };
    if (lookup.linked_lead_id != 0) {
        auto linked = m_kommo.leads_by_id(id, {lookup.linked_lead_id});
        if (!linked) return tl::unexpected(linked.error());
        remember(*linked);
        lookup.linked_lead_exists = facts.leads.count(lookup.linked_lead_id) != 0;
    }
    if (!lookup.linked_lead_exists) {
        auto parsed = domain::parse_phone(lookup.client_phone, settings.default_country_code);
        if (parsed) {
            auto contacts = m_kommo.contacts_by_phone(id, *parsed);
            if (!contacts) return tl::unexpected(contacts.error());
            for (const auto& contact : *contacts)
                for (const auto& lead : contact.leads) facts.leads[lead.id] = lead;
            lookup.contacts_by_phone = std::move(*contacts);
        }
        // Without a phone the Record ID field is the only way in; a retried event also looks there for the
        // lead its first try may have created.
        if ((!parsed || facts.tried_before) && lookup.record_id_field != 0) {
            auto found = m_kommo.search_leads(id, std::to_string(facts.record.id));
            if (!found) return tl::unexpected(found.error());
            remember(*found);
            for (const auto& l : *found) lookup.leads_by_record_field.push_back(clients::known_lead(l));
        }
    }

    auto fields = m_reference.lead_fields(id);
    if (!fields) return tl::unexpected(fields.error());
    facts.lead_fields = std::move(*fields);
    auto pipelines = m_reference.pipelines(id);
    if (!pipelines) return tl::unexpected(pipelines.error());
    facts.pipelines = std::move(*pipelines);
    facts.branch = domain::Branch{event.company_id, "", "", "", ""};
    if (auto branches = m_reference.branches(id, account.installation.altegio_user_token))
        for (const auto& b : *branches)
            if (b.id == event.company_id) facts.branch = b;
    return facts;
}

Result<std::string> RecordSync::carry_out(const store::InboxEvent& event, const SyncAccount& account,
                                          const domain::RecordEventFacts& facts, const domain::RecordPlan& plan) {
    using Action = domain::RecordPlan::Action;
    const int64_t id = event.account_id;
    const auto& record = facts.record;
    std::string problems;
    for (const auto& p : plan.problems) problems += "; field " + std::to_string(p.field_id) + ": " + p.message_key + " (" + p.detail + ")";
    if (plan.action == Action::nothing) return plan.reason;

    int64_t lead_id = plan.lead_id;
    std::string outcome;
    if (plan.action == Action::create_lead) {
        clients::KommoClient::NewLead fresh;
        fresh.name = i18n::render(plan.lead_name, account.settings.language);
        fresh.fields = plan.fields;
        fresh.stage = plan.stage;
        fresh.contact_id = plan.contact_id;
        fresh.responsible_user_id = plan.responsible_user_id;
        if (plan.contact_id == 0 && record.client) {
            fresh.contact_name = record.client->name;
            fresh.contact_phone = record.client->phone;
            fresh.contact_email = record.client->email;
        }
        auto created = m_kommo.create_lead(id, fresh);
        if (!created) return tl::unexpected(created.error());
        lead_id = created->lead_id;
        outcome = "created lead " + std::to_string(lead_id) + " (" + plan.reason + ")";
    } else {
        clients::KommoClient::LeadUpdate update{lead_id, plan.fields, plan.stage, plan.responsible_user_id};
        if (auto updated = m_kommo.update_lead(id, update); !updated) return tl::unexpected(updated.error());
        outcome = "updated lead " + std::to_string(lead_id) + " (" + plan.reason + "); stage: " + plan.stage_reason;
    }
    if (plan.link)
        if (auto saved = m_store.save_record_link(id, event.company_id, record.id, lead_id); !saved) return tl::unexpected(saved.error());
    auto extras = task_and_note(event, account, lead_id, plan);
    if (!extras) return tl::unexpected(extras.error());
    return outcome + *extras + problems;
}

Result<std::string> RecordSync::task_and_note(const store::InboxEvent& event, const SyncAccount& account, int64_t lead_id,
                                              const domain::RecordPlan& plan) {
    const int64_t id = event.account_id;
    const bool tried_before = event.attempts > 1;
    std::string out;
    if (plan.task) {
        std::string text = i18n::render(plan.task->text, account.settings.language);
        auto existing = tried_before ? m_kommo.lead_task_texts(id, lead_id) : Result<std::vector<std::string>>{};
        if (!existing) return tl::unexpected(existing.error());
        if (!contains(*existing, text)) {
            auto task = wire::kommo::encode_task(lead_id, text, plan.task->complete_till, plan.task->type_id, plan.task->responsible_user_id);
            if (auto added = m_kommo.add_task(id, task); !added) return tl::unexpected(added.error());
        }
        out += "; task";
    }
    if (plan.note) {
        std::string text = i18n::render(*plan.note, account.settings.language);
        auto existing = tried_before ? m_kommo.lead_note_texts(id, lead_id) : Result<std::vector<std::string>>{};
        if (!existing) return tl::unexpected(existing.error());
        if (!contains(*existing, text))
            if (auto added = m_kommo.add_note(id, lead_id, text); !added) return tl::unexpected(added.error());
        out += "; note";
    }
    return out;
}

}  // namespace kb::sync
