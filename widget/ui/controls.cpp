#include "widget/ui/controls.hpp"

#include <algorithm>
#include <imgui.h>
#include <map>
#include "shared/wire/json_read.hpp"

namespace kb::widget::ui {
namespace {

struct Frame {
    float pixel_ratio = 1.0f;
    wire::Json current = wire::Json::object();
    wire::Json last = wire::Json::object();   // the previous complete frame's, written out only when asked for
    std::string text = "{}";
};

Frame& frame() {
    static Frame f;
    return f;
}

}  // namespace

void begin_controls_frame(float pixel_ratio) {
    Frame& f = frame();
    if (!f.current.empty()) f.last = std::move(f.current);
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

std::string fit_text(const std::string& text, float width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
    const char* ellipsis = "\xE2\x80\xA6";   // …
    float room = width - ImGui::CalcTextSize(ellipsis).x;
    size_t end = text.size();
    while (end > 0) {
        do --end;
        while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80);   // back to a character's first byte
        if (ImGui::CalcTextSize(text.data(), text.data() + end).x <= room) break;
    }
    while (end > 0 && text[end - 1] == ' ') --end;
    return text.substr(0, end) + ellipsis;
}

bool fitted_button(const std::string& text, const std::string& id, ImVec2 size) {
    float room = (size.x > 0 ? size.x : ImGui::GetContentRegionAvail().x) - ImGui::GetStyle().FramePadding.x * 2;
    std::string shown = fit_text(text, room);
    bool pressed = ImGui::Button((shown + "###" + id).c_str(), size);
    remember(id);
    bool cut = shown != text;
    if (cut && frame().current.contains(id)) frame().current[id]["cut"] = true;
    if (cut && ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(text.c_str());
        remember("tooltip");
        ImGui::EndTooltip();
    }
    return pressed;
}

void same_line_if_room(float width) {
    float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
    if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

float button_width(const std::string& text) { return ImGui::CalcTextSize(text.c_str(), nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2; }

void field_label(const std::string& text) {
    constexpr float narrowest_beside = 300.0f;   // below this the field would be too short to read its value
    float room = ImGui::GetContentRegionAvail().x;
    if (room < narrowest_beside * ImGui::GetFontSize() / 15.0f) {
        ImGui::TextDisabled("%s", text.c_str());
        ImGui::SetNextItemWidth(-1);
        return;
    }
    float column = std::clamp(room * 0.3f, 80.0f, 140.0f) * ImGui::GetFontSize() / 15.0f;
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", fit_text(text, column - ImGui::GetStyle().ItemSpacing.x).c_str());
    ImGui::SameLine(column);
    ImGui::SetNextItemWidth(-1);
}

const std::string& controls_json() {
    Frame& f = frame();
    f.text = (f.current.empty() ? f.last : f.current).dump();
    return f.text;
}

}  // namespace kb::widget::ui
