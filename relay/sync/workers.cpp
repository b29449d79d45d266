#include "relay/sync/workers.hpp"

#include <random>
#include <spdlog/spdlog.h>

namespace kb::sync {

Workers::Workers(store::Store& store, Handler handler, Clock clock, WorkerOptions options)
    : m_store(store), m_handler(std::move(handler)), m_clock(std::move(clock)), m_options(std::move(options)) {
    if (m_store.shared()) {
        if (auto taken = m_store.take_lease(lease_name(), m_clock.ms(), m_options.relay_lease.count()); !taken)
            spdlog::error("relay lease: {}", taken.error().detail);
        if (auto requeued = m_store.requeue_abandoned_events(m_clock.ms()); requeued && *requeued > 0)
            spdlog::warn("{} events left by stopped relays are queued again", *requeued);
    } else if (auto requeued = m_store.requeue_interrupted_events(); requeued && *requeued > 0) {
        spdlog::warn("{} events were interrupted by a stop and are queued again", *requeued);
    }
    for (int i = 0; i < m_options.threads; ++i) m_threads.emplace_back([this] { run(); });
    if (m_store.shared() || m_options.threads > 0) m_heartbeat = std::thread([this] { keep_up(); });
}

Workers::~Workers() {
    m_stopping = true;
    m_wakeup.notify_all();
    for (auto& t : m_threads) t.join();
    if (m_heartbeat.joinable()) m_heartbeat.join();
    if (m_store.shared()) {
        // Every worker finished its event before it stopped; anything still marked as ours goes back in line now
        // rather than when the lease runs out.
        if (auto handed = m_store.hand_back_claimed_events(); handed && *handed > 0)
            spdlog::warn("{} claimed events handed back to the other relays", *handed);
        (void)m_store.release_lease(lease_name());
    }
}

std::string Workers::lease_name() const { return "relay:" + m_store.instance_id(); }

void Workers::keep_up() {
    auto period = m_options.sweep_period;
    if (m_store.shared()) period = std::min(period, std::max(std::chrono::milliseconds(50), m_options.relay_lease / 5));
    int64_t last_renewed = 0, last_swept = m_clock.ms();
    while (!m_stopping) {
        {
            std::unique_lock lock(m_mutex);
            m_wakeup.wait_for(lock, period, [&] { return m_stopping.load(); });
        }
        if (m_stopping) break;
        int64_t now = m_clock.ms();
        if (m_options.threads > 0 && now - last_swept >= m_options.sweep_period.count()) {
            sweep();
            last_swept = now;
        }
        if (!m_store.shared()) continue;
        if (auto taken = m_store.take_lease(lease_name(), now, m_options.relay_lease.count()); !taken) {
            spdlog::error("relay lease: {}", taken.error().detail);
        } else {
            // Silent longer than the lease (the database out of reach, the machine stalled): other relays may have
            // taken this relay's events for abandoned and started them again.
            if (last_renewed != 0 && now - last_renewed > m_options.relay_lease.count())
                spdlog::error("this relay's lease ran out ({} ms without renewal): events it held may be worked on twice", now - last_renewed);
            last_renewed = now;
        }
        auto requeued = m_store.requeue_abandoned_events(m_clock.ms());
        if (requeued && *requeued > 0) {
            spdlog::warn("{} events of a relay that stopped answering are queued again", *requeued);
            m_wakeup.notify_all();
        }
    }
}

void Workers::sweep() {
    std::unique_lock claiming(m_claiming);
    std::vector<int64_t> working;
    {
        std::lock_guard lock(m_in_flight_mutex);
        working.assign(m_in_flight.begin(), m_in_flight.end());
    }
    auto handed = m_store.hand_back_claimed_events(working);
    if (!handed) {
        spdlog::error("inbox sweep: {}", handed.error().detail);
    } else if (*handed > 0) {
        spdlog::warn("{} events a fault left in processing are queued again", *handed);
        m_wakeup.notify_all();
    }
}

void Workers::finish(int64_t id, store::InboxOutcome outcome, const std::string& note, int64_t next_attempt_at_ms) {
    auto pause = std::chrono::milliseconds(100);
    for (;;) {
        auto finished = m_store.finish_inbox_event(id, outcome, note, next_attempt_at_ms);
        if (finished || m_stopping) break;
        spdlog::error("inbox event {}: its outcome was not saved, trying again in {} ms: {}", id, pause.count(), finished.error().detail);
        std::unique_lock lock(m_mutex);
        m_wakeup.wait_for(lock, pause, [&] { return m_stopping.load(); });
        pause = std::min(pause * 2, std::chrono::milliseconds(5000));
    }
    std::lock_guard lock(m_in_flight_mutex);
    m_in_flight.erase(id);
}

void Workers::wake() { m_wakeup.notify_all(); }

void Workers::run() {
    thread_local std::mt19937 random(std::random_device{}());
    while (!m_stopping) {
        Result<std::optional<store::InboxEvent>> claimed = std::nullopt;
        {
            std::shared_lock claiming(m_claiming);
            claimed = m_store.claim_inbox_event(m_clock.ms());
            if (claimed && *claimed) {
                std::lock_guard lock(m_in_flight_mutex);
                m_in_flight.insert((*claimed)->id);
            }
        }
        if (!claimed || !*claimed) {
            if (!claimed) spdlog::error("inbox: {}", claimed.error().detail);
            std::unique_lock lock(m_mutex);
            m_wakeup.wait_for(lock, m_options.idle_poll);
            continue;
        }
        const store::InboxEvent& event = **claimed;
        auto outcome = m_handler(event);
        if (outcome) {
            finish(event.id, store::InboxOutcome::done, *outcome, 0);
            continue;
        }
        const Error& error = outcome.error();
        bool hopeless = error.code == Errc::bad_input || error.code == Errc::forbidden || error.code == Errc::not_configured ||
                        error.code == Errc::upstream_rejected;   // the same request would be refused again: the admin repeats it
        if (hopeless || event.attempts >= m_options.max_attempts) {
            spdlog::error("inbox event {} failed for good: {}", event.id, error.detail);
            finish(event.id, store::InboxOutcome::failed, error.detail, 0);
            continue;
        }
        const auto& delays = m_options.retry_delays_ms;
        int64_t base = delays[std::min<size_t>(event.attempts - 1, delays.size() - 1)];
        int64_t delay = std::uniform_int_distribution<int64_t>(base / 2, base)(random);
        spdlog::warn("inbox event {} will be retried in {} ms: {}", event.id, delay, error.detail);
        finish(event.id, store::InboxOutcome::retry, error.detail, m_clock.ms() + delay);
    }
}

}  // namespace kb::sync
