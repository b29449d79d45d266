// The pipeline view's reducers: the account's log, its period, filters and order.
#include "widget/state/reducers.hpp"

#include "shared/domain/calendar.hpp"

namespace kb::widget::detail {

std::vector<Call> on(AppState& s, const intent::ShiftPeriod& i) {
    int64_t days = period_days(s.pipeline.view) * (i.direction < 0 ? -1 : 1);
    s.pipeline.view.from = domain::add_days(s.pipeline.view.from, days);
    s.pipeline.view.to = domain::add_days(s.pipeline.view.to, days);
    return load_account_log(s);
}

std::vector<Call> on(AppState& s, const intent::SetPeriodDays& i) {
    if (i.days < 1 || i.days > 31) return {};
    s.pipeline.view.to = domain::add_days(s.pipeline.view.from, i.days - 1);
    return load_account_log(s);
}

std::vector<Call> on(AppState& s, const intent::FilterBranch& i) {
    s.pipeline.view.company_id = i.branch_id;
    return load_account_log(s);
}

std::vector<Call> on(AppState& s, const intent::FilterStaff& i) {
    s.pipeline.view.staff_id = i.staff_id;
    return {};
}

std::vector<Call> on(AppState& s, const intent::FilterStatus& i) {
    s.pipeline.view.status = static_cast<int>(i.status);
    return {};
}

std::vector<Call> on(AppState& s, const intent::EditSearch&) {
    return {};
}

std::vector<Call> on(AppState& s, const intent::OpenLead&) {
    return {};
}

std::vector<Call> on(AppState& s, const intent::SortLog& i) {
    s.pipeline.view.sort_by = i.column;
    s.pipeline.view.descending = i.descending;
    return {};
}

}  // namespace kb::widget::detail
