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

ImVec4 vec(Rgb c) { return ImVec4(c.r, c.g, c.b, 1.0f); }

}  // namespace

void apply_theme(float pixel_ratio) {
    ImGuiStyle style;
    ImGui::StyleColorsLight(&style);
    style.WindowRounding = 0.0f;
    style.FrameRounding = 4.0f;
    style.GrabRounding = 4.0f;
    style.PopupRounding = 4.0f;
    style.FramePadding = ImVec2(8, 5);
    style.ItemSpacing = ImVec2(8, 7);
    style.WindowPadding = ImVec2(12, 12);
    style.WindowBorderSize = 0.0f;
    ImVec4* c = style.Colors;
    const Palette& p = light_palette;
    c[ImGuiCol_WindowBg] = vec(p.background);
    c[ImGuiCol_Text] = vec(p.text);
    c[ImGuiCol_TextDisabled] = vec(p.muted);
    c[ImGuiCol_FrameBg] = vec(p.frame);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.91f, 0.94f, 0.98f, 1.00f);
    c[ImGuiCol_Button] = ImVec4(0.90f, 0.93f, 0.97f, 1.00f);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.80f, 0.87f, 0.96f, 1.00f);
    c[ImGuiCol_ButtonActive] = vec(p.accent);
    c[ImGuiCol_Header] = ImVec4(0.85f, 0.91f, 0.99f, 1.00f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.78f, 0.86f, 0.98f, 1.00f);
    c[ImGuiCol_CheckMark] = vec(p.accent);
    c[ImGuiCol_Separator] = ImVec4(0.88f, 0.90f, 0.92f, 1.00f);
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

void text_muted_wrapped(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

ImVec4 accent_color() { return vec(light_palette.accent); }
ImVec4 error_color() { return vec(light_palette.error); }

}  // namespace kb::widget::ui
