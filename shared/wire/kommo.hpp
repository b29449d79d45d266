#pragma once
// Kommo (amoCRM) API v4 shapes: leads, contacts, custom fields, OAuth tokens and problem+json errors.
// See ../shared/reference/kommo-platform.md.
#include <string>
#include <vector>
#include "shared/domain/field_mapping.hpp"
#include "shared/domain/settings.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::wire::kommo {

constexpr int64_t status_won = 142;
constexpr int64_t status_lost = 143;

struct CustomFieldValue {
    int64_t field_id = 0;
    std::string field_code;
    std::vector<std::string> values;   // each value as text (numbers and timestamps included)
};

struct Lead {
    int64_t id = 0;
    std::string name;
    int64_t status_id = 0;
    int64_t pipeline_id = 0;
    int64_t responsible_user_id = 0;
    std::vector<int64_t> contact_ids;  // main contact first
    std::vector<CustomFieldValue> custom_fields;
    int64_t created_at = 0;            // unix seconds
    std::vector<std::string> tags;     // names
};

struct Contact {
    int64_t id = 0;
    std::string name;
    std::vector<std::string> phones;
    std::vector<std::string> emails;
};

struct FieldDefinition {
    int64_t id = 0;
    std::string name;
    std::string code;
    std::string type;   // "text", "date", "numeric", ... unknown types are kept as they come
    std::vector<std::pair<int64_t, std::string>> enums;   // options of select / multiselect fields
};

struct Tokens {
    std::string access_token;
    std::string refresh_token;
    int64_t expires_in = 0;   // seconds
};

struct User {
    int64_t id = 0;
    std::string name;
    std::string email;
    bool is_admin = false;
};

struct Stage {
    int64_t id = 0;
    std::string name;
    int32_t sort = 0;
};

struct Pipeline {
    int64_t id = 0;
    std::string name;
    bool is_main = false;
    std::vector<Stage> stages;   // in Kommo's order
};

Result<User> decode_user(const Json& value, std::string_view path = "user");
// GET /users: the account's users.
Result<std::vector<User>> decode_users(const Json& body);
// GET /leads/pipelines: each pipeline with its stages, their names and order.
Result<std::vector<Pipeline>> decode_pipeline_list(const Json& body);
// The same, as the settings rules see it (ids and order only).
Result<std::vector<domain::PipelineInfo>> decode_pipelines(const Json& body);

// POST /tasks item and POST /leads/{id}/notes item.
Json encode_task(int64_t lead_id, const std::string& text, int64_t complete_till, int64_t task_type_id, int64_t responsible_user_id);
Json encode_note(const std::string& text);
// A call logged on a lead or contact (note_type call_in / call_out): Kommo shows it as a call, with a player when
// it has a recording link. call_status 4 is "the conversation took place", 6 "did not get through".
struct CallNote {
    bool incoming = true;
    std::string uniq;        // the PBX's call id: a retry finds the note its first try wrote
    std::string phone, source, link, result;
    int32_t duration = 0;    // seconds
    bool answered = false;
};
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
