#pragma once
// Installation: Kommo's OAuth redirect creates or renews an installation (tokens sealed at rest, webhook key,
// lead fields the booking writes); an admin then connects Altegio with a login and password that are
// exchanged for a user token and never stored.
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/services/caller.hpp"
#include "relay/store/store.hpp"

namespace kb::services {

struct InstallOutcome {
    int64_t account_id = 0;
    std::string subdomain;
};

class InstallationService {
public:
    using Clock = clients::KommoClient::Clock;
    InstallationService(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo,
                        clients::ReferenceCache& reference, std::string kommo_api_base_override, std::string public_url, Clock clock)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_reference(reference), m_kommo_api_base_override(std::move(kommo_api_base_override)),
          m_public_url(std::move(public_url)), m_clock(std::move(clock)) {}

    // GET redirect_uri?code=&referer=<account host>: tokens, account, installation, lead fields.
    Result<InstallOutcome> complete_oauth(const std::string& code, const std::string& referer);
    // Admin only. Returns the branches the Altegio user manages; the relay's webhook URL is registered with
    // each connected one (all of them while none is chosen) — a branch without rights is left for the settings
    // page to show.
    Result<std::vector<domain::Branch>> connect_altegio(const Caller& caller, const std::string& login, const std::string& password);

private:
    Result<void> ensure_lead_fields(int64_t account_id);

    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
    std::string m_kommo_api_base_override;
    std::string m_public_url;
    Clock m_clock;
};

}  // namespace kb::services
