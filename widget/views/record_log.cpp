// The Records tab: the lead's Altegio records, newest first, each with its status and actions.
#include <imgui.h>
#include "shared/domain/money.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/common.hpp"
#include "widget/views/lead_card.hpp"

namespace kb::widget::views {
namespace {

using ui::label;
using ui::remember;
using ui::tr;

std::string when_text(const domain::Record& r) {
    if (r.date.size() < 16) return r.datetime;
    return ui::format_day(r.date.substr(0, 10)) + ", " + r.date.substr(11, 5);
}

// Buttons laid out left to right, starting a new line when the next one would not fit.
struct ButtonRow {
    bool first = true;
    bool button(const std::string& text, const std::string& id) {
        if (!first) ui::same_line_if_room(ui::button_width(text));
        first = false;
        bool pressed = ImGui::SmallButton((text + "###" + id).c_str());
        remember(id);
        return pressed;
    }
};

void draw_actions(const AppState& state, const domain::Record& r, std::vector<Intent>& intents) {
    std::string id = std::to_string(r.id);
    if (state.records.status_record_id == r.id) {
        loading_line(state, RequestKind::status);
        return;
    }
    if (state.records.cancel_asked_id == r.id) {
        ImGui::TextUnformatted(tr("ui.action.cancel_question").c_str());
        ButtonRow row;
        ImGui::PushStyleColor(ImGuiCol_Button, ui::error_color());
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
        if (row.button(tr("ui.action.cancel_yes"), "cancel_yes_" + id)) intents.push_back(intent::ChangeStatus{r.id, "cancel"});
        ImGui::PopStyleColor(2);
        if (row.button(tr("ui.action.cancel_no"), "cancel_no_" + id)) intents.push_back(intent::KeepRecord{});
        return;
    }
    bool busy = state.loading(RequestKind::status);
    ImGui::BeginDisabled(busy);
    ButtonRow row;
    struct Choice {
        domain::Attendance attendance;
        const char* action;
    };
    for (Choice c : {Choice{domain::Attendance::confirmed, "confirm"}, Choice{domain::Attendance::came, "came"},
                     Choice{domain::Attendance::did_not_come, "did_not_come"}}) {
        if (r.attendance == c.attendance) continue;   // already so
        if (row.button(tr(std::string("ui.action.") + c.action), std::string("status_") + c.action + "_" + id))
            intents.push_back(intent::ChangeStatus{r.id, c.action});
    }
    if (row.button(tr("ui.action.edit"), "edit_" + id)) intents.push_back(intent::EditRecord{r.id});
    if (row.button(tr("ui.action.cancel"), "cancel_" + id)) intents.push_back(intent::AskCancel{r.id});
    ImGui::EndDisabled();
}

void draw_row(const AppState& state, const wire::api::RecordRow& row, std::vector<Intent>& intents) {
    const auto& r = row.record;
    ImGui::PushID(static_cast<int>(r.id));
    StatusLook look = status_look(r);
    ImGui::TextUnformatted(when_text(r).c_str());
    remember("record_" + std::to_string(r.id));
    ImGui::SameLine();
    std::string status = tr(look.key);
    float status_x = ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(status.c_str()).x;
    if (status_x > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(status_x);
    ImGui::TextColored(look.color, "%s", status.c_str());
    remember("record_status_" + std::to_string(r.id));

    std::string services;
    for (const auto& s : r.services) services += (services.empty() ? "" : ", ") + s.title;
    std::string who = r.staff_name.empty() ? services : services.empty() ? r.staff_name : r.staff_name + " — " + services;
    if (r.activity_id != 0) who += " (" + tr("ui.log.group") + ")";
    ImGui::TextWrapped("%s", who.c_str());
    std::string detail = row.branch_title;
    if (r.client && !r.client->name.empty()) detail += " · " + r.client->name;
    if (r.paid.minor != 0) detail += " · " + tr("ui.log.paid") + " " + domain::format_money(r.paid, state.language, row.currency);
    ui::text_muted_wrapped(detail);
    if (!r.deleted) draw_actions(state, r, intents);
    ImGui::PopID();
    ImGui::Separator();
}

}  // namespace

void draw_record_log(const AppState& state, std::vector<Intent>& intents) {
    if (ImGui::SmallButton(label("ui.log.refresh", "refresh").c_str())) intents.push_back(intent::Refresh{});
    remember("refresh");
    if (!state.records.rows) {
        loading_line(state, RequestKind::records);
        draw_error(state, intents);
        return;
    }
    loading_line(state, RequestKind::records);
    draw_error(state, intents);
    ImGui::Separator();
    if (state.records.rows->empty()) {
        ImGui::TextWrapped("%s", tr("ui.log.empty").c_str());
        remember("log_empty");
        return;
    }
    for (const auto& row : *state.records.rows) draw_row(state, row, intents);
}

}  // namespace kb::widget::views
