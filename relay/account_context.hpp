#pragma once
// An installed Kommo account as one event or one widget request sees it: the installation, its settings decoded
// once, and the rule for which Altegio branches are the account's. Made once per event or request; every flow
// (record, client, trigger, telephony, tracking sync; the widget's services; the reconciler) reads this one.
//
//   auto account = load_account_context(store, account_id);     // none when the account uninstalled
//   auto mine = (*account)->branch_in_force(reference, company_id);
#include <optional>
#include <string>
#include <vector>
#include "relay/clients/reference_cache.hpp"
#include "relay/store/store.hpp"
#include "shared/domain/settings.hpp"

namespace kb {

struct AccountContext {
    store::Installation installation;
    domain::Settings settings;
    bool marketplace_access = false;   // the account connected Altegio Marketplace locations with a code

    int64_t account_id() const { return installation.account_id; }
    const std::string& altegio_token() const { return installation.altegio_user_token; }
    // Whether the relay can reach the account's Altegio: with the administrator's login, or a Marketplace location's
    // access (the partner token, for the locations the account connected with a code).
    bool altegio_connected() const { return !altegio_token().empty() || marketplace_access; }
    // The branches in force: the ones chosen in the settings, or while none is chosen, every branch the account's
    // Altegio user manages.
    Result<std::vector<int64_t>> branches_in_force(clients::ReferenceCache& reference) const;
    // Whether an event or a request about `company_id` belongs to the account (one of the branches in force).
    Result<bool> branch_in_force(clients::ReferenceCache& reference, int64_t company_id) const;
};

// None when the account has no installation (it uninstalled, or never installed).
Result<std::optional<AccountContext>> load_account_context(store::Store& store, int64_t account_id);
// AccountContext::altegio_connected for an installation read on its own.
Result<bool> altegio_connected(store::Store& store, const store::Installation& installation);

}  // namespace kb
