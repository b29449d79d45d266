#pragma once
// Where connections wait, without a thread, until a whole request head has arrived.
//
// cpp-httplib gives every accepted connection a pool thread for as long as it stays open, so a few hundred idle
// sockets or a few dozen heads sent a byte at a time hold every thread. Here one thread watches every waiting
// connection with poll(); a connection gets a worker thread only once its request line and headers are all in,
// and goes back to waiting after its answer while it stays kept alive. A head that does not arrive within the
// head deadline gets its answer (408) and the connection is closed, whatever pace it trickles at.
//
// Usage:
//   WaitingRoom room(options, [](Connection& c) { ...answer one request from c.pending and c.socket...; return keep; });
//   room.admit(accepted_socket);   // from the accepting thread; the room owns the socket from here on
//   room.stop();                   // closes every connection, waits for the answers being written
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace kb::http {

// One client connection between the requests it sends.
struct Connection {
    int socket = -1;
    std::string pending;                           // bytes received and not yet read by a request
    size_t answered = 0;                           // requests answered on it so far
    bool refused = false;                          // the last request was refused: answer nothing more on it
    std::chrono::steady_clock::time_point since;   // accepted, or its last answer written
};

struct WaitingRoomOptions {
    std::chrono::milliseconds head_deadline{10000};   // from accept, or from the last answer, to a whole head
    std::chrono::milliseconds keep_alive{2000};       // a kept-alive connection that sends nothing for this long is closed
    size_t max_head_bytes = 64 * 1024;                // a longer head is refused (431)
    size_t threads = 64;                              // workers answering requests
    std::string head_too_slow_answer;                 // whole HTTP responses written before closing
    std::string head_too_large_answer;
};

// True when `bytes` hold a request line and headers up to their blank line.
bool has_whole_head(const std::string& bytes);

class WaitingRoom {
public:
    // Answers one request of the connection (its head is in `pending`); false closes the connection.
    using Serve = std::function<bool(Connection&)>;

    WaitingRoom(WaitingRoomOptions options, Serve serve);
    ~WaitingRoom();
    WaitingRoom(const WaitingRoom&) = delete;
    WaitingRoom& operator=(const WaitingRoom&) = delete;

    void admit(int socket);
    void stop();

private:
    void come_back(Connection connection);   // after an answer, from a worker
    void watch();                            // the waiting thread
    void work();                             // each worker thread
    void hand_to_worker(Connection connection);
    void close_waiting(Connection& connection, const std::string& answer);

    WaitingRoomOptions m_options;
    Serve m_serve;
    int m_wake = -1;   // eventfd: a connection arrived or came back, or the room stops

    std::mutex m_mutex;
    std::condition_variable m_work_ready;
    bool m_stopping = false;
    std::vector<Connection> m_arrived;   // admitted or back from a worker, not yet watched
    std::deque<Connection> m_ready;      // whole heads waiting for a worker
    std::set<int> m_answering;           // sockets a worker holds

    std::vector<Connection> m_waiting;   // the waiting thread's own
    std::thread m_watcher;
    std::vector<std::thread> m_workers;
};

}  // namespace kb::http
