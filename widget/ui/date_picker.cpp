#include "widget/ui/date_picker.hpp"

#include <imgui.h>
#include "shared/domain/calendar.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"

namespace kb::widget::ui {

bool date_field(const std::string& id, std::string& iso_date) {
    std::string popup = id + "_page";
    // The month the open page shows, as months away from the field's own; kept by ImGui per field.
    ImGuiID shown_key = ImGui::GetID((id + "_shown").c_str());
    ImGuiStorage* storage = ImGui::GetStateStorage();
    if (ImGui::Button((format_day(iso_date) + "###" + id).c_str())) {
        storage->SetInt(shown_key, 0);
        ImGui::OpenPopup(popup.c_str());
    }
    remember(id);
    if (!ImGui::BeginPopup(popup.c_str())) return false;
    bool chosen = false;
    int shown = storage->GetInt(shown_key, 0);
    if (ImGui::ArrowButton((id + "_prev").c_str(), ImGuiDir_Left)) storage->SetInt(shown_key, --shown);
    remember(id + "_prev");
    auto page = domain::month_page(domain::shift_month(iso_date, shown));
    ImGui::SameLine();
    if (page) ImGui::Text("%s %d", tr("ui.month." + std::to_string(page->month)).c_str(), page->year);
    ImGui::SameLine();
    if (ImGui::ArrowButton((id + "_next").c_str(), ImGuiDir_Right)) storage->SetInt(shown_key, ++shown);
    remember(id + "_next");
    if (page && ImGui::BeginTable((id + "_days").c_str(), 7, ImGuiTableFlags_SizingFixedSame)) {
        for (int weekday = 0; weekday < 7; ++weekday) {
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", tr("ui.weekday." + std::to_string(weekday)).c_str());
        }
        ImGui::TableNextRow();
        for (int blank = 0; blank < page->first_weekday; ++blank) ImGui::TableNextColumn();
        float width = ImGui::CalcTextSize("00").x + ImGui::GetStyle().FramePadding.x * 2;
        for (int day = 1; day <= page->days; ++day) {
            ImGui::TableNextColumn();
            std::string date = domain::format_civil(domain::CivilDate{page->year, page->month, day});
            bool current = date == iso_date;
            if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
            if (ImGui::Button((std::to_string(day) + "###" + id + "_day_" + date).c_str(), ImVec2(width, 0))) {
                iso_date = date;
                chosen = true;
                ImGui::CloseCurrentPopup();
            }
            if (current) ImGui::PopStyleColor();
            remember(id + "_day_" + date);
        }
        ImGui::EndTable();
    }
    ImGui::EndPopup();
    return chosen;
}

}  // namespace kb::widget::ui
