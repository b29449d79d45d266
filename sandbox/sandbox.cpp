// The sandbox's frame: helpers, limits and faults around every simulated endpoint, the webhook sender,
// and the control API (/__sandbox/...).
#include "sandbox/sandbox.hpp"

#include <chrono>
#include <fstream>
#include <iterator>
#include <random>
#include "relay/crypto/hmac.hpp"
#include "relay/crypto/jwt.hpp"
#include "sandbox/state.hpp"
#include "shared/domain/calendar.hpp"

namespace kb::sandbox {

// [SECTION] helpers ------------------------------------------------------------------------------------------
http::Response altegio_ok(const Json& data, int status, const Json& meta) {
    return http::json_response(status, Json{{"success", true}, {"data", data}, {"meta", meta}}.dump());
}

http::Response altegio_error(int status, const std::string& message, int64_t code) {
    Json body{{"success", false}, {"data", Json()}, {"meta", Json{{"message", message}}}};
    if (code != 0) body["errors"] = Json{{"code", code}, {"message", message}};
    return http::json_response(status, body.dump());
}

http::Response kommo_json(int status, const Json& body) {
    return http::Response{status, "application/hal+json", body.dump(), {}};
}

http::Response kommo_problem(int status, const std::string& title, const std::string& detail, const Json& extra) {
    Json body{{"title", title}, {"type", "https://httpstatus.es/" + std::to_string(status)}, {"status", status}, {"detail", detail}};
    body.update(extra);
    return http::Response{status, "application/problem+json", body.dump(), {}};
}

std::string local_wall(int64_t unix_seconds, int32_t offset) {
    int64_t local = unix_seconds + offset;
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t seconds = local - days * 86400;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%s %02d:%02d:%02d", domain::format_civil(domain::civil_from_days(days)).c_str(),
                  static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
    return buffer;
}

std::string local_iso(int64_t unix_seconds, int32_t offset) {
    std::string wall = local_wall(unix_seconds, offset);
    wall[10] = 'T';
    char zone[16];
    int32_t minutes = std::abs(offset) / 60;
    std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset < 0 ? '-' : '+', minutes / 60, minutes % 60);
    return wall + zone;
}

std::string random_hex(size_t bytes) {
    static std::mutex mutex;
    static std::mt19937_64 random(std::random_device{}());
    std::lock_guard lock(mutex);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < bytes; ++i) {
        auto byte = random() & 0xff;
        out += digits[byte >> 4];
        out += digits[byte & 15];
    }
    return out;
}

bool send_webhook(Sandbox::State& s, int64_t company, const std::string& resource, const Json& data, const std::string& status) {
    for (auto f = s.faults.begin(); f != s.faults.end(); ++f)
        if (f->target == "altegio_webhook") {
            if (--f->remaining <= 0) s.faults.erase(f);
            return false;
        }
    const Json& hooks = s.hooks[company];
    if (hooks.value("active", 0) != 1 || hooks.value(resource, 0) != 1) return true;
    for (const auto& url : hooks["urls"])
        s.outbox.emplace_back(url.get<std::string>(), Json{{"company_id", company}, {"resource", resource}, {"resource_id", data["id"]},
                                                            {"status", status}, {"data", data}}.dump());
    s.outbox_ready.notify_one();
    return true;
}

bool send_record_webhook(Sandbox::State& s, int64_t company, const Json& record, const std::string& status) {
    return send_webhook(s, company, "record", record, status);
}

// [SECTION] life cycle ----------------------------------------------------------------------------------------
Sandbox::Sandbox(SandboxConfig config) : m_config(std::move(config)), m_state(std::make_unique<State>()) {
    seed(*m_state, now(), m_config.kommo_account_id, m_config.kommo_subdomain);
    add_altegio_routes();
    add_kommo_routes();
    add_control_routes();
    m_state->sender = std::thread([this] {
        State& s = *m_state;
        std::unique_lock lock(s.mutex);
        for (;;) {
            s.outbox_ready.wait(lock, [&] { return s.stopping || !s.outbox.empty(); });
            if (s.outbox.empty()) return;   // stopping, nothing left to send
            auto [url, body] = std::move(s.outbox.front());
            s.outbox.pop_front();
            ++s.webhooks_in_flight;
            lock.unlock();
            int status = 0;
            if (m_config.outbound) status = m_config.outbound->send({"POST", url, {{"User-Agent", "GuzzleHttp/7"}}, body}).status;
            lock.lock();
            Json parsed = Json::parse(body, nullptr, false);   // a form (a Digital Pipeline trigger) is kept as text
            s.webhooks_sent.push_back(Json{{"url", url}, {"status", status}, {"body", parsed.is_discarded() ? Json(body) : parsed}});
            --s.webhooks_in_flight;
        }
    });
}

