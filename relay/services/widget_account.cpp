#include "relay/services/widget_account.hpp"

#include <algorithm>
#include "shared/domain/record_fields.hpp"

namespace kb::services {

Result<AccountContext> load_widget_account(store::Store& store, const Caller& caller) {
    auto found = load_account_context(store, caller.account_id);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return fail(Errc::not_configured, "ui.error.not_installed", "no installation");
    if (!(*found)->altegio_connected())
        return fail(Errc::not_configured, "ui.error.altegio_not_connected", "Altegio is not connected yet");
    return std::move(**found);
}

Result<std::vector<domain::Branch>> visible_branches(clients::ReferenceCache& reference, const Caller& caller, const AccountContext& account) {
    auto branches = reference.branches(caller.account_id, account.altegio_token());
    if (!branches) return tl::unexpected(branches.error());
    std::erase_if(*branches, [&](const domain::Branch& b) { return !domain::branch_connected(account.settings, b.id); });
    for (const auto& user : account.settings.users)
        if (user.kommo_user_id == caller.user_id)
            std::erase_if(*branches, [&](const domain::Branch& b) { return !domain::user_sees_branch(user, b.id, b.chain_id); });
    return branches;
}

Result<domain::Branch> visible_branch(clients::ReferenceCache& reference, const Caller& caller, const AccountContext& account,
                                      int64_t company_id) {
    auto branches = visible_branches(reference, caller, account);
    if (!branches) return tl::unexpected(branches.error());
    for (auto& b : *branches)
        if (b.id == company_id) return b;
    return fail(Errc::forbidden, "ui.error.branch_not_allowed", "branch " + std::to_string(company_id) + " is not visible to this user");
}

Result<AltegioWriter> altegio_writer(store::Store& store, const Caller& caller, const AccountContext& account) {
    using wire::api::BookingAccess;
    auto links = store.user_links(caller.account_id);
    if (!links) return tl::unexpected(links.error());
    for (auto& link : *links)
        if (link.kommo_user_id == caller.user_id) {
            if (link.user_token.empty()) return AltegioWriter{BookingAccess::login_failed, ""};
            return AltegioWriter{BookingAccess::own_login, std::move(link.user_token)};
        }
    if (account.settings.general_account_for_unlinked_users) return AltegioWriter{BookingAccess::general_account, account.altegio_token()};
    return AltegioWriter{BookingAccess::not_linked, ""};
}

Result<AltegioWriter> writer_or_refusal(store::Store& store, const Caller& caller, const AccountContext& account) {
    auto writer = altegio_writer(store, caller, account);
    if (!writer) return writer;
    if (writer->access == wire::api::BookingAccess::not_linked)
        return fail(Errc::forbidden, "ui.error.altegio_login_not_linked", "this Kommo user has no Altegio login linked");
    if (writer->access == wire::api::BookingAccess::login_failed)
        return fail(Errc::forbidden, "ui.error.altegio_login_failed", "this Kommo user's Altegio login stopped working");
    return writer;
}

Error after_refused_write(store::Store& store, const Caller& caller, const AltegioWriter& writer, const Error& error, int64_t now_ms) {
    if (writer.access != wire::api::BookingAccess::own_login || error.code != Errc::unauthorized) return error;
    auto links = store.user_links(caller.account_id);
    if (links)
        for (auto link : *links)
            if (link.kommo_user_id == caller.user_id && link.user_token == writer.token) {
                link.user_token.clear();
                link.checked_at_ms = now_ms;
                (void)store.save_user_link(caller.account_id, link);   // not kept: the next write is refused by Altegio again
            }
    // Altegio's own words stay in the request history, where the 401 is logged.
    return Error{Errc::forbidden, "ui.error.altegio_login_failed", "Altegio refused the login linked to this Kommo user"};
}

Result<std::vector<domain::RecordField>> mapped_record_fields(clients::AltegioClient& altegio, const Caller& caller,
                                                              const AccountContext& account, int64_t company_id) {
    const auto& per_branch = account.settings.lead_fields.additional_fields;
    auto mapped = per_branch.find(company_id);
    if (mapped == per_branch.end() || mapped->second.empty()) return std::vector<domain::RecordField>{};
    auto fields = altegio.record_fields(caller.account_id, account.altegio_token(), company_id);
    if (!fields) return tl::unexpected(fields.error());
    std::erase_if(*fields, [&](const domain::RecordField& f) { return !mapped->second.count(f.code); });
    return fields;
}

Result<std::vector<domain::RecordField>> fields_for_values(clients::AltegioClient& altegio, const Caller& caller,
                                                           const AccountContext& account, int64_t company_id,
                                                           const std::map<std::string, std::string>& values) {
    if (values.empty()) return std::vector<domain::RecordField>{};
    auto fields = mapped_record_fields(altegio, caller, account, company_id);
    if (!fields) return tl::unexpected(fields.error());
    if (auto valid = domain::check_record_field_values(values, *fields); !valid) return tl::unexpected(valid.error());
    return fields;
}

}  // namespace kb::services
