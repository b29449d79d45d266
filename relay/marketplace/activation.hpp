#pragma once
// Altegio Marketplace: a salon installs the application in Altegio's Marketplace and Altegio sends the user's
// browser to our registration page with the location ids and, when the user allowed it, their data signed with
// our partner token. The page registers (or recognises) the user and queues every location for activation; the
// activations run on the Marketplace's own thread (never on the page's request), the page waits a few seconds for
// their first outcome, and one address may ask for at most 50 locations a minute, so no caller can spend the
// Altegio budget every account shares. An activation that fails is tried again in the background until the hour
// Altegio allows is over, and the location is then marked "late" so the page can tell the user to connect again.
// Altegio's lifecycle webhook (uninstall, freeze) stops the work for a location; freeze keeps its data.
// When the user data is signed, the page also gives the user a one-time code for each active location they
// activated; a Kommo admin enters it in the settings (claim.hpp) and needs no Altegio login for that location. A
// telephony token (`crm_token`) is taken only from inside the signed data, and kept sealed for that step.
//   GET  /marketplace/connect?salon_id=…|salon_ids[]=…&user_data=…&user_data_sign=…   the registration page
//   POST /hooks/altegio-marketplace                                                 {salon_id, application_id, event, partner_token}
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <optional>
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/http/router.hpp"
#include "relay/store/store.hpp"

namespace kb::marketplace {

constexpr int64_t activation_window_ms = 60 * 60 * 1000;   // Altegio's hour for activating after the redirect
constexpr size_t max_salons_per_redirect = 50;               // more is refused: one link cannot spend the Altegio budget
constexpr int redirects_per_minute_per_address = 5;
constexpr size_t locations_per_minute_per_address = 50;      // locations queued for activation by one address

struct ActivationDeps {
    store::Store& store;
    clients::AltegioClient& altegio;
    std::string partner_token;
    std::string application_id;
    std::string public_url;              // webhook URLs sent with the activation start here
    // A location's key from its salon id and seed (hooks::IntakeKeys, Intake::altegio_location).
    std::function<std::string(int64_t salon_id, const std::string& seed)> location_key;
    Clock clock;
    std::chrono::milliseconds retry_period{10000};   // how often due activations are tried again; 0: only after a redirect
    std::chrono::milliseconds page_wait{8000};       // how long the page waits for the first outcome of its activations
};

struct ConnectOutcome {
    std::optional<store::MarketplaceUser> user;   // none when Altegio sent no user data
    bool user_is_new = false;
    std::vector<store::MarketplaceLocation> locations;   // after the first attempt at each
    // The one-time code (claim_code.hpp) of each active location this signed user activated, by salon id: the
    // page shows it, and a Kommo admin enters it in the settings to connect the location. None without user data.
    std::map<int64_t, std::string> claim_codes;
};

class Activation {
public:
    explicit Activation(ActivationDeps deps);
    ~Activation();   // stops the activation thread (an activation in flight ends first)
    // The redirect from the Marketplace. A wrong signature, or signed user data that names other locations, is
    // Errc::forbidden; no location named, or more than max_salons_per_redirect, is Errc::bad_input; more than
    // redirects_per_minute_per_address, or more than locations_per_minute_per_address, from one address is
    // Errc::rate_limited. In each case nothing is saved. A location the Marketplace froze or uninstalled comes
    // back only when Altegio reports it installed again. The outcome's locations are as they stand after the
    // wait: a location still "pending" with no attempt is being activated. A `crm_token` that is not a short line of
    // visible characters is left out (the rest of the redirect still works).
    Result<ConnectOutcome> connect(const http::Request& redirect);
    // Tries the due pending activations (one run at a time); those past the hour become "late". How many became active.
    Result<int> retry_due();
    // Altegio's uninstall or freeze of one location. What changed, for the history.
    Result<std::string> lifecycle(const std::string& body);
    // Whether the relay works for this Altegio location: not when the Marketplace froze or uninstalled it.
    bool working_for(int64_t salon_id);

private:
    void attempt(store::MarketplaceLocation& location);   // one activation call; saves the outcome
    // A fresh code for each active location the signed user activated (an earlier code stops working).
    Result<void> issue_claim_codes(ConnectOutcome& outcome, const std::string& crm_token);
    // Counts this redirect and its locations against the address's minute; false (and nothing counted) past either limit.
    bool within_rate(const std::string& address, size_t locations);
    void run();                                            // the activation thread
    void wait_for_attempts(const std::vector<int64_t>& salons);   // until each was tried once, or page_wait passed
    ActivationDeps m_deps;
    std::mutex m_rate_mutex;
    struct Recent {
        std::vector<int64_t> redirects;                            // times (ms) within the last minute
        std::vector<std::pair<int64_t, size_t>> locations;         // (time, how many locations) within the last minute
    };
    std::map<std::string, Recent> m_recent;                        // by address
    std::mutex m_run_mutex;                                        // one retry_due at a time
    std::mutex m_wake_mutex;
    std::condition_variable m_wake;
    bool m_woken = false;
    std::atomic<bool> m_stopping{false};   // read by retry_due between locations, so that a stop never waits for a batch
    std::thread m_thread;
};

// The registration page and the lifecycle webhook, in the user's language (Altegio's `lang`, else the browser's).
void add_marketplace_routes(http::Router& router, Activation& activation);

}  // namespace kb::marketplace
