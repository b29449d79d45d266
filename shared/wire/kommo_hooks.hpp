#pragma once
// What Kommo posts to the relay: account webhooks (form-encoded, old-style custom_fields) and Digital
// Pipeline widget triggers (JSON or form). See ../shared/reference/kommo-platform.md §6.
#include <string>
#include <vector>
#include "shared/wire/json_read.hpp"
#include "shared/wire/kommo.hpp"

namespace kb::wire::kommo {

struct HookEntity {
    std::string entity;              // "leads", "contacts", ...
    std::string action;              // "add", "update", "delete", "status", "responsible", "restore", "note"
    int64_t id = 0;
    std::string name;
    int64_t status_id = 0, old_status_id = 0;
    int64_t pipeline_id = 0, old_pipeline_id = 0;
    int64_t responsible_user_id = 0, old_responsible_user_id = 0;
    int64_t updated_at = 0;          // updated_at, else last_modified
    std::vector<CustomFieldValue> custom_fields;
};

struct AccountHook {
    int64_t account_id = 0;          // account[id], else the entities' account_id
    std::string subdomain;
    std::vector<HookEntity> entities;   // in the order Kommo numbered them
};

Result<AccountHook> decode_account_hook(std::string_view form_body);

struct DpTrigger {
    int64_t account_id = 0;
    std::string subdomain;
    int64_t type = 0;                // 1 lead_added, 14 lead_status_changed, 15 lead_appeared_in_status, ...
    std::string type_code;
    int64_t lead_id = 0;
    int64_t element_type = 0;        // 2 = lead
    int64_t status_id = 0;
    int64_t pipeline_id = 0;
    std::string direction;           // direction_of_movement
    int64_t time = 0;
    Json settings;                   // action.settings.widget.settings: what the admin set on the trigger
};

// JSON when the body starts with '{', form-encoded otherwise.
Result<DpTrigger> decode_dp_trigger(std::string_view body);

}  // namespace kb::wire::kommo
