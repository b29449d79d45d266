#include "relay/services/settings_service.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include "relay/account_context.hpp"
#include "relay/services/kommo_fields.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/settings.hpp"

namespace kb::services {

using wire::api::BranchStatus;

namespace {

bool contains(const std::vector<int64_t>& ids, int64_t id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

}  // namespace

Result<store::Installation> SettingsService::admin_installation(const Caller& caller) {
    if (!caller.is_admin) return fail(Errc::forbidden, "ui.error.admin_only", "settings are for account administrators");
    auto installation = m_store.find_installation(caller.account_id);
    if (!installation) return tl::unexpected(installation.error());
    if (!*installation) return fail(Errc::unauthorized, "ui.error.not_installed", "the account has not installed the integration");
    return **installation;
}

// [SECTION] the page ---------------------------------------------------------------------------------------------
Result<std::string> SettingsService::dp_intake_key(const Caller& caller) {
    auto installation = admin_installation(caller);
    if (!installation) return tl::unexpected(installation.error());
    return m_installation.intake_key(hooks::Intake::kommo_dp, *installation);
}

Result<wire::api::SettingsPage> SettingsService::page(const Caller& caller) {
    auto installation = admin_installation(caller);
    if (!installation) return tl::unexpected(installation.error());
    auto settings = wire::decode_settings_text(installation->settings_json);
    if (!settings) return tl::unexpected(settings.error());

    wire::api::SettingsPage page;
    page.revision = installation->settings_revision;
    page.settings = *settings;
    auto connected = altegio_connected(m_store, *installation);
    if (!connected) return tl::unexpected(connected.error());
    page.altegio_connected = *connected;
    page.tracking_url = m_installation.tracking_url(*installation);

    auto pipelines = m_kommo.named_pipelines(caller.account_id);
    if (!pipelines) return tl::unexpected(pipelines.error());
    for (const auto& p : *pipelines) {
        wire::api::PipelineChoice choice{p.id, p.name, {}};
        for (const auto& s : p.stages) choice.stages.push_back({s.id, s.name});
        page.pipelines.push_back(std::move(choice));
    }
    for (const std::string entity : {"leads", "contacts", "companies"}) {
        auto fields = entity == "leads" ? m_kommo.lead_field_definitions(caller.account_id)
                      : entity == "contacts" ? m_kommo.contact_field_definitions(caller.account_id)
                                             : m_kommo.company_field_definitions(caller.account_id);
        if (!fields) return tl::unexpected(fields.error());
        auto& out = entity == "leads" ? page.lead_fields : entity == "contacts" ? page.contact_fields : page.company_fields;
        for (const auto& f : *fields) out.push_back({f.id, f.name, f.type});
    }
    auto users = m_kommo.users(caller.account_id);
    if (!users) return tl::unexpected(users.error());
    auto links = m_store.user_links(caller.account_id);
    if (!links) return tl::unexpected(links.error());
    for (const auto& u : *users) {
        wire::api::UserChoice choice{u.id, u.name, u.is_admin, 0, ""};
        for (const auto& link : *links)
            if (link.kommo_user_id == u.id) {
                choice.altegio_user_id = link.altegio_user_id;
                choice.altegio_user_name = link.altegio_user_name;
                choice.login_failed = link.user_token.empty();
            }
        page.users.push_back(std::move(choice));
    }

    if (!page.altegio_connected) return page;
    auto branches = m_reference.branches(caller.account_id, installation->altegio_user_token, clients::ReferenceCache::Read::fresh);
    if (!branches) return tl::unexpected(branches.error());
    const std::string url = m_installation.webhook_url(*installation);
    auto marketplace = m_store.marketplace_salons(caller.account_id);
    if (!marketplace) return tl::unexpected(marketplace.error());
    for (const auto& branch : *branches) {
        wire::api::BranchState state{branch, BranchStatus::not_connected, 0};
        if (auto last = m_store.last_webhook_at(caller.account_id, branch.id)) state.last_webhook_at_ms = *last;
        bool chosen = domain::branch_connected(*settings, branch.id);
        bool from_marketplace = std::find(marketplace->begin(), marketplace->end(), branch.id) != marketplace->end();
        if (chosen && from_marketplace) {   // its webhook came with the activation: it works while the location is active
            auto location = m_store.marketplace_location(branch.id);
            if (!location) return tl::unexpected(location.error());
            state.status = *location && (*location)->state == "active" ? BranchStatus::connected : BranchStatus::no_rights;
        } else if (chosen) {
            auto registered = m_altegio.webhook_registered(caller.account_id, installation->altegio_user_token, branch.id, url);
            if (!registered)
                state.status = registered.error().code == Errc::forbidden || registered.error().code == Errc::unauthorized
                                   ? BranchStatus::no_rights
                                   : BranchStatus::webhook_missing;
            else
                state.status = *registered ? BranchStatus::connected : BranchStatus::webhook_missing;
        }
        page.branches.push_back(std::move(state));
    }
    return page;
}

// [SECTION] saving -----------------------------------------------------------------------------------------------
// What a settings document is checked against: Kommo's pipelines and fields and Altegio's branches, read fresh;
// Altegio's catalogue, employees and labels too when a lead value goes to a Kommo list field.
Result<domain::SettingsContext> SettingsService::context_of(int64_t account_id, const store::Installation& installation,
                                                           const domain::Settings& settings) {
    using Read = clients::ReferenceCache::Read;
    domain::SettingsContext context;
    auto pipelines = m_reference.pipelines(account_id, Read::fresh);
    auto lead_fields = m_reference.lead_fields(account_id, Read::fresh);
    auto contact_fields = m_reference.contact_fields(account_id, Read::fresh);
    if (!pipelines) return tl::unexpected(pipelines.error());
    if (!lead_fields) return tl::unexpected(lead_fields.error());
    if (!contact_fields) return tl::unexpected(contact_fields.error());
    context.pipelines = std::move(*pipelines);
    context.lead_fields = std::move(*lead_fields);
    context.contact_fields = std::move(*contact_fields);
    if (!settings.tracking.company_fields.empty()) {   // asked only when a parameter goes to a company field
        auto company_fields = m_reference.company_fields(account_id, Read::fresh);
        if (!company_fields) return tl::unexpected(company_fields.error());
        context.company_fields = std::move(*company_fields);
    }
    auto connected = altegio_connected(m_store, installation);
    if (!connected) return tl::unexpected(connected.error());
    if (*connected) {
        auto branches = m_reference.branches(account_id, installation.altegio_user_token, Read::fresh);
        if (!branches) return tl::unexpected(branches.error());
        for (const auto& b : *branches) {
            context.branch_ids.push_back(b.id);
            if (b.chain_id != 0 && !contains(context.chain_ids, b.chain_id)) context.chain_ids.push_back(b.chain_id);
        }
        if (domain::maps_lists(settings.lead_fields, context.lead_fields)) {
            std::erase_if(*branches, [&](const domain::Branch& b) { return !domain::branch_connected(settings, b.id); });
            auto values = list_values(account_id, installation.altegio_user_token, *branches);
            if (!values) return tl::unexpected(values.error());
            context.altegio_values = std::move(*values);
        }
    }
    return context;
}

Result<domain::AltegioListValues> SettingsService::list_values(int64_t account_id, const std::string& user_token,
                                                               const std::vector<domain::Branch>& branches) {
    domain::AltegioListValues values;
    auto add = [](std::vector<std::string>& to, const std::string& text) {
        if (std::find(to.begin(), to.end(), text) == to.end()) to.push_back(text);
    };
    for (const auto& branch : branches) {
        add(values.branches, branch.title);
        auto catalog = m_altegio.catalog(account_id, branch.id, user_token);
        if (!catalog) return tl::unexpected(catalog.error());
        for (const auto& s : catalog->services) add(values.services, s.title);
        for (const auto& c : catalog->categories) add(values.service_categories, c.title);
        auto staff = m_altegio.bookable_staff(account_id, branch.id, {});
        if (!staff) return tl::unexpected(staff.error());
        values.employees.insert(values.employees.end(), staff->begin(), staff->end());
        if (auto labels = m_altegio.record_labels(account_id, user_token, branch.id))
            for (const auto& l : *labels) add(values.record_categories, l.title);
        else values.record_categories_known = false;   // as on the page: a branch may refuse its labels
    }
    return values;
}

Result<wire::api::SaveReply> SettingsService::validated_save(const Caller& caller, const store::Installation& installation,
                                                             int64_t base_revision, domain::Settings settings) {
    auto context = context_of(caller.account_id, installation, settings);
    if (!context) return tl::unexpected(context.error());
    auto problems = domain::validate_settings(settings, *context);
    if (!problems.empty()) return wire::api::SaveReply{installation.settings_revision, std::move(problems)};
    // Only a document without problems makes the deal fields lead tracking asks for (found by code when a save that
    // made them failed later, so none is made twice).
    if (auto made = create_tracking_fields(m_kommo, caller.account_id, settings.tracking, settings.language); !made)
        return tl::unexpected(made.error());
    else if (*made > 0)
        m_reference.invalidate(caller.account_id);
    auto revision = m_store.save_settings(caller.account_id, base_revision, wire::encode_settings(settings).dump(), caller.user_id,
                                          m_clock.ms());
    if (!revision) return tl::unexpected(revision.error());
    m_reference.invalidate(caller.account_id);
    spdlog::info("settings of account {} saved as revision {} by user {}", caller.account_id, *revision, caller.user_id);
    if (!installation.altegio_user_token.empty()) {   // Marketplace locations got their webhook with the activation
        auto branches = m_reference.branches(caller.account_id, installation.altegio_user_token);
        if (branches) m_installation.register_branch_webhooks(caller.account_id, *branches);
    }
    return wire::api::SaveReply{*revision, {}};
}

Result<wire::api::SaveReply> SettingsService::save(const Caller& caller, const wire::api::SettingsSave& save) {
    auto installation = admin_installation(caller);
    if (!installation) return tl::unexpected(installation.error());
    return validated_save(caller, *installation, save.base_revision, save.settings);
}

Result<std::vector<wire::api::VersionInfo>> SettingsService::versions(const Caller& caller) {
    auto installation = admin_installation(caller);
    if (!installation) return tl::unexpected(installation.error());
    auto versions = m_store.settings_versions(caller.account_id, 50);
    if (!versions) return tl::unexpected(versions.error());
    std::vector<wire::api::VersionInfo> out;
    auto users = m_kommo.users(caller.account_id);   // names are a courtesy: without them the list still shows
    for (const auto& v : *versions) {
        wire::api::VersionInfo info{v.revision, v.saved_at_ms, v.saved_by_user, ""};
        if (users)
            for (const auto& u : *users)
                if (u.id == v.saved_by_user) info.saved_by_name = u.name;
        out.push_back(std::move(info));
    }
    return out;
}

Result<wire::api::SaveReply> SettingsService::restore(const Caller& caller, int64_t revision, int64_t base_revision) {
    auto installation = admin_installation(caller);
    if (!installation) return tl::unexpected(installation.error());
    auto version = m_store.settings_version(caller.account_id, revision);
    if (!version) return tl::unexpected(version.error());
    if (!*version) return fail(Errc::not_found, "ui.error.not_found", "no such settings version");
    auto settings = wire::decode_settings_text((*version)->settings_json);
    if (!settings) return tl::unexpected(settings.error());
    return validated_save(caller, *installation, base_revision, *settings);
}

// [SECTION] choices, users and fields --------------------------------------------------------------------------
Result<wire::api::BranchChoices> SettingsService::branch_choices(const Caller& caller, int64_t company_id) {
    auto installation = admin_installation(caller);
    if (!installation) return tl::unexpected(installation.error());
    const std::string& token = installation->altegio_user_token;
    auto connected = altegio_connected(m_store, *installation);
    if (!connected) return tl::unexpected(connected.error());
    if (!*connected) return fail(Errc::not_configured, "ui.error.altegio_not_connected", "Altegio is not connected");
    auto branches = m_reference.branches(caller.account_id, token);
    if (!branches) return tl::unexpected(branches.error());
    if (std::none_of(branches->begin(), branches->end(), [&](const auto& b) { return b.id == company_id; }))
        return fail(Errc::forbidden, "ui.error.branch_not_allowed", "the Altegio account does not manage this branch");
    auto catalog = m_altegio.catalog(caller.account_id, company_id, token);
    if (!catalog) return tl::unexpected(catalog.error());
    catalog->services.clear();   // the conditions refer to categories; the list would only weigh on the page
    if (auto labels = m_altegio.record_labels(caller.account_id, token, company_id)) catalog->labels = std::move(*labels);
    auto fields = m_altegio.record_fields(caller.account_id, token, company_id);
    if (!fields) return tl::unexpected(fields.error());
    catalog->record_fields = std::move(*fields);
    auto staff = m_altegio.bookable_staff(caller.account_id, company_id, {});
    if (!staff) return tl::unexpected(staff.error());
    auto client_fields = m_altegio.client_fields(caller.account_id, token, company_id);
    if (!client_fields) return tl::unexpected(client_fields.error());
    return wire::api::BranchChoices{std::move(*catalog), std::move(*staff), std::move(*client_fields)};
}

Result<wire::api::UserChoice> SettingsService::link_user(const Caller& caller, int64_t kommo_user_id, const std::string& login,
                                                         const std::string& password) {
    auto installation = admin_installation(caller);
    if (!installation) return tl::unexpected(installation.error());
    if (login.empty() || password.empty()) return fail(Errc::bad_input, "ui.error.need_login", "login or password missing");
    auto users = m_kommo.users(caller.account_id);
    if (!users) return tl::unexpected(users.error());
    auto user = std::find_if(users->begin(), users->end(), [&](const auto& u) { return u.id == kommo_user_id; });
    if (user == users->end()) return fail(Errc::not_found, "ui.error.not_found", "no such Kommo user");
    auto signed_in = m_altegio.sign_in(caller.account_id, login, password);
    if (!signed_in) return tl::unexpected(signed_in.error());
    store::UserLink link{kommo_user_id, signed_in->id, signed_in->name, signed_in->user_token, m_clock.ms()};
    if (auto saved = m_store.save_user_link(caller.account_id, link); !saved) return tl::unexpected(saved.error());
    return wire::api::UserChoice{user->id, user->name, user->is_admin, link.altegio_user_id, link.altegio_user_name};
}

Result<wire::api::SaveReply> SettingsService::create_missing_fields(const Caller& caller, int64_t base_revision) {
    auto installation = admin_installation(caller);
    if (!installation) return tl::unexpected(installation.error());
    if (installation->settings_revision != base_revision)
        return fail(Errc::conflict, "ui.error.settings_conflict", "settings were saved meanwhile");
    auto settings = wire::decode_settings_text(installation->settings_json);
    if (!settings) return tl::unexpected(settings.error());
    auto filled = map_missing_fields(m_kommo, caller.account_id, *settings, FieldSet::all);
    if (!filled) return tl::unexpected(filled.error());
    m_reference.invalidate(caller.account_id);
    if (*filled == 0) return wire::api::SaveReply{installation->settings_revision, {}};
    return validated_save(caller, *installation, base_revision, *settings);
}

}  // namespace kb::services
