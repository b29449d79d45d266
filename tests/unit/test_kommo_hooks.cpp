#include <doctest/doctest.h>
#include <sstream>
#include "fixture.hpp"
#include "shared/wire/form.hpp"
#include "shared/wire/kommo_hooks.hpp"

using namespace kb;
using namespace kb::wire;

namespace {

// The 2025 capture holds three bodies, each after a "# leads[...]" comment line.
std::vector<std::string> bodies_2025() {
    std::istringstream in(read_fixture(KB_OWN_FIXTURES "/kommo/webhook_leads_add_update_delete_2025.txt"));
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("the 2018 status webhook: a lead moved to won, with old-style custom fields and a bare date value") {
    std::string body = read_fixture(KB_OWN_FIXTURES "/kommo/webhook_leads_status_form_2018.txt");
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    auto hook = kommo::decode_account_hook(body);
    REQUIRE_MESSAGE(hook, (hook ? "" : hook.error().detail));
    CHECK(hook->account_id == 17769199);   // no account[id]: taken from the lead
    REQUIRE(hook->entities.size() == 1);
    const auto& lead = hook->entities[0];
    CHECK(lead.entity == "leads");
    CHECK(lead.action == "status");
    CHECK(lead.id == 10701093);
    CHECK(lead.status_id == 142);
    CHECK(lead.old_status_id == 20067736);
    CHECK(lead.pipeline_id == 9217056);
    CHECK(lead.name == "Семинар: Пропитание в фитнесе на результат");
    CHECK(lead.updated_at == 1539782664);
    REQUIRE(lead.custom_fields.size() >= 4);
    CHECK(lead.custom_fields[0].values == std::vector<std::string>{"Сайт"});
    CHECK(lead.custom_fields[2].field_id == 72333);
    CHECK(lead.custom_fields[2].values == std::vector<std::string>{"1542067200"});
}

TEST_CASE("the 2025 add, update and delete webhooks, percent-encoded, with account id and subdomain") {
    auto bodies = bodies_2025();
    REQUIRE(bodies.size() == 3);
    auto add = kommo::decode_account_hook(bodies[0]);
    auto update = kommo::decode_account_hook(bodies[1]);
    auto removed = kommo::decode_account_hook(bodies[2]);
    REQUIRE(add);
    REQUIRE(update);
    REQUIRE(removed);
    CHECK(add->subdomain == "unirock");
    CHECK(add->account_id == 16700680);
    CHECK(add->entities[0].action == "add");
    CHECK(add->entities[0].name == "TEST MISHA (SORRY)");
    CHECK(update->entities[0].action == "update");
    CHECK(update->entities[0].updated_at == 1744532876);
    CHECK(update->entities[0].custom_fields[0].values == std::vector<std::string>{"30052055"});
    CHECK(removed->entities[0].action == "delete");
    CHECK(removed->entities[0].status_id == 17944873);
    CHECK(removed->entities[0].custom_fields.empty());
}

TEST_CASE("form parsing: indices in numeric order, appends, and refusals instead of guesses") {
    auto tree = parse_form("a[2]=c&a[10]=d&a[0]=a&a[1]=b&b[]=x&b[]=y&empty=&&plain=1+2%2B3");
    REQUIRE(tree);
    CHECK(ordered_indices((*tree)["a"]) == std::vector<std::string>{"0", "1", "2", "10"});
    CHECK((*tree)["b"]["1"] == "y");
    CHECK((*tree)["empty"] == "");
    CHECK((*tree)["plain"] == "1 2+3");
    for (const char* bad : {"a[b=1", "a[b]x=1", "=1", "a=1&a[b]=2", "a[b]=1&a=2", "a=1&a=2"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_form(bad));
    }
    std::string deep = "a";
    for (int i = 0; i < 40; ++i) deep += "[x]";
    CHECK_FALSE(parse_form(deep + "=1"));
    CHECK(form_decode("%D0%90%zz%4") == "А%zz%4");
}

TEST_CASE("account webhooks that name no account or no entity are refused") {
    CHECK_FALSE(kommo::decode_account_hook("leads[add][0][id]=5"));
    CHECK_FALSE(kommo::decode_account_hook("account[id]=5"));
    CHECK_FALSE(kommo::decode_account_hook("account[id]=5&leads[add][0][name]=no id"));
    CHECK_FALSE(kommo::decode_account_hook("account[id]=x&leads[add][0][id]=1"));
}

TEST_CASE("Digital Pipeline triggers arrive as JSON or as a form, with the trigger's own settings") {
    const char* json = R"({"event":{"type":14,"type_code":"lead_status_changed","data":{"id":"21001","element_type":2,
      "status_id":77005,"pipeline_id":7700001,"direction_of_movement":"went_to_trigger"},"time":1763900000},
      "action":{"settings":{"widget":{"settings":{"altegio_action":"mark_came"}}}},"subdomain":"bellastudio","account_id":"31000001"})";
    auto t = kommo::decode_dp_trigger(json);
    REQUIRE(t);
    CHECK(t->type == 14);
    CHECK(t->type_code == "lead_status_changed");
    CHECK(t->lead_id == 21001);
    CHECK(t->status_id == 77005);
    CHECK(t->account_id == 31000001);
    CHECK(t->settings["altegio_action"] == "mark_came");
    auto form = kommo::decode_dp_trigger(
        "event[type]=15&event[type_code]=lead_appeared_in_status&event[data][id]=21002&event[data][status_id]=77102&"
        "event[data][pipeline_id]=7700002&event[time]=1763900001&action[settings][widget][settings][altegio_action]=cancel&"
        "subdomain=bellastudio&account_id=31000001");
    REQUIRE(form);
    CHECK(form->lead_id == 21002);
    CHECK(form->element_type == 2);
    CHECK(form->settings["altegio_action"] == "cancel");
    CHECK_FALSE(kommo::decode_dp_trigger(R"({"event":{"type":14}})"));
    CHECK_FALSE(kommo::decode_dp_trigger("not a trigger"));
    CHECK_FALSE(kommo::decode_dp_trigger("[1,2]"));
}
