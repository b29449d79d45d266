#pragma once
// Kommo-like light look: white panel, blue accents, soft rounding; scaled for the screen's pixel ratio.
#include <imgui.h>
#include <string>

namespace kb::widget::ui {

ImVec4 accent_color();   // Kommo's blue: titles, chosen options, the main button
ImVec4 error_color();
// A muted (TextDisabled) line that wraps at the window's edge: hints and secondary details.
void text_muted_wrapped(const std::string& text);
// "f44336" or "#f44336" as a colour; `fallback` when the text is not six hex digits.
ImVec4 color_from_hex(std::string hex, ImVec4 fallback);

void apply_theme(float pixel_ratio);
// Loads the embedded font (Latin, Latin Extended, Cyrillic, currency signs) at the given pixel ratio.
void load_fonts(float pixel_ratio);

}  // namespace kb::widget::ui
