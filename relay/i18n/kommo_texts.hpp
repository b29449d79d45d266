#pragma once
// The texts the relay writes into Kommo (lead names, journal notes, tasks), from the "kommo" section of
// i18n/<lang>.json, which is built into the relay. "{name}" in a text is replaced by the message's
// parameter of that name.
// Usage:
//   std::string note = kb::i18n::render({"kommo.note.record_came", {{"record", "123"}, ...}}, settings.language);
#include <string>
#include "shared/domain/record_plan.hpp"

namespace kb::i18n {

// The text in `language` (English when that language is unknown); the key itself when no language has it.
std::string render(const domain::Message& message, const std::string& language);

}  // namespace kb::i18n
