#include "widget/views/settings_pickers.hpp"

#include <algorithm>
#include <cstdlib>
#include <imgui.h>
#include "shared/domain/calendar.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"

namespace kb::widget::views {

using ui::remember;
using ui::tr;

void section_heading(const std::string& key) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, ui::accent_text_color());
    ImGui::TextUnformatted(tr(key).c_str());
    ImGui::PopStyleColor();
    ImGui::Separator();
}

void problem_note(const SettingsState& state, const std::string& path) {
    for (const auto* problem : problems_at(state, path)) {
        ImGui::PushStyleColor(ImGuiCol_Text, ui::error_color());
        std::string text = tr(problem->message_key);
        if (!problem->detail.empty()) text += " " + problem->detail;
        ImGui::TextWrapped("%s", text.c_str());
        ImGui::PopStyleColor();
        remember("problem_" + problem->path);
    }
}

float setting_label(const std::string& key) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr(key).c_str());
    float column = std::max(ImGui::GetContentRegionAvail().x * 0.42f, 160.0f);
    ImGui::SameLine(column);
    return ImGui::GetContentRegionAvail().x;
}

void field_combo(const std::string& id, const std::vector<wire::api::FieldChoice>& fields, int64_t& value) {
    std::string shown = tr("ui.settings.not_mapped");
    for (const auto& f : fields)
        if (f.id == value) shown = f.name + " (" + f.type + ")";
    if (value != 0 && shown == tr("ui.settings.not_mapped")) shown = "#" + std::to_string(value);   // deleted in Kommo
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo(("###" + id).c_str(), shown.c_str())) {
        if (ImGui::Selectable(tr("ui.settings.not_mapped").c_str(), value == 0)) value = 0;
        for (const auto& f : fields) {
            ImGui::PushID(static_cast<int>(f.id));
            if (ImGui::Selectable((f.name + " (" + f.type + ")").c_str(), f.id == value)) value = f.id;
            remember(id + "_" + std::to_string(f.id));
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    remember(id);
}

namespace {
std::string stage_name(const std::vector<wire::api::PipelineChoice>& pipelines, const domain::StageRef& ref) {
    for (const auto& p : pipelines)
        if (ref.pipeline_id == 0 || p.id == ref.pipeline_id)
            for (const auto& s : p.stages)
                if (s.id == ref.status_id) return p.name + " › " + s.name;
    return "#" + std::to_string(ref.status_id);
}
}  // namespace

void stage_combo(const std::string& id, const std::vector<wire::api::PipelineChoice>& pipelines, domain::StageRef& value,
                 const char* none_key, float width) {
    std::string shown = value.status_id == 0 ? tr(none_key ? none_key : "ui.settings.not_chosen") : stage_name(pipelines, value);
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo(("###" + id).c_str(), shown.c_str())) {
        if (none_key && ImGui::Selectable(tr(none_key).c_str(), value.status_id == 0)) value = {};
        for (const auto& p : pipelines) {
            ImGui::TextDisabled("%s", p.name.c_str());
            for (const auto& s : p.stages) {
                ImGui::PushID(static_cast<int>(s.id));
                domain::StageRef ref{p.id, s.id};
                if (ImGui::Selectable(("   " + s.name).c_str(), value == ref)) value = ref;
                remember(id + "_" + std::to_string(s.id));
                ImGui::PopID();
            }
        }
        ImGui::EndCombo();
    }
    remember(id);
}

