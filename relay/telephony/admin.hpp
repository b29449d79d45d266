#pragma once
// The Telephony section of the settings page (account administrators only): the salon chains whose calls the
// relay handles. Saving a chain checks it (name, Altegio's token, numbers no other chain has), keeps it, then
// enables the integration in Altegio (`setup enable`); Altegio's refusal is kept on the chain and shown, and
// "Enable" tries again. Removing a chain disables it in Altegio first. Messages: shared/wire/telephony_api.hpp.
#include <functional>
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/hooks/intake_keys.hpp"
#include "relay/services/caller.hpp"
#include "relay/store/store.hpp"
#include "shared/wire/telephony_api.hpp"

namespace kb::telephony {

struct AdminDeps {
    store::Store& store;
    clients::AltegioClient& altegio;
    std::string public_url;              // the PBX address of a chain starts here
    Clock clock;
    hooks::IntakeKeys keys;              // the key in a chain's PBX address (relay/hooks/intake_keys.hpp)
};

class TelephonyAdmin {
public:
    explicit TelephonyAdmin(AdminDeps deps) : m_deps(std::move(deps)) {}
    Result<wire::api::TelephonyPage> page(const services::Caller& caller);
    // A chain with problems is not saved (the reply lists them); a saved one is enabled in Altegio at once.
    Result<wire::api::ChainReply> save(const services::Caller& caller, const wire::api::ChainSave& save);
    Result<wire::api::ChainReply> set_enabled(const services::Caller& caller, const std::string& key, bool enabled);
    // Errc::upstream_* when Altegio would not disable it: the chain stays.
    Result<wire::api::ChainReply> remove(const services::Caller& caller, const std::string& key);
    // The chain whose token Altegio signed into a Marketplace redirect (relay/marketplace/claim.hpp): kept for the
    // account (the one it has with this token, else a new one under `name`, its numbers for the admin to add) and
    // enabled in Altegio. The chain as it stands; Altegio's refusal is on it (error_key), as for a saved chain.
    Result<store::TelephonyChain> adopt(int64_t account_id, const std::string& name, const std::string& crm_token);

private:
    Result<std::string> country_code_of(const services::Caller& caller);   // the account's default, for numbers
    Result<store::TelephonyChain> chain_of(const services::Caller& caller, const std::string& key);
    void send_setup(store::TelephonyChain& chain, bool enable);   // the outcome is kept on the chain
    Result<wire::api::ChainReply> reply(const services::Caller& caller, std::string key);
    AdminDeps m_deps;
};

}  // namespace kb::telephony
