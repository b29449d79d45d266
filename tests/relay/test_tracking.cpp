// Lead tracking: a lead-tracking service posts leads to /tracking/{key}/leads. What is made or found is chosen per lead
// type and entity: made, the deal, contact and company come at once, tagged, and get attribution that arrives later;
// a deal looked for is looked for again until it appears, also across a restart; a contact or company found is linked. Three hours after a lead nothing
// more is written; a deal whose GA client id is another lead's is left alone and the history says so.
#include <doctest/doctest.h>
#include "shared/wire/settings_api.hpp"
#include "shared/wire/tracking.hpp"
#include "sync_helpers.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// The admin's Lead tracking section, saved through the settings page (fields to make included).
wire::api::SettingsPage save_tracking(World& world, const std::function<void(domain::LeadTracking&)>& change) {
    auto page = wire::api::decode_settings_page(body_of(world.call("GET", "/api/v1/settings")));
    REQUIRE(page);
    domain::Settings settings = page->settings;
    settings.tracking.enabled = true;
    change(settings.tracking);
    auto saved = world.call("PUT", "/api/v1/settings", wire::api::encode(wire::api::SettingsSave{page->revision, settings}));
    REQUIRE_MESSAGE(saved.status == 200, saved.body);
    auto after = wire::api::decode_settings_page(body_of(world.call("GET", "/api/v1/settings")));
    REQUIRE(after);
    return *after;
}

http::Response post_lead(World& world, const std::string& url, const Json& body) {
    return world.relay_to_router_send({"POST", url, {}, body.dump()});
}

// Created and attribution fields made by the settings: each parameter's new deal field, by code.
int64_t field_id(World& world, const std::string& code) {
    Json state = world.sandbox_state();
    for (const auto& f : state["kommo"]["lead_fields"])
        if (f["code"] == code) return f["id"];
    return 0;
}

std::vector<std::string> tag_names(const Json& entity) {
    std::vector<std::string> out;
    if (entity.contains("_embedded") && entity["_embedded"].contains("tags"))
        for (const auto& t : entity["_embedded"]["tags"]) out.push_back(t["name"]);
    return out;
}

Json newest_lead(World& world) {
    Json state = world.sandbox_state();
    Json newest;
    for (const auto& l : state["kommo"]["leads"])
        if (newest.is_null() || l["id"].get<int64_t>() > newest["id"].get<int64_t>()) newest = l;
    return newest;
}

std::vector<store::HistoryEntry> history_of_kind(World& world, const std::string& kind) {
    std::vector<store::HistoryEntry> out;
    auto entries = world.relay->store().recent_history(31000001, 500);   // kept: a loop over the temporary's value dangles
    REQUIRE(entries);
    for (const auto& e : *entries)
        if (e.kind == kind) out.push_back(e);
    return out;
}

// Moves the lead's first post back in time, as if that much had passed.
void age_lead(World& world, const std::string& lead_id, int64_t by_ms) {
    auto row = *world.relay->store().tracked_lead(31000001, lead_id);
    REQUIRE(row);
    auto record = *wire::parse_json(row->record_json);
    record["first_seen_ms"] = record["first_seen_ms"].get<int64_t>() - by_ms;
    row->record_json = record.dump();
    REQUIRE(world.relay->store().save_tracked_lead(*row));
}

// Kommo's API as a manager's browser uses it (the installation's token): a deal made or changed by hand.
Json kommo_api(World& world, const std::string& method, const std::string& path, const Json& body) {
    auto installation = *world.relay->store().find_installation(31000001);
    auto reply = world.to_sandbox.send({method, "http://sandbox.test/kommo/api/v4" + path,
                                        {{"Authorization", "Bearer " + installation->access_token}}, body.dump()});
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    return body_of(reply);
}

const Json anna_form{{"lead_id", "at-100"}, {"type", "form"}, {"project", "Bella site"}, {"email", "anna.new@example.com"},
                     {"phone", "+7 916 000-11-22"}, {"name", "Anna Petrova"}, {"subject", "Manicure on Friday"},
                     {"message", "Can I come at 18:00?"}, {"company", "Petrova Studio"}, {"source", "google"}};

}  // namespace

