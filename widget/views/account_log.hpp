#pragma once
// The pipeline view's window: the account's Altegio records for a period, filtered by branch, employee,
// status and client, sortable by column, with status actions and "Go to lead". Thousands of rows stay fast:
// only the visible ones are drawn (ImGuiListClipper).
#include <vector>
#include "widget/state/app_state.hpp"

namespace kb::widget::views {

void draw_account_log(AppState& state, std::vector<Intent>& intents);

}  // namespace kb::widget::views
