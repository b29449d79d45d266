// The pipeline's "New record" (see reducers.hpp): the lead is found by Kommo's search or made for the client, then
// its card is read as the lead card reads it, and the booking form and its replies are the card's own.
#include "shared/domain/text.hpp"
#include "widget/state/reducers.hpp"

namespace kb::widget::detail {

namespace {

// The booking form as a new record starts it; the client fields stay when `keep_client` (typed for a new lead).
void clear_booking(AppState& s, bool keep_client) {
    BookingForm fresh;
    if (keep_client) {
        fresh.name = s.form.name;
        fresh.phone = s.form.phone;
        fresh.email = s.form.email;
    }
    s.form = std::move(fresh);
    s.card.reset();
    s.lead_id = 0;
    s.catalog.reset();
    s.staff.clear();
    s.dates.clear();
    s.times.clear();
    s.events.reset();
    s.result.reset();
    s.error.reset();
    s.request_key.clear();
    s.editing = EditingRecord{};
    s.schedule = ScheduleState{};
    for (auto kind : {RequestKind::card, RequestKind::catalog, RequestKind::staff, RequestKind::dates, RequestKind::times,
                      RequestKind::events, RequestKind::schedule})
        s.requests.forget(kind);
}

}  // namespace

std::vector<Call> on(AppState& s, const intent::NewRecord&) {
    clear_booking(s, false);
    s.pipeline.new_record = NewRecordState{};
    s.pipeline.new_record.open = true;
    return {};
}

std::vector<Call> on(AppState& s, const intent::FindLeads&) {
    auto& picker = s.pipeline.new_record;
    if (!picker.open) return {};
    s.error.reset();
    if (picker.lead_query.size() < 2) {   // the relay asks the same; said here without a round trip
        s.error = ShownError{"ui.error.lead_query", ""};
        return {};
    }
    return {s.requests.start(RequestKind::leads, "GET", "/api/v1/leads?query=" + domain::percent_encode(picker.lead_query))};
}

std::vector<Call> on(AppState& s, const intent::ChooseLead& i) {
    if (!s.pipeline.new_record.open || i.lead_id <= 0) return {};
    clear_booking(s, false);
    s.lead_id = i.lead_id;
    return {s.requests.start(RequestKind::card, "GET", "/api/v1/card?lead_id=" + std::to_string(i.lead_id))};
}

std::vector<Call> on(AppState& s, const intent::CreateLead& i) {
    auto& picker = s.pipeline.new_record;
    if (!picker.open || s.loading(RequestKind::new_lead)) return {};
    s.error.reset();
    if (s.form.name.empty()) s.error = ShownError{"ui.error.need_name", ""};
    else if (s.form.phone.empty()) s.error = ShownError{"ui.error.need_phone", ""};
    if (s.error) return {};
    std::string client = s.form.name + '\n' + s.form.phone + '\n' + s.form.email;
    if (picker.lead_key.empty() || picker.lead_key_client != client) {   // a retry of the same client reuses its key
        picker.lead_key = i.key;
        picker.lead_key_client = client;
    }
    wire::api::NewLeadRequest request{{s.form.name, s.form.phone, s.form.email}, picker.lead_key};
    return {s.requests.start(RequestKind::new_lead, "POST", "/api/v1/leads", wire::api::encode(request).dump())};
}

std::vector<Call> on(AppState& s, const intent::ChangeLead&) {
    if (!s.pipeline.new_record.open) return {};
    clear_booking(s, true);
    return {};
}

std::vector<Call> on(AppState& s, const intent::CloseNewRecord&) {
    bool booked = s.result.has_value();
    clear_booking(s, false);
    s.requests.forget(RequestKind::leads);
    s.requests.forget(RequestKind::new_lead);
    s.pipeline.new_record = NewRecordState{};
    if (booked) return load_account_log(s);   // the log now misses the new record
    return {};
}

}  // namespace kb::widget::detail
