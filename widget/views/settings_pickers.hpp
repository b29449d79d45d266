#pragma once
// The controls the settings page repeats: a Kommo field for a value, a pipeline stage, a set of ids, and the
// problem a refused save found at a path, drawn beside its control. Each edits the draft in place.
#include <string>
#include <utility>
#include <vector>
#include "widget/state/settings_state.hpp"

namespace kb::widget::views {

using Choices = std::vector<std::pair<int64_t, std::string>>;   // id, name as shown

// A section's sub-heading: accent colour and a rule under it.
void section_heading(const std::string& key);
// The save's problems at `path` (or under it), in red, in the admin's language.
void problem_note(const SettingsState& state, const std::string& path);
// A row "label | control" of the settings tables; returns the width left for the control.
float setting_label(const std::string& key);

// One Kommo field (or "not mapped") for a value; the type is shown beside each name.
void field_combo(const std::string& id, const std::vector<wire::api::FieldChoice>& fields, int64_t& value);
// A stage of any pipeline (or "leave the lead where it is" when `none_key` is given), named "Pipeline › Stage".
void stage_combo(const std::string& id, const std::vector<wire::api::PipelineChoice>& pipelines, domain::StageRef& value,
                 const char* none_key = nullptr, float width = -1);
// Several of `choices`; `empty_key` names what an empty set means ("any", "every branch").
void multi_select(const std::string& id, const Choices& choices, std::vector<int64_t>& chosen, const char* empty_key);
// Several stages of any pipeline.
void stages_select(const std::string& id, const std::vector<wire::api::PipelineChoice>& pipelines, std::vector<domain::StageRef>& chosen);

// A moment in the user's time zone: "Sun 22 Nov 07:29" (time_text; "never" for 0) or "11-22 07:29:05" (clock_text),
// and the zone's name, "UTC+3".
std::string time_text(int64_t at_ms, int32_t utc_offset_seconds);
std::string clock_text(int64_t at_ms, int32_t utc_offset_seconds);
std::string zone_text(int32_t utc_offset_seconds);

// A branch's categories, employees, labels and additional fields once loaded; until then none, and they are asked
// for (the state sends one request a branch however often this asks).
const wire::api::BranchChoices* loaded_choices(const SettingsState& state, int64_t branch, std::vector<SettingsIntent>& intents);

Choices pipeline_choices(const std::vector<wire::api::PipelineChoice>& pipelines);
Choices branch_choices(const wire::api::SettingsPage& page);
Choices chain_choices(const wire::api::SettingsPage& page);   // the chains of the listed branches, each once

// The sections drawn in their own files: settings_mapping.cpp (fields, statuses), settings_history.cpp, settings_telephony.cpp and
// settings_tracking.cpp.
void draw_fields_section(SettingsState& state, std::vector<SettingsIntent>& intents);
void draw_statuses_section(SettingsState& state, std::vector<SettingsIntent>& intents);
void draw_history_section(SettingsState& state, std::vector<SettingsIntent>& intents);
void draw_telephony_section(SettingsState& state, std::vector<SettingsIntent>& intents);   // settings_telephony.cpp
void draw_tracking_section(SettingsState& state, std::vector<SettingsIntent>& intents);    // settings_tracking.cpp

}  // namespace kb::widget::views
