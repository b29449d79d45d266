#pragma once
// The booking window in the lead card: branch, services, employee, day, time, client, comment, "Create record",
// and the booked record. Draws from the state; every choice becomes an Intent. The client's text fields are
// edited in place (ImGui needs their buffers), which is the only write into the state here.
#include <vector>
#include "widget/state/app_state.hpp"

namespace kb::widget::views {

void draw_booking_window(AppState& state, std::vector<Intent>& intents);

// The window's two halves, for a wide place (the pipeline view's editor) that shows them side by side:
// what is booked (branch, services, employee, day, time) and how (client or comment, colour, categories, the button).
void draw_booking_choices(AppState& state, std::vector<Intent>& intents);
void draw_booking_details(AppState& state, std::vector<Intent>& intents);

}  // namespace kb::widget::views
