// The sync engine under load and faults: ordering, retries, token refresh, batching, a blocked account,
// and the automation a new record brings (task, responsible user, deals without a client, group events).
#include "sync_helpers.hpp"

#include "shared/wire/history_api.hpp"

#include <set>

using namespace kb;
using namespace kb::testing;

namespace {

int count_history(World& world, const std::string& kind) {
    auto history = world.relay->store().recent_history(31000001, 100000);
    REQUIRE(history);
    int n = 0;
    for (const auto& entry : *history) n += entry.kind == kind;
    return n;
}

// Makes `count` records in Altegio whose webhooks never arrive, then lets the reconciler put them all in
// the inbox at once, so every worker starts at the same moment.
std::vector<int64_t> records_arriving_together(World& world, int count) {
    REQUIRE(world.relay->reconciler().run_once());
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));   // change dates have one-second resolution
    world.control("POST", "/__sandbox/faults", Json{{"target", "altegio_webhook"}, {"count", count}});
    std::vector<int64_t> ids;
    for (int i = 0; i < count; ++i) {
        int64_t staff = 5001;
        char phone[32];
        std::snprintf(phone, sizeof phone, "+3461100%04d", i);
        auto made = world.control("POST", "/__sandbox/altegio/records",
                                  Json{{"company_id", 400001}, {"staff_id", staff}, {"services", {{{"id", 7001}}}},
                                       {"datetime", free_slot(world, staff, 7001)}, {"save_if_busy", true},
                                       {"client", {{"name", "Client " + std::to_string(i)}, {"phone", phone}}}});
        REQUIRE_MESSAGE(made.status == 201, made.body);
        ids.push_back(body_of(made)["record"]["id"]);
    }
    auto found = world.relay->reconciler().run_once();
    REQUIRE(found);
    CHECK(found->events_new >= count);   // and seed records changed within the reconciler's overlap
    world.relay->wake_workers();
    return ids;
}

}  // namespace

TEST_CASE("a record changed five times in quick succession ends in the right final state") {
    World world(1000.0, 4);
    world.install();
    configure(world);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    std::string rid = std::to_string(record["id"].get<int64_t>());
    const char* times[] = {"2026-12-01T10:00:00+03:00", "2026-12-01T11:00:00+03:00", "2026-12-02T12:30:00+03:00",
                           "2026-12-03T09:15:00+03:00"};
    for (const char* when : times) world.control("POST", "/__sandbox/altegio/records/" + rid + "/change", Json{{"datetime", when}});
    world.control("POST", "/__sandbox/altegio/records/" + rid + "/change", Json{{"attendance", 2}});
    settle(world);
    CHECK(world.relay->store().inbox_counts()->done == 6);
    auto lead_id = **world.relay->store().lead_of_record(31000001, 400001, record["id"]);
    auto settings = settings_of(world);
    Json final_lead = lead(world, lead_id);
    CHECK(final_lead["status_id"] == 77004);                                          // confirmed
    CHECK(field_value(final_lead, settings.lead_fields.record_time) == "\"09:15\"");  // the last time, not an earlier one
    auto notes = of_lead(world, "notes", lead_id);
    REQUIRE(notes.size() == 6);
    CHECK(notes.back()["params"]["text"].get<std::string>().find("confirmed") != std::string::npos);
}

TEST_CASE("a new record sets a task for the employee's Kommo user, who becomes responsible; texts follow the settings' language") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto settings = settings_of(world);
    settings.language = "ru";
    settings.automation.task_on_new_record = true;
    settings.automation.task_due_minutes = 45;
    settings.automation.linked_user_responsible = true;
    settings.users = {{9002, 0, {}, {}, 5003}};
    save_settings(world, settings);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Мария Петрова", "+7 903 111 22 33");
    settle(world);
    auto lead_id = **world.relay->store().lead_of_record(31000001, 400001, record["id"]);
    CHECK(lead(world, lead_id)["responsible_user_id"] != 9002);   // employee 5001 is nobody's user
    auto tasks = of_lead(world, "tasks", lead_id);
    REQUIRE(tasks.size() == 1);
    CHECK(tasks[0]["text"].get<std::string>().find("Новая запись Altegio " + std::to_string(record["id"].get<int64_t>())) == 0);
    CHECK(tasks[0]["complete_till"].get<int64_t>() - tasks[0]["created_at"].get<int64_t>() == doctest::Approx(45 * 60).epsilon(0.01));

    auto second = world.control("POST", "/__sandbox/altegio/records",
                                Json{{"company_id", 400001}, {"staff_id", 5003}, {"services", {{{"id", 7003}}}},
                                     {"datetime", free_slot(world, 5003, 7003)},
                                     {"client", {{"name", "Ирина Соколова"}, {"phone", "+7 903 444 55 66"}}}});
    REQUIRE(second.status == 201);
    settle(world);
    auto second_lead = **world.relay->store().lead_of_record(31000001, 400001, body_of(second)["record"]["id"]);
    CHECK(lead(world, second_lead)["responsible_user_id"] == 9002);
    auto second_tasks = of_lead(world, "tasks", second_lead);
    REQUIRE(second_tasks.size() == 1);
    CHECK(second_tasks[0]["responsible_user_id"] == 9002);
    CHECK(of_lead(world, "notes", second_lead)[0]["params"]["text"].get<std::string>().find("Altegio: создана запись") == 0);
}

