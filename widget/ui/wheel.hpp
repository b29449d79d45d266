#pragma once
// The mouse wheel over the widget scrolls the widget's content while it has more to show that way, and the page
// otherwise: after each frame note_wheel_room() records how far the window under the pointer (the one ImGui's
// wheel would move) can still scroll, and the host asks wheel_scrolls() before it lets the widget take a wheel event.
namespace kb::widget::ui {

void note_wheel_room();
// dx, dy: the browser's deltas (positive: right and down).
bool wheel_scrolls(double dx, double dy);

}  // namespace kb::widget::ui
