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
#include "shared/domain/result.hpp"
#include "shared/wire/json_type.hpp"
#include "shared/wire/telephony_api_types.hpp"

namespace kb::wire::api {

Json encode(const TelephonyPage& value);
Json encode(const ChainSave& value);
Json encode(const ChainReply& value);
Result<TelephonyPage> decode_telephony_page(const Json& value);
Result<ChainSave> decode_chain_save(const Json& value);
Result<ChainReply> decode_chain_reply(const Json& value);

}  // namespace kb::wire::api
