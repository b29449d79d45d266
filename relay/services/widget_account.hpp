#pragma once
// What every call from the widget reads first: the caller's account (relay/account_context.hpp), refused while it
// cannot book, and the branches this Kommo user may see (the connected ones, narrowed by the user's own list).
// Usage:
//   auto account = load_widget_account(store, caller);            // not_configured until Altegio is connected
//   auto branch = visible_branch(reference, caller, *account, company_id);   // forbidden when not visible
#include <map>
#include <vector>
#include "relay/account_context.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/services/caller.hpp"
#include "relay/store/store.hpp"
#include "shared/domain/settings.hpp"

namespace kb::services {

Result<AccountContext> load_widget_account(store::Store& store, const Caller& caller);
Result<std::vector<domain::Branch>> visible_branches(clients::ReferenceCache& reference, const Caller& caller, const AccountContext& account);
Result<domain::Branch> visible_branch(clients::ReferenceCache& reference, const Caller& caller, const AccountContext& account,
                                      int64_t company_id);

// The branch's additional record fields that the admin mapped to lead fields (settings.lead_fields), in
// Altegio's order: the ones the booking form offers and the only ones a booking or an edit may fill.
Result<std::vector<domain::RecordField>> mapped_record_fields(clients::AltegioClient& altegio, const Caller& caller,
                                                              const AccountContext& account, int64_t company_id);

// The fields a booking or an edit fills, once `values` are checked against them (a code not offered, a number
// or date that is not one, is refused before anything is written); none, and no call, when `values` is empty.
Result<std::vector<domain::RecordField>> fields_for_values(clients::AltegioClient& altegio, const Caller& caller,
                                                           const AccountContext& account, int64_t company_id,
                                                           const std::map<std::string, std::string>& values);

}  // namespace kb::services
