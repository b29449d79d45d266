#include "widget/state/settings_state.hpp"

#include <algorithm>
#include "shared/domain/calendar.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::widget {

namespace api = wire::api;

namespace {


std::vector<Call> load_page(SettingsState& s) { return {s.requests.start(RequestKind::settings_page, "GET", "/api/v1/settings")}; }
std::vector<Call> load_versions(SettingsState& s) { return {s.requests.start(RequestKind::settings_versions, "GET", "/api/v1/settings/versions")}; }

int64_t revision_of(const SettingsState& s) { return s.page ? s.page->revision : 0; }

std::string base_revision_body(const SettingsState& s) { return wire::Json{{"base_revision", revision_of(s)}}.dump(); }

// A reply that saved (or refused) the document: the page is read again so the admin sees what is in force.
std::vector<Call> after_save(SettingsState& s, const wire::Json& json, const char* notice_key) {
    auto reply = api::decode_save_reply(json);
    if (!reply) {
        s.error = ShownError{"ui.error.bad_reply", reply.error().detail};
        return {};
    }
    s.problems = reply->problems;
    if (!s.problems.empty()) {
        s.notice_key = "ui.settings.not_saved";
        return {};
    }
    s.notice_key = notice_key;
    std::vector<Call> calls = load_page(s);
    if (s.versions) calls.push_back(load_versions(s).front());
    return calls;
}

// The history query of the view's period and types; an error when the period cannot be read.
std::optional<std::string> history_query(const HistoryView& h, int32_t utc_offset_seconds) {
    auto from = domain::parse_civil(h.from);
    auto to = domain::parse_civil(h.to);
    if (!from || !to) return std::nullopt;
    int64_t offset_ms = int64_t{utc_offset_seconds} * 1000;   // the user's midnight is that much before UTC's
    int64_t from_ms = domain::days_from_civil(from->year, from->month, from->day) * 86400000 - offset_ms;
    int64_t to_ms = (domain::days_from_civil(to->year, to->month, to->day) + 1) * 86400000 - offset_ms;
    std::string types;
    for (const auto& t : h.types) types += (types.empty() ? "" : ",") + t;
    return "/api/v1/history?from_ms=" + std::to_string(from_ms) + "&to_ms=" + std::to_string(to_ms) + (types.empty() ? "" : "&types=" + types);
}

std::vector<Call> find_history(SettingsState& s, bool more) {
    auto query = history_query(s.history, s.utc_offset_seconds);
    if (!query) {
        s.error = ShownError{"ui.error.bad_period", s.history.from + " – " + s.history.to};
        return {};
    }
    if (!more) {
        s.history.detail.reset();
        return {s.requests.start(RequestKind::history_find, "GET", *query)};
    }
    return {s.requests.start(RequestKind::history_more, "GET", *query + "&before_id=" + std::to_string(s.history.next_before_id))};
}

std::vector<Call> load_telephony(SettingsState& s) {
    return {s.requests.start(RequestKind::telephony_page, "GET", "/api/v1/telephony")};
}

const api::TelephonyChain* chain_named(const SettingsState& s, const std::string& key) {
    if (!s.telephony.page) return nullptr;
    for (const auto& c : s.telephony.page->chains)
        if (c.key == key) return &c;
    return nullptr;
}

std::vector<Call> change_chain(SettingsState& s, const std::string& key, const char* method, const std::string& path) {
    if (key.empty() || !s.telephony.changing_key.empty()) return {};
    s.error.reset();
    s.telephony.changing_key = key;
    return {s.requests.start(RequestKind::telephony_change, method, path)};
}

// A chain reply: the section shows the chains as they are now; a refused save keeps the form open with its problems.
std::vector<Call> after_chain_reply(SettingsState& s, RequestKind kind, int http_status, const wire::Json& json) {
    auto reply = api::decode_chain_reply(json);
    if (!reply) {
        s.error = ShownError{"ui.error.bad_reply", reply.error().detail};
        return {};
    }
    s.telephony.page = std::move(reply->page);
    if (kind == RequestKind::telephony_save) {
        s.telephony.problems = std::move(reply->problems);
        if (http_status == 422) {
            s.notice_key = "ui.telephony.not_saved";
            return {};
        }
        s.telephony.form.reset();
        const api::TelephonyChain* saved = chain_named(s, reply->key);
        s.notice_key = saved && !saved->enabled ? "ui.telephony.saved_not_enabled" : "ui.telephony.saved";
    }
    return {};
}

}  // namespace

