#pragma once
// The widget's colours, without ImGui, so a native test can hold them to WCAG 2's contrast rule: every text colour
// reaches 4.5:1 (level AA for normal text) on the panel and in fields, and white text on the accent fill
// (tests/unit/test_palette.cpp). Two palettes: Kommo's light theme and its dark one.
#include <cmath>

namespace kb::widget::ui {

struct Rgb {
    float r = 0, g = 0, b = 0;   // sRGB, 0..1
};

struct Palette {
    Rgb background;      // the panel
    Rgb frame;           // fields
    Rgb text;
    Rgb muted;           // section labels, hints, secondary lines (ImGui's TextDisabled)
    Rgb accent;          // chosen options and the main button's fill (white text on it)
    Rgb accent_text;     // titles drawn in the accent colour on the panel
    Rgb error;
    Rgb success;         // connected, came, done
    Rgb warning;         // waiting
    Rgb neutral;         // cancelled
    Rgb frame_hovered, button, button_hovered, header, header_hovered, separator;
    // The schedule grid: hours off and on, hour and half-hour lines, free starts, a record without its own colour,
    // and the ring around the chosen colour swatch.
    Rgb off_hours, working, hour_line, half_hour_line, free_fill, free_fill_hovered, free_text, record_fill, ring;
};

inline constexpr Palette light_palette{
    {1.00f, 1.00f, 1.00f},   // background
    {0.96f, 0.97f, 0.98f},   // frame
    {0.19f, 0.22f, 0.27f},   // text
    {0.40f, 0.43f, 0.47f},   // muted: 5.3:1 on the panel (was 0.55/0.58/0.62, 3.1:1)
    {0.13f, 0.42f, 0.80f},   // accent: 5.2:1 either way with white (was 0.16/0.47/0.86, 4.4:1)
    {0.13f, 0.42f, 0.80f},   // accent text
    {0.80f, 0.16f, 0.16f},   // error
    {0.11f, 0.50f, 0.22f},   // success
    {0.58f, 0.38f, 0.02f},   // warning (was 0.70/0.48/0.05, 3.3:1)
    {0.42f, 0.42f, 0.42f},   // neutral
    {0.91f, 0.94f, 0.98f},   // frame hovered
    {0.90f, 0.93f, 0.97f},   // button
    {0.80f, 0.87f, 0.96f},   // button hovered
    {0.85f, 0.91f, 0.99f},   // header
    {0.78f, 0.86f, 0.98f},   // header hovered
    {0.88f, 0.90f, 0.92f},   // separator
    {0.945f, 0.953f, 0.965f},   // off hours
    {1.00f, 1.00f, 1.00f},      // working hours
    {0.84f, 0.86f, 0.89f},      // hour line
    {0.925f, 0.937f, 0.953f},   // half-hour line
    {0.87f, 0.96f, 0.90f},      // free start
    {0.71f, 0.91f, 0.77f},      // free start, hovered
    {0.08f, 0.40f, 0.17f},      // free start's text
    {0.80f, 0.88f, 0.98f},      // record without a colour
    {0.08f, 0.10f, 0.14f},      // ring
};

// Kommo's dark theme: light text on dark grey-blue surfaces; the accent fill keeps white text, its text is lighter.
inline constexpr Palette dark_palette{
    {0.12f, 0.14f, 0.17f},   // background
    {0.18f, 0.21f, 0.25f},   // frame
    {0.90f, 0.92f, 0.95f},   // text
    {0.64f, 0.68f, 0.74f},   // muted
    {0.13f, 0.42f, 0.80f},   // accent
    {0.50f, 0.72f, 1.00f},   // accent text
    {1.00f, 0.50f, 0.48f},   // error
    {0.45f, 0.82f, 0.55f},   // success
    {0.96f, 0.76f, 0.36f},   // warning
    {0.66f, 0.66f, 0.68f},   // neutral
    {0.22f, 0.26f, 0.31f},   // frame hovered
    {0.22f, 0.26f, 0.31f},   // button
    {0.28f, 0.34f, 0.42f},   // button hovered
    {0.20f, 0.29f, 0.42f},   // header
    {0.25f, 0.35f, 0.50f},   // header hovered
    {0.25f, 0.28f, 0.32f},   // separator
    {0.15f, 0.17f, 0.20f},   // off hours
    {0.19f, 0.22f, 0.26f},   // working hours
    {0.30f, 0.33f, 0.38f},   // hour line
    {0.23f, 0.26f, 0.30f},   // half-hour line
    {0.13f, 0.30f, 0.19f},   // free start
    {0.18f, 0.40f, 0.25f},   // free start, hovered
    {0.62f, 0.92f, 0.70f},   // free start's text
    {0.24f, 0.36f, 0.55f},   // record without a colour
    {0.95f, 0.96f, 0.98f},   // ring
};

// WCAG 2 relative luminance and contrast ratio (1 to 21).
inline double relative_luminance(Rgb c) {
    auto linear = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}
inline double contrast_ratio(Rgb a, Rgb b) {
    double la = relative_luminance(a), lb = relative_luminance(b);
    return (std::fmax(la, lb) + 0.05) / (std::fmin(la, lb) + 0.05);
}

}  // namespace kb::widget::ui
