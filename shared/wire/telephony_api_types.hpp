#pragma once
// The messages of the Telephony settings section's contract (their JSON codecs: telephony_api.hpp).
#include <string>
#include <vector>
#include "shared/domain/settings.hpp"

namespace kb::wire::api {

struct TelephonyChain {
    std::string key;                  // names the chain in these calls and in its PBX address
    std::string name;
    std::string token_hint;           // "…a1b2"
    std::vector<std::string> numbers; // the virtual numbers, as the admin wrote them
    bool new_lead_for_unknown = false;   // a caller no contact has gets a new lead
    bool enabled = false;             // Altegio accepted "setup enable" (and no "disable" since)
    std::string error_key;            // "" or why the last enable/disable failed ("ui.error.*")
    std::string error_detail;
    std::string calls_url;            // where the PBX posts its call events
    int64_t last_call_at_ms = 0;      // 0: no call event yet
};

struct TelephonyPage {
    std::vector<TelephonyChain> chains;
};

struct ChainSave {
    std::string key;                  // "" adds a chain
    std::string name;
    std::string crm_token;            // "" keeps the saved one
    std::vector<std::string> numbers;
    bool new_lead_for_unknown = false;
};

struct ChainReply {
    std::vector<domain::SettingsProblem> problems;   // non-empty: nothing was saved
    TelephonyPage page;                              // as it is now
    std::string key;                                 // the chain saved or changed
};

}  // namespace kb::wire::api
