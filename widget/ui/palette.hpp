#pragma once
// The widget's colours, without ImGui, so a native test can hold them to WCAG 2's contrast rule: every text colour
// reaches 4.5:1 (level AA for normal text) on the panel and in fields, and white text on the accent fill
// (tests/unit/test_palette.cpp).
#include <cmath>

namespace kb::widget::ui {

struct Rgb {
    float r = 0, g = 0, b = 0;   // sRGB, 0..1
};

struct Palette {
    Rgb background;   // the panel
    Rgb frame;        // fields and unchosen buttons
    Rgb text;
    Rgb muted;        // section labels, hints, secondary lines (ImGui's TextDisabled)
    Rgb accent;       // titles, chosen options and the main button's fill (white text on it)
    Rgb error;
};

inline constexpr Palette light_palette{
    {1.00f, 1.00f, 1.00f},   // background
    {0.96f, 0.97f, 0.98f},   // frame
    {0.19f, 0.22f, 0.27f},   // text
    {0.40f, 0.43f, 0.47f},   // muted: 5.3:1 on the panel (was 0.55/0.58/0.62, 3.1:1)
    {0.13f, 0.42f, 0.80f},   // accent: 5.2:1 either way with white (was 0.16/0.47/0.86, 4.4:1)
    {0.80f, 0.16f, 0.16f},   // error
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
