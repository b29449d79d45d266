#pragma once
// The installation's settings document (versioned). This is the part the booking flow reads; the admin
// UI's other sections extend it in later versions.
#include <cstdint>
#include <vector>
#include "shared/domain/lead_fields.hpp"

namespace kb::domain {

struct Settings {
    static constexpr int32_t current_version = 1;
    int32_t version = current_version;
    std::vector<int64_t> connected_branch_ids;   // empty: every branch the Altegio user manages
    LeadFieldMap lead_fields;
};

}  // namespace kb::domain
