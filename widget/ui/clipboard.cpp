#include "widget/ui/clipboard.hpp"

#include <imgui.h>
#include <imgui_internal.h>
#include <algorithm>
#include <string>

namespace kb::widget::ui {

namespace {

struct Paste {
    std::string offered;    // from the host's paste event, not asked for yet
    std::string given;      // what ImGui was given (it reads the text after the call returns)
};

Paste& paste() {
    static Paste p;
    return p;
}

}  // namespace

void install_clipboard() {
    ImGuiIO& io = ImGui::GetIO();
    io.SetClipboardTextFn = [](void*, const char*) {};   // the host's copy event has put the selection there already
    io.GetClipboardTextFn = [](void*) -> const char* {
        Paste& p = paste();
        p.given = std::move(p.offered);   // one paste per paste event
        p.offered.clear();
        return p.given.c_str();
    };
}

void offer_paste(std::string text) { paste().offered = std::move(text); }

std::string selected_text() {
    ImGuiContext& g = *GImGui;
    const ImGuiInputTextState& field = g.InputTextState;
    if (g.ActiveId == 0 || field.ID != g.ActiveId || !field.HasSelection()) return {};
    int from = std::min(field.Stb.select_start, field.Stb.select_end);
    int to = std::min(std::max(field.Stb.select_start, field.Stb.select_end), field.CurLenW);
    if (from >= to) return {};
    std::string out(static_cast<size_t>(to - from) * 4 + 1, '\0');   // at most four bytes a character
    int written = ImTextStrToUtf8(out.data(), static_cast<int>(out.size()), field.TextW.Data + from, field.TextW.Data + to);
    out.resize(static_cast<size_t>(written));
    return out;
}

}  // namespace kb::widget::ui
