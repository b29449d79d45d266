#include "widget/views/account_log.hpp"

#include <algorithm>
#include <tuple>
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>
#include "shared/domain/money.hpp"
#include "shared/domain/status_sync.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/booking_window.hpp"
#include "widget/views/common.hpp"

namespace kb::widget::views {
namespace {

using ui::label;
using ui::remember;
using ui::tr;

ImVec4 state_color(domain::RecordState state) {
    switch (state) {
        case domain::RecordState::confirmed: return ui::accent_text_color();
        case domain::RecordState::came: return ui::success_color();
        case domain::RecordState::did_not_come: return ui::error_color();
        case domain::RecordState::deleted: return ui::neutral_color();
        case domain::RecordState::waiting: break;
    }
    return ui::warning_color();
}

std::string period_text(const LogView& v) {
    if (v.from == v.to) return ui::format_day(v.from);
    return ui::format_day(v.from) + " – " + ui::format_day(v.to);
}

void draw_period(const AppState& state, std::vector<Intent>& intents) {
    if (ImGui::ArrowButton("###period_prev", ImGuiDir_Left)) intents.push_back(intent::ShiftPeriod{-1});
    remember("period_prev");
    ImGui::SameLine();
    ImGui::TextUnformatted(period_text(state.pipeline.view).c_str());
    remember("period");
    ImGui::SameLine();
    if (ImGui::ArrowButton("###period_next", ImGuiDir_Right)) intents.push_back(intent::ShiftPeriod{1});
    remember("period_next");
    ImGui::SameLine();
    bool week = state.pipeline.view.from != state.pipeline.view.to;
    if (ImGui::RadioButton(label("ui.account_log.day", "period_day").c_str(), !week)) intents.push_back(intent::SetPeriodDays{1});
    remember("period_day");
    ImGui::SameLine();
    if (ImGui::RadioButton(label("ui.account_log.week", "period_week").c_str(), week)) intents.push_back(intent::SetPeriodDays{7});
    remember("period_week");
    ImGui::SameLine();
    if (ImGui::SmallButton(label("ui.log.refresh", "refresh").c_str())) intents.push_back(intent::Refresh{});
    remember("refresh");
    ImGui::SameLine();
    if (ImGui::SmallButton(label("ui.new_record.open", "new_record").c_str())) intents.push_back(intent::NewRecord{});
    remember("new_record");
}

void draw_filters(AppState& state, std::vector<Intent>& intents) {
    float width = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x * 3) / 4;
    const LogView& v = state.pipeline.view;

