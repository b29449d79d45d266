#pragma once
// Group commit of one kind of Kommo write for one account: whoever asks while nobody is sending becomes the sender;
// it waits for its turn at the rate limiter, then takes every item waiting by then (up to `max_batch`, and only items
// `fits` lets join) and sends them in one request; each waiter gets its own outcome. Under load the batches grow by
// themselves, at no cost in latency when there is no load (a lone item goes at once). A write made for a person
// (PersonScope) does not join: KommoClient sends it alone, so it keeps a person's place at the rate limiter instead
// of waiting for a background sender's turn.
//
//   GroupCommit<LeadUpdate, Unit> updates;
//   auto done = updates.submit(update, 50, [&] { limiter.wait_until_ready(); }, send_batch);
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>
#include "shared/domain/result.hpp"

namespace kb::clients {

template <class Item, class Outcome>
class GroupCommit {
public:
    // One outcome per item, in the order given.
    using Send = std::function<std::vector<Result<Outcome>>(const std::vector<const Item*>&)>;
    // Whether `item` may join a batch that holds these already (e.g. one update per lead); empty: any may.
    using Fits = std::function<bool(const std::vector<const Item*>&, const Item&)>;

    Result<Outcome> submit(const Item& item, size_t max_batch, const std::function<void()>& wait_turn, const Send& send,
                           const Fits& fits = {}) {
        Pending mine{&item, {}};
        std::unique_lock lock(m_mutex);
        m_waiting.push_back(&mine);
        while (!mine.outcome) {
            if (m_sending) {
                m_changed.wait(lock);
                continue;
            }
            m_sending = true;
            lock.unlock();
            wait_turn();
            lock.lock();
            std::vector<Pending*> batch;
            std::vector<const Item*> items;
            for (auto it = m_waiting.begin(); it != m_waiting.end() && batch.size() < max_batch;) {
                if (fits && !fits(items, *(*it)->item)) {
                    ++it;   // waits for the next batch, keeping its order
                    continue;
                }
                items.push_back((*it)->item);
                batch.push_back(*it);
                it = m_waiting.erase(it);
            }
            lock.unlock();
            std::vector<Result<Outcome>> outcomes = send(items);
            lock.lock();
            for (size_t i = 0; i < batch.size(); ++i) batch[i]->outcome = std::move(outcomes[i]);
            m_sending = false;
            m_changed.notify_all();
        }
        return std::move(*mine.outcome);
    }

private:
    struct Pending {
        const Item* item;
        std::optional<Result<Outcome>> outcome;
    };
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Pending*> m_waiting;
    bool m_sending = false;
};

}  // namespace kb::clients
