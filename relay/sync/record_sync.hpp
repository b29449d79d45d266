#pragma once
// Flow 2 of the architecture for one inbox event about an Altegio record: gather what the rules need
// (the record, the lead it belongs to, the client's contacts and their leads, the account's Kommo fields
// and pipelines), ask shared/domain/record_plan what to do, and do it: create or update the lead, link
// the record, set the task and the journal note, and fill the client's contact fields (ClientSync). The client's
// contacts are found by phone in the account's contact index (contact_index.hpp).
// An event whose data lacks part of the record is completed from Altegio first; a record Altegio no longer has
// is taken as deleted.
// An event tried before may have done part of its work: before creating a lead it looks for the lead
// its first try created, and before adding a task or a note it looks whether the lead already has it.
#include <functional>
#include <string>
#include <utility>
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/store/store.hpp"
#include "relay/sync/client_sync.hpp"
#include "relay/sync/contact_index.hpp"
#include "relay/account_context.hpp"
#include "shared/domain/record_plan.hpp"

namespace kb::sync {

class RecordSync {
public:
    RecordSync(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo, clients::ReferenceCache& reference,
               ClientSync& clients, ContactIndex& contacts, Clock clock)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_reference(reference), m_clients(clients), m_contacts(contacts),
          m_clock(std::move(clock)) {}

    // What was done, for the inbox and the history; an error when it should be tried again later.
    Result<std::string> handle(const store::InboxEvent& event);

private:
    // The event's record, read from Altegio when the event's data lacks what the rules need (the date, the
    // services, the employee or the client); a record Altegio no longer has comes back deleted. The text says
    // what was done, for the event's outcome.
    Result<std::pair<domain::Record, std::string>> complete_record(const store::InboxEvent& event, const AccountContext& account,
                                                                   const wire::Json* data);
    Result<domain::RecordEventFacts> gather(const store::InboxEvent& event, const AccountContext& account, domain::Record record);
    Result<std::string> carry_out(const store::InboxEvent& event, const AccountContext& account, const domain::RecordEventFacts& facts,
                                  const domain::RecordPlan& plan);
    // Adds the task and the note the plan asks for; a retried event first checks they are not there yet.
    Result<std::string> task_and_note(const store::InboxEvent& event, const AccountContext& account, int64_t lead_id,
                                      const domain::RecordPlan& plan);

    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
    ClientSync& m_clients;
    ContactIndex& m_contacts;
    Clock m_clock;
};

}  // namespace kb::sync
