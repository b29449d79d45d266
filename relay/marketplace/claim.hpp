#pragma once
// Connecting an Altegio Marketplace location to a Kommo account, for the account's administrators: the location's
// registration page gave its Altegio user a one-time code (claim_code.hpp); entered in the settings' Branches tab,
// it connects the location to this account, whose calls for it then use the Marketplace access (the partner
// token), so no Altegio login is asked for. When Altegio signed the chain's telephony token into the redirect and
// the admin asked for telephony, the chain is enabled in Altegio at once and listed in the Telephony section.
//   POST /api/v1/settings/marketplace   {code, telephony?: bool}
//     -> {salon_id, title, telephony: "enabled" | "refused" | "no_token" | "not_asked"}
// Refusals, in the user's language: not an admin (403), a code that cannot be one (400), a code that is unknown,
// used or past its 24 hours (404), more than claim_attempts_per_window tries by one account in ten minutes (429).
#include <map>
#include <mutex>
#include <vector>
#include "relay/api/handlers.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/clock.hpp"
#include "relay/http/router.hpp"
#include "relay/store/store.hpp"
#include "relay/telephony/admin.hpp"

namespace kb::marketplace {

constexpr size_t claim_attempts_per_window = 10;
constexpr int64_t claim_window_ms = 10 * 60 * 1000;

struct ClaimReply {
    int64_t salon_id = 0;
    std::string title;
    std::string telephony;   // "enabled", "refused" (Altegio did not take it), "no_token", "not_asked"
};

class Claims {
public:
    Claims(store::Store& store, clients::ReferenceCache& reference, telephony::TelephonyAdmin& telephony, Clock clock)
        : m_store(store), m_reference(reference), m_telephony(telephony), m_clock(std::move(clock)) {}
    Result<ClaimReply> claim(const services::Caller& caller, const std::string& typed_code, bool telephony);

private:
    bool within_attempts(int64_t account_id);   // counts this try
    store::Store& m_store;
    clients::ReferenceCache& m_reference;
    telephony::TelephonyAdmin& m_telephony;
    Clock m_clock;
    std::mutex m_mutex;
    std::map<int64_t, std::vector<int64_t>> m_attempts;   // by account: times (ms) within the window
};

void add_claim_route(http::Router& router, const api::Authenticator& auth, Claims& claims);

}  // namespace kb::marketplace
