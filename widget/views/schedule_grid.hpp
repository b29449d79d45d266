#pragma once
// The schedule grid, drawn over the whole (modal) canvas: one day of the branch with employees as columns and
// time as rows; working hours, records and free starts; a click on a free start fills the booking form.
#include <vector>
#include "widget/state/app_state.hpp"

namespace kb::widget::views {

// `host_closes`: the window around the canvas has its own close button (×) for the grid, as the card's window over
// the page has; the grid then draws none (one way to close). Over the leads list the window's × closes the whole
// records window, so the grid offers its own Close back to the form.
void draw_schedule_grid(const AppState& state, std::vector<Intent>& intents, bool host_closes);

}  // namespace kb::widget::views
