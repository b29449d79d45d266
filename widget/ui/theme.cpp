#include "widget/ui/theme.hpp"

#include <cstdlib>
#include <imgui.h>
#include "shared/domain/text.hpp"
#include "widget/ui/fallback_fonts.hpp"
#include "widget/ui/palette.hpp"

extern const unsigned char kb_font_data[];
extern const unsigned int kb_font_size;

namespace kb::widget::ui {
namespace {

const Palette* current = &light_palette;

}  // namespace

const Palette& palette() { return *current; }
bool dark_theme() { return current == &dark_palette; }
ImVec4 vec(Rgb c, float alpha) { return ImVec4(c.r, c.g, c.b, alpha); }
ImU32 u32(Rgb c) { return ImGui::ColorConvertFloat4ToU32(vec(c)); }

void apply_theme(float pixel_ratio, bool dark) {
    current = dark ? &dark_palette : &light_palette;
    const Palette& p = *current;
    ImGuiStyle style;
    if (dark) ImGui::StyleColorsDark(&style);
    else ImGui::StyleColorsLight(&style);
    style.WindowRounding = 0.0f;
    style.FrameRounding = 4.0f;
    style.GrabRounding = 4.0f;
    style.PopupRounding = 4.0f;
    style.FramePadding = ImVec2(8, 5);
    style.ItemSpacing = ImVec2(8, 7);
    style.WindowPadding = ImVec2(12, 12);
    style.WindowBorderSize = 0.0f;
    ImVec4* c = style.Colors;
    c[ImGuiCol_WindowBg] = vec(p.background);
    c[ImGuiCol_ChildBg] = vec(p.background, 0.0f);
    c[ImGuiCol_PopupBg] = vec(p.background);
    c[ImGuiCol_Text] = vec(p.text);
    c[ImGuiCol_TextDisabled] = vec(p.muted);
    c[ImGuiCol_FrameBg] = vec(p.frame);
    c[ImGuiCol_FrameBgHovered] = vec(p.frame_hovered);
    c[ImGuiCol_FrameBgActive] = vec(p.frame_hovered);
    c[ImGuiCol_Button] = vec(p.button);
    c[ImGuiCol_ButtonHovered] = vec(p.button_hovered);
    c[ImGuiCol_ButtonActive] = vec(p.accent);
    c[ImGuiCol_Header] = vec(p.header);
    c[ImGuiCol_HeaderHovered] = vec(p.header_hovered);
    c[ImGuiCol_HeaderActive] = vec(p.header_hovered);
    c[ImGuiCol_CheckMark] = vec(p.accent_text);
    c[ImGuiCol_Separator] = vec(p.separator);
    c[ImGuiCol_Border] = vec(p.separator);
    c[ImGuiCol_TableBorderLight] = vec(p.separator);
    c[ImGuiCol_TableBorderStrong] = vec(p.separator);
    c[ImGuiCol_TableHeaderBg] = vec(p.header);
    c[ImGuiCol_TableRowBgAlt] = vec(p.frame, 0.6f);
    style.ScaleAllSizes(pixel_ratio);
    ImGui::GetStyle() = style;
}

void load_fonts(float pixel_ratio) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(io.Fonts->GetGlyphRangesCyrillic());   // Basic Latin, Latin-1, Cyrillic
    static const ImWchar extra[] = {0x0100, 0x017F,   // Latin Extended-A
                                    0x2010, 0x2027,   // dashes, quotes, ellipsis
                                    0x2039, 0x203A,   // single angle quotes (the grid's day arrows)
                                    0x20AC, 0x20AC,   // €
                                    0x20BD, 0x20BD,   // ₽
                                    0x2116, 0x2116,   // №
                                    0};
    builder.AddRanges(extra);
    static ImVector<ImWchar> ranges;
    ranges.clear();
    builder.BuildRanges(&ranges);
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;
    config.OversampleH = 2;
    ImFont* font = io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(kb_font_data), static_cast<int>(kb_font_size),
                                                  15.0f * pixel_ratio, &config, ranges.Data);
    merge_fallback_fonts(15.0f * pixel_ratio);
    // Joiners, variation selectors (an emoji's U+FE0F) and skin tones draw nothing, rather than ImGui's "?" or a
    // colour swatch: ImGui has no emoji sequences, and the emoji shows plain.
    for (ImWchar invisible : {0x200B, 0x200C, 0x200D, 0xFE0E, 0xFE0F, 0x1F3FB, 0x1F3FC, 0x1F3FD, 0x1F3FE, 0x1F3FF})
        io.Fonts->AddCustomRectFontGlyph(font, invisible, 1, 1, 0.0f);
}

ImVec4 color_from_hex(std::string hex, ImVec4 fallback) {
    if (!hex.empty() && hex[0] == '#') hex.erase(0, 1);
    if (!domain::is_hex_color(hex)) return fallback;
    unsigned long v = std::strtoul(hex.c_str(), nullptr, 16);
    return ImVec4(((v >> 16) & 0xFF) / 255.0f, ((v >> 8) & 0xFF) / 255.0f, (v & 0xFF) / 255.0f, 1.0f);
}

void text_error_wrapped(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, error_color());
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

void text_muted_wrapped(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

ImVec4 accent_color() { return vec(palette().accent); }
ImVec4 accent_text_color() { return vec(palette().accent_text); }
ImVec4 error_color() { return vec(palette().error); }
ImVec4 success_color() { return vec(palette().success); }
ImVec4 warning_color() { return vec(palette().warning); }
ImVec4 neutral_color() { return vec(palette().neutral); }

}  // namespace kb::widget::ui
