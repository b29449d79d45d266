// The Fields and Statuses sections of the settings page: which Kommo field holds each value, and where a
// record's status moves its lead.
#include <algorithm>
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/common.hpp"
#include "widget/views/settings_pickers.hpp"

namespace kb::widget::views {

using ui::label;
using ui::remember;
using ui::tr;

namespace {


// One mapped value: its name, the field chosen for it, and what a save found wrong with it.
void field_row(SettingsState& state, const char* path, const std::vector<wire::api::FieldChoice>& fields, int64_t& value) {
    ImGui::PushID(path);
    setting_label(std::string("ui.settings.field.") + (std::string(path).substr(std::string(path).find('.') + 1)));
    std::string id = std::string("map_") + path;
    for (auto& c : id) if (c == '.') c = '_';
    field_combo(id, fields, value);
    problem_note(state, path);
    ImGui::PopID();
}

void checkbox_row(const char* key, const char* id, bool& value) {
    ImGui::Checkbox(label(key, id).c_str(), &value);
    remember(id);
}

const char* phone_format_keys[] = {"ui.settings.phone.as_is", "ui.settings.phone.e164", "ui.settings.phone.digits",
                                   "ui.settings.phone.ru_brackets", "ui.settings.phone.ru_eight", "ui.settings.phone.international",
                                   "ui.settings.phone.custom"};

// A status map: for each record state, the stage its lead moves to (or stays), and the two options.
void status_map(SettingsState& state, const std::string& path, const std::string& id, domain::StatusMap& map) {
    const auto& pipelines = state.page->pipelines;
    for (domain::RecordState record_state : domain::all_record_states) {
        std::string name = domain::record_state_name(record_state);
        ImGui::PushID(name.c_str());
        setting_label(record_state_keys[static_cast<int>(record_state)]);
        domain::StageRef target = map.targets.count(record_state) ? map.targets[record_state] : domain::StageRef{};
        stage_combo(id + "_" + name, pipelines, target, "ui.settings.stays");
        if (target.status_id == 0) map.targets.erase(record_state);
        else map.targets[record_state] = target;
        problem_note(state, path + ".targets." + name);
        ImGui::PopID();
    }
    ImGui::Checkbox(label("ui.settings.move_closed_leads", id + "_closed").c_str(), &map.move_closed_leads);
    remember(id + "_closed");
    ImGui::Checkbox(label("ui.settings.allow_backwards", id + "_backwards").c_str(), &map.allow_backwards);
    remember(id + "_backwards");
}

// What a scheme's conditions may name in the branches it is limited to (all connected ones when none).
void scheme_conditions(SettingsState& state, domain::SchemeConditions& c, const std::string& id, std::vector<SettingsIntent>& intents) {
    const auto& page = *state.page;
    setting_label("ui.settings.condition.branches");
    multi_select(id + "_branches", branch_choices(page), c.branch_ids, "ui.settings.any");
    setting_label("ui.settings.condition.pipelines");
    multi_select(id + "_pipelines", pipeline_choices(page.pipelines), c.pipeline_ids, "ui.settings.any");

    Choices categories, staff, labels;
    bool waiting = false;
    for (const auto& [branch, title] : branch_choices(page)) {
        if (!c.branch_ids.empty() && std::find(c.branch_ids.begin(), c.branch_ids.end(), branch) == c.branch_ids.end()) continue;
        const auto* choices = loaded_choices(state, branch, intents);
        if (!choices) {
            waiting = true;
            continue;
        }
        for (const auto& x : choices->catalog.categories) categories.emplace_back(x.id, x.title);
        for (const auto& x : choices->staff) staff.emplace_back(x.id, x.name);
        for (const auto& x : choices->catalog.labels) labels.emplace_back(x.id, x.title);
    }
    // While a branch's lists load, the lists say so in place: a line of its own would move everything below it
    // under the admin's pointer when they arrive.
    const char* empty_key = waiting ? "ui.loading" : "ui.settings.any";
    setting_label("ui.settings.condition.categories");
    multi_select(id + "_categories", categories, c.service_category_ids, empty_key);
    setting_label("ui.settings.condition.staff");
    multi_select(id + "_staff", staff, c.staff_ids, empty_key);
    setting_label("ui.settings.condition.labels");
    multi_select(id + "_labels", labels, c.record_label_ids, empty_key);
}

// Altegio's additional fields of one kind, per connected branch: each may go to a Kommo field of `kommo_fields`.
// `listed` picks the kind from a branch's choices; `per_branch` is the draft's branch -> code -> Kommo field map.
template <class Listed>
void draw_additional_fields(SettingsState& state, std::vector<SettingsIntent>& intents, const char* heading_key,
                            const std::string& entity, const std::vector<wire::api::FieldChoice>& kommo_fields, Listed listed,
                            std::map<int64_t, std::map<std::string, int64_t>>& per_branch) {
    section_heading(heading_key);
    for (const auto& [branch, title] : branch_choices(*state.page)) {
        if (!domain::branch_connected(state.draft, branch)) continue;
        ImGui::PushID(static_cast<int>(branch));
        ImGui::TextDisabled("%s", title.c_str());
        const auto* choices = loaded_choices(state, branch, intents);
        if (!choices) {
            ImGui::TextDisabled("%s", tr("ui.loading").c_str());
            ImGui::PopID();
            continue;
        }
        const std::vector<domain::RecordField> fields = listed(*choices);
        if (fields.empty()) ImGui::TextDisabled("%s", tr("ui.settings.none").c_str());
        std::string path = entity + ".additional_fields." + std::to_string(branch);
        for (const auto& field : fields) {
            ImGui::PushID(field.code.c_str());
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(field.title.c_str());
            ImGui::SameLine(std::max(ImGui::GetContentRegionAvail().x * 0.42f, 160.0f));
            auto mapped = per_branch.find(branch);
            int64_t chosen = mapped != per_branch.end() && mapped->second.count(field.code) ? mapped->second.at(field.code) : 0;
            field_combo(entity + "_additional_" + std::to_string(branch) + "_" + field.code, kommo_fields, chosen);
            if (chosen != 0) per_branch[branch][field.code] = chosen;
            else if (mapped != per_branch.end()) {
                mapped->second.erase(field.code);
                if (mapped->second.empty()) per_branch.erase(mapped);
            }
            problem_note(state, path + "." + field.code);
            ImGui::PopID();
        }
        problem_note(state, path);
        ImGui::PopID();
    }
}

}  // namespace

void draw_fields_section(SettingsState& state, std::vector<SettingsIntent>& intents) {
    auto& l = state.draft.lead_fields;
    auto& k = state.draft.contact_fields;
    const auto& lf = state.page->lead_fields;
    const auto& cf = state.page->contact_fields;

    if (ImGui::Button(label("ui.settings.create_fields", "create_fields").c_str())) intents.push_back(settings_intent::CreateFields{});
    remember("create_fields");
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("ui.settings.create_fields_hint").c_str());

