#include "widget/state/app_state.hpp"

#include <algorithm>
#include <map>
#include "shared/domain/calendar.hpp"
#include "shared/domain/status_sync.hpp"
#include "shared/domain/text.hpp"
#include "shared/wire/json_read.hpp"
#include "widget/state/reducers.hpp"

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
    const std::vector<domain::Branch>& branches = card ? card->branches : pipeline.branches;   // the pipeline view edits log rows
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


// Complete by the rule the relay checks too (shared/domain/booking.hpp), and nothing of the kind under way.
bool AppState::can_book() const {
    if (card && !card->may_book()) return false;   // the relay would refuse this user's writes
    if (editing.record_id != 0)
        return form.branch_id != 0 && domain::missing_for_change(detail::record_change(*this)).empty() && !loading(RequestKind::edit);
    return card && domain::missing_for_booking(detail::booking_request(*this)).empty() && !loading(RequestKind::book);
}

std::vector<Call> start_pipeline(AppState& state, const std::string& language, const std::string& today) {
    state = AppState{};
    state.place = Place::pipeline;
    state.language = language;
    state.pipeline.view.from = state.pipeline.view.to = today;
    state.today = today;
    std::vector<Call> calls{state.requests.start(RequestKind::branches, "GET", "/api/v1/branches")};
    for (auto& call : detail::load_account_log(state)) calls.push_back(std::move(call));
    return calls;
}

