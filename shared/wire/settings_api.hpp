#pragma once
// The settings page's contract between the relay and the widget (account administrators only):
//
//   GET  /api/v1/settings                          -> SettingsPage (the document and everything to choose from)
//   PUT  /api/v1/settings  (SettingsSave)          -> SaveReply; 422 with the problems; 409 when saved meanwhile
//   GET  /api/v1/settings/versions                 -> std::vector<VersionInfo>
//   POST /api/v1/settings/versions/{rev}/restore  {"base_revision"}  -> SaveReply
//   GET  /api/v1/settings/branches/{id}            -> BranchChoices (a branch's categories, staff, labels, fields)
//   POST /api/v1/settings/users/{kommo_user}/altegio  {"login","password"}  -> UserChoice (401 "Authorization error")
//   POST /api/v1/settings/fields  {"base_revision"}  -> SaveReply (missing Kommo fields created and mapped)
//
// One encode and one decode per message, used on both sides; golden tests in tests/unit pin the JSON.
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"
#include "shared/domain/settings.hpp"
#include "shared/domain/result.hpp"
#include "shared/wire/json_type.hpp"
#include "shared/wire/settings_api_types.hpp"

namespace kb::wire::api {

const char* branch_status_name(BranchStatus status);

// A refused save's problems as both replies list them (settings and telephony chains).
Json encode_problems(const std::vector<domain::SettingsProblem>& problems);

Json encode(const SettingsPage& value);
Json encode(const SettingsSave& value);
Json encode(const SaveReply& value);
Json encode(const std::vector<VersionInfo>& value);
Json encode(const BranchChoices& value);
Json encode(const UserChoice& value);

Result<SettingsPage> decode_settings_page(const Json& value);
Result<SettingsSave> decode_settings_save(const Json& value);
Result<SaveReply> decode_save_reply(const Json& value);
Result<std::vector<VersionInfo>> decode_versions(const Json& value);
Result<BranchChoices> decode_branch_choices(const Json& value);
Result<UserChoice> decode_user_choice(const Json& value);

}  // namespace kb::wire::api
