#include "widget/state/app_state.hpp"

#include <algorithm>
#include <map>
#include "shared/domain/calendar.hpp"
#include "shared/domain/status_sync.hpp"
#include "shared/domain/text.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::widget {

namespace api = wire::api;

const char* const record_palette[10] = {"f44336", "e91e63", "9c27b0", "3f51b5", "2196f3",
                                        "009688", "4caf50", "ffc107", "ff9800", "795548"};

// [SECTION] queries ----------------------------------------------------------------------------------------------
Call Requests::start(RequestKind kind, std::string method, std::string path, std::string body) {
    forget(kind);
    int id = next_id++;
    in_flight[id] = kind;
    return Call{id, kind, std::move(method), std::move(path), std::move(body)};
}

std::optional<RequestKind> Requests::finish(int request_id) {
    auto found = in_flight.find(request_id);
    if (found == in_flight.end()) return std::nullopt;
    RequestKind kind = found->second;
    in_flight.erase(found);
    return kind;
}

void Requests::forget(RequestKind kind) {
    std::erase_if(in_flight, [&](const auto& entry) { return entry.second == kind; });
}

bool Requests::loading(RequestKind kind) const {
    return std::any_of(in_flight.begin(), in_flight.end(), [&](const auto& entry) { return entry.second == kind; });
}

FormPart form_part_of(const std::string& message_key) {
    static const std::map<std::string, FormPart> parts{
        {"ui.error.need_branch", FormPart::branch},          {"ui.error.branch_not_allowed", FormPart::branch},
        {"ui.error.altegio_no_rights", FormPart::branch},    {"ui.error.need_services", FormPart::services},
        {"ui.error.service_not_bookable", FormPart::services}, {"ui.error.need_employee", FormPart::employee},
        {"ui.error.need_date", FormPart::date},              {"ui.error.need_time", FormPart::time},
        {"ui.error.slot_taken", FormPart::time},             {"ui.error.bad_datetime", FormPart::time},
        {"ui.error.need_name", FormPart::client},            {"ui.error.need_phone", FormPart::client},
        {"ui.error.bad_phone", FormPart::client},            {"ui.error.field_unknown", FormPart::record_fields},
        {"ui.error.field_not_number", FormPart::record_fields}, {"ui.error.field_not_date", FormPart::record_fields},
        {"ui.error.event_full", FormPart::events},
    };
    auto it = parts.find(message_key);
    return it == parts.end() ? FormPart::none : it->second;
}

std::optional<ShownError> failure_of(int http_status, const Result<wire::Json>& json, const std::string& body) {
    if (http_status == 0) return ShownError{"ui.error.relay_unreachable", body};
    if (http_status >= 200 && http_status < 300 && json) return std::nullopt;
    auto error = json ? wire::api::decode_api_error(*json) : Result<wire::api::ApiError>(tl::unexpected(json.error()));
    return error ? ShownError{error->message_key, error->detail} : ShownError{"ui.error.relay_unreachable", "HTTP " + std::to_string(http_status)};
}

const domain::Branch* AppState::branch() const {
    const std::vector<domain::Branch>& branches = card ? card->branches : log_branches;   // the pipeline view edits log rows
    for (const auto& b : branches)
        if (b.id == form.branch_id) return &b;
    return nullptr;
}

std::vector<const domain::Service*> visible_services(const AppState& state) {
    std::vector<const domain::Service*> out;
    if (!state.catalog) return out;
    std::string needle = domain::fold_case(state.service_search);
    const auto& chosen = state.form.service_ids;
    for (const auto& s : state.catalog->services)
        if (domain::fold_case(s.title).find(needle) != std::string::npos || std::find(chosen.begin(), chosen.end(), s.id) != chosen.end())
            out.push_back(&s);
    return out;
}