TEST_CASE("a record without a client makes a deal only when the settings ask for one") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto no_client = [&] {
        auto made = world.control("POST", "/__sandbox/altegio/records",
                                  Json{{"company_id", 400001}, {"staff_id", 5001}, {"services", {{{"id", 7001}}}},
                                       {"datetime", free_slot(world, 5001, 7001)}, {"client", nullptr}});
        REQUIRE_MESSAGE(made.status == 201, made.body);
        settle(world);
        return body_of(made)["record"]["id"].get<int64_t>();
    };
    no_client();
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 4);
    auto settings = settings_of(world);
    settings.automation.deal_without_client = true;
    save_settings(world, settings);
    int64_t record = no_client();
    Json state = world.sandbox_state();
    REQUIRE(state["kommo"]["leads"].size() == 5);
    CHECK(state["kommo"]["leads"].back()["name"].get<std::string>().find("Altegio record " + std::to_string(record)) == 0);
    CHECK(state["kommo"]["contacts"].size() == 4);   // no contact invented
}

TEST_CASE("each client booked into a group event gets a lead of their own") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    for (auto [name, phone] : {std::pair{"Ana Ruiz", "+34 622 000 001"}, {"Eva Díaz", "+34 622 000 002"}}) {
        // Staff seat two clients in today's master class (the event gives employee, service and time).
        auto made = world.control("POST", "/__sandbox/altegio/records",
                                  Json{{"company_id", 400001}, {"activity_id", 880001}, {"client", {{"name", name}, {"phone", phone}}}});
        REQUIRE_MESSAGE(made.status == 201, made.body);
    }
    settle(world);
    Json leads = world.sandbox_state()["kommo"]["leads"];
    REQUIRE(leads.size() == 6);
    std::set<std::string> names{leads[4]["name"], leads[5]["name"]};   // two workers: either may finish first
    CHECK(names.count("Ana Ruiz — Мастер-класс: укладка дома (group)") == 1);
    CHECK(names.count("Eva Díaz — Мастер-класс: укладка дома (group)") == 1);
}

TEST_CASE("16 workers hitting an expired token cause exactly one refresh") {
    World world(1000.0, 16);
    world.install();
    configure(world);
    REQUIRE(world.control("POST", "/__sandbox/kommo/expire_access_tokens").status == 200);
    records_arriving_together(world, 16);
    settle(world);
    CHECK(world.relay->store().inbox_counts()->done >= 16);
    CHECK(world.relay->store().inbox_counts()->failed == 0);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 4 + 16);
    CHECK(count_history(world, "kommo.oauth_refresh") == 1);
}

TEST_CASE("lead updates waiting for the rate limiter go out together in one PATCH /leads") {
    World world(1000.0, 8, 5.0);
    world.install();
    configure(world);
    auto records = records_arriving_together(world, 6);
    settle(world);
    for (int64_t r : records) world.control("POST", "/__sandbox/altegio/records/" + std::to_string(r) + "/change", Json{{"attendance", 1}});
    settle(world);
    int moved = 0;
    for (int64_t r : records) moved += lead(world, **world.relay->store().lead_of_record(31000001, 400001, r))["status_id"] == 77005;
    CHECK(moved == 6);
    int single = count_history(world, "kommo.patch_lead"), batched = count_history(world, "kommo.patch_leads");
    CHECK(batched >= 1);
    CHECK(single + batched < 6);   // six updates, fewer calls
}

