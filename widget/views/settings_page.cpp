#include "widget/views/settings_page.hpp"

#include <cstring>

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>
#include "shared/domain/calendar.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/settings_pickers.hpp"

namespace kb::widget::views {

using ui::label;
using ui::remember;
using ui::tr;

namespace {


void loading_dots(const SettingsState& state, RequestKind kind) {
    if (!state.loading(kind)) return;
    static const char* frames[] = {"", ".", "..", "..."};
    ImGui::TextDisabled("%s%s", tr("ui.loading").c_str(), frames[static_cast<int>(ImGui::GetTime() * 3.0) % 4]);
    remember("loading");
}

// [SECTION] Branches: the Altegio account and which of its branches are connected
void draw_branches(SettingsState& state, std::vector<SettingsIntent>& intents) {
    const auto& page = *state.page;
    section_heading(page.altegio_connected ? "ui.settings.altegio_reconnect" : "ui.settings.altegio_connect");
    ImGui::TextWrapped("%s", tr("ui.settings.altegio_connect_hint").c_str());
    setting_label("ui.settings.login");
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("###altegio_login", &state.altegio_login);
    remember("altegio_login");
    setting_label("ui.settings.password");
    ImGui::SetNextItemWidth(-1);
    bool enter = ImGui::InputText("###altegio_password", &state.altegio_password, ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    remember("altegio_password");
    if (ImGui::Button(label("ui.settings.connect", "altegio_connect").c_str()) || enter) intents.push_back(settings_intent::ConnectAltegio{});
    remember("altegio_connect");
    loading_dots(state, RequestKind::altegio_connect);

    // A location connected from the Altegio Marketplace: the code its page showed, and no login.
    section_heading("ui.settings.marketplace_heading");
    ImGui::TextWrapped("%s", tr("ui.settings.marketplace_hint").c_str());
    setting_label("ui.settings.marketplace_code");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12.0f);
    bool claim = ImGui::InputTextWithHint("###marketplace_code", "ABCD-EFGH-JKMN", &state.marketplace_code,
                                          ImGuiInputTextFlags_CharsUppercase | ImGuiInputTextFlags_EnterReturnsTrue);
    remember("marketplace_code");
    ImGui::Checkbox(label("ui.settings.marketplace_telephony", "marketplace_telephony").c_str(), &state.marketplace_telephony);
    remember("marketplace_telephony");
    if (ImGui::Button(label("ui.settings.marketplace_connect", "marketplace_connect").c_str()) || claim)
        intents.push_back(settings_intent::ClaimLocation{});
    remember("marketplace_connect");
    loading_dots(state, RequestKind::marketplace_claim);
    if (!page.altegio_connected) return;

    section_heading("ui.settings.branches");
    auto counts = branch_counts(state);
    std::string counted = tr("ui.settings.branch_counts");
    for (auto [name, value] : {std::pair{"{available}", counts.available}, std::pair{"{connected}", counts.connected}})
        if (auto at = counted.find(name); at != std::string::npos) counted.replace(at, std::strlen(name), std::to_string(value));
    ImGui::TextUnformatted(counted.c_str());
    remember("branch_counts");
    auto& chosen = state.draft.connected_branch_ids;
    ImGui::TextDisabled("%s", tr(chosen.empty() ? "ui.settings.branches_all" : "ui.settings.branches_chosen").c_str());
    problem_note(state, "connected_branch_ids");
    if (!ImGui::BeginTable("###branches", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) return;
    ImGui::TableSetupColumn(tr("ui.branch").c_str(), ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn(tr("ui.settings.status_column").c_str(), ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn(tr("ui.settings.last_webhook").c_str(), ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableHeadersRow();
    for (const auto& b : page.branches) {
        ImGui::PushID(static_cast<int>(b.branch.id));
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        bool on = chosen.empty() || std::find(chosen.begin(), chosen.end(), b.branch.id) != chosen.end();
        if (ImGui::Checkbox(b.branch.title.c_str(), &on)) {
            if (chosen.empty())   // "every branch" becomes the explicit list before one is left out
                for (const auto& other : page.branches) chosen.push_back(other.branch.id);
            if (on) chosen.push_back(b.branch.id);
            else std::erase(chosen, b.branch.id);
            std::sort(chosen.begin(), chosen.end());
            chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
        }
        remember("branch_" + std::to_string(b.branch.id));
        ImGui::TableNextColumn();
        static const char* status_keys[] = {"ui.settings.branch_status.not_connected", "ui.settings.branch_status.connected",
                                            "ui.settings.branch_status.no_rights", "ui.settings.branch_status.webhook_missing"};
        ImVec4 color = b.status == wire::api::BranchStatus::connected ? ui::success_color()
                       : b.status == wire::api::BranchStatus::not_connected ? ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled)
                                                                           : ui::error_color();
        ImGui::TextColored(color, "%s", tr(status_keys[static_cast<int>(b.status)]).c_str());
        remember("branch_status_" + std::to_string(b.branch.id));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(time_text(b.last_webhook_at_ms, state.utc_offset_seconds).c_str());
        ImGui::PopID();
    }
    ImGui::EndTable();
}

// [SECTION] Users: each Kommo user's own Altegio account, the employee they are, and the branches they see
// Every employee of the listed branches, "Name — Branch"; a branch whose lists are not loaded yet is asked for, and
// `waiting` says so.
Choices employees_of(const SettingsState& state, std::vector<SettingsIntent>& intents, bool& waiting) {
    Choices employees;
    for (const auto& [branch, title] : branch_choices(*state.page)) {
        const auto* choices = loaded_choices(state, branch, intents);
        if (!choices) {
            waiting = true;
            continue;
        }
        for (const auto& x : choices->staff) employees.emplace_back(x.id, x.name + " — " + title);
    }
    return employees;
}

// The Altegio employee a Kommo user is (their records make the user responsible), or none.
void employee_combo(const std::string& id, const Choices& employees, bool waiting, int64_t& staff_id) {
    std::string shown = tr(staff_id == 0 ? "ui.settings.no_employee" : waiting ? "ui.loading" : "ui.settings.unknown_employee");
    for (const auto& [sid, name] : employees)
        if (sid == staff_id) shown = name;
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo(("###" + id).c_str(), shown.c_str())) {
        if (ImGui::Selectable(label("ui.settings.no_employee", id + "_0").c_str(), staff_id == 0)) staff_id = 0;
        remember(id + "_0");
        for (const auto& [sid, name] : employees) {
            if (ImGui::Selectable((name + "###" + id + "_" + std::to_string(sid)).c_str(), sid == staff_id)) staff_id = sid;
            remember(id + "_" + std::to_string(sid));
        }
        ImGui::EndCombo();
    }
    remember(id);
}

void draw_users(SettingsState& state, std::vector<SettingsIntent>& intents) {
    auto& page = *state.page;
    ImGui::TextWrapped("%s", tr("ui.settings.users_hint").c_str());
    ImGui::Checkbox(label("ui.settings.general_account_for_unlinked", "general_account_for_unlinked").c_str(),
                    &state.draft.general_account_for_unlinked_users);
    remember("general_account_for_unlinked");
    bool employees_waiting = false;
    Choices employees = employees_of(state, intents, employees_waiting);
    for (const auto& user : page.users) {
        ImGui::PushID(static_cast<int>(user.id));
        std::string id = std::to_string(user.id);
        ImGui::Spacing();
        ImGui::TextColored(ui::accent_text_color(), "%s", user.name.c_str());
        ImGui::Separator();
        setting_label("ui.settings.altegio_account");
        if (user.altegio_user_id == 0) {
            ImGui::TextDisabled("%s", tr("ui.settings.not_linked").c_str());
        } else if (user.login_failed) {   // Altegio refused the stored login: sign in again below
            ImGui::TextColored(ui::error_color(), "%s: %s", user.altegio_user_name.c_str(), tr("ui.settings.login_failed").c_str());
            remember("user_login_failed_" + id);
        } else {
            ImGui::TextColored(ui::success_color(), "%s", user.altegio_user_name.c_str());
        }
        remember("user_account_" + id);
        auto& typed = state.credentials[user.id];
        setting_label("ui.settings.login");
        ImGui::SetNextItemWidth(-1);
        ImGui::InputText("###login", &typed.login);
        remember("user_login_" + id);
        setting_label("ui.settings.password");
        ImGui::SetNextItemWidth(-1);
        bool enter = ImGui::InputText("###password", &typed.password, ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
        remember("user_password_" + id);
        if (ImGui::SmallButton(label("ui.settings.check", "user_check_" + id).c_str()) || enter)
            intents.push_back(settings_intent::LinkUser{user.id});
        remember("user_check_" + id);
        if (!typed.error_key.empty()) {
            ImGui::SameLine();
            ImGui::TextColored(ui::error_color(), "%s", tr(typed.error_key).c_str());
            remember("user_error_" + id);
            remember("user_error_is_" + typed.error_key);
        }

        // The employee this user is and the branches they see in the records window: an entry in the document only
        // once one is set.
        auto mapping = std::find_if(state.draft.users.begin(), state.draft.users.end(), [&](const auto& m) { return m.kommo_user_id == user.id; });
        domain::UserMapping edited = mapping == state.draft.users.end() ? domain::UserMapping{user.id, user.altegio_user_id, {}, {}, 0} : *mapping;
        setting_label("ui.settings.user_employee");
        employee_combo("user_staff_" + id, employees, employees_waiting, edited.altegio_staff_id);
        setting_label("ui.settings.user_branches");
        multi_select("user_branches_" + id, branch_choices(page), edited.visible_branch_ids,
                     edited.visible_chain_ids.empty() ? "ui.settings.branches_every" : "ui.settings.branches_only_chains");
        if (auto chains = chain_choices(page); !chains.empty()) {
            setting_label("ui.settings.user_chains");
            multi_select("user_chains_" + id, chains, edited.visible_chain_ids, "ui.settings.chains_none");
        }
        if (mapping != state.draft.users.end()) *mapping = edited;
        else if (!edited.visible_branch_ids.empty() || !edited.visible_chain_ids.empty() || edited.altegio_staff_id != 0)
            state.draft.users.push_back(edited);
        ImGui::PopID();
    }
    loading_dots(state, RequestKind::settings_user);
}

// Duplicate search's other option: a lead qualifies only when these fields are filled (or empty).
void draw_field_conditions(SettingsState& state) {
    auto& conditions = state.draft.duplicates.field_conditions;
    ImGui::TextDisabled("%s", tr("ui.settings.field_conditions").c_str());
    for (size_t i = 0; i < conditions.size(); ++i) {
        auto& c = conditions[i];
        std::string id = "field_condition" + std::to_string(i);
        ImGui::PushID(static_cast<int>(i));
        float width = ImGui::GetContentRegionAvail().x * 0.5f;
        ImGui::BeginGroup();
        ImGui::PushItemWidth(width);
        std::string shown = tr("ui.settings.not_chosen");
        for (const auto& f : state.page->lead_fields)
            if (f.id == c.field_id) shown = f.name;
        if (ImGui::BeginCombo(("###" + id + "_field").c_str(), shown.c_str())) {
            for (const auto& f : state.page->lead_fields)
                if (ImGui::Selectable(f.name.c_str(), f.id == c.field_id)) c.field_id = f.id;
            ImGui::EndCombo();
        }
        remember(id + "_field");
        ImGui::PopItemWidth();
        ImGui::SameLine();
        if (ImGui::RadioButton(label("ui.settings.must_be_filled", id + "_filled").c_str(), c.must_be_filled)) c.must_be_filled = true;
        ImGui::SameLine();
        if (ImGui::RadioButton(label("ui.settings.must_be_empty", id + "_empty").c_str(), !c.must_be_filled)) c.must_be_filled = false;
        ImGui::SameLine();
        bool remove = ImGui::SmallButton("×");
        remember(id + "_remove");
        ImGui::EndGroup();
        problem_note(state, "duplicates.field_conditions[" + std::to_string(i) + "]");
        ImGui::PopID();
        if (remove) {
            conditions.erase(conditions.begin() + static_cast<long>(i));
            break;
        }
    }
    if (ImGui::SmallButton(label("ui.settings.add_field_condition", "add_field_condition").c_str())) conditions.push_back({});
    remember("add_field_condition");
}

// [SECTION] Automation
void draw_automation(SettingsState& state, std::vector<SettingsIntent>&) {
    auto& a = state.draft.automation;
    auto& d = state.draft.duplicates;
    const auto& pipelines = state.page->pipelines;
    auto check = [](const char* key, const char* id, bool& value) {
        ImGui::Checkbox(label(key, id).c_str(), &value);
        remember(id);
    };

    section_heading("ui.settings.new_records");
    check("ui.settings.no_lead_for_altegio_records", "no_lead_for_altegio_records", a.no_lead_for_records_made_in_altegio);
    check("ui.settings.deal_without_client", "deal_without_client", a.deal_without_client);
    check("ui.settings.linked_user_responsible", "linked_user_responsible", a.linked_user_responsible);
    setting_label("ui.settings.new_lead_stage");
    domain::StageRef stage{a.new_lead_pipeline_id, a.new_lead_status_id};
    stage_combo("new_lead_stage", pipelines, stage, "ui.settings.default_stage");
    a.new_lead_pipeline_id = stage.pipeline_id;
    a.new_lead_status_id = stage.status_id;
    problem_note(state, "automation.new_lead_status_id");
    check("ui.settings.task_on_new_record", "task_on_new_record", a.task_on_new_record);
    if (a.task_on_new_record) {
        // Kommo's own task types; an account's custom type, once chosen elsewhere, is kept and shown by its number.
        setting_label("ui.settings.task_type");
        static const std::pair<int64_t, const char*> task_types[] = {{1, "ui.settings.task_type_follow_up"}, {2, "ui.settings.task_type_meeting"}};
        std::string shown = "#" + std::to_string(a.task_type_id);
        for (const auto& [type, key] : task_types)
            if (type == a.task_type_id) shown = tr(key);
        ImGui::SetNextItemWidth(-1);
        if (ImGui::BeginCombo("###task_type", shown.c_str())) {
            for (const auto& [type, key] : task_types) {
                std::string id = "task_type_" + std::to_string(type);
                if (ImGui::Selectable(label(key, id).c_str(), type == a.task_type_id)) a.task_type_id = type;
                remember(id);
            }
            ImGui::EndCombo();
        }
        remember("task_type");
        setting_label("ui.settings.task_deadline");
        if (ImGui::RadioButton(label("ui.settings.task_after_creation", "task_after_creation").c_str(),
                               a.task_deadline == domain::TaskDeadline::after_creation))
            a.task_deadline = domain::TaskDeadline::after_creation;
        remember("task_after_creation");
        ImGui::SameLine();
        if (ImGui::RadioButton(label("ui.settings.task_before_start", "task_before_start").c_str(),
                               a.task_deadline == domain::TaskDeadline::before_start))
            a.task_deadline = domain::TaskDeadline::before_start;
        remember("task_before_start");
        setting_label(a.task_deadline == domain::TaskDeadline::before_start ? "ui.settings.task_minutes_before" : "ui.settings.task_due_minutes");
        ImGui::SetNextItemWidth(-1);
        ImGui::InputInt("###task_due_minutes", &a.task_due_minutes, 15, 60);
        remember("task_due_minutes");
        problem_note(state, "automation.task_due_minutes");
        setting_label("ui.settings.task_text");
        ImGui::InputTextMultiline("###task_text", &a.task_text, ImVec2(-1, ImGui::GetTextLineHeight() * 3 + ImGui::GetStyle().FramePadding.y * 2));
        remember("task_text");
        ui::text_muted_wrapped(tr("ui.settings.task_text_hint"));
        problem_note(state, "automation.task_text");
    }
    check("ui.settings.journal_note", "journal_note", a.journal_note);

    section_heading("ui.settings.duplicates");
    check("ui.settings.duplicates_enabled", "duplicates_enabled", d.enabled);
    problem_note(state, "duplicates.enabled");
    if (d.enabled) {
        setting_label("ui.settings.duplicates_stages");
        stages_select("duplicates_stages", pipelines, d.statuses);
        problem_note(state, "duplicates.statuses");
        setting_label("ui.settings.merge_into");
        int newest = d.merge_into == domain::MergeInto::newest ? 0 : 1;
        if (ImGui::RadioButton(label("ui.settings.merge_newest", "merge_newest").c_str(), newest == 0)) d.merge_into = domain::MergeInto::newest;
        ImGui::SameLine();
        if (ImGui::RadioButton(label("ui.settings.merge_oldest", "merge_oldest").c_str(), newest == 1)) d.merge_into = domain::MergeInto::oldest;
        check("ui.settings.accept_matching_record_id", "accept_matching_record_id", d.accept_matching_record_id);
        draw_field_conditions(state);
    }

    section_heading("ui.settings.records_window");
    check("ui.settings.go_to_lead_button", "go_to_lead_button", a.go_to_lead_button);
    setting_label("ui.settings.hide_window_stages");
    stages_select("hide_window_stages", pipelines, a.stages_hiding_records_window);
    setting_label("ui.settings.log_pipelines");
    multi_select("log_pipelines", pipeline_choices(pipelines), a.pipelines_showing_record_log, "ui.settings.pipelines_all");

    section_heading("ui.settings.triggers");
    ImGui::TextWrapped("%s", tr("ui.settings.triggers_hint").c_str());
    static const char* action_keys[] = {"ui.settings.action.confirm", "ui.settings.action.came", "ui.settings.action.did_not_come",
                                        "ui.settings.action.cancel", "ui.settings.action.move"};
    for (size_t i = 0; i < a.stage_triggers.size(); ++i) {
        auto& trigger = a.stage_triggers[i];
        std::string id = "trigger" + std::to_string(i);
        ImGui::PushID(static_cast<int>(i));
        float half = (ImGui::GetContentRegionAvail().x - ImGui::GetFrameHeight() * 2) / 2;
        stage_combo(id + "_stage", pipelines, trigger.stage, nullptr, half);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(half);
        int action = static_cast<int>(trigger.action);
        if (ImGui::BeginCombo(("###" + id + "_action").c_str(), tr(action_keys[action]).c_str())) {
            for (int k = 0; k < 5; ++k)
                if (ImGui::Selectable(tr(action_keys[k]).c_str(), k == action)) trigger.action = static_cast<domain::RecordAction>(k);
            ImGui::EndCombo();
        }
        remember(id + "_action");
        ImGui::SameLine();
        bool remove = ImGui::SmallButton("×");
        remember(id + "_remove");
        problem_note(state, "automation.stage_triggers[" + std::to_string(i) + "]");
        ImGui::PopID();
        if (remove) {
            a.stage_triggers.erase(a.stage_triggers.begin() + static_cast<long>(i));
            break;
        }
    }
    if (ImGui::SmallButton(label("ui.settings.add_trigger", "add_trigger").c_str())) a.stage_triggers.push_back({});
    remember("add_trigger");

    section_heading("ui.settings.general");
    setting_label("ui.settings.notes_language");
    static const char* languages[][2] = {{"en", "English"}, {"ru", "Русский"}, {"es", "Español"}, {"pt", "Português"}};
    ImGui::SetNextItemWidth(-1);
    std::string shown = state.draft.language;
    for (const auto& l : languages)
        if (state.draft.language == l[0]) shown = l[1];
    if (ImGui::BeginCombo("###notes_language", shown.c_str())) {
        for (const auto& l : languages)
            if (ImGui::Selectable(l[1], state.draft.language == l[0])) state.draft.language = l[0];
        ImGui::EndCombo();
    }
    remember("notes_language");
    setting_label("ui.settings.country_code");
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("###country_code", &state.draft.default_country_code, ImGuiInputTextFlags_CharsDecimal);
    remember("country_code");
    problem_note(state, "default_country_code");
    setting_label("ui.settings.retention_days");
    ImGui::SetNextItemWidth(-1);
    ImGui::InputInt("###retention_days", &state.draft.history_retention_days, 1, 30);
    remember("retention_days");
    problem_note(state, "history_retention_days");
}

// [SECTION] Versions
void draw_versions(SettingsState& state, std::vector<SettingsIntent>& intents) {
    ImGui::TextWrapped("%s", tr("ui.settings.versions_hint").c_str());
    loading_dots(state, RequestKind::settings_versions);
    if (!state.versions) return;
    if (!ImGui::BeginTable("###versions", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) return;
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn(tr("ui.settings.saved_at").c_str(), ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn(tr("ui.settings.saved_by").c_str(), ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableHeadersRow();
    for (const auto& v : *state.versions) {
        ImGui::PushID(static_cast<int>(v.revision));
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%lld", static_cast<long long>(v.revision));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(time_text(v.saved_at_ms, state.utc_offset_seconds).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(v.saved_by_user == 0 ? tr("ui.settings.saved_by_relay").c_str() : v.saved_by_name.c_str());
        ImGui::TableNextColumn();
        std::string id = "restore_" + std::to_string(v.revision);
        if (v.revision == state.page->revision) ImGui::TextDisabled("%s", tr("ui.settings.current").c_str());
        else if (ImGui::SmallButton(label("ui.settings.restore", id).c_str())) intents.push_back(settings_intent::RestoreVersion{v.revision});
        remember(id);
        ImGui::PopID();
    }
    ImGui::EndTable();
}

// The document's parts each section edits, to mark a tab whose part a save found wrong.
bool section_has_problem(const SettingsState& state, SettingsSection section) {
    static const std::vector<std::pair<SettingsSection, const char*>> parts = {
        {SettingsSection::branches, "connected_branch_ids"}, {SettingsSection::fields, "lead_fields"},
        {SettingsSection::fields, "contact_fields"},       {SettingsSection::users, "users"},
        {SettingsSection::statuses, "status_sync"},        {SettingsSection::automation, "automation"},
        {SettingsSection::automation, "duplicates"},       {SettingsSection::automation, "language"},
        {SettingsSection::automation, "default_country_code"}, {SettingsSection::automation, "history_retention_days"},
        {SettingsSection::tracking, "tracking"}};
    for (const auto& [owner, path] : parts)
        if (owner == section && !problems_at(state, path).empty()) return true;
    return false;
}

// [SECTION] the bar under the sections
void draw_save_bar(SettingsState& state, std::vector<SettingsIntent>& intents) {
    ImGui::Separator();
    // The Telephony section saves each chain with its own button: the document's buttons show there only with unsaved changes.
    if (state.section != SettingsSection::telephony || state.dirty()) {
        bool can_save = state.dirty() && !state.loading(RequestKind::settings_save);
        if (!can_save) ImGui::BeginDisabled();
        if (ImGui::Button(label("ui.settings.save", "save_settings").c_str())) intents.push_back(settings_intent::Save{});
        remember("save_settings");
        ImGui::SameLine();
        if (ImGui::Button(label("ui.settings.discard", "discard_settings").c_str())) intents.push_back(settings_intent::Discard{});
        remember("discard_settings");
        if (!can_save) ImGui::EndDisabled();
        ImGui::SameLine();
    }
    if (state.loading(RequestKind::settings_save) || state.loading(RequestKind::settings_fields) || state.loading(RequestKind::settings_restore)) {
        ImGui::TextDisabled("%s", tr("ui.settings.saving").c_str());
        remember("settings_busy");
    } else if (state.loading(RequestKind::settings_page)) {   // read again after a save: the sections wait for it
        ImGui::TextDisabled("%s", tr("ui.loading").c_str());
        remember("settings_busy");
    } else if (!state.notice_key.empty()) {
        bool bad = state.notice_key == "ui.settings.not_saved" || state.notice_key == "ui.telephony.not_saved" ||
                   state.notice_key == "ui.telephony.saved_not_enabled";
        std::string notice = tr(state.notice_key);
        if (auto at = notice.find("{title}"); at != std::string::npos) notice.replace(at, 7, state.notice_title);
        bad = bad || state.notice_key == "ui.settings.marketplace_telephony_refused";
        ImGui::PushStyleColor(ImGuiCol_Text, bad ? ui::error_color() : ui::success_color());
        ImGui::TextWrapped("%s", notice.c_str());
        ImGui::PopStyleColor();
        remember("settings_notice");
    } else if (state.dirty()) {
        ImGui::TextDisabled("%s", tr("ui.settings.unsaved").c_str());
    }
    if (state.error) {
        ImGui::PushStyleColor(ImGuiCol_Text, ui::error_color());
        ImGui::TextWrapped("%s", tr(state.error->message_key).c_str());
        ImGui::PopStyleColor();
        remember("error_message");
        remember("error_is_" + state.error->message_key);   // which error, for tests that cannot read the canvas
        if (state.error->message_key == "ui.error.settings_conflict") {
            if (ImGui::SmallButton(label("ui.settings.reload", "reload_settings").c_str())) intents.push_back(settings_intent::Reload{});
            remember("reload_settings");
            ImGui::SameLine();
        }
        if (ImGui::SmallButton(label("ui.dismiss", "dismiss_settings_error").c_str())) intents.push_back(settings_intent::DismissError{});
    }
}

}  // namespace

void draw_settings_page(SettingsState& state, std::vector<SettingsIntent>& intents) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui::accent_text_color());
    ImGui::TextUnformatted(tr("ui.settings.title").c_str());
    ImGui::PopStyleColor();
    if (!state.page) {
        loading_dots(state, RequestKind::settings_page);
        if (state.error) {
            ImGui::TextColored(ui::error_color(), "%s", tr(state.error->message_key).c_str());
            remember("error_message");
            if (ImGui::Button(label("ui.retry", "retry_settings").c_str())) intents.push_back(settings_intent::Reload{});
        }
        return;
    }
    static const std::pair<SettingsSection, const char*> sections[] = {
        {SettingsSection::branches, "branches"}, {SettingsSection::fields, "fields"}, {SettingsSection::users, "users"},
        {SettingsSection::statuses, "statuses"}, {SettingsSection::automation, "automation"}, {SettingsSection::tracking, "tracking"},
        {SettingsSection::telephony, "telephony"}, {SettingsSection::versions, "versions"}, {SettingsSection::history, "history"}};
    if (ImGui::BeginTabBar("###settings_sections")) {
        for (const auto& [section, name] : sections) {
            std::string id = std::string("section_") + name;
            bool flagged = section_has_problem(state, section);   // the admin finds it after a refused save
            std::string title = (flagged ? "! " : "") + tr(std::string("ui.settings.section.") + name) + "###" + id;
            if (ImGui::BeginTabItem(title.c_str())) {
                if (state.section != section) intents.push_back(settings_intent::ShowSection{static_cast<SettingsSection>(section)});
                ImGui::EndTabItem();
            }
            remember(id);
        }
        ImGui::EndTabBar();
    }
    float bar = ImGui::GetFrameHeightWithSpacing() * 2.2f + (state.error ? ImGui::GetTextLineHeightWithSpacing() * 3 : 0);
    // A child of its own per section: each keeps its scroll, and a section opens at its top the first time.
    const char* shown_name = "branches";
    for (const auto& [section, name] : sections)
        if (section == state.section) shown_name = name;
    ImGui::BeginChild((std::string("###section_") + shown_name).c_str(), ImVec2(0, -bar));
    loading_dots(state, RequestKind::settings_page);
    // While the document is saved and read again, what it shows is about to be replaced: nothing can be edited, so no
    // change made meanwhile is lost to the reply.
    const bool replacing = state.loading(RequestKind::settings_page) || state.loading(RequestKind::settings_save) ||
                           state.loading(RequestKind::settings_fields) || state.loading(RequestKind::settings_restore);
    ImGui::BeginDisabled(replacing);
    switch (state.section) {
        case SettingsSection::branches: draw_branches(state, intents); break;
        case SettingsSection::fields: draw_fields_section(state, intents); break;
        case SettingsSection::users: draw_users(state, intents); break;
        case SettingsSection::statuses: draw_statuses_section(state, intents); break;
        case SettingsSection::automation: draw_automation(state, intents); break;
        case SettingsSection::versions: draw_versions(state, intents); break;
        case SettingsSection::history: draw_history_section(state, intents); break;
        case SettingsSection::telephony: draw_telephony_section(state, intents); break;
        case SettingsSection::tracking: draw_tracking_section(state, intents); break;
    }
    ImGui::EndDisabled();
    ImGui::EndChild();
    draw_save_bar(state, intents);
}

}  // namespace kb::widget::views
