// Simulated Kommo account (see ../shared/reference/kommo-platform.md): OAuth with 24-hour access tokens and
// single-use rotating refresh tokens, account, users, pipelines, leads, contacts, links, custom fields,
// tasks and notes; hal+json answers, problem+json errors, 204 on empty lists, 429 above 7 requests a second.
#include <algorithm>
#include "sandbox/state.hpp"
#include "shared/domain/text.hpp"

namespace kb::sandbox {
namespace {

using http::Request;
using http::Response;

const std::string kommo_prefix = "/kommo";

int64_t id_param(const Request& request, const char* name) { return wire::int_from(Json(request.param(name)), name).value_or(0); }

// A custom field as Kommo stores it, from a create request's item; none when the type or name is not accepted.
// List fields keep their options (`enums: [{value, sort}]`), each given an id.
std::optional<Json> new_field(Sandbox::State& s, const Json& item) {
    std::string type = wire::read_text(item, "type");
    static const std::vector<std::string> known{"text", "numeric", "checkbox", "select", "multiselect", "date",
                                                "date_time", "url", "textarea", "radiobutton", "birthday"};
    if (wire::read_text(item, "name").empty() || std::find(known.begin(), known.end(), type) == known.end()) return std::nullopt;
    Json enums;
    if (const Json* options = wire::member(item, "enums"); options && options->is_array() && (type == "select" || type == "multiselect")) {
        enums = Json::array();
        for (const auto& option : *options)
            enums.push_back(Json{{"id", s.next_field_id++}, {"value", wire::read_text(option, "value")}, {"sort", option.value("sort", 500)}});
    }
    return Json{{"id", s.next_field_id++}, {"name", item["name"]}, {"code", item.value("code", Json())}, {"type", type},
                {"sort", 500}, {"is_api_only", false}, {"enums", enums}};
}

Response validation_error(const std::string& path, const std::string& detail, const std::string& code = "NotSupportedChoice") {
    return kommo_problem(400, "Bad Request", "Request validation failed",
                         Json{{"validation-errors", Json::array({Json{{"request_id", "0"},
                                                                      {"errors", Json::array({Json{{"code", code}, {"path", path},
                                                                                                    {"detail", detail}}})}}})}});
}

// Applies custom_fields_values from a request onto an entity, checking each field exists and fits its type.
std::optional<Response> apply_custom_fields(Json& entity, const Json& request_values, const Json& definitions) {
    if (!request_values.is_array()) return validation_error("custom_fields_values", "must be an array", "InvalidType");
    Json current = entity["custom_fields_values"].is_array() ? entity["custom_fields_values"] : Json::array();
    for (size_t i = 0; i < request_values.size(); ++i) {
        const Json& item = request_values[i];
        std::string path = "custom_fields_values." + std::to_string(i);
        const Json* definition = nullptr;
        for (const auto& d : definitions)
            if ((item.contains("field_id") && d["id"] == item["field_id"]) ||
                (item.contains("field_code") && !d["code"].is_null() && d["code"] == item["field_code"]))
                definition = &d;
        if (!definition) return validation_error(path + ".field_id", "This field does not exist");
        Json values = Json::array();
        for (const auto& v : item.value("values", Json::array())) {
            const Json* value = wire::member(v, "value");
            std::string type = (*definition)["type"].get<std::string>();
            if ((type == "date" || type == "date_time" || type == "birthday" || type == "numeric") && (!value || !value->is_number()))
                return validation_error(path + ".values.0.value", "This value should be of type int.", "InvalidType");
            if (value && value->is_string() && value->get<std::string>().size() > 256 * 4 && type == "text")
                return validation_error(path + ".values.0.value", "This value is too long.", "InvalidLength");
            values.push_back(v);
        }
        Json kept = Json::array();
        for (const auto& c : current)
            if (c["field_id"] != (*definition)["id"]) kept.push_back(c);
        current = std::move(kept);
        if (!values.empty())
            current.push_back(Json{{"field_id", (*definition)["id"]}, {"field_name", (*definition)["name"]},
                                   {"field_code", (*definition)["code"]}, {"field_type", (*definition)["type"]}, {"values", values}});
    }
    entity["custom_fields_values"] = current.empty() ? Json() : current;
    return std::nullopt;
}

// PATCH of contacts or companies (`name`: "contacts", "companies"), all or nothing: the listed plain members and the
// custom fields of each item named by id, changed at `now`; answers the ids with their new updated_at.
Response patch_entities(const Request& request, int64_t now, std::map<int64_t, Json>& entities, const Json& field_definitions,
                        const char* name, std::initializer_list<const char*> plain_members) {
    auto body = wire::parse_json(request.body);
    if (!body || !body->is_array() || body->empty()) return validation_error("", "expected a non-empty array", "InvalidType");
    std::vector<Json> updated;
    for (const auto& item : *body) {
        auto it = entities.find(wire::read_int_or(item, "id", "", 0).value_or(0));
        if (it == entities.end()) return validation_error("id", std::string(name) == "contacts" ? "contact not found" : "company not found");
        Json copy = it->second;
        for (const char* key : plain_members)
            if (item.contains(key)) copy[key] = item[key];
        if (const Json* fields = wire::member(item, "custom_fields_values"))
            if (auto refused = apply_custom_fields(copy, *fields, field_definitions)) return *refused;
        copy["updated_at"] = now;
        updated.push_back(copy);
    }
    Json out = Json::array();
    for (auto& entity : updated) {
        entities[entity["id"].get<int64_t>()] = entity;
        out.push_back(Json{{"id", entity["id"]}, {"updated_at", entity["updated_at"]}});
    }
    return kommo_json(200, Json{{"_embedded", Json{{name, out}}}});
}

// Kommo finds a phone whatever its formatting: a query of digits matches the digits of a PHONE value.
// The ids of a list's `filter[id][]` (given several times, joined by the query parser with commas).
std::vector<int64_t> ids_filter(const Request& request) {
    std::vector<int64_t> wanted;
    std::string ids = request.query_value("filter[id][]");
    for (size_t start = 0; start < ids.size();) {
        size_t comma = ids.find(',', start);
        if (auto id = wire::int_from(Json(ids.substr(start, comma - start)), "id")) wanted.push_back(*id);
        start = comma == std::string::npos ? ids.size() : comma + 1;
    }
    return wanted;
}

bool phone_digits_match(const Json& contact, const std::string& query) {
    if (query.size() < 5 || !std::all_of(query.begin(), query.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    if (!contact["custom_fields_values"].is_array()) return false;
    for (const auto& field : contact["custom_fields_values"]) {
        if (field.value("field_code", "") != "PHONE") continue;
        for (const auto& v : field["values"]) {
            std::string digits;
            for (char c : v.value("value", "")) if (c >= '0' && c <= '9') digits += c;
            if (digits.find(query) != std::string::npos) return true;
        }
    }
    return false;
}

}  // namespace

void Sandbox::add_kommo_routes() {
    // [SECTION] OAuth ------------------------------------------------------------------------------------------
    m_router.add("POST", kommo_prefix + "/oauth2/access_token", [this](const Request& request) {
        return guarded("kommo", request, [&](State& s) {
            auto body = wire::parse_json(request.body);
            if (!body) return kommo_problem(400, "Bad Request", "body must be JSON");
            auto oauth_error = [](const std::string& hint) {
                return kommo_problem(401, "Unauthorized", "Incorrect data", Json{{"hint", hint},
                                                                                  {"type", "https://developers.amocrm.ru/v3/errors/OAuthProblemJson"}});
            };
            if (wire::read_text(*body, "client_id") != m_config.kommo_client_id ||
                wire::read_text(*body, "client_secret") != m_config.kommo_client_secret)
                return oauth_error("Client authentication failed");
            std::string grant = wire::read_text(*body, "grant_type");
            if (grant == "authorization_code") {
                auto code = s.auth_codes.find(wire::read_text(*body, "code"));
                if (code == s.auth_codes.end() || code->second < now()) return oauth_error("Authorization code has expired");
                s.auth_codes.erase(code);
                ++s.installs;
                s.installed = true;
            } else if (grant == "refresh_token") {
                auto refresh = s.refresh_tokens.find(wire::read_text(*body, "refresh_token"));
                if (refresh == s.refresh_tokens.end() || !refresh->second) return oauth_error("Token has been revoked");
                refresh->second = false;   // single use
                ++s.refreshes;
            } else {
                return kommo_problem(400, "Bad Request", "unsupported grant_type");
            }
            std::string access = "kommo-at-" + random_hex(24), refresh = "kommo-rt-" + random_hex(24);
            s.access_tokens[access] = now() + 86400;
            s.refresh_tokens[refresh] = true;
            return http::json_response(200, Json{{"token_type", "Bearer"}, {"expires_in", 86400}, {"server_time", now()},
                                                 {"access_token", access}, {"refresh_token", refresh}}.dump());
        });
    });

    // Every API v4 route: rate limit and faults, then a valid, unexpired access token.
    auto add = [this](const char* method, const std::string& pattern, std::function<Response(State&, const Request&)> handler) {
        m_router.add(method, kommo_prefix + "/api/v4" + pattern, [this, handler](const Request& request) {
            return guarded("kommo", request, [&](State& s) {
                std::string header = request.header("authorization");
                auto token = header.rfind("Bearer ", 0) == 0 ? s.access_tokens.find(header.substr(7)) : s.access_tokens.end();
                if (token == s.access_tokens.end() || token->second < now())
                    return kommo_problem(401, "Unauthorized", "Token has expired or is invalid");
                return handler(s, request);
            });
        });
    };
    auto self_link = [this](const std::string& path) { return Json{{"self", Json{{"href", m_public_url + kommo_prefix + path}}}}; };

    // [SECTION] account, users, pipelines ------------------------------------------------------------------------
    add("GET", "/account", [](State& s, const Request& request) {
        Json account = s.account;
        if (request.query_value("with").find("datetime_settings") != std::string::npos)
            account["_embedded"] = Json{{"datetime_settings", s.datetime_settings}};
        return kommo_json(200, account);
    });
    add("GET", "/users", [self_link](State& s, const Request&) {
        return kommo_json(200, Json{{"_total_items", s.users.size()}, {"_page", 1}, {"_links", self_link("/api/v4/users")},
                                    {"_embedded", Json{{"users", s.users}}}});
    });
    add("GET", "/leads/pipelines", [self_link](State& s, const Request&) {
        return kommo_json(200, Json{{"_total_items", s.pipelines.size()}, {"_links", self_link("/api/v4/leads/pipelines")},
                                    {"_embedded", Json{{"pipelines", s.pipelines}}}});
    });

    // [SECTION] custom fields -------------------------------------------------------------------------------------
    for (auto [entity, member] : {std::pair{"leads", &State::lead_fields}, {"contacts", &State::contact_fields},
                                  {"companies", &State::company_fields}}) {
        add("GET", std::string("/") + entity + "/custom_fields", [member, self_link, entity](State& s, const Request& request) {
            int64_t page = wire::int_from(Json(request.query_value("page")), "").value_or(1);
            if (page > 1) return Response{204, "", "", {}};
            return kommo_json(200, Json{{"_total_items", (s.*member).size()}, {"_page", 1},
                                        {"_links", self_link(std::string("/api/v4/") + entity + "/custom_fields")},
                                        {"_embedded", Json{{"custom_fields", s.*member}}}});
        });
        add("POST", std::string("/") + entity + "/custom_fields", [member](State& s, const Request& request) {
            auto body = wire::parse_json(request.body);
            if (!body || !body->is_array() || body->empty()) return validation_error("0", "expected a non-empty array", "InvalidType");
            Json created = Json::array();
            for (const auto& item : *body) {
                auto field = new_field(s, item);
                if (!field) return validation_error("0.type", "unsupported field type", "InvalidType");
                (s.*member).push_back(*field);
                created.push_back(*field);
            }
            return kommo_json(200, Json{{"_total_items", created.size()}, {"_embedded", Json{{"custom_fields", created}}}});
        });
        // Control: an administrator adds a field in Kommo's own settings (a list with its options, say).
        m_router.add("POST", std::string("/__sandbox/kommo/") + entity + "/custom_fields", [this, member](const Request& request) {
            auto body = wire::parse_json(request.body);
            std::lock_guard lock(m_state->mutex);
            auto field = body ? new_field(*m_state, *body) : std::nullopt;
            if (!field) return http::json_response(400, R"({"error":"expected {name, type, enums?}"})");
            ((*m_state).*member).push_back(*field);
            return http::json_response(201, field->dump());
        });
    }

    // [SECTION] leads ---------------------------------------------------------------------------------------------
    // Tags as Kommo takes them (`_embedded.tags`: [{name} or {id}]) and keeps them on the entity ({id, name, color}).
    auto take_tags = [](State& s, Json& entity, const Json& item) {
        const Json* embedded = wire::member(item, "_embedded");
        const Json* tags = embedded ? wire::member(*embedded, "tags") : nullptr;
        if (!tags || !tags->is_array()) return;
        Json kept = Json::array();
        for (const auto& tag : *tags) {
            std::string name = wire::read_text(tag, "name");
            if (name.empty())
                for (const auto& [known, id] : s.tag_ids)
                    if (Json(id) == tag.value("id", Json())) name = known;
            if (name.empty()) continue;
            auto [it, added] = s.tag_ids.emplace(name, static_cast<int64_t>(s.tag_ids.size()) + 5001);
            kept.push_back(Json{{"id", it->second}, {"name", name}, {"color", Json()}});
        }
        entity["_embedded"]["tags"] = kept;
    };
    auto stored = [](const Json& entity, const char* what) {
        const Json* embedded = wire::member(entity, "_embedded");
        const Json* list = embedded ? wire::member(*embedded, what) : nullptr;
        return list && list->is_array() ? *list : Json::array();
    };
    auto lead_view = [self_link, stored](State& s, const Json& lead, bool with_contacts) {
        Json out = lead;
        out["_links"] = self_link("/api/v4/leads/" + std::to_string(lead["id"].get<int64_t>()));
        Json embedded{{"tags", stored(lead, "tags")}, {"companies", stored(lead, "companies")}};
        if (with_contacts) {
            Json contacts = Json::array();
            for (auto [contact, is_main] : s.lead_contacts[lead["id"].get<int64_t>()])
                contacts.push_back(Json{{"id", contact}, {"is_main", is_main}, {"_links", self_link("/api/v4/contacts/" + std::to_string(contact))}});
            embedded["contacts"] = contacts;
        }
        out["_embedded"] = embedded;
        return out;
    };

    add("GET", "/leads/:id", [lead_view](State& s, const Request& request) {
        auto it = s.leads.find(id_param(request, "id"));
        if (it == s.leads.end() || it->second["is_deleted"].get<bool>()) return Response{204, "", "", {}};
        return kommo_json(200, lead_view(s, it->second, request.query_value("with").find("contacts") != std::string::npos));
    });

    add("GET", "/leads", [lead_view, self_link](State& s, const Request& request) {
        std::string query = request.query_value("query");
        int64_t limit = std::clamp<int64_t>(wire::int_from(Json(request.query_value("limit")), "").value_or(50), 1, 250);
        int64_t page = std::max<int64_t>(1, wire::int_from(Json(request.query_value("page")), "").value_or(1));
        std::vector<int64_t> wanted = ids_filter(request);
        Json matched = Json::array();
        for (const auto& [id, lead] : s.leads)
            if ((query.empty() || lead.dump().find(query) != std::string::npos) &&
                (wanted.empty() || std::find(wanted.begin(), wanted.end(), id) != wanted.end()))
                matched.push_back(lead_view(s, lead, request.query_value("with").find("contacts") != std::string::npos));
        Json out = Json::array();
        for (int64_t i = (page - 1) * limit; i < static_cast<int64_t>(matched.size()) && i < page * limit; ++i) out.push_back(matched[i]);
        if (out.empty()) return Response{204, "", "", {}};
        return kommo_json(200, Json{{"_page", page}, {"_links", self_link("/api/v4/leads?page=" + std::to_string(page))},
                                    {"_embedded", Json{{"leads", out}}}});
    });

    auto patch_lead = [this, take_tags](State& s, Json& lead, const Json& changes) -> std::optional<Response> {
        for (const char* key : {"name", "price", "status_id", "pipeline_id", "responsible_user_id"})
            if (changes.contains(key)) lead[key] = changes[key];
        take_tags(s, lead, changes);
        if (const Json* fields = wire::member(changes, "custom_fields_values"))
            if (auto refused = apply_custom_fields(lead, *fields, s.lead_fields)) return refused;
        lead["updated_at"] = now();
        return std::nullopt;
    };

    add("PATCH", "/leads/:id", [patch_lead, lead_view](State& s, const Request& request) {
        auto it = s.leads.find(id_param(request, "id"));
        auto body = wire::parse_json(request.body);
        if (it == s.leads.end()) return kommo_problem(404, "Not Found", "lead not found");
        if (!body || !body->is_object()) return validation_error("", "expected an object", "InvalidType");
        Json updated = it->second;
        if (auto refused = patch_lead(s, updated, *body)) return *refused;
        it->second = updated;
        return kommo_json(200, Json{{"id", updated["id"]}, {"updated_at", updated["updated_at"]}});
    });

    add("PATCH", "/leads", [patch_lead](State& s, const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_array()) return validation_error("", "expected an array", "InvalidType");
        std::vector<Json> updated;
        for (const auto& item : *body) {   // all or nothing
            auto it = s.leads.find(wire::read_int_or(item, "id", "", 0).value_or(0));
            if (it == s.leads.end()) return validation_error("id", "lead not found");
            Json copy = it->second;
            if (auto refused = patch_lead(s, copy, item)) return *refused;
            updated.push_back(copy);
        }
        Json out = Json::array();
        for (auto& lead : updated) {
            s.leads[lead["id"].get<int64_t>()] = lead;
            out.push_back(Json{{"id", lead["id"]}, {"updated_at", lead["updated_at"]}});
        }
        return kommo_json(200, Json{{"_embedded", Json{{"leads", out}}}});
    });

    add("POST", "/leads", [this, patch_lead](State& s, const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_array() || body->empty()) return validation_error("", "expected a non-empty array", "InvalidType");
        std::vector<Json> created;
        for (const auto& item : *body) {
            Json lead{{"id", s.next_lead_id + static_cast<int64_t>(created.size())}, {"name", item.value("name", "")}, {"price", 0},
                      {"responsible_user_id", item.value("responsible_user_id", 9001)}, {"group_id", 0},
                      {"status_id", item.value("status_id", 77002)}, {"pipeline_id", item.value("pipeline_id", 7700001)},
                      {"loss_reason_id", Json()}, {"created_by", 0}, {"updated_by", 0}, {"created_at", now()},
                      {"updated_at", now()}, {"closed_at", Json()}, {"closest_task_at", Json()}, {"is_deleted", false},
                      {"custom_fields_values", Json()}, {"score", Json()}, {"account_id", s.account["id"]}, {"labor_cost", Json()}};
            if (auto refused = patch_lead(s, lead, item)) return *refused;
            created.push_back(lead);
        }
        Json out = Json::array();
        for (auto& lead : created) {
            int64_t id = lead["id"].get<int64_t>();
            s.leads[id] = lead;
            out.push_back(Json{{"id", id}, {"request_id", std::to_string(out.size())}});
        }
        s.next_lead_id += static_cast<int64_t>(created.size());
        return kommo_json(200, Json{{"_embedded", Json{{"leads", out}}}});
    });

