#pragma once
// How a relay and a sandbox are configured to talk to each other inside one process: the sandbox answers as
// http://sandbox.test (Kommo under /kommo, Altegio under /altegio/api/v1) and sends its webhooks and install
// redirect to http://relay.test. Used by the relay tests (world.hpp) and the sync benchmark, which route both
// names through routers instead of sockets.
#include "relay/app.hpp"
#include "relay/crypto/secret_box.hpp"
#include "sandbox/sandbox.hpp"

namespace kb::testing {

// Forwards to a transport chosen after construction (the two sides need each other).
struct ForwardingTransport : http::Transport {
    http::Transport* target = nullptr;
    http::Response send(const http::OutgoingRequest& request) override { return target->send(request); }
};

// The sandbox's own limits are set high: the tests of limits and the burst benchmark lower them.
inline sandbox::SandboxConfig paired_sandbox_config(http::Transport* outbound, int kommo_limit = 1000) {
    sandbox::SandboxConfig c;
    c.kommo_redirect_uri = "http://relay.test/oauth/kommo";
    c.relay_url = "http://relay.test";
    c.outbound = outbound;
    c.altegio_requests_per_second = 1000;
    c.kommo_requests_per_second = kommo_limit;
    return c;
}

// The relay's own limits: Altegio and Kommo calls per second, and its sync workers.
inline RelayConfig paired_relay_config(const std::string& database, double altegio_rps, double kommo_rps, int worker_threads,
                                       std::chrono::milliseconds idle_poll) {
    RelayConfig config;
    config.database_path = database;
    config.master_key_hex = crypto::SecretBox::generate_key_text();
    config.public_url = "http://relay.test";
    config.kommo.client_id = "sandbox-client-id";
    config.kommo.client_secret = "sandbox-client-secret";
    config.kommo.redirect_uri = "http://relay.test/oauth/kommo";
    config.kommo.requests_per_second = kommo_rps;
    config.kommo_api_base_override = "http://sandbox.test/kommo";
    config.altegio = clients::AltegioConfig{"http://sandbox.test/altegio/api/v1", "sandbox-partner-token", "sandbox-app-1",
                                            {"http://sandbox.test/altegio/marketplace"}};
    config.altegio_requests_per_second = altegio_rps;
    config.workers.threads = worker_threads;
    config.workers.idle_poll = idle_poll;
    config.marketplace_retry_period = std::chrono::milliseconds(0);   // tests call retry_due() when they mean it
    return config;
}

}  // namespace kb::testing
