#include "relay/sync/client_sync.hpp"

#include <algorithm>
#include <variant>
#include "relay/i18n/kommo_texts.hpp"
#include "relay/account_context.hpp"
#include "shared/domain/money.hpp"
#include "shared/domain/payments.hpp"
#include "shared/domain/phone.hpp"
#include "shared/wire/altegio.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::sync {
namespace {

using wire::Json;

struct Loaded {
    AccountContext account;
    Json data;
};

// The account and the event's data; a text instead when the event is to be ignored.
Result<std::variant<Loaded, std::string>> load(store::Store& store, clients::ReferenceCache& reference, const store::InboxEvent& event) {
    auto body = wire::parse_json(event.body);
    if (!body) return fail(Errc::bad_input, "ui.error.bad_webhook", "stored event is not JSON");
    auto account = load_account_context(store, event.account_id);
    if (!account) return tl::unexpected(account.error());
    if (!*account) return std::string("ignored: the account has uninstalled the integration");
    auto in_force = (*account)->branch_in_force(reference, event.company_id);
    if (!in_force) return tl::unexpected(in_force.error());
    if (!*in_force) return std::string("ignored: branch ") + std::to_string(event.company_id) + " is not connected";
    const Json* data = wire::member(*body, "data");
    return Loaded{std::move(**account), data ? *data : Json()};
}

bool wants_subscription(const domain::ContactFieldMap& map) {
    return map.subscription_name || map.subscription_start || map.subscription_end || map.subscription_remaining;
}

}  // namespace

Result<std::string> ClientSync::handle_client(const store::InboxEvent& event) {
    auto loaded = load(m_store, m_reference, event);
    if (!loaded) return tl::unexpected(loaded.error());
    if (auto* ignored = std::get_if<std::string>(&*loaded)) return *ignored;
    auto& [account, data] = std::get<Loaded>(*loaded);
    if (event.event_type == "delete") return std::string("nothing to do: a deleted client leaves the contact as it is");
    auto profile = wire::altegio::decode_client(data, "data");
    if (!profile) profile = m_altegio.client(event.account_id, account.installation.altegio_user_token, event.company_id, event.resource_id);
    if (!profile) return tl::unexpected(profile.error());
    return write_contacts(account, event.company_id, std::move(*profile));
}

bool ClientSync::maps_contacts(const domain::Settings& settings) {
    const auto& c = settings.contact_fields;
    return c.birthday || c.category || c.write_phone || !c.additional_fields.empty() || c.visits_count || c.visits_sum || c.client_id ||
           wants_subscription(c);
}

Result<std::string> ClientSync::write_contacts(const AccountContext& account, int64_t company_id, domain::ClientProfile profile) {
    const auto& settings = account.settings;
    const int64_t id = account.installation.account_id;
    const std::string& token = account.installation.altegio_user_token;
    auto parsed = domain::parse_phone(profile.phone, settings.default_country_code);
    if (!parsed) return std::string("nothing to do: the client has no phone to find their contact by");
    if (wants_subscription(settings.contact_fields)) {
        auto subscription = m_altegio.active_subscription(id, token, company_id, "+" + parsed->country_code + parsed->national);
        if (!subscription) return tl::unexpected(subscription.error());
        profile.subscription = *subscription;
    }

    auto found = m_kommo.contacts_with_leads(id, clients::phone_search_text(*parsed));
    if (!found) return tl::unexpected(found.error());
    auto fields = m_reference.contact_fields(id);
    if (!fields) return tl::unexpected(fields.error());
    const auto& c = settings.contact_fields;
    int32_t kommo_offset = 0;   // Kommo not asked (no date field mapped) or silent: days at UTC midnight
    if (c.birthday || c.subscription_start || c.subscription_end) {
        auto offset = m_reference.kommo_utc_offset(id);
        if (!offset) return tl::unexpected(offset.error());
        kommo_offset = offset->value_or(0);
    }
    auto mapped = domain::map_client_to_contact(profile, company_id, c, *fields, settings.default_country_code, kommo_offset);
    if (mapped.values.empty()) return std::string("nothing to do: no contact field is mapped");
    std::string updated;
    for (const auto& [contact, leads] : *found) {
        bool same = false;
        for (const auto& phone : contact.phones) same = same || domain::same_client_phone(phone, profile.phone, settings.default_country_code);
        if (!same) continue;
        if (auto written = m_kommo.update_contact(id, contact.id, mapped.values); !written) return tl::unexpected(written.error());
        updated += (updated.empty() ? "" : ", ") + std::to_string(contact.id);
    }
    std::string problems;
    for (const auto& p : mapped.problems) problems += "; field " + std::to_string(p.field_id) + ": " + p.message_key;
    if (updated.empty()) return "nothing to do: no Kommo contact has the client's phone" + problems;
    return "updated contact " + updated + problems;
}

