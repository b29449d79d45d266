#pragma once
// Kommo API v4 for the relay, per installation. Holds the OAuth rules:
//   - an access token about to expire, or answered with 401, is refreshed;
//   - refresh tokens are single-use, so one refresh per account runs at a time (across relays too, under a lease
//     in a shared store), and the new pair is persisted before it is used; a caller that waited on another's
//     refresh uses its result.
// Every call goes through the CallLog and the account's rate limiter (7 per second at most; counted for all
// relays together when they share the store).
// Lead updates from many workers share one PATCH /leads while they wait for the rate limiter (update_lead).
// A 403 HTML page (Kommo has blocked the account's API) pauses every call for that account for
// `blocked_pause_seconds` and writes an alert into the request history; a restarted relay reads that alert
// back and keeps the pause; the first call after the pause finds out whether the block was lifted.
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <atomic>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <vector>
#include "relay/clock.hpp"
#include "relay/clients/call_log.hpp"
#include "relay/clients/group_commit.hpp"
#include "shared/domain/kommo_facts.hpp"
#include "shared/domain/phone.hpp"
#include "shared/wire/kommo.hpp"

namespace kb::clients {

struct KommoConfig {
    std::string client_id;
    std::string client_secret;
    std::string redirect_uri;
    double requests_per_second = 6.0;   // under Kommo's 7, leaving room for the widget's own calls
    int64_t blocked_pause_seconds = 900;
    size_t max_batch = 50;              // lead updates, new leads (complex add) and notes sent in one request
};

struct KommoAccount {
    int64_t id = 0;
    std::string subdomain;
};

// What Kommo's textual search is given for a phone: its last ten digits, found whatever the contact's formatting.
std::string phone_search_text(const domain::PhoneNumber& phone);
// A lead as the rules read it: stage, responsible user and the first value of each field.
domain::KnownLead known_lead(const wire::kommo::Lead& lead);

class KommoClient {
public:
    KommoClient(CallLog& log, store::Store& store, KommoConfig config, Clock clock);

    // The OAuth install: code -> tokens, then the account they belong to.
    Result<wire::kommo::Tokens> exchange_code(const std::string& api_base_url, const std::string& code);
    Result<KommoAccount> account(const std::string& api_base_url, const std::string& access_token);
    // Whether the installed account's tokens still open its API (refreshed first when the access token expired):
    // false once Kommo refuses them for good (the integration was removed), an error when Kommo cannot tell now.
    Result<bool> access_granted(int64_t account_id);
    // The account's UTC offset in seconds as Kommo shows its dates; none when Kommo does not say.
    Result<std::optional<int32_t>> utc_offset(int64_t account_id);

    Result<wire::kommo::Lead> lead(int64_t account_id, int64_t lead_id);
    Result<wire::kommo::Contact> contact(int64_t account_id, int64_t contact_id);
    Result<std::vector<wire::kommo::FieldDefinition>> lead_field_definitions(int64_t account_id);
    Result<std::vector<wire::kommo::FieldDefinition>> contact_field_definitions(int64_t account_id);
    Result<std::vector<wire::kommo::FieldDefinition>> company_field_definitions(int64_t account_id);
    Result<void> update_contact(int64_t account_id, int64_t contact_id, const std::vector<domain::FieldValue>& fields);
    // PATCH of one contact's or company's (`entity` "contacts" or "companies") custom fields; nothing sent when there are none.
    Result<void> update_fields(int64_t account_id, const std::string& entity, int64_t id, const std::vector<domain::FieldValue>& fields);
    // entity: "leads", "contacts" or "companies".
    Result<wire::kommo::FieldDefinition> create_field(int64_t account_id, const std::string& entity, const std::string& name,
                                                      const std::string& type, const std::string& code);

