// The HTTP layer over real loopback sockets: the network transport keeps connections for the next call,
// and a kept connection that the other side has closed never costs a call.
#include <doctest/doctest.h>
#include <set>
#include "relay/http/router.hpp"
#include "relay/http/server.hpp"
#include "relay/http/transport.hpp"

using namespace kb;

TEST_CASE("the network transport reuses a connection for the next call to the same server") {
    http::Router router;
    std::mutex mutex;
    std::set<std::string> peers;
    router.add("POST", "/echo", [&](const http::Request& request) {
        std::lock_guard lock(mutex);
        peers.insert(request.remote_address + ":" + std::to_string(request.remote_port));
        return http::json_response(200, request.body);
    });
    http::Server server(router);
    int port = server.start("127.0.0.1", 0);
    REQUIRE(port > 0);
    auto transport = http::make_network_transport();
    std::string url = "http://127.0.0.1:" + std::to_string(port) + "/echo";
    for (int i = 0; i < 20; ++i) {
        auto r = transport->send({"POST", url, {}, "{\"n\":" + std::to_string(i) + "}"});
        REQUIRE(r.status == 200);
        CHECK(r.body == "{\"n\":" + std::to_string(i) + "}");
    }
    CHECK(peers.size() == 1);   // twenty calls, one TCP connection
}

TEST_CASE("a kept connection the server has closed is not used: the next call opens another and succeeds") {
    http::Router router;
    router.add("POST", "/echo", [](const http::Request& request) { return http::json_response(200, request.body); });
    auto transport = http::make_network_transport();
    auto first = std::make_unique<http::Server>(router);
    int port = first->start("127.0.0.1", 0);
    REQUIRE(port > 0);
    std::string url = "http://127.0.0.1:" + std::to_string(port) + "/echo";
    REQUIRE(transport->send({"POST", url, {}, "{}"}).status == 200);
    first.reset();   // closes every connection, including the one the transport keeps
    http::Server second(router);
    REQUIRE(second.start("127.0.0.1", port) == port);
    auto r = transport->send({"POST", url, {}, "{\"again\":true}"});
    CHECK(r.status == 200);
    CHECK(r.body == "{\"again\":true}");
}

TEST_CASE("connections are not kept when the options say so, and calls still succeed") {
    http::Router router;
    std::mutex mutex;
    std::set<int> ports;
    router.add("POST", "/echo", [&](const http::Request& request) {
        std::lock_guard lock(mutex);
        ports.insert(request.remote_port);
        return http::json_response(200, "{}");
    });
    http::Server server(router);
    int port = server.start("127.0.0.1", 0);
    http::NetworkOptions options;
    options.max_idle = std::chrono::milliseconds(0);
    auto transport = http::make_network_transport(options);
    for (int i = 0; i < 5; ++i) REQUIRE(transport->send({"POST", "http://127.0.0.1:" + std::to_string(port) + "/echo", {}, "{}"}).status == 200);
    CHECK(ports.size() == 5);
}
