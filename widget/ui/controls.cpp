#include "widget/ui/controls.hpp"

#include <imgui.h>
#include <map>
#include "shared/wire/json_read.hpp"

namespace kb::widget::ui {
namespace {

struct Frame {
    float pixel_ratio = 1.0f;
    wire::Json current = wire::Json::object();
    std::string last_json = "{}";
};

Frame& frame() {
    static Frame f;
    return f;
}

}  // namespace

void begin_controls_frame(float pixel_ratio) {
    Frame& f = frame();
    if (!f.current.empty()) f.last_json = f.current.dump();
    f.current = wire::Json::object();
    f.pixel_ratio = pixel_ratio;
}

void remember(const std::string& id) {
    Frame& f = frame();
    if (!ImGui::IsItemVisible()) return;
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    // Clip to the window, so a half-scrolled control reports only what can be clicked.
    ImVec2 clip_min = ImGui::GetWindowPos(), clip_max = clip_min;
    clip_max.x += ImGui::GetWindowSize().x;
    clip_max.y += ImGui::GetWindowSize().y;
    if (min.y < clip_min.y) min.y = clip_min.y;
    if (max.y > clip_max.y) max.y = clip_max.y;
    if (max.y <= min.y) return;
    float r = f.pixel_ratio;
    f.current[id] = wire::Json{{"x", min.x / r}, {"y", min.y / r}, {"w", (max.x - min.x) / r}, {"h", (max.y - min.y) / r}};
    if (ImGui::IsItemActive()) f.current[id]["active"] = true;   // e.g. the text field that takes the typing
}

const std::string& controls_json() {
    Frame& f = frame();
    if (!f.current.empty()) f.last_json = f.current.dump();
    return f.last_json;
}

}  // namespace kb::widget::ui