    // Contacts whose fields match `query` (Kommo's full-text search), each with its leads' ids.
    Result<std::vector<std::pair<wire::kommo::Contact, std::vector<int64_t>>>> contacts_with_leads(int64_t account_id, const std::string& query);
    Result<std::vector<wire::kommo::Lead>> leads_by_id(int64_t account_id, const std::vector<int64_t>& ids);
    // The contacts Kommo's search finds for a phone (phone_search_text), each with
    // its leads' stages and field values. The phone rules (shared/domain/phone.hpp) decide which truly match.
    Result<std::vector<domain::KnownContact>> contacts_by_phone(int64_t account_id, const domain::PhoneNumber& phone);
    // One page (up to 250) of the account's contacts, with when each last changed (unix seconds). `changed_since` 0:
    // every contact, by id; else those changed at or after it, oldest change first (Kommo's filter[updated_at]).
    struct ContactPage {
        std::vector<std::pair<wire::kommo::Contact, int64_t>> contacts;
        bool more = false;                       // Kommo links a next page
    };
    Result<ContactPage> contacts_page(int64_t account_id, int page, int64_t changed_since);
    // The contacts with these ids and their leads, as contacts_by_phone answers them; a deleted one is left out.
    Result<std::vector<domain::KnownContact>> contacts_by_id(int64_t account_id, const std::vector<int64_t>& ids);
    Result<std::vector<wire::kommo::Lead>> search_leads(int64_t account_id, const std::string& query);
    Result<std::vector<domain::PipelineInfo>> pipelines(int64_t account_id);
    Result<std::vector<wire::kommo::Pipeline>> named_pipelines(int64_t account_id);   // with names, for the settings page
    Result<std::vector<wire::kommo::User>> users(int64_t account_id);
    struct LeadUpdate {
        int64_t lead_id = 0;
        std::vector<domain::FieldValue> fields;
        domain::StageRef stage;                    // status 0: stays where it is
        int64_t responsible_user_id = 0;           // 0: unchanged
        std::vector<std::string> tags;             // non-empty: the lead's whole list of tags afterwards
    };
    // Blocks until the update is applied. Updates waiting at the same time go out as one PATCH /leads
    // (distinct leads, up to max_batch); if Kommo refuses the batch, each is sent on its own.
    Result<void> update_lead(int64_t account_id, const LeadUpdate& update);
    struct NewLead {
        std::string name;
        domain::StageRef stage;                    // 0 = the account's default
        std::vector<domain::FieldValue> fields;
        int64_t contact_id = 0;                    // link to this contact, or create one from the fields below
        std::string contact_name, contact_phone, contact_email;
        int64_t responsible_user_id = 0;
        std::vector<std::string> tags;             // on the lead and on a contact and company made with it
        int64_t company_id = 0;                    // link to this company, else:
        std::string company_name;                  // "": no company; else one is made and linked
        std::vector<domain::FieldValue> contact_fields, company_fields;   // of the contact and company made with it
    };
    struct CreatedLead {
        int64_t lead_id = 0;
        int64_t contact_id = 0;                    // 0: none linked
        int64_t company_id = 0;
    };
    // Leads waiting to be made at the same time go out in one complex add (up to max_batch, Kommo's 50); a batch
    // Kommo refuses is sent again one lead at a time, so only the lead it refuses fails.
    Result<CreatedLead> create_lead(int64_t account_id, const NewLead& lead);
    // A contact or a company on its own (`entity` "contacts" or "companies"), with a name, tags and, for contacts, a
    // phone and an email; returns its id.
    struct NewEntity {
        std::string name, phone, email;
        int64_t responsible_user_id = 0;
        std::vector<std::string> tags;
        std::vector<domain::FieldValue> fields;
    };
    Result<int64_t> create_entity(int64_t account_id, const std::string& entity, const NewEntity& item);
    // The company named `name` (Kommo's search, then the same name however cased); 0 when there is none.
    Result<int64_t> company_named(int64_t account_id, const std::string& name);
    // A lead's journal note. Notes waiting at the same time go out in one POST /leads/notes (up to max_batch).
    Result<void> add_note(int64_t account_id, int64_t lead_id, const std::string& text);
    struct LeadNote {
        int64_t lead_id = 0;
        std::string text;
    };
    // A text note on a lead, contact or company (`entity` "leads", "contacts", "companies").
    Result<void> add_note_to(int64_t account_id, const std::string& entity, int64_t id, const std::string& text);
    // A call note on a lead or a contact (`entity` "leads" or "contacts"), and whether one with this call id is there.
    Result<void> add_call_note(int64_t account_id, const std::string& entity, int64_t id, const wire::kommo::CallNote& note);
    Result<bool> has_call_note(int64_t account_id, const std::string& entity, int64_t id, const std::string& uniq);
    // Tasks waiting at the same time go out in one POST /tasks (up to 50).
    Result<void> add_task(int64_t account_id, const wire::Json& task);
    // POST /webhooks: Kommo posts these events (e.g. "status_lead") to `destination`.
    Result<void> register_webhook(int64_t account_id, const std::string& destination, const std::vector<std::string>& events);
    // Texts of the lead's notes and of its tasks: a retried event looks for what its first try wrote.
    Result<std::vector<std::string>> lead_note_texts(int64_t account_id, int64_t lead_id);
    Result<std::vector<std::string>> lead_task_texts(int64_t account_id, int64_t lead_id);
    int64_t batched_updates() const { return m_batched_updates; }   // updates that shared a PATCH, for benchmarks

private:
    // A contact list's contacts with the ids of their leads (204's null body: none).
    static Result<std::vector<std::pair<wire::kommo::Contact, std::vector<int64_t>>>> contacts_and_lead_ids(const wire::Json& body);
    // The contacts with their leads' details read (deleted leads left out).
    Result<std::vector<domain::KnownContact>> known_contacts(int64_t account_id,
                                                             const std::vector<std::pair<wire::kommo::Contact, std::vector<int64_t>>>& found);
    // Runs one authorised request for the account, refreshing the token first or after a 401.
    Result<wire::Json> call(int64_t account_id, const std::string& kind, const std::string& method, const std::string& path,
                            const wire::Json* body, RetryPolicy retry);
    // Where the account's API is and a token that is not `rejected_token`, refreshed when needed: one read of
    // the installation serves both.
    struct Access {
        std::string api_base_url;
        std::string access_token;
    };
    Result<Access> current_access(int64_t account_id, const std::string& rejected_token);
    Result<Access> refresh(int64_t account_id, const store::Installation& installation);   // spends the refresh token
    RateLimiter& limiter_for(const std::string& api_base_url);   // Kommo limits per account domain
    std::mutex& refresh_mutex_for(int64_t account_id);
    Result<std::vector<wire::kommo::FieldDefinition>> field_definitions(int64_t account_id, const std::string& entity);
    Result<void> patch_leads(int64_t account_id, const std::vector<const LeadUpdate*>& updates);
    std::optional<Error> paused(int64_t account_id);
    void pause_blocked_account(int64_t account_id, const Error& error);

