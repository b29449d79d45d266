#pragma once
// Outgoing HTTP, as an interface so API clients can be tested against an in-process peer.
// Usage:
//   auto transport = kb::http::make_network_transport();
//   Response r = transport->send({"GET", "https://api.alteg.io/api/v1/companies?my=1", headers, ""});
//   // r.status == 0 means no answer (connection refused, timeout); r.body then says why.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include "relay/http/http_types.hpp"
#include "relay/http/router.hpp"

namespace kb::http {

struct OutgoingRequest {
    std::string method;
    std::string url;                              // absolute: scheme://host[:port]/path?query
    std::map<std::string, std::string> headers;
    std::string body;
    std::string content_type = "application/json";
};

class Transport {
public:
    virtual ~Transport() = default;
    virtual Response send(const OutgoingRequest& request) = 0;
};

struct NetworkOptions {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds read_timeout{15000};
    // Answered connections are kept for the next request to the same origin for this long (0: never kept).
    std::chrono::milliseconds max_idle{2000};
    size_t max_idle_per_origin = 16;
};

std::unique_ptr<Transport> make_network_transport(NetworkOptions options = {});

// Calls a Router directly, as if over the network: for tests that need no sockets.
class RouterTransport : public Transport {
public:
    explicit RouterTransport(const Router& router) : m_router(router) {}
    Response send(const OutgoingRequest& request) override;

private:
    const Router& m_router;
};

}  // namespace kb::http
