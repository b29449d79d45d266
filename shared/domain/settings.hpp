#pragma once
// The installation's settings document: every section of the admin UI, versioned. Pure data; the rules
// that read it live beside it (field_mapping, status_sync, duplicate_search), and validate_settings says
// what is wrong with it, each problem with the path of the setting and a message key from i18n/.
//
// [SECTION] field mapping      [SECTION] users        [SECTION] status synchronisation
// [SECTION] duplicate search   [SECTION] automation   [SECTION] lead tracking
// [SECTION] document and validation
#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include <optional>
#include <string_view>
#include "shared/domain/booking.hpp"
#include "shared/domain/phone.hpp"

namespace kb::domain {

// [SECTION] field mapping ---------------------------------------------------------------------------------------
// Kommo custom-field ids the admin chose; 0 = not mapped, nothing is written.
struct LeadFieldMap {
    int64_t record_id = 0;
    int64_t company_id = 0;
    int64_t record_date = 0;            // a date field (or date_time when one field holds both)
    int64_t record_time = 0;            // a text field "HH:MM"; unused when datetime_in_one_field
    bool datetime_in_one_field = false;
    int64_t employee = 0;
    bool employee_with_specialization = false;
    int64_t branch = 0;
    int64_t services = 0;
    int64_t service_category = 0;
    int64_t record_category = 0;        // Altegio appointment labels
    int64_t comment = 0;
    int64_t record_source = 0;
    int64_t payments_amount = 0;
    std::map<int64_t, std::map<std::string, int64_t>> additional_fields;   // branch -> Altegio field code -> Kommo field
    friend bool operator==(const LeadFieldMap&, const LeadFieldMap&) = default;
};

struct ContactFieldMap {
    int64_t birthday = 0;
    int64_t category = 0;               // Altegio client categories
    bool write_phone = false;           // the PHONE field, in `phone_format`
    PhoneFormat phone_format = PhoneFormat::as_is;
    std::string phone_pattern;          // for PhoneFormat::custom
    // branch -> Altegio client field code -> Kommo field; branch 0 holds codes mapped for every branch (the older
    // documents' flat map)
    std::map<int64_t, std::map<std::string, int64_t>> additional_fields;
    int64_t visits_count = 0;
    int64_t visits_sum = 0;
    int64_t client_id = 0;
    int64_t subscription_name = 0;
    int64_t subscription_start = 0;
    int64_t subscription_end = 0;
    int64_t subscription_remaining = 0;
    friend bool operator==(const ContactFieldMap&, const ContactFieldMap&) = default;
};

// [SECTION] users ------------------------------------------------------------------------------------------------
struct UserMapping {
    int64_t kommo_user_id = 0;
    int64_t altegio_user_id = 0;        // 0 = not linked; the token lives in the store, never here
    std::vector<int64_t> visible_branch_ids;   // these branches and every branch of these chains; both empty = every
    std::vector<int64_t> visible_chain_ids;    // connected branch
    int64_t altegio_staff_id = 0;       // the employee this user is: that employee's records make this user responsible
    friend bool operator==(const UserMapping&, const UserMapping&) = default;
};

// Whether `user` sees a connected branch (of chain `chain_id`, 0 = none) in the records window.
bool user_sees_branch(const UserMapping& user, int64_t branch_id, int64_t chain_id);

// [SECTION] status synchronisation ----------------------------------------------------------------------------
// The state of a record as the status map sees it (Altegio attendance plus deletion).
enum class RecordState { waiting, confirmed, came, did_not_come, deleted };
constexpr RecordState all_record_states[] = {RecordState::waiting, RecordState::confirmed, RecordState::came,
                                             RecordState::did_not_come, RecordState::deleted};
const char* record_state_name(RecordState state);   // "waiting", "confirmed", ...

struct StageRef {
    int64_t pipeline_id = 0;
    int64_t status_id = 0;              // 0 = leave the lead where it is
    friend bool operator==(const StageRef&, const StageRef&) = default;
    friend auto operator<=>(const StageRef&, const StageRef&) = default;
};

struct StatusMap {
    std::map<RecordState, StageRef> targets;
    bool move_closed_leads = false;     // leads in won (142) or lost (143) are left alone unless this is on
    bool allow_backwards = false;       // moves to an earlier stage of the same pipeline only when on
    friend bool operator==(const StatusMap&, const StatusMap&) = default;
};

struct SchemeConditions {                // an empty list means "any"
    std::vector<int64_t> service_category_ids;
    std::vector<int64_t> pipeline_ids;   // the lead's current pipeline
    std::vector<int64_t> branch_ids;
    std::vector<int64_t> staff_ids;
    std::vector<int64_t> record_label_ids;
    friend bool operator==(const SchemeConditions&, const SchemeConditions&) = default;
};

struct DistributionScheme {
    std::string name;
    SchemeConditions conditions;
    StatusMap map;
    friend bool operator==(const DistributionScheme&, const DistributionScheme&) = default;
};

enum class StatusSyncMode { off, without_conditions, with_conditions, single_pipeline };

struct StatusSync {
    StatusSyncMode mode = StatusSyncMode::off;   // off = "do not synchronize statuses" (leads are still created)
    StatusMap map;                               // without_conditions and single_pipeline
    int64_t pipeline_id = 0;                     // single_pipeline: the only pipeline whose leads move
    std::vector<DistributionScheme> schemes;     // with_conditions, first match wins
    StatusMap fallback;                          // with_conditions: "if none of the conditions are met"
    std::vector<RecordState> only_states;        // "only selected statuses"; empty = all
    friend bool operator==(const StatusSync&, const StatusSync&) = default;
};

// [SECTION] duplicate search ----------------------------------------------------------------------------------
struct FieldCondition {
    int64_t field_id = 0;
    bool must_be_filled = true;         // false: must be empty
    friend bool operator==(const FieldCondition&, const FieldCondition&) = default;
};

enum class MergeInto { newest, oldest };

struct DuplicateSearch {
    bool enabled = false;
    std::vector<StageRef> statuses;              // leads in these stages (any pipeline) may be merged into
    std::vector<FieldCondition> field_conditions;
    bool accept_matching_record_id = false;      // "consider a lead with a matching record ID as suitable"
    MergeInto merge_into = MergeInto::newest;
    friend bool operator==(const DuplicateSearch&, const DuplicateSearch&) = default;
};

// [SECTION] automation ------------------------------------------------------------------------------------------
// What a lead entering a stage does to its Altegio records (Kommo's status webhook, or a Digital Pipeline trigger).
// move: the record goes to the date and time the manager wrote in the lead's mapped date/time fields.
enum class RecordAction { confirm, came, did_not_come, cancel, move };
struct StageTrigger {
    StageRef stage;                      // pipeline 0: that status in any pipeline
    RecordAction action = RecordAction::confirm;
    friend bool operator==(const StageTrigger&, const StageTrigger&) = default;
};

// When the task set after a new record is due: minutes after the record reached Kommo, or minutes before the
// record's own start (0: at the start).
enum class TaskDeadline { after_creation, before_start };

struct Automation {
    bool task_on_new_record = false;
    int64_t task_type_id = 1;                            // Kommo's: 1 follow-up, 2 meeting, or one of the account's own
    int32_t task_due_minutes = 60;
    TaskDeadline task_deadline = TaskDeadline::after_creation;
    std::string task_text;                               // "" = the usual text; {client}, {date}, {time}, {staff},
                                                         // {services}, {branch} and {record} are filled in
    bool journal_note = true;
    bool go_to_lead_button = true;
    std::vector<StageRef> stages_hiding_records_window;
    std::vector<int64_t> pipelines_showing_record_log;   // empty = all
    bool no_lead_for_records_made_in_altegio = false;
    bool deal_without_client = false;
    bool linked_user_responsible = false;
    int64_t new_lead_pipeline_id = 0;                     // where created leads go (0 = main pipeline)
    int64_t new_lead_status_id = 0;
    std::vector<StageTrigger> stage_triggers;
    friend bool operator==(const Automation&, const Automation&) = default;
};

// [SECTION] lead tracking ---------------------------------------------------------------------------------------
// Leads a web-analytics or call-tracking service posts to /tracking/{key}/leads (relay/tracking), with where they
// came from; what is made or looked for is chosen per lead type and entity (EntityModes), for three hours after the lead.
enum class TrackedLeadType { form, phone, chat, offline };
constexpr TrackedLeadType all_tracked_lead_types[] = {TrackedLeadType::form, TrackedLeadType::phone, TrackedLeadType::chat,
                                                      TrackedLeadType::offline};
const char* tracked_lead_type_name(TrackedLeadType type);   // "form", "phone", "chat", "offline"
std::optional<TrackedLeadType> tracked_lead_type_named(std::string_view name);

// The attribution a tracker knows of a lead, each written to the Kommo deal field the admin chose.
enum class TrackingParam {
    date_sent, source, traffic_type, campaign, ad_content, keyword, social_network, click_path, city, ip,
    ga_client_id, ym_client_id, tracker_client_id, page_path, browser, country, device_category, mailbox,
};
constexpr TrackingParam all_tracking_params[] = {
    TrackingParam::date_sent, TrackingParam::source, TrackingParam::traffic_type, TrackingParam::campaign,
    TrackingParam::ad_content, TrackingParam::keyword, TrackingParam::social_network, TrackingParam::click_path,
    TrackingParam::city, TrackingParam::ip, TrackingParam::ga_client_id, TrackingParam::ym_client_id,
    TrackingParam::tracker_client_id, TrackingParam::page_path, TrackingParam::browser, TrackingParam::country,
    TrackingParam::device_category, TrackingParam::mailbox};
const char* tracking_param_name(TrackingParam param);   // "date_sent", "ga_client_id", ...
std::optional<TrackingParam> tracking_param_named(std::string_view name);

// What is done with each entity a tracked lead concerns, chosen per lead type:
//   deal:    create = made at once (with the contact and company), then updated as attribution arrives;
//            find = nothing made, the newest deal of the contact with the lead's email (else phone) looked for
//            during three hours and updated when found;
//   contact: create = made with the deal (or alone); find = the contact with the lead's email (else phone), linked to
//            a made deal, or the found deal's own contact;
//   company: create = made when the tracker names the client's company; find = the company of that name;
//   off = neither made nor written. A found deal brings its own contact: with deal "find", nothing is "create".
enum class TrackingMode { create, find, off };
struct EntityModes {
    TrackingMode deal = TrackingMode::create;
    TrackingMode contact = TrackingMode::create;
    TrackingMode company = TrackingMode::off;
    friend bool operator==(const EntityModes&, const EntityModes&) = default;
};

struct LeadTracking {
    // In the field maps, the admin's "create a new field": saving the settings creates the field and puts its id here.
    static constexpr int64_t new_field = -1;
    bool enabled = false;
    std::vector<TrackedLeadType> types{all_tracked_lead_types, all_tracked_lead_types + 4};   // the lead types used
    std::map<TrackedLeadType, EntityModes> modes{{TrackedLeadType::form, {}}, {TrackedLeadType::phone, {}},
                                                 {TrackedLeadType::chat, {}}, {TrackedLeadType::offline, {}}};
    EntityModes modes_for(TrackedLeadType type) const;   // the defaults when the map lacks the type
    int64_t responsible_user_id = 0;     // of what is made; 0 = Kommo's default
    StageRef stage;                      // of made deals; 0 = the first stage of the main pipeline
    std::map<TrackingParam, int64_t> fields;   // deal field per parameter; absent = "do not pass"
    std::map<TrackingParam, int64_t> contact_fields;   // the lead's contact's field per parameter, likewise
    std::map<TrackingParam, int64_t> company_fields;   // the lead's company's field per parameter, likewise
    std::string tag;                     // on everything made or updated; "" = the project name the tracker sends
    friend bool operator==(const LeadTracking&, const LeadTracking&) = default;
};

// [SECTION] document and validation ------------------------------------------------------------------------
struct Settings {
    // 3: general_account_for_unlinked_users; documents of version 2 and before booked on the general account for
    // everyone, so they read as "allowed" and keep doing so until an admin changes it.
    static constexpr int32_t current_version = 3;
    int32_t version = current_version;
    std::string default_country_code = "7";             // for phones written without one
    std::string language = "en";                        // of the notes, tasks and lead names written into Kommo
    std::vector<int64_t> connected_branch_ids;          // empty: every branch the Altegio user manages
    LeadFieldMap lead_fields;
    ContactFieldMap contact_fields;
    std::vector<UserMapping> users;
    bool general_account_for_unlinked_users = false;    // users without their own Altegio login book on the account
                                                        // Altegio was connected with (their records name no author)
    StatusSync status_sync;
    DuplicateSearch duplicates;
    Automation automation;
    LeadTracking tracking;
    int32_t history_retention_days = 30;
    friend bool operator==(const Settings&, const Settings&) = default;
};

// What the settings are checked against: the account's Kommo pipelines and fields, and Altegio branches.
struct KommoFieldInfo {
    int64_t id = 0;
    std::string type;                    // "text", "date", "select", ...
    std::vector<std::pair<int64_t, std::string>> enums;   // for select / multiselect
};
struct PipelineInfo {
    int64_t id = 0;
    std::vector<std::pair<int64_t, int32_t>> statuses;   // status id, sort order
};
// Every text Altegio can write into a lead field mapped to a Kommo list (select, multiselect), over the connected
// branches: a list option that is none of them is refused, since no record would ever choose it.
struct AltegioListValues {
    std::vector<std::string> branches;
    std::vector<Staff> employees;        // written as "Name" or "Name (Specialization)", as lead_fields says
    std::vector<std::string> services;
    std::vector<std::string> service_categories;
    std::vector<std::string> record_categories;
    bool record_categories_known = true;  // false: Altegio refused its labels, record categories are not checked
};
struct SettingsContext {
    std::vector<PipelineInfo> pipelines;
    std::vector<KommoFieldInfo> lead_fields;
    std::vector<KommoFieldInfo> contact_fields;
    std::vector<KommoFieldInfo> company_fields;
    std::vector<int64_t> branch_ids;     // branches the Altegio account manages
    std::vector<int64_t> chain_ids;      // and the chains they belong to
    std::optional<AltegioListValues> altegio_values;   // none: Altegio was not read, list options are not checked
};

struct SettingsProblem {
    std::string path;                    // e.g. "status_sync.schemes[1].map.targets.came"
    std::string message_key;             // "ui.settings_error.*"
    std::string detail;                  // what the message is about, when it names values (shown after it)
    friend bool operator==(const SettingsProblem&, const SettingsProblem&) = default;
};

// Whether the settings connect a branch: every branch while none is chosen.
bool branch_connected(const Settings& settings, int64_t branch_id);
// Whether an event or a request about a branch belongs to the account: a branch the settings chose, or, while
// none is chosen, one the account's Altegio user manages (`managed`). Any other company id is not the account's.
bool branch_in_force(const Settings& settings, const std::vector<Branch>& managed, int64_t branch_id);
// The branches in force: the ones the settings chose, or while none is chosen, every branch in `managed` (which
// is only read then, so a caller may fetch it only when settings.connected_branch_ids is empty).
std::vector<int64_t> branches_in_force(const Settings& settings, const std::vector<Branch>& managed);

// Every problem, in document order; empty when the settings can be saved.
std::vector<SettingsProblem> validate_settings(const Settings& settings, const SettingsContext& context);
// Which lead values are mapped to a Kommo list field, so the relay reads Altegio's values only when needed.
bool maps_lists(const LeadFieldMap& map, const std::vector<KommoFieldInfo>& lead_fields);

}  // namespace kb::domain
