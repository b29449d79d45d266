#pragma once
// Everything the widget draws in the lead card: the tab bar (Book, Records, Client) and the chosen tab.
#include <vector>
#include "widget/state/app_state.hpp"

namespace kb::widget::views {

void draw_lead_card(AppState& state, std::vector<Intent>& intents);

// The record log of the lead: one block per record with its status and the actions a manager may take.
void draw_record_log(const AppState& state, std::vector<Intent>& intents);
// What Altegio knows of the lead's client: visits, purchases, subscription.
void draw_client_summary(const AppState& state, std::vector<Intent>& intents);

}  // namespace kb::widget::views
