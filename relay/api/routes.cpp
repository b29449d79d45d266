#include "relay/api/routes.hpp"

#include <mutex>
#include <spdlog/spdlog.h>
#include "relay/api/error_status.hpp"
#include "relay/api/handlers.hpp"
#include "relay/crypto/jwt.hpp"
#include "relay/http/html_page.hpp"
#include "relay/i18n/kommo_texts.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::api {

using http::Request;
using http::Response;
using wire::Json;

namespace {

// A save's reply: 200 when saved, 422 with every problem when the document was refused.
Response saved_reply(const Result<wire::api::SaveReply>& result) {
    if (!result) return error_response(result.error());
    return http::json_response(result->problems.empty() ? 200 : 422, wire::api::encode(*result).dump());
}

Result<int64_t> positive_id(const std::string& text, const char* what) {
    auto value = wire::int_from(Json(text), what);
    if (!value || *value <= 0) return fail(Errc::bad_input, "ui.error.bad_request", std::string(what) + " must be a positive number");
    return value;
}

Result<std::vector<int64_t>> id_list(const std::string& text) {
    std::vector<int64_t> ids;
    size_t start = 0;
    while (start < text.size()) {
        size_t comma = text.find(',', start);
        auto id = positive_id(text.substr(start, comma - start), "service_ids");
        if (!id) return tl::unexpected(id.error());
        ids.push_back(*id);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return ids;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + 1) out.push_back(text.substr(start, at - start));
    out.push_back(text.substr(start));
    return out;
}

// {"base_revision": n}: the settings revision the admin's page was showing.
Result<int64_t> base_revision_of(const Request& request) {
    auto body = wire::parse_json(request.body);
    if (!body || !body->is_object()) return fail(Errc::bad_input, "ui.error.bad_request", "expected a JSON object");
    return wire::read_int(*body, "base_revision", "body");
}


}  // namespace

