#include "shared/wire/kommo_hooks.hpp"

#include "shared/wire/form.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::wire::kommo {
namespace {

// Old-style custom fields: custom_fields[i][id], [values][j][value] or a bare [values][j] (dates).
Result<std::vector<CustomFieldValue>> old_custom_fields(const Json& entity, const std::string& path) {
    std::vector<CustomFieldValue> out;
    const Json* fields = member(entity, "custom_fields");
    if (!fields) return out;
    for (const auto& i : ordered_indices(*fields)) {
        const Json& f = (*fields)[i];
        auto id = read_int(f, "id", path + ".custom_fields[" + i + "]");
        if (!id) return tl::unexpected(id.error());
        CustomFieldValue field{*id, read_text(f, "code"), {}};
        if (const Json* values = member(f, "values")) {
            for (const auto& j : ordered_indices(*values)) {
                const Json& v = (*values)[j];
                field.values.push_back(v.is_string() ? v.get<std::string>() : read_text(v, "value"));
            }
        }
        out.push_back(std::move(field));
    }
    return out;
}

Result<HookEntity> decode_entity(const Json& e, const std::string& entity, const std::string& action, const std::string& path) {
    HookEntity out;
    out.entity = entity;
    out.action = action;
    auto id = read_int(e, "id", path);
    if (!id) return tl::unexpected(id.error());
    out.id = *id;
    out.name = read_text(e, "name");
    for (auto [key, target] : {std::pair{"status_id", &out.status_id}, {"old_status_id", &out.old_status_id},
                               {"pipeline_id", &out.pipeline_id}, {"old_pipeline_id", &out.old_pipeline_id},
                               {"responsible_user_id", &out.responsible_user_id},
                               {"old_responsible_user_id", &out.old_responsible_user_id}}) {
        auto value = read_int_or(e, key, path, 0);
        if (!value) return tl::unexpected(value.error());
        *target = *value;
    }
    auto updated = read_int_or(e, "updated_at", path, 0);
    if (updated && *updated == 0) updated = read_int_or(e, "last_modified", path, 0);
    if (!updated) return tl::unexpected(updated.error());
    out.updated_at = *updated;
    auto fields = old_custom_fields(e, path);
    if (!fields) return tl::unexpected(fields.error());
    out.custom_fields = std::move(*fields);
    return out;
}

}  // namespace

Result<AccountHook> decode_account_hook(std::string_view form_body) {
    auto tree = parse_form(form_body);
    if (!tree) return tl::unexpected(tree.error());
    AccountHook hook;
    if (const Json* account = member(*tree, "account")) {
        hook.subdomain = read_text(*account, "subdomain");
        auto id = read_int_or(*account, "id", "account", 0);
        if (!id) return tl::unexpected(id.error());
        hook.account_id = *id;
    }
    for (const char* entity : {"leads", "contacts", "companies", "customers", "tasks"}) {
        const Json* group = member(*tree, entity);
        if (!group || !group->is_object()) continue;
        for (auto action = group->begin(); action != group->end(); ++action) {
            for (const auto& i : ordered_indices(action.value())) {
                std::string path = std::string(entity) + "[" + action.key() + "][" + i + "]";
                const Json& item = action.value()[i];
                auto decoded = decode_entity(item, entity, action.key(), path);
                if (!decoded) return tl::unexpected(decoded.error());
                if (hook.account_id == 0) hook.account_id = read_int_or(item, "account_id", path, 0).value_or(0);
                hook.entities.push_back(std::move(*decoded));
            }
        }
    }
    if (hook.account_id == 0 && hook.subdomain.empty())
        return fail(Errc::bad_input, "ui.error.bad_webhook", "account webhook names no account");
    if (hook.entities.empty()) return fail(Errc::bad_input, "ui.error.bad_webhook", "account webhook carries no entity");
    return hook;
}

Result<DpTrigger> decode_dp_trigger(std::string_view body) {
    size_t first = body.find_first_not_of(" \t\r\n");
    bool json = first != std::string_view::npos && body[first] == '{';
    auto tree = json ? parse_json(body) : parse_form(body);
    if (!tree) return tl::unexpected(tree.error());
    if (!tree->is_object()) return fail(Errc::bad_input, "ui.error.bad_webhook", "trigger: expected an object");
    DpTrigger t;
    t.subdomain = read_text(*tree, "subdomain");
    auto account = read_int_or(*tree, "account_id", "trigger", 0);
    if (!account) return tl::unexpected(account.error());
    t.account_id = *account;
    const Json* event = member(*tree, "event");
    const Json* data = event ? member(*event, "data") : nullptr;
    if (!event || !data) return fail(Errc::bad_input, "ui.error.bad_webhook", "trigger.event.data: missing");
    auto type = read_int_or(*event, "type", "trigger.event", 0);
    auto time = read_int_or(*event, "time", "trigger.event", 0);
    auto lead = read_int(*data, "id", "trigger.event.data");
    auto element = read_int_or(*data, "element_type", "trigger.event.data", 2);
    auto status = read_int_or(*data, "status_id", "trigger.event.data", 0);
    auto pipeline = read_int_or(*data, "pipeline_id", "trigger.event.data", 0);
    for (const Error* e : {type ? nullptr : &type.error(), time ? nullptr : &time.error(), lead ? nullptr : &lead.error(),
                           element ? nullptr : &element.error(), status ? nullptr : &status.error(),
                           pipeline ? nullptr : &pipeline.error()})
        if (e) return tl::unexpected(*e);
    t.type = *type;
    t.time = *time;
    t.type_code = read_text(*event, "type_code");
    t.lead_id = *lead;
    t.element_type = *element;
    t.status_id = *status;
    t.pipeline_id = *pipeline;
    t.direction = read_text(*data, "direction_of_movement");
    const Json* action = member(*tree, "action");
    const Json* settings = action ? member(*action, "settings") : nullptr;
    const Json* widget = settings ? member(*settings, "widget") : nullptr;
    const Json* values = widget ? member(*widget, "settings") : nullptr;
    t.settings = values && values->is_object() ? *values : Json::object();
    return t;
}

}  // namespace kb::wire::kommo
