#pragma once
// An installation with its decoded settings, as every sync flow reads it first.
#include <algorithm>
#include <optional>
#include "relay/clients/reference_cache.hpp"
#include "relay/store/store.hpp"
#include "shared/domain/settings.hpp"
#include "shared/wire/settings.hpp"

namespace kb::sync {

struct SyncAccount {
    store::Installation installation;
    domain::Settings settings;
    // A branch chosen in the settings, or while none is chosen, one the account's Altegio user manages.
    Result<bool> branch_in_force(clients::ReferenceCache& reference, int64_t company_id) const {
        if (!settings.connected_branch_ids.empty()) return domain::branch_connected(settings, company_id);
        auto managed = reference.branches(installation.account_id, installation.altegio_user_token);
        if (!managed) return tl::unexpected(managed.error());
        return domain::branch_in_force(settings, *managed, company_id);
    }
};

// None when the account has uninstalled the integration.
inline Result<std::optional<SyncAccount>> load_sync_account(store::Store& store, int64_t account_id) {
    auto installation = store.find_installation(account_id);
    if (!installation) return tl::unexpected(installation.error());
    if (!*installation) return std::optional<SyncAccount>();
    auto settings = wire::decode_settings_text((*installation)->settings_json);
    if (!settings) return tl::unexpected(settings.error());
    return std::optional<SyncAccount>(SyncAccount{std::move(**installation), std::move(*settings)});
}

}  // namespace kb::sync
