// Lead tracking's rules and formats: what a tracker's post may hold, what each post calls for (create, search,
// update, ignore, expire), when a pending search looks again, first touch wins, and which deal fields get what.
#include <doctest/doctest.h>
#include "shared/wire/json_read.hpp"
#include "shared/wire/tracking.hpp"

using namespace kb;
using namespace kb::domain;
using wire::Json;

namespace {

constexpr int64_t t0 = 1'790'000'000'000;   // when the lead was first posted (ms)
constexpr int64_t minute = 60'000;

LeadTracking create_mode() {
    LeadTracking s;
    s.enabled = true;
    s.fields = {{TrackingParam::source, 301}, {TrackingParam::ga_client_id, 302}, {TrackingParam::date_sent, 303}};
    return s;
}

TrackedLead first_post(const TrackedLeadPost& post, const LeadTracking& s) {
    TrackedLead lead;
    lead.lead_id = post.lead_id;
    lead.type = *post.type;
    lead.first_seen_ms = t0;
    lead.modes = s.modes_for(*post.type);
    merge_post(lead, post);
    return lead;
}

const std::vector<KommoFieldInfo> deal_fields = {{301, "text", {}}, {302, "text", {}}, {303, "date_time", {}}, {304, "select", {{1, "google"}}}};

}  // namespace

TEST_CASE("tracking: a tracker's post is read with its contact and attribution; what it must not be is refused") {
    auto post = wire::tracking::decode_post(*wire::parse_json(R"({
        "lead_id": 58213, "type": "form", "project": "Bella site", "email": "anna@example.com", "phone": "+7 916 123-45-67",
        "name": "Anna", "subject": "Manicure on Friday", "message": "Can I come at 18:00?", "company": "Anna's studio",
        "source": "google", "campaign": "autumn", "ga_client_id": "GA1.2.111.222", "date_sent": 1790000000,
        "utm_whatever": "kept out", "ip": "203.0.113.7"})"));
    REQUIRE(post);
    CHECK(post->lead_id == "58213");   // a number is taken as the id's text
    CHECK(post->type == TrackedLeadType::form);
    CHECK(post->email == "anna@example.com");
    CHECK(post->company == "Anna's studio");
    CHECK(post->params.size() == 5);
    CHECK(post->params.at(TrackingParam::date_sent) == "1790000000");
    CHECK(post->params.at(TrackingParam::ip) == "203.0.113.7");
    auto again = wire::tracking::decode_post(wire::tracking::encode_post(*post));
    REQUIRE(again);
    CHECK(*again == *post);

    // A later post may bring attribution alone, without a type.
    auto late = wire::tracking::decode_post(Json{{"lead_id", "58213"}, {"keyword", "nails"}});
    REQUIRE(late);
    CHECK_FALSE(late->type);

    for (auto [body, member] : {std::pair{R"({"type":"form"})", "lead_id"}, {R"({"lead_id":"1","type":"fax"})", "type"},
                                {R"({"lead_id":"1","email":"not-an-address"})", "email"}, {R"([1])", "lead"}}) {
        auto parsed = wire::parse_json(body);
        auto refused = wire::tracking::decode_post(parsed->is_array() ? (*parsed)[0] : *parsed);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == Errc::bad_input);
        CHECK(refused.error().detail.rfind(member, 0) == 0);
    }
    CHECK_FALSE(wire::tracking::decode_post(Json{{"lead_id", std::string(129, 'x')}}));
    CHECK_FALSE(wire::tracking::decode_post(Json{{"lead_id", "1"}, {"click_path", std::string(4001, 'x')}}));
}