    // Leads, each with one contact and one company, in one request (at most 50), as Kommo's complex add: all or
    // nothing (a refused item leaves nothing made); each answer carries its item's request_id.
    add("POST", "/leads/complex", [this, patch_lead, take_tags](State& s, const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_array() || body->empty()) return validation_error("", "expected a non-empty array", "InvalidType");
        if (body->size() > 50) return validation_error("", "no more than 50 leads per request", "TooMany");
        const int64_t first_lead = s.next_lead_id, first_contact = s.next_contact_id, first_company = s.next_company_id;
        auto undo = [&](Response refused) {
            for (int64_t id = first_lead; id < s.next_lead_id; ++id) s.leads.erase(id), s.lead_contacts.erase(id);
            for (int64_t id = first_contact; id < s.next_contact_id; ++id) s.contacts.erase(id);
            for (int64_t id = first_company; id < s.next_company_id; ++id) s.crm_companies.erase(id);
            s.next_lead_id = first_lead, s.next_contact_id = first_contact, s.next_company_id = first_company;
            return refused;
        };
        Json out = Json::array();
        for (size_t i = 0; i < body->size(); ++i) {
            const Json& item = (*body)[i];
            Json lead{{"id", s.next_lead_id}, {"name", item.value("name", "")}, {"price", item.value("price", 0)},
                      {"responsible_user_id", item.value("responsible_user_id", 9001)}, {"group_id", 0},
                      {"status_id", item.value("status_id", 77002)}, {"pipeline_id", item.value("pipeline_id", 7700001)},
                      {"created_at", now()}, {"updated_at", now()}, {"is_deleted", false}, {"custom_fields_values", Json()},
                      {"account_id", s.account["id"]}};
            if (auto refused = patch_lead(s, lead, item)) return undo(*refused);
            int64_t contact_id = 0;
            const Json* embedded = wire::member(item, "_embedded");
            const Json* contacts = embedded ? wire::member(*embedded, "contacts") : nullptr;
            if (contacts && contacts->is_array() && !contacts->empty()) {
                const Json& c = (*contacts)[0];
                contact_id = wire::read_int_or(c, "id", "", 0).value_or(0);
                if (contact_id == 0) {
                    contact_id = s.next_contact_id++;
                    Json contact{{"id", contact_id}, {"name", c.value("name", "")}, {"first_name", c.value("first_name", "")},
                                 {"last_name", c.value("last_name", "")}, {"created_at", now()}, {"updated_at", now()},
                                 {"is_deleted", false}, {"custom_fields_values", Json()}, {"account_id", s.account["id"]}};
                    if (const Json* fields = wire::member(c, "custom_fields_values"))
                        if (auto refused = apply_custom_fields(contact, *fields, s.contact_fields)) return undo(*refused);
                    take_tags(s, contact, c);
                    s.contacts[contact_id] = contact;
                } else if (!s.contacts.count(contact_id)) {
                    return undo(validation_error(std::to_string(i) + "._embedded.contacts.0.id", "contact not found"));
                }
            }
            int64_t company_id = 0;
            const Json* companies = embedded ? wire::member(*embedded, "companies") : nullptr;
            if (companies && companies->is_array() && !companies->empty()) {
                const Json& c = (*companies)[0];
                company_id = wire::read_int_or(c, "id", "", 0).value_or(0);
                if (company_id != 0 && !s.crm_companies.count(company_id))
                    return undo(validation_error(std::to_string(i) + "._embedded.companies.0.id", "company not found"));
            }
            if (company_id != 0) {
                lead["_embedded"]["companies"] = Json::array({Json{{"id", company_id}}});   // an existing company linked
            } else if (companies && companies->is_array() && !companies->empty()) {
                const Json& c = (*companies)[0];
                if (wire::read_text(c, "name").empty()) return undo(validation_error(std::to_string(i) + "._embedded.companies.0.name", "This value should not be blank.", "NotBlank"));
                company_id = s.next_company_id++;
                Json company{{"id", company_id}, {"name", c["name"]}, {"responsible_user_id", c.value("responsible_user_id", 9001)},
                             {"created_at", now()}, {"updated_at", now()}, {"custom_fields_values", Json()}, {"account_id", s.account["id"]}};
                if (const Json* fields = wire::member(c, "custom_fields_values"))
                    if (auto refused = apply_custom_fields(company, *fields, s.company_fields)) return undo(*refused);
                take_tags(s, company, c);
                s.crm_companies[company_id] = company;
                lead["_embedded"]["companies"] = Json::array({Json{{"id", company_id}}});
            }
            int64_t id = s.next_lead_id++;
            s.leads[id] = lead;
            if (contact_id) s.lead_contacts[id] = {{contact_id, true}};
            out.push_back(Json{{"id", id}, {"contact_id", contact_id ? Json(contact_id) : Json()}, {"company_id", company_id ? Json(company_id) : Json()},
                               {"request_id", Json::array({item.contains("request_id") ? item["request_id"] : Json(std::to_string(i))})},
                               {"merged", false}});
        }
        return kommo_json(200, out);
    });

