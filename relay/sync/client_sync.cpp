#include "relay/sync/client_sync.hpp"

#include <algorithm>
#include <variant>
#include "relay/i18n/kommo_texts.hpp"
#include "relay/sync/sync_account.hpp"
#include "shared/domain/money.hpp"
#include "shared/domain/phone.hpp"
#include "shared/wire/altegio.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::sync {
namespace {

using wire::Json;

struct Loaded {
    SyncAccount account;
    Json data;
};

// The account and the event's data; a text instead when the event is to be ignored.
Result<std::variant<Loaded, std::string>> load(store::Store& store, const store::InboxEvent& event) {
    auto body = wire::parse_json(event.body);
    if (!body) return fail(Errc::bad_input, "ui.error.bad_webhook", "stored event is not JSON");
    auto account = load_sync_account(store, event.account_id);
    if (!account) return tl::unexpected(account.error());
    if (!*account) return std::string("ignored: the account has uninstalled the integration");
    if (!(*account)->branch_connected(event.company_id))
        return std::string("ignored: branch ") + std::to_string(event.company_id) + " is not connected";
    const Json* data = wire::member(*body, "data");
    return Loaded{std::move(**account), data ? *data : Json()};
}

bool wants_subscription(const domain::ContactFieldMap& map) {
    return map.subscription_name || map.subscription_start || map.subscription_end || map.subscription_remaining;
}

}  // namespace

Result<std::string> ClientSync::handle_client(const store::InboxEvent& event) {
    auto loaded = load(m_store, event);
    if (!loaded) return tl::unexpected(loaded.error());
    if (auto* ignored = std::get_if<std::string>(&*loaded)) return *ignored;
    auto& [account, data] = std::get<Loaded>(*loaded);
    const auto& settings = account.settings;
    const std::string& token = account.installation.altegio_user_token;
    if (event.event_type == "delete") return std::string("nothing to do: a deleted client leaves the contact as it is");

    auto profile = wire::altegio::decode_client(data, "data");
    if (!profile) profile = m_altegio.client(event.account_id, token, event.company_id, event.resource_id);
    if (!profile) return tl::unexpected(profile.error());
    auto parsed = domain::parse_phone(profile->phone, settings.default_country_code);
    if (!parsed) return std::string("nothing to do: the client has no phone to find their contact by");
    if (wants_subscription(settings.contact_fields)) {
        auto subscription = m_altegio.active_subscription(event.account_id, token, event.company_id,
                                                          "+" + parsed->country_code + parsed->national);
        if (!subscription) return tl::unexpected(subscription.error());
        profile->subscription = *subscription;
    }

    auto found = m_kommo.contacts_with_leads(event.account_id, clients::phone_search_text(*parsed));
    if (!found) return tl::unexpected(found.error());
    auto fields = m_reference.contact_fields(event.account_id);
    if (!fields) return tl::unexpected(fields.error());
    auto mapped = domain::map_client_to_contact(*profile, event.company_id, settings.contact_fields, *fields, settings.default_country_code, 0);
    if (mapped.values.empty()) return std::string("nothing to do: no contact field is mapped");
    std::string updated;
    for (const auto& [contact, leads] : *found) {
        bool same = false;
        for (const auto& phone : contact.phones) same = same || domain::same_client_phone(phone, profile->phone, settings.default_country_code);
        if (!same) continue;
        if (auto written = m_kommo.update_contact(event.account_id, contact.id, mapped.values); !written) return tl::unexpected(written.error());
        updated += (updated.empty() ? "" : ", ") + std::to_string(contact.id);
    }
    std::string problems;
    for (const auto& p : mapped.problems) problems += "; field " + std::to_string(p.field_id) + ": " + p.message_key;
    if (updated.empty()) return "nothing to do: no Kommo contact has the client's phone" + problems;
    return "updated contact " + updated + problems;
}

Result<std::string> ClientSync::handle_payment(const store::InboxEvent& event) {
    auto loaded = load(m_store, event);
    if (!loaded) return tl::unexpected(loaded.error());
    if (auto* ignored = std::get_if<std::string>(&*loaded)) return *ignored;
    auto& [account, data] = std::get<Loaded>(*loaded);
    const auto& settings = account.settings;
    auto operation = wire::altegio::decode_finance_operation(data, "data");
    if (!operation) return tl::unexpected(operation.error());
    if (operation->record_id == 0) return std::string("nothing to do: the payment is not for a record");
    auto lead = m_store.lead_of_record(event.account_id, event.company_id, operation->record_id);
    if (!lead) return tl::unexpected(lead.error());
    if (!*lead) return "nothing to do: record " + std::to_string(operation->record_id) + " has no lead";
    auto paid = m_altegio.paid_for_record(event.account_id, account.installation.altegio_user_token, event.company_id, operation->record_id);
    if (!paid) return tl::unexpected(paid.error());

    std::string outcome = "lead " + std::to_string(**lead) + ": paid " + std::to_string(paid->minor) + " (minor units)";
    if (int64_t field = settings.lead_fields.payments_amount; field != 0) {
        auto fields = m_reference.lead_fields(event.account_id);
        if (!fields) return tl::unexpected(fields.error());
        domain::Record record;
        record.paid = *paid;
        domain::LeadFieldMap only_payments;
        only_payments.payments_amount = field;
        auto mapped = domain::map_record_to_lead(record, domain::Branch{}, only_payments, *fields, {});
        if (auto written = m_kommo.update_lead(event.account_id, {**lead, mapped.values, {}, 0}); !written)
            return tl::unexpected(written.error());
        outcome += "; field written";
    }
    if (settings.automation.journal_note) {
        std::string currency;
        if (auto branches = m_reference.branches(event.account_id, account.installation.altegio_user_token))
            for (const auto& b : *branches)
                if (b.id == event.company_id) currency = b.currency;
        domain::Message note{"kommo.note.payment", {{"record", std::to_string(operation->record_id)},
                                                    {"amount", domain::format_money(*paid, settings.language, currency)}}};
        std::string text = i18n::render(note, settings.language);
        auto existing = event.attempts > 1 ? m_kommo.lead_note_texts(event.account_id, **lead) : Result<std::vector<std::string>>{};
        if (!existing) return tl::unexpected(existing.error());
        if (std::find(existing->begin(), existing->end(), text) == existing->end())
            if (auto added = m_kommo.add_note(event.account_id, **lead, text); !added) return tl::unexpected(added.error());
        outcome += "; note";
    }
    return outcome;
}

}  // namespace kb::sync