TEST_CASE("tracking: mode create makes the deal at once, then updates it with attribution learnt within three hours") {
    LeadTracking s = create_mode();
    TrackedLeadPost post{"at-1", TrackedLeadType::form, "", "anna@example.com", "", "Anna", "", "", "", {}};
    TrackedLead lead = first_post(post, s);
    CHECK(plan_tracked_post(lead, false, s, t0).step == TrackingStep::create);

    lead.state = TrackingState::linked;
    lead.deal_id = 21100;
    TrackedLeadPost late{"at-1", std::nullopt, "", "", "", "", "", "", "", {{TrackingParam::source, "google"}}};
    bool changed = merge_post(lead, late);
    CHECK(changed);
    CHECK(lead.email == "anna@example.com");   // a post without contact data keeps the known one
    CHECK(plan_tracked_post(lead, changed, s, t0 + 30 * minute).step == TrackingStep::update);
    CHECK_FALSE(merge_post(lead, late));      // the same again: nothing new
    CHECK(plan_tracked_post(lead, false, s, t0 + 31 * minute).step == TrackingStep::nothing);
    CHECK(plan_tracked_post(lead, true, s, t0 + 3 * 60 * minute + 1).step == TrackingStep::expired);
    CHECK(plan_tracked_post(lead, true, s, t0 + 3 * 60 * minute).step == TrackingStep::update);   // the window's last moment

    // Without a deal (the admin makes contacts only) there is nothing for attribution to go into.
    lead.deal_id = 0;
    CHECK(plan_tracked_post(lead, true, s, t0 + minute).step == TrackingStep::nothing);
}

TEST_CASE("tracking: a type the admin does not use is ignored for good; a type whose deal is found searches instead of creating") {
    LeadTracking s = create_mode();
    s.types = {TrackedLeadType::form, TrackedLeadType::chat};
    TrackedLead call = first_post({"at-2", TrackedLeadType::phone, "", "", "+79161234567", "", "", "", "", {}}, s);
    auto plan = plan_tracked_post(call, false, s, t0);
    CHECK(plan.step == TrackingStep::ignore_type);
    CHECK(plan.outcome.find("phone") != std::string::npos);
    call.state = TrackingState::ignored;
    CHECK(plan_tracked_post(call, true, s, t0 + minute).step == TrackingStep::nothing);

    s.modes[TrackedLeadType::chat] = {TrackingMode::find, TrackingMode::find, TrackingMode::off};
    TrackedLead form = first_post({"at-4", TrackedLeadType::form, "", "maria@example.es", "", "", "", "", "", {}}, s);
    CHECK(plan_tracked_post(form, false, s, t0).step == TrackingStep::create);   // another type keeps its own modes
    TrackedLead chat = first_post({"at-3", TrackedLeadType::chat, "", "maria@example.es", "", "", "", "", "", {}}, s);
    CHECK(chat.modes.deal == TrackingMode::find);
    s.modes[TrackedLeadType::chat].deal = TrackingMode::create;   // changed after the lead came: the lead keeps its modes
    CHECK(plan_tracked_post(chat, false, s, t0).step == TrackingStep::search);
    chat.state = TrackingState::searching;
    CHECK(plan_tracked_post(chat, true, s, t0 + minute).step == TrackingStep::search);   // attribution while still looking
    CHECK(plan_search(chat, t0 + 2 * 60 * minute).step == TrackingStep::search);
    CHECK(plan_search(chat, t0 + 3 * 60 * minute + 1).step == TrackingStep::expired);
    chat.state = TrackingState::linked;
    CHECK(plan_search(chat, t0 + minute).step == TrackingStep::nothing);   // found meanwhile: a queued look does nothing
}

TEST_CASE("tracking: a pending search looks every 3 s at first, then less often, and never after three hours") {
    CHECK(next_search_at(t0, t0) == t0 + 3000);
    CHECK(next_search_at(t0, t0 + 9 * minute) == t0 + 9 * minute + 3000);
    CHECK(next_search_at(t0, t0 + 11 * minute) == t0 + 11 * minute + 30000);
    CHECK(next_search_at(t0, t0 + 61 * minute) == t0 + 61 * minute + 120000);
    CHECK(next_search_at(t0, t0 + 179 * minute) == t0 + 180 * minute);   // the last look at the end of the window
    CHECK(next_search_at(t0, t0 + 180 * minute) == 0);
}

