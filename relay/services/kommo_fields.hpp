#pragma once
// The Kommo fields the integration writes, each with the type recommended for it and the code the relay knows
// it by. Installation maps (or creates) the lead fields a booking writes; the settings page's "Create missing
// fields" maps or creates every one still unmapped. A field the admin chose is never replaced.
#include "relay/clients/kommo_client.hpp"
#include "shared/domain/settings.hpp"

namespace kb::services {

enum class FieldSet {
    booking,   // what a booking writes on the lead (installation)
    all,       // every lead and contact value the integration can fill
};

// Maps each unmapped slot of `settings` in `set` to the account's field with the slot's code, or to a field
// created with the recommended type. Returns how many slots it filled.
Result<int32_t> map_missing_fields(clients::KommoClient& kommo, int64_t account_id, domain::Settings& settings, FieldSet set);

// Lead tracking's "create a new field": each parameter set to LeadTracking::new_field gets the account's deal,
// contact or company field with the parameter's code (KB_TRACK_<PARAMETER>) if there is one, else a new one named in
// `language`; its id replaces the mark. Returns how many it set.
Result<int32_t> create_tracking_fields(clients::KommoClient& kommo, int64_t account_id, domain::LeadTracking& tracking,
                                       const std::string& language);

}  // namespace kb::services
