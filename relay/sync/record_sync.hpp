#pragma once
// Flow 2 of the architecture for one inbox event: an Altegio record changed, so the lead that belongs to it
// gets the record's fields and the stage its state maps to; a new record without a lead gets one (or is
// merged into a suitable lead by the duplicate search), unless the settings say otherwise.
// The rules are in shared/ (lead_lookup, duplicate_search, status_sync, field_mapping); this file gathers
// the facts from Kommo and Altegio, asks the rules, and applies the answer.
#include <string>
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/store/store.hpp"

namespace kb::sync {

class RecordSync {
public:
    RecordSync(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo)
        : m_store(store), m_altegio(altegio), m_kommo(kommo) {}

    // What was done, for the inbox and the history; an error when it should be tried again later.
    Result<std::string> handle(const store::InboxEvent& event);

private:
    Result<std::string> handle_record(const store::InboxEvent& event, const wire::Json& body);

    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
};

}  // namespace kb::sync
