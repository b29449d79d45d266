#pragma once
// Pieces every tab of the lead card draws the same way.
#include <imgui.h>
#include <vector>
#include "widget/state/app_state.hpp"

namespace kb::widget::views {

// "Loading..." with moving dots while a request of `kind` is out; nothing otherwise.
void loading_line(const AppState& state, RequestKind kind);
// The current error in the user's language, its detail small, and the way out (retry or close).
void draw_error(const AppState& state, std::vector<Intent>& intents);

// Each domain::RecordState's name as the user reads it (a translation key), in the order of domain::all_record_states.
extern const char* const record_state_keys[5];

// A record's status as the user reads it: its translation key and its colour.
struct StatusLook {
    const char* key;
    ImVec4 color;
};
StatusLook status_look(const domain::Record& record);

}  // namespace kb::widget::views
