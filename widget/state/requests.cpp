// The relay calls the lead card's reducers share, and what they are made from (see reducers.hpp).
#include "widget/state/reducers.hpp"

#include "shared/domain/calendar.hpp"

namespace kb::widget::detail {

namespace api = wire::api;

std::string join_ids(const std::vector<int64_t>& ids) {
    std::string out;
    for (int64_t id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
    return out;
}

std::string branch_path(const AppState& state, const std::string& what) {
    return "/api/v1/branches/" + std::to_string(state.form.branch_id) + "/" + what;
}

// Everything downstream of a choice is stale once the choice changes.
void forget_from_staff(AppState& s) { s.staff.clear(); s.form.staff_id = -1; s.dates.clear(); s.form.date.clear(); s.times.clear(); s.form.slot_datetime.clear(); s.form.slot_time.clear(); }
void forget_from_dates(AppState& s) { s.dates.clear(); s.form.date.clear(); s.times.clear(); s.form.slot_datetime.clear(); s.form.slot_time.clear(); }
void forget_slot(AppState& s) { s.times.clear(); s.form.slot_datetime.clear(); s.form.slot_time.clear(); }

Call staff_call(AppState& s) {
    return s.requests.start(RequestKind::staff, "GET", branch_path(s, "staff?service_ids=" + join_ids(s.form.service_ids)));
}

std::vector<Call> load_staff(AppState& s) {
    forget_from_staff(s);
    if (s.form.service_ids.empty()) return {};
    return {staff_call(s)};
}

Call dates_call(AppState& s) {
    return s.requests.start(RequestKind::dates, "GET",
                     branch_path(s, "dates?staff_id=" + std::to_string(s.form.staff_id) + "&service_ids=" + join_ids(s.form.service_ids)));
}

Call times_call(AppState& s) {
    return s.requests.start(RequestKind::times, "GET",
                     branch_path(s, "times?staff_id=" + std::to_string(s.form.staff_id) + "&date=" + s.form.date +
                                        "&service_ids=" + join_ids(s.form.service_ids)));
}

std::vector<Call> load_dates(AppState& s) {
    forget_from_dates(s);
    return {dates_call(s)};
}

std::vector<Call> load_times(AppState& s) {
    forget_slot(s);
    return {times_call(s)};
}

std::vector<Call> load_schedule(AppState& s) {
    s.schedule.day.reset();
    std::string path = "schedule?date=" + s.schedule.view.date;
    if (!s.form.service_ids.empty()) path += "&service_ids=" + join_ids(s.form.service_ids);
    if (!s.schedule.view.staff_ids.empty()) path += "&staff_ids=" + join_ids(s.schedule.view.staff_ids);
    return {s.requests.start(RequestKind::schedule, "GET", branch_path(s, path))};
}

std::vector<Call> load_events(AppState& s) {
    s.events.reset();
    return {s.requests.start(RequestKind::events, "GET", branch_path(s, "events?date=" + s.form.events_date))};
}

const domain::TimeSlot* free_slot_of(const AppState& s, int64_t staff_id, const std::string& datetime) {
    if (!s.schedule.day) return nullptr;
    for (const auto& column : s.schedule.day->columns)
        if (column.staff.id == staff_id)
            for (const auto& slot : column.free)
                if (slot.datetime == datetime) return &slot;
    return nullptr;
}

std::vector<Call> load_tab(AppState& s) {
    std::string lead = std::to_string(s.lead_id);
    if (s.tab == Tab::records) return {s.requests.start(RequestKind::records, "GET", "/api/v1/leads/" + lead + "/records")};
    if (s.tab == Tab::client) return {s.requests.start(RequestKind::client, "GET", "/api/v1/leads/" + lead + "/client")};
    return {};
}

const api::RecordRow* row_of(const AppState& s, int64_t record_id) {
    const std::vector<api::RecordRow>* lists[] = {s.records.rows ? &*s.records.rows : nullptr, s.pipeline.log ? &s.pipeline.log->rows : nullptr};
    for (const auto* list : lists)
        if (list)
            for (const auto& row : *list)
                if (row.record.id == record_id) return &row;
    return nullptr;
}

// A changed record's row, as the relay answered it, in whichever logs show it.
void replace_row(AppState& s, const api::RecordRow& row) {
    ++s.pipeline.revision;
    for (auto* list : {s.records.rows ? &*s.records.rows : nullptr, s.pipeline.log ? &s.pipeline.log->rows : nullptr})
        if (list)
            for (auto& each : *list)
                if (each.record.id == row.record.id) each = row;
}

// The form's additional field values for the fields the branch offers (a record may carry others); empty
// ones only for an edit, where they clear a value.
std::map<std::string, std::string> offered_field_values(const AppState& s, bool keep_empty) {
    std::map<std::string, std::string> out;
    if (!s.catalog) return out;
    for (const auto& field : s.catalog->record_fields)
        if (auto it = s.form.custom_fields.find(field.code); it != s.form.custom_fields.end() && (keep_empty || !it->second.empty()))
            out[field.code] = it->second;
    return out;
}

// What "Create record" sends as the form stands: a seat in a group event takes employee, services and time from the
// event (none chosen yet: the request lacks them, so the booking is not complete).
domain::BookingRequest booking_request(const AppState& s) {
    domain::BookingRequest request{s.lead_id, s.form.branch_id, s.form.staff_id, s.form.service_ids, s.form.slot_datetime,
                                   {s.form.name, s.form.phone, s.form.email}, s.form.comment, s.form.color, s.form.label_ids,
                                   0, s.request_key, offered_field_values(s, false)};
    if (s.form.group) {
        request.staff_id = 0;
        request.service_ids.clear();
        request.datetime.clear();
        request.activity_id = s.form.activity_id;
    }
    return request;
}

// What "Save" sends for the record being edited (its client stays its own).
domain::RecordChange record_change(const AppState& s) {
    return domain::RecordChange{s.form.staff_id, s.form.service_ids, s.form.slot_datetime, s.form.comment, s.form.color,
                                s.form.label_ids, offered_field_values(s, true)};
}

// [SECTION] the account's log (pipeline view)
int64_t period_days(const LogView& v) {
    auto a = domain::parse_civil(v.from), b = domain::parse_civil(v.to);
    if (!a || !b) return 1;
    return domain::days_from_civil(b->year, b->month, b->day) - domain::days_from_civil(a->year, a->month, a->day) + 1;
}

std::vector<Call> load_account_log(AppState& s) {
    std::string path = "/api/v1/records?from=" + s.pipeline.view.from + "&to=" + s.pipeline.view.to;
    if (s.pipeline.view.company_id != 0) path += "&company_id=" + std::to_string(s.pipeline.view.company_id);
    return {s.requests.start(RequestKind::account_log, "GET", path)};
}

}  // namespace kb::widget::detail
