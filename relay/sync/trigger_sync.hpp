#pragma once
// Flow 3 for one inbox event: a Kommo lead entered a stage, and something says what that does to the lead's
// Altegio records — confirm, mark came or did not come, cancel, or move to the date and time the manager
// wrote in the lead's fields:
//   - a Digital Pipeline trigger carries the action in its own settings (source "kommo_dp");
//   - Kommo's status webhook (source "kommo") is looked up in the installation's stage triggers.
// Records already in that state are left alone, which also ends the echo of the relay's own stage moves.
#include <string>
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/store/store.hpp"
#include "shared/domain/settings.hpp"

namespace kb::sync {

class TriggerSync {
public:
    TriggerSync(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo, clients::ReferenceCache& reference)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_reference(reference) {}
    Result<std::string> handle(const store::InboxEvent& event);

private:
    Result<std::string> apply(const store::InboxEvent& event, const store::Installation& installation, const domain::Settings& settings,
                              domain::RecordAction action);

    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
};

}  // namespace kb::sync
