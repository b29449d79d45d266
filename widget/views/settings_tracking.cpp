// The Lead tracking section: where a lead-tracking service posts, which lead types are used, what is made or found
// for each (deal, contact, company) and which deal, contact and company field each parameter goes to. It edits the settings document (saved with the page's Save button).
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>
#include <algorithm>
#include <map>
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/views/settings_pickers.hpp"

namespace kb::widget::views {

using ui::label;
using ui::remember;
using ui::tr;

namespace {

// A parameter's field of one entity (`targets`: the deal's, the contact's or the company's map): "do not pass",
// "create a new field", or one of the account's fields of that entity.
void parameter_combo(const std::string& id, const std::vector<wire::api::FieldChoice>& fields,
                     std::map<domain::TrackingParam, int64_t>& targets, domain::TrackingParam param, float width) {
    auto it = targets.find(param);
    int64_t value = it == targets.end() ? 0 : it->second;
    std::string shown = value == 0 ? tr("ui.tracking.do_not_pass") : value == domain::LeadTracking::new_field ? tr("ui.tracking.new_field")
                                                                                                          : "#" + std::to_string(value);
    for (const auto& f : fields)
        if (f.id == value) shown = f.name + " (" + f.type + ")";
    int64_t chosen = value;
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo(("###" + id).c_str(), shown.c_str())) {
        if (ImGui::Selectable(tr("ui.tracking.do_not_pass").c_str(), value == 0)) chosen = 0;
        remember(id + "_none");
        if (ImGui::Selectable(tr("ui.tracking.new_field").c_str(), value == domain::LeadTracking::new_field)) chosen = domain::LeadTracking::new_field;
        remember(id + "_new");
        for (const auto& f : fields) {
            if (f.type == "checkbox" || f.type == "radiobutton" || f.type == "multitext") continue;   // never take a parameter
            ImGui::PushID(static_cast<int>(f.id));
            if (ImGui::Selectable((f.name + " (" + f.type + ")").c_str(), f.id == value)) chosen = f.id;
            remember(id + "_" + std::to_string(f.id));
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    remember(id);
    if (chosen == value) return;
    if (chosen == 0) targets.erase(param);
    else targets[param] = chosen;
}

// What is done with one entity of a lead type: create, find, or neither.
void mode_combo(const std::string& id, domain::TrackingMode& value, float width) {
    struct Choice {
        domain::TrackingMode mode;
        const char* key;
        const char* suffix;
    };
    const Choice choices[] = {{domain::TrackingMode::create, "ui.tracking.mode_create", "_create"},
                              {domain::TrackingMode::find, "ui.tracking.mode_find", "_find"},
                              {domain::TrackingMode::off, "ui.tracking.mode_off", "_off"}};
    std::string shown;
    for (const auto& c : choices)
        if (c.mode == value) shown = tr(c.key);
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo(("###" + id).c_str(), shown.c_str())) {
        for (const auto& c : choices) {
            if (ImGui::Selectable(tr(c.key).c_str(), c.mode == value)) value = c.mode;
            remember(id + c.suffix);
        }
        ImGui::EndCombo();
    }
    remember(id);
}

void responsible_combo(const std::vector<wire::api::UserChoice>& users, int64_t& value) {
    std::string shown = value == 0 ? tr("ui.tracking.responsible_default") : "#" + std::to_string(value);
    for (const auto& u : users)
        if (u.id == value) shown = u.name;
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("###tracking_responsible", shown.c_str())) {
        if (ImGui::Selectable(tr("ui.tracking.responsible_default").c_str(), value == 0)) value = 0;
        for (const auto& u : users) {
            ImGui::PushID(static_cast<int>(u.id));
            if (ImGui::Selectable(u.name.c_str(), u.id == value)) value = u.id;
            remember("tracking_responsible_" + std::to_string(u.id));
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    remember("tracking_responsible");
}

}  // namespace

void draw_tracking_section(SettingsState& state, std::vector<SettingsIntent>&) {
    const auto& page = *state.page;
    auto& t = state.draft.tracking;
    ImGui::TextWrapped("%s", tr("ui.tracking.hint").c_str());
    ImGui::Checkbox(label("ui.tracking.enabled", "tracking_enabled").c_str(), &t.enabled);
    remember("tracking_enabled");
    setting_label("ui.tracking.url");
    std::string url = page.tracking_url;   // read only: selected and copied with Ctrl+C
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("###tracking_url", &url, ImGuiInputTextFlags_ReadOnly);
    remember("tracking_url");
    if (!t.enabled) return;

    // A row per lead type: used or not, and what is done with its deal, contact and company.
    section_heading("ui.tracking.mode");
    ImGui::TextWrapped("%s", tr("ui.tracking.modes_hint").c_str());
    const char* const columns[] = {"ui.tracking.make_deal", "ui.tracking.make_contact", "ui.tracking.make_company"};
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float column_width = (setting_label("ui.tracking.types") - 2 * spacing) / 3;
    const float columns_left = ImGui::GetCursorPosX();
    for (size_t i = 0; i < 3; ++i) {
        if (i > 0) ImGui::SameLine(columns_left + static_cast<float>(i) * (column_width + spacing));
        ImGui::TextDisabled("%s", tr(columns[i]).c_str());
    }
    bool makes_something = false;
    for (auto type : domain::all_tracked_lead_types) {
        const std::string name = domain::tracked_lead_type_name(type);
        bool used = std::find(t.types.begin(), t.types.end(), type) != t.types.end();
        ImGui::AlignTextToFramePadding();
        if (ImGui::Checkbox(label("ui.tracking.type." + name, "tracking_type_" + name).c_str(), &used)) {
            if (used) t.types.push_back(type);
            else std::erase(t.types, type);
        }
        remember("tracking_type_" + name);
        ImGui::SameLine(columns_left);
        domain::EntityModes modes = t.modes_for(type);
        domain::TrackingMode* cells[] = {&modes.deal, &modes.contact, &modes.company};
        const char* const entities[] = {"deal", "contact", "company"};
        ImGui::BeginDisabled(!used);
        for (size_t i = 0; i < 3; ++i) {
            if (i > 0) ImGui::SameLine(0, spacing);
            mode_combo("tracking_mode_" + name + "_" + entities[i], *cells[i], column_width);
        }
        ImGui::EndDisabled();
        if (modes != t.modes_for(type)) t.modes[type] = modes;
        if (used) makes_something = makes_something || modes.deal == domain::TrackingMode::create || modes.contact == domain::TrackingMode::create ||
                                    modes.company == domain::TrackingMode::create;
        problem_note(state, "tracking.modes." + name);
    }
    problem_note(state, "tracking.types");
    if (makes_something) {
        setting_label("ui.tracking.responsible");
        responsible_combo(page.users, t.responsible_user_id);
        setting_label("ui.tracking.stage");
        stage_combo("tracking_stage", page.pipelines, t.stage, "ui.settings.default_stage");
        problem_note(state, "tracking.stage");
    }
    setting_label("ui.tracking.tag");
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("###tracking_tag", tr("ui.tracking.tag_hint").c_str(), &t.tag);
    remember("tracking_tag");
    problem_note(state, "tracking.tag");

    section_heading("ui.tracking.parameters");
    ImGui::TextWrapped("%s", tr("ui.tracking.always_passed").c_str());
    ImGui::TextWrapped("%s", tr("ui.tracking.window").c_str());
    // Each parameter into a field of the deal, of the lead's contact and of its company, side by side.
    struct Entity {
        const char* title;
        const char* id;
        const char* path;
        const std::vector<wire::api::FieldChoice>* fields;
        std::map<domain::TrackingParam, int64_t>* targets;
    };
    const Entity entities[] = {{"ui.tracking.to_deal", "tracking_field_", "tracking.fields.", &page.lead_fields, &t.fields},
                               {"ui.tracking.to_contact", "tracking_contact_field_", "tracking.contact_fields.", &page.contact_fields, &t.contact_fields},
                               {"ui.tracking.to_company", "tracking_company_field_", "tracking.company_fields.", &page.company_fields, &t.company_fields}};
    const float width = (setting_label("ui.tracking.parameter") - 2 * spacing) / 3;   // the columns' titles
    const float left = ImGui::GetCursorPosX();
    for (size_t i = 0; i < 3; ++i) {
        if (i > 0) ImGui::SameLine(left + static_cast<float>(i) * (width + spacing));
        ImGui::TextDisabled("%s", tr(entities[i].title).c_str());
        remember(std::string(entities[i].id) + "column");
    }
    for (auto param : domain::all_tracking_params) {
        std::string name = domain::tracking_param_name(param);
        setting_label("ui.tracking.param." + name);
        for (size_t i = 0; i < 3; ++i) {
            if (i > 0) ImGui::SameLine(0, spacing);
            parameter_combo(entities[i].id + name, *entities[i].fields, *entities[i].targets, param, width);
        }
        for (const auto& e : entities) problem_note(state, e.path + name);
    }
}

}  // namespace kb::widget::views
