#pragma once
// Characters beyond the embedded font (Latin, Cyrillic): Greek, Vietnamese, Arabic, Hebrew, Thai, Chinese,
// Japanese, Korean, emoji and symbols are drawn from slices of fallback fonts (tools/font_slices.py) that the
// widget fetches from the relay only when a text it shows or receives needs them, so the bundle stays small and
// a salon that never sees such a name never downloads a font.
//
// Usage:
//   ui::note_text(reply_body);                       // any text that may be shown (replies, typed, pasted)
//   for (int slice : ui::slices_to_fetch()) fetch fonts/<slice>.ttf, then ui::slice_arrived(slice, bytes)
//   if (ui::take_font_change()) rebuild the atlas (load_fonts merges every arrived slice)
// ImGui draws no shaping: Arabic shows its letters' isolated forms, Devanagari without conjuncts.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct ImFontConfig;

namespace kb::widget::ui {

// The generated table (tools/font_slices.py): characters first..last are in fonts/<slice>.ttf.
struct FontRun {
    uint32_t first, last;
    int slice;
};
extern const FontRun font_runs[];
extern const int font_slice_runs;

void note_text(std::string_view utf8);
// Slices needed by noted text and not yet asked for; each is returned once.
std::vector<int> slices_to_fetch();
// A slice's font file (empty when it could not be fetched: its characters stay as they are).
void slice_arrived(int slice, std::vector<unsigned char> bytes);
// True once after slices arrived: the font atlas must be built again.
bool take_font_change();
// Merges every arrived slice into the font just added, with only the characters noted from it.
void merge_fallback_fonts(float size_pixels);
// For tests: {"missing": [code points noted that no font here draws yet], "fetched": [slices asked for]}.
std::string glyphs_json();

}  // namespace kb::widget::ui
