#pragma once
// Altegio API v1 for the relay: partner token from the configuration, the user token per installation.
// Every call goes through the CallLog (history, retries) and one rate limiter (Altegio limits per IP).
#include <map>
#include <optional>
#include <string>
#include <vector>
#include "relay/clients/call_log.hpp"
#include "shared/domain/booking.hpp"
#include "shared/domain/payments.hpp"
#include "shared/wire/json_type.hpp"
#include "shared/wire/widget_api_types.hpp"

namespace kb::clients {

struct AltegioConfig {
    std::string base_url = "https://api.alteg.io/api/v1";
    std::string partner_token;
    std::string application_id;   // the Marketplace application's id ("" when it is not listed there)
    // Where Marketplace partner calls go: the sources disagree on the host, so each is tried in turn while the
    // answer is 404 or 405 (../shared/reference/altegio-api.md §4).
    std::vector<std::string> marketplace_urls{"https://api.alteg.io/marketplace", "https://app.alteg.io/marketplace",
                                              "https://api.alteg.io/api/v1/marketplace"};
};

// Who signed in: Altegio's user and the token its calls carry.
struct AltegioUser {
    int64_t id = 0;
    std::string name;
    std::string user_token;
};

class AltegioClient {
public:
    AltegioClient(CallLog& log, RateLimiter& limiter, AltegioConfig config)
        : m_log(log), m_limiter(limiter), m_config(std::move(config)) {}

    // Exchanges a login and password for a user token; the password is not kept. A wrong pair is
    // Errc::unauthorized with "ui.error.altegio_wrong_password" ("Authorization error").
    Result<AltegioUser> sign_in(int64_t account_id, const std::string& login, const std::string& password);

    Result<std::vector<domain::Branch>> my_branches(int64_t account_id, const std::string& user_token);
    // One location, read with the partner token alone (a Marketplace location our application is active in).
    Result<domain::Branch> marketplace_branch(int64_t account_id, int64_t company_id);
    Result<wire::api::Catalog> catalog(int64_t account_id, int64_t company_id, const std::string& user_token);
    // The catalogue's services with these ids, in this order; an id the branch does not offer is refused.
    Result<std::vector<domain::Service>> services_by_id(int64_t account_id, int64_t company_id, const std::string& user_token,
                                                        const std::vector<int64_t>& service_ids);
    Result<std::vector<domain::Staff>> bookable_staff(int64_t account_id, int64_t company_id, const std::vector<int64_t>& service_ids);
    Result<std::vector<std::string>> bookable_dates(int64_t account_id, int64_t company_id, int64_t staff_id,
                                                    const std::vector<int64_t>& service_ids);
    Result<std::vector<domain::TimeSlot>> bookable_times(int64_t account_id, int64_t company_id, int64_t staff_id,
                                                         const std::string& date, const std::vector<int64_t>& service_ids);

