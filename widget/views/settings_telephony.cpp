// The Telephony section: each salon chain the relay handles calls for (its state in Altegio, numbers, the PBX's
// address), and the form that adds or changes one. A chain is saved with its own button, apart from the settings
// document, and the relay enables it in Altegio at once.
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/settings_pickers.hpp"

namespace kb::widget::views {

using ui::label;
using ui::remember;
using ui::tr;

namespace {

const ImVec4 good_color(0.13f, 0.55f, 0.25f, 1.0f);

// The refused save's problems at `path`, in red under the field.
void chain_problem(const SettingsState& state, const std::string& path) {
    for (const auto& p : state.telephony.problems) {
        bool here = p.path == path || (p.path.rfind(path + "[", 0) == 0);
        if (!here) continue;
        std::string text = tr(p.message_key) + (p.detail.empty() ? "" : ": " + p.detail);
        ImGui::PushStyleColor(ImGuiCol_Text, ui::error_color());
        ImGui::TextWrapped("%s", text.c_str());
        ImGui::PopStyleColor();
        remember("chain_problem_" + p.path);
    }
}

void draw_form(SettingsState& state, std::vector<SettingsIntent>& intents) {
    ChainForm& form = *state.telephony.form;
    section_heading(form.key.empty() ? "ui.telephony.new_chain" : "ui.telephony.edit_chain");
    setting_label("ui.telephony.name");
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("###chain_name", &form.name);
    remember("chain_name");
    chain_problem(state, "name");
    setting_label("ui.telephony.token");
    ImGui::SetNextItemWidth(-1);
    std::string hint = form.key.empty() ? std::string() : tr("ui.telephony.token_keep") + " (" + form.token_hint + ")";
    ImGui::InputTextWithHint("###chain_token", hint.c_str(), &form.crm_token, ImGuiInputTextFlags_Password);
    remember("chain_token");
    chain_problem(state, "crm_token");
    setting_label("ui.telephony.numbers");
    ImGui::InputTextMultiline("###chain_numbers", &form.numbers, ImVec2(-1, ImGui::GetTextLineHeightWithSpacing() * 4));
    remember("chain_numbers");
    chain_problem(state, "numbers");
    ImGui::Checkbox(label("ui.telephony.new_lead", "chain_new_lead").c_str(), &form.new_lead_for_unknown);
    remember("chain_new_lead");

    bool saving = state.loading(RequestKind::telephony_save);
    if (saving) ImGui::BeginDisabled();
    if (ImGui::Button(label("ui.telephony.save", "chain_save").c_str())) intents.push_back(settings_intent::ChainSave{});
    remember("chain_save");
    ImGui::SameLine();
    if (ImGui::Button(label("ui.telephony.cancel", "chain_cancel").c_str())) intents.push_back(settings_intent::ChainCancel{});
    remember("chain_cancel");
    if (saving) ImGui::EndDisabled();
    if (saving) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", tr("ui.telephony.enabling").c_str());
    }
}

void draw_chain(SettingsState& state, const wire::api::TelephonyChain& chain, std::vector<SettingsIntent>& intents) {
    ImGui::PushID(chain.key.c_str());
    ImGui::Spacing();
    ImGui::TextColored(ui::accent_text_color(), "%s", chain.name.c_str());
    ImGui::SameLine();
    if (chain.enabled) ImGui::TextColored(good_color, "%s", tr("ui.telephony.enabled").c_str());
    else ImGui::TextDisabled("%s", tr("ui.telephony.disabled").c_str());
    remember("chain_state_" + chain.name);
    ImGui::Separator();
    if (!chain.error_key.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ui::error_color());
        ImGui::TextWrapped("%s %s (%s)", tr("ui.telephony.refused").c_str(), tr(chain.error_key).c_str(), chain.error_detail.c_str());
        ImGui::PopStyleColor();
        remember("chain_error_" + chain.name);
    }
    std::string numbers;
    for (const auto& n : chain.numbers) numbers += (numbers.empty() ? "" : ", ") + n;
    setting_label("ui.telephony.numbers_short");
    ImGui::TextWrapped("%s", numbers.c_str());
    setting_label("ui.telephony.unknown_callers");
    ImGui::TextUnformatted(tr(chain.new_lead_for_unknown ? "ui.telephony.new_lead_on" : "ui.telephony.new_lead_off").c_str());
    setting_label("ui.telephony.pbx_url");
    std::string url = chain.calls_url;   // read only: selected and copied with Ctrl+C
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("###pbx_url", &url, ImGuiInputTextFlags_ReadOnly);
    remember("chain_url_" + chain.name);
    setting_label("ui.telephony.last_call");
    ImGui::TextUnformatted(chain.last_call_at_ms == 0 ? tr("ui.telephony.no_calls").c_str()
                                                      : time_text(chain.last_call_at_ms, state.utc_offset_seconds).c_str());

    bool busy = state.telephony.changing_key == chain.key || state.telephony.form.has_value();
    if (busy) ImGui::BeginDisabled();
    if (ImGui::SmallButton(label("ui.telephony.edit", "chain_edit_" + chain.key).c_str())) intents.push_back(settings_intent::ChainEdit{chain.key});
    remember("chain_edit_" + chain.name);
    ImGui::SameLine();
    if (ImGui::SmallButton(label(chain.enabled ? "ui.telephony.disable" : "ui.telephony.enable", "chain_toggle_" + chain.key).c_str())) {
        if (chain.enabled) intents.push_back(settings_intent::ChainDisable{chain.key});
        else intents.push_back(settings_intent::ChainEnable{chain.key});
    }
    remember("chain_toggle_" + chain.name);
    ImGui::SameLine();
    if (ImGui::SmallButton(label("ui.telephony.remove", "chain_remove_" + chain.key).c_str())) intents.push_back(settings_intent::ChainRemove{chain.key});
    remember("chain_remove_" + chain.name);
    if (busy) ImGui::EndDisabled();
    if (state.telephony.changing_key == chain.key) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", tr("ui.loading").c_str());
    }
    ImGui::PopID();
}

}  // namespace

void draw_telephony_section(SettingsState& state, std::vector<SettingsIntent>& intents) {
    ImGui::TextWrapped("%s", tr("ui.telephony.hint").c_str());
    if (!state.telephony.page) {
        if (state.loading(RequestKind::telephony_page)) ImGui::TextDisabled("%s", tr("ui.loading").c_str());
        return;
    }
    if (state.telephony.page->chains.empty() && !state.telephony.form) {
        ImGui::Spacing();
        ImGui::TextDisabled("%s", tr("ui.telephony.none").c_str());
        remember("no_chains");
    }
    for (const auto& chain : state.telephony.page->chains) draw_chain(state, chain, intents);
    ImGui::Spacing();
    if (state.telephony.form) {
        draw_form(state, intents);
    } else if (ImGui::Button(label("ui.telephony.add", "chain_add").c_str())) {
        intents.push_back(settings_intent::ChainEdit{""});
    }
    remember("chain_add");
}

}  // namespace kb::widget::views
