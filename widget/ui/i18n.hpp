#pragma once
// UI strings from i18n/<lang>.json, handed over by script.js (Kommo's self.i18n for the user's language).
// The table is process-wide: the widget is single-threaded and has one language at a time.
// Usage:
//   ui::load_strings(json_text);                       // {"ui": {...}} or the "ui" object itself
//   ImGui::Button(ui::label("ui.create_record", "create_record").c_str());   // "Создать запись###create_record"
#include <string>

namespace kb::widget::ui {

void load_strings(const std::string& json_text);
// The translation, or the key itself when it is missing (visible, so a missing key is noticed).
const std::string& tr(const std::string& key);
// A translated label with a stable ImGui ID, so switching languages never changes a widget's identity.
std::string label(const std::string& key, const std::string& id);
std::string format_day(const std::string& iso_date);   // "2026-11-23" -> "Mon 23 Nov" in the current language

}  // namespace kb::widget::ui
