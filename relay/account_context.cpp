#include "relay/account_context.hpp"

#include <algorithm>
#include "shared/wire/settings.hpp"

namespace kb {

Result<std::vector<int64_t>> AccountContext::branches_in_force(clients::ReferenceCache& reference) const {
    if (!settings.connected_branch_ids.empty()) return domain::branches_in_force(settings, {});
    auto managed = reference.branches(account_id(), altegio_token());   // read only while no branch is chosen
    if (!managed) return tl::unexpected(managed.error());
    return domain::branches_in_force(settings, *managed);
}

Result<bool> AccountContext::branch_in_force(clients::ReferenceCache& reference, int64_t company_id) const {
    auto branches = branches_in_force(reference);
    if (!branches) return tl::unexpected(branches.error());
    return std::find(branches->begin(), branches->end(), company_id) != branches->end();
}

Result<std::optional<AccountContext>> load_account_context(store::Store& store, int64_t account_id) {
    auto installation = store.find_installation(account_id);
    if (!installation) return tl::unexpected(installation.error());
    if (!*installation) return std::optional<AccountContext>();
    auto settings = wire::decode_settings_text((*installation)->settings_json);
    if (!settings) return tl::unexpected(settings.error());
    auto connected = altegio_connected(store, **installation);   // the Marketplace's locations asked only when there is no login
    if (!connected) return tl::unexpected(connected.error());
    bool marketplace = *connected && (*installation)->altegio_user_token.empty();
    return std::optional<AccountContext>(AccountContext{std::move(**installation), std::move(*settings), marketplace});
}

Result<bool> altegio_connected(store::Store& store, const store::Installation& installation) {
    if (!installation.altegio_user_token.empty()) return true;
    auto salons = store.marketplace_salons(installation.account_id);
    if (!salons) return tl::unexpected(salons.error());
    return !salons->empty();
}

}  // namespace kb
