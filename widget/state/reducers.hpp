#pragma once
// Inside the widget's state (not for views): the relay calls the lead card's reducers share, and each area's
// reducers, one per kind of intent (app_state.hpp's intent::). apply() in app_state.cpp picks the one an intent needs;
// the card's own (tabs, errors, refresh) are there too.
//   booking_reducers.cpp   the booking form: branch, services, employee, date and time, colour, categories, group
//                          events, editing a record, booking
//   records_reducers.cpp   a record's status from the card's or the pipeline's log (with "Cancel this record?")
//   account_log_reducers.cpp  the pipeline view's period, filters and order
//   schedule_reducers.cpp  the schedule grid: one employee's or everyone's day, a free start picked from it
//   new_record_reducers.cpp  the pipeline's "New record": the lead found or made, then the booking form
#include <map>
#include <string>
#include <vector>
#include "widget/state/app_state.hpp"

namespace kb::widget::detail {

// [SECTION] requests and what they need
std::string join_ids(const std::vector<int64_t>& ids);
std::string branch_path(const AppState& state, const std::string& what);
void forget_from_staff(AppState& s);
void forget_from_dates(AppState& s);
void forget_slot(AppState& s);
Call staff_call(AppState& s);
std::vector<Call> load_staff(AppState& s);
Call dates_call(AppState& s);
Call times_call(AppState& s);
std::vector<Call> load_dates(AppState& s);
std::vector<Call> load_times(AppState& s);
std::vector<Call> load_schedule(AppState& s);
std::vector<Call> load_events(AppState& s);
const domain::TimeSlot* free_slot_of(const AppState& s, int64_t staff_id, const std::string& datetime);
std::vector<Call> load_tab(AppState& s);
const wire::api::RecordRow* row_of(const AppState& s, int64_t record_id);
void replace_row(AppState& s, const wire::api::RecordRow& row);
std::map<std::string, std::string> offered_field_values(const AppState& s, bool keep_empty);
domain::BookingRequest booking_request(const AppState& s);
domain::RecordChange record_change(const AppState& s);
int64_t period_days(const LogView& v);
std::vector<Call> load_account_log(AppState& s);

// [SECTION] reducers
// the card (app_state.cpp)
std::vector<Call> on(AppState& s, const intent::DismissError&);
std::vector<Call> on(AppState& s, const intent::RetryLoading&);
std::vector<Call> on(AppState& s, const intent::ShowTab&);
std::vector<Call> on(AppState& s, const intent::Refresh&);
// booking
std::vector<Call> on(AppState& s, const intent::ChooseBranch&);
std::vector<Call> on(AppState& s, const intent::ToggleService&);
std::vector<Call> on(AppState& s, const intent::ChooseStaff&);
std::vector<Call> on(AppState& s, const intent::ChooseDate&);
std::vector<Call> on(AppState& s, const intent::ChooseSlot&);
std::vector<Call> on(AppState& s, const intent::EditClient&);
std::vector<Call> on(AppState& s, const intent::Book&);
std::vector<Call> on(AppState& s, const intent::BookAnother&);
std::vector<Call> on(AppState& s, const intent::ChooseColor&);
std::vector<Call> on(AppState& s, const intent::ToggleLabel&);
std::vector<Call> on(AppState& s, const intent::SetGroupMode&);
std::vector<Call> on(AppState& s, const intent::ShiftEventsDay&);
std::vector<Call> on(AppState& s, const intent::ChooseEvent&);
std::vector<Call> on(AppState& s, const intent::EditRecord&);
std::vector<Call> on(AppState& s, const intent::StopEditing&);
// records
std::vector<Call> on(AppState& s, const intent::AskCancel&);
std::vector<Call> on(AppState& s, const intent::KeepRecord&);
std::vector<Call> on(AppState& s, const intent::ChangeStatus&);
// account log
std::vector<Call> on(AppState& s, const intent::ShiftPeriod&);
std::vector<Call> on(AppState& s, const intent::SetPeriodDays&);
std::vector<Call> on(AppState& s, const intent::FilterBranch&);
std::vector<Call> on(AppState& s, const intent::FilterStaff&);
std::vector<Call> on(AppState& s, const intent::FilterStatus&);
std::vector<Call> on(AppState& s, const intent::EditSearch&);
std::vector<Call> on(AppState& s, const intent::OpenLead&);
std::vector<Call> on(AppState& s, const intent::SortLog&);
// schedule
std::vector<Call> on(AppState& s, const intent::OpenSchedule&);
std::vector<Call> on(AppState& s, const intent::CloseSchedule&);
std::vector<Call> on(AppState& s, const intent::ShiftScheduleDay&);
std::vector<Call> on(AppState& s, const intent::FilterScheduleStaff&);
std::vector<Call> on(AppState& s, const intent::PickFreeSlot&);
// new record from the pipeline
std::vector<Call> on(AppState& s, const intent::NewRecord&);
std::vector<Call> on(AppState& s, const intent::FindLeads&);
std::vector<Call> on(AppState& s, const intent::ChooseLead&);
std::vector<Call> on(AppState& s, const intent::CreateLead&);
std::vector<Call> on(AppState& s, const intent::ChangeLead&);
std::vector<Call> on(AppState& s, const intent::CloseNewRecord&);

}  // namespace kb::widget::detail