TEST_CASE("tracking: mode create makes a tagged deal, contact and company at once, then writes late attribution into new fields") {
    World world(1000.0, 2);
    world.install();
    auto page = save_tracking(world, [](domain::LeadTracking& t) {
        for (auto& [type, modes] : t.modes) modes.company = domain::TrackingMode::create;
        t.stage = {7700001, 77002};
        t.responsible_user_id = 9003;
        t.fields = {{domain::TrackingParam::source, domain::LeadTracking::new_field},
                    {domain::TrackingParam::campaign, domain::LeadTracking::new_field},
                    {domain::TrackingParam::ga_client_id, domain::LeadTracking::new_field}};
    });
    // Saving made the three fields and put their ids in the settings.
    int64_t source = field_id(world, "KB_TRACK_SOURCE"), campaign = field_id(world, "KB_TRACK_CAMPAIGN");
    REQUIRE(source != 0);
    REQUIRE(campaign != 0);
    CHECK(page.settings.tracking.fields.at(domain::TrackingParam::source) == source);
    CHECK(page.tracking_url.find("/tracking/") != std::string::npos);
    const std::string url = "http://relay.test" + page.tracking_url.substr(page.tracking_url.find("/tracking/"));

    auto posted = post_lead(world, url, anna_form);
    REQUIRE_MESSAGE(posted.status == 200, posted.body);
    settle(world);
    Json deal = newest_lead(world);
    CHECK(deal["name"] == "Manicure on Friday");
    CHECK(deal["status_id"] == 77002);
    CHECK(deal["responsible_user_id"] == 9003);
    CHECK(field_text(deal, source) == "google");
    CHECK(tag_names(deal) == std::vector<std::string>{"Bella site"});   // no tag set: the project's name
    REQUIRE(deal["_embedded"]["companies"].size() == 1);
    Json state = world.sandbox_state();
    Json contact, company;
    for (const auto& c : state["kommo"]["contacts"])
        if (c["name"] == "Anna Petrova") contact = c;
    for (const auto& c : state["kommo"]["companies"])
        if (c["name"] == "Petrova Studio") company = c;
    REQUIRE(contact.is_object());
    CHECK(contact.dump().find("anna.new@example.com") != std::string::npos);
    CHECK(tag_names(contact) == std::vector<std::string>{"Bella site"});
    CHECK(tag_names(company) == std::vector<std::string>{"Bella site"});
    auto notes = of_lead(world, "notes", deal["id"]);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0]["params"]["text"].get<std::string>().find("Can I come at 18:00?") != std::string::npos);

    // The attribution comes an hour later in a second post: the same deal gets it, nothing new is made.
    age_lead(world, "at-100", 3600 * 1000);
    size_t leads_before = world.sandbox_state()["kommo"]["leads"].size();
    REQUIRE(post_lead(world, url, Json{{"lead_id", "at-100"}, {"campaign", "autumn"}, {"ga_client_id", "GA1.2.5.6"}}).status == 200);
    settle(world);
    Json updated = lead(world, deal["id"]);
    CHECK(field_text(updated, campaign) == "autumn");
    CHECK(field_text(updated, field_id(world, "KB_TRACK_GA_CLIENT_ID")) == "GA1.2.5.6");
    CHECK(field_text(updated, source) == "google");
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == leads_before);
    // The same post again is stored once; the lead's own GA id does not stop its own updates.
    auto twice = post_lead(world, url, Json{{"lead_id", "at-100"}, {"campaign", "autumn"}, {"ga_client_id", "GA1.2.5.6"}});
    CHECK(body_of(twice)["new"] == 0);
    REQUIRE(post_lead(world, url, Json{{"lead_id", "at-100"}, {"campaign", "winter"}}).status == 200);
    settle(world);
    CHECK(field_text(lead(world, deal["id"]), campaign) == "winter");

    // After three hours nothing is written; the history says why.
    age_lead(world, "at-100", 2 * 3600 * 1000 + 1000);
    REQUIRE(post_lead(world, url, Json{{"lead_id", "at-100"}, {"campaign", "spring"}}).status == 200);
    settle(world);
    CHECK(field_text(lead(world, deal["id"]), campaign) == "winter");
    auto expired = history_of_kind(world, "tracking.expired");
    REQUIRE(expired.size() == 1);
    CHECK(expired[0].error.find("three hours") != std::string::npos);
}

