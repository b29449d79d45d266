#include "relay/hooks/intake.hpp"

#include <spdlog/spdlog.h>
#include <cstdlib>
#include "relay/api/error_status.hpp"
#include "relay/api/handlers.hpp"
#include "relay/clients/call_log.hpp"
#include "relay/crypto/hmac.hpp"
#include "relay/hooks/refusals.hpp"
#include "relay/sync/inbox_rows.hpp"
#include "shared/wire/altegio.hpp"
#include "shared/wire/kommo_hooks.hpp"
#include "shared/wire/widget_api.hpp"

namespace kb::hooks {
namespace {

// The sender's answer: a local failure (the database) carries its message key and a reference to the log, never its text.
http::Response refuse(Errc code, const char* key, std::string detail) { return api::error_response(Error{code, key, std::move(detail)}); }

}  // namespace

namespace {

// A refused webhook: the answer, and its row in the account's history (rate-limited, relay/hooks/refusals.hpp).
http::Response refused(const IntakeDeps& deps, int64_t account_id, const char* kind, const char* target, const http::Request& request,
                       Errc code, const char* key, const std::string& detail, int status = 0) {
    http::Response r = refuse(code, key, detail);
    if (status != 0) r.status = status;
    if (deps.refusals && r.status >= 400 && r.status < 500) deps.refusals->record(account_id, kind, target, request, r.status, detail);
    return r;
}

http::Response too_large(const IntakeDeps& deps, int64_t account_id, const char* kind, const char* target, const http::Request& request) {
    // the server refuses these too; this holds for any transport
    return refused(deps, account_id, kind, target, request, Errc::bad_input, "ui.error.too_large", "webhook body over 1 MiB", 413);
}

// Stores rows and answers; shared by every intake route.
http::Response store_and_answer(const IntakeDeps& deps, int64_t account_id, const char* kind, const char* target,
                                const http::Request& request, const std::vector<store::InboxEvent>& rows) {
    store::HistoryEntry entry{0, deps.clock.ms(), account_id, "in", kind, "POST", target, 200, "",
                              clients::mask_secrets(request.body.substr(0, 16384)), "", 0};
    auto added = deps.store.append_webhook(rows, entry);
    if (!added) {   // nothing was stored: say so in the history, if the disk lets us
        entry.status = 500;
        entry.error = added.error().detail;
        if (auto logged = deps.store.add_history(entry); !logged) spdlog::error("history not written: {}", logged.error().detail);
    }
    if (!added) return refuse(Errc::internal, "ui.error.storage", added.error().detail);   // 5xx: the sender may retry
    if (*added > 0 && deps.wake_workers) deps.wake_workers();
    return http::json_response(200, wire::Json{{"received", rows.size()}, {"new", *added}}.dump());
}

// What every intake route shares once the size limit and the key have named the account: `build` turns the body
// into inbox rows (or refuses it with an error), and the rows are stored before the answer.
using RowBuilder = std::function<Result<std::vector<store::InboxEvent>>(int64_t account_id, const http::Request&)>;

http::Response intake_for_account(const IntakeDeps& deps, int64_t account, const char* kind, const char* target, const RowBuilder& build,
                                  const http::Request& request) {
    auto rows = build(account, request);
    if (!rows) return refused(deps, account, kind, target, request, rows.error().code, rows.error().message_key.c_str(), rows.error().detail);
    for (auto& row : *rows) row.received_at_ms = deps.clock.ms();
    return store_and_answer(deps, account, kind, target, request, *rows);
}

// The account an address names by its key's subject, whether or not the key is right (0: none that exists), so
// a refusal is recorded where its administrator looks.
int64_t named_account(store::Store& store, const std::string& key) {
    auto parts = IntakeKeys::split(key);
    if (!parts || parts->subject.empty() || parts->subject.size() > 18 || parts->subject.find_first_not_of("0123456789") != std::string::npos)
        return 0;
    int64_t account_id = std::stoll(parts->subject);
    auto seed = store.webhook_seed(account_id);
    return seed && *seed ? account_id : 0;
}

// The account of a telephony chain's key, if the chain exists (0 otherwise).
int64_t chain_account(store::Store& store, const std::string& key) {
    auto parts = IntakeKeys::split(key);
    auto chain = store.telephony_chain(parts ? parts->subject : key);
    return chain && *chain ? (*chain)->account_id : 0;
}

// The account whose `intake` address holds `key`; none when the key is not one (404).
Result<std::optional<int64_t>> account_of_key(const IntakeDeps& deps, Intake intake, const std::string& key) {
    auto parts = IntakeKeys::split(key);
    if (!parts) {
        if (deps.accept_legacy_keys && !key.empty()) return deps.store.account_of_webhook_key(key);
        return std::optional<int64_t>();
    }
    const std::string& subject = parts->subject;
    if (subject.size() > 18 || subject.find_first_not_of("0123456789") != std::string::npos) return std::optional<int64_t>();
    int64_t account_id = std::stoll(subject);
    auto seed = deps.store.webhook_seed(account_id);
    if (!seed) return tl::unexpected(seed.error());
    if (!*seed || !deps.keys.matches(key, intake, subject, **seed)) return std::optional<int64_t>();
    return std::optional<int64_t>(account_id);
}

// Where an address's key comes from: the address itself, or (Kommo's Digital Pipeline, which posts every account's
// triggers to manifest.json's one dp.webhook_url) the trigger's own settings, where the widget's dpSettings put it.
struct KeySource {
    std::string (*key_of)(const http::Request&);
    const char* when_unknown;   // the refusal's reason in the history
};
std::string key_in_path(const http::Request& request) { return request.param("key"); }
std::string key_in_trigger_settings(const http::Request& request) {
    auto trigger = wire::kommo::decode_dp_trigger(request.body);
    return trigger ? wire::read_text(trigger->settings, "intake_key") : "";
}
const KeySource in_path{key_in_path, "unknown webhook key"};
const KeySource in_trigger_settings{key_in_trigger_settings, "no trigger key of this integration in the trigger's settings"};

http::Handler intake_route(IntakeDeps deps, Intake intake, const char* kind, const char* target, RowBuilder build,
                           KeySource source = in_path) {
    return [deps, intake, kind, target, build, source](const http::Request& request) {
        // Over the limit, the body is not read for a key: only an address's own key names the account.
        if (request.body.size() > max_webhook_bytes) return too_large(deps, named_account(deps.store, key_in_path(request)), kind, target, request);
        std::string key = source.key_of(request);
        auto account = account_of_key(deps, intake, key);
        if (!account) return refuse(account.error().code, "ui.error.storage", account.error().detail);
        if (!*account)
            return refused(deps, named_account(deps.store, key), kind, target, request, Errc::not_found, "ui.error.not_found", source.when_unknown);
        return intake_for_account(deps, **account, kind, target, build, request);
    };
}

// The intake routes' row builders: the request's body, read by the sync layer (relay/sync/inbox_rows.hpp).
Result<std::vector<store::InboxEvent>> altegio_rows(int64_t account_id, const http::Request& request) {
    return sync::altegio_webhook_rows(account_id, request.body);
}
Result<std::vector<store::InboxEvent>> dp_trigger_rows(int64_t account_id, const http::Request& request) {
    return sync::kommo_trigger_rows(account_id, request.body);
}
Result<std::vector<store::InboxEvent>> account_hook_rows(int64_t account_id, const http::Request& request) {
    return sync::kommo_hook_rows(account_id, request.body);
}

// A Marketplace location's webhooks (the URL sent with its activation): the location's key checked, then stored
// for the Kommo account whose settings connect that location. None connects it yet: answered 202, nothing kept
// (there is no lead to keep in step), and said so in the log.
http::Handler location_route(IntakeDeps deps) {
    return [deps](const http::Request& request) {
        const char* kind = "altegio.webhook";
        const char* target = "/hooks/altegio-location/***";
        if (request.body.size() > max_webhook_bytes) return too_large(deps, 0, kind, target, request);
        int64_t salon = std::strtoll(request.param("salon").c_str(), nullptr, 10);
        auto location = deps.store.marketplace_location(salon);
        if (!location) return refuse(location.error().code, "ui.error.storage", location.error().detail);
        const std::string& key = request.param("key");
        bool known = *location && ((*location)->key_is_derived()
                                       ? deps.keys.matches(key, Intake::altegio_location, std::to_string(salon), (*location)->key_seed)
                                       : crypto::same_secret((*location)->key_seed, key));   // activated by an earlier version
        if (!known)
            return refused(deps, 0, kind, target, request, Errc::not_found, "ui.error.not_found", "unknown location or key");
        auto account = deps.account_of_branch ? deps.account_of_branch(salon) : Result<std::optional<int64_t>>(std::nullopt);
        if (!account) return refuse(account.error().code, "ui.error.storage", account.error().detail);
        if (*account) return intake_for_account(deps, **account, kind, target, altegio_rows, request);
        spdlog::warn("webhook for Altegio location {}: no Kommo account has connected it yet", salon);
        return http::json_response(202, wire::Json{{"received", 0}, {"reason", "no Kommo account has connected this location yet"}}.dump());
    };
}

// A telephony chain's PBX: the chain's key names the account; each call event is stored behind the earlier
// events of its call (relay/telephony/calls.hpp).
http::Handler telephony_route(IntakeDeps deps) {
    return [deps](const http::Request& request) {
        const char* kind = "telephony.call_event";
        const char* target = "/telephony/***/calls";
        const std::string& key = request.param("key");
        auto parts = IntakeKeys::split(key);
        std::string chain_key = parts ? parts->subject : deps.accept_legacy_keys ? key : "";
        auto chain = chain_key.empty() ? Result<std::optional<store::TelephonyChain>>(std::nullopt) : deps.store.telephony_chain(chain_key);
        if (!chain) return refuse(chain.error().code, "ui.error.storage", chain.error().detail);
        int64_t named = *chain ? (*chain)->account_id : 0;
        if (request.body.size() > max_webhook_bytes) return too_large(deps, named, kind, target, request);
        if (!*chain || (parts && !deps.keys.matches(key, Intake::telephony, chain_key, "")))
            return refused(deps, named, kind, target, request, Errc::not_found, "ui.error.not_found", "unknown telephony key");
        auto build = [chain = **chain, &deps](int64_t, const http::Request& r) { return sync::call_rows(chain, r.body, deps.clock.ms()); };
        return intake_for_account(deps, (*chain)->account_id, kind, target, build, request);
    };
}

}  // namespace

void record_edge_refusal(store::Store& store, RefusalLog& refusals, const http::Request& request, int status, const std::string& reason) {
    // The intake addresses: their prefix, kind and masked target, and where the key sits in the rest of the path.
    struct Address {
        const char* prefix;
        const char* kind;
        const char* target;
    };
    static const Address addresses[] = {
        {"/hooks/altegio-location/", "altegio.webhook", "/hooks/altegio-location/***"},
        {"/hooks/altegio/", "altegio.webhook", "/hooks/altegio/***"},
        {"/hooks/kommo-dp/", "kommo.dp_trigger", "/hooks/kommo-dp/***"},
        {"/hooks/kommo/", "kommo.webhook", "/hooks/kommo/***"},
        {"/tracking/", "tracking.lead", "/tracking/***/leads"},
        {"/telephony/", "telephony.call_event", "/telephony/***/calls"},
    };
    for (const auto& a : addresses) {
        std::string_view path = request.path, prefix = a.prefix;
        if (path.substr(0, prefix.size()) != prefix) continue;
        std::string rest(path.substr(prefix.size()));
        std::string key = rest.substr(0, rest.find('/'));
        int64_t account = prefix == "/hooks/altegio-location/" ? 0 : prefix == "/telephony/" ? chain_account(store, key) : named_account(store, key);
        refusals.record(account, a.kind, a.target, request, status, reason);
        return;
    }
}

void add_intake_routes(http::Router& router, IntakeDeps deps) {
    router.add("POST", "/hooks/altegio/:key", intake_route(deps, Intake::altegio, "altegio.webhook", "/hooks/altegio/***", altegio_rows));
    router.add("POST", "/hooks/kommo-dp/:key", intake_route(deps, Intake::kommo_dp, "kommo.dp_trigger", "/hooks/kommo-dp/***", dp_trigger_rows));
    router.add("POST", "/hooks/kommo-dp", intake_route(deps, Intake::kommo_dp, "kommo.dp_trigger", "/hooks/kommo-dp", dp_trigger_rows, in_trigger_settings));
    router.add("POST", "/hooks/kommo/:key", intake_route(deps, Intake::kommo, "kommo.webhook", "/hooks/kommo/***", account_hook_rows));
    router.add("POST", "/hooks/altegio-location/:salon/:key", location_route(deps));
    router.add("POST", "/telephony/:key/calls", telephony_route(deps));
    router.add("POST", "/tracking/:key/leads", intake_route(deps, Intake::tracking, "tracking.lead", "/tracking/***/leads",
                                                           [deps](int64_t account, const http::Request& request) {
                                                               return deps.tracking_rows(account, request.body);
                                                           }));
}

}  // namespace kb::hooks
