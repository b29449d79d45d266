#pragma once
// The Telephony section's API (shared/wire/telephony_api.hpp), for account administrators:
//   GET /api/v1/telephony, PUT /api/v1/telephony/chains, POST …/chains/{key}/enable|disable, DELETE …/chains/{key}
#include "relay/api/handlers.hpp"
#include "relay/http/router.hpp"
#include "relay/telephony/admin.hpp"

namespace kb::telephony {

void add_telephony_routes(http::Router& router, const api::Authenticator& auth, TelephonyAdmin& admin);

}  // namespace kb::telephony
