#include "relay/marketplace/activation.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <spdlog/spdlog.h>
#include "relay/crypto/hmac.hpp"
#include "relay/crypto/jwt.hpp"
#include "relay/crypto/secret_box.hpp"
#include "relay/marketplace/claim_code.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::marketplace {
namespace {

using wire::Json;

// The chain's telephony token from the signed user data (`crm_token`, or `crmToken` as one public script writes it):
// a short line of visible ASCII, else none.
std::string signed_crm_token(const Json& user_data) {
    for (const char* name : {"crm_token", "crmToken"}) {
        std::string token = wire::read_text(user_data, name);
        if (token.empty()) continue;
        bool visible = token.size() <= 256 && std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
        if (visible) return token;
        spdlog::warn("marketplace: the signed crm_token is not a token ({} bytes): left out", token.size());
        return "";
    }
    return "";
}

std::string new_key_seed() { return std::string(store::MarketplaceLocation::seed_prefix) + crypto::random_token(24); }

// After a failed activation: 30 s, 1, 2, 5, 10 minutes, then every 10 minutes until the hour is over.
int64_t retry_delay_ms(int32_t attempts) {
    static const int64_t delays[] = {30000, 60000, 120000, 300000, 600000};
    return delays[std::min<size_t>(static_cast<size_t>(std::max(attempts, 1) - 1), std::size(delays) - 1)];
}

// "1,2" (salon_ids[]=1&salon_ids[]=2, joined by the query parser) or a single salon_id.
std::vector<int64_t> salon_ids_of(const http::Request& redirect) {
    std::string joined = redirect.query_value("salon_ids[]");
    if (joined.empty()) joined = redirect.query_value("salon_ids");
    if (joined.empty()) joined = redirect.query_value("salon_id");
    std::vector<int64_t> ids;
    for (const auto& part : http::split_commas(joined)) {
        char* end = nullptr;
        long long id = std::strtoll(part.c_str(), &end, 10);
        if (end && *end == '\0' && id > 0) ids.push_back(id);
    }
    return ids;
}

}  // namespace

Activation::Activation(ActivationDeps deps) : m_deps(std::move(deps)) {
    m_thread = std::thread([this] { run(); });
}