    // book_check: an error with ui.error.slot_taken when the time is gone.
    Result<void> check_slot(int64_t account_id, const domain::BookingRequest& request);
    // POST /records: sent once; on no answer the caller looks the record up by api_id. The new record as Altegio
    // wrote it (the shape of a webhook's data), so the caller can decode it and queue it without reading it again.
    Result<wire::Json> create_record(int64_t account_id, const std::string& user_token, const wire::Json& body, int64_t company_id);
    Result<domain::Record> get_record(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id);
    Result<wire::Json> record_json(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id);
    // A client's card; their active membership (by phone with the country code), if any; and the sum of the
    // payments taken for a record (its finance transactions).
    Result<domain::ClientProfile> client(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t client_id);
    // The id of the branch's client with this phone (the duplicate search's phone rule), if there is one.
    Result<std::optional<int64_t>> find_client_by_phone(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                        const std::string& phone, const std::string& default_country_code);
    Result<std::optional<domain::Subscription>> active_subscription(int64_t account_id, const std::string& user_token,
                                                                    int64_t company_id, const std::string& phone);
    // The record's payments (its finance transactions) and their sum.
    Result<std::vector<domain::Payment>> record_payments(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                         int64_t record_id);
    Result<domain::Money> paid_for_record(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id);
    // Records of a branch with their session day in [from, to] ("YYYY-MM-DD"), of one employee when staff_id
    // is not 0; at most `limit` (more_than_limit tells whether there were more). Cancelled records too when
    // `with_deleted` (the account's log shows them; the day's busy times do not count them).
    struct RecordPage {
        std::vector<domain::Record> records;
        bool more_than_limit = false;
    };
    Result<RecordPage> records_between(int64_t account_id, const std::string& user_token, int64_t company_id, const std::string& from,
                                       const std::string& to, int64_t staff_id, size_t limit, bool with_deleted = false);
    // A branch's group events with their day in [from, to] (partner token: the search takes no user token).
    Result<std::vector<domain::GroupEvent>> group_events(int64_t account_id, int64_t company_id, const std::string& from, const std::string& to);
    Result<domain::GroupEvent> group_event(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t event_id);
    // The branch's additional record fields (GET /custom_fields/record/{company}).
    Result<std::vector<domain::RecordField>> record_fields(int64_t account_id, const std::string& user_token, int64_t company_id);
    // The branch's additional client fields (GET /custom_fields/client/{company}), same shape.
    Result<std::vector<domain::RecordField>> client_fields(int64_t account_id, const std::string& user_token, int64_t company_id);
    // The branch's record categories (appointment labels, entity 2), deleted ones left out.
    Result<std::vector<domain::Label>> record_labels(int64_t account_id, const std::string& user_token, int64_t company_id);
    // One employee's working hours on `date` ("YYYY-MM-DD"); empty = a day off.
    Result<std::vector<domain::WorkInterval>> work_hours(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                         int64_t staff_id, const std::string& date);
    // The payments of a branch dated within [from, to], summed per record.
    Result<std::map<int64_t, domain::Money>> payments_between(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                              const std::string& from, const std::string& to);
    // Whether `url` is among the branch's webhook addresses and the webhooks are on (403: no rights to see them).
    Result<bool> webhook_registered(int64_t account_id, const std::string& user_token, int64_t company_id, const std::string& url);
    // Adds `url` to the branch's webhook URLs and asks for record, client and payment events, never for our own
    // writes (self_sending 0). Other applications' URLs, and other Kommo accounts' on the same branch, stay; an
    // earlier address of this account (one starting with any of `replaces`, e.g. before its key changed) is dropped.
    Result<void> register_webhook(int64_t account_id, const std::string& user_token, int64_t company_id, const std::string& url,
                                  const std::vector<std::string>& replaces = {});
    // Staff-side edits of an existing record.
    Result<void> set_attendance(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id,
                                domain::Attendance attendance);
    // PUT /record/{company}/{id} with the whole change (encode_record_update).
    Result<void> update_record(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id,
                               const wire::Json& body);
    Result<void> move_record(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id,
                             const std::string& datetime);
    Result<void> cancel_record(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id);
    // Records of a branch changed after `changed_after` (Altegio's own timestamps), deleted ones included.
    Result<std::vector<wire::Json>> changed_records(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                    const std::string& changed_after);
    // The record with this api_id among the records of that day, if it exists (as Altegio wrote it).
    Result<std::optional<wire::Json>> find_record_by_api_id(int64_t account_id, const std::string& user_token,
                                                                int64_t company_id, const std::string& date,
                                                                const std::string& api_id);

    // Marketplace: activates the application for one location (POST …/partner/callback with our api key for it
    // and the webhook URLs), with the partner token.
    Result<void> activate_location(int64_t salon_id, const std::string& api_key, const std::vector<std::string>& webhook_urls);
    // The location's connection to the application as Altegio reports it: "pending" (installed, not activated),
    // "active", "freezed"; "" when the location has not installed it.
    Result<std::string> marketplace_status(int64_t salon_id);
    // Telephony: one command to POST /voip/integration (partner token; Altegio answers 202 Accepted). `kind` names it
    // in the history ("altegio.voip_setup", ...). Pop-ups and setup are repeated on no answer; a history entry is not.
    Result<void> voip(int64_t account_id, const std::string& kind, const wire::Json& command, RetryPolicy retry);

private:
    // GET /custom_fields/{kind}/{company}, kind "record" or "client".
    Result<std::vector<domain::RecordField>> additional_fields(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                               const std::string& kind);
    Result<wire::Json> hooks_settings(int64_t account_id, const std::string& user_token, int64_t company_id);   // {} when none
    Result<const wire::Json*> call(int64_t account_id, const std::string& kind, const std::string& method,
                                   const std::string& path, const std::string& user_token, const wire::Json* body,
                                   RetryPolicy retry, wire::Json& holder);

    CallLog& m_log;
    RateLimiter& m_limiter;
    AltegioConfig m_config;
};

}  // namespace kb::clients
