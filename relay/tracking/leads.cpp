#include "relay/tracking/leads.hpp"

#include <algorithm>
#include <tuple>
#include "relay/crypto/hmac.hpp"
#include "relay/crypto/secret_box.hpp"
#include "relay/i18n/kommo_texts.hpp"
#include "relay/sync/inbox_rows.hpp"
#include "relay/account_context.hpp"
#include "shared/domain/phone.hpp"
#include "shared/domain/text.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/tracking.hpp"

namespace kb::tracking {

using wire::Json;

struct TrackingFlow::Work {
    const store::InboxEvent& inbox;
    AccountContext account;
    domain::TrackedLead lead;
    const domain::LeadTracking& settings() const { return account.settings.tracking; }
    const std::string& language() const { return account.settings.language; }
};

namespace {

constexpr size_t max_searched_bytes = 255;   // of a name or an address looked for in Kommo

std::string client_name(const domain::TrackedLead& lead) {
    if (!lead.name.empty()) return lead.name;
    return lead.email.empty() ? lead.phone : lead.email;
}

std::string type_word(domain::TrackedLeadType type, const std::string& language) {
    return i18n::render({std::string("kommo.tracked_type.") + domain::tracked_lead_type_name(type), {}}, language);
}

// The parameters whose values reached the deal: those whose mapped field is among the values sent.
void mark_written(domain::TrackedLead& lead, const domain::LeadTracking& settings, const std::vector<domain::FieldValue>& sent) {
    for (const auto& [param, value] : lead.params) {
        auto field = settings.fields.find(param);
        if (field == settings.fields.end()) continue;
        if (std::any_of(sent.begin(), sent.end(), [&](const auto& v) { return v.field_id == field->second; })) lead.written[param] = value;
    }
}

std::string problems_text(const std::vector<domain::MappingProblem>& problems) {
    std::string out;
    for (const auto& p : problems) out += "; field " + std::to_string(p.field_id) + " not written: " + p.detail;
    return out;
}

}  // namespace

// [SECTION] intake -----------------------------------------------------------------------------------------------
Result<std::vector<store::InboxEvent>> TrackingFlow::intake_rows(int64_t account_id, const std::string& body) {
    auto account = load_account_context(m_store, account_id);
    if (!account) return tl::unexpected(account.error());
    if (!*account) return fail(Errc::not_found, "ui.error.not_found", "unknown webhook key");
    if (!(*account)->settings.tracking.enabled)
        return fail(Errc::not_configured, "ui.error.tracking_off", "lead tracking is off in the integration's settings");
    auto parsed = wire::parse_json(body);
    if (!parsed) return fail(Errc::bad_input, "ui.error.bad_webhook", parsed.error().detail);
    const Json items = parsed->is_array() ? *parsed : Json::array({*parsed});
    if (items.empty()) return fail(Errc::bad_input, "ui.error.bad_webhook", "no leads");
    std::vector<store::InboxEvent> rows;
    for (size_t i = 0; i < items.size(); ++i) {
        auto post = wire::tracking::decode_post(items[i]);
        if (!post) return fail(Errc::bad_input, "ui.error.bad_webhook", (parsed->is_array() ? wire::index_path("", i) + "." : "") + post.error().detail);
        Json kept = wire::tracking::encode_post(*post);
        rows.push_back(sync::tracked_lead_row(account_id, post->lead_id, "post", Json{{"post", kept}}, "post#" + crypto::digest_hex(kept.dump())));
    }
    return rows;
}

Result<int32_t> TrackingFlow::queue_due_searches() {
    auto due = m_store.due_tracking_searches(m_clock.ms(), 200);
    if (!due) return tl::unexpected(due.error());
    std::vector<store::InboxEvent> rows;
    for (const auto& lead : *due) {
        // One event per scheduled look: asked again before it ran, the same look is not queued twice.
        store::InboxEvent row = sync::tracked_lead_row(lead.account_id, lead.lead_id, "search", Json{{"lead_id", lead.lead_id}},
                                                       "search@" + std::to_string(lead.next_search_ms));
        row.received_at_ms = m_clock.ms();
        rows.push_back(std::move(row));
    }
    if (rows.empty()) return 0;
    return m_store.append_to_inbox(rows);
}

// [SECTION] the work ---------------------------------------------------------------------------------------------
Result<void> TrackingFlow::save(const Work& work) {
    const auto& lead = work.lead;
    return m_store.save_tracked_lead(store::TrackedLeadRow{work.inbox.account_id, lead.lead_id, wire::tracking::encode_tracked_lead(lead).dump(),
                                                           lead.state == domain::TrackingState::searching ? lead.next_search_ms : 0, m_clock.ms()});
}

Result<void> TrackingFlow::note_in_history(const Work& work, const char* kind, const std::string& what) {
    store::HistoryEntry entry{0, m_clock.ms(), work.inbox.account_id, "in", kind, "", "tracked lead " + work.lead.lead_id, 0, what,
                              work.inbox.body, "", 0};
    return m_store.add_history(entry);
}

Result<std::string> TrackingFlow::handle(const store::InboxEvent& inbox) {
    auto body = wire::parse_json(inbox.body);
    if (!body) return fail(Errc::internal, "ui.error.storage", "tracked lead event: " + body.error().detail);
    std::optional<domain::TrackedLeadPost> post;
    std::string lead_id = wire::read_text(*body, "lead_id");
    if (const Json* kept = wire::member(*body, "post")) {
        auto decoded = wire::tracking::decode_post(*kept);
        if (!decoded) return tl::unexpected(decoded.error());
        post = std::move(*decoded);
        lead_id = post->lead_id;
    }
    auto account = load_account_context(m_store, inbox.account_id);
    if (!account) return tl::unexpected(account.error());
    if (!*account) return std::string("ignored: the account has uninstalled the integration");
    auto row = m_store.tracked_lead(inbox.account_id, lead_id);
    if (!row) return tl::unexpected(row.error());

    Work work{inbox, std::move(**account), {}};
    if (*row) {
        auto parsed = wire::parse_json((*row)->record_json);
        auto decoded = parsed ? wire::tracking::decode_tracked_lead(*parsed) : tl::unexpected(parsed.error());
        if (!decoded) return tl::unexpected(decoded.error());
        work.lead = std::move(*decoded);
    } else if (!post) {
        return std::string("nothing to do: no such tracked lead");
    } else {
        if (!post->type) return fail(Errc::bad_input, "ui.error.bad_webhook", "lead " + lead_id + ": its first post names no type");
        work.lead.lead_id = lead_id;
        work.lead.type = *post->type;
        work.lead.first_seen_ms = inbox.received_at_ms;
        work.lead.modes = work.settings().modes_for(*post->type);
    }

    const int64_t now = m_clock.ms();
    domain::TrackingPlan plan = post ? domain::plan_tracked_post(work.lead, domain::merge_post(work.lead, *post), work.settings(), now)
                                     : domain::plan_search(work.lead, now);
    bool writes = plan.step == domain::TrackingStep::create || plan.step == domain::TrackingStep::search ||
                  plan.step == domain::TrackingStep::update;
    if (writes && !work.settings().enabled) {
        plan = {domain::TrackingStep::nothing, "not written: lead tracking is off in the settings"};
        if (work.lead.state == domain::TrackingState::searching)   // looked for again later, in case it is switched back on
            work.lead.next_search_ms = domain::next_search_at(work.lead.first_seen_ms, now);
    }

    switch (plan.step) {
        case domain::TrackingStep::create: return create(work);
        case domain::TrackingStep::search: return search(work);
        case domain::TrackingStep::update: return update(work, true);
        case domain::TrackingStep::ignore_type: work.lead.state = domain::TrackingState::ignored; break;
        case domain::TrackingStep::expired:
            if (work.lead.state == domain::TrackingState::searching) work.lead.state = domain::TrackingState::expired;
            break;
        case domain::TrackingStep::nothing: break;
    }
    if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
    const char* kind = plan.step == domain::TrackingStep::ignore_type ? "tracking.ignored"
                       : plan.step == domain::TrackingStep::expired   ? "tracking.expired"
                                                                      : nullptr;
    if (kind)
        if (auto logged = note_in_history(work, kind, plan.outcome); !logged) return tl::unexpected(logged.error());
    return plan.outcome;
}

// The contact and the company the lead type's modes find (mode find): the newest contact with the lead's email (else
// phone), unless the deal is looked for (a found deal brings its own), and the company with the lead's company name.
// What it found, for the outcome ("" when nothing was looked for).
Result<std::string> TrackingFlow::find_existing(Work& work) {
    auto& lead = work.lead;
    std::string found;
    if (lead.modes.contact == domain::TrackingMode::find && lead.modes.deal != domain::TrackingMode::find && lead.contact_id == 0) {
        auto contact = newest_contact(work);
        if (!contact) return tl::unexpected(contact.error());
        lead.contact_id = *contact;
        found = lead.contact_id != 0 ? "found contact " + std::to_string(lead.contact_id) : "no contact of " + contact_key(lead) + " found";
    }
    if (lead.modes.company == domain::TrackingMode::find && lead.company_id == 0 && !lead.company.empty()) {
        auto company = company_named(work);
        if (!company) return tl::unexpected(company.error());
        lead.company_id = *company;
        found += std::string(found.empty() ? "" : ", ") +
                 (*company != 0 ? "found company " + std::to_string(*company) : "no company named " + lead.company + " found");
    }
    if (!found.empty())
        if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
    return found;
}

// The newest Kommo contact with the lead's email (else phone); 0 when there is none.
Result<int64_t> TrackingFlow::newest_contact(Work& work) {
    auto contacts = matching_contacts(work.inbox.account_id, work.lead, work.account.settings.default_country_code);
    if (!contacts) return tl::unexpected(contacts.error());
    int64_t newest = 0;
    for (const auto& [contact, deals] : *contacts) newest = std::max(newest, contact.id);
    return newest;
}

// The Kommo company with the lead's company name; 0 when there is none. A name longer than any Kommo keeps is not
// looked for: the search would only bounce off Kommo's URL limit.
Result<int64_t> TrackingFlow::company_named(Work& work) {
    if (work.lead.company.empty() || work.lead.company.size() > max_searched_bytes) return 0;
    return m_kommo.company_named(work.inbox.account_id, work.lead.company);
}

// What the lead type's modes make at once: the deal with its contact and company in one request (a found contact or
// company linked to it), or the contact and company alone; what they find gets the lead's parameters.
Result<std::string> TrackingFlow::create(Work& work) {
    const auto& s = work.settings();
    auto& lead = work.lead;
    const auto& modes = lead.modes;
    auto found = find_existing(work);
    if (!found) return tl::unexpected(found.error());
    const int64_t found_contact = lead.contact_id, found_company = lead.company_id;
    std::vector<std::string> tags;
    if (std::string tag = domain::tracking_tag(lead, s); !tag.empty()) tags.push_back(tag);
    const std::string client = client_name(lead);
    std::string outcome;
    if (modes.deal == domain::TrackingMode::create) {
        auto fields = m_reference.lead_fields(work.inbox.account_id);
        if (!fields) return tl::unexpected(fields.error());
        // The marker goes into the deal with it and is saved before the request: if the answer is lost (the relay
        // dies, Kommo's reply never comes), the retry finds the deal by it instead of making a second one.
        auto marker_field = tracking_marker_field(work.inbox.account_id);
        if (!marker_field) return tl::unexpected(marker_field.error());
        if (!lead.marker.empty()) {
            auto made = deal_with_marker(work.inbox.account_id, *marker_field, lead.marker);
            if (!made) return tl::unexpected(made.error());
            if (*made) {
                lead.deal_id = (*made)->id;
                if (lead.contact_id == 0 && !(*made)->contact_ids.empty()) lead.contact_id = (*made)->contact_ids.front();
                lead.state = domain::TrackingState::linked;
                if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
                auto updated = update(work, false);   // what the lost try carried, and anything newer
                if (!updated) return tl::unexpected(updated.error());
                return "found deal " + std::to_string(lead.deal_id) + " made by an earlier try; " + *updated + note_message(work);
            }
        } else {
            lead.marker = "kbt-" + crypto::random_token(12);
            if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
        }
        clients::KommoClient::NewLead deal;
        deal.name = !lead.subject.empty() ? lead.subject
                                          : i18n::render({"kommo.lead_name.tracked", {{"type", type_word(lead.type, work.language())}, {"client", client}}},
                                                         work.language());
        deal.stage = s.stage;
        deal.responsible_user_id = s.responsible_user_id;
        auto mapped = domain::attribution_values(lead, s.fields, *fields, false);
        deal.fields = mapped.values;
        deal.fields.push_back(domain::FieldValue{*marker_field, domain::FieldValue::Kind::text, lead.marker});
        deal.contact_id = found_contact;
        if (found_contact == 0 && modes.contact == domain::TrackingMode::create) {
            deal.contact_name = client;
            deal.contact_phone = lead.phone;
            deal.contact_email = lead.email;
            auto values = entity_values(work, "contacts", false);
            if (!values) return tl::unexpected(values.error());
            deal.contact_fields = std::move(*values);
        }
        deal.company_id = found_company;
        if (found_company == 0 && modes.company == domain::TrackingMode::create && !lead.company.empty()) {
            deal.company_name = lead.company;
            auto values = entity_values(work, "companies", false);
            if (!values) return tl::unexpected(values.error());
            deal.company_fields = std::move(*values);
        }
        deal.tags = tags;
        auto created = m_kommo.create_lead(work.inbox.account_id, deal);
        if (!created) return tl::unexpected(created.error());
        lead.deal_id = created->lead_id;
        if (created->contact_id != 0) lead.contact_id = created->contact_id;
        if (created->company_id != 0) lead.company_id = created->company_id;
        mark_written(lead, s, mapped.values);
        outcome = "made deal " + std::to_string(lead.deal_id) + problems_text(mapped.problems);
    } else {
        // Each is marked as sent before its request: a retry after a lost answer first looks for what that try made.
        clients::KommoClient::NewEntity entity{client, lead.phone, lead.email, s.responsible_user_id, tags, {}};
        if (modes.contact == domain::TrackingMode::create && lead.contact_id == 0) {
            if (lead.contact_sent) {
                auto contact = newest_contact(work);
                if (!contact) return tl::unexpected(contact.error());
                lead.contact_id = *contact;
                if (lead.contact_id != 0) outcome = "found contact " + std::to_string(lead.contact_id) + " made by an earlier try";
            }
            if (lead.contact_id == 0) {
                auto values = entity_values(work, "contacts", false);
                if (!values) return tl::unexpected(values.error());
                entity.fields = std::move(*values);
                lead.contact_sent = true;
                if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
                auto contact = m_kommo.create_entity(work.inbox.account_id, "contacts", entity);
                if (!contact) return tl::unexpected(contact.error());
                lead.contact_id = *contact;
                outcome = "made contact " + std::to_string(lead.contact_id);
            }
        }
        if (modes.company == domain::TrackingMode::create && !lead.company.empty() && lead.company_id == 0) {
            if (lead.company_sent) {
                auto company = company_named(work);
                if (!company) return tl::unexpected(company.error());
                lead.company_id = *company;
                if (lead.company_id != 0)
                    outcome += (outcome.empty() ? "" : ", ") + std::string("found company ") + std::to_string(lead.company_id) + " made by an earlier try";
            }
            if (lead.company_id == 0) {
                lead.company_sent = true;   // and what is made so far is kept before the next request
                if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
                auto values = entity_values(work, "companies", false);
                if (!values) return tl::unexpected(values.error());
                auto company = m_kommo.create_entity(work.inbox.account_id, "companies", {lead.company, "", "", s.responsible_user_id, tags, *values});
                if (!company) return tl::unexpected(company.error());
                lead.company_id = *company;
                outcome += (outcome.empty() ? "" : ", ") + std::string("made company ") + std::to_string(lead.company_id);
            }
        }
    }
    lead.state = domain::TrackingState::linked;
    if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
    // What was found gets the lead's parameters now (what was made had them with it).
    for (auto [entity, id, word] : {std::tuple{"contacts", found_contact, "contact"}, {"companies", found_company, "company"}}) {
        auto written = write_entity_fields(work, entity, id, false);
        if (!written) return tl::unexpected(written.error());
        if (!written->empty()) outcome += std::string(outcome.empty() ? "" : "; ") + word + " " + std::to_string(id) + ": " + *written;
    }
    if (!found->empty()) outcome = *found + (outcome.empty() ? "" : "; " + outcome);
    if (outcome.empty()) outcome = "nothing made or found: the settings make nothing of a " + std::string(domain::tracked_lead_type_name(lead.type)) + " lead";
    outcome += note_message(work);
    return outcome;
}

// The lead's parameters written into a found or earlier made contact or company (`id`; 0: nothing to do), as the
// settings map them; "" when nothing was sent, else how many fields.
Result<std::string> TrackingFlow::write_entity_fields(Work& work, const char* entity, int64_t id, bool only_new) {
    if (id == 0) return std::string();
    auto values = entity_values(work, entity, only_new);
    if (!values) return tl::unexpected(values.error());
    if (values->empty()) return std::string();
    if (auto written = m_kommo.update_fields(work.inbox.account_id, entity, id, *values); !written) return tl::unexpected(written.error());
    return std::to_string(values->size()) + " fields";
}

// The lead's parameters for the contact's or the company's fields (`entity` "contacts" or "companies"), as the
// settings map them: all of them, or only those the deal does not have from the relay yet (`only_new`).
Result<std::vector<domain::FieldValue>> TrackingFlow::entity_values(Work& work, const char* entity, bool only_new) {
    const auto& s = work.settings();
    const bool contacts = std::string(entity) == "contacts";
    const auto& targets = contacts ? s.contact_fields : s.company_fields;
    if (targets.empty()) return std::vector<domain::FieldValue>{};
    auto fields = contacts ? m_reference.contact_fields(work.inbox.account_id) : m_reference.company_fields(work.inbox.account_id);
    if (!fields) return tl::unexpected(fields.error());
    return domain::attribution_values(work.lead, targets, *fields, only_new).values;
}

// The deal field the markers go into, found by its code or made the first time; remembered per account.
Result<int64_t> TrackingFlow::tracking_marker_field(int64_t account_id) {
    {
        std::lock_guard lock(m_marker_mutex);
        if (auto known = m_marker_fields.find(account_id); known != m_marker_fields.end()) return known->second;
    }
    auto fields = m_kommo.lead_field_definitions(account_id);
    if (!fields) return tl::unexpected(fields.error());
    auto found = std::find_if(fields->begin(), fields->end(), [](const auto& f) { return f.code == marker_field_code; });
    int64_t id = 0;
    if (found != fields->end()) {
        id = found->id;
    } else {
        auto created = m_kommo.create_field(account_id, "leads", "Lead tracking: marker", "text", marker_field_code);
        if (!created) return tl::unexpected(created.error());
        id = created->id;
        m_reference.invalidate(account_id);
    }
    std::lock_guard lock(m_marker_mutex);
    m_marker_fields[account_id] = id;
    return id;
}

// The deal an earlier try made with `marker`, found by Kommo's search over field values; none when it never came.
Result<std::optional<wire::kommo::Lead>> TrackingFlow::deal_with_marker(int64_t account_id, int64_t field_id, const std::string& marker) {
    auto leads = m_kommo.search_leads(account_id, marker);
    if (!leads) return tl::unexpected(leads.error());
    for (auto& lead : *leads)
        for (const auto& f : lead.custom_fields)
            if (f.field_id == field_id && !f.values.empty() && f.values.front() == marker) return std::move(lead);
    return std::nullopt;
}

// The lead's message as a note on its deal (else its contact), once; a failure is told, not retried.
std::string TrackingFlow::note_message(Work& work) {
    auto& lead = work.lead;
    if (lead.message.empty() || lead.message_noted || (lead.deal_id == 0 && lead.contact_id == 0)) return "";
    std::string text = i18n::render({"kommo.note.tracked_message", {{"type", type_word(lead.type, work.language())}, {"message", lead.message}}},
                                    work.language());
    auto noted = lead.deal_id != 0 ? m_kommo.add_note_to(work.inbox.account_id, "leads", lead.deal_id, text)
                                   : m_kommo.add_note_to(work.inbox.account_id, "contacts", lead.contact_id, text);
    if (!noted) return "; the message was not added as a note: " + noted.error().detail;
    lead.message_noted = true;
    if (auto saved = save(work); !saved) return "; the message note was added but not recorded: " + saved.error().detail;
    return "; message noted";
}

// How the lead is looked for in Kommo: its email, else its phone.
std::string TrackingFlow::contact_key(const domain::TrackedLead& lead) { return lead.email.empty() ? lead.phone : lead.email; }

// Kommo's contacts with the lead's email (else its phone), each with its deals' ids; none when the lead has neither.
Result<std::vector<std::pair<wire::kommo::Contact, std::vector<int64_t>>>> TrackingFlow::matching_contacts(int64_t account_id, const domain::TrackedLead& lead,
                                                                                                            const std::string& country) {
    std::string query;
    if (lead.email.size() > max_searched_bytes) return std::vector<std::pair<wire::kommo::Contact, std::vector<int64_t>>>{};   // no address is that long
    if (!lead.email.empty()) query = domain::fold_case(lead.email);   // as addresses are usually kept
    else if (auto phone = domain::parse_phone(lead.phone, country)) query = clients::phone_search_text(*phone);
    if (query.empty()) return std::vector<std::pair<wire::kommo::Contact, std::vector<int64_t>>>{};
    auto contacts = m_kommo.contacts_with_leads(account_id, query);
    if (!contacts) return tl::unexpected(contacts.error());
    std::erase_if(*contacts, [&](const auto& found) {
        const auto& contact = found.first;
        if (!lead.email.empty())
            return std::none_of(contact.emails.begin(), contact.emails.end(), [&](const auto& e) { return domain::fold_case(e) == domain::fold_case(lead.email); });
        return std::none_of(contact.phones.begin(), contact.phones.end(), [&](const auto& p) { return domain::same_client_phone(p, lead.phone, country); });
    });
    return contacts;
}

// The newest deal of the contact with the lead's email (else its phone); 0 when there is none yet.
Result<int64_t> TrackingFlow::newest_deal(int64_t account_id, const domain::TrackedLead& lead, const std::string& country) {
    auto contacts = matching_contacts(account_id, lead, country);
    if (!contacts) return tl::unexpected(contacts.error());
    std::vector<int64_t> ids;
    for (const auto& [contact, lead_ids] : *contacts) ids.insert(ids.end(), lead_ids.begin(), lead_ids.end());
    if (ids.empty()) return 0;
    auto deals = m_kommo.leads_by_id(account_id, ids);
    if (!deals) return tl::unexpected(deals.error());
    const wire::kommo::Lead* newest = nullptr;
    for (const auto& deal : *deals)
        if (!newest || deal.created_at > newest->created_at || (deal.created_at == newest->created_at && deal.id > newest->id)) newest = &deal;
    return newest ? newest->id : 0;
}

// Mode find: one look; found, the deal is the lead's and gets everything known; else the next look is planned. A look
// that fails (Kommo out of reach) is planned again like one that found nothing: the schedule is the retry, so a
// search never fails for good while its three hours last. A found deal whose update fails is not recorded as found:
// the event is retried and looks again.
Result<std::string> TrackingFlow::search(Work& work) {
    auto& lead = work.lead;
    lead.state = domain::TrackingState::searching;
    auto deal = newest_deal(work.inbox.account_id, lead, work.account.settings.default_country_code);
    ++lead.searches;
    if (deal && *deal != 0) {
        lead.deal_id = *deal;
        lead.state = domain::TrackingState::linked;
        lead.next_search_ms = 0;
        auto found = find_existing(work);   // the company the modes find (the contact is the deal's)
        if (!found) return tl::unexpected(found.error());
        auto updated = update(work, false);   // saves the lead as linked once the deal has what it should
        if (!updated) return tl::unexpected(updated.error());
        return "found deal " + std::to_string(*deal) + " (look " + std::to_string(lead.searches) + "); " + (found->empty() ? "" : *found + "; ") +
               *updated + note_message(work);
    }
    const std::string who = contact_key(lead);
    lead.next_search_ms = domain::next_search_at(lead.first_seen_ms, m_clock.ms());
    if (lead.next_search_ms == 0 || (lead.email.empty() && lead.phone.empty())) {
        lead.state = domain::TrackingState::expired;
        std::string why = who.empty() ? "not written: the lead has no email or phone to look for"
                                      : "not written: no deal of " + who + " was found within three hours";
        if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
        if (auto logged = note_in_history(work, "tracking.expired", why); !logged) return tl::unexpected(logged.error());
        return why;
    }
    if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
    std::string again = "looking again in " + std::to_string((lead.next_search_ms - m_clock.ms() + 999) / 1000) + " s";
    if (!deal) return "look " + std::to_string(lead.searches) + " failed (" + deal.error().detail + "); " + again;
    return "no deal of " + who + " yet (look " + std::to_string(lead.searches) + "); " + again;
}

// Writes the attribution the deal does not have from the relay, unless another lead's GA client id is there, and the
// same parameters into the contact and the company the modes pass (the deal's own contact when it was found).
Result<std::string> TrackingFlow::update(Work& work, bool only_new) {
    const auto& s = work.settings();
    auto& lead = work.lead;
    std::optional<wire::kommo::Lead> deal;
    if (lead.deal_id != 0) {
        auto fetched = m_kommo.lead(work.inbox.account_id, lead.deal_id);
        if (!fetched && fetched.error().code == Errc::not_found) {
            std::string why = "not written: deal " + std::to_string(lead.deal_id) + " no longer exists";
            lead.deal_id = 0;
            if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
            return why;
        }
        if (!fetched) return tl::unexpected(fetched.error());
        deal = std::move(*fetched);
        if (auto ga = s.fields.find(domain::TrackingParam::ga_client_id); ga != s.fields.end() && ga->second > 0) {
            std::string value;
            for (const auto& f : deal->custom_fields)
                if (f.field_id == ga->second && !f.values.empty()) value = f.values.front();
            if (domain::ga_blocks(value, lead)) {
                std::string why = "not updated: deal " + std::to_string(lead.deal_id) + " already has GA client id " + value + " (first touch wins)";
                if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
                if (auto logged = note_in_history(work, "tracking.ga_skipped", why); !logged) return tl::unexpected(logged.error());
                return why;
            }
        }
        if (lead.contact_id == 0 && lead.modes.contact != domain::TrackingMode::off && !deal->contact_ids.empty())
            lead.contact_id = deal->contact_ids.front();   // a found deal's client
    }
    // The contact's and the company's fields, before the deal's parameters are marked written.
    std::string others;
    for (auto [entity, id, word, mode] : {std::tuple{"contacts", lead.contact_id, "contact", lead.modes.contact},
                                          {"companies", lead.company_id, "company", lead.modes.company}}) {
        if (mode == domain::TrackingMode::off) continue;
        auto written = write_entity_fields(work, entity, id, only_new);
        if (!written) return tl::unexpected(written.error());
        if (!written->empty()) others += std::string("; ") + word + " " + std::to_string(id) + ": " + *written;
    }
    if (!deal) {
        if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
        return others.empty() ? std::string("nothing new to write") : others.substr(2);
    }
    auto fields = m_reference.lead_fields(work.inbox.account_id);
    if (!fields) return tl::unexpected(fields.error());
    auto mapped = domain::attribution_values(lead, s.fields, *fields, only_new);
    clients::KommoClient::LeadUpdate change{lead.deal_id, mapped.values, {}, 0, {}};
    if (std::string tag = domain::tracking_tag(lead, s); !tag.empty() && std::find(deal->tags.begin(), deal->tags.end(), tag) == deal->tags.end()) {
        change.tags = deal->tags;   // the whole list, so a PATCH that replaces tags keeps the deal's own
        change.tags.push_back(tag);
    }
    if (change.fields.empty() && change.tags.empty()) {
        if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
        return "nothing new for deal " + std::to_string(lead.deal_id) + problems_text(mapped.problems) + others;
    }
    if (auto updated = m_kommo.update_lead(work.inbox.account_id, change); !updated) return tl::unexpected(updated.error());
    mark_written(lead, s, mapped.values);
    if (auto saved = save(work); !saved) return tl::unexpected(saved.error());
    return "updated deal " + std::to_string(lead.deal_id) + ": " + std::to_string(mapped.values.size()) + " fields" +
           (change.tags.empty() ? "" : ", tag added") + problems_text(mapped.problems) + others;
}

}  // namespace kb::tracking
