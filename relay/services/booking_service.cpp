#include "relay/services/booking_service.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include "relay/crypto/secret_box.hpp"
#include "relay/i18n/kommo_texts.hpp"
#include "relay/sync/inbox_rows.hpp"
#include "shared/domain/calendar.hpp"
#include "shared/domain/field_mapping.hpp"
#include "shared/domain/phone.hpp"
#include "shared/domain/text.hpp"
#include "shared/wire/altegio.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/settings.hpp"

namespace kb::services {

using wire::api::BookingResult;

// [SECTION] validation and account ------------------------------------------------------------------------
Result<void> validate_booking_request(const domain::BookingRequest& r) {
    if (r.lead_id <= 0) return fail(Errc::bad_input, "ui.error.bad_request", "lead_id missing");
    if (auto missing = domain::missing_for_booking(r); !missing.empty())
        return fail(Errc::bad_input, missing, "the booking lacks a part (" + missing + ")");
    if (r.request_key.empty() || r.request_key.size() > 100) return fail(Errc::bad_input, "ui.error.bad_request", "request_key missing");
    if (!r.color.empty() && !domain::is_hex_color(r.color)) return fail(Errc::bad_input, "ui.error.bad_request", "color must be 6 hex digits");
    return {};
}

// [SECTION] reads for the booking window -------------------------------------------------------------------
Result<wire::api::CardContext> BookingService::card(const Caller& caller, int64_t lead_id) {
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    auto lead = m_kommo.lead(caller.account_id, lead_id);
    if (!lead) return tl::unexpected(lead.error());
    wire::api::CardContext card{lead->id, lead->name, {}, {}, false};
    for (const auto& stage : acc->settings.automation.stages_hiding_records_window)
        if (stage.status_id == lead->status_id && (stage.pipeline_id == 0 || stage.pipeline_id == lead->pipeline_id))
            card.records_window_hidden = true;
    if (!lead->contact_ids.empty()) {
        auto contact = m_kommo.contact(caller.account_id, lead->contact_ids.front());
        if (!contact) return tl::unexpected(contact.error());
        card.contact.name = contact->name;
        if (!contact->phones.empty()) card.contact.phone = contact->phones.front();
        if (!contact->emails.empty()) card.contact.email = contact->emails.front();
    }
    auto branches = visible_branches(m_reference, caller, *acc);
    if (!branches) return tl::unexpected(branches.error());
    card.branches = std::move(*branches);
    auto writer = altegio_writer(m_store, caller, *acc);
    if (!writer) return tl::unexpected(writer.error());
    card.access = writer->access;
    return card;
}

Result<wire::api::Catalog> BookingService::catalog(const Caller& caller, int64_t company_id) {
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    if (auto branch = visible_branch(m_reference, caller, *acc, company_id); !branch) return tl::unexpected(branch.error());
    auto catalog = m_altegio.catalog(caller.account_id, company_id, acc->installation.altegio_user_token);
    if (!catalog) return tl::unexpected(catalog.error());
    std::stable_sort(catalog->categories.begin(), catalog->categories.end(),
                     [](const auto& a, const auto& b) { return a.weight > b.weight; });
    // Categories are a nicety: without them (no rights to labels, say) the manager still books.
    if (auto labels = m_altegio.record_labels(caller.account_id, acc->installation.altegio_user_token, company_id))
        catalog->labels = std::move(*labels);
    else
        spdlog::warn("record categories of branch {}: {}", company_id, labels.error().detail);
    // So are the additional fields: without them the record is booked without their values.
    if (auto fields = mapped_record_fields(m_altegio, caller, *acc, company_id))
        catalog->record_fields = std::move(*fields);
    else
        spdlog::warn("additional record fields of branch {}: {}", company_id, fields.error().detail);
    return catalog;
}

Result<std::vector<domain::Staff>> BookingService::staff(const Caller& caller, int64_t company_id, const std::vector<int64_t>& service_ids) {
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    if (auto branch = visible_branch(m_reference, caller, *acc, company_id); !branch) return tl::unexpected(branch.error());
    return m_altegio.bookable_staff(caller.account_id, company_id, service_ids);
}

Result<std::vector<std::string>> BookingService::dates(const Caller& caller, int64_t company_id, int64_t staff_id,
                                                       const std::vector<int64_t>& service_ids) {
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    if (auto branch = visible_branch(m_reference, caller, *acc, company_id); !branch) return tl::unexpected(branch.error());
    return m_altegio.bookable_dates(caller.account_id, company_id, staff_id, service_ids);
}

Result<std::vector<domain::TimeSlot>> BookingService::times(const Caller& caller, int64_t company_id, int64_t staff_id,
                                                            const std::string& date, const std::vector<int64_t>& service_ids) {
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    if (auto branch = visible_branch(m_reference, caller, *acc, company_id); !branch) return tl::unexpected(branch.error());
    return m_altegio.bookable_times(caller.account_id, company_id, staff_id, date, service_ids);
}

Result<wire::api::DaySchedule> BookingService::schedule(const Caller& caller, int64_t company_id, const std::string& date,
                                                        const std::vector<int64_t>& service_ids, const std::vector<int64_t>& staff_ids) {
    if (!domain::parse_civil(date)) return fail(Errc::bad_input, "ui.error.bad_period", "date: expected YYYY-MM-DD");
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    auto branch = visible_branch(m_reference, caller, *acc, company_id);
    if (!branch) return tl::unexpected(branch.error());
    const std::string& user_token = acc->installation.altegio_user_token;
    auto staff = m_altegio.bookable_staff(caller.account_id, company_id, service_ids);
    if (!staff) return tl::unexpected(staff.error());
    auto day = m_altegio.records_between(caller.account_id, user_token, company_id, date, date, 0, 2000);
    if (!day) return tl::unexpected(day.error());

    wire::api::DaySchedule out{date, branch->timezone_name, !service_ids.empty(), {}};
    for (auto& employee : *staff) {
        if (!staff_ids.empty() && std::find(staff_ids.begin(), staff_ids.end(), employee.id) == staff_ids.end()) continue;
        wire::api::ScheduleColumn column;
        column.staff = std::move(employee);
        // Without hours the grid still shows records and free times; the rest of the day is not refused.
        if (auto hours = m_altegio.work_hours(caller.account_id, user_token, company_id, column.staff.id, date)) {
            column.hours_known = true;
            column.working = std::move(*hours);
        } else {
            spdlog::warn("schedule of employee {} in branch {}: {}", column.staff.id, company_id, hours.error().detail);
        }
        for (const auto& record : day->records)
            if (record.staff_id == column.staff.id && !record.deleted) column.records.push_back(record);
        bool works = !column.hours_known || !column.working.empty();
        if (!service_ids.empty() && works) {
            auto free = m_altegio.bookable_times(caller.account_id, company_id, column.staff.id, date, service_ids);
            if (!free) return tl::unexpected(free.error());
            column.free = std::move(*free);
        }
        out.columns.push_back(std::move(column));
    }
    return out;
}

Result<std::vector<domain::GroupEvent>> BookingService::events(const Caller& caller, int64_t company_id, const std::string& date) {
    if (!domain::parse_civil(date)) return fail(Errc::bad_input, "ui.error.bad_period", "date: expected YYYY-MM-DD");
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    if (auto branch = visible_branch(m_reference, caller, *acc, company_id); !branch) return tl::unexpected(branch.error());
    auto events = m_altegio.group_events(caller.account_id, company_id, date, date);
    if (!events) return tl::unexpected(events.error());
    std::erase_if(*events, [&](const auto& e) { return e.date.substr(0, 10) != date; });
    std::stable_sort(events->begin(), events->end(), [](const auto& a, const auto& b) { return a.date < b.date; });
    return events;
}

// [SECTION] booking ------------------------------------------------------------------------------------------
Result<wire::Json> BookingService::book_in_altegio(const Caller& caller, const AccountContext& acc, const domain::BookingRequest& request,
                                                       const store::Booking& booking, bool claimed_before, const std::string& day,
                                                       const std::vector<domain::RecordField>& fields, const AltegioWriter& writer) {
    const std::string& user_token = acc.altegio_token();   // reads; the record is made with the writer's login
    if (claimed_before) {
        // An earlier attempt may have reached Altegio before it failed: look for our api_id first.
        auto existing = m_altegio.find_record_by_api_id(caller.account_id, user_token, request.company_id, day, booking.api_id);
        if (!existing) return tl::unexpected(existing.error());
        if (*existing) return std::move(**existing);
    }
    if (request.activity_id == 0)   // book_check knows single appointments; a seat is checked against the event
        if (auto free = m_altegio.check_slot(caller.account_id, request); !free) return tl::unexpected(free.error());
    auto chosen = m_altegio.services_by_id(caller.account_id, request.company_id, user_token, request.service_ids);
    if (!chosen) return tl::unexpected(chosen.error());
    auto body = wire::altegio::encode_record_create(request, booking.api_id, *chosen, fields);
    auto created = m_altegio.create_record(caller.account_id, writer.token, body, request.company_id);
    if (!created && created.error().code == Errc::unauthorized)
        return tl::unexpected(after_refused_write(m_store, caller, writer, created.error(), m_clock.ms()));
    if (created || created.error().code != Errc::upstream_unavailable) return created;
    // No answer: the record may exist. Look once; if it is not there, the next click looks again.
    auto existing = m_altegio.find_record_by_api_id(caller.account_id, user_token, request.company_id, day, booking.api_id);
    if (existing && *existing) return std::move(**existing);
    return created;
}

Result<void> BookingService::fill_lead(const Caller& caller, const AccountContext& acc, const domain::BookingRequest& request,
                                       BookingResult& result, store::Booking& booking) {
    domain::Branch branch;
    branch.id = request.company_id;
    branch.title = result.branch_title;
    Result<void> written;
    if (auto fields = m_reference.lead_fields(caller.account_id); !fields) {
        written = tl::unexpected(fields.error());
    } else {
        const auto& map = acc.settings.lead_fields;
        const std::string& when = result.record.datetime;
        int32_t day_offset = m_reference.record_day_offset(caller.account_id, map, when).value_or(domain::offset_of(when));
        auto mapped = domain::map_record_to_lead(result.record, branch, map, *fields, {}, day_offset);
        for (const auto& problem : mapped.problems)
            spdlog::warn("lead {} field {}: {} ({})", request.lead_id, problem.field_id, problem.message_key, problem.detail);
        clients::KommoClient::LeadUpdate update;
        update.lead_id = request.lead_id;
        update.fields = mapped.values;
        written = m_kommo.update_lead(caller.account_id, update);
    }
    result.lead_updated = static_cast<bool>(written);
    result.warning_key = written ? "" : "ui.warning.lead_not_updated";
    booking.state = written ? "done" : "booked";
    booking.result_json = wire::api::encode(result).dump();
    if (auto saved = m_store.update_booking(booking); !saved) return saved;
    if (!written)
        spdlog::warn("record {} booked but lead {} not updated: {}", result.record.id, request.lead_id,
                     clients::mask_for_log(written.error().detail));
    return {};
}

Result<void> BookingService::queue_follow_up(const Caller& caller, const AccountContext& acc, int64_t company_id, int64_t record_id,
                                             const wire::Json* record) {
    Result<wire::Json> read = record ? Result<wire::Json>(*record) : m_altegio.record_json(caller.account_id, acc.altegio_token(), company_id, record_id);
    if (!read) return tl::unexpected(read.error());
    // A retried booking queues the same change again; the inbox keeps it once.
    auto event = sync::altegio_row(caller.account_id, sync::source::widget, company_id, "record", record_id, "create", *read, m_clock.ms());
    if (auto added = m_store.append_to_inbox({event}); !added) return tl::unexpected(added.error());
    if (m_wake_workers) m_wake_workers();
    return {};
}

Result<BookingResult> BookingService::book(const Caller& caller, const domain::BookingRequest& request) {
    if (auto valid = validate_booking_request(request); !valid) return tl::unexpected(valid.error());
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    auto branch = visible_branch(m_reference, caller, *acc, request.company_id);
    if (!branch) return tl::unexpected(branch.error());
    auto writer = writer_or_refusal(m_store, caller, *acc);
    if (!writer) return tl::unexpected(writer.error());
    auto fields = fields_for_values(m_altegio, caller, *acc, request.company_id, request.custom_fields);
    if (!fields) return tl::unexpected(fields.error());

    store::Booking fresh;
    fresh.account_id = caller.account_id;
    fresh.request_key = request.request_key;
    fresh.lead_id = request.lead_id;
    fresh.company_id = request.company_id;
    fresh.api_id = "kb-" + crypto::random_token(12);
    fresh.request_json = wire::api::encode(request).dump();
    auto booking = m_store.claim_booking(fresh);
    if (!booking) return tl::unexpected(booking.error());
    if (booking->lead_id != request.lead_id || booking->company_id != request.company_id)
        return fail(Errc::conflict, "ui.error.bad_request", "request_key reused for another booking");

    if (booking->state == "done" || booking->state == "booked") {
        auto stored = wire::parse_json(booking->result_json);
        auto result = stored ? wire::api::decode_booking_result(*stored) : Result<BookingResult>(tl::unexpected(stored.error()));
        if (!result) return tl::unexpected(result.error());
        if (booking->state == "booked") {
            if (auto queued = queue_follow_up(caller, *acc, request.company_id, result->record.id, nullptr); !queued)
                return tl::unexpected(queued.error());
            if (auto filled = fill_lead(caller, *acc, request, *result, *booking); !filled) return tl::unexpected(filled.error());
        }
        return result;
    }

    bool claimed_before = booking->api_id != fresh.api_id;
    domain::BookingRequest seat = request;
    std::string day = request.datetime.empty() ? "" : domain::format_date(*domain::parse_iso_datetime(request.datetime));
    if (request.activity_id != 0) {
        // One client in the group is one lead: the seat is this lead's. The event names employee, service and day.
        auto event = m_altegio.group_event(caller.account_id, acc->installation.altegio_user_token, request.company_id, request.activity_id);
        if (!event) return tl::unexpected(event.error());
        if (event->free_seats() == 0 && !claimed_before) return fail(Errc::conflict, "ui.error.event_full", "no free seats left");
        seat.staff_id = event->staff_id;
        seat.service_ids = {event->service_id};
        seat.datetime.clear();
        day = event->date.substr(0, 10);
    }
    auto written = book_in_altegio(caller, *acc, seat, *booking, claimed_before, day, *fields, *writer);
    if (!written) return tl::unexpected(written.error());
    auto record = wire::altegio::decode_record(*written, "data");
    if (!record) return tl::unexpected(record.error());

    BookingResult result{std::move(*record), branch->title, false, ""};
    booking->state = "booked";
    booking->record_id = result.record.id;
    booking->result_json = wire::api::encode(result).dump();
    if (auto saved = m_store.update_booking(*booking); !saved) return tl::unexpected(saved.error());
    if (auto linked = m_store.save_record_link(caller.account_id, request.company_id, result.record.id, request.lead_id); !linked)
        return tl::unexpected(linked.error());
    if (auto queued = queue_follow_up(caller, *acc, request.company_id, result.record.id, &*written); !queued) return tl::unexpected(queued.error());
    if (auto filled = fill_lead(caller, *acc, request, result, *booking); !filled) return tl::unexpected(filled.error());
    return result;
}

// [SECTION] the lead of a record booked from the pipeline's records window --------------------------------
Result<std::vector<wire::api::LeadChoice>> BookingService::find_leads(const Caller& caller, const std::string& query) {
    constexpr size_t most = 20;
    if (query.size() < 2 || query.size() > 100 || !domain::is_valid_utf8(query))
        return fail(Errc::bad_input, "ui.error.lead_query", "the search text must have 2 to 100 characters");
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    std::vector<wire::api::LeadChoice> found;
    auto add = [&](const wire::kommo::Lead& lead) {
        bool known = std::any_of(found.begin(), found.end(), [&](const auto& f) { return f.id == lead.id; });
        if (!known && found.size() < most) found.push_back({lead.id, lead.name});
    };
    auto by_text = m_kommo.search_leads(caller.account_id, query);
    if (!by_text) return tl::unexpected(by_text.error());
    for (const auto& lead : *by_text) add(lead);
    // A phone, however it is written, also finds the leads of the contacts that have it.
    size_t digits = std::count_if(query.begin(), query.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (auto phone = domain::parse_phone(query, acc->settings.default_country_code); phone && digits >= 5 && found.size() < most) {
        auto contacts = m_kommo.contacts_by_phone(caller.account_id, *phone);
        if (!contacts) return tl::unexpected(contacts.error());
        std::vector<int64_t> ids;
        for (const auto& contact : *contacts)
            for (const auto& lead : contact.leads) ids.push_back(lead.id);
        if (!ids.empty()) {
            auto leads = m_kommo.leads_by_id(caller.account_id, ids);
            if (!leads) return tl::unexpected(leads.error());
            for (const auto& lead : *leads) add(lead);
        }
    }
    return found;
}

Result<wire::api::LeadChoice> BookingService::new_lead(const Caller& caller, const wire::api::NewLeadRequest& request) {
    const auto& client = request.client;
    if (client.name.empty() || client.name.size() > 200) return fail(Errc::bad_input, "ui.error.need_name", "client name missing");
    if (client.phone.empty() || client.phone.size() > 50) return fail(Errc::bad_input, "ui.error.need_phone", "client phone missing");
    if (request.request_key.empty() || request.request_key.size() > 100) return fail(Errc::bad_input, "ui.error.bad_request", "request_key missing");
    auto acc = load_widget_account(m_store, caller);
    if (!acc) return tl::unexpected(acc.error());
    const auto& settings = acc->settings;
    auto phone = domain::parse_phone(client.phone, settings.default_country_code);
    if (!phone) return fail(Errc::bad_input, "ui.error.need_phone", "the client's phone is not a phone number");

    // A retried click finds the lead the first one made: the key is kept beside the bookings', with its own prefix.
    store::Booking fresh;
    fresh.account_id = caller.account_id;
    fresh.request_key = "lead:" + request.request_key;
    fresh.api_id = "kb-" + crypto::random_token(12);
    fresh.request_json = wire::api::encode(request).dump();
    auto claimed = m_store.claim_booking(fresh);
    if (!claimed) return tl::unexpected(claimed.error());
    if (claimed->request_json != fresh.request_json)
        return fail(Errc::conflict, "ui.error.bad_request", "request_key reused for another client");
    if (claimed->state == "done") {
        auto stored = wire::parse_json(claimed->result_json);
        if (!stored) return tl::unexpected(stored.error());
        return wire::api::decode_lead_choice(*stored);
    }

    clients::KommoClient::NewLead lead;
    lead.name = i18n::render({"kommo.lead_name.client_only", {{"client", client.name}}}, settings.language);
    lead.stage = {settings.automation.new_lead_pipeline_id, settings.automation.new_lead_status_id};
    lead.responsible_user_id = caller.user_id;
    // The client's contact when Kommo has one with this phone, else a new one.
    auto contacts = m_kommo.contacts_by_phone(caller.account_id, *phone);
    if (!contacts) return tl::unexpected(contacts.error());
    for (const auto& contact : *contacts)
        for (const auto& known : contact.phones)
            if (lead.contact_id == 0 && domain::same_client_phone(known, client.phone, settings.default_country_code)) lead.contact_id = contact.id;
    if (lead.contact_id == 0) {
        const auto& map = settings.contact_fields;
        lead.contact_name = client.name;
        lead.contact_phone = domain::format_phone(client.phone, map.phone_format, map.phone_pattern, settings.default_country_code);
        lead.contact_email = client.email;
    }
    auto created = m_kommo.create_lead(caller.account_id, lead);
    if (!created) return tl::unexpected(created.error());
    wire::api::LeadChoice choice{created->lead_id, lead.name};
    claimed->state = "done";
    claimed->result_json = wire::api::encode(choice).dump();
    if (auto saved = m_store.update_booking(*claimed); !saved) return tl::unexpected(saved.error());
    return choice;
}

}  // namespace kb::services