    section_heading("ui.settings.lead_fields");
    field_row(state, "lead_fields.record_id", lf, l.record_id);
    field_row(state, "lead_fields.company_id", lf, l.company_id);
    checkbox_row("ui.settings.datetime_in_one_field", "datetime_in_one_field", l.datetime_in_one_field);
    field_row(state, "lead_fields.record_date", lf, l.record_date);
    if (!l.datetime_in_one_field) field_row(state, "lead_fields.record_time", lf, l.record_time);
    field_row(state, "lead_fields.employee", lf, l.employee);
    checkbox_row("ui.settings.employee_with_specialization", "employee_with_specialization", l.employee_with_specialization);
    field_row(state, "lead_fields.branch", lf, l.branch);
    field_row(state, "lead_fields.services", lf, l.services);
    field_row(state, "lead_fields.service_category", lf, l.service_category);
    field_row(state, "lead_fields.record_category", lf, l.record_category);
    field_row(state, "lead_fields.comment", lf, l.comment);
    field_row(state, "lead_fields.record_source", lf, l.record_source);
    field_row(state, "lead_fields.payments_amount", lf, l.payments_amount);

    section_heading("ui.settings.contact_fields");
    field_row(state, "contact_fields.birthday", cf, k.birthday);
    field_row(state, "contact_fields.category", cf, k.category);
    field_row(state, "contact_fields.visits_count", cf, k.visits_count);
    field_row(state, "contact_fields.visits_sum", cf, k.visits_sum);
    field_row(state, "contact_fields.client_id", cf, k.client_id);
    field_row(state, "contact_fields.subscription_name", cf, k.subscription_name);
    field_row(state, "contact_fields.subscription_start", cf, k.subscription_start);
    field_row(state, "contact_fields.subscription_end", cf, k.subscription_end);
    field_row(state, "contact_fields.subscription_remaining", cf, k.subscription_remaining);
    checkbox_row("ui.settings.write_phone", "write_phone", k.write_phone);
    if (k.write_phone) {
        setting_label("ui.settings.phone_format");
        int format = static_cast<int>(k.phone_format);
        ImGui::SetNextItemWidth(-1);
        if (ImGui::BeginCombo("###phone_format", tr(phone_format_keys[format]).c_str())) {
            for (int i = 0; i < static_cast<int>(std::size(phone_format_keys)); ++i)
                if (ImGui::Selectable(tr(phone_format_keys[i]).c_str(), i == format)) k.phone_format = static_cast<domain::PhoneFormat>(i);
            ImGui::EndCombo();
        }
        remember("phone_format");
        if (k.phone_format == domain::PhoneFormat::custom) {
            setting_label("ui.settings.phone_pattern");
            ImGui::SetNextItemWidth(-1);
            ImGui::InputTextWithHint("###phone_pattern", "+# (###) ###-##-##", &k.phone_pattern);
            remember("phone_pattern");
            problem_note(state, "contact_fields.phone_pattern");
        }
    }

