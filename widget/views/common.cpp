#include "widget/views/common.hpp"

#include <imgui.h>
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"

namespace kb::widget::views {

void loading_line(const AppState& state, RequestKind kind) {
    if (!state.loading(kind)) return;
    static const char* frames[] = {"", ".", "..", "..."};
    int dots = static_cast<int>(ImGui::GetTime() * 3.0) % 4;
    ImGui::TextDisabled("%s%s", ui::tr("ui.loading").c_str(), frames[dots]);
    ui::remember("loading");
}

void draw_error(const AppState& state, std::vector<Intent>& intents) {
    if (!state.error) return;
    ImGui::Spacing();
    ui::text_error_wrapped(ui::tr(state.error->message_key));
    ui::remember("error_message");
    if (!state.error->detail.empty()) {
        ui::text_muted_wrapped(state.error->detail);
    }
    if (!state.card) {
        if (ImGui::Button(ui::label("ui.retry", "retry_loading").c_str())) intents.push_back(intent::RetryLoading{});
        ui::remember("retry_loading");
    } else if (ImGui::SmallButton(ui::label("ui.dismiss", "dismiss_error").c_str())) {
        intents.push_back(intent::DismissError{});
    }
}

const char* const record_state_keys[5] = {"ui.status.waiting", "ui.status.confirmed", "ui.status.came", "ui.status.did_not_come",
                                          "ui.status.cancelled"};

StatusLook status_look(const domain::Record& r) {
    if (r.deleted) return {"ui.status.cancelled", ui::neutral_color()};
    switch (r.attendance) {
        case domain::Attendance::confirmed: return {"ui.status.confirmed", ui::accent_text_color()};
        case domain::Attendance::came: return {"ui.status.came", ui::success_color()};
        case domain::Attendance::did_not_come: return {"ui.status.did_not_come", ui::error_color()};
        case domain::Attendance::waiting: break;
    }
    return {"ui.status.waiting", ui::warning_color()};
}

}  // namespace kb::widget::views
