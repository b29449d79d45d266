#pragma once
// JSON codec of the settings document (stored by the relay, edited by the widget's settings view).
#include <string>
#include <string_view>
#include "shared/domain/result.hpp"
#include "shared/domain/settings.hpp"
#include "shared/wire/json_type.hpp"

namespace kb::wire {

Json encode_settings(const domain::Settings& settings);
// Unknown members are ignored; a missing document or member keeps the default.
Result<domain::Settings> decode_settings(const Json& value);
// The same from the stored text (an installation's or a version's settings_json); text that is not JSON is an error.
Result<domain::Settings> decode_settings_text(const std::string& text);
// {"deal": "create", "contact": "find", "company": "off"}: a lead type's tracking modes, as the settings and the
// tracked lead's record keep them; a member missing or unknown keeps the default.
Json encode_entity_modes(const domain::EntityModes& modes);
domain::EntityModes decode_entity_modes(const Json& value);
// "confirm", "came", "did_not_come", "cancel", "move": as the settings, the DP trigger and the widget name them.
const char* record_action_name(domain::RecordAction action);
std::optional<domain::RecordAction> record_action_named(const std::string& name);

}  // namespace kb::wire
