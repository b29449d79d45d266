#pragma once
// Altegio Marketplace: a salon installs the application in Altegio's Marketplace and Altegio sends the user's
// browser to our registration page with the location ids and, when the user allowed it, their data signed with
// our partner token. The page registers (or recognises) the user and activates every location at once; an
// activation that fails is tried again in the background until the hour Altegio allows is over, and the
// location is then marked "late" so the page can tell the user to connect again. Altegio's lifecycle webhook
// (uninstall, freeze) stops the work for a location; freeze keeps its data.
//   GET  /marketplace/connect?salon_id=…|salon_ids[]=…&user_data=…&user_data_sign=…   the registration page
//   POST /hooks/altegio-marketplace                                                 {salon_id, application_id, event, partner_token}
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include "relay/clients/altegio_client.hpp"
#include "relay/http/router.hpp"
#include "relay/store/store.hpp"

namespace kb::marketplace {

constexpr int64_t activation_window_ms = 60 * 60 * 1000;   // Altegio's hour for activating after the redirect
constexpr size_t max_salons_per_redirect = 50;               // more is refused: one link cannot spend the Altegio budget
constexpr int redirects_per_minute_per_address = 5;

struct ActivationDeps {
    store::Store& store;
    clients::AltegioClient& altegio;
    std::string partner_token;
    std::string application_id;
    std::string public_url;              // webhook URLs sent with the activation start here
    std::function<int64_t()> now_ms;
};

struct ConnectOutcome {
    std::optional<store::MarketplaceUser> user;   // none when Altegio sent no user data
    bool user_is_new = false;
    std::vector<store::MarketplaceLocation> locations;   // after the first attempt at each
};

class Activation {
public:
    explicit Activation(ActivationDeps deps) : m_deps(std::move(deps)) {}
    // The redirect from the Marketplace. A wrong signature, or signed user data that names other locations, is
    // Errc::forbidden; no location named, or more than max_salons_per_redirect, is Errc::bad_input; more than
    // redirects_per_minute_per_address from one address is Errc::rate_limited. In each case nothing is saved. A
    // location the Marketplace froze or uninstalled comes back only when Altegio reports it installed again.
    Result<ConnectOutcome> connect(const http::Request& redirect);
    // Tries the due pending activations again; those past the hour become "late". How many became active.
    Result<int> retry_due();
    // Altegio's uninstall or freeze of one location. What changed, for the history.
    Result<std::string> lifecycle(const std::string& body);
    // Whether the relay works for this Altegio location: not when the Marketplace froze or uninstalled it.
    bool working_for(int64_t salon_id);

private:
    void attempt(store::MarketplaceLocation& location);   // one activation call; saves the outcome
    bool within_rate(const std::string& address);         // counts this redirect against the address's minute
    ActivationDeps m_deps;
    std::mutex m_rate_mutex;
    std::map<std::string, std::vector<int64_t>> m_recent_redirects;   // address -> times (ms) within the last minute
};

// The registration page and the lifecycle webhook, in the user's language (Altegio's `lang`, else the browser's).
void add_marketplace_routes(http::Router& router, Activation& activation);

}  // namespace kb::marketplace
