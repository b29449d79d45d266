#pragma once
// The lead card's record log and client summary: the records linked to a lead, read fresh from Altegio;
// the status changes a manager makes from the log; and what Altegio knows of the lead's client.
// A status change made here is also queued into the inbox as the record's new state, so the lead follows
// it through the status mapping exactly as it follows a change made in Altegio.
#include <functional>
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/services/caller.hpp"
#include "relay/services/widget_account.hpp"
#include "relay/store/store.hpp"
#include "shared/wire/widget_api.hpp"

namespace kb::services {

class RecordLogService {
public:
    RecordLogService(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo, clients::ReferenceCache& reference,
                     Clock clock, std::function<void()> wake_workers)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_reference(reference), m_clock(std::move(clock)),
          m_wake_workers(std::move(wake_workers)) {}

    // Newest first; records in branches this user may not see are left out.
    Result<wire::api::RecordLog> lead_records(const Caller& caller, int64_t lead_id);
    // The account's records with their day in [from, to] (at most 31 days), in the branches this user sees
    // (or the one asked for), of one employee when staff_id is not 0; each with its linked lead, if any.
    Result<wire::api::RecordLog> account_records(const Caller& caller, const std::string& from, const std::string& to, int64_t company_id,
                                                 int64_t staff_id);
    static constexpr size_t max_log_rows = 10000;
    // Whether the leads list of this pipeline offers the account's log (the admin's list; empty = every one).
    Result<bool> log_shown_in(const Caller& caller, int64_t pipeline_id);
    // The branches this user sees, for the log's branch filter.
    Result<std::vector<domain::Branch>> branches(const Caller& caller);
    // `action`: "confirm", "came", "did_not_come" or "cancel". Returns the record as it is afterwards.
    Result<wire::api::RecordRow> change_status(const Caller& caller, int64_t company_id, int64_t record_id, const std::string& action);
    // Time, employee, services, comment, colour and categories of a record, as the manager changed them in the
    // card. A time taken meanwhile is a conflict (nothing changes). Returns the record as it is afterwards.
    Result<wire::api::RecordRow> edit_record(const Caller& caller, int64_t company_id, int64_t record_id,
                                             const domain::RecordChange& change);
    // The client of the lead's newest record (in a branch this user sees); for a lead without one, the client
    // with the phone of the lead's main contact in Kommo, searched branch by branch.
    Result<wire::api::ClientSummary> client_summary(const Caller& caller, int64_t lead_id);

private:
    struct LeadLinks {
        AccountContext account;
        std::vector<domain::Branch> branches;                 // visible to the caller
        std::vector<std::pair<int64_t, int64_t>> records;     // (company_id, record_id), oldest first
    };
    Result<LeadLinks> lead_links(const Caller& caller, int64_t lead_id);
    // The summary of one Altegio client: card, visits, purchases and active membership.
    Result<wire::api::ClientSummary> summary_of(const Caller& caller, const std::string& token, const domain::Branch& branch,
                                               int64_t client_id);
    Result<wire::api::ClientSummary> summary_by_contact_phone(const Caller& caller, const LeadLinks& lead, int64_t lead_id);
    // A record a manager is about to change: its branch must be visible to the caller and it must not be cancelled.
    struct OpenRecord;
    Result<OpenRecord> open_record(const Caller& caller, int64_t company_id, int64_t record_id);
    // After a change made here: queue the record's new state for the lead (Altegio sends no webhook for our own
    // writes) and answer with the record's row.
    Result<wire::api::RecordRow> after_change(const Caller& caller, const domain::Branch& branch, const std::string& token,
                                              int64_t record_id, const wire::Json& now, const std::string& type);

    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
    Clock m_clock;
    std::function<void()> m_wake_workers;
};

}  // namespace kb::services
