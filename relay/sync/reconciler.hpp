#pragma once
// Repairs what webhooks missed: for every connected branch, asks Altegio for the records changed since the
// last watermark and puts them in the inbox under the same dedupe keys webhooks use, so a change that did
// arrive is not applied twice. It reads from two minutes before the watermark (change dates have one-second
// resolution), so records changed just before the watermark come back as updates: harmless, as an update
// never makes a lead and one already applied has the same key. Runs at start and then on a schedule
// (relay/main.cpp), or by hand in tests. Relays sharing a store run it in one place at a time: the relay holding
// the "reconciler" lease runs it and renews the lease each run; the others skip until the holder falls silent.
#include <chrono>
#include <functional>
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/reference_cache.hpp"
#include "relay/store/store.hpp"

namespace kb::sync {

struct ReconcileReport {
    int32_t branches = 0;
    int32_t records_seen = 0;
    int32_t events_new = 0;     // not already in the inbox: what webhooks missed
    bool skipped = false;       // another relay holds the reconciler's lease
};

class Reconciler {
public:
    Reconciler(store::Store& store, clients::AltegioClient& altegio, clients::ReferenceCache& reference, Clock clock)
        : m_store(store), m_altegio(altegio), m_reference(reference), m_clock(std::move(clock)) {}
    Result<ReconcileReport> run_once();
    // How long a relay keeps the reconciler after its last run (shared store): a few of its intervals.
    void set_lease(std::chrono::milliseconds lease) { m_lease = lease; }

private:
    std::chrono::milliseconds m_lease{std::chrono::minutes(15)};
    store::Store& m_store;
    clients::AltegioClient& m_altegio;
    clients::ReferenceCache& m_reference;
    Clock m_clock;
};

}  // namespace kb::sync
