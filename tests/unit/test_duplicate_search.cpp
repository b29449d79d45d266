#include <doctest/doctest.h>
#include "shared/domain/duplicate_search.hpp"
#include "shared/domain/lead_lookup.hpp"

using namespace kb::domain;
using Action = DuplicateDecision::Action;

namespace {

constexpr int64_t record_field = 900;
constexpr int64_t budget_field = 901;

KnownLead lead(int64_t id, int64_t status, int64_t created, std::map<int64_t, std::string> fields = {}) {
    return KnownLead{id, 1, status, created, std::move(fields)};
}

DuplicateSearch search_in(std::vector<StageRef> stages) {
    DuplicateSearch d;
    d.enabled = true;
    d.statuses = std::move(stages);
    return d;
}

}  // namespace

TEST_CASE("1. the contact is found by phone under the phone rule (+7 / 8 / 7)") {
    std::vector<KnownContact> contacts{{31, {"8 (999) 123-45-67"}, {lead(100, 20, 1000)}}};
    auto d = find_duplicate(70001, "+79991234567", contacts, search_in({{0, 20}}), record_field, "7");
    CHECK(d.action == Action::merge);
    CHECK(d.lead_id == 100);
    CHECK(d.contact_id == 31);
    auto none = find_duplicate(70001, "+79991234568", contacts, search_in({{0, 20}}), record_field, "7");
    CHECK(none.action == Action::create);
    CHECK(none.reason == "no contact has this phone");
}

TEST_CASE("2. only leads in the chosen stages, in any pipeline unless the stage names one") {
    std::vector<KnownContact> contacts{{31, {"+79991234567"}, {lead(100, 30, 1000), KnownLead{101, 2, 20, 900, {}}}}};
    auto d = find_duplicate(70001, "89991234567", contacts, search_in({{0, 20}}), record_field, "7");
    CHECK(d.lead_id == 101);   // stage 20 of pipeline 2 counts: any pipeline
    auto pinned = find_duplicate(70001, "89991234567", contacts, search_in({{1, 20}}), record_field, "7");
    CHECK(pinned.action == Action::create);
    CHECK(pinned.reason == "no lead of the contact is in a chosen stage");
    CHECK(pinned.contact_id == 31);   // the new lead is linked to the contact that was found
}

TEST_CASE("3. the lead must meet the field conditions") {
    std::vector<KnownContact> contacts{{31, {"+79991234567"}, {lead(100, 20, 1000), lead(101, 20, 900, {{budget_field, "5000"}})}}};
    auto settings = search_in({{0, 20}});
    settings.field_conditions = {{budget_field, true}};
    CHECK(find_duplicate(1, "89991234567", contacts, settings, record_field, "7").lead_id == 101);
    settings.field_conditions = {{budget_field, false}};
    CHECK(find_duplicate(1, "89991234567", contacts, settings, record_field, "7").lead_id == 100);
    settings.field_conditions = {{budget_field, true}, {record_field, true}};
    auto none = find_duplicate(1, "89991234567", contacts, settings, record_field, "7");
    CHECK(none.reason == "no lead in a chosen stage meets the field conditions");
}

TEST_CASE("4. a lead already holding a record ID is not suitable, unless it holds this one and the option is on") {
    std::vector<KnownContact> contacts{{31, {"+79991234567"}, {lead(100, 20, 1000, {{record_field, "70001"}})}}};
    auto settings = search_in({{0, 20}});
    auto d = find_duplicate(70001, "89991234567", contacts, settings, record_field, "7");
    CHECK(d.action == Action::create);
    CHECK(d.reason == "every suitable lead already holds another record");
    settings.accept_matching_record_id = true;
    CHECK(find_duplicate(70001, "89991234567", contacts, settings, record_field, "7").lead_id == 100);
    CHECK(find_duplicate(70002, "89991234567", contacts, settings, record_field, "7").action == Action::create);
}

TEST_CASE("5. several suitable leads: the newest or the oldest by creation date") {
    std::vector<KnownContact> contacts{{31, {"+79991234567"}, {lead(100, 20, 1000), lead(101, 20, 3000)}},
                                       {32, {"8 999 123 45 67"}, {lead(102, 20, 2000)}}};
    auto settings = search_in({{0, 20}});
    auto newest = find_duplicate(1, "79991234567", contacts, settings, record_field, "7");
    CHECK(newest.lead_id == 101);
    CHECK(newest.reason == "merge into the newest of 3 suitable lead(s)");
    settings.merge_into = MergeInto::oldest;
    auto oldest = find_duplicate(1, "79991234567", contacts, settings, record_field, "7");
    CHECK(oldest.lead_id == 100);
    CHECK(oldest.contact_id == 31);
}