Result<std::string> ClientSync::handle_payment(const store::InboxEvent& event) {
    auto loaded = load(m_store, m_reference, event);
    if (!loaded) return tl::unexpected(loaded.error());
    if (auto* ignored = std::get_if<std::string>(&*loaded)) return *ignored;
    auto& [account, data] = std::get<Loaded>(*loaded);
    const auto& settings = account.settings;
    const int64_t id = event.account_id;
    auto operation = wire::altegio::decode_finance_operation(data, "data");
    if (!operation) return tl::unexpected(operation.error());
    if (operation->record_id == 0) return "recorded: operation " + std::to_string(operation->id) + " is not for a record; nothing changed";
    auto lead = m_store.lead_of_record(id, event.company_id, operation->record_id);
    if (!lead) return tl::unexpected(lead.error());
    if (!*lead) return "nothing to do: record " + std::to_string(operation->record_id) + " has no lead";
    auto listed = m_altegio.record_payments(id, account.installation.altegio_user_token, event.company_id, operation->record_id);
    if (!listed) return tl::unexpected(listed.error());

    // What the lead shows now: its payments field, when mapped. A retry whose first try wrote the field already
    // falls back to the total without this operation, so the note its first try may not have added is decided again.
    const int64_t field = settings.lead_fields.payments_amount;
    std::optional<domain::Money> shown;
    if (field != 0) {
        auto leads = m_kommo.leads_by_id(id, {**lead});
        if (!leads) return tl::unexpected(leads.error());
        if (leads->empty()) return "nothing to do: lead " + std::to_string(**lead) + " is gone from Kommo";
        auto values = clients::known_lead(leads->front()).field_values;
        auto value = values.find(field);
        shown = value == values.end() ? domain::Money{} : domain::parse_money(value->second).value_or(domain::Money{});
    }
    domain::Payment reported{operation->id, operation->record_id, operation->amount};
    auto effect = domain::payment_effect(*listed, reported, shown);
    if (effect.change.minor == 0 && event.attempts > 1) effect = domain::payment_effect(*listed, reported, std::nullopt);

    std::string outcome = "lead " + std::to_string(**lead) + ": total paid " + std::to_string(effect.total.minor) + " (minor units)";
    if (effect.change.minor == 0) return outcome + ", as before; nothing changed";
    if (field != 0 && shown != effect.total) {
        auto fields = m_reference.lead_fields(id);
        if (!fields) return tl::unexpected(fields.error());
        auto mapped = domain::map_paid_total(effect.total, field, *fields);
        if (mapped.values.empty()) {
            std::string why = mapped.problems.empty() ? "" : mapped.problems.front().message_key;
            outcome += "; field " + std::to_string(field) + " not written: " + why;
        } else {
            if (auto written = m_kommo.update_lead(id, {**lead, mapped.values, {}, 0, {}}); !written) return tl::unexpected(written.error());
            outcome += "; field written";
        }
    }
    if (settings.automation.journal_note) {
        std::string currency;
        if (auto branches = m_reference.branches(id, account.installation.altegio_user_token))
            for (const auto& b : *branches)
                if (b.id == event.company_id) currency = b.currency;
        domain::Message note{"kommo.note.payment",
                             {{"record", std::to_string(operation->record_id)},
                              {"amount", domain::format_money(effect.total, settings.language, currency)},
                              {"change", domain::format_money_change(effect.change, settings.language, currency)}}};
        std::string text = i18n::render(note, settings.language);
        auto existing = event.attempts > 1 ? m_kommo.lead_note_texts(id, **lead) : Result<std::vector<std::string>>{};
        if (!existing) return tl::unexpected(existing.error());
        if (std::find(existing->begin(), existing->end(), text) == existing->end())
            if (auto added = m_kommo.add_note(id, **lead, text); !added) return tl::unexpected(added.error());
        outcome += "; note";
    }
    return outcome;
}

}  // namespace kb::sync
