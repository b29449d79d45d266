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
#include "shared/wire/widget_api_types.hpp"

namespace kb::services {

Result<AccountContext> load_widget_account(store::Store& store, const Caller& caller);
Result<std::vector<domain::Branch>> visible_branches(clients::ReferenceCache& reference, const Caller& caller, const AccountContext& account);
Result<domain::Branch> visible_branch(clients::ReferenceCache& reference, const Caller& caller, const AccountContext& account,
                                      int64_t company_id);

// How this Kommo user writes records to Altegio, and with which token: their own Altegio login (Altegio names that
// employee as the author), else the general account where the admin allows it, else none (the widget says why).
struct AltegioWriter {
    wire::api::BookingAccess access = wire::api::BookingAccess::not_linked;
    std::string token;                       // empty unless the access may book
};
Result<AltegioWriter> altegio_writer(store::Store& store, const Caller& caller, const AccountContext& account);

// The token to write with, or the refusal the manager reads: "ask an administrator to link your Altegio login" or
// "Authorization error" when the stored login stopped working.
Result<AltegioWriter> writer_or_refusal(store::Store& store, const Caller& caller, const AccountContext& account);

// What a write refused by Altegio becomes: when the user's own login was refused as unauthorized, the link keeps its
// employee but loses the token (the widget shows "Authorization error" until the admin signs in again) and the
// manager reads that; any other error is passed on as it is.
Error after_refused_write(store::Store& store, const Caller& caller, const AltegioWriter& writer, const Error& error, int64_t now_ms);

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