int32_t chosen_duration_minutes(const AppState& state) {
    if (!state.catalog) return 0;
    int32_t seconds = 0;
    for (int64_t id : state.form.service_ids)
        for (const auto& s : state.catalog->services)
            if (s.id == id) seconds += s.duration_seconds;
    return seconds / 60;
}

// [SECTION] requests ---------------------------------------------------------------------------------------------
namespace {

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
    s.schedule.reset();
    std::string path = "schedule?date=" + s.schedule_view.date;
    if (!s.form.service_ids.empty()) path += "&service_ids=" + join_ids(s.form.service_ids);
    if (!s.schedule_view.staff_ids.empty()) path += "&staff_ids=" + join_ids(s.schedule_view.staff_ids);
    return {s.requests.start(RequestKind::schedule, "GET", branch_path(s, path))};
}

std::vector<Call> load_events(AppState& s) {
    s.events.reset();
    return {s.requests.start(RequestKind::events, "GET", branch_path(s, "events?date=" + s.form.events_date))};
}

const domain::TimeSlot* free_slot_of(const AppState& s, int64_t staff_id, const std::string& datetime) {
    if (!s.schedule) return nullptr;
    for (const auto& column : s.schedule->columns)
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
    const std::vector<api::RecordRow>* lists[] = {s.records ? &*s.records : nullptr, s.account_log ? &s.account_log->rows : nullptr};
    for (const auto* list : lists)
        if (list)
            for (const auto& row : *list)
                if (row.record.id == record_id) return &row;
    return nullptr;
}

// A changed record's row, as the relay answered it, in whichever logs show it.
void replace_row(AppState& s, const api::RecordRow& row) {
    ++s.log_revision;
    for (auto* list : {s.records ? &*s.records : nullptr, s.account_log ? &s.account_log->rows : nullptr})
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
    std::string path = "/api/v1/records?from=" + s.log_view.from + "&to=" + s.log_view.to;
    if (s.log_view.company_id != 0) path += "&company_id=" + std::to_string(s.log_view.company_id);
    return {s.requests.start(RequestKind::account_log, "GET", path)};
}


}  // namespace

// Complete by the rule the relay checks too (shared/domain/booking.hpp), and nothing of the kind under way.
bool AppState::can_book() const {
    if (editing_record_id != 0)
        return form.branch_id != 0 && domain::missing_for_change(record_change(*this)).empty() && !loading(RequestKind::edit);
    return card && domain::missing_for_booking(booking_request(*this)).empty() && !loading(RequestKind::book);
}

std::vector<Call> start_pipeline(AppState& state, const std::string& language, const std::string& today) {
    state = AppState{};
    state.place = Place::pipeline;
    state.language = language;
    state.log_view.from = state.log_view.to = today;
    state.today = today;
    std::vector<Call> calls{state.requests.start(RequestKind::branches, "GET", "/api/v1/branches")};
    for (auto& call : load_account_log(state)) calls.push_back(std::move(call));
    return calls;
}