void multi_select(const std::string& id, const Choices& choices, std::vector<int64_t>& chosen, const char* empty_key) {
    std::string shown;
    for (const auto& [value, name] : choices)
        if (std::find(chosen.begin(), chosen.end(), value) != chosen.end()) shown += (shown.empty() ? "" : ", ") + name;
    if (shown.empty()) shown = chosen.empty() ? tr(empty_key) : std::to_string(chosen.size());
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo(("###" + id).c_str(), shown.c_str())) {
        for (const auto& [value, name] : choices) {
            ImGui::PushID(static_cast<int>(value));
            auto at = std::find(chosen.begin(), chosen.end(), value);
            bool on = at != chosen.end();
            if (ImGui::Checkbox(name.c_str(), &on)) {
                if (on) chosen.push_back(value);
                else chosen.erase(at);
            }
            remember(id + "_" + std::to_string(value));
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    remember(id);
}

void stages_select(const std::string& id, const std::vector<wire::api::PipelineChoice>& pipelines, std::vector<domain::StageRef>& chosen) {
    std::string shown;
    for (const auto& ref : chosen) shown += (shown.empty() ? "" : ", ") + stage_name(pipelines, ref);
    if (shown.empty()) shown = tr("ui.settings.none");
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo(("###" + id).c_str(), shown.c_str())) {
        for (const auto& p : pipelines) {
            ImGui::TextDisabled("%s", p.name.c_str());
            for (const auto& s : p.stages) {
                ImGui::PushID(static_cast<int>(s.id));
                domain::StageRef ref{p.id, s.id};
                auto at = std::find(chosen.begin(), chosen.end(), ref);
                bool on = at != chosen.end();
                if (ImGui::Checkbox(s.name.c_str(), &on)) {
                    if (on) chosen.push_back(ref);
                    else chosen.erase(at);
                }
                remember(id + "_" + std::to_string(s.id));
                ImGui::PopID();
            }
        }
        ImGui::EndCombo();
    }
    remember(id);
}

Choices pipeline_choices(const std::vector<wire::api::PipelineChoice>& pipelines) {
    Choices out;
    for (const auto& p : pipelines) out.emplace_back(p.id, p.name);
    return out;
}

const wire::api::BranchChoices* loaded_choices(const SettingsState& state, int64_t branch, std::vector<SettingsIntent>& intents) {
    auto found = state.branch_choices.find(branch);
    if (found != state.branch_choices.end()) return &found->second;
    intents.push_back(settings_intent::NeedBranch{branch});
    return nullptr;
}

Choices branch_choices(const wire::api::SettingsPage& page) {
    Choices out;
    for (const auto& b : page.branches) out.emplace_back(b.branch.id, b.branch.title);
    return out;
}

std::string time_text(int64_t at_ms, int32_t utc_offset_seconds) {
    if (at_ms == 0) return tr("ui.settings.never");
    std::string iso = domain::format_iso_datetime(at_ms / 1000, utc_offset_seconds);   // "YYYY-MM-DDTHH:MM:SS+03:00"
    return ui::format_day(iso.substr(0, 10)) + " " + iso.substr(11, 5);
}

std::string clock_text(int64_t at_ms, int32_t utc_offset_seconds) {
    std::string iso = domain::format_iso_datetime(at_ms / 1000, utc_offset_seconds);
    return iso.substr(5, 5) + " " + iso.substr(11, 8);
}

std::string zone_text(int32_t utc_offset_seconds) {
    if (utc_offset_seconds == 0) return "UTC";
    int32_t minutes = std::abs(utc_offset_seconds) / 60;
    std::string text = std::string("UTC") + (utc_offset_seconds > 0 ? "+" : "-") + std::to_string(minutes / 60);
    if (minutes % 60 != 0) text += ":" + std::string(minutes % 60 < 10 ? "0" : "") + std::to_string(minutes % 60);
    return text;
}

Choices chain_choices(const wire::api::SettingsPage& page) {
    Choices out;
    for (const auto& b : page.branches) {
        if (b.branch.chain_id == 0) continue;
        if (std::any_of(out.begin(), out.end(), [&](const auto& c) { return c.first == b.branch.chain_id; })) continue;
        std::string title = b.branch.chain_title.empty() ? tr("ui.settings.chain_unnamed") + " " + std::to_string(b.branch.chain_id)
                                                         : b.branch.chain_title;
        out.emplace_back(b.branch.chain_id, title);
    }
    return out;
}

}  // namespace kb::widget::views
