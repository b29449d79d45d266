#pragma once
// The messages of the settings page's contract with the relay (their JSON codecs: settings_api.hpp).
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"
#include "shared/domain/settings.hpp"
#include "shared/wire/widget_api_types.hpp"

namespace kb::wire::api {

struct NamedStage {
    int64_t id = 0;
    std::string name;
};

struct PipelineChoice {
    int64_t id = 0;
    std::string name;
    std::vector<NamedStage> stages;   // in Kommo's order, won (142) and lost (143) included
};

struct FieldChoice {
    int64_t id = 0;
    std::string name;
    std::string type;                 // Kommo's field type: "text", "date", "select", "checkbox", ...
};

struct UserChoice {
    int64_t id = 0;                   // Kommo user
    std::string name;
    bool is_admin = false;
    int64_t altegio_user_id = 0;      // 0: no Altegio employee account checked for this user
    std::string altegio_user_name;
    bool login_failed = false;        // Altegio refused the stored login: "Authorization error" until signed in again
};

// A branch the Altegio account manages, as the Branches section shows it.
enum class BranchStatus {
    not_connected,     // the admin has not chosen it
    connected,         // chosen, and Altegio sends its webhooks to the relay
    no_rights,         // Altegio refuses the account this branch's settings (403)
    webhook_missing,   // chosen, but the relay's webhook address is not (or no longer) registered in Altegio
};

struct BranchState {
    domain::Branch branch;
    BranchStatus status = BranchStatus::not_connected;
    int64_t last_webhook_at_ms = 0;   // 0: none received
};

struct SettingsPage {
    int64_t revision = 0;
    domain::Settings settings;
    bool altegio_connected = false;   // false: the admin has not signed in to Altegio yet
    std::string tracking_url;         // where a lead-tracking service posts the account's leads
    std::vector<BranchState> branches;
    std::vector<PipelineChoice> pipelines;
    std::vector<FieldChoice> lead_fields;
    std::vector<FieldChoice> contact_fields;
    std::vector<FieldChoice> company_fields;   // for lead tracking's company parameters
    std::vector<UserChoice> users;
};

struct SettingsSave {
    int64_t base_revision = 0;        // the revision the admin started from
    domain::Settings settings;
};

struct SaveReply {
    int64_t revision = 0;             // the revision now in force
    std::vector<domain::SettingsProblem> problems;   // non-empty: nothing was saved
};

struct VersionInfo {
    int64_t revision = 0;
    int64_t saved_at_ms = 0;
    int64_t saved_by_user = 0;        // 0 = the relay itself (installation, created fields)
    std::string saved_by_name;
};

// What the conditions of a status scheme and the additional fields can refer to in one branch: the catalogue's
// categories, labels and every additional record field (its services left empty), the employees and the
// additional client fields.
struct BranchChoices {
    Catalog catalog;
    std::vector<domain::Staff> staff;
    std::vector<domain::RecordField> client_fields;   // the branch's additional client fields
};

}  // namespace kb::wire::api
