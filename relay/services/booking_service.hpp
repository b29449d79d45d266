#pragma once
// Booking from the lead card (flow 1 of the architecture): what the widget asks for, answered from
// Altegio and Kommo, and the booking itself, which never books twice and never stops half-way unseen.
#include <functional>
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/services/caller.hpp"
#include "relay/services/widget_account.hpp"
#include "relay/store/store.hpp"
#include "shared/domain/settings.hpp"
#include "shared/wire/widget_api.hpp"

namespace kb::services {

class BookingService {
public:
    BookingService(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo, clients::ReferenceCache& reference,
                   Clock clock, std::function<void()> wake_workers)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_reference(reference), m_clock(std::move(clock)),
          m_wake_workers(std::move(wake_workers)) {}

    Result<wire::api::CardContext> card(const Caller& caller, int64_t lead_id);
    Result<wire::api::Catalog> catalog(const Caller& caller, int64_t company_id);
    Result<std::vector<domain::Staff>> staff(const Caller& caller, int64_t company_id, const std::vector<int64_t>& service_ids);
    Result<std::vector<std::string>> dates(const Caller& caller, int64_t company_id, int64_t staff_id,
                                           const std::vector<int64_t>& service_ids);
    Result<std::vector<domain::TimeSlot>> times(const Caller& caller, int64_t company_id, int64_t staff_id, const std::string& date,
                                                const std::vector<int64_t>& service_ids);
    // The day grid: the branch's employees (those offering the chosen services; only `staff_ids` when given),
    // each with working hours, records and, when services are chosen, free starts.
    Result<wire::api::DaySchedule> schedule(const Caller& caller, int64_t company_id, const std::string& date,
                                            const std::vector<int64_t>& service_ids, const std::vector<int64_t>& staff_ids);
    // The branch's group events on `date`, earliest first.
    Result<std::vector<domain::GroupEvent>> events(const Caller& caller, int64_t company_id, const std::string& date);
    Result<wire::api::BookingResult> book(const Caller& caller, const domain::BookingRequest& request);

    // The pipeline's "New record": the leads Kommo's search finds for `query` (2 to 100 characters; a phone also
    // finds the leads of the contacts with that number), up to 20, and a new lead for a client.
    Result<std::vector<wire::api::LeadChoice>> find_leads(const Caller& caller, const std::string& query);
    Result<wire::api::LeadChoice> new_lead(const Caller& caller, const wire::api::NewLeadRequest& request);

private:
    // The record as Altegio wrote it: created now, or found by our api_id when an earlier attempt got that far.
    Result<wire::Json> book_in_altegio(const Caller& caller, const AccountContext& account, const domain::BookingRequest& request,
                                           const store::Booking& booking, bool claimed_before, const std::string& day,
                                           const std::vector<domain::RecordField>& fields, const AltegioWriter& writer);
    // The new record's follow-up in Kommo that the settings ask for (stage, task, journal note) goes through
    // the inbox as the record's "create" event; the lead's fields are written at once by fill_lead.
    // `record` is the record's JSON when at hand (just created); none reads it from Altegio (a retried click).
    Result<void> queue_follow_up(const Caller& caller, const AccountContext& account, int64_t company_id, int64_t record_id,
                                 const wire::Json* record);
    Result<void> fill_lead(const Caller& caller, const AccountContext& account, const domain::BookingRequest& request,
                           wire::api::BookingResult& result, store::Booking& booking);

    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
    Clock m_clock;
    std::function<void()> m_wake_workers;
};

// Checks what the manager filled in before anything is sent anywhere.
Result<void> validate_booking_request(const domain::BookingRequest& request);

}  // namespace kb::services