Sandbox::~Sandbox() { stop_webhooks(); }

void Sandbox::stop_webhooks() {
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stopping = true;
    }
    m_state->outbox_ready.notify_all();
    if (m_state->changer.joinable()) m_state->changer.join();
    if (m_state->sender.joinable()) m_state->sender.join();
}

int64_t Sandbox::now() const {
    if (m_config.clock) return m_config.clock();
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Sandbox::set_public_url(const std::string& url) { m_public_url = url; }

void Sandbox::add_fault(const Fault& fault) {
    std::lock_guard lock(m_state->mutex);
    m_state->faults.push_back(fault);
}

std::string Sandbox::disposable_token(int64_t user_id) {
    std::lock_guard lock(m_state->mutex);
    const auto& account = m_state->account;
    bool is_admin = false;
    for (const auto& u : m_state->users)
        if (u["id"] == user_id) is_admin = u["rights"]["is_admin"].get<bool>();
    std::string redirect = m_config.kommo_redirect_uri;
    size_t scheme = redirect.find("://");
    std::string audience = redirect.substr(0, scheme == std::string::npos ? 0 : redirect.find('/', scheme + 3));
    int64_t t = now();
    Json claims{{"iss", "https://" + account["subdomain"].get<std::string>() + ".kommo.com"},
                {"aud", audience}, {"jti", random_hex(16)}, {"iat", t}, {"nbf", t}, {"exp", t + 1800},
                {"account_id", account["id"]}, {"subdomain", account["subdomain"]}, {"client_uuid", m_config.kommo_client_id},
                {"user_id", user_id}, {"is_admin", is_admin}};
    return crypto::sign_hs256(claims, m_config.kommo_client_secret);
}

Json Sandbox::info() {
    return Json{{"sandbox_url", m_public_url},
                {"altegio_base_url", m_public_url + "/altegio/api/v1"},
                {"altegio_partner_token", m_config.partner_token},
                {"altegio_login", m_config.altegio_login},
                {"altegio_password", m_config.altegio_password},
                {"employee_logins", Json{{"olga@bella.example", "olga-sandbox"}, {"lucia@bella.example", "lucia-sandbox"}}},
                {"kommo_api_base_url", m_public_url + "/kommo"},
                {"kommo_client_id", m_config.kommo_client_id},
                {"kommo_client_secret", m_config.kommo_client_secret},
                {"kommo_redirect_uri", m_config.kommo_redirect_uri},
                {"relay_url", m_config.relay_url},
                {"lead_card_url", m_public_url + "/card.html?lead=21001"}};
}

Json Sandbox::snapshot() {
    std::lock_guard lock(m_state->mutex);
    const State& s = *m_state;
    Json records = Json::array(), leads = Json::array(), contacts = Json::array();
    auto kommo_count = [](const std::map<std::string, int64_t>& counts) {
        auto it = counts.find("kommo");
        return it == counts.end() ? int64_t{0} : it->second;
    };
    for (const auto& [id, r] : s.records) records.push_back(r);
    for (const auto& [id, l] : s.leads) leads.push_back(l);
    for (const auto& [id, c] : s.contacts) contacts.push_back(c);
    Json crm_companies = Json::array();
    for (const auto& [id, c] : s.crm_companies) crm_companies.push_back(c);
    Json statuses = Json::object();
    for (const auto& pipeline : s.pipelines)
        for (const auto& status : pipeline["_embedded"]["statuses"]) statuses[std::to_string(status["id"].get<int64_t>())] = status["name"];
    Json lead_contacts = Json::object();
    for (const auto& [lead, links] : s.lead_contacts)
        for (const auto& [contact, is_main] : links) lead_contacts[std::to_string(lead)].push_back(contact);
    Json hook_urls = Json::object();   // company -> the addresses its webhooks go to
    for (const auto& [company, hooks] : s.hooks) hook_urls[std::to_string(company)] = hooks.value("urls", Json::array());
    return Json{{"altegio", Json{{"records", records}, {"hooks", Json(s.hooks.size())}, {"hook_urls", hook_urls}, {"webhooks_sent", s.webhooks_sent},
                                      {"webhooks_pending", static_cast<int64_t>(s.outbox.size()) + s.webhooks_in_flight},
                                      {"changes_made", s.changes_made}, {"marketplace_activations", s.marketplace_activations},
                                      {"voip", Json{{"chains", s.voip_chains}, {"popups", s.voip_popups}, {"calls", s.voip_calls},
                                                    {"ignored", s.voip_ignored}}}}},
                {"kommo", Json{{"leads", leads}, {"contacts", contacts}, {"companies", crm_companies}, {"lead_contacts", lead_contacts}, {"statuses", statuses}, {"lead_fields", s.lead_fields},
                               {"contact_fields", s.contact_fields}, {"company_fields", s.company_fields}, {"tasks", s.tasks},
                               {"notes", s.notes}, {"webhooks", s.webhooks}, {"refreshes", s.refreshes}, {"installs", s.installs}, {"installed", s.installed},
                               {"live_access_tokens", s.access_tokens.size()},
                               {"calls_answered", kommo_count(s.admitted_by_target)}, {"rate_limited_answers", kommo_count(s.limited_by_target)},
                               {"last_call_at_ms", s.last_kommo_call_at_ms}}},
                {"rate_limited_answers", s.rate_limited_answers}};
}

// [SECTION] limits and faults -----------------------------------------------------------------------------------
http::Response Sandbox::guarded(const std::string& target, const http::Request& request,
                                const std::function<http::Response(State&)>& body) {
    int delay_ms = 0;
    int lost_answer_status = 0;   // a fault `after`: done, then this status instead of the answer
    {
        std::lock_guard lock(m_state->mutex);
        State& s = *m_state;
        for (auto it = s.faults.begin(); it != s.faults.end(); ++it) {
            if (it->target != target || request.path.find(it->path_contains) == std::string::npos) continue;
            if (!it->body_contains.empty() && request.body.find(it->body_contains) == std::string::npos) continue;
            Fault fault = *it;
            if (fault.share > 0) {
                if (std::uniform_real_distribution<double>(0, 1)(s.fault_random) >= fault.share) continue;
            } else if (--it->remaining <= 0) {
                s.faults.erase(it);
            }
            if (fault.status == 0) {
                delay_ms = fault.delay_ms;
                break;
            }
            if (fault.after) {
                lost_answer_status = fault.status;
                break;
            }
            if (fault.status == 429 && target == "kommo")
                return http::text_response(429, "<html><body><h1>429 Too Many Requests</h1></body></html>", "text/html");
            if (fault.status == 403 && target == "kommo")   // how Kommo answers for an account it has blocked
                return http::text_response(403, "<html><body><h1>403 Forbidden</h1><p>Access denied</p></body></html>", "text/html");
            if (fault.status >= 500) return http::text_response(fault.status, "<html><body>upstream failure</body></html>", "text/html");
            return target == "altegio" ? altegio_error(fault.status, "injected fault")
                                       : kommo_problem(fault.status, "Injected fault", "injected by the sandbox");
        }
        // Sliding one-second window: Altegio limits per caller IP, Kommo per integration and account.
        std::string key = target == "altegio" ? "altegio:" + request.remote_address : "kommo";
        int limit = target == "altegio" ? m_config.altegio_requests_per_second : m_config.kommo_requests_per_second;
        int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch()).count();
        if (request.remote_address == "altegio-staff") limit = 1 << 30;   // staff in Altegio's own UI, not API calls
        auto& calls = s.recent_calls[key];
        while (!calls.empty() && calls.front() <= now_ms - 1000) calls.pop_front();
        if (static_cast<int>(calls.size()) >= limit) {
            ++s.rate_limited_answers;
            ++s.limited_by_target[target];
            if (target == "kommo") return http::text_response(429, "<html><body><h1>429 Too Many Requests</h1></body></html>", "text/html");
            return altegio_error(429, "Too many requests");
        }
        calls.push_back(now_ms);
        ++s.admitted_by_target[target];
        if (target == "kommo")
            s.last_kommo_call_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch()).count();
    }
    http::Response answer;
    {
        std::lock_guard lock(m_state->mutex);
        answer = body(*m_state);
    }
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));   // done, but answered late
    if (lost_answer_status != 0) return http::text_response(lost_answer_status, "<html><body>upstream failure</body></html>", "text/html");
    return answer;
}

