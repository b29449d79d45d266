#pragma once
// Flow 3 for one inbox event: a Digital Pipeline trigger fired on a Kommo lead, and its own settings say
// what to do with the lead's Altegio records: confirm, mark came or did not come, or cancel.
#include <string>
#include "relay/clients/altegio_client.hpp"
#include "relay/store/store.hpp"

namespace kb::sync {

class TriggerSync {
public:
    TriggerSync(store::Store& store, clients::AltegioClient& altegio) : m_store(store), m_altegio(altegio) {}
    Result<std::string> handle(const store::InboxEvent& event);

private:
    store::Store& m_store;
    clients::AltegioClient& m_altegio;
};

}  // namespace kb::sync
