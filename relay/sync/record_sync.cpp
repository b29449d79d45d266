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

// What the rules need of a record that an event's data may lack; "" when it has all of it.
std::string lacking(const Result<domain::Record>& decoded) {
    if (!decoded) return "a readable record (" + decoded.error().detail + ")";
    std::string out;
    auto add = [&out](const char* part) { out += (out.empty() ? "" : ", ") + std::string(part); };
    if (decoded->date.empty() && decoded->datetime.empty()) add("the date");
    if (decoded->services.empty()) add("the services");
    if (decoded->staff_id == 0) add("the employee");
    if (!decoded->client) add("the client");
    return out;
}

}  // namespace

Result<std::pair<domain::Record, std::string>> RecordSync::complete_record(const store::InboxEvent& event, const AccountContext& account,
                                                                           const wire::Json* data) {
    auto decoded = data ? wire::altegio::decode_record(*data, "data") : Result<domain::Record>(fail(Errc::bad_input, "ui.error.bad_webhook", "no data"));
    std::string missing = lacking(decoded);
    std::pair<domain::Record, std::string> out;
    auto& [record, how] = out;
    if (missing.empty()) {
        record = std::move(*decoded);
    } else {
        int64_t record_id = decoded && decoded->id != 0 ? decoded->id : event.resource_id;
        auto fetched = m_altegio.get_record(event.account_id, account.installation.altegio_user_token, event.company_id, record_id);
        if (fetched) {
            record = std::move(*fetched);
            how = "; completed from Altegio: the event lacked " + missing;
        } else if (fetched.error().code == Errc::not_found) {
            // Altegio no longer has it: final, and the same as a deletion (the cancel rules apply).
            if (decoded) record = std::move(*decoded);
            record.id = record_id;
            record.deleted = true;
            record.last_change_date.clear();   // gone is final: no change date of the event's can make it older
            how = "; record deleted in Altegio (the event lacked " + missing + "; reading the record: " + fetched.error().detail + ")";
        } else {
            Error error = fetched.error();
            error.detail = "the event lacked " + missing + "; reading the record: " + error.detail;
            return tl::unexpected(error);
        }
    }
    if (record.company_id == 0) record.company_id = event.company_id;
    if (event.event_type == "delete") record.deleted = true;
    return out;
}

Result<std::string> RecordSync::handle(const store::InboxEvent& event) {
    auto body = wire::parse_json(event.body);
    if (!body) return fail(Errc::bad_input, "ui.error.bad_webhook", "stored event is not JSON");
    auto account = load_account_context(m_store, event.account_id);
    if (!account) return tl::unexpected(account.error());
    if (!*account) return std::string("ignored: the account has uninstalled the integration");
    auto in_force = (*account)->branch_in_force(m_reference, event.company_id);
    if (!in_force) return tl::unexpected(in_force.error());
    if (!*in_force) return std::string("ignored: branch ") + std::to_string(event.company_id) + " is not connected";

    auto completed = complete_record(event, **account, wire::member(*body, "data"));
    if (!completed) return tl::unexpected(completed.error());
    auto& [record, how] = *completed;
    // A late webhook must not undo a newer state the reconciler (or a faster webhook) already applied.
    int64_t changed_at = 0;
    if (auto parsed = domain::parse_iso_datetime(record.last_change_date)) changed_at = domain::to_unix_seconds(*parsed);
    auto applied = m_store.applied_change(event.account_id, event.company_id, record.id);
    if (!applied) return tl::unexpected(applied.error());
    if (changed_at != 0 && changed_at < *applied)
        return std::string("skipped: a newer change of this record was applied already (") + record.last_change_date + ")";

    auto facts = gather(event, **account, std::move(record));
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
    if (done && facts->record.client_id != 0 && !facts->record.deleted && ClientSync::maps_contacts((*account)->settings)) {
        // The record's client into their contact's fields, as a client event would (a record event comes far more often).
        auto profile = m_altegio.client(event.account_id, (*account)->installation.altegio_user_token, event.company_id,
                                        facts->record.client_id);
        if (!profile) return tl::unexpected(profile.error());
        auto contacts = m_clients.write_contacts(**account, event.company_id, std::move(*profile));
        if (!contacts) return tl::unexpected(contacts.error());
        *done += "; contact: " + *contacts;
    }
    if (done) *done += how;
    if (done && changed_at != 0)
        if (auto saved = m_store.save_applied_change(event.account_id, event.company_id, facts->record.id, changed_at); !saved)
            return tl::unexpected(saved.error());
    return done;
}

