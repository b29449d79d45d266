#pragma once
// What the relay read from Kommo, in the shape the rules need: contacts found by phone with their leads.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kb::domain {

struct KnownLead {
    int64_t id = 0;
    int64_t pipeline_id = 0;
    int64_t status_id = 0;
    int64_t created_at = 0;                          // unix seconds
    std::map<int64_t, std::string> field_values;     // custom field id -> first value as text
    int64_t responsible_user_id = 0;
};

struct KnownContact {
    int64_t id = 0;
    std::vector<std::string> phones;
    std::vector<KnownLead> leads;
};

}  // namespace kb::domain