std::vector<const api::RecordRow*> visible_log_rows(const AppState& s) {
    std::vector<const api::RecordRow*> rows;
    if (!s.account_log) return rows;
    const LogView& v = s.log_view;
    LogMemo& memo = s.log_memo;
    if (memo.revision == s.log_revision && memo.rows_at == s.account_log->rows.data() && memo.view == v) return memo.rows;
    std::string needle = domain::fold_case(v.search);
    for (const auto& row : s.account_log->rows) {
        const auto& r = row.record;
        if (v.staff_id != 0 && r.staff_id != v.staff_id) continue;
        if (v.status >= 0 && static_cast<int>(domain::record_state(r)) != v.status) continue;
        if (!needle.empty()) {
            if (!r.client) continue;
            if (domain::fold_case(r.client->name).find(needle) == std::string::npos && r.client->phone.find(v.search) == std::string::npos)
                continue;
        }
        rows.push_back(&row);
    }
    // Each row's sort key is worked out once (a moment, a number or a text), not at every comparison.
    struct Keyed {
        const api::RecordRow* row;
        int64_t number;
        const std::string* text;
    };
    static const std::string none;
    std::vector<Keyed> keyed;
    keyed.reserve(rows.size());
    for (const auto* row : rows) {
        const auto& r = row->record;
        switch (v.sort_by) {
            case LogColumn::time: keyed.push_back({row, domain::moment_of(r.datetime), &none}); break;
            case LogColumn::branch: keyed.push_back({row, 0, &row->branch_title}); break;
            case LogColumn::employee: keyed.push_back({row, 0, &r.staff_name}); break;
            case LogColumn::client: keyed.push_back({row, 0, r.client ? &r.client->name : &none}); break;
            case LogColumn::status: keyed.push_back({row, static_cast<int64_t>(domain::record_state(r)), &none}); break;
            case LogColumn::paid: keyed.push_back({row, r.paid.minor, &none}); break;
        }
    }
    auto less = [](const Keyed& a, const Keyed& b) { return a.number != b.number ? a.number < b.number : *a.text < *b.text; };
    std::stable_sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) { return v.descending ? less(b, a) : less(a, b); });
    for (size_t i = 0; i < keyed.size(); ++i) rows[i] = keyed[i].row;
    memo.revision = s.log_revision;
    memo.rows_at = s.account_log->rows.data();
    memo.view = v;
    memo.rows = rows;
    return rows;
}

std::vector<std::pair<int64_t, std::string>> log_staff(const AppState& s) {
    LogMemo& memo = s.log_memo;
    const void* rows_at = s.account_log ? s.account_log->rows.data() : nullptr;
    if (memo.staff_revision == s.log_revision && memo.staff_rows_at == rows_at) return memo.staff;
    std::map<int64_t, std::string> seen;
    if (s.account_log)
        for (const auto& row : s.account_log->rows)
            if (row.record.staff_id != 0) seen.emplace(row.record.staff_id, row.record.staff_name);
    std::vector<std::pair<int64_t, std::string>> out(seen.begin(), seen.end());
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    memo.staff_revision = s.log_revision;
    memo.staff_rows_at = rows_at;
    memo.staff = out;
    return out;
}

MinuteRange schedule_hours(const api::DaySchedule& day) {
    int32_t first = 24 * 60, last = 0;
    auto cover = [&](int32_t from, int32_t to) {
        if (from < 0) return;
        first = std::min(first, from);
        last = std::max(last, std::max(from, to));
    };
    for (const auto& column : day.columns) {
        for (const auto& w : column.working) cover(domain::minute_of_day(w.from), domain::minute_of_day(w.to));
        for (const auto& r : column.records) {
            int32_t start = r.date.size() >= 16 ? domain::minute_of_day(r.date.substr(11, 5)) : -1;
            cover(start, start + r.seance_length / 60);
        }
        for (const auto& f : column.free) {
            int32_t start = domain::minute_of_day(f.time);
            cover(start, start + f.seance_length / 60);
        }
    }
    if (last <= first) return MinuteRange{};
    return MinuteRange{first / 60 * 60, std::min(24 * 60, (last + 59) / 60 * 60)};
}

int32_t schedule_opening_minute(const api::DaySchedule& day) {
    int32_t first_free = -1;
    for (const auto& column : day.columns)
        for (const auto& f : column.free)
            if (int32_t start = domain::minute_of_day(f.time); start >= 0 && (first_free < 0 || start < first_free)) first_free = start;
    return first_free >= 0 ? first_free : schedule_hours(day).first;
}

std::vector<Call> start(AppState& state, int64_t lead_id, const std::string& language) {
    state = AppState{};
    state.lead_id = lead_id;
    state.language = language;
    return {state.requests.start(RequestKind::card, "GET", "/api/v1/card?lead_id=" + std::to_string(lead_id))};
}

