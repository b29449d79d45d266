#pragma once
// The booking window in the lead card: branch, services, employee, day, time, client, comment, "Create record",
// and the booked record. Draws from the state; every choice becomes an Intent. The client's text fields are
// edited in place (ImGui needs their buffers), which is the only write into the state here.
#include <vector>
#include "widget/state/app_state.hpp"

namespace kb::widget::views {

void draw_booking_window(AppState& state, std::vector<Intent>& intents);

}  // namespace kb::widget::views
