// The request history section: a period and the types wanted, Find, a clipped table of what the relay sent and
// received (newest first), a row's payloads, and "Repeat request" on an event that failed for good.
#include <algorithm>
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>
#include "shared/domain/calendar.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/date_picker.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/settings_pickers.hpp"

namespace kb::widget::views {

using ui::label;
using ui::remember;
using ui::tr;

namespace {


ImVec4 row_color(const wire::api::HistoryRow& row) {
    if (row.type == "failed_event") return row.state == "done" ? ui::success_color() : ui::error_color();
    if (row.status == 0 || row.status >= 400) return ui::error_color();
    return ImGui::GetStyleColorVec4(ImGuiCol_Text);
}

void draw_filters(SettingsState& state, std::vector<SettingsIntent>& intents) {
    auto& h = state.history;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("ui.history.period").c_str());
    ImGui::SameLine();
    ui::date_field("history_from", h.from);
    ImGui::SameLine();
    ImGui::TextUnformatted("–");
    ImGui::SameLine();
    ui::date_field("history_to", h.to);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", zone_text(state.utc_offset_seconds).c_str());

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("ui.history.types").c_str());
    for (const char* type : wire::api::history_types) {
        ImGui::SameLine();
        bool on = std::find(h.types.begin(), h.types.end(), type) != h.types.end();
        std::string id = std::string("history_type_") + type;
        if (ImGui::Checkbox(label(std::string("ui.history.type.") + type, id).c_str(), &on))
            intents.push_back(settings_intent::HistoryToggleType{type});
        remember(id);
    }
    if (h.types.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("(%s)", tr("ui.history.all_types").c_str());
    }
    if (ImGui::Button(label("ui.history.find", "history_find").c_str())) intents.push_back(settings_intent::HistoryFind{});
    remember("history_find");
    if (state.loading(RequestKind::history_find)) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", tr("ui.loading").c_str());
    }
}

void draw_table(SettingsState& state, std::vector<SettingsIntent>& intents, float height) {
    const auto& rows = *state.history.rows;
    if (rows.empty()) {
        ImGui::TextDisabled("%s", tr("ui.history.nothing").c_str());
        remember("history_nothing");
        return;
    }
    ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("###history", 6, flags, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    std::string time_header = tr("ui.history.time") + " (" + zone_text(state.utc_offset_seconds) + ")";   // the user's zone
    ImGui::TableSetupColumn(time_header.c_str(), ImGuiTableColumnFlags_WidthFixed,
                            std::max(ImGui::CalcTextSize("00-00 00:00:00").x, ImGui::CalcTextSize(time_header.c_str()).x));
    ImGui::TableSetupColumn(tr("ui.history.type_column").c_str(), ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupColumn(tr("ui.history.target").c_str(), ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn(tr("ui.settings.status_column").c_str(), ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn(tr("ui.history.error").c_str(), ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize(tr("ui.history.repeat").c_str()).x + 16);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;   // thousands of rows cost only the visible ones
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const auto& row = rows[i];
            std::string key = (row.type == "failed_event" ? "event_" : "entry_") + std::to_string(row.id);
            ImGui::PushID(key.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            bool opened = state.history.detail && state.history.detail->row.id == row.id && row.type != "failed_event";
            if (ImGui::Selectable(clock_text(row.at_ms, state.utc_offset_seconds).c_str(), opened, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap) && row.type != "failed_event")
                intents.push_back(settings_intent::HistoryOpen{row.id});
            remember("history_row_" + key);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(tr("ui.history.type." + row.type).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted((row.method.empty() ? row.target : row.method + " " + row.target).c_str());
            ImGui::TableNextColumn();
            std::string status = row.type == "failed_event" ? tr("ui.history.state." + row.state)
                                 : row.status == 0           ? std::string("—")
                                                             : std::to_string(row.status);
            ImGui::TextColored(row_color(row), "%s", status.c_str());
            remember("history_status_" + key + "_" + (row.type == "failed_event" ? row.state : std::to_string(row.status)));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.error.substr(0, 160).c_str());
            ImGui::TableNextColumn();
            if (row.repeatable) {
                bool busy = state.history.repeating_id == row.id;
                if (busy) ImGui::TextDisabled("%s", tr("ui.history.repeating").c_str());
                else if (ImGui::SmallButton(label("ui.history.repeat", "history_repeat_" + std::to_string(row.id)).c_str()))
                    intents.push_back(settings_intent::HistoryRepeat{row.id});
                remember("history_repeat_" + std::to_string(row.id));
            }
            ImGui::PopID();
        }
    ImGui::EndTable();
}

void draw_detail(const SettingsState& state) {
    const auto& d = *state.history.detail;
    section_heading("ui.history.payloads");
    ImGui::TextDisabled("%s %s", d.row.method.c_str(), d.row.target.c_str());
    float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    float height = std::max(ImGui::GetContentRegionAvail().y, ImGui::GetTextLineHeight() * 6);
    for (const auto& [key, text, id] : {std::tuple{"ui.history.request", &d.request_body, "history_request"},
                                        std::tuple{"ui.history.response", &d.response_body, "history_response"}}) {
        ImGui::BeginGroup();
        ImGui::TextUnformatted(tr(key).c_str());
        std::string copy = *text;   // read-only: ImGui still needs a buffer it may select and copy from
        ImGui::InputTextMultiline((std::string("###") + id).c_str(), &copy, ImVec2(half, height - ImGui::GetTextLineHeightWithSpacing()),
                                  ImGuiInputTextFlags_ReadOnly);
        remember(id);
        ImGui::EndGroup();
        if (std::string(id) == "history_request") ImGui::SameLine();
    }
}

}  // namespace

void draw_history_section(SettingsState& state, std::vector<SettingsIntent>& intents) {
    draw_filters(state, intents);
    if (!state.history.rows) return;
    ImGui::Spacing();
    float height = ImGui::GetContentRegionAvail().y * (state.history.detail ? 0.55f : 1.0f) -
                   (state.history.rows->empty() ? 0 : ImGui::GetFrameHeightWithSpacing());   // "Show more" and the count
    draw_table(state, intents, std::max(height, ImGui::GetTextLineHeight() * 6));
    if (state.history.next_before_id) {
        if (ImGui::SmallButton(label("ui.history.more", "history_more").c_str())) intents.push_back(settings_intent::HistoryMore{});
        remember("history_more");
        ImGui::SameLine();
    }
    if (!state.history.rows->empty()) {
        ImGui::TextDisabled("%s%zu", tr("ui.history.shown").c_str(), state.history.rows->size());
        remember("history_shown_" + std::to_string(state.history.rows->size()));
    }
    if (state.history.detail) draw_detail(state);
}

}  // namespace kb::widget::views