TEST_CASE("6. off, or no usable phone: a new lead") {
    std::vector<KnownContact> contacts{{31, {"+79991234567"}, {lead(100, 20, 1000)}}};
    auto off = search_in({{0, 20}});
    off.enabled = false;
    CHECK(find_duplicate(1, "89991234567", contacts, off, record_field, "7").action == Action::create);
    CHECK(find_duplicate(1, "", contacts, search_in({{0, 20}}), record_field, "7").reason == "the record has no usable phone");
    CHECK(find_duplicate(1, "8 999 123-45-67 доб. 3", contacts, search_in({{0, 20}}), record_field, "7").action == Action::create);
}

TEST_CASE("lead lookup: the linked lead first") {
    LeadLookupFacts f;
    f.record_id = 70001;
    f.linked_lead_id = 100;
    f.linked_lead_exists = true;
    f.client_phone = "+79991234567";
    auto found = find_lead_for_record(f, "7");
    CHECK(found.found == LeadLookup::Found::linked);
    CHECK(found.lead_id == 100);
    CHECK_FALSE(found.link_now);
}

TEST_CASE("lead lookup: the linked lead gone, the client's phone finds the lead holding the record, else the newest open one") {
    LeadLookupFacts f;
    f.record_id = 70001;
    f.record_id_field = record_field;
    f.linked_lead_id = 100;
    f.linked_lead_exists = false;
    f.client_phone = "89991234567";
    f.contacts_by_phone = {{31, {"+7 999 123-45-67"}, {lead(201, 20, 5000), lead(202, 20, 1000, {{record_field, "70001"}}), lead(203, 142, 9000)}}};
    auto holding = find_lead_for_record(f, "7");
    CHECK(holding.found == LeadLookup::Found::by_phone);
    CHECK(holding.lead_id == 202);
    CHECK(holding.link_now);
    f.contacts_by_phone[0].leads[1].field_values.clear();
    auto newest = find_lead_for_record(f, "7");
    CHECK(newest.lead_id == 201);   // 203 is newer but won
    CHECK(newest.reason.find("the linked lead 100 is gone") == 0);
    f.contacts_by_phone[0].phones = {"+7 999 000-00-00"};   // the search's full-text hit was another number
    CHECK(find_lead_for_record(f, "7").found == LeadLookup::Found::none);
}

TEST_CASE("lead lookup: no phone, the Record ID field (filled by hand) finds and links the lead; nothing found says why") {
    LeadLookupFacts f;
    f.record_id = 70001;
    f.record_id_field = record_field;
    f.leads_by_record_field = {lead(300, 20, 1000, {{record_field, "700010"}}), lead(301, 20, 1000, {{record_field, "70001"}})};
    auto found = find_lead_for_record(f, "7");
    CHECK(found.found == LeadLookup::Found::by_record_field);
    CHECK(found.lead_id == 301);
    CHECK(found.link_now);
    f.leads_by_record_field.pop_back();
    auto none = find_lead_for_record(f, "7");
    CHECK(none.found == LeadLookup::Found::none);
    CHECK(none.reason == "the record has no phone and no lead holds its id; nothing updated");
}

TEST_CASE("lead lookup: a Record ID typed on another contact's lead wins over the phone's newest open lead, unless not allowed") {
    LeadLookupFacts f;
    f.record_id = 70001;
    f.record_id_field = record_field;
    f.client_phone = "+34 611 222 333";
    f.contacts_by_phone = {{31, {"+34611222333"}, {lead(201, 20, 5000)}}};
    f.leads_by_record_field = {lead(400, 20, 1000, {{record_field, "70001"}})};   // a lead of another contact
    auto typed = find_lead_for_record(f, "7");
    CHECK(typed.found == LeadLookup::Found::by_record_field);
    CHECK(typed.lead_id == 400);
    CHECK(typed.link_now);
    f.record_field_allowed = false;
    CHECK(find_lead_for_record(f, "7").lead_id == 201);
    f.contacts_by_phone.clear();
    auto none = find_lead_for_record(f, "7");
    CHECK(none.found == LeadLookup::Found::none);
    CHECK(none.reason == "no open lead of a contact with this phone; nothing updated");
}