Result<domain::RecordEventFacts> RecordSync::gather(const store::InboxEvent& event, const AccountContext& account, domain::Record record) {
    const int64_t id = event.account_id;
    const auto& settings = account.settings;
    domain::RecordEventFacts facts;
    facts.event_type = event.event_type;
    facts.tried_before = event.attempts > 1;
    facts.now = m_clock.seconds();
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
            auto contacts = m_contacts.contacts_with_phone(account, *parsed);
            if (!contacts) return tl::unexpected(contacts.error());
            for (const auto& contact : *contacts)
                for (const auto& lead : contact.leads) facts.leads[lead.id] = lead;
            lookup.contacts_by_phone = std::move(*contacts);
        }
        // A Record ID typed by hand on any lead (lead_lookup's rule 3); a retried event also finds there the lead its
        // first try may have created.
        if (lookup.record_id_field != 0 && (facts.tried_before || domain::record_field_finds_lead(facts.event_type, settings))) {
            auto found = m_kommo.search_leads(id, std::to_string(facts.record.id));
            if (!found) return tl::unexpected(found.error());
            remember(*found);
            for (const auto& l : *found) lookup.leads_by_record_field.push_back(clients::known_lead(l));
        }
    }

    auto fields = m_reference.lead_fields(id);
    if (!fields) return tl::unexpected(fields.error());
    facts.lead_fields = std::move(*fields);
    auto day_offset = m_reference.record_day_offset(id, settings.lead_fields, facts.record.datetime);
    if (!day_offset) return tl::unexpected(day_offset.error());
    facts.kommo_offset_seconds = *day_offset;
    auto pipelines = m_reference.pipelines(id);
    if (!pipelines) return tl::unexpected(pipelines.error());
    facts.pipelines = std::move(*pipelines);
    facts.branch = domain::Branch{event.company_id, "", "", "", ""};
    if (auto branches = m_reference.branches(id, account.installation.altegio_user_token))
        for (const auto& b : *branches)
            if (b.id == event.company_id) facts.branch = b;
    if (domain::uses_service_categories(settings)) {
        auto catalog = m_reference.catalog(id, event.company_id, account.installation.altegio_user_token);
        if (!catalog) return tl::unexpected(catalog.error());
        for (const auto& c : catalog->categories) facts.service_category_titles[c.id] = c.title;
        for (auto& s : facts.record.services) {
            if (s.category_id != 0) continue;
            for (const auto& listed : catalog->services)
                if (listed.id == s.id) s.category_id = listed.category_id;
        }
    }
    return facts;
}

Result<std::string> RecordSync::carry_out(const store::InboxEvent& event, const AccountContext& account,
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
            const auto& map = account.settings.contact_fields;
            fresh.contact_name = record.client->name;
            fresh.contact_phone = record.client->phone.empty() ? ""
                                  : domain::format_phone(record.client->phone, map.phone_format, map.phone_pattern,
                                                         account.settings.default_country_code);
            fresh.contact_email = record.client->email;
        }
        auto created = m_kommo.create_lead(id, fresh);
        if (!created) return tl::unexpected(created.error());
        lead_id = created->lead_id;
        if (plan.contact_id == 0) m_contacts.remember(account, created->contact_id, fresh.contact_phone);   // made with the lead
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

Result<std::string> RecordSync::task_and_note(const store::InboxEvent& event, const AccountContext& account, int64_t lead_id,
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
