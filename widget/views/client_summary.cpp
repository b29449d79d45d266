// The Client tab: what Altegio knows of the lead's client.
#include <imgui.h>
#include "shared/domain/money.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/common.hpp"
#include "widget/views/lead_card.hpp"

namespace kb::widget::views {
namespace {

using ui::remember;
using ui::tr;

void line(const std::string& key, const std::string& value, const std::string& id) {
    ImGui::TextDisabled("%s", tr(key).c_str());
    ImGui::SameLine();
    ImGui::TextUnformatted(value.c_str());
    remember(id);
}

std::string day_or_dash(const std::string& iso_date) { return iso_date.empty() ? "—" : ui::format_day(iso_date); }

}  // namespace

void draw_client_summary(const AppState& state, std::vector<Intent>& intents) {
    if (ImGui::SmallButton(ui::label("ui.log.refresh", "refresh").c_str())) intents.push_back(intent::Refresh{});
    remember("refresh");
    loading_line(state, RequestKind::client);
    draw_error(state, intents);
    if (!state.client) return;
    ImGui::Separator();
    const auto& summary = *state.client;
    if (!summary.found) {
        ImGui::TextWrapped("%s", tr("ui.summary_of_client.none").c_str());
        remember("client_none");
        return;
    }
    const auto& c = summary.client;
    ImGui::TextColored(ui::accent_text_color(), "%s", c.name.c_str());
    remember("client_name");
    if (!c.phone.empty()) ImGui::TextDisabled("%s", c.phone.c_str());
    ImGui::Spacing();
    line("ui.summary_of_client.visits", std::to_string(c.visits_count), "client_visits");
    line("ui.summary_of_client.purchases", domain::format_money(c.visits_sum, state.language, summary.currency), "client_purchases");
    ImGui::Spacing();
    ImGui::TextDisabled("%s", tr("ui.summary_of_client.subscription").c_str());
    if (!c.subscription) {
        ImGui::TextUnformatted(tr("ui.summary_of_client.no_subscription").c_str());
        remember("client_no_subscription");
        return;
    }
    const auto& s = *c.subscription;
    ImGui::TextUnformatted(s.name.c_str());
    remember("client_subscription");
    line("ui.summary_of_client.period", day_or_dash(s.start_date) + " – " + day_or_dash(s.end_date), "client_period");
    line("ui.summary_of_client.remaining", s.remaining < 0 ? std::string("—") : std::to_string(s.remaining), "client_remaining");
}

}  // namespace kb::widget::views
