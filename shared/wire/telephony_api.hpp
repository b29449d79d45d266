#pragma once
// The Telephony section of the settings page (account administrators only):
//
//   GET    /api/v1/telephony                          -> TelephonyPage
//   PUT    /api/v1/telephony/chains  (ChainSave)      -> ChainReply: saved and enabled in Altegio; 422 with the problems
//   POST   /api/v1/telephony/chains/{key}/enable      -> ChainReply
//   POST   /api/v1/telephony/chains/{key}/disable     -> ChainReply
//   DELETE /api/v1/telephony/chains/{key}             -> ChainReply (disabled in Altegio first)
//
// A chain's user token from Altegio's telephony settings goes one way only: the relay keeps it sealed and shows
// its last four characters.
#include <string>
#include <vector>
#include "shared/domain/settings.hpp"
#include "shared/wire/json_read.hpp"

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

Json encode(const TelephonyPage& value);
Json encode(const ChainSave& value);
Json encode(const ChainReply& value);
Result<TelephonyPage> decode_telephony_page(const Json& value);
Result<ChainSave> decode_chain_save(const Json& value);
Result<ChainReply> decode_chain_reply(const Json& value);

}  // namespace kb::wire::api
