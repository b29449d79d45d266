// Booking from the pipeline's records window: the lead the record belongs to is found, or made for the client.
#include "sync_helpers.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

std::vector<int64_t> found_ids(World& world, const std::string& query) {
    auto reply = world.call("GET", "/api/v1/leads?query=" + http::url_encode(query));
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    auto leads = wire::api::decode_lead_choices(body_of(reply));
    REQUIRE(leads);
    std::vector<int64_t> ids;
    for (const auto& l : *leads) ids.push_back(l.id);
    return ids;
}

bool has(const std::vector<int64_t>& ids, int64_t id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

http::Response new_lead(World& world, const std::string& name, const std::string& phone, const std::string& key) {
    return world.call("POST", "/api/v1/leads", Json{{"client", {{"name", name}, {"phone", phone}, {"email", ""}}}, {"request_key", key}});
}

size_t count_of(World& world, const char* what) { return world.sandbox_state()["kommo"][what].size(); }

}  // namespace

TEST_CASE("New record in the pipeline finds leads by their name and by the client's phone, however it is written") {
    World world;
    world.install();
    CHECK(has(found_ids(world, "Анна Иванова"), 21001));
    auto by_phone = found_ids(world, "+44 (7700) 900-456");   // John Miller's contact, written another way
    CHECK(has(by_phone, 21003));
    CHECK_FALSE(has(by_phone, 21001));
    CHECK(found_ids(world, "Nobody Of That Name").empty());
    for (const std::string& bad : {std::string("a"), std::string(101, 'x'), std::string("\xff\xfe")}) {
        auto refused = world.call("GET", "/api/v1/leads?query=" + http::url_encode(bad));
        CHECK(refused.status == 400);
        CHECK(body_of(refused)["error"]["message_key"] == "ui.error.lead_query");
    }
}

TEST_CASE("a new lead for a client: named after them, in the new leads' stage, their contact reused by phone, never made twice") {
    World world;
    world.install();
    configure(world);   // new leads go to pipeline 7700001, stage 77002
    size_t leads = count_of(world, "leads"), contacts = count_of(world, "contacts");

    auto made = new_lead(world, "Вера Новикова", "+7 903 555-01-02", "new-1");
    REQUIRE_MESSAGE(made.status == 200, made.body);
    int64_t id = body_of(made)["id"];
    CHECK(body_of(made)["name"] == "Вера Новикова");
    auto lead = world.sandbox_state();
    Json stored;
    for (const auto& l : lead["kommo"]["leads"])
        if (l["id"] == id) stored = l;
    REQUIRE(stored.is_object());
    CHECK(stored["status_id"] == 77002);
    CHECK(stored["responsible_user_id"] == 9001);   // the manager who made it
    CHECK(count_of(world, "leads") == leads + 1);
    CHECK(count_of(world, "contacts") == contacts + 1);

    // The click retried (the answer was lost): the same lead, nothing new in Kommo.
    auto again = new_lead(world, "Вера Новикова", "+7 903 555-01-02", "new-1");
    REQUIRE(again.status == 200);
    CHECK(body_of(again)["id"] == id);
    CHECK(count_of(world, "leads") == leads + 1);
    CHECK(new_lead(world, "Someone Else", "+7 903 555-09-09", "new-1").status == 409);   // a key is one client's

    // A client Kommo knows by phone gets a new lead on their existing contact, not a twin contact.
    auto known = new_lead(world, "John M.", "+44 7700 900456", "new-2");
    REQUIRE_MESSAGE(known.status == 200, known.body);
    CHECK(count_of(world, "contacts") == contacts + 1);
    CHECK(has(found_ids(world, "+44 7700 900456"), body_of(known)["id"].get<int64_t>()));

    // The record is then booked for the new lead as from its card.
    int64_t record = book_for(world, id, free_slot(world, 5001, 7001), "Вера Новикова", "+7 903 555-01-02", "pipeline-1");
    auto records = body_of(world.call("GET", "/api/v1/leads/" + std::to_string(id) + "/records"));
    REQUIRE(records["records"].size() == 1);
    CHECK(records["records"][0]["record"]["id"] == record);

    auto no_phone = new_lead(world, "Вера Новикова", "", "new-3");
    CHECK(no_phone.status == 400);
    CHECK(body_of(no_phone)["error"]["message_key"] == "ui.error.need_phone");
    CHECK(count_of(world, "leads") == leads + 2);
}
