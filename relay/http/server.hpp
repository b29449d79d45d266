#pragma once
// An HTTP server on cpp-httplib's thread pool that hands every request to a Router.
// Usage:
//   kb::http::Server server(router);
//   server.mount("/widget/", "/path/to/files");   // static files
//   int port = server.start("127.0.0.1", 0);       // 0 = any free port; returns the bound port or -1
//   ...
//   server.stop();
#include <memory>
#include <string>
#include <vector>
#include "relay/http/router.hpp"

namespace kb::http {

struct ServerOptions {
    size_t max_body_bytes = 1 << 20;                // larger bodies get 413
    // Connections wait for their requests without a thread (relay/http/waiting_room.hpp); this many threads answer
    // requests whose head has arrived whole.
    size_t threads = 64;
    size_t requests_per_connection = 100;           // then the connection is closed (the sender opens another)
    // Time limits, so that idle or slow connections cannot hold the relay: a head (request line and headers) must
    // arrive whole within head_deadline_seconds, however steadily it trickles (408); a kept-alive connection idle for
    // keep_alive_seconds is closed; a body still arriving body_deadline_seconds after its head is refused (408); no
    // read waits longer than read_timeout_seconds for a byte; an answer must be taken within write_deadline_seconds.
    int head_deadline_seconds = 10;
    int keep_alive_seconds = 2;
    int read_timeout_seconds = 5;
    int body_deadline_seconds = 20;
    int write_deadline_seconds = 60;
    // The endings of the static files mount() serves (e.g. ".js"); any other file is a 404. Empty: every file.
    std::vector<std::string> file_endings;
    // The origin allowed to call with X-Auth-Token (CORS), or "" for none; asked per request.
    std::function<std::string(const Request&)> cors_origin_for;
    // Told of every request refused before the router saw it (a body too large or too slow, a malformed or
    // compressed one): the request's line and headers, the first bytes of its body, the status and why.
    std::function<void(const Request&, int status, const std::string& reason)> on_refused;
};

class Server {
public:
    explicit Server(const Router& router, ServerOptions options = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void mount(const std::string& url_prefix, const std::string& directory);
    int start(const std::string& host, int port);
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace kb::http
