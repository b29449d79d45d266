// The only file that includes httplib.h: the server behind kb::http::Server and the network transport.
#include <httplib.h>

#include <sys/socket.h>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include "relay/http/server.hpp"
#include "relay/http/transport.hpp"

namespace kb::http {

// [SECTION] server ------------------------------------------------------------------------------------------
namespace {

Request to_plain(const httplib::Request& in) {
    Request out;
    out.method = in.method;
    out.path = in.path;
    for (const auto& [key, value] : in.params) {
        auto [it, inserted] = out.query.emplace(key, value);
        if (!inserted) it->second += "," + value;
    }
    for (const auto& [name, value] : in.headers) {
        out.headers[to_lower(name)] = value;
    }
    out.body = in.body;
    out.remote_address = in.remote_addr;
    out.remote_port = in.remote_port;
    return out;
}

}  // namespace

struct Server::Impl {
    const Router& router;
    ServerOptions options;
    httplib::Server server;
    std::thread thread;
    int listening_socket = -1;

    void answer(const httplib::Request& in, httplib::Response& out) {
        Request request = to_plain(in);
        std::string origin = options.cors_origin_for ? options.cors_origin_for(request) : std::string();
        if (!origin.empty()) {
            out.set_header("Access-Control-Allow-Origin", origin);
            out.set_header("Vary", "Origin");
        }
        if (in.method == "OPTIONS") {
            out.status = origin.empty() ? 403 : 204;
            out.set_header("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE, OPTIONS");
            out.set_header("Access-Control-Allow-Headers", "X-Auth-Token, Content-Type");
            out.set_header("Access-Control-Max-Age", "600");
            return;
        }
        Response response = router.dispatch(std::move(request));
        out.status = response.status;
        for (const auto& [name, value] : response.headers) out.set_header(name, value);
        out.set_content(response.body, response.content_type.c_str());
    }
};

Server::Server(const Router& router, ServerOptions options) : m_impl(new Impl{router, std::move(options), {}, {}}) {
    auto& server = m_impl->server;
    auto handler = [impl = m_impl.get()](const httplib::Request& in, httplib::Response& out) { impl->answer(in, out); };
    server.Get(".*", handler);
    server.Post(".*", handler);
    server.Put(".*", handler);
    server.Patch(".*", handler);
    server.Delete(".*", handler);
    server.Options(".*", handler);
    server.set_payload_max_length(m_impl->options.max_body_bytes);
    server.set_keep_alive_max_count(m_impl->options.requests_per_connection);
    // cpp-httplib 0.11 listens with a backlog of 5: a burst of senders connecting at once overflows it, and
    // Linux then drops handshakes whose senders already wrote their request (they see the connection reset).
    // The socket is noted here (with the library's own SO_REUSEADDR) and listened on again with a deep backlog.
    server.set_socket_options([impl = m_impl.get()](int sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        impl->listening_socket = sock;
    });
    server.set_tcp_nodelay(true);
    server.new_task_queue = [threads = m_impl->options.threads] { return new httplib::ThreadPool(threads); };
    server.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
    server.set_file_extension_and_mimetype_mapping("js", "text/javascript");
    // Static files (the widget's .js and .wasm) are public and loaded by Kommo's pages from another origin.
    server.set_file_request_handler([](const httplib::Request&, httplib::Response& out) {
        out.set_header("Access-Control-Allow-Origin", "*");
        out.set_header("Cache-Control", "no-cache");
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& out, std::exception_ptr) {
        out.status = 500;
        out.set_content(R"({"error":{"code":"internal","message_key":"ui.error.internal","detail":"unexpected failure"}})",
                        "application/json");
    });
    server.set_error_handler([](const httplib::Request&, httplib::Response& out) {
        if (out.status == 413)
            out.set_content(R"({"error":{"code":"bad_input","message_key":"ui.error.too_large","detail":"body too large"}})",
                            "application/json");
    });
}

Server::~Server() { stop(); }

void Server::mount(const std::string& url_prefix, const std::string& directory) { m_impl->server.set_mount_point(url_prefix, directory); }

int Server::start(const std::string& host, int port) {
    int bound = port == 0 ? m_impl->server.bind_to_any_port(host) : (m_impl->server.bind_to_port(host, port) ? port : -1);
    if (bound < 0) return -1;
    if (m_impl->listening_socket >= 0) ::listen(m_impl->listening_socket, SOMAXCONN);
    m_impl->thread = std::thread([this] { m_impl->server.listen_after_bind(); });
    for (int i = 0; i < 500 && !m_impl->server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return bound;
}

void Server::stop() {
    if (!m_impl) return;
    m_impl->server.stop();
    if (m_impl->thread.joinable()) m_impl->thread.join();
}

// [SECTION] network transport ----------------------------------------------------------------------------------
namespace {

// Keeps answered connections open and hands them to the next request for the same origin, so a call to
// Kommo or Altegio does not pay a TCP (and TLS) handshake each time. A connection idle for longer than
// `max_idle` is closed rather than reused: servers drop idle keep-alive connections after a few seconds, and
// a request written into a connection the server is closing fails for no reason of its own.
class NetworkTransport : public Transport {
    using Clock = std::chrono::steady_clock;
    struct Idle {
        std::unique_ptr<httplib::Client> client;
        Clock::time_point since;
    };

public:
    explicit NetworkTransport(NetworkOptions options) : m_options(options) {}

    Response send(const OutgoingRequest& request) override {
        size_t scheme_end = request.url.find("://");
        size_t path_start = scheme_end == std::string::npos ? std::string::npos : request.url.find('/', scheme_end + 3);
        if (scheme_end == std::string::npos) return Response{0, "text/plain", "bad URL: " + request.url, {}};
        std::string origin = request.url.substr(0, path_start);
        std::string path = path_start == std::string::npos ? "/" : request.url.substr(path_start);

        auto client = take(origin);
        httplib::Headers headers(request.headers.begin(), request.headers.end());
        httplib::Result result = [&] {
            const auto& m = request.method;
            if (m == "GET") return client->Get(path, headers);
            if (m == "DELETE") return client->Delete(path, headers, request.body, request.content_type);
            if (m == "POST") return client->Post(path, headers, request.body, request.content_type);
            if (m == "PUT") return client->Put(path, headers, request.body, request.content_type);
            return client->Patch(path, headers, request.body, request.content_type);
        }();
        if (!result) return Response{0, "text/plain", "no answer: " + httplib::to_string(result.error()), {}};
        Response response{result->status, result->get_header_value("Content-Type"), result->body, {}};
        for (const auto& [name, value] : result->headers) {
            response.headers[to_lower(name)] = value;
        }
        if (to_lower(result->get_header_value("Connection")) != "close") give_back(origin, std::move(client));
        return response;
    }

private:
    std::unique_ptr<httplib::Client> take(const std::string& origin) {
        {
            std::lock_guard lock(m_mutex);
            auto now = Clock::now();
            for (auto [it, end] = m_idle.equal_range(origin); it != end;) {
                if (now - it->second.since > m_options.max_idle) {
                    it = m_idle.erase(it);
                    continue;
                }
                auto client = std::move(it->second.client);
                m_idle.erase(it);
                return client;
            }
        }
        auto client = std::make_unique<httplib::Client>(origin);
        client->set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(m_options.connect_timeout));
        client->set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(m_options.read_timeout));
        client->set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(m_options.read_timeout));
        client->set_keep_alive(m_options.max_idle.count() > 0);
        client->set_tcp_nodelay(true);
        return client;
    }

    void give_back(const std::string& origin, std::unique_ptr<httplib::Client> client) {
        if (m_options.max_idle.count() <= 0) return;
        std::lock_guard lock(m_mutex);
        if (m_idle.count(origin) >= m_options.max_idle_per_origin) return;
        m_idle.emplace(origin, Idle{std::move(client), Clock::now()});
    }

    NetworkOptions m_options;
    std::mutex m_mutex;
    std::multimap<std::string, Idle> m_idle;   // origin -> connections waiting for a request
};

}  // namespace

std::unique_ptr<Transport> make_network_transport(NetworkOptions options) { return std::make_unique<NetworkTransport>(options); }

}  // namespace kb::http
