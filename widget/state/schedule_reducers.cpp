// The schedule grid's reducers: one employee's or everyone's day, and a free start picked from it.
#include "widget/state/reducers.hpp"

#include <algorithm>
#include "shared/domain/calendar.hpp"

namespace kb::widget::detail {

std::vector<Call> on(AppState& s, const intent::OpenSchedule& i) {
    if (s.form.branch_id == 0) return {};
    s.schedule.view.open = true;
    s.schedule.view.date = !s.form.date.empty() ? s.form.date : s.today;
    s.schedule.view.staff_ids.clear();
    if (i.staff_id > 0) s.schedule.view.staff_ids.push_back(i.staff_id);
    return load_schedule(s);
}

std::vector<Call> on(AppState& s, const intent::CloseSchedule&) {
    s.schedule.view.open = false;
    s.requests.forget(RequestKind::schedule);
    return {};
}

std::vector<Call> on(AppState& s, const intent::ShiftScheduleDay& i) {
    if (!s.schedule.view.open) return {};
    s.schedule.view.date = i.days == 0 ? s.today : domain::add_days(s.schedule.view.date, i.days);
    return load_schedule(s);
}

std::vector<Call> on(AppState& s, const intent::FilterScheduleStaff& i) {
    if (!s.schedule.view.open) return {};
    auto& ids = s.schedule.view.staff_ids;
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
    s.form.date = s.schedule.day->date;
    s.form.slot_datetime = slot->datetime;
    s.form.slot_time = slot->time;
    s.schedule.view.open = false;
    // The form's lists follow the pick; their replies keep it (see on_reply: dates, times).
    s.dates.clear();
    s.times.clear();
    return {dates_call(s), times_call(s)};
}

}  // namespace kb::widget::detail