TEST_CASE("Kommo's 403 page for a blocked account pauses every call for that account and raises an alert") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    world.control("POST", "/__sandbox/faults", Json{{"target", "kommo"}, {"status", 403}, {"count", 1}});
    staff_creates(world, free_slot(world, 5001, 7001), "Blocked Client", "+34 633 000 111");
    for (int i = 0; i < 300 && count_history(world, "alert.kommo_blocked") == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(count_history(world, "alert.kommo_blocked") == 1);
    auto calls_to_kommo = [&] {
        auto history = world.relay->store().recent_history(31000001, 100000);
        int n = 0;
        for (const auto& entry : *history) n += entry.direction == "out" && entry.kind.rfind("kommo.", 0) == 0;
        return n;
    };
    int before = calls_to_kommo();
    staff_creates(world, free_slot(world, 5001, 7001), "Second Client", "+34 633 000 222");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(calls_to_kommo() == before);                                  // nothing reached Kommo
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 4);
    CHECK(world.relay->store().inbox_counts()->done == 0);              // kept for later, not lost
    CHECK(world.relay->store().inbox_counts()->failed == 0);

    // A restart does not lift the pause: the relay reads the alert back.
    world.restart_relay();
    before = calls_to_kommo();
    staff_creates(world, free_slot(world, 5001, 7001), "Third Client", "+34 633 000 333");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(calls_to_kommo() == before);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 4);
    CHECK(world.relay->store().inbox_counts()->failed == 0);
}

TEST_CASE("an event tried again adds no second lead, task or note") {
    World world(1000.0, 0);
    world.install();
    configure_with_task_on_new_record(world);
    staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    delivered(world);
    auto event = world.relay->store().claim_inbox_event(std::numeric_limits<int64_t>::max() / 2);
    REQUIRE(event);
    REQUIRE(*event);
    auto first = world.relay->handle_event(**event);
    REQUIRE_MESSAGE(first, first.error().detail);
    (*event)->attempts = 2;   // as after a crash between Kommo's answer and the inbox's "done"
    auto again = world.relay->handle_event(**event);
    REQUIRE_MESSAGE(again, again.error().detail);
    Json state = world.sandbox_state();
    REQUIRE(state["kommo"]["leads"].size() == 5);
    int64_t lead_id = state["kommo"]["leads"].back()["id"];
    CHECK(of_lead(world, "tasks", lead_id).size() == 1);
    CHECK(of_lead(world, "notes", lead_id).size() == 1);
}

TEST_CASE("a client's card and membership in Altegio fill the fields of the Kommo contact with their phone") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto settings = settings_of(world);
    auto& c = settings.contact_fields;
    c.visits_count = 880003;
    c.visits_sum = 880004;
    c.subscription_name = 880005;
    c.subscription_start = 880006;
    c.subscription_end = 880007;
    c.subscription_remaining = 880008;
    // Additional client fields go by the client's branch: Moscow's "instagram" to one contact field, Madrid's
    // "idioma" to another (an administrator added both fields in Kommo).
    auto add_field = [&](const char* name) {
        auto added = world.control("POST", "/__sandbox/kommo/contacts/custom_fields", Json{{"name", name}, {"type", "text"}});
        REQUIRE(added.status == 201);
        return World::body_of_text(added.body)["id"].get<int64_t>();
    };
    int64_t instagram = add_field("Instagram"), language = add_field("Idioma");
    c.additional_fields = {{400001, {{"instagram", instagram}}}, {400002, {{"idioma", language}}}};
    save_settings(world, settings);
    // The client books in Altegio with the phone written differently from the Kommo contact (31002, "+34 600 111 222").
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "María López", "0034 600-111-222");
    settle(world);
    int64_t client = record["client"]["id"];
    auto changed = world.control("POST", "/__sandbox/altegio/clients/" + std::to_string(client) + "/change",
                                 Json{{"company_id", 400001}, {"visits", 7}, {"spent", "12500"},
                                      {"custom_fields", {{"instagram", "@maria.lopez"}, {"idioma", "es"}}},
                                      {"abonement", {{"balance_string", "Yoga (x6)"}, {"activated_date", "2026-11-01T10:00:00+03:00"},
                                                     {"period", 2}, {"period_unit_id", 3}, {"type", {{"title", "Yoga 10"}}}}}});
    REQUIRE(changed.status == 200);
    settle(world);
    Json contact;
    Json state = world.sandbox_state();
    for (const auto& each : state["kommo"]["contacts"])
        if (each["id"] == 31002) contact = each;
    CHECK(field_value(contact, 880003) == "7");
    CHECK(field_value(contact, 880004) == "12500");
    CHECK(field_value(contact, 880005) == "\"Yoga 10\"");
    CHECK(field_value(contact, 880008) == "6");
    CHECK(field_value(contact, 880007) != "");   // 2026-11-01 + 2 months, as a date
    CHECK(field_value(contact, instagram) == "\"@maria.lopez\"");
    CHECK(field_value(contact, language) == "");   // Madrid's mapping; the client came from Moscow
    CHECK(world.relay->store().inbox_counts()->failed == 0);
}

