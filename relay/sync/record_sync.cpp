#include "relay/sync/record_sync.hpp"

#include <algorithm>
#include "shared/domain/duplicate_search.hpp"
#include "shared/domain/field_mapping.hpp"
#include "shared/domain/lead_lookup.hpp"
#include "shared/domain/phone.hpp"
#include "shared/domain/status_sync.hpp"
#include "shared/wire/settings.hpp"

namespace kb::sync {
namespace {

using wire::Json;

domain::KnownLead known(const wire::kommo::Lead& lead) {
    domain::KnownLead k{lead.id, lead.pipeline_id, lead.status_id, 0, {}};
    for (const auto& f : lead.custom_fields)
        if (!f.values.empty()) k.field_values[f.field_id] = f.values.front();
    return k;
}

std::vector<domain::KommoFieldInfo> field_infos(const std::vector<wire::kommo::FieldDefinition>& definitions) {
    std::vector<domain::KommoFieldInfo> out;
    for (const auto& d : definitions) out.push_back(domain::KommoFieldInfo{d.id, d.type, d.enums});
    return out;
}

}  // namespace

Result<std::string> RecordSync::handle(const store::InboxEvent& event) {
    auto body = wire::parse_json(event.body);
    if (!body) return fail(Errc::bad_input, "ui.error.bad_webhook", "stored event is not JSON");
    if (event.resource == "record") return handle_record(event, *body);
    return std::string("ignored: no rule for ") + event.resource + " events yet";
}

Result<std::string> RecordSync::handle_record(const store::InboxEvent& event, const Json& body) {
    const int64_t account = event.account_id;
    auto installation = m_store.find_installation(account);
    if (!installation) return tl::unexpected(installation.error());
    if (!*installation) return std::string("ignored: the account has uninstalled the integration");
    auto settings_json = wire::parse_json((*installation)->settings_json);
    auto settings = settings_json ? wire::decode_settings(*settings_json) : Result<domain::Settings>(tl::unexpected(settings_json.error()));
    if (!settings) return tl::unexpected(settings.error());
    const auto& branches = settings->connected_branch_ids;
    if (!branches.empty() && std::find(branches.begin(), branches.end(), event.company_id) == branches.end())
        return std::string("ignored: branch ") + std::to_string(event.company_id) + " is not connected";

    // [SECTION] the record: from the event, or from Altegio when the event lacks the client
    const Json* data = wire::member(body, "data");
    auto record = data ? wire::altegio::decode_record(*data, "data") : Result<domain::Record>(tl::unexpected(Error{}));
    if ((!record || !record->client) && event.event_type != "delete") {
        record = m_altegio.get_record(account, (*installation)->altegio_user_token, event.company_id, event.resource_id);
        if (!record) return tl::unexpected(record.error());
    }
    if (!record) return fail(Errc::bad_input, "ui.error.bad_webhook", "the event carries no record");
    if (event.event_type == "delete") record->deleted = true;
    std::string phone = record->client ? record->client->phone : "";

    // [SECTION] which lead: linked, by phone, by the Record ID field
    auto link = m_store.lead_of_record(event.company_id, record->id);
    if (!link) return tl::unexpected(link.error());
    domain::LeadLookupFacts facts;
    facts.record_id = record->id;
    facts.client_phone = phone;
    facts.linked_lead_id = link->value_or(0);
    facts.record_id_field = settings->lead_fields.record_id;
    std::map<int64_t, wire::kommo::Lead> leads;   // every lead we read, by id
    if (facts.linked_lead_id != 0) {
        auto linked = m_kommo.leads_by_id(account, {facts.linked_lead_id});
        if (!linked) return tl::unexpected(linked.error());
        for (auto& l : *linked) leads[l.id] = l;
        facts.linked_lead_exists = leads.count(facts.linked_lead_id) != 0;
    }
    std::vector<domain::KnownContact> contacts;
    if (!facts.linked_lead_exists) {
        if (auto parsed = domain::parse_phone(phone, settings->default_country_code)) {
            // Search by the last ten digits (Kommo's search is textual), then keep only true matches.
            std::string national = parsed->national.size() > 10 ? parsed->national.substr(parsed->national.size() - 10) : parsed->national;
            auto found = m_kommo.contacts_with_leads(account, national);
            if (!found) return tl::unexpected(found.error());
            std::vector<int64_t> ids;
            for (const auto& [contact, lead_ids] : *found) ids.insert(ids.end(), lead_ids.begin(), lead_ids.end());
            auto details = m_kommo.leads_by_id(account, ids);
            if (!details) return tl::unexpected(details.error());
            for (auto& l : *details) leads[l.id] = l;
            for (const auto& [contact, lead_ids] : *found) {
                domain::KnownContact known_contact{contact.id, contact.phones, {}};
                for (int64_t id : lead_ids)
                    if (leads.count(id)) known_contact.leads.push_back(known(leads[id]));
                contacts.push_back(std::move(known_contact));
            }
            facts.contacts_by_phone = contacts;
        } else if (facts.record_id_field != 0) {
            auto found = m_kommo.search_leads(account, std::to_string(record->id));
            if (!found) return tl::unexpected(found.error());
            for (auto& l : *found) {
                facts.leads_by_record_field.push_back(known(l));
                leads[l.id] = l;
            }
        }
    }
    auto lookup = domain::find_lead_for_record(facts, settings->default_country_code);

    // [SECTION] the lead's new fields and stage
    auto definitions = m_kommo.lead_field_definitions(account);
    if (!definitions) return tl::unexpected(definitions.error());
    auto pipelines = m_kommo.pipelines(account);
    if (!pipelines) return tl::unexpected(pipelines.error());
    domain::Branch branch{event.company_id, "", "", "", ""};
    if (auto all = m_altegio.my_branches(account, (*installation)->altegio_user_token))
        for (const auto& b : *all)
            if (b.id == event.company_id) branch = b;
    auto mapped = domain::map_record_to_lead(*record, branch, settings->lead_fields, field_infos(*definitions), {});
    auto stage_for = [&](const wire::kommo::Lead& lead) {
        std::vector<int64_t> categories, labels;
        for (const auto& s : record->services) categories.push_back(s.category_id);
        for (const auto& l : record->labels) labels.push_back(l.id);
        domain::StatusFacts status{domain::record_state(*record), lead.pipeline_id, lead.status_id, categories,
                                   record->company_id, record->staff_id, labels};
        return domain::plan_status(settings->status_sync, status, *pipelines);
    };

    int64_t lead_id = lookup.lead_id;
    std::string how = lookup.reason;
    if (lookup.found == domain::LeadLookup::Found::none) {
        bool ours = record->api_id.rfind("kb-", 0) == 0;
        if (ours) return std::string("nothing to do: our own booking, its lead is not linked (") + lookup.reason + ")";
        if (event.event_type != "create") return std::string("no lead updated: ") + lookup.reason;
        if (settings->automation.no_lead_for_records_made_in_altegio) return std::string("no lead: the settings make none for records made in Altegio");
        auto duplicate = domain::find_duplicate(record->id, phone, contacts, settings->duplicates, settings->lead_fields.record_id,
                                                settings->default_country_code);
        if (duplicate.action == domain::DuplicateDecision::Action::merge) {
            lead_id = duplicate.lead_id;
            how = duplicate.reason;
        } else {
            clients::KommoClient::NewLead fresh;
            fresh.name = (record->client ? record->client->name : std::string("Altegio")) + " — " +
                         (record->services.empty() ? std::to_string(record->id) : record->services.front().title);
            fresh.fields = mapped.values;
            fresh.stage = {settings->automation.new_lead_pipeline_id, settings->automation.new_lead_status_id};
            fresh.contact_id = duplicate.contact_id;
            if (record->client) {
                fresh.contact_name = record->client->name;
                fresh.contact_phone = record->client->phone;
                fresh.contact_email = record->client->email;
            }
            auto created = m_kommo.create_lead(account, fresh);
            if (!created) return tl::unexpected(created.error());
            if (auto saved = m_store.save_record_link(account, event.company_id, record->id, *created); !saved) return tl::unexpected(saved.error());
            if (settings->automation.journal_note)
                (void)m_kommo.add_note(account, *created, "Altegio: record " + std::to_string(record->id) + " created, " + record->date);
            return "created lead " + std::to_string(*created) + " (" + duplicate.reason + ")";
        }
    }

    // [SECTION] update the found lead
    if (!leads.count(lead_id)) {
        auto fetched = m_kommo.leads_by_id(account, {lead_id});
        if (!fetched) return tl::unexpected(fetched.error());
        for (auto& l : *fetched) leads[l.id] = l;
    }
    if (!leads.count(lead_id)) return fail(Errc::not_found, "ui.error.lead_not_found", "lead " + std::to_string(lead_id) + " vanished");
    auto status = stage_for(leads[lead_id]);
    if (auto updated = m_kommo.update_lead(account, lead_id, mapped.values, status.move ? status.target : domain::StageRef{}); !updated)
        return tl::unexpected(updated.error());
    if (lookup.link_now || lookup.found == domain::LeadLookup::Found::none)
        if (auto saved = m_store.save_record_link(account, event.company_id, record->id, lead_id); !saved) return tl::unexpected(saved.error());
    return "updated lead " + std::to_string(lead_id) + " (" + how + "); stage: " + status.reason;
}

}  // namespace kb::sync
