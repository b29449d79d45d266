#pragma once
// A chain's calls, from its PBX's events to Altegio and Kommo.
//
// Intake (relay/hooks/intake.cpp, POST /telephony/{key}/calls): each event becomes an inbox row of the chain's
// account, in line behind the earlier events of the same call, so one call's events run one at a time; the
// same event posted twice is kept once. The work (CallFlow::handle, on the sync workers):
//   - folds the event into the call's record (shared/domain/telephony.hpp) and does what is due: Altegio's pop-up
//     while an incoming call rings, then, once the call ended, its entry in Altegio's call history and the call
//     note in Kommo, each once;
//   - a line number the chain does not list: nothing is sent, and the request history says so;
//   - the Kommo note goes on the newest open lead of the contact with the client's phone (or on that contact);
//     a caller no contact has gets a new lead when the chain allows it.
// The record is saved after every step, so a retried event does only what is left.
#include <functional>
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/store/store.hpp"

namespace kb::telephony {

class CallFlow {
public:
    CallFlow(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo, Clock clock)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_clock(std::move(clock)) {}
    // One inbox event of source "telephony": what it did, for the history; an error puts it back in line.
    Result<std::string> handle(const store::InboxEvent& event);

private:
    struct Target {
        std::string entity;   // "leads" or "contacts"; "" = not logged
        int64_t id = 0;
        std::string reason;
    };
    Result<Target> kommo_target(int64_t account_id, const std::string& phone, const std::string& country, bool new_lead_allowed,
                                const domain::Settings& settings);
    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    Clock m_clock;
};

}  // namespace kb::telephony
