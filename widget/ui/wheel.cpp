#include "widget/ui/wheel.hpp"

#include <imgui.h>
#include <imgui_internal.h>

namespace kb::widget::ui {
namespace {

struct Room {
    bool up = false, down = false, left = false, right = false;
};

Room& room() {
    static Room r;
    return r;
}

}  // namespace

void note_wheel_room() {
    ImGuiContext& g = *GImGui;
    // The window ImGui 1.86 scrolls with the wheel: the hovered one, or the nearest parent of a child window that
    // cannot scroll (or does not take the wheel).
    ImGuiWindow* w = g.HoveredWindow;
    while (w && (w->Flags & ImGuiWindowFlags_ChildWindow) && w->ParentWindow &&
           (w->ScrollMax.y == 0.0f || (w->Flags & ImGuiWindowFlags_NoScrollWithMouse)))
        w = w->ParentWindow;
    Room r;
    // A popup or a combo list open under the pointer keeps the wheel, as ImGui scrolls or ignores it there.
    if (w && (w->Flags & ImGuiWindowFlags_Popup)) r = {true, true, true, true};
    else if (w && !(w->Flags & ImGuiWindowFlags_NoScrollWithMouse))
        r = {w->Scroll.y > 0.5f, w->Scroll.y < w->ScrollMax.y - 0.5f, w->Scroll.x > 0.5f, w->Scroll.x < w->ScrollMax.x - 0.5f};
    room() = r;
}

bool wheel_scrolls(double dx, double dy) {
    const Room& r = room();
    if (dy < 0 && r.up) return true;
    if (dy > 0 && r.down) return true;
    if (dx < 0 && r.left) return true;
    return dx > 0 && r.right;
}

}  // namespace kb::widget::ui
