#pragma once
// The sandbox's in-memory world and the helpers every simulated endpoint shares. Internal to sandbox/.
#include <condition_variable>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>
#include "sandbox/sandbox.hpp"

namespace kb::sandbox {

struct StaffSchedule {
    std::vector<int32_t> weekdays;   // 0 = Monday
    int32_t open_minute = 600;       // minutes after local midnight
    int32_t close_minute = 1200;
};

struct Sandbox::State {
    std::mutex mutex;

    // [SECTION] Altegio
    Json companies = Json::array();
    Json chains = Json::array();                          // [{id, title}]: what `show_groups=1` adds to a company
    std::map<int64_t, int32_t> company_offsets;           // seconds east of UTC
    std::map<int64_t, Json> categories;                   // company -> list
    std::map<int64_t, Json> services;                     // company -> list (each with staff[{id, seance_length}])
    std::map<int64_t, Json> staff;                        // company -> list
    std::map<int64_t, StaffSchedule> schedules;           // staff id -> schedule
    std::map<int64_t, Json> records;                      // record id -> record, read shape
    std::map<int64_t, Json> clients;                      // client id -> client
    std::map<int64_t, Json> hooks;                        // company -> hooks_settings
    std::map<int64_t, Json> labels;                       // company -> labels of every entity, read shape
    std::map<int64_t, Json> record_fields;                // company -> additional record fields, as GET /custom_fields lists them
    std::map<int64_t, Json> client_fields;                // company -> additional client fields, the same shape
    std::map<int64_t, Json> activities;                   // group event id -> {id, company_id, service_id, staff_id, date, length, capacity}
    std::map<std::string, int64_t> user_tokens;           // user token -> the Altegio user it signs in
    std::map<std::string, Json> employee_logins;          // login -> {id, name, password}: employees' own Altegio accounts
    int64_t next_record_id = 70000001;
    int64_t next_client_id = 60000001;
    int64_t next_transaction_id = 91000001;
    std::vector<Json> transactions;                       // payments, as GET /timetable/transactions shows them
    std::map<std::string, Json> abonements;               // client phone (digits) -> membership
    std::vector<Json> marketplace_activations;            // accepted POST /marketplace/partner/callback bodies
    std::map<int64_t, std::string> marketplace_status;    // salon -> pending (installed), active, freezed; absent: not installed
    std::map<std::string, Json> voip_chains;              // crm_token -> {chain_id, title, enabled}
    std::vector<Json> voip_popups, voip_calls;            // accepted `event` and `history` commands of enabled chains
    int64_t voip_ignored = 0;                              // commands of a disabled chain (accepted, then ignored)

    // [SECTION] Kommo
    Json account;
    Json datetime_settings;                                // GET /account?with=datetime_settings: the account's zone
    bool contacts_unfiltered_by_change = false;            // GET /contacts ignores filter[updated_at] (UNVERIFIED in Kommo)
    Json users = Json::array();
    Json pipelines = Json::array();
    std::map<int64_t, Json> leads;
    std::map<int64_t, Json> contacts;
    std::map<int64_t, std::vector<std::pair<int64_t, bool>>> lead_contacts;   // lead -> (contact, is_main)
    std::map<int64_t, Json> crm_companies;                // Kommo's companies (`companies` above are Altegio's)
    std::map<std::string, int64_t> tag_ids;               // the account's tags by name
    int64_t next_company_id = 41100;
    Json lead_fields = Json::array();
    Json contact_fields = Json::array();
    Json company_fields = Json::array();
    std::vector<Json> tasks;
    std::vector<Json> notes;
    std::vector<Json> webhooks;                           // account webhooks registered through the API
    std::vector<Json> dp_triggers;                        // the widget's Digital Pipeline triggers: {pipeline_id, status_id, settings}
    int64_t next_lead_id = 21100, next_contact_id = 31100, next_field_id = 880000, next_task_id = 1, next_note_id = 1;
    std::map<std::string, int64_t> access_tokens;        // token -> expires at
    std::map<std::string, bool> refresh_tokens;           // token -> still usable
    std::map<std::string, int64_t> auth_codes;            // code -> expires at
    int64_t refreshes = 0;
    int64_t installs = 0;
    bool installed = false;                               // the widget is installed (until the admin removes it)

    // [SECTION] limits, faults, webhooks
    std::vector<Fault> faults;
    std::mt19937_64 fault_random{20261121};               // which calls a share fault hits; seeded: runs repeat
    std::map<std::string, std::deque<int64_t>> recent_calls;   // limiter key -> call times (ms)
    int64_t rate_limited_answers = 0;
    std::map<std::string, int64_t> admitted_by_target, limited_by_target;   // "kommo", "altegio": calls let through / 429
    int64_t last_kommo_call_at_ms = 0;                    // wall clock (Unix ms) of the last Kommo call let through
    std::vector<Json> webhooks_sent;
    int64_t webhooks_in_flight = 0;                       // taken from the outbox, not answered yet
    std::thread changer;                                  // a change stream (control API), stopped with the sender
    int64_t changes_made = 0;

    // Webhooks go out on their own thread, after the state change that caused them.
    std::deque<std::pair<std::string, std::string>> outbox;    // url, body
    std::condition_variable outbox_ready;
    bool stopping = false;
    std::thread sender;
};

// [SECTION] helpers shared by the simulated APIs
void seed(Sandbox::State& state, int64_t now, int64_t kommo_account_id, const std::string& kommo_subdomain);

http::Response altegio_ok(const Json& data, int status = 200, const Json& meta = Json::array());
http::Response altegio_error(int status, const std::string& message, int64_t code = 0);
http::Response kommo_json(int status, const Json& body);
http::Response kommo_problem(int status, const std::string& title, const std::string& detail, const Json& extra = Json::object());

std::string local_iso(int64_t unix_seconds, int32_t offset_seconds);      // "2026-11-23T10:00:00+03:00"
std::string local_wall(int64_t unix_seconds, int32_t offset_seconds);     // "2026-11-23 10:00:00"
std::string random_hex(size_t bytes);

// Queues a webhook to the branch's configured URLs when the branch asked for that resource, unless a
// dropped-webhook fault takes it. Returns false when it was dropped. Call with the state locked.
bool send_webhook(Sandbox::State& state, int64_t company, const std::string& resource, const Json& data, const std::string& status);
bool send_record_webhook(Sandbox::State& state, int64_t company, const Json& record, const std::string& status);

}  // namespace kb::sandbox
