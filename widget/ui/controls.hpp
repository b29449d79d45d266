#pragma once
// Where the last frame drew each labelled control, for tests that click as a person would.
// Usage (inside a frame, right after an ImGui item):
//   ImGui::Button(...); ui::remember("create_record");
// controls_json() -> {"create_record": {"x":..,"y":..,"w":..,"h":..}, ...} in CSS pixels of the canvas; a control
// whose label had to be shortened says "cut": true, and the tooltip showing its whole label is remembered as "tooltip".
//
// Labels in a narrow card column (Kommo's is 250 px at its narrowest) never end mid-word: a button of a fixed width
// shortens its label with "…" and shows the whole label on hover (fitted_button); a button that would pass the right
// edge starts a new line instead (same_line_if_room).
#include <string>
#include <imgui.h>

namespace kb::widget::ui {

void begin_controls_frame(float pixel_ratio);
void remember(const std::string& id);          // records the last ImGui item under `id`
const std::string& controls_json();            // the previous complete frame's controls

// `text` shortened on a character boundary to fit `width` pixels, ending in "…"; as it is when it fits.
std::string fit_text(const std::string& text, float width);
// ImGui::Button of `size` (0: fit the label) under `id`, its label shortened to fit, the whole label on hover; remembered.
bool fitted_button(const std::string& text, const std::string& id, ImVec2 size);
// SameLine() when an item `width` wide still fits left of the window's right edge; else the next item starts a line.
void same_line_if_room(float width);
// The width of a button (or small button) showing `text`; what follows "###" is not shown.
float button_width(const std::string& text);
// A form row's label, muted: beside its field when the column is wide enough for both (as Kommo's card lays out its
// own fields), above it otherwise. The next item then takes the rest of the row: call before the field.
void field_label(const std::string& text);

}  // namespace kb::widget::ui
