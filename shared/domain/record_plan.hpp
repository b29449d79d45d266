#pragma once
// What one Altegio record event does in Kommo, decided from what the relay read: create a lead (with its
// contact, task and note), merge into a duplicate, update the lead it belongs to, or nothing — and why.
// Pure: the relay gathers the facts (sync/record_sync.cpp), asks this, and carries the plan out.
//
// The rules, in order:
//   1. the lead: linked, else by phone, else by the Record ID field (lead_lookup);
//   2. none found: our own booking (api_id "kb-...") is left to the booking flow; only a "create" event
//      makes a lead, unless "no lead for records made in Altegio" is on; a record without a client makes
//      one only with "create a deal when the record has no client"; the duplicate search may merge it;
//      an event tried before may find the lead its first try created (Record ID field) and update that;
//   3. fields by the mapping, stage by the status synchronisation, responsible user by the employee link;
//   4. a task for a new record (create events), a journal note for every event, when the settings ask.
// Texts written into Kommo are message keys with parameters (kommo.* in i18n/), rendered in the
// settings' language by the relay. Group events need nothing special: each participant has a record of
// their own, so one client in the group is one lead.
#include <map>
#include <optional>
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"
#include "shared/domain/field_mapping.hpp"
#include "shared/domain/kommo_facts.hpp"
#include "shared/domain/lead_lookup.hpp"
#include "shared/domain/settings.hpp"

namespace kb::domain {

struct Message {
    std::string key;                                  // "kommo.note.record_created"
    std::map<std::string, std::string> params;        // "{record}" in the text -> params["record"]
    friend bool operator==(const Message&, const Message&) = default;
};

struct RecordEventFacts {
    std::string event_type;                           // "create", "update", "delete"
    bool tried_before = false;                        // an earlier attempt may have done part of the work
    Record record;
    Branch branch;
    LeadLookupFacts lookup;                           // what the relay found by link, phone and Record ID
    std::map<int64_t, KnownLead> leads;               // every lead read, by id
    std::vector<KommoFieldInfo> lead_fields;
    int32_t kommo_offset_seconds = 0;                 // the Kommo account's UTC offset, for days in date fields
    std::vector<PipelineInfo> pipelines;
    // The branch's service categories by id, read when the settings use them (record services then carry their
    // category_id from the branch's catalogue; a webhook's services have none).
    std::map<int64_t, std::string> service_category_titles;
    int64_t now = 0;                                  // unix seconds, for the task's deadline
};

struct TaskPlan {
    Message text;
    int64_t complete_till = 0;                        // unix seconds
    int64_t type_id = 1;
    int64_t responsible_user_id = 0;                  // 0: Kommo's default (the lead's responsible)
    friend bool operator==(const TaskPlan&, const TaskPlan&) = default;
};

struct RecordPlan {
    enum class Action { nothing, create_lead, update_lead };
    Action action = Action::nothing;
    std::string reason;                               // for the inbox and the request history
    int64_t lead_id = 0;                              // update_lead: the lead
    bool link = false;                                // remember record <-> lead from now on
    std::vector<FieldValue> fields;
    std::vector<MappingProblem> problems;             // mapped fields that could not be written
    StageRef stage;                                   // update: move here when status_id != 0; create: the start
    std::string stage_reason;
    int64_t responsible_user_id = 0;                  // 0: leave as it is
    // create_lead only
    Message lead_name;
    int64_t contact_id = 0;                           // link this contact; 0 with a client: create one from it
    std::optional<TaskPlan> task;
    std::optional<Message> note;
};

RecordPlan plan_record_event(const RecordEventFacts& facts, const Settings& settings);

// Whether a Record ID typed by hand on a lead finds that lead for this event (lead_lookup's rule 3): always for a
// changed record; for a new one only when the duplicate search takes "a lead with a matching record ID" as suitable.
bool record_field_finds_lead(const std::string& event_type, const Settings& settings);

// Whether the settings use a record's service categories (the lead field or a status scheme's condition), so the
// relay reads the branch's catalogue for them.
bool uses_service_categories(const Settings& settings);

// True when the facts name a field or stage the cached Kommo lists do not hold, so they should be re-read.
bool plan_needs_fresh_lists(const RecordPlan& plan, const RecordEventFacts& facts);

}  // namespace kb::domain
