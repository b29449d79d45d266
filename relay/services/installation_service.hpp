#pragma once
// Installation: Kommo's OAuth redirect creates or renews an installation (tokens sealed at rest, webhook key,
// lead fields the booking writes); an admin then connects Altegio with a login and password that are
// exchanged for a user token and never stored.
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/hooks/intake_keys.hpp"
#include "relay/services/caller.hpp"
#include "relay/store/store.hpp"

namespace kb::services {

struct InstallationConfig {
    std::string kommo_api_base_override;   // tests and the demo: the simulated Kommo instead of https://<referer>
                                           // ("URL" or "URL,subdomain=URL,...": one simulated account per subdomain)
    std::string public_url;                // where Kommo and Altegio reach the relay
    std::string client_id;                 // the integration's, to check Kommo's uninstall hook
    std::string client_secret;
    std::string authorize_url = "https://www.kommo.com/oauth";   // Kommo's consent page (amoCRM: https://www.amocrm.ru/oauth)
    bool require_state = false;   // installs only from start_url(): a redirect without the relay's state is refused
};

struct InstallOutcome {
    int64_t account_id = 0;
    std::string subdomain;
};

// What Kommo's settings modal shows an administrator about this account's integration.
struct InstallStatus {
    bool installed = false;             // the OAuth redirect reached the relay and the tokens are kept
    bool altegio_connected = false;     // the general administrator signed in to Altegio
    int32_t connected_branches = 0;     // chosen in the settings; 0 = every branch the Altegio account manages
    int32_t failed_events = 0;          // waiting in the request history for a repeat (counted up to 100)
    int64_t settings_revision = 0;
};

class InstallationService {
public:
    InstallationService(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo,
                        clients::ReferenceCache& reference, InstallationConfig config, hooks::IntakeKeys keys, Clock clock)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_reference(reference), m_config(std::move(config)), m_keys(std::move(keys)),
          m_clock(std::move(clock)) {}

    // Where the relay's own install button sends an administrator: Kommo's consent page with a `state` that the
    // redirect must bring back ("kb1.<nonce>.<expires>.<HMAC>", signed with the client secret, for 30 minutes).
    std::string start_url();
    // GET redirect_uri?code=&referer=<account host>&state=: tokens, account, installation, lead fields. A state
    // the relay issued is checked (signature, age, used once); other states come from installs Kommo started
    // (marketplace, widget list) and pass unless require_state.
    Result<InstallOutcome> complete_oauth(const std::string& code, const std::string& referer, const std::string& state = {});
    // Kommo's "access revoked" hook: GET ?account_id=&client_uuid=&signature=, the signature being
    // hex(HMAC-SHA256(client_id + "|" + account_id, client_secret)). Deletes the installation and every token it
    // holds (its settings versions and history stay); a wrong signature is Errc::unauthorized and changes nothing.
    // False when the account had no installation (the hook repeated).
    Result<bool> uninstall(const std::string& account_id, const std::string& client_uuid, const std::string& signature);
    // Admin only. Returns the branches the Altegio user manages; the relay's webhook URL is registered with
    // each connected one (all of them while none is chosen) — a branch without rights is left for the settings
    // page to show.
    Result<std::vector<domain::Branch>> connect_altegio(const Caller& caller, const std::string& login, const std::string& password);

    // Registers the relay's webhook address with each connected branch among `managed` (every one while none is
    // chosen), keeping other applications' addresses; a branch that refuses is logged and left for the settings
    // page to show.
    Result<InstallStatus> status(const Caller& caller);

    void register_branch_webhooks(int64_t account_id, const std::vector<domain::Branch>& managed);
    // Where an intake posts for this account (relay/hooks/intake_keys.hpp): Altegio's events (webhook_url), Kommo's
    // account webhook, Digital Pipeline triggers, a lead-tracking service (tracking_url); each with its own key.
    std::string intake_url(hooks::Intake intake, const store::Installation& installation) const;
    std::string intake_key(hooks::Intake intake, const store::Installation& installation) const;
    std::string webhook_url(const store::Installation& installation) const { return intake_url(hooks::Intake::altegio, installation); }
    std::string tracking_url(const store::Installation& installation) const { return intake_url(hooks::Intake::tracking, installation); }

private:
    Result<void> ensure_lead_fields(int64_t account_id);
    Result<void> check_state(const std::string& state);

    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
    InstallationConfig m_config;
    hooks::IntakeKeys m_keys;
    Clock m_clock;
};

}  // namespace kb::services
