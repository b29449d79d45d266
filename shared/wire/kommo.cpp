#include "shared/wire/kommo.hpp"

#include "shared/wire/json_read.hpp"

namespace kb::wire::kommo {
namespace {

Result<std::vector<CustomFieldValue>> decode_custom_fields(const Json& owner, std::string_view path) {
    std::vector<CustomFieldValue> out;
    auto list = read_list(owner, "custom_fields_values", path);   // null when empty
    if (!list) return tl::unexpected(list.error());
    for (size_t i = 0; i < (*list)->size(); ++i) {
        const Json& item = (**list)[i];
        std::string item_path = index_path(join_path(path, "custom_fields_values"), i);
        auto id = read_int_or(item, "field_id", item_path, 0);
        if (!id) return tl::unexpected(id.error());
        CustomFieldValue field{*id, read_text(item, "field_code"), {}};
        auto values = read_list(item, "values", item_path);
        if (!values) return tl::unexpected(values.error());
        for (const auto& v : **values) field.values.push_back(read_text(v, "value"));
        out.push_back(std::move(field));
    }
    return out;
}

}  // namespace

std::optional<int32_t> decode_utc_offset(const Json& account) {
    const Json* embedded = member(account, "_embedded");
    const Json* settings = embedded ? member(*embedded, "datetime_settings") : nullptr;
    const Json* offset = settings ? member(*settings, "timezone_offset") : nullptr;
    if (!offset || !offset->is_string()) return std::nullopt;
    const std::string& text = offset->get_ref<const std::string&>();   // "+03:00"
    auto digit = [&](size_t i) { return static_cast<int>(text[i] - '0'); };
    if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return std::nullopt;
    for (size_t i : {1, 2, 4, 5})
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    int hours = digit(1) * 10 + digit(2), minutes = digit(4) * 10 + digit(5);
    if (hours > 14 || minutes > 59) return std::nullopt;
    int32_t seconds = (hours * 60 + minutes) * 60;
    return text[0] == '-' ? -seconds : seconds;
}

Result<User> decode_user(const Json& value, std::string_view path) {
    auto id = read_int(value, "id", path);
    if (!id) return tl::unexpected(id.error());
    const Json* rights = member(value, "rights");
    return User{*id, read_text(value, "name"), read_text(value, "email"), rights && read_flag(*rights, "is_admin")};
}

Result<std::vector<User>> decode_users(const Json& body) {
    const Json* embedded = member(body, "_embedded");
    if (!embedded) return std::vector<User>{};   // Kommo answers 204 with no body when a page is empty
    auto users = read_list(*embedded, "users", "_embedded");
    if (!users) return tl::unexpected(users.error());
    if (!*users) return std::vector<User>{};
    return decode_list<User>(**users, "users", [](const Json& v, std::string_view path) { return decode_user(v, path); });
}

Result<std::vector<Pipeline>> decode_pipeline_list(const Json& body) {
    const Json* embedded = member(body, "_embedded");
    if (!embedded || !member(*embedded, "pipelines"))   // every account has a pipeline: absence means a wrong reply
        return fail(Errc::bad_input, "ui.error.bad_reply", "pipelines: _embedded.pipelines missing");
    auto pipelines = read_list(*embedded, "pipelines", "_embedded");
    if (!pipelines) return tl::unexpected(pipelines.error());
    std::vector<Pipeline> out;
    for (size_t i = 0; i < (*pipelines)->size(); ++i) {
        const Json& p = (**pipelines)[i];
        std::string path = index_path("pipelines", i);
        auto id = read_int(p, "id", path);
        if (!id) return tl::unexpected(id.error());
        Pipeline pipeline{*id, read_text(p, "name"), read_flag(p, "is_main"), {}};
        const Json* inner = member(p, "_embedded");
        auto statuses = inner ? read_list(*inner, "statuses", path + "._embedded") : Result<const Json*>(nullptr);
        if (!statuses) return tl::unexpected(statuses.error());
        if (*statuses)
            for (size_t j = 0; j < (*statuses)->size(); ++j) {
                const Json& item = (**statuses)[j];
                auto status = read_int(item, "id", index_path(path + ".statuses", j));
                auto sort = read_int_or(item, "sort", index_path(path + ".statuses", j), 0);
                if (!status || !sort) return tl::unexpected(status ? sort.error() : status.error());
                pipeline.stages.push_back(Stage{*status, read_text(item, "name"), static_cast<int32_t>(*sort)});
            }
        out.push_back(std::move(pipeline));
    }
    return out;
}

Result<std::vector<domain::PipelineInfo>> decode_pipelines(const Json& body) {
    auto named = decode_pipeline_list(body);
    if (!named) return tl::unexpected(named.error());
    std::vector<domain::PipelineInfo> out;
    for (const auto& pipeline : *named) {
        domain::PipelineInfo info{pipeline.id, {}};
        for (const auto& stage : pipeline.stages) info.statuses.emplace_back(stage.id, stage.sort);
        out.push_back(std::move(info));
    }
    return out;
}

Json encode_task(int64_t lead_id, const std::string& text, int64_t complete_till, int64_t task_type_id, int64_t responsible_user_id) {
    Json task{{"text", text}, {"complete_till", complete_till}, {"entity_id", lead_id}, {"entity_type", "leads"},
              {"task_type_id", task_type_id}};
    if (responsible_user_id != 0) task["responsible_user_id"] = responsible_user_id;
    return task;
}

Json encode_note(const std::string& text) { return Json{{"note_type", "common"}, {"params", Json{{"text", text}}}}; }

Json encode_call_note(const CallNote& n) {
    Json params{{"uniq", n.uniq},     {"duration", n.duration}, {"source", n.source}, {"phone", n.phone},
                {"call_result", n.result}, {"call_status", n.answered ? 4 : 6}};
    if (!n.link.empty()) params["link"] = n.link;
    return Json{{"note_type", n.incoming ? "call_in" : "call_out"}, {"params", params}};
}

Result<Lead> decode_lead(const Json& value, std::string_view path) {
    Lead lead;
    auto id = read_int(value, "id", path);
    auto status = read_int_or(value, "status_id", path, 0);
    auto pipeline = read_int_or(value, "pipeline_id", path, 0);
    auto responsible = read_int_or(value, "responsible_user_id", path, 0);
    auto fields = decode_custom_fields(value, path);
    for (const Error* e : {id ? nullptr : &id.error(), status ? nullptr : &status.error(),
                           pipeline ? nullptr : &pipeline.error(), responsible ? nullptr : &responsible.error(),
                           fields ? nullptr : &fields.error()})
        if (e) return tl::unexpected(*e);
    lead.id = *id;
    lead.name = read_text(value, "name");
    lead.status_id = *status;
    lead.pipeline_id = *pipeline;
    lead.responsible_user_id = *responsible;
    lead.custom_fields = std::move(*fields);
    lead.created_at = read_int_or(value, "created_at", path, 0).value_or(0);
    if (const Json* embedded = member(value, "_embedded")) {
        if (const Json* tags = member(*embedded, "tags"); tags && tags->is_array())
            for (const auto& tag : *tags)
                if (std::string name = read_text(tag, "name"); !name.empty()) lead.tags.push_back(name);
        auto contacts = read_list(*embedded, "contacts", join_path(path, "_embedded"));
        if (!contacts) return tl::unexpected(contacts.error());
        for (const auto& c : **contacts) {
            auto cid = read_int(c, "id", join_path(path, "_embedded.contacts"));
            if (!cid) return tl::unexpected(cid.error());
            if (read_flag(c, "is_main")) lead.contact_ids.insert(lead.contact_ids.begin(), *cid);
            else lead.contact_ids.push_back(*cid);
        }
    }
    return lead;
}

Result<Contact> decode_contact(const Json& value, std::string_view path) {
    auto id = read_int(value, "id", path);
    if (!id) return tl::unexpected(id.error());
    Contact contact{*id, read_text(value, "name"), {}, {}};
    if (contact.name.empty()) {
        contact.name = read_text(value, "first_name");
        if (auto last = read_text(value, "last_name"); !last.empty())
            contact.name += (contact.name.empty() ? "" : " ") + last;
    }
    auto fields = decode_custom_fields(value, path);
    if (!fields) return tl::unexpected(fields.error());
    for (const auto& field : *fields) {
        if (field.field_code == "PHONE") contact.phones.insert(contact.phones.end(), field.values.begin(), field.values.end());
        if (field.field_code == "EMAIL") contact.emails.insert(contact.emails.end(), field.values.begin(), field.values.end());
    }
    return contact;
}

Result<FieldDefinition> decode_field_definition(const Json& value, std::string_view path) {
    auto id = read_int(value, "id", path);
    if (!id) return tl::unexpected(id.error());
    FieldDefinition field{*id, read_text(value, "name"), read_text(value, "code"), read_text(value, "type"), {}};
    auto enums = read_list(value, "enums", path);   // null for fields without options
    if (!enums) return tl::unexpected(enums.error());
    for (size_t i = 0; i < (*enums)->size(); ++i) {
        auto enum_id = read_int((**enums)[i], "id", index_path(join_path(path, "enums"), i));
        if (!enum_id) return tl::unexpected(enum_id.error());
        field.enums.emplace_back(*enum_id, read_text((**enums)[i], "value"));
    }
    return field;
}

Result<Tokens> decode_tokens(const Json& value) {
    Tokens tokens{read_text(value, "access_token"), read_text(value, "refresh_token"), 0};
    auto expires = read_int_or(value, "expires_in", "tokens", 0);
    if (!expires) return tl::unexpected(expires.error());
    tokens.expires_in = *expires;
    if (tokens.access_token.empty() || tokens.refresh_token.empty())
        return fail(Errc::bad_input, "ui.error.kommo_auth", "token reply lacks access_token or refresh_token");
    return tokens;
}

Json encode_custom_fields(const std::vector<domain::FieldValue>& values) {
    using Kind = domain::FieldValue::Kind;
    Json out = Json::array();
    for (const auto& v : values) {
        Json items = Json::array();
        if (v.kind == Kind::enum_ids) {
            for (int64_t id : v.enum_ids) items.push_back(Json{{"enum_id", id}});
        } else {
            Json value = v.kind == Kind::integer ? Json(v.integer) : Json(v.text);
            if (v.kind == Kind::decimal) value = Json::parse(v.text, nullptr, false);   // digits and a point: a JSON number
            Json item{{"value", value}};
            if (!v.enum_code.empty()) item["enum_code"] = v.enum_code;
            items.push_back(std::move(item));
        }
        out.push_back(Json{{"field_id", v.field_id}, {"values", std::move(items)}});
    }
    return out;
}

Error error_from_reply(int http_status, std::string_view body_text) {
    auto parsed = parse_json(body_text);
    Json body = parsed ? std::move(*parsed) : Json(Json::value_t::discarded);
    std::string detail = "Kommo HTTP " + std::to_string(http_status);
    if (!body.is_discarded()) {
        if (auto d = read_text(body, "detail"); !d.empty()) detail += ": " + d;
        else if (auto t = read_text(body, "title"); !t.empty()) detail += ": " + t;
        if (auto hint = read_text(body, "hint"); !hint.empty()) detail += " (" + hint + ")";
    }
    switch (http_status) {
        case 401: return Error{Errc::unauthorized, "ui.error.kommo_auth", detail};
        case 402:
        case 403:
            // An HTML 403 is Kommo's account block: every call fails until support lifts it.
            if (body.is_discarded()) return Error{Errc::forbidden, "ui.error.kommo_blocked", detail + " (HTML page: account API blocked)"};
            return Error{Errc::forbidden, "ui.error.kommo_no_rights", detail};
        case 404: return Error{Errc::not_found, "ui.error.lead_not_found", detail};
        case 429: return Error{Errc::rate_limited, "ui.error.kommo_busy", detail};
        default: break;
    }
    if (http_status >= 500 || http_status == 0) return Error{Errc::upstream_unavailable, "ui.error.kommo_unavailable", detail};
    return Error{Errc::upstream_rejected, "ui.error.kommo_rejected", detail};
}

}  // namespace kb::wire::kommo
