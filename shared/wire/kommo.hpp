#pragma once
// Kommo (amoCRM) API v4 shapes: leads, contacts, custom fields, OAuth tokens and problem+json errors.
// See ../shared/reference/kommo-platform.md.
#include <optional>
#include <string>
#include <vector>
#include "shared/domain/field_mapping.hpp"
#include "shared/domain/settings.hpp"
#include "shared/domain/result.hpp"
#include "shared/wire/json_type.hpp"
#include "shared/wire/kommo_types.hpp"

namespace kb::wire::kommo {

Result<User> decode_user(const Json& value, std::string_view path = "user");
// GET /users: the account's users.
Result<std::vector<User>> decode_users(const Json& body);
// GET /account?with=datetime_settings: the account's UTC offset in seconds, from `timezone_offset` ("+03:00",
// "-05:30"); none when Kommo did not send it or sent it in another shape.
std::optional<int32_t> decode_utc_offset(const Json& account);
// GET /leads/pipelines: each pipeline with its stages, their names and order.
Result<std::vector<Pipeline>> decode_pipeline_list(const Json& body);
// The same, as the settings rules see it (ids and order only).
Result<std::vector<domain::PipelineInfo>> decode_pipelines(const Json& body);

// POST /tasks item and POST /leads/{id}/notes item.
Json encode_task(int64_t lead_id, const std::string& text, int64_t complete_till, int64_t task_type_id, int64_t responsible_user_id);
Json encode_note(const std::string& text);
Json encode_call_note(const CallNote& note);

Result<Lead> decode_lead(const Json& value, std::string_view path = "lead");
Result<Contact> decode_contact(const Json& value, std::string_view path = "contact");
Result<FieldDefinition> decode_field_definition(const Json& value, std::string_view path = "field");
Result<Tokens> decode_tokens(const Json& value);

// The values of one lead field as `custom_fields_values` items for a PATCH.
Json encode_custom_fields(const std::vector<domain::FieldValue>& values);

// Turns a failed reply into an Error. Kommo answers problem+json, except for 429 and account blocks,
// which come as an nginx HTML page.
Error error_from_reply(int http_status, std::string_view body_text);

}  // namespace kb::wire::kommo
