#include "relay/telephony/routes.hpp"

#include "relay/api/handlers.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/telephony_api.hpp"

namespace kb::telephony {

using http::Request;
using http::Response;

namespace {

// 200 when done, 422 with every problem when the chain was refused.
Response chain_reply(const Result<wire::api::ChainReply>& result) {
    if (!result) return api::error_response(result.error());
    return http::json_response(result->problems.empty() ? 200 : 422, wire::api::encode(*result).dump());
}

}  // namespace

void add_telephony_routes(http::Router& router, const api::Authenticator& auth, TelephonyAdmin& admin) {
    router.add("GET", "/api/v1/telephony", api::authorised(auth, [&admin](const Request&, const services::Caller& caller) {
        return api::reply(admin.page(caller));
    }));
    router.add("PUT", "/api/v1/telephony/chains", api::authorised(auth, [&admin](const Request& request, const services::Caller& caller) {
        auto body = wire::parse_json(request.body);
        if (!body) return api::error_response(body.error());
        auto save = wire::api::decode_chain_save(*body);
        if (!save) return api::error_response(save.error());
        return chain_reply(admin.save(caller, *save));
    }));
    for (bool enable : {true, false})
        router.add("POST", enable ? "/api/v1/telephony/chains/:key/enable" : "/api/v1/telephony/chains/:key/disable",
                   api::authorised(auth, [&admin, enable](const Request& request, const services::Caller& caller) {
                       return chain_reply(admin.set_enabled(caller, request.param("key"), enable));
                   }));
    router.add("DELETE", "/api/v1/telephony/chains/:key", api::authorised(auth, [&admin](const Request& request, const services::Caller& caller) {
        return chain_reply(admin.remove(caller, request.param("key")));
    }));
}

}  // namespace kb::telephony