    // Control: the widget's trigger saved in a pipeline's Digital Pipeline for one stage ({pipeline_id, status_id,
    // settings}: what the trigger's fields hold), replacing the stage's earlier one.
    m_router.add("POST", "/__sandbox/kommo/dp/triggers", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object() || !body->contains("status_id") || !body->contains("settings") || !(*body)["settings"].is_object() ||
            !(*body)["status_id"].is_number_integer() || !body->value("pipeline_id", Json(0)).is_number_integer())
            return http::json_response(400, R"({"error":"expected {pipeline_id, status_id, settings}"})");
        std::lock_guard lock(m_state->mutex);
        auto& triggers = m_state->dp_triggers;
        int64_t pipeline = body->value("pipeline_id", int64_t{0}), status = (*body)["status_id"].get<int64_t>();
        std::erase_if(triggers, [&](const Json& t) { return t.at("status_id") == status && t.at("pipeline_id") == pipeline; });
        triggers.push_back(Json{{"pipeline_id", pipeline}, {"status_id", status}, {"settings", (*body)["settings"]}});
        return http::json_response(200, R"({"saved":true})");
    });

    // Control: a manager drags a lead into another stage ({status_id, pipeline_id}); a Digital Pipeline trigger of
    // the widget on that stage fires: Kommo posts it, form-encoded, to manifest.json's dp.webhook_url (this relay's).
    m_router.add("POST", "/__sandbox/kommo/leads/:id/move", [this](const Request& request) {
        int64_t id = std::strtoll(request.param("id").c_str(), nullptr, 10);
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object() || !body->contains("status_id")) return http::json_response(400, R"({"error":"expected {status_id}"})");
        std::lock_guard lock(m_state->mutex);
        State& s = *m_state;
        auto lead = s.leads.find(id);
        if (lead == s.leads.end()) return http::json_response(404, R"({"error":"no such lead"})");
        int64_t status = wire::read_int_or(*body, "status_id", "", 0).value_or(0);
        int64_t pipeline = wire::read_int_or(*body, "pipeline_id", "", lead->second["pipeline_id"].get<int64_t>()).value_or(0);
        if (status <= 0 || pipeline <= 0) return http::json_response(400, R"({"error":"status_id and pipeline_id are positive numbers"})");
        lead->second["status_id"] = status;
        lead->second["pipeline_id"] = pipeline;
        lead->second["updated_at"] = now();
        int fired = 0;
        for (const auto& t : s.dp_triggers) {
            if (t["status_id"].get<int64_t>() != status || (t["pipeline_id"].get<int64_t>() != 0 && t["pipeline_id"].get<int64_t>() != pipeline)) continue;
            std::string form = "account_id=" + s.account["id"].dump() + "&subdomain=" + http::url_encode(s.account["subdomain"].get<std::string>()) +
                               "&event[type]=14&event[type_code]=lead_status_changed&event[data][id]=" + std::to_string(id) +
                               "&event[data][element_type]=2&event[data][status_id]=" + std::to_string(status) +
                               "&event[data][pipeline_id]=" + std::to_string(pipeline) + "&event[time]=" + std::to_string(now()) +
                               "&action[code]=kommo_altegio";
            for (const auto& [name, value] : t["settings"].items())
                form += "&action[settings][widget][settings][" + name + "]=" + http::url_encode(value.is_string() ? value.get<std::string>() : value.dump());
            s.outbox.emplace_back(m_config.relay_url + "/hooks/kommo-dp", form);
            ++fired;
        }
        if (fired) s.outbox_ready.notify_one();
        return http::json_response(200, Json{{"moved", true}, {"triggers_fired", fired}}.dump());
    });

    // Control: a manager adds a deal by hand, with a new contact ({name, contact: {name, email, phone}}).
    m_router.add("POST", "/__sandbox/kommo/leads", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object() || wire::read_text(*body, "name").empty())
            return http::json_response(400, R"({"error":"expected {name, contact: {name, email, phone}}"})");
        std::lock_guard lock(m_state->mutex);
        State& s = *m_state;
        const Json person = body->value("contact", Json::object());
        int64_t contact_id = s.next_contact_id++;
        Json fields = Json::array();
        for (auto [code, key] : {std::pair{"PHONE", "phone"}, {"EMAIL", "email"}})
            if (std::string value = wire::read_text(person, key); !value.empty())
                fields.push_back(Json{{"field_code", code}, {"values", Json::array({Json{{"value", value}, {"enum_code", "WORK"}}})}});
        Json contact{{"id", contact_id}, {"name", person.value("name", "")}, {"responsible_user_id", 9001}, {"created_at", now()},
                     {"updated_at", now()}, {"is_deleted", false}, {"custom_fields_values", Json()}, {"account_id", s.account["id"]}};
        if (!fields.empty()) (void)apply_custom_fields(contact, fields, s.contact_fields);
        s.contacts[contact_id] = contact;
        int64_t id = s.next_lead_id++;
        s.leads[id] = Json{{"id", id}, {"name", (*body)["name"]}, {"price", 0}, {"responsible_user_id", 9001}, {"group_id", 0},
                           {"status_id", 77002}, {"pipeline_id", 7700001}, {"created_at", now()}, {"updated_at", now()},
                           {"is_deleted", false}, {"custom_fields_values", Json()}, {"account_id", s.account["id"]}};
        s.lead_contacts[id] = {{contact_id, true}};
        return http::json_response(201, Json{{"id", id}, {"contact_id", contact_id}}.dump());
    });

    add("POST", "/leads/:id/link", [](State& s, const Request& request) {
        int64_t lead = id_param(request, "id");
        auto body = wire::parse_json(request.body);
        if (!s.leads.count(lead)) return kommo_problem(404, "Not Found", "lead not found");
        if (!body || !body->is_array()) return validation_error("", "expected an array", "InvalidType");
        for (const auto& link : *body) {
            int64_t contact = wire::read_int_or(link, "to_entity_id", "", 0).value_or(0);
            if (wire::read_text(link, "to_entity_type") != "contacts" || !s.contacts.count(contact))
                return validation_error("to_entity_id", "contact not found");
            bool is_main = link.contains("metadata") && wire::read_flag(link["metadata"], "is_main");
            auto& links = s.lead_contacts[lead];
            std::erase_if(links, [&](const auto& l) { return l.first == contact; });
            links.emplace_back(contact, is_main);
        }
        return kommo_json(200, Json{{"_embedded", Json{{"links", *body}}}});
    });

    // [SECTION] contacts ---------------------------------------------------------------------------------------
    add("GET", "/contacts/:id", [self_link, stored](State& s, const Request& request) {
        auto it = s.contacts.find(id_param(request, "id"));
        if (it == s.contacts.end()) return Response{204, "", "", {}};
        Json out = it->second;
        out["_links"] = self_link("/api/v4/contacts/" + std::to_string(it->first));
        out["_embedded"] = Json{{"tags", stored(it->second, "tags")}, {"companies", Json::array()}};
        return kommo_json(200, out);
    });

    // A page of contacts: `query` (full text over every filled field, as Kommo does), `filter[id][]`,
    // `filter[updated_at][from]` (unix seconds, inclusive), `order[updated_at]=asc` (else by id), `limit` up to 250
    // (more is refused), `page`; `_links.next` while more pages follow.
    add("GET", "/contacts", [self_link, stored](State& s, const Request& request) {
        std::string query = request.query_value("query");
        bool with_leads = request.query_value("with").find("leads") != std::string::npos;
        int64_t limit = wire::int_from(Json(request.query_value("limit")), "").value_or(50);
        if (limit < 1 || limit > 250) return validation_error("limit", "limit must be between 1 and 250", "InvalidType");
        int64_t page = std::max<int64_t>(1, wire::int_from(Json(request.query_value("page")), "").value_or(1));
        int64_t changed_from = s.contacts_unfiltered_by_change ? 0 : wire::int_from(Json(request.query_value("filter[updated_at][from]")), "").value_or(0);
        std::vector<int64_t> wanted = ids_filter(request);
        std::vector<const Json*> matched;
        for (const auto& [id, contact] : s.contacts) {
            if (!query.empty() && contact.dump().find(query) == std::string::npos && !phone_digits_match(contact, query)) continue;
            if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), id) == wanted.end()) continue;
            if (changed_from > 0 && contact.value("updated_at", int64_t{0}) < changed_from) continue;
            matched.push_back(&contact);
        }
        if (request.query_value("order[updated_at]") == "asc")
            std::stable_sort(matched.begin(), matched.end(), [](const Json* a, const Json* b) {
                return a->value("updated_at", int64_t{0}) < b->value("updated_at", int64_t{0});
            });
        Json out = Json::array();
        for (int64_t i = (page - 1) * limit; i < static_cast<int64_t>(matched.size()) && i < page * limit; ++i) {
            const Json& contact = *matched[static_cast<size_t>(i)];
            int64_t id = contact["id"].get<int64_t>();
            Json view = contact;
            if (with_leads) {
                Json leads = Json::array();
                for (const auto& [lead, links] : s.lead_contacts)
                    for (const auto& link : links)
                        if (link.first == id && s.leads.count(lead)) leads.push_back(Json{{"id", lead}});
                view["_embedded"] = Json{{"leads", leads}, {"tags", stored(contact, "tags")}};
            }
            out.push_back(view);
        }
        if (out.empty()) return Response{204, "", "", {}};
        Json links = self_link("/api/v4/contacts?page=" + std::to_string(page));
        if (page * limit < static_cast<int64_t>(matched.size())) links["next"] = Json{{"href", "/api/v4/contacts?page=" + std::to_string(page + 1)}};
        return kommo_json(200, Json{{"_page", page}, {"_links", links}, {"_embedded", Json{{"contacts", out}}}});
    });

    add("POST", "/contacts", [this, take_tags](State& s, const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_array() || body->empty()) return validation_error("", "expected a non-empty array", "InvalidType");
        Json out = Json::array();
        for (const auto& item : *body) {
            int64_t id = s.next_contact_id++;
            Json contact{{"id", id}, {"name", item.value("name", "")}, {"first_name", item.value("first_name", "")},
                         {"last_name", item.value("last_name", "")}, {"responsible_user_id", item.value("responsible_user_id", 9001)},
                         {"created_at", now()}, {"updated_at", now()}, {"is_deleted", false}, {"custom_fields_values", Json()},
                         {"account_id", s.account["id"]}};
            if (const Json* fields = wire::member(item, "custom_fields_values"))
                if (auto refused = apply_custom_fields(contact, *fields, s.contact_fields)) return *refused;
            take_tags(s, contact, item);
            s.contacts[id] = contact;
            out.push_back(Json{{"id", id}, {"request_id", std::to_string(out.size())}});
        }
        return kommo_json(200, Json{{"_embedded", Json{{"contacts", out}}}});
    });

    // Companies: found by a full-text query, made with a name, tags and fields, and their fields changed; what lead
    // tracking needs of them.
    add("GET", "/companies", [self_link](State& s, const Request& request) {
        const std::string query = domain::fold_case(request.query_value("query"));   // Kommo's search ignores case
        Json out = Json::array();
        for (const auto& [id, company] : s.crm_companies)
            if (query.empty() || domain::fold_case(company.dump()).find(query) != std::string::npos) out.push_back(company);
        if (out.empty()) return Response{204, "", "", {}};
        return kommo_json(200, Json{{"_page", 1}, {"_links", self_link("/api/v4/companies")}, {"_embedded", Json{{"companies", out}}}});
    });

    add("POST", "/companies", [this, take_tags](State& s, const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_array() || body->empty()) return validation_error("", "expected a non-empty array", "InvalidType");
        for (size_t i = 0; i < body->size(); ++i)
            if (wire::read_text((*body)[i], "name").empty()) return validation_error(std::to_string(i) + ".name", "This value should not be blank.", "NotBlank");
        Json out = Json::array();
        for (const auto& item : *body) {
            int64_t id = s.next_company_id++;
            Json company{{"id", id}, {"name", item["name"]}, {"responsible_user_id", item.value("responsible_user_id", 9001)},
                         {"created_at", now()}, {"updated_at", now()}, {"custom_fields_values", Json()}, {"account_id", s.account["id"]}};
            if (const Json* fields = wire::member(item, "custom_fields_values"))
                if (auto refused = apply_custom_fields(company, *fields, s.company_fields)) return *refused;
            take_tags(s, company, item);
            s.crm_companies[id] = company;
            out.push_back(Json{{"id", id}, {"request_id", std::to_string(out.size())}});
        }
        return kommo_json(200, Json{{"_embedded", Json{{"companies", out}}}});
    });

    add("PATCH", "/companies", [this](State& s, const Request& request) {
        return patch_entities(request, now(), s.crm_companies, s.company_fields, "companies", {"name"});
    });

    add("PATCH", "/contacts", [this](State& s, const Request& request) {
        return patch_entities(request, now(), s.contacts, s.contact_fields, "contacts", {"name", "first_name", "last_name", "responsible_user_id"});
    });

    // [SECTION] tasks and notes ------------------------------------------------------------------------------------
    add("POST", "/tasks", [this](State& s, const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_array() || body->empty()) return validation_error("", "expected a non-empty array", "InvalidType");
        if (body->size() > 50) return validation_error("", "no more than 50 tasks per request", "TooMany");
        for (size_t i = 0; i < body->size(); ++i)   // all or nothing
            if (wire::read_text((*body)[i], "text").empty() || !(*body)[i].contains("complete_till"))
                return validation_error(std::to_string(i) + ".complete_till", "text and complete_till are required", "NotBlank");
        Json out = Json::array();
        for (const auto& item : *body) {
            Json task = item;
            task["id"] = s.next_task_id++;
            task["is_completed"] = false;
            task["created_at"] = now();
            s.tasks.push_back(task);
            out.push_back(Json{{"id", task["id"]}, {"request_id", std::to_string(out.size())}});
        }
        return kommo_json(200, Json{{"_embedded", Json{{"tasks", out}}}});
    });

    // [SECTION] account webhooks (registered, listed; the sandbox does not send them)
    add("POST", "/webhooks", [](State& s, const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object() || wire::read_text(*body, "destination").rfind("http", 0) != 0)
            return validation_error("destination", "a URL is required", "NotBlank");
        Json hook{{"id", static_cast<int64_t>(s.webhooks.size()) + 1}, {"destination", (*body)["destination"]},
                  {"settings", body->value("settings", Json::array())}, {"disabled", false}, {"created_at", 0}};
        std::erase_if(s.webhooks, [&](const Json& h) { return h["destination"] == hook["destination"]; });
        s.webhooks.push_back(hook);
        return kommo_json(201, hook);
    });
    add("GET", "/webhooks", [](State& s, const Request&) {
        if (s.webhooks.empty()) return Response{204, "", "", {}};
        return kommo_json(200, Json{{"_embedded", Json{{"webhooks", s.webhooks}}}});
    });

    // Kommo lists newest last by default; 204 when there is nothing.
    add("GET", "/tasks", [self_link](State& s, const Request& request) {
        std::string type = request.query_value("filter[entity_type]");
        std::string ids = request.query_value("filter[entity_id][]");
        if (ids.empty()) ids = request.query_value("filter[entity_id]");
        Json out = Json::array();
        for (const auto& task : s.tasks) {
            if (!type.empty() && wire::read_text(task, "entity_type") != type) continue;
            if (!ids.empty() && ("," + ids + ",").find("," + std::to_string(wire::read_int_or(task, "entity_id", "", 0).value_or(0)) + ",") ==
                                    std::string::npos)
                continue;
            out.push_back(task);
        }
        if (out.empty()) return Response{204, "", "", {}};
        return kommo_json(200, Json{{"_links", self_link("/api/v4/tasks")}, {"_embedded", Json{{"tasks", out}}}});
    });

    // Notes of a lead or a contact. A call note (call_in / call_out) needs its call's id, duration, source and phone.
    for (std::string entity : {"leads", "contacts"}) {
        auto exists = [entity](const State& s, int64_t id) { return entity == "leads" ? s.leads.count(id) != 0 : s.contacts.count(id) != 0; };
        // Keeps a note sent for one of these entities; its id and entity, as Kommo answers them.
        auto keep_note = [this, entity](State& s, Json note, int64_t entity_id) {
            note["id"] = s.next_note_id++;
            note["entity_id"] = entity_id;
            note["entity_type"] = entity;
            note["created_at"] = now();
            s.notes.push_back(note);
            return Json{{"id", note["id"]}, {"entity_id", entity_id}};
        };
        // Notes of several entities in one request (each item names its entity_id), at most 50; all or nothing.
        add("POST", "/" + entity + "/notes", [exists, keep_note](State& s, const Request& request) {
            auto body = wire::parse_json(request.body);
            if (!body || !body->is_array() || body->empty()) return validation_error("", "expected a non-empty array", "InvalidType");
            if (body->size() > 50) return validation_error("", "no more than 50 notes per request", "TooMany");
            for (size_t i = 0; i < body->size(); ++i) {
                const Json& item = (*body)[i];
                if (!exists(s, wire::read_int_or(item, "entity_id", "", 0).value_or(0)))
                    return validation_error(std::to_string(i) + ".entity_id", "entity not found", "NotFound");
                if (wire::read_text(item, "note_type").empty()) return validation_error(std::to_string(i) + ".note_type", "This value should not be blank.", "NotBlank");
            }
            Json out = Json::array();
            for (const auto& item : *body) {
                Json kept = keep_note(s, item, wire::read_int_or(item, "entity_id", "", 0).value_or(0));
                kept["request_id"] = item.value("request_id", "");
                out.push_back(kept);
            }
            return kommo_json(200, Json{{"_embedded", Json{{"notes", out}}}});
        });
        add("GET", "/" + entity + "/:id/notes", [self_link, entity, exists](State& s, const Request& request) {
            int64_t id = id_param(request, "id");
            if (!exists(s, id)) return kommo_problem(404, "Not Found", entity + " not found");
            Json out = Json::array();
            for (const auto& note : s.notes)
                if (note.value("entity_id", int64_t{0}) == id && note.value("entity_type", std::string()) == entity) out.push_back(note);
            if (out.empty()) return Response{204, "", "", {}};
            return kommo_json(200, Json{{"_links", self_link("/api/v4/" + entity + "/" + std::to_string(id) + "/notes")},
                                        {"_embedded", Json{{"notes", out}}}});
        });
        add("POST", "/" + entity + "/:id/notes", [entity, exists, keep_note](State& s, const Request& request) {
            int64_t id = id_param(request, "id");
            auto body = wire::parse_json(request.body);
            if (!exists(s, id)) return kommo_problem(404, "Not Found", entity + " not found");
            if (!body || !body->is_array() || body->empty()) return validation_error("", "expected a non-empty array", "InvalidType");
            for (size_t i = 0; i < body->size(); ++i) {
                const Json& item = (*body)[i];
                std::string type = wire::read_text(item, "note_type");
                if (type != "call_in" && type != "call_out") continue;
                const Json* params = wire::member(item, "params");
                std::string at = std::to_string(i) + ".params.";
                if (!params || wire::read_text(*params, "uniq").empty()) return validation_error(at + "uniq", "This value should not be blank.", "NotBlank");
                if (const Json* d = wire::member(*params, "duration"); !d || !d->is_number_integer()) return validation_error(at + "duration", "This value should be of type int.", "InvalidType");
                for (const char* member : {"source", "phone"})
                    if (wire::read_text(*params, member).empty()) return validation_error(at + member, "This value should not be blank.", "NotBlank");
            }
            Json out = Json::array();
            for (const auto& item : *body) out.push_back(keep_note(s, item, id));
            return kommo_json(200, Json{{"_embedded", Json{{"notes", out}}}});
        });
    }
}

}  // namespace kb::sandbox