    template <class Queue>
    Queue& queue_for(std::map<int64_t, std::unique_ptr<Queue>>& queues, int64_t account_id);
    RateLimiter* account_limiter(int64_t account_id, Error& error);   // the account's Kommo limiter; null: why in `error`
    template <class Item, class Outcome>
    Result<Outcome> batched_write(int64_t account_id, std::map<int64_t, std::unique_ptr<GroupCommit<Item, Outcome>>>& queues,
                                  const Item& item, size_t max_batch,
                                  const std::function<std::vector<Result<Outcome>>(const std::vector<const Item*>&)>& send,
                                  const typename GroupCommit<Item, Outcome>::Fits& fits = {});
    std::vector<Result<CreatedLead>> create_leads(int64_t account_id, const std::vector<const NewLead*>& leads);
    std::vector<Result<void>> add_lead_notes(int64_t account_id, const std::vector<const LeadNote*>& notes);

    CallLog& m_log;
    store::Store& m_store;
    KommoConfig m_config;
    Clock m_clock;
    std::mutex m_maps_mutex;
    std::map<std::string, std::unique_ptr<RateLimiter>> m_limiters;
    std::map<int64_t, std::unique_ptr<std::mutex>> m_refresh_mutexes;
    std::map<int64_t, std::unique_ptr<GroupCommit<LeadUpdate, void>>> m_update_queues;
    std::map<int64_t, std::unique_ptr<GroupCommit<NewLead, CreatedLead>>> m_create_queues;
    std::map<int64_t, std::unique_ptr<GroupCommit<LeadNote, void>>> m_note_queues;
    std::map<int64_t, std::unique_ptr<GroupCommit<wire::Json, void>>> m_task_queues;
    std::map<int64_t, int64_t> m_paused_until;   // account -> unix seconds
    std::set<int64_t> m_pause_read;              // accounts whose last alert was looked up in the history
    std::atomic<int64_t> m_batched_updates{0};
};

}  // namespace kb::clients