std::vector<std::string> numbers_of(const std::string& text) {
    std::vector<std::string> out;
    std::string current;
    auto flush = [&] {
        size_t first = current.find_first_not_of(" \t\r");
        if (first != std::string::npos) out.push_back(current.substr(first, current.find_last_not_of(" \t\r") - first + 1));
        current.clear();
    };
    for (char c : text) {
        if (c == '\n' || c == ',') flush();
        else current += c;
    }
    flush();
    return out;
}

std::vector<Call> start_settings(SettingsState& state, const std::string& language, const std::string& today) {
    state = SettingsState{};
    state.language = language;
    state.history.from = domain::add_days(today, -1);
    state.history.to = today;
    return load_page(state);
}

// One reducer per kind of intent.
namespace {

std::vector<Call> on(SettingsState& s, const settings_intent::ShowSection& i) {
    s.section = i.section;
    if (s.section == SettingsSection::versions && !s.versions && !s.loading(RequestKind::settings_versions)) return load_versions(s);
    if (s.section == SettingsSection::telephony && !s.telephony.page && !s.loading(RequestKind::telephony_page)) return load_telephony(s);
    return {};
}

std::vector<Call> on(SettingsState& s, const settings_intent::Reload&) {
    s.error.reset();
    s.problems.clear();
    s.branch_choices.clear();   // a branch refused or unreachable before is asked again
    return load_page(s);
}

std::vector<Call> on(SettingsState& s, const settings_intent::Save&) {
    if (!s.page || s.loading(RequestKind::settings_save)) return {};
    s.error.reset();
    return {s.requests.start(RequestKind::settings_save, "PUT", "/api/v1/settings",
                      api::encode(api::SettingsSave{revision_of(s), s.draft}).dump())};
}

std::vector<Call> on(SettingsState& s, const settings_intent::Discard&) {
    if (s.page) s.draft = s.page->settings;
    s.problems.clear();
    return {};
}

std::vector<Call> on(SettingsState& s, const settings_intent::ConnectAltegio&) {
    if (s.altegio_login.empty() || s.altegio_password.empty()) {
        s.error = ShownError{"ui.error.need_login", ""};
        return {};
    }
    s.error.reset();
    return {s.requests.start(RequestKind::altegio_connect, "POST", "/api/v1/altegio/connect",
                      wire::Json{{"login", s.altegio_login}, {"password", s.altegio_password}}.dump())};
}

std::vector<Call> on(SettingsState& s, const settings_intent::ClaimLocation&) {
    if (s.marketplace_code.find_first_not_of(" -") == std::string::npos) {
        s.error = ShownError{"ui.error.claim_code_invalid", ""};
        return {};
    }
    s.error.reset();
    return {s.requests.start(RequestKind::marketplace_claim, "POST", "/api/v1/settings/marketplace",
                             wire::Json{{"code", s.marketplace_code}, {"telephony", s.marketplace_telephony}}.dump())};
}

std::vector<Call> on(SettingsState& s, const settings_intent::LinkUser& i) {
    auto& typed = s.credentials[i.kommo_user_id];
    if (typed.login.empty() || typed.password.empty()) {
        typed.error_key = "ui.error.need_login";
        return {};
    }
    typed.error_key.clear();
    s.user_checking = i.kommo_user_id;
    return {s.requests.start(RequestKind::settings_user, "POST", "/api/v1/settings/users/" + std::to_string(i.kommo_user_id) + "/altegio",
                      wire::Json{{"login", typed.login}, {"password", typed.password}}.dump())};
}

std::vector<Call> on(SettingsState& s, const settings_intent::CreateFields&) {
    if (s.dirty()) {   // the button saves mappings of its own: unsaved choices would be lost or refused
        s.error = ShownError{"ui.settings.save_first", ""};
        return {};
    }
    return {s.requests.start(RequestKind::settings_fields, "POST", "/api/v1/settings/fields", base_revision_body(s))};
}

std::vector<Call> on(SettingsState& s, const settings_intent::NeedBranch& i) {
    if (s.branch_choices.count(i.branch_id) || s.loading(RequestKind::settings_branch)) return {};
    s.branch_loading = i.branch_id;
    return {s.requests.start(RequestKind::settings_branch, "GET", "/api/v1/settings/branches/" + std::to_string(i.branch_id))};
}

std::vector<Call> on(SettingsState& s, const settings_intent::RestoreVersion& i) {
    if (s.dirty()) {
        s.error = ShownError{"ui.settings.save_first", ""};
        return {};
    }
    return {s.requests.start(RequestKind::settings_restore, "POST",
                      "/api/v1/settings/versions/" + std::to_string(i.revision) + "/restore", base_revision_body(s))};
}

std::vector<Call> on(SettingsState& s, const settings_intent::AddScheme& i) {
    domain::DistributionScheme scheme;
    scheme.name = i.name;
    s.draft.status_sync.schemes.push_back(std::move(scheme));
    return {};
}

std::vector<Call> on(SettingsState& s, const settings_intent::RemoveScheme& i) {
    if (i.index >= 0 && i.index < static_cast<int64_t>(s.draft.status_sync.schemes.size()))
        s.draft.status_sync.schemes.erase(s.draft.status_sync.schemes.begin() + i.index);
    return {};
}

std::vector<Call> on(SettingsState& s, const settings_intent::DismissError&) {
    s.error.reset();
    return {};
}

std::vector<Call> on(SettingsState& s, const settings_intent::HistoryToggleType& i) {
    auto& types = s.history.types;
    auto at = std::find(types.begin(), types.end(), i.type);
    if (at == types.end()) types.push_back(i.type);
    else types.erase(at);
    return {};
}

std::vector<Call> on(SettingsState& s, const settings_intent::HistoryFind&) {
    s.error.reset();
    return find_history(s, false);
}

std::vector<Call> on(SettingsState& s, const settings_intent::HistoryMore&) {
    if (s.history.next_before_id == 0 || s.loading(RequestKind::history_more)) return {};
    return find_history(s, true);
}

std::vector<Call> on(SettingsState& s, const settings_intent::HistoryOpen& i) {
    return {s.requests.start(RequestKind::history_detail, "GET", "/api/v1/history/" + std::to_string(i.entry_id))};
}

std::vector<Call> on(SettingsState& s, const settings_intent::HistoryRepeat& i) {
    if (s.history.repeating_id != 0) return {};
    s.history.repeating_id = i.event_id;
    return {s.requests.start(RequestKind::history_repeat, "POST",
                      "/api/v1/history/failed/" + std::to_string(i.event_id) + "/repeat?wait_ms=8000")};
}

std::vector<Call> on(SettingsState& s, const settings_intent::ChainEdit& i) {
    ChainForm form;
    if (const api::TelephonyChain* chain = chain_named(s, i.key)) {
        form = ChainForm{chain->key, chain->name, "", "", chain->new_lead_for_unknown, chain->token_hint};
        for (const auto& n : chain->numbers) form.numbers += (form.numbers.empty() ? "" : "\n") + n;
    }
    s.telephony.form = std::move(form);
    s.telephony.problems.clear();
    return {};
}

std::vector<Call> on(SettingsState& s, const settings_intent::ChainCancel&) {
    s.telephony.form.reset();
    s.telephony.problems.clear();
    return {};
}

std::vector<Call> on(SettingsState& s, const settings_intent::ChainSave&) {
    if (!s.telephony.form || s.loading(RequestKind::telephony_save)) return {};
    const ChainForm& f = *s.telephony.form;
    s.error.reset();
    return {s.requests.start(RequestKind::telephony_save, "PUT", "/api/v1/telephony/chains",
                             api::encode(api::ChainSave{f.key, f.name, f.crm_token, numbers_of(f.numbers), f.new_lead_for_unknown}).dump())};
}

std::vector<Call> on(SettingsState& s, const settings_intent::ChainEnable& i) {
    return change_chain(s, i.key, "POST", "/api/v1/telephony/chains/" + i.key + "/enable");
}

std::vector<Call> on(SettingsState& s, const settings_intent::ChainDisable& i) {
    return change_chain(s, i.key, "POST", "/api/v1/telephony/chains/" + i.key + "/disable");
}

std::vector<Call> on(SettingsState& s, const settings_intent::ChainRemove& i) {
    return change_chain(s, i.key, "DELETE", "/api/v1/telephony/chains/" + i.key);
}

}  // namespace

