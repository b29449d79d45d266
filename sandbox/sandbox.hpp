#pragma once
// The sandbox: a simulated Altegio (API v1) and a simulated Kommo account (API v4 + OAuth) with realistic
// seed data, their limits and faults, and a control API for tests. One Router serves:
//   /altegio/api/v1/...     Altegio: envelope {success,data,meta}, partner/user Bearer header, 5 rps per IP
//   /kommo/...              Kommo:   OAuth, API v4 (hal+json, problem+json, 204 on empty), 7 rps
//   /__sandbox/...          control: state, faults, install, disposable tokens, act as Altegio staff
// Everything lives in memory; nothing leaves 127.0.0.1.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include "relay/http/router.hpp"
#include "relay/http/transport.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::sandbox {

using wire::Json;

struct SandboxConfig {
    std::string partner_token = "sandbox-partner-token";
    std::string marketplace_application_id = "sandbox-app-1";   // the relay's application in the Marketplace
    std::string altegio_login = "admin@bella.example";
    std::string altegio_password = "sandbox-password";
    std::string kommo_client_id = "sandbox-client-id";
    std::string kommo_client_secret = "sandbox-client-secret";
    std::string kommo_redirect_uri;              // the relay's /oauth/kommo
    int64_t kommo_account_id = 31000001;         // the simulated Kommo account (a second sandbox may play another one
    std::string kommo_subdomain = "bellastudio"; // connected to the first sandbox's Altegio)
    std::string relay_url;                       // where the host page finds the relay (widget files, API)
    int altegio_requests_per_second = 5;
    int kommo_requests_per_second = 7;
    std::function<int64_t()> clock;              // unix seconds; the system clock when empty
    http::Transport* outbound = nullptr;         // for webhooks and the install redirect
    std::string host_page_file;                  // card.html: also served at Kommo's leads list address
};

struct Fault {
    std::string target;          // "altegio", "kommo" or "altegio_webhook"
    std::string path_contains;   // "" = any path
    int status = 500;            // the answer; 0 with delay_ms = the call is carried out, its answer comes late
                                 // (after a caller's timeout: done, but the caller cannot know)
    int delay_ms = 0;
    int remaining = 1;
    double share = 0;            // > 0: hits this share of the matching calls, at random, and never runs out
    bool after = false;          // the call is carried out, then answered with `status`: its answer lost on the way
    std::string body_contains;   // "" = any body; else only requests whose body holds this text (one bad item of a batch)
};

class Sandbox {
public:
    explicit Sandbox(SandboxConfig config);
    ~Sandbox();
    const http::Router& router() const { return m_router; }
    const SandboxConfig& config() const { return m_config; }
    void set_public_url(const std::string& url);
    const std::string& public_url() const { return m_public_url; }

    Json snapshot();                             // the state tests inspect
    void stop_webhooks();                        // delivers what is queued, then sends no more
    void add_fault(const Fault& fault);
    std::string disposable_token(int64_t user_id);   // as Kommo's $authorizedAjax would add
    Json info();                                 // URLs and secrets the relay needs

    struct State;

private:
    void add_altegio_routes();
    void add_kommo_routes();
    void add_control_routes();
    int64_t now() const;
    // Runs `body` under the state lock, after the target's faults and rate limit had their say.
    http::Response guarded(const std::string& target, const http::Request& request, const std::function<http::Response(State&)>& body);

    SandboxConfig m_config;
    std::string m_public_url;
    std::unique_ptr<State> m_state;
    http::Router m_router;
};

}  // namespace kb::sandbox