    std::string branch = tr("ui.account_log.all_branches");
    for (const auto& b : state.pipeline.branches)
        if (b.id == v.company_id) branch = b.title;
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("###log_branch", branch.c_str())) {
        if (ImGui::Selectable(label("ui.account_log.all_branches", "all").c_str(), v.company_id == 0)) intents.push_back(intent::FilterBranch{0});
        for (const auto& b : state.pipeline.branches) {
            ImGui::PushID(static_cast<int>(b.id));
            if (ImGui::Selectable(b.title.c_str(), v.company_id == b.id)) intents.push_back(intent::FilterBranch{b.id});
            remember("log_branch_" + std::to_string(b.id));
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    remember("log_branch");

    ImGui::SameLine();
    auto staff = log_staff(state);
    std::string employee = tr("ui.account_log.all_staff");
    for (const auto& [id, name] : staff)
        if (id == v.staff_id) employee = name;
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("###log_staff", employee.c_str())) {
        if (ImGui::Selectable(label("ui.account_log.all_staff", "all").c_str(), v.staff_id == 0)) intents.push_back(intent::FilterStaff{0});
        for (const auto& [id, name] : staff) {
            ImGui::PushID(static_cast<int>(id));
            if (ImGui::Selectable(name.c_str(), v.staff_id == id)) intents.push_back(intent::FilterStaff{id});
            remember("log_staff_" + std::to_string(id));
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    remember("log_staff");

    ImGui::SameLine();
    ImGui::SetNextItemWidth(width);
    std::string status = v.status < 0 ? tr("ui.account_log.any_status") : tr(record_state_keys[v.status]);
    if (ImGui::BeginCombo("###log_status", status.c_str())) {
        if (ImGui::Selectable(label("ui.account_log.any_status", "any").c_str(), v.status < 0)) intents.push_back(intent::FilterStatus{-1});
        for (int i = 0; i < 5; ++i) {
            if (ImGui::Selectable(label(record_state_keys[i], "status" + std::to_string(i)).c_str(), v.status == i))
                intents.push_back(intent::FilterStatus{i});
            remember("log_status_" + std::to_string(i));
        }
        ImGui::EndCombo();
    }
    remember("log_status");

    ImGui::SameLine();
    ImGui::SetNextItemWidth(width);
    if (ImGui::InputTextWithHint("###log_search", tr("ui.account_log.search").c_str(), &state.pipeline.view.search))
        intents.push_back(intent::EditSearch{});
    remember("log_search");
}

void draw_row_actions(const AppState& state, const wire::api::RecordRow& row, std::vector<Intent>& intents) {
    const auto& r = row.record;
    std::string id = std::to_string(r.id);
    if (state.records.status_record_id == r.id) {
        loading_line(state, RequestKind::status);
        return;
    }
    if (!r.deleted) {
        if (ImGui::SmallButton(label("ui.account_log.actions", "log_actions_" + id).c_str())) ImGui::OpenPopup("actions");
        remember("log_actions_" + id);
        if (ImGui::BeginPopup("actions")) {
            for (const char* action : {"confirm", "came", "did_not_come"}) {
                if (ImGui::Selectable(label(std::string("ui.action.") + action, std::string("log_") + action + "_" + id).c_str()))
                    intents.push_back(intent::ChangeStatus{r.id, action});
                remember(std::string("log_") + action + "_" + id);
            }
            if (ImGui::Selectable(label("ui.action.edit", "log_edit_" + id).c_str())) intents.push_back(intent::EditRecord{r.id});
            remember("log_edit_" + id);
            if (ImGui::Selectable(label("ui.action.cancel", "log_cancel_" + id).c_str())) intents.push_back(intent::AskCancel{r.id});
            remember("log_cancel_" + id);
            ImGui::EndPopup();
        }
    }
    if (row.lead_id != 0 && state.pipeline.log->go_to_lead_button) {
        if (!r.deleted) ImGui::SameLine();
        if (ImGui::SmallButton(label("ui.account_log.go_to_lead", "go_to_lead_" + id).c_str()))
            intents.push_back(intent::OpenLead{row.lead_id});
        remember("go_to_lead_" + id);
    }
}

void draw_cancel_question(const AppState& state, std::vector<Intent>& intents) {
    if (state.records.cancel_asked_id == 0) return;
    std::string id = std::to_string(state.records.cancel_asked_id);
    ImGui::PushStyleColor(ImGuiCol_Text, ui::error_color());
    ImGui::TextUnformatted(tr("ui.action.cancel_question").c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::SmallButton(label("ui.action.cancel_yes", "cancel_yes_" + id).c_str()))
        intents.push_back(intent::ChangeStatus{state.records.cancel_asked_id, "cancel"});
    remember("cancel_yes_" + id);
    ImGui::SameLine();
    if (ImGui::SmallButton(label("ui.action.cancel_no", "cancel_no_" + id).c_str())) intents.push_back(intent::KeepRecord{});
    remember("cancel_no_" + id);
}

void draw_table(const AppState& state, std::vector<Intent>& intents) {
    auto rows = visible_log_rows(state);
    ImGui::TextDisabled("%zu / %zu", rows.size(), state.pipeline.log->rows.size());
    remember("log_count");
    if (state.pipeline.log->truncated) {
        ImGui::SameLine();
        ImGui::TextColored(ui::error_color(), "%s", tr("ui.account_log.truncated").c_str());
    }
    if (rows.empty()) {   // the period has records, the filters leave none: say so, not an empty table
        ImGui::TextWrapped("%s", tr("ui.account_log.none_match").c_str());
        remember("log_none_match");
        return;
    }
    ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                            ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("###log_table", 8, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    auto column = [](const char* key, LogColumn id, ImGuiTableColumnFlags extra = 0) {
        ImGui::TableSetupColumn(tr(key).c_str(), extra, 0.0f, static_cast<ImGuiID>(id));
    };
    column("ui.account_log.column.time", LogColumn::time, ImGuiTableColumnFlags_DefaultSort);
    column("ui.account_log.column.branch", LogColumn::branch);
    column("ui.account_log.column.employee", LogColumn::employee);
    ImGui::TableSetupColumn(tr("ui.account_log.column.services").c_str(), ImGuiTableColumnFlags_NoSort, 0.0f, 100);
    column("ui.account_log.column.client", LogColumn::client);
    column("ui.account_log.column.status", LogColumn::status);
    column("ui.account_log.column.paid", LogColumn::paid);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_NoSort, 0.0f, 101);
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* sort = ImGui::TableGetSortSpecs(); sort && sort->SpecsDirty) {
        if (sort->SpecsCount > 0) {
            const auto& spec = sort->Specs[0];
            intents.push_back(intent::SortLog{static_cast<LogColumn>(spec.ColumnUserID), spec.SortDirection == ImGuiSortDirection_Descending});
        }
        sort->SpecsDirty = false;
    }

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const auto& row = *rows[i];
            const auto& r = row.record;
            ImGui::PushID(static_cast<int>(r.id));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            std::string when = r.date.size() >= 16 ? ui::format_day(r.date.substr(0, 10)) + ", " + r.date.substr(11, 5) : r.datetime;
            ImGui::TextUnformatted(when.c_str());
            remember("log_row_" + std::to_string(r.id));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.branch_title.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.staff_name.c_str());
            ImGui::TableNextColumn();
            std::string services;
            for (const auto& s : r.services) services += (services.empty() ? "" : ", ") + s.title;
            ImGui::TextUnformatted(services.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.client ? r.client->name.c_str() : "—");
            ImGui::TableNextColumn();
            auto record_state = domain::record_state(r);
            ImGui::TextColored(state_color(record_state), "%s", tr(record_state_keys[static_cast<int>(record_state)]).c_str());
            remember("log_status_of_" + std::to_string(r.id));
            ImGui::TableNextColumn();
            if (r.paid.minor != 0) ImGui::TextUnformatted(domain::format_money(r.paid, state.language, row.currency).c_str());
            ImGui::TableNextColumn();
            draw_row_actions(state, row, intents);
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
}

// A row opened for editing: the booking form's two halves side by side, each as wide as the card's column,
// or one under the other in a narrow window.
void draw_editor(AppState& state, std::vector<Intent>& intents) {
    float column = 30.0f * ImGui::GetFontSize();   // about 450 CSS pixels
    float spacing = ImGui::GetStyle().ItemSpacing.x * 4;
    if (ImGui::GetContentRegionAvail().x < 2 * column + spacing) {
        ImGui::BeginChild("###log_editor", ImVec2(std::min(ImGui::GetContentRegionAvail().x, column), 0));
        draw_booking_choices(state, intents);
        draw_booking_details(state, intents);
        ImGui::EndChild();
        return;
    }
    ImGui::BeginChild("###log_editor_choices", ImVec2(column, 0));
    draw_booking_choices(state, intents);
    ImGui::EndChild();
    ImGui::SameLine(0, spacing);
    ImGui::BeginChild("###log_editor_details", ImVec2(column, 0));
    draw_booking_details(state, intents);
    ImGui::EndChild();
}

// "New record", first step: the lead, found by Kommo's search (name, or the client's phone however written) or
// made for the client typed below; the client fields are the booking form's own, so they carry into the booking.
void draw_lead_picker(AppState& state, std::vector<Intent>& intents) {
    auto& picker = state.pipeline.new_record;
    ImGui::Spacing();
    ImGui::TextDisabled("%s", tr("ui.new_record.find_lead").c_str());
    ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x * 0.6f, 24.0f * ImGui::GetFontSize()));
    bool enter = ImGui::InputTextWithHint("###lead_query", tr("ui.new_record.lead_query_hint").c_str(), &picker.lead_query,
                                          ImGuiInputTextFlags_EnterReturnsTrue);
    remember("lead_query");
    ImGui::SameLine();
    if (ImGui::Button(label("ui.new_record.find", "lead_find").c_str()) || enter) intents.push_back(intent::FindLeads{});
    remember("lead_find");
    loading_line(state, RequestKind::leads);
    if (picker.found) {
        if (picker.found->empty()) {
            ImGui::TextDisabled("%s", tr("ui.new_record.nothing_found").c_str());
            remember("leads_none");
        }
        for (const auto& lead : *picker.found) {
            ImGui::PushID(static_cast<int>(lead.id));
            std::string text = lead.name + "  #" + std::to_string(lead.id);
            if (ImGui::Selectable(text.c_str())) intents.push_back(intent::ChooseLead{lead.id});
            remember("lead_choice_" + std::to_string(lead.id));
            ImGui::PopID();
        }
    }
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextDisabled("%s", tr("ui.new_record.or_new_lead").c_str());
    ImGui::PushItemWidth(std::min(ImGui::GetContentRegionAvail().x, 30.0f * ImGui::GetFontSize()));
    for (auto [key, id, value] : {std::tuple{"ui.name", "new_lead_name", &state.form.name}, {"ui.phone", "new_lead_phone", &state.form.phone},
                                  {"ui.email", "new_lead_email", &state.form.email}}) {
        ui::field_label(tr(key));
        if (ImGui::InputText((std::string("###") + id).c_str(), value, ImGuiInputTextFlags_EnterReturnsTrue))
            intents.push_back(intent::CreateLead{});
        remember(id);
    }
    ImGui::PopItemWidth();
    ImGui::BeginDisabled(state.loading(RequestKind::new_lead));
    if (ImGui::Button(label("ui.new_record.create_lead", "new_lead_create").c_str())) intents.push_back(intent::CreateLead{});
    ImGui::EndDisabled();
    remember("new_lead_create");
    loading_line(state, RequestKind::new_lead);
    draw_error(state, intents);
}

