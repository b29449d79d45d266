// The booking form's reducers: a new record or an edited one, and group events.
#include "widget/state/reducers.hpp"

#include <algorithm>
#include <iterator>
#include "shared/domain/calendar.hpp"
#include "shared/wire/json_read.hpp"   // the full JSON type, for the request bodies

namespace kb::widget::detail {

namespace api = wire::api;

std::vector<Call> on(AppState& s, const intent::ChooseBranch& i) {
    if (s.form.branch_id == i.branch_id || s.editing.record_id != 0) return {};   // a record stays in its branch
    s.form.branch_id = i.branch_id;
    s.form.activity_id = 0;
    s.events.reset();
    s.schedule.view = ScheduleView{};
    s.schedule.day.reset();
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
    if (s.editing.record_id != 0)
        return {s.requests.start(RequestKind::edit, "PUT", branch_path(s, "records/" + std::to_string(s.editing.record_id)),
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
    if (s.editing.record_id != 0 || s.form.branch_id == 0) return {};
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
    s.editing.record_id = r.id;
    s.editing.slot = domain::TimeSlot{r.date.size() >= 16 ? r.date.substr(11, 5) : "", r.datetime, r.seance_length};
    s.editing.staff_id = r.staff_id;
    s.result.reset();
    s.error.reset();
    s.tab = Tab::book;
    s.form.branch_id = r.company_id;
    s.form.service_ids.clear();
    for (const auto& service : r.services) s.form.service_ids.push_back(service.id);
    s.form.staff_id = r.staff_id;
    s.form.date = r.date.substr(0, 10);
    s.form.slot_datetime = r.datetime;
    s.form.slot_time = s.editing.slot.time;
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
    s.editing.record_id = 0;
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

}  // namespace kb::widget::detail
