#include "relay/telephony/admin.hpp"

#include <algorithm>
#include "relay/crypto/secret_box.hpp"
#include "shared/domain/telephony.hpp"
#include "shared/wire/json_read.hpp"
#include "relay/account_context.hpp"
#include "shared/wire/telephony.hpp"

namespace kb::telephony {
namespace {

// Spaces around, and any control character, go: a number or name is one line.
std::string tidy(const std::string& text) {
    std::string out;
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    size_t first = out.find_first_not_of(' ');
    if (first == std::string::npos) return "";
    return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

std::string hint_of(const std::string& token) { return token.size() <= 4 ? "…" : "…" + token.substr(token.size() - 4); }

}  // namespace

Result<std::string> TelephonyAdmin::country_code_of(const services::Caller& caller) {
    if (!caller.is_admin) return fail(Errc::forbidden, "ui.error.admin_only", "telephony settings are for account administrators");
    auto account = load_account_context(m_deps.store, caller.account_id);
    if (!account) return tl::unexpected(account.error());
    if (!*account) return fail(Errc::unauthorized, "ui.error.not_installed", "the account has not installed the integration");
    return (*account)->settings.default_country_code;
}

Result<store::TelephonyChain> TelephonyAdmin::chain_of(const services::Caller& caller, const std::string& key) {
    auto country = country_code_of(caller);   // the admin check
    if (!country) return tl::unexpected(country.error());
    auto chain = m_deps.store.telephony_chain(key);
    if (!chain) return tl::unexpected(chain.error());
    if (!*chain || (*chain)->account_id != caller.account_id) return fail(Errc::not_found, "ui.error.not_found", "no such telephony chain");
    return **chain;
}

Result<wire::api::TelephonyPage> TelephonyAdmin::page(const services::Caller& caller) {
    auto country = country_code_of(caller);
    if (!country) return tl::unexpected(country.error());
    auto chains = m_deps.store.telephony_chains(caller.account_id);
    if (!chains) return tl::unexpected(chains.error());
    wire::api::TelephonyPage page;
    for (const auto& c : *chains)
        page.chains.push_back(wire::api::TelephonyChain{c.key, c.name, hint_of(c.crm_token), c.numbers, c.new_lead_for_unknown, c.enabled,
                                                        c.error_key, c.error_detail, m_deps.public_url + "/telephony/" + m_deps.keys.key(hooks::Intake::telephony, c.key, "") + "/calls",
                                                        c.last_call_at_ms});
    return page;
}

Result<wire::api::ChainReply> TelephonyAdmin::reply(const services::Caller& caller, std::string key) {
    auto current = page(caller);
    if (!current) return tl::unexpected(current.error());
    return wire::api::ChainReply{{}, std::move(*current), std::move(key)};
}

void TelephonyAdmin::send_setup(store::TelephonyChain& chain, bool enable) {
    auto sent = m_deps.altegio.voip(chain.account_id, enable ? "altegio.voip_enable" : "altegio.voip_disable",
                                    wire::telephony::voip_setup(enable, chain.crm_token), clients::RetryPolicy::safe());
    if (sent) {
        chain.enabled = enable;
        chain.error_key.clear();
        chain.error_detail.clear();
    } else {
        chain.error_key = sent.error().message_key;
        chain.error_detail = sent.error().detail;
    }
    chain.updated_at_ms = m_deps.clock.ms();
}

Result<wire::api::ChainReply> TelephonyAdmin::save(const services::Caller& caller, const wire::api::ChainSave& save) {
    auto country = country_code_of(caller);
    if (!country) return tl::unexpected(country.error());
    auto chains = m_deps.store.telephony_chains(caller.account_id);
    if (!chains) return tl::unexpected(chains.error());
    auto existing = std::find_if(chains->begin(), chains->end(), [&](const auto& c) { return c.key == save.key; });
    if (!save.key.empty() && existing == chains->end()) return fail(Errc::not_found, "ui.error.not_found", "no such telephony chain");

    store::TelephonyChain chain = existing == chains->end() ? store::TelephonyChain{} : *existing;
    std::string token = tidy(save.crm_token);
    domain::ChainDraft draft{tidy(save.name), !token.empty() || !chain.crm_token.empty(), {}};
    for (const auto& number : save.numbers)
        if (std::string n = tidy(number); !n.empty()) draft.numbers.push_back(n);
    std::vector<std::string> others;
    for (const auto& c : *chains)
        if (c.key != save.key) others.insert(others.end(), c.numbers.begin(), c.numbers.end());
    auto problems = domain::validate_chain(draft, others, *country);
    if (!problems.empty()) {
        auto current = page(caller);
        if (!current) return tl::unexpected(current.error());
        return wire::api::ChainReply{std::move(problems), std::move(*current), save.key};
    }

    int64_t now = m_deps.clock.ms();
    bool token_changed = !token.empty() && token != chain.crm_token;
    if (chain.key.empty()) {
        chain.key = crypto::random_token(24);
        chain.account_id = caller.account_id;
        chain.created_at_ms = now;
    }
    chain.name = draft.name;
    chain.numbers = draft.numbers;
    chain.new_lead_for_unknown = save.new_lead_for_unknown;
    if (token_changed) {
        chain.crm_token = token;
        chain.enabled = false;   // the new token is not enabled in Altegio until it says so
    }
    chain.updated_at_ms = now;
    // Kept first, so nothing typed is lost whatever Altegio answers; then enabled.
    if (auto saved = m_deps.store.save_telephony_chain(chain); !saved) return tl::unexpected(saved.error());
    if (!chain.enabled) {
        send_setup(chain, true);
        if (auto saved = m_deps.store.save_telephony_chain(chain); !saved) return tl::unexpected(saved.error());
    }
    return reply(caller, chain.key);
}

Result<store::TelephonyChain> TelephonyAdmin::adopt(int64_t account_id, const std::string& name, const std::string& crm_token) {
    auto chains = m_deps.store.telephony_chains(account_id);
    if (!chains) return tl::unexpected(chains.error());
    auto same = std::find_if(chains->begin(), chains->end(), [&](const auto& c) { return c.crm_token == crm_token; });
    store::TelephonyChain chain = same == chains->end() ? store::TelephonyChain{} : *same;
    int64_t now = m_deps.clock.ms();
    if (chain.key.empty()) {
        chain.key = crypto::random_token(24);
        chain.account_id = account_id;
        chain.name = tidy(name);
        chain.crm_token = crm_token;
        chain.created_at_ms = now;
        chain.updated_at_ms = now;
        if (auto saved = m_deps.store.save_telephony_chain(chain); !saved) return tl::unexpected(saved.error());
    }
    if (!chain.enabled) {
        send_setup(chain, true);
        if (auto saved = m_deps.store.save_telephony_chain(chain); !saved) return tl::unexpected(saved.error());
    }
    return chain;
}

Result<wire::api::ChainReply> TelephonyAdmin::set_enabled(const services::Caller& caller, const std::string& key, bool enabled) {
    auto chain = chain_of(caller, key);
    if (!chain) return tl::unexpected(chain.error());
    send_setup(*chain, enabled);
    if (auto saved = m_deps.store.save_telephony_chain(*chain); !saved) return tl::unexpected(saved.error());
    return reply(caller, key);
}

Result<wire::api::ChainReply> TelephonyAdmin::remove(const services::Caller& caller, const std::string& key) {
    auto chain = chain_of(caller, key);
    if (!chain) return tl::unexpected(chain.error());
    if (chain->enabled) {
        send_setup(*chain, false);
        if (chain->enabled) {   // Altegio did not take it: the chain stays, with the reason
            if (auto saved = m_deps.store.save_telephony_chain(*chain); !saved) return tl::unexpected(saved.error());
            return fail(Errc::upstream_rejected, chain->error_key, "Altegio did not disable the telephony integration: " + chain->error_detail);
        }
    }
    if (auto removed = m_deps.store.delete_telephony_chain(caller.account_id, key); !removed) return tl::unexpected(removed.error());
    return reply(caller, "");
}

}  // namespace kb::telephony