    draw_additional_fields(state, intents, "ui.settings.additional_record_fields", "lead_fields", lf,
                           [](const wire::api::BranchChoices& c) { return c.catalog.record_fields; }, l.additional_fields);
    draw_additional_fields(state, intents, "ui.settings.additional_client_fields", "contact_fields", cf,
                           [](const wire::api::BranchChoices& c) { return c.client_fields; }, k.additional_fields);
}

void draw_statuses_section(SettingsState& state, std::vector<SettingsIntent>& intents) {
    auto& sync = state.draft.status_sync;
    static const std::pair<domain::StatusSyncMode, const char*> modes[] = {
        {domain::StatusSyncMode::off, "ui.settings.sync.off"},
        {domain::StatusSyncMode::without_conditions, "ui.settings.sync.without_conditions"},
        {domain::StatusSyncMode::with_conditions, "ui.settings.sync.with_conditions"},
        {domain::StatusSyncMode::single_pipeline, "ui.settings.sync.single_pipeline"}};
    for (const auto& [mode, key] : modes) {
        std::string id = std::string("sync_") + (key + std::string("ui.settings.sync.").size());
        if (ImGui::RadioButton(label(key, id).c_str(), sync.mode == mode)) sync.mode = mode;
        remember(id);
        // What the option does, in a line under it, level with its label.
        float indent = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x;
        ImGui::Indent(indent);
        ui::text_muted_wrapped(tr(std::string(key) + "_hint"));
        remember(id + "_hint");
        ImGui::Unindent(indent);
    }

    if (sync.mode != domain::StatusSyncMode::off) {   // "Synchronize only these statuses"; none ticked: every status
        setting_label("ui.settings.sync.only_states");
        auto& only = sync.only_states;
        for (domain::RecordState record_state : domain::all_record_states) {
            std::string id = std::string("sync_only_") + domain::record_state_name(record_state);
            bool on = std::find(only.begin(), only.end(), record_state) != only.end();
            if (ImGui::Checkbox(label(record_state_keys[static_cast<int>(record_state)], id).c_str(), &on)) {
                std::vector<domain::RecordState> kept;   // in the usual order, whatever the order of the clicks
                for (domain::RecordState s : domain::all_record_states)
                    if (s == record_state ? on : std::find(only.begin(), only.end(), s) != only.end()) kept.push_back(s);
                only = kept;
            }
            remember(id);
            ImGui::SameLine();
        }
        ImGui::TextDisabled("%s", only.empty() ? tr("ui.settings.sync.every_state").c_str() : "");
        problem_note(state, "status_sync.only_states");
    }

    if (sync.mode == domain::StatusSyncMode::single_pipeline) {
        setting_label("ui.settings.sync.pipeline");
        ImGui::SetNextItemWidth(-1);
        std::string shown = tr("ui.settings.not_chosen");
        for (const auto& p : state.page->pipelines)
            if (p.id == sync.pipeline_id) shown = p.name;
        if (ImGui::BeginCombo("###sync_pipeline", shown.c_str())) {
            for (const auto& p : state.page->pipelines)
                if (ImGui::Selectable(p.name.c_str(), p.id == sync.pipeline_id)) sync.pipeline_id = p.id;
            ImGui::EndCombo();
        }
        remember("sync_pipeline");
        problem_note(state, "status_sync.pipeline_id");
    }
    if (sync.mode == domain::StatusSyncMode::without_conditions || sync.mode == domain::StatusSyncMode::single_pipeline) {
        section_heading("ui.settings.sync.map");
        status_map(state, "status_sync.map", "map", sync.map);
    }
    if (sync.mode != domain::StatusSyncMode::with_conditions) return;

    problem_note(state, "status_sync.schemes");
    for (size_t i = 0; i < sync.schemes.size(); ++i) {
        auto& scheme = sync.schemes[i];
        std::string path = "status_sync.schemes[" + std::to_string(i) + "]";
        std::string id = "scheme" + std::to_string(i);
        ImGui::PushID(static_cast<int>(i));
        section_heading("ui.settings.scheme");
        setting_label("ui.settings.scheme_name");
        ImGui::SetNextItemWidth(-1);
        ImGui::InputText(("###" + id + "_name").c_str(), &scheme.name);
        remember(id + "_name");
        problem_note(state, path + ".name");
        scheme_conditions(state, scheme.conditions, id, intents);
        status_map(state, path + ".map", id + "_map", scheme.map);
        if (ImGui::SmallButton(label("ui.settings.remove_scheme", id + "_remove").c_str()))
            intents.push_back(settings_intent::RemoveScheme{static_cast<int64_t>(i)});
        remember(id + "_remove");
        ImGui::PopID();
    }
    ImGui::Spacing();
    if (ImGui::Button(label("ui.settings.add_scheme", "add_scheme").c_str()))
        intents.push_back(settings_intent::AddScheme{tr("ui.settings.scheme") + " " + std::to_string(sync.schemes.size() + 1)});
    remember("add_scheme");
    section_heading("ui.settings.fallback");
    status_map(state, "status_sync.fallback", "fallback", sync.fallback);
}

}  // namespace kb::widget::views
