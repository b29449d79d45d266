#pragma once
// Flow 2 for the events about a client and their money:
//   - `client`, and every record event with a client (write_contacts): the client's card (visits, money spent,
//     birthday, categories, additional fields, phone in the admin's format) and their active membership (name,
//     start, end, classes left) go into the fields of the Kommo contacts that have the client's phone (phone
//     rules, not text);
//   - `finances_operation`: the lead linked to the payment's record gets the total paid for that record
//     (read back from Altegio, so order and repeats do not matter; shared/domain/payments.hpp) and, when the
//     total changed, a journal note saying by how much.
#include <string>
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/store/store.hpp"
#include "relay/account_context.hpp"

namespace kb::sync {

class ClientSync {
public:
    ClientSync(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo, clients::ReferenceCache& reference)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_reference(reference) {}

    Result<std::string> handle_client(const store::InboxEvent& event);
    Result<std::string> handle_payment(const store::InboxEvent& event);

    // Whether the settings map any contact field, so a record event reads its client's card too.
    static bool maps_contacts(const domain::Settings& settings);
    // Writes the client's card (and, when mapped, their active membership) into the fields of the Kommo contacts
    // that have the client's phone; what was done. Used by client events and by record events.
    Result<std::string> write_contacts(const AccountContext& account, int64_t company_id, domain::ClientProfile profile);

private:
    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
};

}  // namespace kb::sync