// [SECTION] intents: one reducer per kind ----------------------------------------------------------------------
namespace {

std::vector<Call> on(AppState& s, const intent::ChooseBranch& i) {
    if (s.form.branch_id == i.branch_id || s.editing_record_id != 0) return {};   // a record stays in its branch
    s.form.branch_id = i.branch_id;
    s.form.activity_id = 0;
    s.events.reset();
    s.schedule_view = ScheduleView{};
    s.schedule.reset();
    s.form.service_ids.clear();
    s.form.label_ids.clear();   // categories belong to the branch
    s.form.custom_fields.clear();   // and so do additional fields
    s.service_search.clear();
    s.services_listed = false;
    s.catalog.reset();
    forget_from_staff(s);
    if (s.form.group) {
        std::vector<Call> calls{s.requests.start(RequestKind::catalog, "GET", branch_path(s, "services"))};
        calls.push_back(load_events(s)[0]);
        return calls;
    }
    return {s.requests.start(RequestKind::catalog, "GET", branch_path(s, "services"))};
}

std::vector<Call> on(AppState& s, const intent::ToggleService& i) {
    auto& ids = s.form.service_ids;
    auto it = std::find(ids.begin(), ids.end(), i.service_id);
    if (it == ids.end()) ids.push_back(i.service_id);
    else ids.erase(it);
    return load_staff(s);
}

std::vector<Call> on(AppState& s, const intent::ChooseStaff& i) {
    s.form.staff_id = i.staff_id;
    return load_dates(s);
}

std::vector<Call> on(AppState& s, const intent::ChooseDate& i) {
    s.form.date = i.date;
    return load_times(s);
}

std::vector<Call> on(AppState& s, const intent::ChooseSlot& i) {
    for (const auto& slot : s.times)
        if (slot.datetime == i.datetime) {
            s.form.slot_datetime = slot.datetime;
            s.form.slot_time = slot.time;
        }
    return {};
}

std::vector<Call> on(AppState& s, const intent::EditClient&) {
    return {};
}

std::vector<Call> on(AppState& s, const intent::Book& i) {
    if (!s.can_book()) return {};
    s.error.reset();
    if (s.editing_record_id != 0)
        return {s.requests.start(RequestKind::edit, "PUT", branch_path(s, "records/" + std::to_string(s.editing_record_id)),
                                 api::encode(record_change(s)).dump())};
    if (s.request_key.empty()) s.request_key = i.key;
    return {s.requests.start(RequestKind::book, "POST", "/api/v1/records", api::encode(booking_request(s)).dump())};
}

std::vector<Call> on(AppState& s, const intent::BookAnother&) {
    s.result.reset();
    s.request_key.clear();
    s.form.slot_datetime.clear();
    s.form.slot_time.clear();
    if (s.form.staff_id >= 0 && !s.form.date.empty()) return load_times(s);
    return {};
}

std::vector<Call> on(AppState& s, const intent::DismissError&) {
    s.error.reset();
    return {};
}

std::vector<Call> on(AppState& s, const intent::RetryLoading&) {
    s.error.reset();
    if (!s.card) return start(s, s.lead_id, s.language);
    return {};
}

std::vector<Call> on(AppState& s, const intent::ShowTab& i) {
    s.tab = i.tab;
    s.cancel_asked_id = 0;
    bool loaded = s.tab == Tab::records ? s.records.has_value() : s.tab == Tab::client ? s.client.has_value() : true;
    bool loading = s.loading(s.tab == Tab::records ? RequestKind::records : RequestKind::client);
    if (loaded || loading) return {};
    return load_tab(s);
}

std::vector<Call> on(AppState& s, const intent::Refresh&) {
    s.error.reset();
    if (s.place == Place::pipeline) return load_account_log(s);
    return load_tab(s);
}

std::vector<Call> on(AppState& s, const intent::ShiftPeriod& i) {
    int64_t days = period_days(s.log_view) * (i.direction < 0 ? -1 : 1);
    s.log_view.from = domain::add_days(s.log_view.from, days);
    s.log_view.to = domain::add_days(s.log_view.to, days);
    return load_account_log(s);
}

std::vector<Call> on(AppState& s, const intent::SetPeriodDays& i) {
    if (i.days < 1 || i.days > 31) return {};
    s.log_view.to = domain::add_days(s.log_view.from, i.days - 1);
    return load_account_log(s);
}

std::vector<Call> on(AppState& s, const intent::FilterBranch& i) {
    s.log_view.company_id = i.branch_id;
    return load_account_log(s);
}

std::vector<Call> on(AppState& s, const intent::FilterStaff& i) {
    s.log_view.staff_id = i.staff_id;
    return {};
}

std::vector<Call> on(AppState& s, const intent::FilterStatus& i) {
    s.log_view.status = static_cast<int>(i.status);
    return {};
}

std::vector<Call> on(AppState& s, const intent::EditSearch&) {
    return {};
}

std::vector<Call> on(AppState& s, const intent::OpenLead&) {
    return {};
}

std::vector<Call> on(AppState& s, const intent::SortLog& i) {
    s.log_view.sort_by = i.column;
    s.log_view.descending = i.descending;
    return {};
}

std::vector<Call> on(AppState& s, const intent::OpenSchedule& i) {
    if (s.form.branch_id == 0) return {};
    s.schedule_view.open = true;
    s.schedule_view.date = !s.form.date.empty() ? s.form.date : s.today;
    s.schedule_view.staff_ids.clear();
    if (i.staff_id > 0) s.schedule_view.staff_ids.push_back(i.staff_id);
    return load_schedule(s);
}

std::vector<Call> on(AppState& s, const intent::CloseSchedule&) {
    s.schedule_view.open = false;
    s.requests.forget(RequestKind::schedule);
    return {};
}

std::vector<Call> on(AppState& s, const intent::ShiftScheduleDay& i) {
    if (!s.schedule_view.open) return {};
    s.schedule_view.date = i.days == 0 ? s.today : domain::add_days(s.schedule_view.date, i.days);
    return load_schedule(s);
}

std::vector<Call> on(AppState& s, const intent::FilterScheduleStaff& i) {
    if (!s.schedule_view.open) return {};
    auto& ids = s.schedule_view.staff_ids;
    auto it = std::find(ids.begin(), ids.end(), i.staff_id);
    if (i.staff_id == 0) ids.clear();
    else if (it == ids.end()) ids.push_back(i.staff_id);
    else ids.erase(it);
    return load_schedule(s);
}

std::vector<Call> on(AppState& s, const intent::PickFreeSlot& i) {
    const domain::TimeSlot* slot = free_slot_of(s, i.staff_id, i.datetime);
    if (!slot) return {};
    s.form.staff_id = i.staff_id;
    s.form.date = s.schedule->date;
    s.form.slot_datetime = slot->datetime;
    s.form.slot_time = slot->time;
    s.schedule_view.open = false;
    // The form's lists follow the pick; their replies keep it (see on_reply: dates, times).
    s.dates.clear();
    s.times.clear();
    return {dates_call(s), times_call(s)};
}

std::vector<Call> on(AppState& s, const intent::ChooseColor& i) {
    if (!i.hex.empty() && std::find(std::begin(record_palette), std::end(record_palette), i.hex) == std::end(record_palette))
        return {};
    s.form.color = i.hex;
    return {};
}

std::vector<Call> on(AppState& s, const intent::ToggleLabel& i) {
    if (!s.catalog || std::none_of(s.catalog->labels.begin(), s.catalog->labels.end(), [&](const auto& l) { return l.id == i.label_id; }))
        return {};
    auto& ids = s.form.label_ids;
    auto it = std::find(ids.begin(), ids.end(), i.label_id);
    if (it == ids.end()) ids.push_back(i.label_id);
    else ids.erase(it);
    return {};
}

std::vector<Call> on(AppState& s, const intent::SetGroupMode& i) {
    if (s.editing_record_id != 0 || s.form.branch_id == 0) return {};
    s.form.group = i.group;
    s.form.activity_id = 0;
    if (!s.form.group) return {};
    if (s.form.events_date.empty()) s.form.events_date = s.today;
    return load_events(s);
}

std::vector<Call> on(AppState& s, const intent::ShiftEventsDay& i) {
    if (!s.form.group) return {};
    s.form.events_date = i.days == 0 ? s.today : domain::add_days(s.form.events_date, i.days);
    s.form.activity_id = 0;
    return load_events(s);
}

std::vector<Call> on(AppState& s, const intent::ChooseEvent& i) {
    if (!s.events) return {};
    for (const auto& e : *s.events)
        if (e.id == i.event_id && e.free_seats() > 0) s.form.activity_id = e.id;
    return {};
}

std::vector<Call> on(AppState& s, const intent::EditRecord& i) {
    const api::RecordRow* row = row_of(s, i.record_id);
    if (!row || row->record.deleted) return {};
    const domain::Record r = row->record;   // a copy: the lists may change below
    bool same_branch = s.form.branch_id == r.company_id && s.catalog;
    s.editing_record_id = r.id;
    s.editing_slot = domain::TimeSlot{r.date.size() >= 16 ? r.date.substr(11, 5) : "", r.datetime, r.seance_length};
    s.editing_staff_id = r.staff_id;
    s.result.reset();
    s.error.reset();
    s.tab = Tab::book;
    s.form.branch_id = r.company_id;
    s.form.service_ids.clear();
    for (const auto& service : r.services) s.form.service_ids.push_back(service.id);
    s.form.staff_id = r.staff_id;
    s.form.date = r.date.substr(0, 10);
    s.form.slot_datetime = r.datetime;
    s.form.slot_time = s.editing_slot.time;
    s.form.comment = r.comment;
    s.form.color = r.color;
    s.form.label_ids.clear();
    for (const auto& l : r.labels) s.form.label_ids.push_back(l.id);
    s.form.custom_fields = r.custom_fields;
    if (r.client) {
        s.form.name = r.client->name;
        s.form.phone = r.client->phone;
        s.form.email = r.client->email;
    }
    s.staff.clear();
    s.dates.clear();
    s.times.clear();
    std::vector<Call> calls;
    if (!same_branch) {
        s.catalog.reset();
        calls.push_back(s.requests.start(RequestKind::catalog, "GET", branch_path(s, "services")));
    }
    calls.push_back(staff_call(s));
    calls.push_back(dates_call(s));
    calls.push_back(times_call(s));
    return calls;
}

std::vector<Call> on(AppState& s, const intent::StopEditing&) {
    s.editing_record_id = 0;
    s.error.reset();
    apply(s, intent::CloseSchedule{});
    s.form.comment.clear();
    s.form.color.clear();
    s.form.label_ids.clear();
    s.form.custom_fields.clear();
    s.form.service_ids.clear();
    forget_from_staff(s);
    if (s.card) {   // the lead's contact again, as for a new record
        s.form.name = s.card->contact.name;
        s.form.phone = s.card->contact.phone;
        s.form.email = s.card->contact.email;
    }
    return {};
}

std::vector<Call> on(AppState& s, const intent::AskCancel& i) {
    s.cancel_asked_id = i.record_id;
    return {};
}

std::vector<Call> on(AppState& s, const intent::KeepRecord&) {
    s.cancel_asked_id = 0;
    return {};
}

std::vector<Call> on(AppState& s, const intent::ChangeStatus& i) {
    const api::RecordRow* row = row_of(s, i.record_id);
    if (!row || row->record.deleted || s.loading(RequestKind::status)) return {};
    if (i.action == "cancel" && s.cancel_asked_id != i.record_id) return {};   // only after "Yes"
    s.cancel_asked_id = 0;
    s.status_record_id = i.record_id;
    s.error.reset();
    std::string path = "/api/v1/branches/" + std::to_string(row->record.company_id) + "/records/" +
                       std::to_string(row->record.id) + "/status";
    return {s.requests.start(RequestKind::status, "POST", path, wire::Json{{"action", i.action}}.dump())};
}

// Any change of the booking itself starts a new booking intent; a plain retry keeps the key.
bool leaves_booking_key(const Intent& chosen) {
    return std::holds_alternative<intent::Book>(chosen) || std::holds_alternative<intent::DismissError>(chosen) ||
           std::holds_alternative<intent::EditClient>(chosen) || std::holds_alternative<intent::ShowTab>(chosen) ||
           std::holds_alternative<intent::Refresh>(chosen) || std::holds_alternative<intent::ChangeStatus>(chosen) ||
           std::holds_alternative<intent::AskCancel>(chosen) || std::holds_alternative<intent::KeepRecord>(chosen);
}

}  // namespace

