#pragma once
// Worker threads that take events from the inbox, in order per record and in parallel across records, and
// hand each to a handler. A failure is tried again with growing pauses (jitter added), then kept as failed
// with its last error, visible in the request history. Started once per relay; stopped on destruction, when
// the events in hand are finished and nothing claimed is kept.
// On a store several relays share, this relay's claims are vouched for by its "relay:<instance>" lease, renewed
// by a heartbeat; the heartbeat also puts back in line the events of relays whose lease ran out (killed, or cut
// off from the database), so they are taken again, by this relay or another, in order per record.
// On any store, an outcome the database refuses is saved again until it is taken, and a sweep every sweep_period
// hands back this relay's "processing" events that no worker holds (a claim whose answer was lost).
#include <atomic>
#include <condition_variable>
#include <set>
#include <shared_mutex>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>
#include "relay/clock.hpp"
#include "relay/store/store.hpp"

namespace kb::sync {

struct WorkerOptions {
    int threads = 16;   // most wait on the rate limiters; records waiting together go to Kommo in one batch
    int max_attempts = 10;
    std::vector<int64_t> retry_delays_ms{1000, 5000, 30000, 120000, 600000, 1800000, 3600000};   // then the last one
    std::chrono::milliseconds idle_poll{500};   // also wakes for retries that come due
    std::chrono::milliseconds relay_lease{10000};   // shared store: a relay silent this long is taken for dead
    // How often events that a fault left marked as this relay's (a claim whose answer was lost, an outcome never
    // saved) and that no worker holds are put back in line.
    std::chrono::milliseconds sweep_period{30000};
};

class Workers {
public:
    using Handler = std::function<Result<std::string>(const store::InboxEvent&)>;
    Workers(store::Store& store, Handler handler, Clock clock, WorkerOptions options = {});
    ~Workers();
    void wake();

private:
    void run();
    std::string lease_name() const;
    // Until stopped: on a shared store renews this relay's lease and requeues dead relays' events; on any, sweeps.
    void keep_up();
    void sweep();   // hands back this relay's processing events that no worker holds
    // Saves the event's outcome, asking again with growing pauses while the database refuses, until it is saved or
    // the relay stops (then the sweep of the next start puts the event back in line).
    void finish(int64_t id, store::InboxOutcome outcome, const std::string& note, int64_t next_attempt_at_ms);
    store::Store& m_store;
    Handler m_handler;
    Clock m_clock;
    WorkerOptions m_options;
    std::mutex m_mutex;
    std::condition_variable m_wakeup;
    std::atomic<bool> m_stopping{false};
    std::vector<std::thread> m_threads;
    std::shared_mutex m_claiming;            // claims hold it shared, the sweep alone: no claim is half-recorded
    std::mutex m_in_flight_mutex;
    std::set<int64_t> m_in_flight;           // events a worker of this relay holds now
    std::thread m_heartbeat;
};

}  // namespace kb::sync
