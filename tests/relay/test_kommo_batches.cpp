// Kommo writes in batches (issue 28): new leads waiting at the same time go out in one complex add, their notes in
// one request; a batch Kommo refuses for one item is sent again one item at a time, so only that record fails.
#include <doctest/doctest.h>
#include "sync_helpers.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// `count` records made by Altegio staff for new clients, an hour apart on one day, each with its webhook.
std::vector<Json> new_clients_book(World& world, int count, const std::string& marker = "") {
    std::vector<Json> records;
    for (int i = 0; i < count; ++i) {
        std::string name = "Cliente " + std::to_string(i) + (i == 3 ? marker : "");
        char datetime[40];
        std::snprintf(datetime, sizeof datetime, "2027-02-0%dT%02d:00:00+03:00", 1 + i / 10, 10 + i % 10);
        auto reply = world.control("POST", "/__sandbox/altegio/records",
                                   Json{{"company_id", 400001}, {"staff_id", 5001}, {"services", {{{"id", 7001}}}}, {"datetime", datetime},
                                        {"save_if_busy", true}, {"client", {{"name", name}, {"phone", "+34 600 100 " + std::to_string(100 + i)}}}});
        REQUIRE_MESSAGE(reply.status == 201, reply.body);
        records.push_back(body_of(reply)["record"]);
    }
    return records;
}

}  // namespace

TEST_CASE("kommo batches: new records waiting together become their leads in shared complex adds, note and task requests") {
    World world(1000.0, 8, 2.0);   // eight workers, the relay's Kommo limit at 2 a second: records wait together
    world.install();
    configure_with_task_on_new_record(world);
    auto records = new_clients_book(world, 16);
    settle(world, 60);   // some fifteen Kommo calls at 2 a second
    std::set<int64_t> leads;
    for (const auto& record : records) {
        int64_t lead_id = lead_of(world, record);
        REQUIRE(lead_id != 0);
        leads.insert(lead_id);
        CHECK(of_lead(world, "notes", lead_id).size() == 1);   // its own journal note and task, once each
        CHECK(of_lead(world, "tasks", lead_id).size() == 1);
    }
    CHECK(leads.size() == 16);
    size_t creates = calls_of_kind(world, "kommo.create_lead"), notes = calls_of_kind(world, "kommo.add_note"),
           tasks = calls_of_kind(world, "kommo.add_task");
    MESSAGE("16 new records: " << creates << " complex adds, " << notes << " note requests, " << tasks << " task requests");
    CHECK(creates < 16);
    CHECK(notes < 16);
    CHECK(tasks < 16);
}

TEST_CASE("kommo batches: a batch Kommo refuses for one lead is split, and only that record fails, with its own history row") {
    World world(1000.0, 8, 2.0);
    world.install();
    configure(world);
    world.relay_config.workers.max_attempts = 1;   // a refusal is final at once, for the test to read
    world.restart_relay();
    // Kommo refuses any complex add holding the marked client (as it refuses a whole batch for one bad item).
    world.sandbox.add_fault(sandbox::Fault{"kommo", "/leads/complex", 400, 0, 1000, 0, false, "Refused Client"});
    auto records = new_clients_book(world, 8, " Refused Client");
    settle(world, 60);   // the split sends its items one at a time, at 2 a second
    for (size_t i = 0; i < records.size(); ++i) CHECK_MESSAGE((lead_of(world, records[i]) != 0) == (i != 3), "record " << i);
    auto failed = world.relay->store().failed_inbox_events(31000001, 10);
    REQUIRE(failed);
    REQUIRE(failed->size() == 1);
    CHECK((*failed)[0].event.resource_id == records[3]["id"].get<int64_t>());
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 4 + 7);   // nothing made twice by the split
}

TEST_CASE("kommo batches: a person's write goes alone at once, not behind a background batch in flight") {
    World world;
    world.install();
    auto& store = world.relay->store();
    clients::CallLog log(world.to_sandbox, store);
    clients::KommoClient kommo(log, store, world.relay_config.kommo, Clock());
    world.sandbox.add_fault(sandbox::Fault{"kommo", "/leads/complex", 0, 1500, 1, 0});   // the background batch's answer comes late
    std::atomic<bool> background_done{false};
    std::thread background([&] {
        auto made = kommo.create_lead(31000001, clients::KommoClient::NewLead{"A record's lead, made by the sync"});
        CHECK(made);
        background_done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));   // its complex add is on its way
    {
        clients::PersonScope person;   // a manager books from the pipeline meanwhile
        auto mine = kommo.create_lead(31000001, clients::KommoClient::NewLead{"A lead a manager made"});
        CHECK(mine);
        CHECK(kommo.add_note(31000001, mine->lead_id, "booked by hand"));
    }
    CHECK_FALSE(background_done.load());   // the manager's lead and note did not wait for the background batch
    background.join();
}
