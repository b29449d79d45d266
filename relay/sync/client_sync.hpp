#pragma once
// Flow 2 for the events about a client and their money:
//   - `client`: the client's card (visits, money spent, birthday, categories, additional fields) and their
//     active membership (name, start, end, classes left) go into the fields of the Kommo contacts that have
//     the client's phone (phone rules, not text);
//   - `finances_operation`: the lead linked to the payment's record gets the total paid for that record
//     (read back from Altegio, so order and repeats do not matter) and a journal note when the settings ask.
#include <string>
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/store/store.hpp"

namespace kb::sync {

class ClientSync {
public:
    ClientSync(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo, clients::ReferenceCache& reference)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_reference(reference) {}

    Result<std::string> handle_client(const store::InboxEvent& event);
    Result<std::string> handle_payment(const store::InboxEvent& event);

private:
    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
};

}  // namespace kb::sync