std::vector<Call> apply(SettingsState& s, const SettingsIntent& chosen) {
    s.notice_key.clear();
    s.notice_title.clear();
    return std::visit([&s](const auto& i) { return on(s, i); }, chosen);
}

std::vector<Call> on_reply(SettingsState& s, int request_id, int http_status, const std::string& body) {
    auto finished = s.requests.finish(request_id);
    if (!finished) return {};   // superseded by a newer request
    RequestKind kind = *finished;

    if (kind == RequestKind::history_repeat) s.history.repeating_id = 0;
    if (kind == RequestKind::telephony_change) s.telephony.changing_key.clear();
    auto json = wire::parse_json(body);
    if (kind == RequestKind::telephony_save && http_status == 422 && json) return after_chain_reply(s, kind, http_status, *json);
    // A refused save comes back 422 with its problems: that is an answer, not a failure.
    bool saving = kind == RequestKind::settings_save || kind == RequestKind::settings_restore || kind == RequestKind::settings_fields;
    if (saving && http_status == 422 && json) return after_save(s, *json, "");
    if (auto failure = failure_of(http_status, json, body)) {
        ShownError shown = std::move(*failure);
        if (kind == RequestKind::settings_branch) s.branch_choices[s.branch_loading] = {};   // not asked again every frame
        if (http_status == 0) {   // the relay did not answer: that is the page's news, whatever was asked
            s.error = std::move(shown);
            return {};
        }
        if (kind == RequestKind::settings_user) {   // shown beside that user's fields; the password is typed again
            s.credentials[s.user_checking].error_key = shown.message_key;
            s.credentials[s.user_checking].password.clear();
            return {};
        }
        if (kind == RequestKind::altegio_connect) s.altegio_password.clear();
        s.error = std::move(shown);
        return {};
    }
    auto failed_decode = [&](const Error& e) { s.error = ShownError{"ui.error.bad_reply", e.detail}; };
    switch (kind) {
        case RequestKind::settings_page: {
            auto page = api::decode_settings_page(*json);
            if (!page) { failed_decode(page.error()); return {}; }
            s.page = std::move(*page);
            s.draft = s.page->settings;
            return {};
        }
        case RequestKind::settings_save: return after_save(s, *json, "ui.settings.saved");
        case RequestKind::settings_restore: return after_save(s, *json, "ui.settings.restored");
        case RequestKind::settings_fields: return after_save(s, *json, "ui.settings.fields_created");
        case RequestKind::settings_versions: {
            auto versions = api::decode_versions(*json);
            if (!versions) { failed_decode(versions.error()); return {}; }
            s.versions = std::move(*versions);
            return {};
        }
        case RequestKind::settings_branch: {
            auto choices = api::decode_branch_choices(*json);
            if (!choices) { failed_decode(choices.error()); return {}; }
            s.branch_choices[s.branch_loading] = std::move(*choices);
            return {};
        }
        case RequestKind::settings_user: {
            auto user = api::decode_user_choice(*json);
            if (!user) { failed_decode(user.error()); return {}; }
            s.credentials.erase(user->id);
            if (s.page)
                for (auto& u : s.page->users)
                    if (u.id == user->id) u = *user;
            s.notice_key = "ui.settings.user_linked";
            return {};
        }
        case RequestKind::history_find:
        case RequestKind::history_more: {
            auto page = api::decode_history_page(*json);
            if (!page) { failed_decode(page.error()); return {}; }
            if (kind == RequestKind::history_find || !s.history.rows) s.history.rows.emplace();
            s.history.rows->insert(s.history.rows->end(), page->rows.begin(), page->rows.end());
            s.history.next_before_id = page->next_before_id;
            return {};
        }
        case RequestKind::history_detail: {
            auto detail = api::decode_history_detail(*json);
            if (!detail) { failed_decode(detail.error()); return {}; }
            s.history.detail = std::move(*detail);
            return {};
        }
        case RequestKind::history_repeat: {
            auto outcome = api::decode_history_row(*json);
            if (!outcome) { failed_decode(outcome.error()); return {}; }
            if (s.history.rows)
                for (auto& row : *s.history.rows)
                    if (row.type == "failed_event" && row.id == outcome->id) {
                        row.state = outcome->state;
                        row.error = outcome->error;
                        row.repeatable = outcome->repeatable;
                    }
            s.notice_key = outcome->state == "done" ? "ui.history.repeated" : outcome->state == "failed" ? "ui.history.failed_again"
                                                                                                      : "ui.history.still_waiting";
            return {};
        }
        case RequestKind::telephony_page: {
            auto page = api::decode_telephony_page(*json);
            if (!page) { failed_decode(page.error()); return {}; }
            s.telephony.page = std::move(*page);
            return {};
        }
        case RequestKind::telephony_save:
        case RequestKind::telephony_change:
            return after_chain_reply(s, kind, http_status, *json);
        case RequestKind::altegio_connect:
            s.altegio_password.clear();
            s.notice_key = "ui.settings.altegio_connected";
            return load_page(s);
        case RequestKind::marketplace_claim: {
            std::string telephony = json->value("telephony", std::string());
            s.marketplace_code.clear();
            s.marketplace_telephony = false;
            s.notice_title = json->value("title", std::string());
            s.notice_key = telephony == "enabled"  ? "ui.settings.marketplace_telephony_enabled"
                           : telephony == "refused" ? "ui.settings.marketplace_telephony_refused"
                           : telephony == "no_token" ? "ui.settings.marketplace_telephony_no_token"
                                                     : "ui.settings.marketplace_connected";
            auto calls = load_page(s);
            s.telephony.page.reset();   // a chain may have been added: the section reads it again when shown
            return calls;
        }
        default:
            return {};
    }
}

BranchCounts branch_counts(const SettingsState& state) {
    BranchCounts counts;
    if (!state.page) return counts;
    const auto& chosen = state.draft.connected_branch_ids;
    counts.available = state.page->branches.size();
    counts.connected = chosen.empty() ? counts.available
                                      : static_cast<size_t>(std::count_if(state.page->branches.begin(), state.page->branches.end(), [&](const auto& b) {
                                            return std::find(chosen.begin(), chosen.end(), b.branch.id) != chosen.end();
                                        }));
    return counts;
}

std::vector<const domain::SettingsProblem*> problems_at(const SettingsState& state, const std::string& path) {
    std::vector<const domain::SettingsProblem*> out;
    for (const auto& p : state.problems) {
        bool under = p.path.size() > path.size() && p.path.compare(0, path.size(), path) == 0 &&
                     (p.path[path.size()] == '.' || p.path[path.size()] == '[');
        if (p.path == path || under) out.push_back(&p);
    }
    return out;
}

}  // namespace kb::widget