TEST_CASE("tracking: refused posts leave nothing; a type not used is ignored and the history says so; a set tag wins") {
    World world(1000.0, 2);
    world.install();
    const std::string url = world.intake_url(hooks::Intake::tracking);
    auto off = post_lead(world, url, anna_form);   // lead tracking not switched on yet
    CHECK(off.status == 412);
    CHECK(body_of(off)["error"]["message_key"] == "ui.error.tracking_off");
    save_tracking(world, [](domain::LeadTracking& t) {
        t.types = {domain::TrackedLeadType::form};
        t.tag = "Ads";
    });
    CHECK(post_lead(world, "http://relay.test/tracking/wrong-key/leads", anna_form).status == 404);
    CHECK(post_lead(world, url, Json{{"lead_id", "x"}, {"type", "fax"}}).status == 400);
    CHECK(post_lead(world, url, Json::array({anna_form, Json{{"type", "form"}}})).status == 400);   // one bad lead refuses the post
    settle(world);
    CHECK(world.relay->store().inbox_counts()->done == 0);

    size_t leads_before = world.sandbox_state()["kommo"]["leads"].size();
    REQUIRE(post_lead(world, url, Json{{"lead_id", "call-1"}, {"type", "phone"}, {"phone", "+7 916 000-11-23"}}).status == 200);
    REQUIRE(post_lead(world, url, anna_form).status == 200);
    settle(world);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == leads_before + 1);   // the form only
    CHECK(tag_names(newest_lead(world)) == std::vector<std::string>{"Ads"});
    auto ignored = history_of_kind(world, "tracking.ignored");
    REQUIRE(ignored.size() == 1);
    CHECK(ignored[0].target == "tracked lead call-1");
    auto types = body_of(world.call("GET", "/api/v1/history?from_ms=0&to_ms=9999999999999&types=tracking"));
    CHECK(types.dump().find("tracking.ignored") != std::string::npos);
}

TEST_CASE("tracking: mode find makes nothing, finds the contact's newest deal when it appears, and keeps looking across a restart") {
    World world(1000.0, 2);
    world.install();
    auto page = save_tracking(world, [](domain::LeadTracking& t) {
        for (auto& [type, modes] : t.modes) modes = {domain::TrackingMode::find, domain::TrackingMode::find, domain::TrackingMode::off};
        t.fields = {{domain::TrackingParam::source, 880010}};   // the account's own "Source" field
    });
    const std::string url = "http://relay.test" + page.tracking_url.substr(page.tracking_url.find("/tracking/"));
    size_t leads_before = world.sandbox_state()["kommo"]["leads"].size();
    size_t contacts_before = world.sandbox_state()["kommo"]["contacts"].size();
    // María (contact 31002, lead 21002) wrote through the site's chat; a new contact nobody has yet, too.
    REQUIRE(post_lead(world, url, Json{{"lead_id", "chat-7"}, {"type", "chat"}, {"email", "Maria.Lopez@example.es"}, {"source", "instagram"}}).status == 200);
    REQUIRE(post_lead(world, url, Json{{"lead_id", "form-8"}, {"type", "form"}, {"email", "nobody.yet@example.com"}, {"source", "bing"}}).status == 200);
    settle(world);
    CHECK(field_text(lead(world, 21002), 880010) == "instagram");
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == leads_before);
    CHECK(world.sandbox_state()["kommo"]["contacts"].size() == contacts_before);

    // The second lead waits; the relay restarts; then a manager adds the contact with a deal, and the next look finds it.
    auto pending = *world.relay->store().tracked_lead(31000001, "form-8");
    REQUIRE(pending);
    CHECK(pending->next_search_ms > 0);
    world.restart_relay();
    Json contact{{"name", "Walk-in"}, {"custom_fields_values", Json::array({Json{{"field_code", "EMAIL"},
                                                                                  {"values", Json::array({Json{{"value", "nobody.yet@example.com"}}})}}})}};
    Json made = kommo_api(world, "POST", "/leads/complex", Json::array({Json{{"name", "Walk-in"}, {"_embedded", Json{{"contacts", Json::array({contact})}}}}}));
    int64_t deal_id = made[0]["id"];
    auto row = *world.relay->store().tracked_lead(31000001, "form-8");
    row->next_search_ms = 1;   // due now rather than in three seconds
    REQUIRE(world.relay->store().save_tracked_lead(*row));
    CHECK(*world.relay->tracking().queue_due_searches() == 1);
    world.relay->wake_workers();
    settle(world);
    CHECK(field_text(lead(world, deal_id), 880010) == "bing");
    CHECK((*world.relay->store().tracked_lead(31000001, "form-8"))->next_search_ms == 0);
    CHECK(*world.relay->tracking().queue_due_searches() == 0);

    // A lead whose contact never gets a deal stops being looked for after three hours.
    REQUIRE(post_lead(world, url, Json{{"lead_id", "form-9"}, {"type", "form"}, {"email", "never@example.com"}}).status == 200);
    settle(world);
    age_lead(world, "form-9", 3 * 3600 * 1000 + 1000);
    row = *world.relay->store().tracked_lead(31000001, "form-9");
    row->next_search_ms = 1;
    REQUIRE(world.relay->store().save_tracked_lead(*row));
    CHECK(*world.relay->tracking().queue_due_searches() == 1);
    world.relay->wake_workers();
    settle(world);
    CHECK((*world.relay->store().tracked_lead(31000001, "form-9"))->next_search_ms == 0);
    CHECK(history_of_kind(world, "tracking.expired").size() == 1);
}