TEST_CASE("an administrator sees failed events and repeats one; repeating twice is the same as once; managers may not") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    world.control("POST", "/__sandbox/faults", Json{{"target", "kommo"}, {"path_contains", "/leads/complex"}, {"status", 400}, {"count", 1}});
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    settle(world);
    REQUIRE(world.relay->store().inbox_counts()->failed == 1);   // Kommo refused: no use trying the same again by itself

    CHECK(world.call("GET", "/api/v1/history/failed", Json(), 9002).status == 403);   // a manager
    auto failed = body_of(world.call("GET", "/api/v1/history/failed"));
    REQUIRE(failed["events"].size() == 1);
    CHECK(failed["events"][0]["resource_id"] == record["id"]);
    CHECK(failed["events"][0]["last_error"].get<std::string>().find("Kommo HTTP 400") == 0);
    std::string repeat = "/api/v1/history/failed/" + std::to_string(failed["events"][0]["id"].get<int64_t>()) + "/repeat";
    CHECK(world.call("POST", repeat, Json(), 9002).status == 403);
    auto first = world.call("POST", repeat);
    REQUIRE(first.status == 200);
    settle(world);
    auto second = world.call("POST", repeat);   // already done: nothing happens
    REQUIRE(second.status == 200);
    CHECK(body_of(second)["state"] == "done");
    settle(world);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 5);   // one lead, not two
    CHECK(world.call("POST", "/api/v1/history/failed/999999/repeat").status == 404);
}

TEST_CASE("the request history finds a period's entries by type, opens one's payloads, and a repeat answers its outcome") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    world.control("POST", "/__sandbox/faults", Json{{"target", "kommo"}, {"path_contains", "/leads/complex"}, {"status", 400}, {"count", 1}});
    staff_creates(world, free_slot(world, 5001, 7001), "Marta Ruiz", "+34 622 333 444");
    settle(world);
    std::string period = "from_ms=" + std::to_string(now - 60000) + "&to_ms=" + std::to_string(now + 600000);

    auto all = wire::api::decode_history_page(body_of(world.call("GET", "/api/v1/history?" + period)));
    REQUIRE(all);
    auto count = [&](const wire::api::HistoryPage& page, const std::string& type) {
        return std::count_if(page.rows.begin(), page.rows.end(), [&](const auto& r) { return r.type == type; });
    };
    CHECK(count(*all, "altegio_webhook") >= 1);
    CHECK(count(*all, "kommo_request") >= 1);
    CHECK(count(*all, "failed_event") == 1);
    for (size_t i = 1; i < all->rows.size(); ++i) CHECK(all->rows[i - 1].at_ms >= all->rows[i].at_ms);   // newest first

    auto only = wire::api::decode_history_page(body_of(world.call("GET", "/api/v1/history?" + period + "&types=kommo_request,failed_event")));
    REQUIRE(only);
    CHECK(count(*only, "altegio_webhook") == 0);
    CHECK(count(*only, "kommo_request") == count(*all, "kommo_request"));
    auto refused = std::find_if(only->rows.begin(), only->rows.end(), [](const auto& r) { return r.status == 400; });
    REQUIRE(refused != only->rows.end());
    auto detail = wire::api::decode_history_detail(body_of(world.call("GET", "/api/v1/history/" + std::to_string(refused->id))));
    REQUIRE(detail);
    CHECK(detail->request_body.find("Marta Ruiz") != std::string::npos);
    CHECK(detail->response_body.find("400") != std::string::npos);

    auto failed = std::find_if(only->rows.begin(), only->rows.end(), [](const auto& r) { return r.type == "failed_event"; });
    REQUIRE(failed != only->rows.end());
    CHECK(failed->repeatable);
    auto repeated = world.call("POST", "/api/v1/history/failed/" + std::to_string(failed->id) + "/repeat?wait_ms=5000");
    REQUIRE_MESSAGE(repeated.status == 200, repeated.body);
    auto outcome = wire::api::decode_history_row(body_of(repeated));
    REQUIRE(outcome);
    CHECK(outcome->state == "done");
    CHECK_FALSE(outcome->repeatable);

    CHECK(world.call("GET", "/api/v1/history?" + period, Json(), 9002).status == 403);
    CHECK(world.call("GET", "/api/v1/history?from_ms=10&to_ms=5").status == 400);
    CHECK(world.call("GET", "/api/v1/history?" + period + "&types=everything").status == 400);
}

