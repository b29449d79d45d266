#include "shared/domain/telephony.hpp"

#include <algorithm>
#include "shared/domain/phone.hpp"
#include "shared/domain/status_sync.hpp"

namespace kb::domain {

const char* call_direction_name(CallDirection direction) {
    switch (direction) {
        case CallDirection::incoming: return "incoming";
        case CallDirection::outgoing: return "outgoing";
        case CallDirection::internal: return "internal";
    }
    return "incoming";
}

const char* call_state_name(CallState state) {
    switch (state) {
        case CallState::ringing: return "ringing";
        case CallState::answered: return "answered";
        case CallState::ended: return "ended";
    }
    return "ringing";
}

std::string client_phone_of(const CallEvent& event) {
    return event.direction == CallDirection::outgoing ? event.to : event.from;
}

std::string line_number_of(const CallEvent& event) {
    if (!event.virtual_number.empty()) return event.virtual_number;
    return event.direction == CallDirection::outgoing ? event.from : event.to;
}

CallSteps plan_call_event(CallRecord& call, const CallEvent& event, bool line_configured) {
    bool first = call.call_id.empty();
    if (first) {
        call.call_id = event.call_id;
        call.direction = event.direction;
        call.client_phone = client_phone_of(event);
        call.line_number = line_number_of(event);
    }
    CallSteps steps;
    if (!line_configured) {
        call.ignored = true;
        steps.outcome = "ignored: " + line_number_of(event) + " is not one of the chain's virtual numbers";
        return steps;
    }
    call.ignored = false;
    if (!event.sip_user.empty()) call.sip_user = event.sip_user;
    if (!event.recording_url.empty()) call.recording_url = event.recording_url;
    int64_t began = event.state == CallState::ended && event.at != 0 ? event.at - event.duration : event.at;
    if (began > 0 && (call.started_at == 0 || began < call.started_at)) call.started_at = began;
    if (event.state == CallState::answered || (event.state == CallState::ended && event.duration > 0)) call.answered = true;
    call.duration = std::max(call.duration, event.duration);

    switch (event.state) {
        case CallState::ringing:
            if (call.ended) steps.outcome = "late: the call had ended, no pop-up";
            else if (call.direction != CallDirection::incoming) steps.outcome = "ringing (pop-ups are for incoming calls only)";
            else if (call.popup_sent) steps.outcome = "repeated: the pop-up was sent already";
            else {
                steps.popup = true;
                steps.outcome = "pop-up sent";
            }
            break;
        case CallState::answered:
            steps.outcome = call.history_saved ? "late: the call was saved already" : "answered";
            break;
        case CallState::ended:
            call.ended = true;
            steps.save_history = !call.history_saved;
            steps.log_in_kommo = !call.kommo_logged && call.direction != CallDirection::internal;
            if (!steps.save_history && !steps.log_in_kommo) steps.outcome = "repeated: the call was saved already";
            else steps.outcome = std::string("ended: ") + (call_succeeded(call) ? "success" : "missed");
            break;
    }
    return steps;
}

bool call_succeeded(const CallRecord& call) { return call.answered; }

CallTarget find_call_target(const std::string& client_phone, const std::vector<KnownContact>& contacts,
                            std::string_view default_country_code) {
    const KnownLead* best = nullptr;
    const KnownContact* first_contact = nullptr;
    for (const auto& contact : contacts) {
        bool matches = std::any_of(contact.phones.begin(), contact.phones.end(),
                                   [&](const std::string& p) { return same_client_phone(p, client_phone, default_country_code); });
        if (!matches) continue;
        if (!first_contact) first_contact = &contact;
        for (const auto& lead : contact.leads) {
            bool open = lead.status_id != kommo_won_status && lead.status_id != kommo_lost_status;
            if (open && (!best || lead.created_at > best->created_at || (lead.created_at == best->created_at && lead.id > best->id)))
                best = &lead;
        }
    }
    if (best) return {CallTarget::Kind::lead, best->id, "the newest open lead of the contact with this phone"};
    if (first_contact) return {CallTarget::Kind::contact, first_contact->id, "the contact with this phone has no open lead"};
    return {CallTarget::Kind::none, 0, "no contact has this phone"};
}

bool number_listed(const std::string& number, const std::vector<std::string>& numbers, std::string_view default_country_code) {
    return std::any_of(numbers.begin(), numbers.end(),
                       [&](const std::string& listed) { return same_client_phone(listed, number, default_country_code); });
}

std::vector<SettingsProblem> validate_chain(const ChainDraft& chain, const std::vector<std::string>& other_chains_numbers,
                                            std::string_view default_country_code) {
    std::vector<SettingsProblem> problems;
    auto problem = [&](std::string path, const char* key, std::string detail = {}) {
        problems.push_back(SettingsProblem{std::move(path), std::string("ui.telephony_error.") + key, std::move(detail)});
    };
    if (chain.name.find_first_not_of(" \t") == std::string::npos) problem("name", "name_missing");
    if (!chain.has_token) problem("crm_token", "token_missing");
    if (chain.numbers.empty()) problem("numbers", "numbers_missing");
    for (size_t i = 0; i < chain.numbers.size(); ++i) {
        const std::string& number = chain.numbers[i];
        std::string path = "numbers[" + std::to_string(i) + "]";
        auto parsed = parse_phone(number, default_country_code);
        if (!parsed) problem(path, "number_invalid", number);
        else if (number_listed(number, {chain.numbers.begin(), chain.numbers.begin() + static_cast<std::ptrdiff_t>(i)}, default_country_code))
            problem(path, "number_twice", number);
        else if (number_listed(number, other_chains_numbers, default_country_code)) problem(path, "number_in_other_chain", number);
    }
    return problems;
}

}  // namespace kb::domain