TEST_CASE("tracking: first touch wins: a found deal whose GA client id is another's is not updated, and the history says so") {
    World world(1000.0, 2);
    world.install();
    auto page = save_tracking(world, [](domain::LeadTracking& t) {
        for (auto& [type, modes] : t.modes) modes = {domain::TrackingMode::find, domain::TrackingMode::find, domain::TrackingMode::off};
        t.fields = {{domain::TrackingParam::source, 880010},
                    {domain::TrackingParam::ga_client_id, domain::LeadTracking::new_field}};
    });
    int64_t ga = field_id(world, "KB_TRACK_GA_CLIENT_ID");
    const std::string url = "http://relay.test" + page.tracking_url.substr(page.tracking_url.find("/tracking/"));
    // John's deal 21003 already came from another touch.
    kommo_api(world, "PATCH", "/leads/21003",
              Json{{"custom_fields_values", Json::array({Json{{"field_id", ga}, {"values", Json::array({Json{{"value", "GA1.2.1.1"}}})}}})}});
    REQUIRE(post_lead(world, url, Json{{"lead_id", "f-1"}, {"type", "form"}, {"email", "john.miller@example.co.uk"}, {"source", "newsletter"},
                                       {"ga_client_id", "GA1.2.9.9"}}).status == 200);
    settle(world);
    CHECK(field_text(lead(world, 21003), 880010) == "");
    CHECK(field_text(lead(world, 21003), ga) == "GA1.2.1.1");
    auto skipped = history_of_kind(world, "tracking.ga_skipped");
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].error.find("GA1.2.1.1") != std::string::npos);
}

TEST_CASE("tracking: a look that fails while Kommo is out of reach is planned again, not failed for good") {
    World world(1000.0, 2);
    world.install();
    auto page = save_tracking(world, [](domain::LeadTracking& t) {
        for (auto& [type, modes] : t.modes) modes = {domain::TrackingMode::find, domain::TrackingMode::find, domain::TrackingMode::off};
        t.fields = {{domain::TrackingParam::source, 880010}};
    });
    const std::string url = "http://relay.test" + page.tracking_url.substr(page.tracking_url.find("/tracking/"));
    world.sandbox.add_fault(sandbox::Fault{"kommo", "/contacts", 503, 0, 20, 0});
    REQUIRE(post_lead(world, url, Json{{"lead_id", "chat-9"}, {"type", "chat"}, {"email", "maria.lopez@example.es"}, {"source", "tiktok"}}).status == 200);
    settle(world);
    CHECK(world.relay->store().inbox_counts()->failed == 0);
    auto row = *world.relay->store().tracked_lead(31000001, "chat-9");
    REQUIRE(row);
    CHECK(row->next_search_ms > 0);   // still looked for
    CHECK(field_text(lead(world, 21002), 880010) == "");

    world.control("DELETE", "/__sandbox/faults");
    row->next_search_ms = 1;
    REQUIRE(world.relay->store().save_tracked_lead(*row));
    CHECK(*world.relay->tracking().queue_due_searches() == 1);
    world.relay->wake_workers();
    settle(world);
    CHECK(field_text(lead(world, 21002), 880010) == "tiktok");
}