TEST_CASE("tracking: first touch wins: a deal holding another lead's GA client id is not updated") {
    TrackedLead lead;
    lead.params[TrackingParam::ga_client_id] = "GA1.2.111.222";
    CHECK_FALSE(ga_blocks("", lead));
    CHECK_FALSE(ga_blocks("GA1.2.111.222", lead));   // the relay wrote this lead's own id there
    CHECK(ga_blocks("GA1.2.999.888", lead));
    lead.params.erase(TrackingParam::ga_client_id);
    CHECK(ga_blocks("GA1.2.111.222", lead));          // this lead has no GA id: the filled field is another touch's
    lead.written[TrackingParam::ga_client_id] = "GA1.2.111.222";
    CHECK_FALSE(ga_blocks("GA1.2.111.222", lead));
}

TEST_CASE("tracking: attribution goes into the chosen deal fields, as their types take it, and only what is new") {
    LeadTracking s = create_mode();
    s.fields[TrackingParam::campaign] = LeadTracking::new_field;   // not made yet: nothing to write into
    s.fields[TrackingParam::keyword] = 304;                        // a list without that option
    TrackedLead lead;
    lead.params = {{TrackingParam::source, "google"}, {TrackingParam::date_sent, "2026-11-21T10:00:00+03:00"},
                   {TrackingParam::campaign, "autumn"}, {TrackingParam::city, "Moscow"}, {TrackingParam::keyword, "nails"}};
    auto all = attribution_values(lead, s.fields, deal_fields, false);
    REQUIRE(all.values.size() == 2);
    CHECK(all.values[0].field_id == 303);
    CHECK(all.values[0].integer == 1'795'244'400);   // a date_time field gets the moment: 07:00 UTC
    CHECK(all.values[1].field_id == 301);
    CHECK(all.values[1].text == "google");
    REQUIRE(all.problems.size() == 1);
    CHECK(all.problems[0].message_key == "ui.settings_error.value_not_in_list");

    lead.written[TrackingParam::source] = "google";
    lead.written[TrackingParam::date_sent] = "2026-11-21T10:00:00+03:00";
    CHECK(attribution_values(lead, s.fields, deal_fields, true).values.empty());
    lead.params[TrackingParam::source] = "yandex";   // changed since: written again
    auto fresh = attribution_values(lead, s.fields, deal_fields, true);
    REQUIRE(fresh.values.size() == 1);
    CHECK(fresh.values[0].text == "yandex");

    // Unix seconds into a date field; the tag is the settings' or the project's.
    lead.params = {{TrackingParam::date_sent, "1790000000"}};
    CHECK(attribution_values(lead, s.fields, deal_fields, false).values[0].integer == 1'790'000'000);
    lead.project = "Bella site";
    CHECK(tracking_tag(lead, s) == "Bella site");
    s.tag = "Ads";
    CHECK(tracking_tag(lead, s) == "Ads");
}

TEST_CASE("tracking: the relay's record of a lead survives its store") {
    TrackedLead lead;
    lead.lead_id = "at-9";
    lead.type = TrackedLeadType::offline;
    lead.email = "john@example.co.uk";
    lead.params = {{TrackingParam::source, "flyer"}};
    lead.written = {{TrackingParam::source, "flyer"}};
    lead.first_seen_ms = t0;
    lead.modes = {TrackingMode::find, TrackingMode::find, TrackingMode::off};
    lead.state = TrackingState::searching;
    lead.deal_id = 5;
    lead.next_search_ms = t0 + 5000;
    lead.searches = 3;
    lead.message_noted = true;
    lead.contact_sent = true;   // a contact sent on its own, its answer not yet come
    auto back = wire::tracking::decode_tracked_lead(wire::tracking::encode_tracked_lead(lead));
    REQUIRE(back);
    CHECK(*back == lead);
    CHECK_FALSE(wire::tracking::decode_tracked_lead(Json{{"lead_id", "x"}, {"type", "form"}, {"state", "lost"}}));
}
