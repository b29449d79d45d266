#pragma once
// Where the last frame drew each labelled control, for tests that click as a person would.
// Usage (inside a frame, right after an ImGui item):
//   ImGui::Button(...); ui::remember("create_record");
// controls_json() -> {"create_record": {"x":..,"y":..,"w":..,"h":..}, ...} in CSS pixels of the canvas.
#include <string>

namespace kb::widget::ui {

void begin_controls_frame(float pixel_ratio);
void remember(const std::string& id);          // records the last ImGui item under `id`
const std::string& controls_json();            // the previous complete frame's controls

}  // namespace kb::widget::ui