TEST_CASE("tracking: when Kommo made the deal but its answer was lost, the retried post finds the deal by its marker and makes no second") {
    World world(1000.0, 2);
    world.install();
    auto page = save_tracking(world, [](domain::LeadTracking& t) { t.fields = {{domain::TrackingParam::source, domain::LeadTracking::new_field}}; });
    const std::string url = "http://relay.test" + page.tracking_url.substr(page.tracking_url.find("/tracking/"));
    // Kommo carries out the complex add, then the answer never arrives (the relay dies, or the network drops it).
    REQUIRE(world.control("POST", "/__sandbox/faults",
                          Json{{"target", "kommo"}, {"path_contains", "/leads/complex"}, {"status", 504}, {"after", true}}).status == 201);
    size_t deals_before = world.sandbox_state()["kommo"]["leads"].size();
    REQUIRE(post_lead(world, url, anna_form).status == 200);
    settle(world);

    Json state = world.sandbox_state();
    std::vector<Json> made;
    for (const auto& l : state["kommo"]["leads"])
        if (l["name"] == "Manicure on Friday") made.push_back(l);
    REQUIRE(made.size() == 1);   // one deal, though the add was sent once and its answer lost
    CHECK(state["kommo"]["leads"].size() == deals_before + 1);
    int64_t marker_field = field_id(world, "KB_TRACKING_MARKER");
    REQUIRE(marker_field != 0);
    auto row = *world.relay->store().tracked_lead(31000001, "at-100");
    REQUIRE(row);
    auto lead = wire::tracking::decode_tracked_lead(*wire::parse_json(row->record_json));
    REQUIRE(lead);
    CHECK(lead->deal_id == made[0]["id"]);
    CHECK(lead->state == domain::TrackingState::linked);
    CHECK_FALSE(lead->marker.empty());
    CHECK(field_text(made[0], marker_field) == lead->marker);
    CHECK(of_lead(world, "notes", lead->deal_id).size() == 1);   // the message, once
    auto adds = history_of_kind(world, "kommo.create_lead");
    REQUIRE(adds.size() == 1);   // the one add, whose answer was lost: the retry looked instead of adding again
    CHECK(adds[0].status == 504);
}

TEST_CASE("tracking: parameters go to the contact's and the company's fields too, made new on save, written at once and later") {
    World world(1000.0, 2);
    world.install();
    auto page = save_tracking(world, [](domain::LeadTracking& t) {
        for (auto& [type, modes] : t.modes) modes.company = domain::TrackingMode::create;
        t.fields = {{domain::TrackingParam::source, domain::LeadTracking::new_field}};
        t.contact_fields = {{domain::TrackingParam::source, domain::LeadTracking::new_field},
                            {domain::TrackingParam::campaign, domain::LeadTracking::new_field}};
        t.company_fields = {{domain::TrackingParam::campaign, domain::LeadTracking::new_field}};
    });
    // Saving made each entity's field ("create a new field") and put its id in the settings.
    auto field_of = [&](const char* entity, const std::string& code) -> int64_t {
        Json state = world.sandbox_state();
        for (const auto& f : state["kommo"][entity])
            if (f["code"] == code) return f["id"];
        return 0;
    };
    int64_t contact_source = field_of("contact_fields", "KB_TRACK_SOURCE"), contact_campaign = field_of("contact_fields", "KB_TRACK_CAMPAIGN");
    int64_t company_campaign = field_of("company_fields", "KB_TRACK_CAMPAIGN");
    REQUIRE(contact_source != 0);
    REQUIRE(contact_campaign != 0);
    REQUIRE(company_campaign != 0);
    CHECK(page.settings.tracking.contact_fields.at(domain::TrackingParam::source) == contact_source);
    CHECK(page.settings.tracking.company_fields.at(domain::TrackingParam::campaign) == company_campaign);
    CHECK(std::any_of(page.company_fields.begin(), page.company_fields.end(), [&](const auto& f) { return f.id == company_campaign; }));
    const std::string url = "http://relay.test" + page.tracking_url.substr(page.tracking_url.find("/tracking/"));

    REQUIRE(post_lead(world, url, anna_form).status == 200);   // source "google", no campaign yet
    settle(world);
    auto entity_named = [&](const char* what, const std::string& name) {
        Json state = world.sandbox_state();
        for (const auto& e : state["kommo"][what])
            if (e["name"] == name) return e;
        return Json();
    };
    Json contact = entity_named("contacts", "Anna Petrova"), company = entity_named("companies", "Petrova Studio");
    REQUIRE(contact.is_object());
    REQUIRE(company.is_object());
    CHECK(field_text(contact, contact_source) == "google");
    CHECK(field_text(contact, contact_campaign) == "");
    CHECK(field_text(company, company_campaign) == "");

    // The campaign arrives later: the deal, the contact and the company get it.
    REQUIRE(post_lead(world, url, Json{{"lead_id", "at-100"}, {"campaign", "autumn"}}).status == 200);
    settle(world);
    CHECK(field_text(entity_named("contacts", "Anna Petrova"), contact_campaign) == "autumn");
    CHECK(field_text(entity_named("contacts", "Anna Petrova"), contact_source) == "google");
    CHECK(field_text(entity_named("companies", "Petrova Studio"), company_campaign) == "autumn");
}