std::vector<Call> apply(AppState& s, const Intent& chosen) {
    if (!leaves_booking_key(chosen) && s.place != Place::pipeline) s.request_key.clear();
    return std::visit([&s](const auto& i) { return on(s, i); }, chosen);
}

// [SECTION] replies --------------------------------------------------------------------------------------------
std::vector<Call> on_reply(AppState& s, int request_id, int http_status, const std::string& body) {
    auto finished = s.requests.finish(request_id);
    if (!finished) return {};   // superseded by a newer request
    RequestKind kind = *finished;

    if (kind == RequestKind::status) s.status_record_id = 0;
    auto json = wire::parse_json(body);
    if (auto failure = failure_of(http_status, json, body)) {
        s.error = std::move(*failure);
        if (http_status == 0) return {};
        if ((kind == RequestKind::book || kind == RequestKind::edit) && http_status == 409) {   // the slot is gone: offer the fresh list
            s.request_key.clear();
            if (s.form.group) return load_events(s);
            if (!s.form.date.empty()) return load_times(s);
        }
        if (kind == RequestKind::status && http_status == 409) {   // changed elsewhere: read the log again
            if (s.place == Place::pipeline) return load_account_log(s);
            if (s.tab == Tab::records) return load_tab(s);
        }
        return {};
    }
    auto failed_decode = [&](const Error& e) { s.error = ShownError{"ui.error.bad_reply", e.detail}; };
    switch (kind) {
        case RequestKind::card: {
            auto card = api::decode_card_context(*json);
            if (!card) { failed_decode(card.error()); return {}; }
            s.card = std::move(*card);
            s.form.name = s.card->contact.name;
            s.form.phone = s.card->contact.phone;
            s.form.email = s.card->contact.email;
            if (s.card->records_window_hidden) return {};   // nothing to load: the window stays closed at this stage
            if (s.card->branches.size() == 1) return apply(s, intent::ChooseBranch{s.card->branches[0].id});
            return {};
        }
        case RequestKind::catalog: {
            auto catalog = api::decode_catalog(*json);
            if (!catalog) { failed_decode(catalog.error()); return {}; }
            s.catalog = std::move(*catalog);
            return {};
        }
        case RequestKind::staff: {
            auto staff = api::decode_staff_list(*json);
            if (!staff) { failed_decode(staff.error()); return {}; }
            s.staff = std::move(*staff);
            if (s.staff.size() == 1 && s.form.staff_id < 0) return apply(s, intent::ChooseStaff{s.staff[0].id});
            return {};
        }
        case RequestKind::dates: {
            auto dates = api::decode_dates(*json);
            if (!dates) { failed_decode(dates.error()); return {}; }
            s.dates = std::move(*dates);
            bool picked_date_bookable = std::find(s.dates.begin(), s.dates.end(), s.form.date) != s.dates.end();
            // A slot picked in the grid, or the record being edited: that day's times are on their way.
            if (!s.form.date.empty() && (picked_date_bookable || s.editing_record_id != 0)) return {};
            if (!s.dates.empty()) {
                s.form.date = s.dates.front();
                return load_times(s);
            }
            return {};
        }
        case RequestKind::times: {
            auto times = api::decode_times(*json);
            if (!times) { failed_decode(times.error()); return {}; }
            s.times = std::move(*times);
            // The edited record's own time is not free (the record holds it) but stays a choice on its day.
            bool own_day = s.editing_record_id != 0 && s.editing_slot.datetime.substr(0, 10) == s.form.date &&
                           s.form.staff_id == s.editing_staff_id;
            if (own_day && std::none_of(s.times.begin(), s.times.end(), [&](const auto& t) { return t.datetime == s.editing_slot.datetime; })) {
                s.times.push_back(s.editing_slot);
                std::sort(s.times.begin(), s.times.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
            }
            bool slot_still_free = std::any_of(s.times.begin(), s.times.end(), [&](const auto& t) { return t.datetime == s.form.slot_datetime; });
            if (!slot_still_free) {
                s.form.slot_datetime.clear();
                s.form.slot_time.clear();
            }
            return {};
        }
        case RequestKind::book: {
            auto result = api::decode_booking_result(*json);
            if (!result) { failed_decode(result.error()); return {}; }
            s.result = std::move(*result);
            if (!s.result->lead_updated) s.error = ShownError{s.result->warning_key, ""};
            s.records.reset();   // the log and the summary now miss this record: read them again when shown
            s.client.reset();
            return {};
        }
        case RequestKind::records: {
            auto log = api::decode_record_log(*json);
            if (!log) { failed_decode(log.error()); return {}; }
            s.records = std::move(log->rows);
            return {};
        }
        case RequestKind::client: {
            auto summary = api::decode_client_summary(*json);
            if (!summary) { failed_decode(summary.error()); return {}; }
            s.client = std::move(*summary);
            return {};
        }
        case RequestKind::branches: {
            auto context = api::decode_card_context(*json);
            if (!context) { failed_decode(context.error()); return {}; }
            s.log_branches = std::move(context->branches);
            return {};
        }
        case RequestKind::account_log: {
            auto log = api::decode_record_log(*json);
            if (!log) { failed_decode(log.error()); return {}; }
            s.account_log = std::move(*log);
            ++s.log_revision;
            return {};
        }
        case RequestKind::schedule: {
            auto day = api::decode_day_schedule(*json);
            if (!day) { failed_decode(day.error()); return {}; }
            s.schedule = std::move(*day);
            return {};
        }
        case RequestKind::events: {
            auto events = api::decode_group_events(*json);
            if (!events) { failed_decode(events.error()); return {}; }
            s.events = std::move(*events);
            bool still_there = std::any_of(s.events->begin(), s.events->end(), [&](const auto& e) { return e.id == s.form.activity_id && e.free_seats() > 0; });
            if (!still_there) s.form.activity_id = 0;
            return {};
        }
        case RequestKind::edit: {
            auto row = api::decode_record_row(*json);
            if (!row) { failed_decode(row.error()); return {}; }
            replace_row(s, *row);
            apply(s, intent::StopEditing{});
            s.tab = Tab::records;   // the log shows the record as it is now
            return {};
        }
        case RequestKind::status: {
            auto row = api::decode_record_row(*json);
            if (!row) { failed_decode(row.error()); return {}; }
            replace_row(s, *row);
            s.client.reset();   // visits may have changed
            return {};
        }
        default:   // the settings page's requests are SettingsState's (settings_state.cpp)
            return {};
    }
    return {};
}

}  // namespace kb::widget