// [SECTION] control API --------------------------------------------------------------------------------------
void Sandbox::add_control_routes() {
    using http::Request;
    m_router.add("GET", "/__sandbox/info", [this](const Request&) { return http::json_response(200, info().dump()); });
    // Kommo's address of a pipeline's leads list, and of a widget's advanced settings page: the host page, which
    // draws the list or the settings area for such an address.
    auto host_page = [this](const Request&) {
        std::ifstream file(m_config.host_page_file, std::ios::binary);
        if (!file) return http::json_response(404, R"({"error":"no host page"})");
        std::string page((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        return http::text_response(200, page, "text/html; charset=utf-8");
    };
    m_router.add("GET", "/leads/pipeline/:id", host_page);
    m_router.add("GET", "/settings/widgets/:code", host_page);
    m_router.add("GET", "/settings/pipeline/leads/:id", host_page);   // a pipeline's Digital Pipeline settings
    // Kommo's address of a lead's card, where "Go to lead" sends the browser: the imitated card.
    m_router.add("GET", "/leads/detail/:id", [](const Request& request) {
        http::Response r{302, "text/plain", "", {}};
        r.headers["Location"] = "/card.html?lead=" + std::to_string(wire::int_from(wire::Json(request.param("id")), "id").value_or(0));
        return r;
    });
    m_router.add("GET", "/__sandbox/state", [this](const Request&) { return http::json_response(200, snapshot().dump()); });
    m_router.add("GET", "/__sandbox/webhooks", [this](const Request&) {   // the small part of the state load tests poll
        std::lock_guard lock(m_state->mutex);
        const State& s = *m_state;
        return http::json_response(200, Json{{"pending", static_cast<int64_t>(s.outbox.size()) + s.webhooks_in_flight},
                                             {"sent", s.webhooks_sent.size()}, {"changes_made", s.changes_made}}.dump());
    });

    m_router.add("POST", "/__sandbox/faults", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object()) return http::json_response(400, R"({"error":"expected a JSON object"})");
        Fault fault{wire::read_text(*body, "target"), wire::read_text(*body, "path_contains"),
                    static_cast<int>(wire::read_int_or(*body, "status", "", 500).value_or(500)),
                    static_cast<int>(wire::read_int_or(*body, "delay_ms", "", 0).value_or(0)),
                    static_cast<int>(wire::read_int_or(*body, "count", "", 1).value_or(1)),
                    body->value("share", 0.0), body->value("after", false), wire::read_text(*body, "body_contains")};
        if (fault.target != "altegio" && fault.target != "kommo" && fault.target != "altegio_webhook")
            return http::json_response(400, R"({"error":"target must be altegio, kommo or altegio_webhook"})");
        add_fault(fault);
        return http::json_response(201, R"({"ok":true})");
    });
    m_router.add("DELETE", "/__sandbox/faults", [this](const Request&) {
        std::lock_guard lock(m_state->mutex);
        m_state->faults.clear();
        return http::json_response(200, R"({"ok":true})");
    });

    m_router.add("GET", "/__sandbox/kommo/disposable_token", [this](const Request& request) {
        auto user = wire::int_from(Json(request.query_value("user_id")), "user_id").value_or(9001);
        return http::json_response(200, Json{{"token", disposable_token(user)}}.dump());
    });

    // The admin changes the account's time zone in Kommo's settings: {"timezone": "UTC", "timezone_offset": "+00:00"}.
    m_router.add("POST", "/__sandbox/kommo/timezone", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object()) return http::json_response(400, R"({"error":"expected a JSON object"})");
        std::lock_guard lock(m_state->mutex);
        m_state->datetime_settings["timezone"] = wire::read_text(*body, "timezone");
        m_state->datetime_settings["timezone_offset"] = wire::read_text(*body, "timezone_offset");
        return http::json_response(200, R"({"ok":true})");
    });

    // Kommo's contact list as it would be if it ignored filter[updated_at] (documented for leads only): {"ignore": true}.
    m_router.add("POST", "/__sandbox/kommo/contacts/ignore_change_filter", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object()) return http::json_response(400, R"({"error":"expected {ignore}"})");
        std::lock_guard lock(m_state->mutex);
        m_state->contacts_unfiltered_by_change = body->value("ignore", true);
        return http::json_response(200, R"({"ok":true})");
    });

    m_router.add("POST", "/__sandbox/kommo/expire_access_tokens", [this](const Request&) {
        std::lock_guard lock(m_state->mutex);
        for (auto& [token, expires] : m_state->access_tokens) expires = 0;
        return http::json_response(200, R"({"ok":true})");
    });

    // Acts as Kommo when an admin installs the widget: a code, then a GET to the relay's redirect URI with the
    // account's host as `referer` (?referer= sends another one, as a forged link would) and the `state` the install
    // started with (?state=, as the relay's /oauth/kommo/start put it into Kommo's consent page; "sandbox" otherwise).
    m_router.add("POST", "/__sandbox/kommo/install", [this](const Request& request) {
        std::string code = random_hex(20);
        std::string referer = request.query_value("referer");
        std::string state = request.query_value("state").empty() ? "sandbox" : request.query_value("state");
        {
            std::lock_guard lock(m_state->mutex);
            m_state->auth_codes[code] = now() + 20 * 60;
            if (referer.empty()) referer = m_state->account.value("subdomain", std::string("sandbox")) + ".kommo.com";
        }
        if (!m_config.outbound || m_config.kommo_redirect_uri.empty())
            return http::json_response(409, R"({"error":"no relay redirect URI configured"})");
        auto answer = m_config.outbound->send({"GET", m_config.kommo_redirect_uri + "?code=" + code + "&state=" + http::url_encode(state) + "&referer=" +
                                                           http::url_encode(referer) + "&platform=2&client_id=" + m_config.kommo_client_id +
                                                           "&from_widget=1", {}, ""});
        return http::json_response(answer.status == 200 ? 200 : 502,
                                   Json{{"relay_status", answer.status}, {"relay_body", answer.body.substr(0, 500)}}.dump());
    });

    // The admin removes the integration: Kommo revokes its tokens and calls the "access revoked" hook, signed
    // hex(HMAC-SHA256(client_id|account_id, client_secret)).
    m_router.add("POST", "/__sandbox/kommo/uninstall", [this](const Request&) {
        std::string account_id;
        {
            std::lock_guard lock(m_state->mutex);
            for (auto& [token, usable] : m_state->refresh_tokens) usable = false;
            m_state->installed = false;
            m_state->access_tokens.clear();
            account_id = std::to_string(m_state->account["id"].get<int64_t>());
        }
        if (!m_config.outbound || m_config.kommo_redirect_uri.empty())
            return http::json_response(409, R"({"error":"no relay redirect URI configured"})");
        std::string signature = crypto::hmac_sha256_hex(m_config.kommo_client_id + "|" + account_id, m_config.kommo_client_secret);
        auto answer = m_config.outbound->send({"GET", m_config.kommo_redirect_uri + "/revoked?account_id=" + account_id +
                                                          "&client_uuid=" + http::url_encode(m_config.kommo_client_id) +
                                                          "&signature=" + signature, {}, ""});
        return http::json_response(answer.status == 200 ? 200 : 502,
                                   Json{{"relay_status", answer.status}, {"relay_body", answer.body.substr(0, 500)}}.dump());
    });
}

}  // namespace kb::sandbox