TEST_CASE("tracking: each lead type has its own modes: a call's deal is linked to the contact and company found, a form makes only a contact") {
    World world(1000.0, 2);
    world.install();
    auto page = save_tracking(world, [](domain::LeadTracking& t) {
        t.types = {domain::TrackedLeadType::phone, domain::TrackedLeadType::form};
        t.modes[domain::TrackedLeadType::phone] = {domain::TrackingMode::create, domain::TrackingMode::find, domain::TrackingMode::find};
        t.modes[domain::TrackedLeadType::form] = {domain::TrackingMode::off, domain::TrackingMode::create, domain::TrackingMode::off};
        t.fields = {{domain::TrackingParam::source, 880010}};
        t.contact_fields = {{domain::TrackingParam::source, domain::LeadTracking::new_field}};
        t.company_fields = {{domain::TrackingParam::campaign, domain::LeadTracking::new_field}};
    });
    const int64_t contact_source = page.settings.tracking.contact_fields.at(domain::TrackingParam::source);
    const int64_t company_campaign = page.settings.tracking.company_fields.at(domain::TrackingParam::campaign);
    const std::string url = "http://relay.test" + page.tracking_url.substr(page.tracking_url.find("/tracking/"));
    Json studio = kommo_api(world, "POST", "/companies", Json::array({Json{{"name", "López Studio"}}}));
    const int64_t studio_id = studio["_embedded"]["companies"][0]["id"];
    auto count = [&](const char* what) { return world.sandbox_state()["kommo"][what].size(); };
    const size_t contacts_before = count("contacts"), companies_before = count("companies"), leads_before = count("leads");

    // María calls from her phone, written another way, naming her studio in other case: a new deal on her contact and
    // her company, nothing else made; both get the parameters.
    REQUIRE(post_lead(world, url, Json{{"lead_id", "call-1"}, {"type", "phone"}, {"phone", "0034 600-111-222"}, {"company", "lópez studio"},
                                       {"source", "google"}, {"campaign", "spring"}})
                .status == 200);
    settle(world);
    CHECK(count("contacts") == contacts_before);
    CHECK(count("companies") == companies_before);
    REQUIRE(count("leads") == leads_before + 1);
    Json call = newest_lead(world);
    CHECK(field_text(call, 880010) == "google");
    Json state = world.sandbox_state();
    CHECK(state["kommo"]["lead_contacts"][std::to_string(call["id"].get<int64_t>())] == Json::array({31002}));
    CHECK(call["_embedded"]["companies"][0]["id"] == studio_id);
    auto with_id = [&](const char* what, int64_t id) {
        for (const auto& e : state["kommo"][what])
            if (e["id"] == id) return e;
        return Json();
    };
    CHECK(field_text(with_id("contacts", 31002), contact_source) == "google");
    CHECK(field_text(with_id("companies", studio_id), company_campaign) == "spring");

    // A name or an address longer than Kommo keeps is not looked for (the search would bounce off Kommo's URL
    // limit and the lead would fail): the deal is still made, linked to nothing.
    const size_t searches = history_of_kind(world, "kommo.search_companies").size() + history_of_kind(world, "kommo.search_contacts").size();
    REQUIRE(post_lead(world, url, Json{{"lead_id", "call-2"}, {"type", "phone"}, {"email", std::string(300, 'e') + "@example.com"},
                                       {"company", std::string(300, 'x')}, {"subject", "Long names"}})
                .status == 200);
    settle(world);
    CHECK(history_of_kind(world, "kommo.search_companies").size() + history_of_kind(world, "kommo.search_contacts").size() == searches);
    Json long_names = newest_lead(world);
    CHECK(long_names["name"] == "Long names");
    CHECK(count("contacts") == contacts_before);

    // A form from somebody new: the contact alone, no deal; later attribution reaches the contact.
    REQUIRE(post_lead(world, url, Json{{"lead_id", "form-1"}, {"type", "form"}, {"name", "Lucía Gómez"}, {"email", "lucia@example.es"},
                                       {"company", "Gómez SL"}})
                .status == 200);
    settle(world);
    CHECK(count("leads") == leads_before + 2);   // the two calls' deals
    CHECK(count("companies") == companies_before);
    REQUIRE(count("contacts") == contacts_before + 1);
    REQUIRE(post_lead(world, url, Json{{"lead_id", "form-1"}, {"source", "newsletter"}}).status == 200);
    settle(world);
    Json lucia, after = world.sandbox_state();
    for (const auto& c : after["kommo"]["contacts"])
        if (c["name"] == "Lucía Gómez") lucia = c;
    REQUIRE(lucia.is_object());
    CHECK(field_text(lucia, contact_source) == "newsletter");
}