void add_routes(http::Router& router, RouteDeps deps) {
    // 200 while the database can be read and written, else 503 (the reason goes to the log only). Asked of the
    // database at most once a second, however often load balancers and probes call.
    struct HealthProbe {
        std::mutex mutex;
        int64_t checked_at = 0;
        bool healthy = false;
    };
    router.add("GET", "/healthz", [deps, probe = std::make_shared<HealthProbe>()](const Request&) {
        std::lock_guard lock(probe->mutex);
        if (int64_t now = deps.clock.seconds(); now != probe->checked_at) {
            auto checked = deps.store.check_health();
            if (!checked) spdlog::error("health check: the database does not answer: {}", checked.error().detail);
            probe->healthy = checked.has_value();
            probe->checked_at = now;
        }
        if (!probe->healthy) return http::json_response(503, R"({"status":"unavailable","database":"unavailable"})");
        return http::json_response(200, R"({"status":"ok","database":"ok"})");
    });
    // Prometheus text: the inbox by state and its oldest waiting event, outgoing requests, rate-limit waits.
    router.add("GET", "/metrics", [deps](const Request&) {
        auto counts = deps.store.inbox_counts();
        if (!counts) return error_response(counts.error());
        return http::text_response(200, deps.metrics.render(*counts, deps.clock.ms()), "text/plain; version=0.0.4");
    });

    // Kommo's redirect after an administrator installs the widget: a page in the administrator's language.
    router.add("GET", "/oauth/kommo", [deps](const Request& request) {
        std::string language = http::page_language(request);
        auto text = [&language](const std::string& key, std::map<std::string, std::string> params = {}) {
            return http::escape_html(i18n::render(domain::Message{key, std::move(params)}, language));
        };
        std::string title = i18n::render(domain::Message{"install.page.title", {}}, language);
        auto outcome = deps.installation.complete_oauth(request.query_value("code"), request.query_value("referer"),
                                                        request.query_value("state"));
        if (!outcome) {
            spdlog::warn("install refused: {}", outcome.error().detail);
            return http::html_page(http_status_for(outcome.error().code), language, title,
                                   {http::html_paragraph(text("install.page.failed"), true),
                                    http::html_paragraph(text(outcome.error().message_key), true)});
        }
        return http::html_page(200, language, title,
                               {http::html_paragraph(text("install.page.installed", {{"account", outcome->subdomain}})),
                                http::html_paragraph(text("install.page.next"))});
    });

    // The relay's own install button: Kommo's consent page, with a state the redirect above must bring back.
    router.add("GET", "/oauth/kommo/start", [deps](const Request&) {
        http::Response response = http::text_response(302, "");
        response.headers["Location"] = deps.installation.start_url();
        response.headers["Cache-Control"] = "no-store";
        return response;
    });

    router.add("GET", "/oauth/kommo/revoked", [deps](const Request& request) {
        auto removed = deps.installation.uninstall(request.query_value("account_id"), request.query_value("client_uuid"),
                                                   request.query_value("signature"));
        if (!removed) return error_response(removed.error());
        return http::json_response(200, Json{{"uninstalled", *removed}}.dump());
    });

    router.add("POST", "/api/v1/altegio/connect", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object()) return error_response(Error{Errc::bad_input, "ui.error.bad_request", "expected a JSON object"});
        auto branches = deps.installation.connect_altegio(caller, wire::read_text(*body, "login"), wire::read_text(*body, "password"));
        if (!branches) return error_response(branches.error());
        return http::json_response(200, wire::api::encode(wire::api::CardContext{0, "", {}, *branches}).dump());
    }));

    // For Kommo's settings modal: whether the account is installed and connected, and what waits for a repeat. A valid
    // Kommo token of an account that has not installed the integration (yet, or any more) is an answer, not an error.
    router.add("GET", "/api/v1/status", [deps](const Request& request) {
        auto caller = authenticate(request, deps.auth);
        if (!caller && caller.error().message_key == "ui.error.not_installed")
            return http::json_response(200, Json{{"installed", false}}.dump());
        if (!caller) return error_response(caller.error());
        auto status = deps.installation.status(*caller);
        if (!status) return error_response(status.error());
        return http::json_response(200, Json{{"installed", status->installed}, {"altegio_connected", status->altegio_connected},
                                             {"connected_branches", status->connected_branches}, {"failed_events", status->failed_events},
                                             {"settings_revision", status->settings_revision}, {"is_admin", caller->is_admin}}.dump());
    });

    router.add("GET", "/api/v1/card", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto lead_id = positive_id(request.query_value("lead_id"), "lead_id");
        if (!lead_id) return error_response(lead_id.error());
        return reply(deps.booking.card(caller, *lead_id));
    }));

    router.add("GET", "/api/v1/branches/:company/services", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto company = positive_id(request.param("company"), "branch");
        if (!company) return error_response(company.error());
        return reply(deps.booking.catalog(caller, *company));
    }));

    router.add("GET", "/api/v1/branches/:company/staff", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto company = positive_id(request.param("company"), "branch");
        auto services = id_list(request.query_value("service_ids"));
        if (!company) return error_response(company.error());
        if (!services) return error_response(services.error());
        return reply(deps.booking.staff(caller, *company, *services));
    }));

    router.add("GET", "/api/v1/branches/:company/dates", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto company = positive_id(request.param("company"), "branch");
        auto services = id_list(request.query_value("service_ids"));
        auto staff = wire::int_from(Json(request.query_value("staff_id")), "staff_id");
        if (!company) return error_response(company.error());
        if (!services) return error_response(services.error());
        return reply(deps.booking.dates(caller, *company, staff.value_or(0), *services));
    }));

    router.add("GET", "/api/v1/branches/:company/times", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto company = positive_id(request.param("company"), "branch");
        auto services = id_list(request.query_value("service_ids"));
        auto staff = wire::int_from(Json(request.query_value("staff_id")), "staff_id");
        std::string date = request.query_value("date");
        if (!company) return error_response(company.error());
        if (!services) return error_response(services.error());
        if (date.size() != 10) return error_response(Error{Errc::bad_input, "ui.error.need_date", "date must be YYYY-MM-DD"});
        return reply(deps.booking.times(caller, *company, staff.value_or(0), date, *services));
    }));

    router.add("GET", "/api/v1/branches/:company/events", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto company = positive_id(request.param("company"), "branch");
        if (!company) return error_response(company.error());
        return reply(deps.booking.events(caller, *company, request.query_value("date")));
    }));

    router.add("GET", "/api/v1/branches/:company/schedule", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto company = positive_id(request.param("company"), "branch");
        auto services = id_list(request.query_value("service_ids"));
        auto staff = id_list(request.query_value("staff_ids"));
        if (!company) return error_response(company.error());
        if (!services) return error_response(services.error());
        if (!staff) return error_response(staff.error());
        return reply(deps.booking.schedule(caller, *company, request.query_value("date"), *services, *staff));
    }));

    router.add("POST", "/api/v1/records", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto body = wire::parse_json(request.body);
        if (!body) return error_response(Error{Errc::bad_input, "ui.error.bad_request", "body is not JSON"});
        auto booking = wire::api::decode_booking_request(*body);
        if (!booking) return error_response(booking.error());
        return reply(deps.booking.book(caller, *booking));
    }));

    // The lead of a record booked from the pipeline's records window: found, or made for the client.
    router.add("GET", "/api/v1/leads", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        return reply(deps.booking.find_leads(caller, request.query_value("query")));
    }));
    router.add("POST", "/api/v1/leads", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto body = wire::parse_json(request.body);
        if (!body) return error_response(Error{Errc::bad_input, "ui.error.bad_request", "body is not JSON"});
        auto lead = wire::api::decode_new_lead_request(*body);
        if (!lead) return error_response(lead.error());
        return reply(deps.booking.new_lead(caller, *lead));
    }));

    // [SECTION] the record log and the client summary in the lead card
    router.add("GET", "/api/v1/leads/:lead/records", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto lead = positive_id(request.param("lead"), "lead");
        if (!lead) return error_response(lead.error());
        return reply(deps.records.lead_records(caller, *lead));
    }));

    router.add("GET", "/api/v1/branches", authorised(deps.auth, [deps](const Request&, const services::Caller& caller) {
        auto branches = deps.records.branches(caller);
        if (!branches) return error_response(branches.error());
        return http::json_response(200, wire::api::encode(wire::api::CardContext{0, "", {}, *branches}).dump());
    }));

    router.add("GET", "/api/v1/places", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto shown = deps.records.log_shown_in(caller, wire::int_from(Json(request.query_value("pipeline_id")), "pipeline_id").value_or(0));
        if (!shown) return error_response(shown.error());
        return http::json_response(200, Json{{"log_shown", *shown}}.dump());
    }));

    router.add("GET", "/api/v1/records", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto number = [&](const char* name) { return wire::int_from(Json(request.query_value(name)), name).value_or(0); };
        return reply(deps.records.account_records(caller, request.query_value("from"), request.query_value("to"), number("company_id"),
                                                  number("staff_id")));
    }));

    router.add("PUT", "/api/v1/branches/:company/records/:record", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto company = positive_id(request.param("company"), "branch");
        auto record = positive_id(request.param("record"), "record");
        auto body = wire::parse_json(request.body);
        if (!company) return error_response(company.error());
        if (!record) return error_response(record.error());
        if (!body) return error_response(Error{Errc::bad_input, "ui.error.bad_request", "body is not JSON"});
        auto change = wire::api::decode_record_change(*body);
        if (!change) return error_response(change.error());
        return reply(deps.records.edit_record(caller, *company, *record, *change));
    }));

    router.add("POST", "/api/v1/branches/:company/records/:record/status",
               authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto company = positive_id(request.param("company"), "branch");
        auto record = positive_id(request.param("record"), "record");
        auto body = wire::parse_json(request.body);
        if (!company) return error_response(company.error());
        if (!record) return error_response(record.error());
        if (!body || !body->is_object()) return error_response(Error{Errc::bad_input, "ui.error.bad_request", "expected a JSON object"});
        return reply(deps.records.change_status(caller, *company, *record, wire::read_text(*body, "action")));
    }));

    router.add("GET", "/api/v1/leads/:lead/client", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto lead = positive_id(request.param("lead"), "lead");
        if (!lead) return error_response(lead.error());
        return reply(deps.records.client_summary(caller, *lead));
    }));

    // [SECTION] the settings page (account administrators only)
    router.add("GET", "/api/v1/settings", authorised(deps.auth, [deps](const Request&, const services::Caller& caller) {
        return reply(deps.settings.page(caller));
    }));

    router.add("PUT", "/api/v1/settings", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto body = wire::parse_json(request.body);
        if (!body) return error_response(body.error());
        auto save = wire::api::decode_settings_save(*body);
        if (!save) return error_response(save.error());
        return saved_reply(deps.settings.save(caller, *save));
    }));

    router.add("GET", "/api/v1/settings/dp", authorised(deps.auth, [deps](const Request&, const services::Caller& caller) {
        auto key = deps.settings.dp_intake_key(caller);
        if (!key) return error_response(key.error());
        return http::json_response(200, wire::Json{{"intake_key", *key}}.dump());
    }));

    router.add("GET", "/api/v1/settings/versions", authorised(deps.auth, [deps](const Request&, const services::Caller& caller) {
        return reply(deps.settings.versions(caller));
    }));

    router.add("POST", "/api/v1/settings/versions/:revision/restore",
               authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto revision = positive_id(request.param("revision"), "revision");
        if (!revision) return error_response(revision.error());
        auto base = base_revision_of(request);
        if (!base) return error_response(base.error());
        return saved_reply(deps.settings.restore(caller, *revision, *base));
    }));

    router.add("GET", "/api/v1/settings/branches/:company", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto company = positive_id(request.param("company"), "company");
        if (!company) return error_response(company.error());
        return reply(deps.settings.branch_choices(caller, *company));
    }));

    router.add("POST", "/api/v1/settings/users/:user/altegio", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto user = positive_id(request.param("user"), "user");
        if (!user) return error_response(user.error());
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object()) return error_response(Error{Errc::bad_input, "ui.error.bad_request", "expected a JSON object"});
        return reply(deps.settings.link_user(caller, *user, wire::read_text(*body, "login"), wire::read_text(*body, "password")));
    }));

    router.add("POST", "/api/v1/settings/fields", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto base = base_revision_of(request);
        if (!base) return error_response(base.error());
        return saved_reply(deps.settings.create_missing_fields(caller, *base));
    }));

    // [SECTION] request history: failed events and "Repeat request" (account administrators only)
    router.add("GET", "/api/v1/history/failed", authorised(deps.auth, [deps](const Request&, const services::Caller& caller) {
        if (!caller.is_admin) return error_response(Error{Errc::forbidden, "ui.error.admin_only", "history is for administrators"});
        auto failed = deps.store.failed_inbox_events(caller.account_id, 500);
        if (!failed) return error_response(failed.error());
        wire::Json events = wire::Json::array();
        for (const auto& f : *failed)
            events.push_back(wire::Json{{"id", f.event.id}, {"received_at_ms", f.event.received_at_ms}, {"source", f.event.source},
                                        {"company_id", f.event.company_id}, {"resource", f.event.resource},
                                        {"resource_id", f.event.resource_id}, {"event_type", f.event.event_type},
                                        {"attempts", f.event.attempts}, {"last_error", f.last_error}});
        return http::json_response(200, wire::Json{{"events", events}}.dump());
    }));

    router.add("POST", "/api/v1/history/failed/:id/repeat", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto id = positive_id(request.param("id"), "id");
        if (!id) return error_response(id.error());
        auto wait = wire::int_from(Json(request.query_value("wait_ms")), "wait_ms").value_or(0);
        return reply(deps.history.repeat(caller, *id, wait));
    }));

    router.add("GET", "/api/v1/history", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto from = wire::int_from(Json(request.query_value("from_ms")), "from_ms");
        auto to = wire::int_from(Json(request.query_value("to_ms")), "to_ms");
        if (!from || !to) return error_response(Error{Errc::bad_input, "ui.error.bad_period", "from_ms and to_ms are required"});
        std::vector<std::string> types;
        for (const auto& type : split(request.query_value("types"), ','))
            if (!type.empty()) types.push_back(type);
        auto before = wire::int_from(Json(request.query_value("before_id")), "before_id").value_or(0);
        return reply(deps.history.find(caller, *from, *to, types, before));
    }));

    router.add("GET", "/api/v1/history/:id", authorised(deps.auth, [deps](const Request& request, const services::Caller& caller) {
        auto id = positive_id(request.param("id"), "id");
        if (!id) return error_response(id.error());
        return reply(deps.history.detail(caller, *id));
    }));
}

}  // namespace kb::api
