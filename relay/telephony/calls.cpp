#include "relay/telephony/calls.hpp"

#include "relay/crypto/hmac.hpp"
#include "relay/i18n/kommo_texts.hpp"
#include "relay/account_context.hpp"
#include "shared/domain/phone.hpp"
#include "shared/domain/telephony.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/telephony.hpp"

namespace kb::telephony {

using wire::Json;

Result<CallFlow::Target> CallFlow::kommo_target(int64_t account_id, const std::string& phone, const std::string& country,
                                                bool new_lead_allowed, const domain::Settings& settings) {
    auto parsed = domain::parse_phone(phone, country);
    if (!parsed) return Target{"", 0, "not logged in Kommo: the client's number " + phone + " is not a phone number"};
    auto contacts = m_kommo.contacts_by_phone(account_id, *parsed);
    if (!contacts) return tl::unexpected(contacts.error());
    auto target = domain::find_call_target(phone, *contacts, country);
    if (target.kind == domain::CallTarget::Kind::lead) return Target{"leads", target.id, target.reason};
    if (target.kind == domain::CallTarget::Kind::contact) return Target{"contacts", target.id, target.reason};
    if (!new_lead_allowed) return Target{"", 0, "not logged in Kommo: no contact has this phone (new leads for unknown callers are off)"};

    clients::KommoClient::NewLead lead;
    lead.name = i18n::render({"kommo.lead_name.incoming_call", {{"phone", phone}}}, settings.language);
    lead.stage = domain::StageRef{settings.automation.new_lead_pipeline_id, settings.automation.new_lead_status_id};
    lead.contact_name = phone;
    lead.contact_phone = phone;
    auto created = m_kommo.create_lead(account_id, lead);
    if (!created) return tl::unexpected(created.error());
    return Target{"leads", created->lead_id, "a new lead for an unknown caller"};
}

Result<std::string> CallFlow::handle(const store::InboxEvent& inbox) {
    auto body = wire::parse_json(inbox.body);
    if (!body) return fail(Errc::internal, "ui.error.storage", "call event: " + body.error().detail);
    std::string key = wire::read_text(*body, "chain_key");
    const Json* stored_event = wire::member(*body, "event");
    auto event = stored_event ? wire::telephony::decode_call_event(*stored_event, 0) : fail(Errc::internal, "ui.error.storage", "no event");
    if (!event) return tl::unexpected(event.error());

    auto chain = m_store.telephony_chain(key);
    if (!chain) return tl::unexpected(chain.error());
    if (!*chain) return std::string("ignored: the telephony chain was removed");
    auto account = load_account_context(m_store, inbox.account_id);
    if (!account) return tl::unexpected(account.error());
    if (!*account) return std::string("ignored: the account has uninstalled the integration");
    const domain::Settings& settings = (*account)->settings;
    const std::string& country = settings.default_country_code;

    auto stored = m_store.telephony_call(key, event->call_id);
    if (!stored) return tl::unexpected(stored.error());
    domain::CallRecord call;
    if (*stored) {
        auto parsed = wire::parse_json((*stored)->record_json);
        auto decoded = parsed ? wire::telephony::decode_call_record(*parsed) : tl::unexpected(parsed.error());
        if (!decoded) return tl::unexpected(decoded.error());
        call = std::move(*decoded);
    }
    auto save = [&]() -> Result<void> {
        return m_store.save_telephony_call(
            store::TelephonyCall{key, call.call_id, inbox.account_id, wire::telephony::encode_call_record(call).dump(), m_clock.ms()});
    };

    bool configured = domain::number_listed(domain::line_number_of(*event), (*chain)->numbers, country);
    domain::CallSteps steps = domain::plan_call_event(call, *event, configured);
    if (auto saved = save(); !saved) return tl::unexpected(saved.error());
    if (call.ignored) {
        store::HistoryEntry entry{0, m_clock.ms(), inbox.account_id, "in", "telephony.ignored", "", "chain " + (*chain)->name, 0,
                                  steps.outcome, inbox.body, "", 0};
        if (auto logged = m_store.add_history(entry); !logged) return tl::unexpected(logged.error());
        return steps.outcome;
    }

    std::string outcome = steps.outcome;
    const std::string& token = (*chain)->crm_token;
    bool to_altegio = (*chain)->enabled;
    if (steps.popup) {
        // A pop-up is useful only while the phone rings: one try, and a failure is noted, not repeated later.
        if (!to_altegio) outcome = "no pop-up: telephony is disabled in Altegio for this chain";
        else if (auto shown = m_altegio.voip(inbox.account_id, "altegio.voip_event", wire::telephony::voip_popup(call, token, country),
                                             clients::RetryPolicy::safe());
                 !shown)
            outcome = "pop-up not shown: " + shown.error().detail;
        call.popup_sent = true;
        if (auto saved = save(); !saved) return tl::unexpected(saved.error());
    }
    if (steps.save_history) {
        if (!to_altegio) outcome += "; not saved in Altegio: telephony is disabled there for this chain";
        else if (auto sent = m_altegio.voip(inbox.account_id, "altegio.voip_history", wire::telephony::voip_history(call, token, country),
                                            clients::RetryPolicy::once());
                 !sent)
            return tl::unexpected(sent.error());   // tried again later; the steps done so far are kept
        else outcome += "; saved in Altegio's call history";
        call.history_saved = true;
        if (auto saved = save(); !saved) return tl::unexpected(saved.error());
    }
    if (steps.log_in_kommo) {
        auto target = kommo_target(inbox.account_id, call.client_phone, country, (*chain)->new_lead_for_unknown, settings);
        if (!target) return tl::unexpected(target.error());
        if (!target->entity.empty()) {
            // A retried event first looks for the note its earlier try may have written.
            bool there = false;
            if (inbox.attempts > 1) {
                auto found = m_kommo.has_call_note(inbox.account_id, target->entity, target->id, call.call_id);
                if (!found) return tl::unexpected(found.error());
                there = *found;
            }
            bool answered = domain::call_succeeded(call);
            wire::kommo::CallNote note{call.direction == domain::CallDirection::incoming, call.call_id, call.client_phone, (*chain)->name,
                                       call.recording_url, i18n::render({answered ? "kommo.call.answered" : "kommo.call.missed", {}}, settings.language),
                                       call.duration, answered};
            if (!there)
                if (auto added = m_kommo.add_call_note(inbox.account_id, target->entity, target->id, note); !added) return tl::unexpected(added.error());
            outcome += "; call note on " + std::string(target->entity == "leads" ? "lead " : "contact ") + std::to_string(target->id) +
                       " (" + target->reason + ")";
        } else {
            outcome += "; " + target->reason;
        }
        call.kommo_logged = true;
        if (auto saved = save(); !saved) return tl::unexpected(saved.error());
    }
    return outcome;
}

}  // namespace kb::telephony