TEST_CASE("tracking: a contact and a company made on their own whose answers were lost are found on the retry, not made twice") {
    World world(1000.0, 2);
    world.install();
    auto page = save_tracking(world, [](domain::LeadTracking& t) {
        t.modes[domain::TrackedLeadType::form] = {domain::TrackingMode::off, domain::TrackingMode::create, domain::TrackingMode::create};
    });
    const std::string url = "http://relay.test" + page.tracking_url.substr(page.tracking_url.find("/tracking/"));
    for (const char* path : {"/contacts", "/companies"})   // carried out, answer lost (the relay dies, the network drops it)
        REQUIRE(world.control("POST", "/__sandbox/faults", Json{{"target", "kommo"}, {"path_contains", path}, {"status", 504}, {"after", true}}).status == 201);
    auto count = [&](const char* what) { return world.sandbox_state()["kommo"][what].size(); };
    const size_t contacts_before = count("contacts"), companies_before = count("companies"), leads_before = count("leads");
    REQUIRE(post_lead(world, url, anna_form).status == 200);
    settle(world);

    CHECK(count("contacts") == contacts_before + 1);
    CHECK(count("companies") == companies_before + 1);
    CHECK(count("leads") == leads_before);
    auto row = *world.relay->store().tracked_lead(31000001, "at-100");
    REQUIRE(row);
    auto lead = wire::tracking::decode_tracked_lead(*wire::parse_json(row->record_json));
    REQUIRE(lead);
    Json state = world.sandbox_state();
    int64_t anna = 0, studio = 0;
    for (const auto& c : state["kommo"]["contacts"])
        if (c["name"] == "Anna Petrova") anna = c["id"];
    for (const auto& c : state["kommo"]["companies"])
        if (c["name"] == "Petrova Studio") studio = c["id"];
    CHECK(lead->contact_id == anna);
    CHECK(lead->company_id == studio);
    CHECK(lead->state == domain::TrackingState::linked);
    for (const char* kind : {"kommo.create_contact", "kommo.create_company"}) {
        auto sent = history_of_kind(world, kind);
        REQUIRE(sent.size() == 1);   // sent once, its answer lost: the retry looked instead of sending again
        CHECK(sent[0].status == 504);
    }
}