Activation::~Activation() {
    {
        std::lock_guard lock(m_wake_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void Activation::run() {
    std::unique_lock lock(m_wake_mutex);
    while (!m_stopping) {
        if (m_deps.retry_period.count() > 0) m_wake.wait_for(lock, m_deps.retry_period, [this] { return m_woken || m_stopping; });
        else m_wake.wait(lock, [this] { return m_woken || m_stopping; });
        if (m_stopping) break;
        m_woken = false;
        lock.unlock();
        if (auto activated = retry_due(); !activated) spdlog::error("marketplace: activations: {}", activated.error().detail);
        lock.lock();
    }
}

void Activation::wait_for_attempts(const std::vector<int64_t>& salons) {
    auto until = std::chrono::steady_clock::now() + m_deps.page_wait;
    for (;;) {
        bool waiting = std::any_of(salons.begin(), salons.end(), [this](int64_t salon) {
            auto location = m_deps.store.marketplace_location(salon);
            return location && *location && (*location)->state == "pending" && (*location)->attempts == 0;
        });
        if (!waiting || std::chrono::steady_clock::now() >= until) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

bool Activation::within_rate(const std::string& address, size_t locations) {
    std::lock_guard lock(m_rate_mutex);
    int64_t now = m_deps.clock.ms();
    if (m_recent.size() > 10000) m_recent.clear();   // a flood of addresses: forget, do not grow
    auto& recent = m_recent[address];
    std::erase_if(recent.redirects, [&](int64_t at) { return at <= now - 60000; });
    std::erase_if(recent.locations, [&](const auto& entry) { return entry.first <= now - 60000; });
    size_t asked = 0;
    for (const auto& entry : recent.locations) asked += entry.second;
    if (recent.redirects.size() >= static_cast<size_t>(redirects_per_minute_per_address) || asked + locations > locations_per_minute_per_address)
        return false;
    recent.redirects.push_back(now);
    recent.locations.emplace_back(now, locations);
    return true;
}

Result<ConnectOutcome> Activation::connect(const http::Request& redirect) {
    ConnectOutcome outcome;
    std::vector<int64_t> salons = salon_ids_of(redirect);
    // Every redirect counts against its address, one refused for its size too (its locations do not: none is queued).
    if (!within_rate(redirect.remote_address, salons.size() > max_salons_per_redirect ? 0 : salons.size()))
        return fail(Errc::rate_limited, "marketplace.page.slow_down", "too many redirects or locations from " + redirect.remote_address);
    if (salons.empty()) return fail(Errc::bad_input, "marketplace.page.no_location", "the redirect names no salon_id");
    if (salons.size() > max_salons_per_redirect)
        return fail(Errc::bad_input, "marketplace.page.too_many", std::to_string(salons.size()) + " locations in one redirect");
    int64_t now = m_deps.clock.ms();

    // The user's data, when the user let Altegio share it: the signature covers the decoded JSON.
    std::string crm_token;
    if (std::string encoded = redirect.query_value("user_data"); !encoded.empty()) {
        auto decoded = crypto::base64_decode_any(encoded);
        if (!decoded) return fail(Errc::forbidden, "marketplace.page.bad_signature", "user_data is not base64");
        std::string expected = crypto::hmac_sha256_hex(*decoded, m_deps.partner_token);
        if (!crypto::same_secret(expected, http::to_lower(redirect.query_value("user_data_sign"))))
            return fail(Errc::forbidden, "marketplace.page.bad_signature", "user_data_sign does not match the user data");
        auto json = wire::parse_json(*decoded);
        if (!json || !json->is_object()) return fail(Errc::forbidden, "marketplace.page.bad_signature", "user_data is not a JSON object");
        store::MarketplaceUser user;
        user.altegio_user_id = wire::read_int_or(*json, "id", "user_data.id", 0).value_or(0);
        user.name = wire::read_text(*json, "name");
        user.email = wire::read_text(*json, "email");
        user.phone = wire::read_text(*json, "phone");
        user.registered_at_ms = user.last_seen_at_ms = now;
        if (user.altegio_user_id <= 0) user.altegio_user_id = wire::read_int_or(*json, "user_id", "user_data.user_id", 0).value_or(0);
        if (user.altegio_user_id <= 0) return fail(Errc::bad_input, "marketplace.page.no_location", "user_data has no id");
        crm_token = signed_crm_token(*json);
        // Where the signed data names its locations, a link cannot carry the signature to others.
        std::vector<int64_t> signed_salons;
        auto add_signed = [&signed_salons](const Json& id) {
            signed_salons.push_back(id.is_number_integer() ? id.get<int64_t>() : id.is_string() ? std::strtoll(id.get<std::string>().c_str(), nullptr, 10) : 0);
        };
        if (json->contains("salon_id")) add_signed((*json)["salon_id"]);
        if (json->contains("salon_ids") && (*json)["salon_ids"].is_array())
            for (const auto& id : (*json)["salon_ids"]) add_signed(id);
        if (json->contains("salon_id") || json->contains("salon_ids"))
            for (int64_t salon : salons)
                if (std::find(signed_salons.begin(), signed_salons.end(), salon) == signed_salons.end())
                    return fail(Errc::forbidden, "marketplace.page.bad_signature", "location " + std::to_string(salon) + " is not in the signed data");
        auto is_new = m_deps.store.save_marketplace_user(user);
        if (!is_new) return tl::unexpected(is_new.error());
        outcome.user_is_new = *is_new;
        auto saved = m_deps.store.marketplace_user(user.altegio_user_id);
        if (!saved) return tl::unexpected(saved.error());
        outcome.user = *saved;
    }

    int64_t group = std::strtoll(redirect.query_value("salon_group_id").c_str(), nullptr, 10);
    std::vector<int64_t> queued;
    for (int64_t salon : salons) {
        auto existing = m_deps.store.marketplace_location(salon);
        if (!existing) return tl::unexpected(existing.error());
        store::MarketplaceLocation location = existing->value_or(store::MarketplaceLocation{});
        if (!*existing) location.key_seed = new_key_seed();
        location.salon_id = salon;
        if (group > 0) location.salon_group_id = group;
        // Frozen or uninstalled by the Marketplace: a link (perhaps an old one, replayed) brings it back only when
        // Altegio says the application is installed there again.
        if (location.state == "frozen" || location.state == "uninstalled") {
            auto status = m_deps.altegio.marketplace_status(salon);
            if (!status) spdlog::warn("marketplace: status of location {} unknown: {}", salon, status.error().detail);
            if (!status || (*status != "pending" && *status != "active")) {
                outcome.locations.push_back(location);
                continue;
            }
        }
        // A new click on "Connect" starts Altegio's hour again, for a location in any state but active; the
        // activation thread takes it at once.
        if (location.state != "active") {   // who connects it now owns it (an active location keeps its owner)
            if (outcome.user) location.altegio_user_id = outcome.user->altegio_user_id;
            if (!crm_token.empty()) location.crm_token = crm_token;
            if (!location.key_is_derived()) location.key_seed = new_key_seed();   // saved by an earlier version: key itself
            location.state = "pending";
            location.redirected_at_ms = now;
            location.attempts = 0;
            location.next_attempt_at_ms = now;
            location.last_error.clear();
            location.updated_at_ms = now;
            if (auto saved = m_deps.store.save_marketplace_location(location); !saved) return tl::unexpected(saved.error());
            queued.push_back(salon);
        }
        outcome.locations.push_back(location);
    }
    if (!queued.empty()) {
        {
            std::lock_guard lock(m_wake_mutex);
            m_woken = true;
        }
        m_wake.notify_all();
        wait_for_attempts(queued);
        for (auto& location : outcome.locations)   // as they stand now
            if (auto current = m_deps.store.marketplace_location(location.salon_id); current && *current) location = **current;
    }
    if (auto issued = issue_claim_codes(outcome, crm_token); !issued) return tl::unexpected(issued.error());
    return outcome;
}

Result<void> Activation::issue_claim_codes(ConnectOutcome& outcome, const std::string& crm_token) {
    if (!outcome.user) return {};   // who came is not known: the page cannot hand the location to anyone
    int64_t now = m_deps.clock.ms();
    for (auto& location : outcome.locations) {
        if (location.state != "active" || location.altegio_user_id != outcome.user->altegio_user_id) continue;
        std::string code = new_claim_code();
        location.claim_code_hash = claim_code_hash(*normalise_claim_code(code));
        location.claim_expires_at_ms = now + claim_code_lifetime_ms;
        if (!crm_token.empty()) location.crm_token = crm_token;
        location.updated_at_ms = now;
        if (auto saved = m_deps.store.save_marketplace_location(location); !saved) return saved;
        outcome.claim_codes[location.salon_id] = code;
    }
    return {};
}

void Activation::attempt(store::MarketplaceLocation& location) {
    int64_t now = m_deps.clock.ms();
    std::string key = m_deps.location_key(location.salon_id, location.key_seed);
    std::vector<std::string> hooks{m_deps.public_url + "/hooks/altegio-location/" + std::to_string(location.salon_id) + "/" + key};
    auto activated = m_deps.altegio.activate_location(location.salon_id, key, hooks);
    ++location.attempts;
    location.updated_at_ms = now;
    if (activated) {
        location.state = "active";
        location.last_error.clear();
        spdlog::info("marketplace: location {} activated", location.salon_id);
    } else {
        location.last_error = activated.error().detail;
        location.next_attempt_at_ms = now + retry_delay_ms(location.attempts);
        if (location.next_attempt_at_ms > location.redirected_at_ms + activation_window_ms) location.state = "late";
        spdlog::warn("marketplace: activating location {} failed ({}): {}", location.salon_id, location.state, location.last_error);
    }
    if (auto saved = m_deps.store.save_marketplace_location(location); !saved)
        spdlog::error("marketplace: location {} not saved: {}", location.salon_id, saved.error().detail);
}

Result<int> Activation::retry_due() {
    std::lock_guard run(m_run_mutex);
    auto due = m_deps.store.due_marketplace_activations(m_deps.clock.ms());
    if (!due) return tl::unexpected(due.error());
    int activated = 0;
    for (auto& location : *due) {
        if (m_stopping) break;   // the relay is stopping: the rest stay due, for the next start (each takes an Altegio call)
        if (m_deps.clock.ms() > location.redirected_at_ms + activation_window_ms) {
            location.state = "late";
            location.updated_at_ms = m_deps.clock.ms();
            if (auto saved = m_deps.store.save_marketplace_location(location); !saved) return tl::unexpected(saved.error());
            continue;
        }
        attempt(location);
        if (location.state == "active") ++activated;
    }
    return activated;
}

Result<std::string> Activation::lifecycle(const std::string& body) {
    auto json = wire::parse_json(body);
    if (!json || !json->is_object()) return fail(Errc::bad_input, "ui.error.bad_webhook", "expected {salon_id, application_id, event, partner_token}");
    if (!crypto::same_secret(wire::read_text(*json, "partner_token"), m_deps.partner_token))
        return fail(Errc::forbidden, "ui.error.bad_webhook", "the partner token does not match");
    if (!m_deps.application_id.empty() && wire::read_text(*json, "application_id") != m_deps.application_id &&
        std::to_string(wire::read_int_or(*json, "application_id", "", 0).value_or(0)) != m_deps.application_id)
        return fail(Errc::bad_input, "ui.error.bad_webhook", "another application's webhook");
    int64_t salon = wire::read_int_or(*json, "salon_id", "salon_id", 0).value_or(0);
    std::string event = wire::read_text(*json, "event");
    if (salon <= 0 || (event != "uninstall" && event != "freeze"))
        return fail(Errc::bad_input, "ui.error.bad_webhook", "expected a salon_id and event uninstall or freeze");
    auto existing = m_deps.store.marketplace_location(salon);
    if (!existing) return tl::unexpected(existing.error());
    store::MarketplaceLocation location = existing->value_or(store::MarketplaceLocation{});
    if (!*existing) {   // installed before the relay kept Marketplace locations: remember the state anyway
        location.salon_id = salon;
        location.key_seed = new_key_seed();
    }
    location.state = event == "uninstall" ? "uninstalled" : "frozen";
    location.updated_at_ms = m_deps.clock.ms();
    if (auto saved = m_deps.store.save_marketplace_location(location); !saved) return tl::unexpected(saved.error());
    return "location " + std::to_string(salon) + " " + location.state;
}

bool Activation::working_for(int64_t salon_id) {
    auto location = m_deps.store.marketplace_location(salon_id);
    if (!location || !*location) return true;   // not a Marketplace installation (or unreadable: keep working)
    return (*location)->state != "frozen" && (*location)->state != "uninstalled";
}

}  // namespace kb::marketplace
