#pragma once
// The advanced settings page: the sections as tabs (Branches, Fields, Users, Statuses, Automation, Versions),
// and a bar with Save, Discard and what the last action did.
#include <vector>
#include "widget/state/settings_state.hpp"

namespace kb::widget::views {

void draw_settings_page(SettingsState& state, std::vector<SettingsIntent>& intents);

}  // namespace kb::widget::views