TEST_CASE("history entries and finished events older than the retention are pruned; recent ones stay") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    settle(world);
    auto& store = world.relay->store();
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    store::HistoryEntry old_entry{0, now_ms - 31LL * 86400 * 1000, 31000001, "out", "kommo.get_leads", "GET", "x", 200, "", "", "", 1};
    REQUIRE(store.add_history(old_entry));
    auto before = store.recent_history(31000001, 100000)->size();
    auto pruned = world.relay->prune_old_entries();   // retention: 30 days by default
    REQUIRE(pruned);
    CHECK(*pruned == 1);
    CHECK(store.recent_history(31000001, 100000)->size() == before - 1);
    CHECK(store.inbox_counts()->done == 1);
}

TEST_CASE("a lead moved in Kommo to a stage with an action marks its Altegio record; other changes only reach the history") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto settings = settings_of(world);
    settings.automation.stage_triggers = {{{7700001, 77006}, domain::RecordAction::did_not_come}};
    save_settings(world, settings);
    int64_t record = book_for(world, 21003, free_slot(world, 5001, 7001), "John Miller", "+447700900456", "stage-1");
    settle(world);
    std::string url = world.intake_url(hooks::Intake::kommo);
    Json registered = world.sandbox_state()["kommo"]["webhooks"];   // the install asked Kommo for stage changes
    REQUIRE(registered.size() == 1);
    CHECK(registered[0]["destination"] == url);
    CHECK(registered[0]["settings"] == Json::array({"status_lead"}));
    auto hook = [&](const std::string& form) { return world.relay_to_router_send({"POST", url, {}, form}); };
    auto moved = [&](int64_t status, int64_t at) {
        return "leads%5Bstatus%5D%5B0%5D%5Bid%5D=21003&leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=" + std::to_string(status) +
               "&leads%5Bstatus%5D%5B0%5D%5Bold_status_id%5D=77003&leads%5Bstatus%5D%5B0%5D%5Bpipeline_id%5D=7700001"
               "&leads%5Bstatus%5D%5B0%5D%5Blast_modified%5D=" + std::to_string(at) + "&account%5Bid%5D=31000001&account%5Bsubdomain%5D=bellastudio";
    };
    auto attendance = [&] {
        Json state = world.sandbox_state();
        for (const auto& r : state["altegio"]["records"])
            if (r["id"] == record) return r["attendance"].get<int>();
        return 99;
    };
    REQUIRE(hook(moved(77005, 1763900000)).status == 200);   // a stage without an action
    settle(world);
    CHECK(attendance() == 0);
    auto first = hook(moved(77006, 1763900100));
    REQUIRE(first.status == 200);
    CHECK(body_of(first)["new"] == 1);
    settle(world);
    CHECK(attendance() == -1);
    CHECK(body_of(hook(moved(77006, 1763900100)))["new"] == 0);   // delivered twice, stored once
    auto renamed = hook("leads%5Bupdate%5D%5B0%5D%5Bid%5D=21003&leads%5Bupdate%5D%5B0%5D%5Bname%5D=x&account%5Bid%5D=31000001");
    REQUIRE(renamed.status == 200);
    CHECK(body_of(renamed)["new"] == 0);
    CHECK(hook("leads%5Bstatus%5D%5B0%5D%5Bid%5D=1&account%5Bid%5D=42").status == 403);   // another account's webhook
    CHECK(world.relay_to_router_send({"POST", "http://relay.test/hooks/kommo/wrong-key", {}, moved(77006, 1)}).status == 404);
}

