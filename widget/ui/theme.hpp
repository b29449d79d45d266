#pragma once
// Kommo's look, light or dark as Kommo's theme is: white (or dark grey-blue) panel, blue accents, soft rounding;
// scaled for the screen's pixel ratio. Views take colours from here, never as literals, so both themes hold.
#include <imgui.h>
#include <string>
#include "widget/ui/palette.hpp"

namespace kb::widget::ui {

const Palette& palette();   // the theme in force
ImVec4 vec(Rgb c, float alpha = 1.0f);
ImU32 u32(Rgb c);
ImVec4 accent_color();        // Kommo's blue: chosen options and the main button's fill (white text on it)
ImVec4 accent_text_color();   // titles in the accent colour
ImVec4 error_color();
ImVec4 success_color();       // connected, came, done
ImVec4 warning_color();       // waiting
ImVec4 neutral_color();       // cancelled
// A muted (TextDisabled) line that wraps at the window's edge: hints and secondary details.
void text_muted_wrapped(const std::string& text);
// An error's line in the error colour, wrapping at the window's edge.
void text_error_wrapped(const std::string& text);
// "f44336" or "#f44336" as a colour; `fallback` when the text is not six hex digits.
ImVec4 color_from_hex(std::string hex, ImVec4 fallback);

// The style for the pixel ratio and Kommo's theme (dark: Kommo's dark theme).
void apply_theme(float pixel_ratio, bool dark);
bool dark_theme();
// Loads the embedded font (Latin, Latin Extended, Cyrillic, currency signs) at the given pixel ratio.
void load_fonts(float pixel_ratio);

}  // namespace kb::widget::ui
