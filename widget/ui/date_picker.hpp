#pragma once
// A date field: the day as the user reads it ("Mon 7 Dec"), and on a click a month page to choose another day.
// In the control map the field is `id`, the page's arrows `<id>_prev` and `<id>_next`, its days `<id>_day_<YYYY-MM-DD>`.
//   if (ui::date_field("history_from", state.history.from)) ...   // a day was chosen
#include <string>

namespace kb::widget::ui {

// True on the frame a day is chosen; `iso_date` ("YYYY-MM-DD") then holds it.
bool date_field(const std::string& id, std::string& iso_date);

}  // namespace kb::widget::ui
