// The only file that includes httplib.h: the server behind kb::http::Server and the network transport.
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include "relay/http/content_coding.hpp"
#include "relay/http/server.hpp"
#include "relay/http/transport.hpp"
#include "relay/http/waiting_room.hpp"
#include "shared/domain/text.hpp"

namespace kb::http {

// [SECTION] server ------------------------------------------------------------------------------------------
// The edge: cpp-httplib 0.11 reads no body on GET, HEAD or OPTIONS (the bytes would be read as the next request),
// reads a chunked or compressed body without a bound, and refuses form bodies over 8 KiB before any handler runs.
// So every request is checked before its body is read (pre_routing), and bodies are read by the relay itself,
// counted as they arrive (content-reader handlers). A refused request gets its answer and its connection closed.
namespace {

std::string error_json(const char* code, const char* message_key, const char* detail) {
    return std::string(R"({"error":{"code":")") + code + R"(","message_key":")" + message_key + R"(","detail":")" + detail + R"("}})";
}

// Answers `status` with `json` and then closes the connection: the provider writes the body and reports failure,
// which makes cpp-httplib end the connection after the answer instead of reading more requests from it.
void answer_and_close(httplib::Response& out, int status, std::string json) {
    out.status = status;
    out.set_header("Connection", "close");
    size_t length = json.size();
    out.set_content_provider(length, "application/json", [json = std::move(json)](size_t offset, size_t, httplib::DataSink& sink) {
        sink.write(json.data() + offset, json.size() - offset);
        return false;
    });
}

// Sets the answer's body in `coding` (the body already in it). Every body goes out through a content provider of
// known length: cpp-httplib compresses only bodies set whole, and it would brotli them at quality 11 per request.
void set_body(httplib::Response& out, std::string body, const std::string& type, Coding coding = Coding::identity) {
    if (coding != Coding::identity) out.set_header("Content-Encoding", coding_name(coding));
    size_t length = body.size();
    out.body.clear();
    out.headers.erase("Content-Type");
    if (length == 0) {
        out.set_header("Content-Type", type);
        return;
    }
    out.set_content_provider(length, type.c_str(), [body = std::move(body)](size_t offset, size_t size, httplib::DataSink& sink) {
        if (offset < body.size()) sink.write(body.data() + offset, std::min(size, body.size() - offset));
        return true;
    });
}

// A body of a compressible type worth compressing is gzipped when the caller accepts it.
void set_compressible_body(const httplib::Request& in, httplib::Response& out, std::string body, const std::string& type) {
    bool worth_it = body.size() >= 1024 && compressible_type(type);
    if (worth_it) out.set_header("Vary", out.has_header("Vary") ? out.get_header_value("Vary") + ", Accept-Encoding" : "Accept-Encoding");
    if (worth_it && choose_coding(in.get_header_value("Accept-Encoding"), false, true) == Coding::gzip) {
        std::string packed = gzip(body);
        if (!packed.empty()) return set_body(out, std::move(packed), type, Coding::gzip);
    }
    set_body(out, std::move(body), type);
}

bool regular_file(const std::string& path) {
    struct stat file {};
    return ::stat(path.c_str(), &file) == 0 && S_ISREG(file.st_mode);
}

std::optional<std::string> read_whole(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// A static file (its whole body read by cpp-httplib) goes out in the smallest form the caller accepts: the .br or
// .gz file made beside it at build time, else gzipped here if its type gains from it. Each form has its own ETag
// (size, time and coding), so a browser revalidating its copy gets 304 and keeps the code it compiled from it.
void send_file(const httplib::Request& in, httplib::Response& out, const std::string& path) {
    struct stat file {};
    if (::stat(path.c_str(), &file) != 0) return;
    std::string type = out.get_header_value("Content-Type");
    out.set_header("Vary", "Accept-Encoding");
    bool ranged = in.has_header("Range");   // ranges are served from the file as it is
    bool have_br = !ranged && regular_file(path + ".br"), have_gz = !ranged && regular_file(path + ".gz");
    bool can_gzip = !ranged && out.body.size() >= 1024 && compressible_type(type);
    Coding coding = choose_coding(in.get_header_value("Accept-Encoding"), have_br, have_gz || can_gzip);
    char tag[96];
    std::snprintf(tag, sizeof tag, "\"%llx-%llx-%s\"", static_cast<unsigned long long>(file.st_size),
                  static_cast<unsigned long long>(file.st_mtim.tv_sec) * 1000000000ull + static_cast<unsigned long long>(file.st_mtim.tv_nsec),
                  coding == Coding::identity ? "id" : coding_name(coding));
    out.set_header("ETag", tag);
    if (!ranged && in.get_header_value("If-None-Match").find(tag) != std::string::npos) {
        out.status = 304;
        out.body.clear();
        out.headers.erase("Content-Type");
        return;
    }
    std::optional<std::string> body;
    if (coding == Coding::br) body = read_whole(path + ".br");
    else if (coding == Coding::gzip) body = have_gz ? read_whole(path + ".gz") : gzip(out.body);
    if (coding != Coding::identity && (!body || body->empty())) {   // a compressed form that could not be read
        out.headers.erase("ETag");
        coding = Coding::identity;
    }
    if (coding == Coding::identity) body = std::move(out.body);
    set_body(out, std::move(*body), type, coding);
}

// The connection the current worker thread answers (see ConnectionStream): a refusal marks it, so nothing more is
// read from it (a HEAD answer has no body, so cpp-httplib cannot be made to close after it by failing the body).
thread_local Connection* t_connection = nullptr;

void refuse_connection() {
    if (t_connection) t_connection->refused = true;
}

bool only_digits(const std::string& text) {
    return !text.empty() && text.size() <= 18 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Request to_plain(const httplib::Request& in, std::string body) {
    Request out;
    out.method = in.method;
    out.path = in.path;
    for (const auto& [key, value] : in.params) {   // the query string only: bodies are read by the relay itself
        auto [it, inserted] = out.query.emplace(key, value);
        if (!inserted) it->second += "," + value;
    }
    for (const auto& [name, value] : in.headers) {
        out.headers[to_lower(name)] = value;
    }
    out.body = std::move(body);
    out.remote_address = in.remote_addr;
    out.remote_port = in.remote_port;
    return out;
}

// A connection as cpp-httplib reads and writes it: first the bytes the waiting room already received, then the
// socket, each wait bounded by poll() (no select(), so sockets past 1,024 work) and by the request's deadlines.
class ConnectionStream final : public httplib::Stream {
    using Clock = std::chrono::steady_clock;

public:
    ConnectionStream(Connection& connection, const ServerOptions& options)
        : m_connection(connection), m_wait(std::chrono::seconds(options.read_timeout_seconds)),
          m_write_time(std::chrono::seconds(options.write_deadline_seconds)),
          // A backstop past the body's own deadline (read_and_answer answers 408 first).
          m_read_deadline(Clock::now() + std::chrono::seconds(options.body_deadline_seconds + options.read_timeout_seconds)) {}
    ~ConnectionStream() override { m_connection.pending.erase(0, m_offset); }   // what is left belongs to the next request

    bool is_readable() const override { return m_offset < m_connection.pending.size() || wait_for(POLLIN, m_read_deadline); }
    bool is_writable() const override { return wait_for(POLLOUT, write_deadline()); }

    ssize_t read(char* ptr, size_t size) override {
        std::string& pending = m_connection.pending;
        if (m_offset == pending.size()) {
            pending.clear();
            m_offset = 0;
            for (;;) {
                if (!wait_for(POLLIN, m_read_deadline)) return -1;
                char chunk[16 * 1024];
                ssize_t got = ::recv(m_connection.socket, chunk, sizeof chunk, MSG_DONTWAIT);
                if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
                if (got <= 0) return got;
                pending.assign(chunk, static_cast<size_t>(got));
                break;
            }
        }
        size_t n = std::min(size, pending.size() - m_offset);
        std::memcpy(ptr, pending.data() + m_offset, n);
        m_offset += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* ptr, size_t size) override {
        for (;;) {
            if (!wait_for(POLLOUT, write_deadline())) return -1;
            ssize_t sent = ::send(m_connection.socket, ptr, size, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            return sent;
        }
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(::getpeername, ip, port); }
    void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(::getsockname, ip, port); }
    socket_t socket() const override { return m_connection.socket; }

private:
    // The answer has write_deadline_seconds from its first byte, however slowly the client reads.
    Clock::time_point write_deadline() const {
        if (!m_writing) {
            m_writing = true;
            m_write_deadline = Clock::now() + m_write_time;
        }
        return m_write_deadline;
    }

    // Waits for `events` at most read_timeout_seconds at a time and never past `deadline`.
    bool wait_for(short events, Clock::time_point deadline) const {
        auto left = std::min<Clock::duration>(deadline - Clock::now(), m_wait);
        if (left <= Clock::duration::zero()) return false;
        pollfd watched{m_connection.socket, events, 0};
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1;
        int ready = ::poll(&watched, 1, static_cast<int>(ms));
        return ready > 0 && (watched.revents & (events | POLLHUP | POLLERR));
    }

    void address_of(int (*ask)(int, sockaddr*, socklen_t*), std::string& ip, int& port) const {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (ask(m_connection.socket, reinterpret_cast<sockaddr*>(&address), &length) != 0) return;
        char text[INET6_ADDRSTRLEN] = {};
        if (address.ss_family == AF_INET) {
            auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
            ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
            port = ntohs(v4->sin_port);
        } else if (address.ss_family == AF_INET6) {
            auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
            ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
            port = ntohs(v6->sin6_port);
        }
        ip = text;
    }

    Connection& m_connection;
    size_t m_offset = 0;
    Clock::duration m_wait;
    Clock::duration m_write_time;
    Clock::time_point m_read_deadline;
    mutable bool m_writing = false;
    mutable Clock::time_point m_write_deadline;
};

// cpp-httplib's server with its connection handling replaced: an accepted socket goes to the waiting room instead
// of holding a pool thread for as long as it stays open, and each request is read from a ConnectionStream.
class EdgeServer : public httplib::Server {
public:
    WaitingRoom* room = nullptr;

    // Answers the one request whose head the connection holds; false when the connection must be closed.
    bool answer_one(Connection& connection, const ServerOptions& options) {
        bool last = connection.answered + 1 >= options.requests_per_connection;
        bool closed_by_client = false;
        bool written;
        {
            ConnectionStream stream(connection, options);
            t_connection = &connection;
            written = process_request(stream, last, closed_by_client, nullptr);
            t_connection = nullptr;
        }
        ++connection.answered;
        return written && !last && !closed_by_client && !connection.refused;
    }

private:
    bool process_and_close_socket(socket_t sock) override {
        room->admit(sock);
        return true;
    }
};

// Runs each accepted socket's task at once on the accepting thread: the task only hands it to the waiting room.
struct HandOver : httplib::TaskQueue {
    void enqueue(std::function<void()> task) override { task(); }
    void shutdown() override {}
};

std::string whole_answer(int status, const char* reason, const std::string& json) {
    return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(json.size()) + "\r\nConnection: close\r\n\r\n" + json;
}

}  // namespace

struct Server::Impl {
    const Router& router;
    ServerOptions options;
    EdgeServer server;
    std::unique_ptr<WaitingRoom> room;
    std::thread thread;
    int listening_socket = -1;
    std::vector<std::pair<std::string, std::string>> mounts;   // URL prefix, folder: as cpp-httplib matches them

    // Static files: only the kinds the options name (the relay: the widget's .js, .wasm and font slices);
    // whatever else lies in the folder (an index.html, a backup, a source map, a .br copy) is not served.
    bool own_file(const std::string& url_path) const {
        const auto& endings = options.file_endings;
        bool named = endings.empty() || std::any_of(endings.begin(), endings.end(), [&](const std::string& e) { return url_path.ends_with(e); });
        return named && url_path.find("/.") == std::string::npos;
    }

    // The file on disk a static request was answered from (the first mount whose prefix matches and holds it).
    std::string file_path(const std::string& url_path) const {
        for (const auto& [prefix, folder] : mounts) {
            if (!url_path.starts_with(prefix)) continue;
            std::string path = folder + "/" + url_path.substr(prefix.size());
            if (regular_file(path)) return path;
        }
        return {};
    }

    // Before the body is read and before static files: a request the relay will not serve is answered and its
    // connection closed.
    httplib::Server::HandlerResponse screen(const httplib::Request& in, httplib::Response& out) {
        using Handled = httplib::Server::HandlerResponse;
        auto refuse = [&](int status, const char* message_key, const char* detail) {
            refuse_connection();
            answer_and_close(out, status, error_json("bad_input", message_key, detail));
            tell_refused(in, {}, status, detail);
            return Handled::Handled;
        };
        bool has_length = in.has_header("Content-Length");
        bool chunked = in.has_header("Transfer-Encoding");
        std::string length = in.get_header_value("Content-Length");
        if (has_length && (in.get_header_value_count("Content-Length") > 1 || !only_digits(length)))
            return refuse(400, "ui.error.bad_request", "malformed Content-Length");
        if (has_length && chunked) return refuse(400, "ui.error.bad_request", "both Content-Length and Transfer-Encoding");
        if (chunked && to_lower(in.get_header_value("Transfer-Encoding")) != "chunked")
            return refuse(501, "ui.error.bad_request", "unsupported Transfer-Encoding");
        bool has_body = chunked || (has_length && std::stoll(length) > 0);
        const std::string& m = in.method;
        if (has_body && (m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "DELETE"))
            return refuse(400, "ui.error.bad_request", "this method carries no body");
        // cpp-httplib would read a body of unstated length until the sender closes the connection.
        if (!has_length && !chunked && (m == "POST" || m == "PUT" || m == "PATCH"))
            return refuse(411, "ui.error.bad_request", "Content-Length required");
        // A body a little too large is read to its end and dropped (read_and_answer), so that the sender is not reset
        // before it reads the 413; a far larger one is refused before it is read.
        if (has_length && std::stoull(length) > discard_limit()) return refuse(413, "ui.error.too_large", "body too large");
        if (std::string encoding = to_lower(in.get_header_value("Content-Encoding")); !encoding.empty() && encoding != "identity")
            return refuse(415, "ui.error.bad_request", "compressed bodies are not accepted");
        if (in.is_multipart_form_data()) return refuse(415, "ui.error.bad_request", "multipart bodies are not accepted");
        // cpp-httplib answers HEAD for a static file without the file handler: the same files as GET, no others.
        bool under_mount = std::any_of(mounts.begin(), mounts.end(), [&](const auto& mount) { return in.path.starts_with(mount.first); });
        if (m == "HEAD" && under_mount && !own_file(in.path)) {
            out.status = 404;
            set_body(out, error_json("not_found", "ui.error.not_found", "no such file"), "application/json");
            return Handled::Handled;
        }
        return Handled::Unhandled;
    }

    static constexpr size_t refused_bytes_kept = 2048;

    void tell_refused(const httplib::Request& in, std::string first_bytes, int status, const std::string& reason) const {
        if (options.on_refused) options.on_refused(to_plain(in, std::move(first_bytes)), status, reason);
    }

    // Up to here a body over max_body_bytes is read and dropped before the 413 (closing a connection with bytes
    // unread resets it, and the sender may then never see the answer); past it the connection is cut.
    size_t discard_limit() const { return 4 * options.max_body_bytes; }

    // POST, PUT, PATCH and DELETE: the body is read here, counted as it arrives (chunked ones too), at most max_body_bytes.
    void read_and_answer(const httplib::Request& in, httplib::Response& out, const httplib::ContentReader& read) {
        std::string body, first_bytes;   // the first bytes stay for the history when the body is refused
        size_t received = 0;
        bool too_large = false;
        bool too_slow = false;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.body_deadline_seconds);
        bool complete = read([&](const char* data, size_t length) {
            received += length;
            if (first_bytes.size() < refused_bytes_kept) first_bytes.append(data, std::min(length, refused_bytes_kept - first_bytes.size()));
            too_slow = std::chrono::steady_clock::now() > deadline;
            if (too_slow) return false;
            if (received > options.max_body_bytes) {
                too_large = true;
                std::string().swap(body);
                return received <= discard_limit();
            }
            body.append(data, length);
            return true;
        });
        if (too_large || too_slow) {
            refuse_connection();
            if (too_slow) {
                tell_refused(in, std::move(first_bytes), 408, "the body came too slowly");
                return answer_and_close(out, 408, error_json("bad_input", "ui.error.bad_request", "the body came too slowly"));
            }
            tell_refused(in, std::move(first_bytes), 413, "body over " + std::to_string(options.max_body_bytes) + " bytes");
            return answer_and_close(out, 413, error_json("bad_input", "ui.error.too_large", "body too large"));
        }
        if (!complete) {
            tell_refused(in, std::move(first_bytes), 400, "the body was cut off");
            return answer_and_close(out, 400, error_json("bad_input", "ui.error.bad_request", "the body was cut off"));
        }
        answer(in, std::move(body), out);
    }

    void answer(const httplib::Request& in, std::string body, httplib::Response& out) {
        Request request = to_plain(in, std::move(body));
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
        // Text the relay would store, compare or echo must be text: broken UTF-8 is the sender's error.
        bool text = domain::is_valid_utf8(request.path) && domain::is_valid_utf8(request.body);
        for (const auto& [key, value] : request.query) text = text && domain::is_valid_utf8(key) && domain::is_valid_utf8(value);
        if (!text) {
            out.status = 400;
            set_body(out, error_json("bad_input", "ui.error.bad_request", "the request is not valid UTF-8"), "application/json");
            return;
        }
        Response response = router.dispatch(std::move(request));
        out.status = response.status;
        for (const auto& [name, value] : response.headers) out.set_header(name, value);
        set_compressible_body(in, out, std::move(response.body), response.content_type);
    }
};

Server::Server(const Router& router, ServerOptions options) : m_impl(new Impl{router, std::move(options), {}, {}, {}}) {
    auto& server = m_impl->server;
    Impl* impl = m_impl.get();
    WaitingRoomOptions waiting;
    waiting.head_deadline = std::chrono::seconds(impl->options.head_deadline_seconds);
    waiting.keep_alive = std::chrono::seconds(impl->options.keep_alive_seconds);
    waiting.threads = impl->options.threads;
    waiting.head_too_slow_answer = whole_answer(408, "Request Timeout", error_json("bad_input", "ui.error.bad_request", "the request head came too slowly"));
    waiting.head_too_large_answer = whole_answer(431, "Request Header Fields Too Large", error_json("bad_input", "ui.error.too_large", "request head too large"));
    impl->room = std::make_unique<WaitingRoom>(waiting, [impl](Connection& connection) { return impl->server.answer_one(connection, impl->options); });
    server.room = impl->room.get();
    auto handler = [impl](const httplib::Request& in, httplib::Response& out) { impl->answer(in, std::string(), out); };
    auto reading = [impl](const httplib::Request& in, httplib::Response& out, const httplib::ContentReader& read) {
        impl->read_and_answer(in, out, read);
    };
    server.set_pre_routing_handler([impl](const httplib::Request& in, httplib::Response& out) { return impl->screen(in, out); });
    server.Get(".*", handler);
    server.Post(".*", reading);
    server.Put(".*", reading);
    server.Patch(".*", reading);
    server.Delete(".*", reading);   // no body (screened), but cpp-httplib reads one when no length is given
    server.Options(".*", handler);
    server.set_payload_max_length(m_impl->discard_limit());   // the relay counts bodies itself (read_and_answer)
    // Only for the Keep-Alive header cpp-httplib writes: the waiting room keeps these limits.
    server.set_keep_alive_max_count(m_impl->options.requests_per_connection);
    server.set_keep_alive_timeout(m_impl->options.keep_alive_seconds);
    // cpp-httplib 0.11 listens with a backlog of 5: a burst of senders connecting at once overflows it, and
    // Linux then drops handshakes whose senders already wrote their request (they see the connection reset).
    // The socket is noted here (with the library's own SO_REUSEADDR) and listened on again with a deep backlog.
    server.set_socket_options([impl](int sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        impl->listening_socket = sock;
    });
    server.set_tcp_nodelay(true);
    server.new_task_queue = [] { return new HandOver; };   // connections wait in the room, requests get its workers
    server.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
    server.set_file_extension_and_mimetype_mapping("js", "text/javascript");
    server.set_file_extension_and_mimetype_mapping("ttf", "font/ttf");
    // Static files, each with its own type. They are public and loaded by Kommo's pages from another origin.
    server.set_file_request_handler([impl](const httplib::Request& in, httplib::Response& out) {
        if (!impl->own_file(in.path)) {
            out.status = 404;
            set_body(out, error_json("not_found", "ui.error.not_found", "no such file"), "application/json");
            return;
        }
        out.set_header("Access-Control-Allow-Origin", "*");
        out.set_header("Cache-Control", "no-cache");
        out.set_header("X-Content-Type-Options", "nosniff");
        send_file(in, out, impl->file_path(in.path));
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& out, std::exception_ptr) {
        out.status = 500;
        set_body(out, error_json("internal", "ui.error.internal", "unexpected failure"), "application/json");
    });
    // Statuses cpp-httplib answers by itself (a malformed request line, a URI too long) get the relay's error shape.
    // The connection is closed after them: the rest of a malformed head must never be read as a request.
    server.set_error_handler([](const httplib::Request&, httplib::Response& out) {
        if (!out.body.empty() || out.content_length_ > 0) return;
        refuse_connection();
        std::string json = out.status == 413   ? error_json("bad_input", "ui.error.too_large", "body too large")
                           : out.status == 404 ? error_json("not_found", "ui.error.not_found", "no such endpoint")
                           : out.status >= 500 ? error_json("internal", "ui.error.internal", "unexpected failure")
                                               : error_json("bad_input", "ui.error.bad_request", "malformed request");
        set_body(out, std::move(json), "application/json");
    });
}

Server::~Server() { stop(); }

void Server::mount(const std::string& url_prefix, const std::string& directory) {
    if (m_impl->server.set_mount_point(url_prefix, directory)) m_impl->mounts.emplace_back(url_prefix, directory);
}

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
    m_impl->room->stop();
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
