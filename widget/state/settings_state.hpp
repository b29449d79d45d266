#pragma once
// The widget's advanced settings page (Kommo's settings area, account administrators only): its state and the
// pure functions that change it, beside app_state.hpp and in the same style. The view edits `draft` in place;
// Save sends it whole with the revision it started from; problems come back with their paths and are shown
// next to their fields. No ImGui and no browser here: tested natively.
// Usage:
//   SettingsState settings;
//   auto calls = start_settings(settings, "es", "2026-11-22");
//   ... on a reply whose id settings.owns(): auto more = on_reply(settings, id, status, body);
//   ... on a user action:                     auto more = apply(settings, settings_intent::Save{});
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>
#include "shared/wire/history_api.hpp"
#include "shared/wire/settings_api.hpp"
#include "shared/wire/telephony_api.hpp"
#include "widget/state/app_state.hpp"

namespace kb::widget {

enum class SettingsSection { branches = 0, fields, users, statuses, automation, telephony, versions, history, tracking };

// The request history: a period of whole days (in the user's time zone, both ends included) and the types asked for.
struct HistoryView {
    std::string from, to;               // "YYYY-MM-DD" (edited in place by the view)
    std::vector<std::string> types;     // of wire::api::history_types; empty = every type
    std::optional<std::vector<wire::api::HistoryRow>> rows;   // once Find has answered
    int64_t next_before_id = 0;         // non-zero: older entries wait behind "Show more"
    std::optional<wire::api::HistoryDetail> detail;           // the row opened, with its payloads
    int64_t repeating_id = 0;           // the failed event being repeated
};

// The Telephony section: the chains as the relay last answered, and the chain being added or changed. Chains are
// saved one at a time with their own button, apart from the settings document.
struct ChainForm {
    std::string key;                    // "" = a new chain
    std::string name, crm_token;        // the token: "" keeps the saved one
    std::string numbers;                // one per line (commas also separate), edited in place by the view
    bool new_lead_for_unknown = false;
    std::string token_hint;             // of the saved token, "…a1b2"
};
struct TelephonyView {
    std::optional<wire::api::TelephonyPage> page;
    std::optional<ChainForm> form;      // open while the admin adds or changes a chain
    std::vector<domain::SettingsProblem> problems;   // of the last refused save, paths as "numbers[1]"
    std::string changing_key;           // the chain whose enable, disable or removal is on its way
};

// What the admin typed to check one Kommo user's Altegio account; cleared once checked.
struct UserCredentials {
    std::string login, password;
    std::string error_key;              // "ui.error.altegio_wrong_password" after a refusal
};

struct SettingsState {
    std::string language = "en";
    int32_t utc_offset_seconds = 0;     // the user's time zone: the history's days and every time shown are in it
    SettingsSection section = SettingsSection::branches;
    std::optional<wire::api::SettingsPage> page;   // as the relay last answered
    domain::Settings draft;             // what the admin is editing (in place, by the view)
    std::vector<domain::SettingsProblem> problems;   // of the last refused save
    std::optional<ShownError> error;
    std::string notice_key;             // a short confirmation ("ui.settings.saved"), cleared by the next action
    std::string notice_title;           // what "{title}" in the confirmation stands for (a connected location)
    std::string altegio_login, altegio_password;   // the general administrator's, to connect Altegio
    std::string marketplace_code;       // typed from the Altegio Marketplace page, to connect a location
    bool marketplace_telephony = false; // and enable its chain's telephony
    std::map<int64_t, UserCredentials> credentials;   // Kommo user id -> what was typed for that user
    std::map<int64_t, wire::api::BranchChoices> branch_choices;   // loaded when a scheme's conditions need them
    int64_t branch_loading = 0;         // the branch whose choices are on their way (one at a time)
    int64_t user_checking = 0;          // the Kommo user whose Altegio login is being checked
    std::optional<std::vector<wire::api::VersionInfo>> versions;
    HistoryView history;
    TelephonyView telephony;
    Requests requests{{}, 1000000};     // ids apart from AppState's: the shell routes replies by id

