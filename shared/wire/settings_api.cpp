#include "shared/wire/settings_api.hpp"

#include "shared/wire/object_reader.hpp"
#include "shared/wire/settings.hpp"
#include "shared/wire/widget_api.hpp"

namespace kb::wire::api {

namespace {

constexpr std::pair<BranchStatus, const char*> branch_statuses[] = {{BranchStatus::not_connected, "not_connected"},
                                                                    {BranchStatus::connected, "connected"},
                                                                    {BranchStatus::no_rights, "no_rights"},
                                                                    {BranchStatus::webhook_missing, "webhook_missing"}};

BranchStatus branch_status_named(const std::string& name) {
    for (const auto& [status, text] : branch_statuses)
        if (name == text) return status;
    return BranchStatus::not_connected;
}

// A list under `key` decoded item by item with `decode`, into the reader's first error.
template <class T, class Decode>
std::vector<T> items_of(FieldReader& r, std::string_view key, Decode decode) {
    std::vector<T> out;
    const Json& list = r.list(key);
    for (size_t i = 0; i < list.size(); ++i) {
        FieldReader item{list[i], index_path(join_path(r.path, key), i), {}};
        out.push_back(decode(item));
        if (item.error && !r.error) r.error = item.error;
    }
    return out;
}

domain::Settings settings_member(FieldReader& r) {
    const Json* document = member(r.object, "settings");
    if (!document) {
        if (!r.error) r.error = Error{Errc::bad_input, "ui.error.bad_request", join_path(r.path, "settings") + ": missing"};
        return {};
    }
    auto settings = decode_settings(*document);
    if (!settings) {
        if (!r.error) r.error = settings.error();
        return {};
    }
    return *settings;
}

}  // namespace

Json encode_problems(const std::vector<domain::SettingsProblem>& problems) {
    return encode_each(problems, [](const domain::SettingsProblem& p) { return Json{{"path", p.path}, {"message_key", p.message_key}, {"detail", p.detail}}; });
}

const char* branch_status_name(BranchStatus status) {
    for (const auto& [value, text] : branch_statuses)
        if (value == status) return text;
    return "not_connected";
}

// [SECTION] the settings page ----------------------------------------------------------------------------------
Json encode(const SettingsPage& v) {
    return Json{
        {"revision", v.revision},
        {"settings", encode_settings(v.settings)},
        {"altegio_connected", v.altegio_connected},
        {"tracking_url", v.tracking_url},
        {"branches", encode_each(v.branches, [](const BranchState& b) {
             return Json{{"branch", encode_branch(b.branch)}, {"status", branch_status_name(b.status)},
                         {"last_webhook_at_ms", b.last_webhook_at_ms}};
         })},
        {"pipelines", encode_each(v.pipelines, [](const PipelineChoice& p) {
             return Json{{"id", p.id}, {"name", p.name}, {"stages", encode_each(p.stages, [](const NamedStage& s) {
                              return Json{{"id", s.id}, {"name", s.name}};
                          })}};
         })},
        {"lead_fields", encode_each(v.lead_fields, [](const FieldChoice& f) { return Json{{"id", f.id}, {"name", f.name}, {"type", f.type}}; })},
        {"contact_fields", encode_each(v.contact_fields, [](const FieldChoice& f) { return Json{{"id", f.id}, {"name", f.name}, {"type", f.type}}; })},
        {"company_fields", encode_each(v.company_fields, [](const FieldChoice& f) { return Json{{"id", f.id}, {"name", f.name}, {"type", f.type}}; })},
        {"users", encode_each(v.users, [](const UserChoice& u) { return encode(u); })},
    };
}

Result<SettingsPage> decode_settings_page(const Json& j) {
    FieldReader r{j, "settings_page", {}};
    SettingsPage page;
    page.revision = r.integer_or("revision", 0);
    page.settings = settings_member(r);
    page.altegio_connected = read_flag(j, "altegio_connected");
    page.tracking_url = read_text(j, "tracking_url");
    page.branches = items_of<BranchState>(r, "branches", [](FieldReader& item) {
        BranchState state;
        if (const Json* branch = member(item.object, "branch")) {
            auto decoded = decode_branch(*branch, join_path(item.path, "branch"));
            if (decoded) state.branch = *decoded;
            else item.error = decoded.error();
        }
        state.status = branch_status_named(item.text("status"));
        state.last_webhook_at_ms = item.integer_or("last_webhook_at_ms", 0);
        return state;
    });
    page.pipelines = items_of<PipelineChoice>(r, "pipelines", [](FieldReader& item) {
        PipelineChoice p{item.integer("id"), item.text("name"), {}};
        p.stages = items_of<NamedStage>(item, "stages", [](FieldReader& s) { return NamedStage{s.integer("id"), s.text("name")}; });
        return p;
    });
    auto field = [](FieldReader& f) { return FieldChoice{f.integer("id"), f.text("name"), f.text("type")}; };
    page.lead_fields = items_of<FieldChoice>(r, "lead_fields", field);
    page.contact_fields = items_of<FieldChoice>(r, "contact_fields", field);
    if (member(j, "company_fields")) page.company_fields = items_of<FieldChoice>(r, "company_fields", field);   // older relays send none
    page.users = items_of<UserChoice>(r, "users", [](FieldReader& u) {
        return UserChoice{u.integer("id"), u.text("name"), read_flag(u.object, "is_admin"), u.integer_or("altegio_user_id", 0),
                          u.text("altegio_user_name"), read_flag(u.object, "login_failed")};
    });
    return finish(r, std::move(page));
}

Json encode(const UserChoice& u) {
    return Json{{"id", u.id}, {"name", u.name}, {"is_admin", u.is_admin}, {"altegio_user_id", u.altegio_user_id},
                {"altegio_user_name", u.altegio_user_name}, {"login_failed", u.login_failed}};
}

Result<UserChoice> decode_user_choice(const Json& j) {
    FieldReader r{j, "user", {}};
    UserChoice u{r.integer("id"), r.text("name"), read_flag(j, "is_admin"), r.integer_or("altegio_user_id", 0), r.text("altegio_user_name"),
                 read_flag(j, "login_failed")};
    return finish(r, std::move(u));
}

// [SECTION] saving and versions --------------------------------------------------------------------------------
Json encode(const SettingsSave& v) { return Json{{"base_revision", v.base_revision}, {"settings", encode_settings(v.settings)}}; }

Result<SettingsSave> decode_settings_save(const Json& j) {
    FieldReader r{j, "save", {}};
    SettingsSave save;
    save.base_revision = r.integer("base_revision");
    save.settings = settings_member(r);
    return finish(r, std::move(save));
}

Json encode(const SaveReply& v) { return Json{{"revision", v.revision}, {"problems", encode_problems(v.problems)}}; }

Result<SaveReply> decode_save_reply(const Json& j) {
    FieldReader r{j, "save_reply", {}};
    SaveReply reply;
    reply.revision = r.integer("revision");
    reply.problems = items_of<domain::SettingsProblem>(r, "problems", [](FieldReader& p) {
        return domain::SettingsProblem{p.text("path"), p.text("message_key"), p.text("detail")};
    });
    return finish(r, std::move(reply));
}

Json encode(const std::vector<VersionInfo>& v) {
    return Json{{"versions", encode_each(v, [](const VersionInfo& i) {
                     return Json{{"revision", i.revision}, {"saved_at_ms", i.saved_at_ms}, {"saved_by_user", i.saved_by_user},
                                 {"saved_by_name", i.saved_by_name}};
                 })}};
}

Result<std::vector<VersionInfo>> decode_versions(const Json& j) {
    FieldReader r{j, "versions", {}};
    auto versions = items_of<VersionInfo>(r, "versions", [](FieldReader& i) {
        return VersionInfo{i.integer("revision"), i.integer_or("saved_at_ms", 0), i.integer_or("saved_by_user", 0), i.text("saved_by_name")};
    });
    return finish(r, std::move(versions));
}

// [SECTION] one branch's choices -------------------------------------------------------------------------------
Json encode(const BranchChoices& v) {
    return Json{{"catalog", encode(v.catalog)}, {"staff", encode(v.staff)}, {"client_fields", encode_field_list(v.client_fields)}};
}

Result<BranchChoices> decode_branch_choices(const Json& j) {
    const Json* catalog = member(j, "catalog");
    const Json* staff = member(j, "staff");
    if (!catalog || !staff) return fail(Errc::bad_input, "ui.error.bad_reply", "branch_choices: catalog or staff missing");
    auto decoded_catalog = decode_catalog(*catalog);
    if (!decoded_catalog) return tl::unexpected(decoded_catalog.error());
    auto decoded_staff = decode_staff_list(*staff);
    if (!decoded_staff) return tl::unexpected(decoded_staff.error());
    return BranchChoices{std::move(*decoded_catalog), std::move(*decoded_staff), decode_field_list(member(j, "client_fields"))};
}

}  // namespace kb::wire::api
