#pragma once
// The settings page (account administrators only): the document with everything it can refer to (branches and
// their status, pipelines and stages, fields, users), saving with validation and a revision check, earlier
// versions, one branch's categories and employees, a user's own Altegio account, and creating missing fields.
// The messages are in shared/wire/settings_api.hpp.
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/services/caller.hpp"
#include "relay/services/installation_service.hpp"
#include "relay/store/store.hpp"
#include "shared/wire/settings_api.hpp"

namespace kb::services {

class SettingsService {
public:
    SettingsService(store::Store& store, clients::AltegioClient& altegio, clients::KommoClient& kommo, clients::ReferenceCache& reference,
                    InstallationService& installation, Clock clock)
        : m_store(store), m_altegio(altegio), m_kommo(kommo), m_reference(reference), m_installation(installation),
          m_clock(std::move(clock)) {}

    Result<wire::api::SettingsPage> page(const Caller& caller);
    // The key a Digital Pipeline trigger's settings carry to the relay's one trigger address (manifest.json's
    // dp.webhook_url is the same for every account): the widget's dpSettings puts it there.
    Result<std::string> dp_intake_key(const Caller& caller);
    // Validates the whole document against the account's Kommo fields and stages and Altegio branches: with
    // problems nothing is saved and the reply lists them all. Errc::conflict when another save came first.
    Result<wire::api::SaveReply> save(const Caller& caller, const wire::api::SettingsSave& save);
    Result<std::vector<wire::api::VersionInfo>> versions(const Caller& caller);
    // Saves an earlier version again as the newest (validated like any save: a field deleted since is reported).
    Result<wire::api::SaveReply> restore(const Caller& caller, int64_t revision, int64_t base_revision);
    Result<wire::api::BranchChoices> branch_choices(const Caller& caller, int64_t company_id);
    // Checks a Kommo user's Altegio employee login and password at once and keeps the token (never the password);
    // a wrong pair is Errc::unauthorized, "Authorization error".
    Result<wire::api::UserChoice> link_user(const Caller& caller, int64_t kommo_user_id, const std::string& login, const std::string& password);
    // Maps every unmapped lead and contact value to a field with its code, creating the missing ones in Kommo.
    Result<wire::api::SaveReply> create_missing_fields(const Caller& caller, int64_t base_revision);

private:
    Result<store::Installation> admin_installation(const Caller& caller);
    Result<domain::SettingsContext> context_of(int64_t account_id, const store::Installation& installation,
                                               const domain::Settings& settings);
    Result<domain::AltegioListValues> list_values(int64_t account_id, const std::string& user_token,
                                                  const std::vector<domain::Branch>& branches);
    Result<wire::api::SaveReply> validated_save(const Caller& caller, const store::Installation& installation, int64_t base_revision,
                                                domain::Settings settings);

    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::KommoClient& m_kommo;
    clients::ReferenceCache& m_reference;
    InstallationService& m_installation;
    Clock m_clock;
};

}  // namespace kb::services
