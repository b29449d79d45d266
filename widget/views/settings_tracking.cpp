// The Lead tracking section: where a lead-tracking service posts, which leads are used, what is made of them and
// which deal, contact and company field each parameter goes to. It edits the settings document (saved with the page's Save button).
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
    auto check = [](const char* key, const std::string& id, bool& value) {
        ImGui::Checkbox(label(key, id).c_str(), &value);
        remember(id);
    };
    ImGui::TextWrapped("%s", tr("ui.tracking.hint").c_str());
    check("ui.tracking.enabled", "tracking_enabled", t.enabled);
    setting_label("ui.tracking.url");
    std::string url = page.tracking_url;   // read only: selected and copied with Ctrl+C
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("###tracking_url", &url, ImGuiInputTextFlags_ReadOnly);
    remember("tracking_url");
    if (!t.enabled) return;

    section_heading("ui.tracking.types");
    for (auto type : domain::all_tracked_lead_types) {
        std::string name = domain::tracked_lead_type_name(type);
        bool used = std::find(t.types.begin(), t.types.end(), type) != t.types.end();
        if (ImGui::Checkbox(label("ui.tracking.type." + name, "tracking_type_" + name).c_str(), &used)) {
            if (used) t.types.push_back(type);
            else std::erase(t.types, type);
        }
        remember("tracking_type_" + name);
        ImGui::SameLine();
    }
    ImGui::NewLine();
    problem_note(state, "tracking.types");

    section_heading("ui.tracking.mode");
    if (ImGui::RadioButton(label("ui.tracking.mode_create", "tracking_mode_create").c_str(), t.mode == domain::TrackingMode::create))
        t.mode = domain::TrackingMode::create;
    remember("tracking_mode_create");
    if (ImGui::RadioButton(label("ui.tracking.mode_find", "tracking_mode_find").c_str(), t.mode == domain::TrackingMode::find))
        t.mode = domain::TrackingMode::find;
    remember("tracking_mode_find");
    if (t.mode == domain::TrackingMode::create) {
        setting_label("ui.tracking.make");
        check("ui.tracking.make_deal", "tracking_make_deal", t.create_deal);
        ImGui::SameLine();
        check("ui.tracking.make_contact", "tracking_make_contact", t.create_contact);
        ImGui::SameLine();
        check("ui.tracking.make_company", "tracking_make_company", t.create_company);
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
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
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