std::vector<const api::RecordRow*> visible_log_rows(const AppState& s) {
    std::vector<const api::RecordRow*> rows;
    if (!s.pipeline.log) return rows;
    const LogView& v = s.pipeline.view;
    LogMemo& memo = s.pipeline.memo;
    if (memo.revision == s.pipeline.revision && memo.rows_at == s.pipeline.log->rows.data() && memo.view == v) return memo.rows;
    std::string needle = domain::fold_case(v.search);
    for (const auto& row : s.pipeline.log->rows) {
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
    memo.revision = s.pipeline.revision;
    memo.rows_at = s.pipeline.log->rows.data();
    memo.view = v;
    memo.rows = rows;
    return rows;
}

std::vector<std::pair<int64_t, std::string>> log_staff(const AppState& s) {
    LogMemo& memo = s.pipeline.memo;
    const void* rows_at = s.pipeline.log ? s.pipeline.log->rows.data() : nullptr;
    if (memo.staff_revision == s.pipeline.revision && memo.staff_rows_at == rows_at) return memo.staff;
    std::map<int64_t, std::string> seen;
    if (s.pipeline.log)
        for (const auto& row : s.pipeline.log->rows)
            if (row.record.staff_id != 0) seen.emplace(row.record.staff_id, row.record.staff_name);
    std::vector<std::pair<int64_t, std::string>> out(seen.begin(), seen.end());
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    memo.staff_revision = s.pipeline.revision;
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

// [SECTION] intents: the card's own reducers here, each area's in its own file (reducers.hpp) ------------------
namespace detail {

std::vector<Call> on(AppState& s, const intent::DismissError&) {
    s.error.reset();
    return {};
}

std::vector<Call> on(AppState& s, const intent::RetryLoading&) {
    s.error.reset();
    if (s.card) return {};
    if (s.place == Place::pipeline)   // the card of the lead a new record is for; the log stays as it is
        return s.lead_id != 0 ? apply(s, intent::ChooseLead{s.lead_id}) : std::vector<Call>{};
    return start(s, s.lead_id, s.language);
}

std::vector<Call> on(AppState& s, const intent::ShowTab& i) {
    s.tab = i.tab;
    s.records.cancel_asked_id = 0;
    bool loaded = s.tab == Tab::records ? s.records.rows.has_value() : s.tab == Tab::client ? s.client.has_value() : true;
    bool loading = s.loading(s.tab == Tab::records ? RequestKind::records : RequestKind::client);
    if (loaded || loading) return {};
    return load_tab(s);
}

std::vector<Call> on(AppState& s, const intent::Refresh&) {
    s.error.reset();
    if (s.place == Place::pipeline) return load_account_log(s);
    return load_tab(s);
}

}  // namespace detail

namespace {

bool leaves_booking_key(const Intent& chosen) {
    return std::holds_alternative<intent::Book>(chosen) || std::holds_alternative<intent::DismissError>(chosen) ||
           std::holds_alternative<intent::EditClient>(chosen) || std::holds_alternative<intent::ShowTab>(chosen) ||
           std::holds_alternative<intent::Refresh>(chosen) || std::holds_alternative<intent::ChangeStatus>(chosen) ||
           std::holds_alternative<intent::AskCancel>(chosen) || std::holds_alternative<intent::KeepRecord>(chosen);
}

}  // namespace

std::vector<Call> apply(AppState& s, const Intent& chosen) {
    bool booking_form = s.place == Place::lead_card || s.pipeline.new_record.open;   // the log's editor keeps its key
    if (!leaves_booking_key(chosen) && booking_form) s.request_key.clear();
    return std::visit([&s](const auto& i) { return detail::on(s, i); }, chosen);
}

// [SECTION] replies --------------------------------------------------------------------------------------------
std::vector<Call> on_reply(AppState& s, int request_id, int http_status, const std::string& body) {
    auto finished = s.requests.finish(request_id);
    if (!finished) return {};   // superseded by a newer request
    RequestKind kind = *finished;

    if (kind == RequestKind::status) s.records.status_record_id = 0;
    auto json = wire::parse_json(body);
    if (auto failure = failure_of(http_status, json, body)) {
        s.error = std::move(*failure);
        if (http_status == 0) return {};
        if ((kind == RequestKind::book || kind == RequestKind::edit) && http_status == 409) {   // the slot is gone: offer the fresh list
            s.request_key.clear();
            if (s.form.group) return detail::load_events(s);
            if (!s.form.date.empty()) return detail::load_times(s);
        }
        if (kind == RequestKind::status && http_status == 409) {   // changed elsewhere: read the log again
            if (s.place == Place::pipeline) return detail::load_account_log(s);
            if (s.tab == Tab::records) return detail::load_tab(s);
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
            if (!s.form.date.empty() && (picked_date_bookable || s.editing.record_id != 0)) return {};
            if (!s.dates.empty()) {
                s.form.date = s.dates.front();
                return detail::load_times(s);
            }
            return {};
        }
        case RequestKind::times: {
            auto times = api::decode_times(*json);
            if (!times) { failed_decode(times.error()); return {}; }
            s.times = std::move(*times);
            // The edited record's own time is not free (the record holds it) but stays a choice on its day.
            bool own_day = s.editing.record_id != 0 && s.editing.slot.datetime.substr(0, 10) == s.form.date &&
                           s.form.staff_id == s.editing.staff_id;
            if (own_day && std::none_of(s.times.begin(), s.times.end(), [&](const auto& t) { return t.datetime == s.editing.slot.datetime; })) {
                s.times.push_back(s.editing.slot);
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
            s.records.rows.reset();   // the log and the summary now miss this record: read them again when shown
            s.client.reset();
            return {};
        }
        case RequestKind::records: {
            auto log = api::decode_record_log(*json);
            if (!log) { failed_decode(log.error()); return {}; }
            s.records.rows = std::move(log->rows);
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
            s.pipeline.branches = std::move(context->branches);
            return {};
        }
        case RequestKind::account_log: {
            auto log = api::decode_record_log(*json);
            if (!log) { failed_decode(log.error()); return {}; }
            s.pipeline.log = std::move(*log);
            ++s.pipeline.revision;
            return {};
        }
        case RequestKind::schedule: {
            auto day = api::decode_day_schedule(*json);
            if (!day) { failed_decode(day.error()); return {}; }
            s.schedule.day = std::move(*day);
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
            detail::replace_row(s, *row);
            apply(s, intent::StopEditing{});
            s.tab = Tab::records;   // the log shows the record as it is now
            return {};
        }
        case RequestKind::status: {
            auto row = api::decode_record_row(*json);
            if (!row) { failed_decode(row.error()); return {}; }
            detail::replace_row(s, *row);
            s.client.reset();   // visits may have changed
            return {};
        }
        case RequestKind::leads: {
            auto leads = api::decode_lead_choices(*json);
            if (!leads) { failed_decode(leads.error()); return {}; }
            s.pipeline.new_record.found = std::move(*leads);
            return {};
        }
        case RequestKind::new_lead: {
            auto lead = api::decode_lead_choice(*json);
            if (!lead) { failed_decode(lead.error()); return {}; }
            s.pipeline.new_record.lead_key.clear();
            return apply(s, intent::ChooseLead{lead->id});
        }
        default:   // the settings page's requests are SettingsState's (settings_state.cpp)
            return {};
    }
    return {};
}

}  // namespace kb::widget
