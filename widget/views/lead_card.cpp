#include "widget/views/lead_card.hpp"

#include <imgui.h>
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/booking_window.hpp"

namespace kb::widget::views {
namespace {

void draw_tab_bar(const AppState& state, std::vector<Intent>& intents) {
    struct TabInfo {
        Tab tab;
        const char* key;
        const char* id;
    };
    const TabInfo tabs[] = {{Tab::book, "ui.tab.book", "tab_book"}, {Tab::records, "ui.tab.records", "tab_records"},
                            {Tab::client, "ui.tab.client", "tab_client"}};
    float width = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x * 2) / 3;
    for (size_t i = 0; i < 3; ++i) {
        if (i > 0) ImGui::SameLine();
        bool current = state.tab == tabs[i].tab;
        if (current) {
            ImGui::PushStyleColor(ImGuiCol_Button, ui::accent_color());
            ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ui::accent_color());
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
        }
        if (ui::fitted_button(ui::tr(tabs[i].key), tabs[i].id, ImVec2(width, 0)))
            intents.push_back(intent::ShowTab{tabs[i].tab});
        if (current) ImGui::PopStyleColor(3);
    }
    ImGui::Separator();
}

}  // namespace

void draw_lead_card(AppState& state, std::vector<Intent>& intents) {
    ImGui::TextColored(ui::accent_text_color(), "%s", ui::tr("ui.title").c_str());
    if (state.card && state.card->records_window_hidden) {   // the admin hides the window at this stage
        ImGui::TextDisabled("%s", ui::tr("ui.hidden_at_stage").c_str());
        ui::remember("hidden_at_stage");
        return;
    }
    if (state.card) draw_tab_bar(state, intents);
    else ImGui::Separator();
    switch (state.tab) {
        case Tab::book: draw_booking_window(state, intents); break;
        case Tab::records: draw_record_log(state, intents); break;
        case Tab::client: draw_client_summary(state, intents); break;
    }
}

}  // namespace kb::widget::views
