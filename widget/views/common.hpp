#pragma once
// Pieces every tab of the lead card draws the same way.
#include <vector>
#include "widget/state/app_state.hpp"

namespace kb::widget::views {

// "Loading..." with moving dots while a request of `kind` is out; nothing otherwise.
void loading_line(const AppState& state, RequestKind kind);
// The current error in the user's language, its detail small, and the way out (retry or close).
void draw_error(const AppState& state, std::vector<Intent>& intents);

}  // namespace kb::widget::views
