#include "widget/ui/fallback_fonts.hpp"

#include <algorithm>
#include <bitset>
#include <map>
#include <set>
#include <imgui.h>
#include "shared/wire/json_read.hpp"

namespace kb::widget::ui {
namespace {

struct Slice {
    std::set<uint32_t> wanted;               // noted characters it draws
    bool asked = false;
    bool arrived = false;
    std::vector<unsigned char> bytes;        // the font file; its buffer stays put while the atlas reads it
    std::vector<ImWchar> ranges;             // wanted, as ImGui's zero-ended pairs
};

struct Fallbacks {
    std::map<int, Slice> slices;
    std::bitset<0x110000> seen;              // characters already looked up
    bool changed = false;
};

Fallbacks& fallbacks() {
    static Fallbacks f;
    return f;
}

// The slice holding `c`, or -1 when the embedded font has it or no fallback font does.
int slice_of(uint32_t c) {
    const FontRun* end = font_runs + font_slice_runs;
    const FontRun* run = std::upper_bound(font_runs, end, c, [](uint32_t v, const FontRun& r) { return v < r.first; });
    if (run == font_runs) return -1;
    --run;
    return c <= run->last ? run->slice : -1;
}

void note(uint32_t c) {
    Fallbacks& f = fallbacks();
    if (c >= f.seen.size() || f.seen[c]) return;
    f.seen[c] = true;
    int slice = slice_of(c);
    if (slice < 0) return;
    Slice& s = f.slices[slice];
    s.wanted.insert(c);
    if (s.arrived) f.changed = true;   // the atlas takes the new character at its next build
}

}  // namespace

void note_text(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        uint32_t c = extra == 3 ? lead & 0x07u : extra == 2 ? lead & 0x0Fu : lead & 0x1Fu;
        size_t at = i + 1;
        for (int k = 0; k < extra && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80; ++k, ++at)
            c = (c << 6) | (static_cast<unsigned char>(text[at]) & 0x3Fu);
        if (extra > 0 && at == i + 1 + static_cast<size_t>(extra)) note(c);
        i = at;
    }
}

std::vector<int> slices_to_fetch() {
    std::vector<int> out;
    for (auto& [number, slice] : fallbacks().slices)
        if (!slice.asked) {
            slice.asked = true;
            out.push_back(number);
        }
    return out;
}

void slice_arrived(int number, std::vector<unsigned char> bytes) {
    Slice& s = fallbacks().slices[number];
    s.arrived = true;
    s.bytes = std::move(bytes);
    fallbacks().changed = true;
}

bool take_font_change() {
    bool changed = fallbacks().changed;
    fallbacks().changed = false;
    return changed;
}

void merge_fallback_fonts(float size_pixels) {
    ImGuiIO& io = ImGui::GetIO();
    for (auto& [number, slice] : fallbacks().slices) {
        if (!slice.arrived || slice.bytes.empty() || slice.wanted.empty()) continue;
        slice.ranges.clear();
        for (uint32_t c : slice.wanted) {
            slice.ranges.push_back(static_cast<ImWchar>(c));
            slice.ranges.push_back(static_cast<ImWchar>(c));
        }
        slice.ranges.push_back(0);
        ImFontConfig config;
        config.MergeMode = true;
        config.FontDataOwnedByAtlas = false;
        config.OversampleH = 2;
        io.Fonts->AddFontFromMemoryTTF(slice.bytes.data(), static_cast<int>(slice.bytes.size()), size_pixels, &config, slice.ranges.data());
    }
}

std::string glyphs_json() {
    wire::Json missing = wire::Json::array(), fetched = wire::Json::array();
    for (const auto& [number, slice] : fallbacks().slices) {
        if (slice.asked) fetched.push_back(number);
        if (!slice.arrived || slice.bytes.empty())
            for (uint32_t c : slice.wanted) missing.push_back(c);
    }
    return wire::Json{{"missing", missing}, {"fetched", fetched}}.dump();
}

}  // namespace kb::widget::ui