// "New record" over the log: the lead, then the booking form as in the lead card, then back to the log.
void draw_new_record(AppState& state, std::vector<Intent>& intents) {
    if (ImGui::SmallButton(label("ui.new_record.back", "new_record_close").c_str())) intents.push_back(intent::CloseNewRecord{});
    remember("new_record_close");
    ImGui::SameLine();
    ImGui::TextUnformatted(tr("ui.new_record.title").c_str());
    remember("new_record_title");
    if (state.lead_id == 0) {
        draw_lead_picker(state, intents);
        return;
    }
    if (state.card) {
        ImGui::Text("%s: %s", tr("ui.new_record.lead").c_str(), state.card->lead_name.c_str());
        remember("new_record_lead");
        ImGui::SameLine();
        if (ImGui::SmallButton(label("ui.new_record.change_lead", "lead_change").c_str())) intents.push_back(intent::ChangeLead{});
        remember("lead_change");
        ImGui::SameLine();
        if (ImGui::SmallButton(label("ui.account_log.go_to_lead", "new_record_open_lead").c_str())) intents.push_back(intent::OpenLead{state.lead_id});
        remember("new_record_open_lead");
    }
    if (!state.card || state.result || !state.card->may_book()) {   // loading, booked, or why this user cannot book
        ImGui::BeginChild("###new_record_window", ImVec2(std::min(ImGui::GetContentRegionAvail().x, 30.0f * ImGui::GetFontSize()), 0));
        draw_booking_window(state, intents);
        ImGui::EndChild();
        return;
    }
    draw_editor(state, intents);
}

}  // namespace

void draw_account_log(AppState& state, std::vector<Intent>& intents) {
    ImGui::TextColored(ui::accent_text_color(), "%s", tr("ui.account_log.title").c_str());
    if (state.pipeline.new_record.open) {
        draw_new_record(state, intents);
        return;
    }
    if (state.editing.record_id != 0) {
        draw_editor(state, intents);
        return;
    }
    draw_period(state, intents);
    draw_filters(state, intents);
    loading_line(state, RequestKind::account_log);
    draw_error(state, intents);
    draw_cancel_question(state, intents);
    ImGui::Separator();
    if (!state.pipeline.log) return;
    if (state.pipeline.log->rows.empty()) {
        ImGui::TextWrapped("%s", tr("ui.account_log.empty").c_str());
        remember("log_empty");
        return;
    }
    draw_table(state, intents);
}

}  // namespace kb::widget::views
