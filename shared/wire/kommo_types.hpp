#pragma once
// What the relay reads from and writes to Kommo's API v4, as plain values (their JSON codecs: kommo.hpp).
#include <string>
#include <vector>
#include "shared/domain/field_mapping.hpp"
#include "shared/domain/settings.hpp"

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

// A call logged on a lead or contact (note_type call_in / call_out): Kommo shows it as a call, with a player when
// it has a recording link. call_status 4 is "the conversation took place", 6 "did not get through".
struct CallNote {
    bool incoming = true;
    std::string uniq;        // the PBX's call id: a retry finds the note its first try wrote
    std::string phone, source, link, result;
    int32_t duration = 0;    // seconds
    bool answered = false;
};

}  // namespace kb::wire::kommo
