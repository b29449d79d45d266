#include "relay/http/waiting_room.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace kb::http {

namespace {

using Clock = std::chrono::steady_clock;

void close_socket(int socket) {
    ::shutdown(socket, SHUT_RDWR);
    ::close(socket);
}

}  // namespace

bool has_whole_head(const std::string& bytes) {
    // cpp-httplib ends a head at its first blank line "\r\n"; a stray blank line before any request is one too
    // (it is answered 400 rather than waited on).
    return bytes.starts_with("\r\n") || bytes.find("\n\r\n") != std::string::npos;
}

WaitingRoom::WaitingRoom(WaitingRoomOptions options, Serve serve) : m_options(std::move(options)), m_serve(std::move(serve)) {
    m_wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    m_watcher = std::thread([this] { watch(); });
    for (size_t i = 0; i < std::max<size_t>(1, m_options.threads); ++i) m_workers.emplace_back([this] { work(); });
}

WaitingRoom::~WaitingRoom() {
    stop();
    ::close(m_wake);
}

void WaitingRoom::admit(int socket) {
    Connection connection;
    connection.socket = socket;
    come_back(std::move(connection));
}

void WaitingRoom::come_back(Connection connection) {
    connection.since = Clock::now();
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) {
            close_socket(connection.socket);
            return;
        }
        // The next request may already be here whole, sent right behind the last one.
        if (has_whole_head(connection.pending)) {
            m_ready.push_back(std::move(connection));
            m_work_ready.notify_one();
            return;
        }
        m_arrived.push_back(std::move(connection));
    }
    uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(m_wake, &one, sizeof one);
}

void WaitingRoom::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        // A worker waiting on a slow client wakes at once instead of at its time limit.
        for (int socket : m_answering) ::shutdown(socket, SHUT_RDWR);
    }
    uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(m_wake, &one, sizeof one);
    m_work_ready.notify_all();
    if (m_watcher.joinable()) m_watcher.join();
    for (auto& worker : m_workers) {
        if (worker.joinable()) worker.join();
    }
    std::lock_guard lock(m_mutex);
    for (auto& connection : m_arrived) close_socket(connection.socket);
    for (auto& connection : m_ready) close_socket(connection.socket);
    m_arrived.clear();
    m_ready.clear();
}

void WaitingRoom::hand_to_worker(Connection connection) {
    std::lock_guard lock(m_mutex);
    m_ready.push_back(std::move(connection));
    m_work_ready.notify_one();
}

void WaitingRoom::close_waiting(Connection& connection, const std::string& answer) {
    if (!answer.empty()) ::send(connection.socket, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    close_socket(connection.socket);
    connection.socket = -1;
}

void WaitingRoom::watch() {
    std::vector<pollfd> watched;
    std::vector<char> buffer(16 * 1024);
    auto deadline_of = [this](const Connection& c) {
        bool idle_between_requests = c.pending.empty() && c.answered > 0;
        return c.since + (idle_between_requests ? m_options.keep_alive : m_options.head_deadline);
    };
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) break;
            for (auto& connection : m_arrived) m_waiting.push_back(std::move(connection));
            m_arrived.clear();
        }
        auto now = Clock::now();
        auto next = now + std::chrono::seconds(1);
        watched.assign(1, pollfd{m_wake, POLLIN, 0});
        for (const auto& connection : m_waiting) {
            watched.push_back(pollfd{connection.socket, POLLIN, 0});
            next = std::min(next, deadline_of(connection));
        }
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
        ::poll(watched.data(), watched.size(), static_cast<int>(std::max<int64_t>(0, wait) + 1));
        if (watched[0].revents & POLLIN) {
            uint64_t count = 0;
            [[maybe_unused]] auto read = ::read(m_wake, &count, sizeof count);
        }
        now = Clock::now();
        for (size_t i = 0; i < m_waiting.size(); ++i) {
            Connection& connection = m_waiting[i];
            if (watched[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t got = ::recv(connection.socket, buffer.data(), buffer.size(), MSG_DONTWAIT);
                bool gone = got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
                if (gone) {
                    close_waiting(connection, {});
                    continue;
                }
                if (got > 0) connection.pending.append(buffer.data(), static_cast<size_t>(got));
            }
            if (has_whole_head(connection.pending)) {
                hand_to_worker(std::move(connection));
                connection.socket = -1;
            } else if (connection.pending.size() > m_options.max_head_bytes) {
                close_waiting(connection, m_options.head_too_large_answer);
            } else if (now >= deadline_of(connection)) {
                // Nothing sent is a quiet close; part of a head is answered, so the sender learns why.
                close_waiting(connection, connection.pending.empty() ? std::string() : m_options.head_too_slow_answer);
            }
        }
        std::erase_if(m_waiting, [](const Connection& c) { return c.socket < 0; });
    }
    for (auto& connection : m_waiting) close_socket(connection.socket);
    m_waiting.clear();
}

void WaitingRoom::work() {
    for (;;) {
        Connection connection;
        {
            std::unique_lock lock(m_mutex);
            m_work_ready.wait(lock, [this] { return m_stopping || !m_ready.empty(); });
            if (m_stopping) return;
            connection = std::move(m_ready.front());
            m_ready.pop_front();
            m_answering.insert(connection.socket);
        }
        bool keep = false;
        try {
            keep = m_serve(connection);
        } catch (...) {
            keep = false;
        }
        {
            std::lock_guard lock(m_mutex);
            m_answering.erase(connection.socket);
        }
        if (keep && !connection.refused) {
            come_back(std::move(connection));
        } else {
            close_socket(connection.socket);
        }
    }
}

}  // namespace kb::http
