// The pipeline view's reducers: the account's log, its period, filters and order.
#include "widget/state/reducers.hpp"

#include "shared/domain/calendar.hpp"

namespace kb::widget::detail {

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

}  // namespace kb::widget::detail