TEST_CASE("a lead moved to a stage whose action is \"move\" reschedules its record to the date and time written on the lead") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto settings = settings_of(world);
    settings.automation.stage_triggers = {{{7700001, 77004}, domain::RecordAction::move}};
    save_settings(world, settings);
    int64_t record = book_for(world, 21003, free_slot(world, 5001, 7001), "John Miller", "+447700900456", "move-1");
    settle(world);
    // The manager writes a new date and time on the lead (as Kommo's card would), then moves it to the stage.
    auto installation = *world.relay->store().find_installation(31000001);
    const int64_t friday_midnight_moscow = 1798146000;   // 2026-12-25 00:00 +03:00 (a Friday; the employee works)
    Json patch{{"custom_fields_values", {{{"field_id", settings.lead_fields.record_date}, {"values", {{{"value", friday_midnight_moscow}}}}},
                                         {{"field_id", settings.lead_fields.record_time}, {"values", {{{"value", "16:30"}}}}}}}};
    auto patched = world.to_sandbox.send({"PATCH", "http://sandbox.test/kommo/api/v4/leads/21003",
                                          {{"Authorization", "Bearer " + installation->access_token}}, patch.dump()});
    REQUIRE_MESSAGE(patched.status == 200, patched.body);
    std::string form = "leads%5Bstatus%5D%5B0%5D%5Bid%5D=21003&leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=77004"
                       "&leads%5Bstatus%5D%5B0%5D%5Bpipeline_id%5D=7700001&leads%5Bstatus%5D%5B0%5D%5Blast_modified%5D=1763900200"
                       "&account%5Bid%5D=31000001";
    REQUIRE(world.relay_to_router_send({"POST", world.intake_url(hooks::Intake::kommo), {}, form}).status == 200);
    settle(world);
    std::string datetime;
    Json state = world.sandbox_state();
    for (const auto& r : state["altegio"]["records"])
        if (r["id"] == record) datetime = r["datetime"];
    CHECK(datetime == "2026-12-25T16:30:00+03:00");
}

TEST_CASE("connecting Altegio registers the relay's webhook with each branch, keeps other applications' and accounts' URLs and drops its own old ones") {
    World world(1000.0, 0);
    world.install();
    std::string user = world.sandbox_user_token();
    std::string url = world.intake_url(hooks::Intake::altegio);
    auto hooks = [&] { return body_of(world.altegio_call("GET", "/hooks_settings/400001", user))["data"]; };
    Json first = hooks();
    CHECK(first["urls"] == Json::array({url}));
    for (const char* resource : {"record", "client", "finances_operation", "active"}) CHECK(first[resource] == 1);
    CHECK(first["self_sending"] == 0);
    first["urls"].push_back("https://other-app.example/hook");
    auto installation = world.relay->store().find_installation(31000001);
    REQUIRE((installation && *installation));
    first["urls"].push_back("http://relay.test/hooks/altegio/" + (*installation)->webhook_key);   // the address before per-intake keys
    first["urls"].push_back("http://relay.test/hooks/altegio/31000001.0123456789abcdef0123456789abcdef");   // before a reinstall
    first["urls"].push_back("http://relay.test/hooks/altegio/31000002.0123456789abcdef0123456789abcdef");   // another Kommo account
    REQUIRE(world.altegio_call("POST", "/hooks_settings/400001", user, first).status == 201);
    auto again = world.call("POST", "/api/v1/altegio/connect", Json{{"login", "admin@bella.example"}, {"password", "sandbox-password"}});
    REQUIRE(again.status == 200);
    CHECK(hooks()["urls"] == Json::array({"https://other-app.example/hook", "http://relay.test/hooks/altegio/31000002.0123456789abcdef0123456789abcdef", url}));
}

TEST_CASE("people go first: a call made for a person takes the next free place before any queued background call") {
    clients::RateLimiter limiter(10.0);
    std::vector<clients::RateLimiter::Slot> held;
    for (int i = 0; i < 10; ++i) held.push_back(limiter.acquire());   // every place taken
    std::mutex order_mutex;
    std::vector<std::string> order;   // in the order the places were taken
    auto call = [&](const std::string& who, bool person) {
        std::optional<clients::PersonScope> scope;
        if (person) scope.emplace();
        auto slot = limiter.acquire();
        {
            std::lock_guard lock(order_mutex);
            order.push_back(who);
        }
        limiter.release(slot);
    };
    std::vector<std::thread> background;
    for (int i = 0; i < 9; ++i) background.emplace_back(call, "background", false);   // the sync's queue, waiting
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::thread person(call, "person", true);   // the settings page opens behind them
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    limiter.release(held.back());   // one place frees a second after this: ten callers wait for it
    held.pop_back();
    person.join();
    for (auto slot : held) limiter.release(slot);
    for (auto& t : background) t.join();
    REQUIRE(order.size() == 10);
    CHECK(order.front() == "person");
}
