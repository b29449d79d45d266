#pragma once
// The schedule grid, drawn over the whole (modal) canvas: one day of the branch with employees as columns and
// time as rows; working hours, records and free starts; a click on a free start fills the booking form.
#include <vector>
#include "widget/state/app_state.hpp"

namespace kb::widget::views {

void draw_schedule_grid(const AppState& state, std::vector<Intent>& intents);

}  // namespace kb::widget::views