    bool owns(int request_id) const { return requests.owns(request_id); }
    bool loading(RequestKind kind) const { return requests.loading(kind); }
    bool busy() const { return requests.busy(); }
    bool dirty() const { return page && !(draft == page->settings); }
};

// What the settings page asks of its state: one small struct per kind of choice.
namespace settings_intent {
struct ShowSection { SettingsSection section; };   // the versions list and telephony load the first time they are shown
struct Reload {};                                  // reads the page again (after a conflict); unsaved changes are dropped
struct Save {};
struct Discard {};                                 // the draft goes back to what is saved
struct ConnectAltegio {};                          // with altegio_login / altegio_password
struct ClaimLocation {};                           // with marketplace_code / marketplace_telephony
struct LinkUser { int64_t kommo_user_id; };        // with credentials[kommo_user_id]
struct CreateFields {};                            // "Create missing fields in Kommo"
struct NeedBranch { int64_t branch_id; };          // its categories, employees and labels are loaded once
struct RestoreVersion { int64_t revision; };
struct AddScheme { std::string name; };            // a distribution scheme with conditions
struct RemoveScheme { int64_t index; };
struct DismissError {};
// the request history
struct HistoryToggleType { std::string type; };
struct HistoryFind {};
struct HistoryMore {};                             // the next page of older entries
struct HistoryOpen { int64_t entry_id; };          // its payloads
struct HistoryRepeat { int64_t event_id; };        // a failed event put back in line, then its outcome
// the Telephony section
struct ChainEdit { std::string key; };             // opens the form for that chain, or for a new one ("")
struct ChainCancel {};
struct ChainSave {};                               // the form, checked by the relay and enabled in Altegio
struct ChainEnable { std::string key; };
struct ChainDisable { std::string key; };
struct ChainRemove { std::string key; };
}  // namespace settings_intent

using SettingsIntent = std::variant<settings_intent::ShowSection, settings_intent::Reload, settings_intent::Save,
                                    settings_intent::Discard, settings_intent::ConnectAltegio, settings_intent::ClaimLocation, settings_intent::LinkUser,
                                    settings_intent::CreateFields, settings_intent::NeedBranch, settings_intent::RestoreVersion,
                                    settings_intent::AddScheme, settings_intent::RemoveScheme, settings_intent::DismissError,
                                    settings_intent::HistoryToggleType, settings_intent::HistoryFind, settings_intent::HistoryMore,
                                    settings_intent::HistoryOpen, settings_intent::HistoryRepeat, settings_intent::ChainEdit,
                                    settings_intent::ChainCancel, settings_intent::ChainSave, settings_intent::ChainEnable,
                                    settings_intent::ChainDisable, settings_intent::ChainRemove>;

// `today` ("YYYY-MM-DD", the user's date) is where the history's period starts.
std::vector<Call> start_settings(SettingsState& state, const std::string& language, const std::string& today);
std::vector<Call> apply(SettingsState& state, const SettingsIntent& intent);
std::vector<Call> on_reply(SettingsState& state, int request_id, int http_status, const std::string& body);

// The numbers of the chain form's text: one per line or between commas, spaces around left out, empty ones dropped.
std::vector<std::string> numbers_of(const std::string& text);

// The Branches tab's counts as the draft stands: the Altegio account's branches, and how many of them are connected
// (all of them while none is ticked).
struct BranchCounts {
    size_t available = 0, connected = 0;
};
BranchCounts branch_counts(const SettingsState& state);

// The problems whose path is `path` or lies under it ("status_sync.map" covers "status_sync.map.targets.came").
std::vector<const domain::SettingsProblem*> problems_at(const SettingsState& state, const std::string& path);

}  // namespace kb::widget
