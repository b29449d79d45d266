// Simulated Altegio API v1 (see ../shared/reference/altegio-api.md): auth, companies, catalogue, staff,
// online-booking free time, book_check, records, webhook settings and the webhooks records send.
#include <algorithm>
#include <optional>
#include <sodium.h>
#include "relay/crypto/hmac.hpp"
#include "sandbox/state.hpp"
#include "shared/domain/calendar.hpp"
#include "shared/domain/text.hpp"

namespace kb::sandbox {
namespace {

// A phone as Altegio keys memberships: digits with the country code, "00" written for "+" dropped.
std::string international_digits(const std::string& phone) {
    std::string digits;
    for (char c : phone)
        if (c >= '0' && c <= '9') digits += c;
    return digits.rfind("00", 0) == 0 ? digits.substr(2) : digits;
}

using http::Request;
using http::Response;

// Standard base64, padded: how the Marketplace encodes user_data.
std::string base64(const std::string& bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.find('\0'));
    return out;
}

const std::string prefix = "/altegio/api/v1";

// [SECTION] authorization ----------------------------------------------------------------------------------
// "Bearer <partner>" for partner calls; "Bearer <partner>, User <user>" for user calls.
std::optional<Response> check_auth(const Request& request, const Sandbox::State& s, const SandboxConfig& config, bool need_user) {
    std::string header = request.header("authorization");
    std::string partner = "Bearer " + config.partner_token;
    if (header.rfind(partner, 0) != 0) return altegio_error(401, "Authentication needed.", 20);
    if (!need_user) return std::nullopt;
    size_t user = header.find(", User ");
    if (user == std::string::npos && header == partner) {   // the partner token alone reaches a location our application is active in
        auto location = s.marketplace_status.find(wire::int_from(Json(request.param("cid")), "cid").value_or(0));
        if (location != s.marketplace_status.end() && location->second == "active") return std::nullopt;
    }
    if (user == std::string::npos || !s.user_tokens.count(header.substr(user + 7)))
        return altegio_error(401, "Authentication needed.");
    return std::nullopt;
}

// The Altegio user a user call is made as (0: a partner-only call).
int64_t user_of(const Request& request, const Sandbox::State& s) {
    std::string header = request.header("authorization");
    size_t user = header.find(", User ");
    if (user == std::string::npos) return 0;
    auto found = s.user_tokens.find(header.substr(user + 7));
    return found == s.user_tokens.end() ? 0 : found->second;
}

int64_t company_of(const Request& request) { return wire::int_from(Json(request.param("cid")), "cid").value_or(0); }

const Json* find_by_id(const Json& list, int64_t id) {
    for (const auto& item : list)
        if (item["id"] == id) return &item;
    return nullptr;
}

std::vector<int64_t> ids_from_query(const std::string& text) {
    std::vector<int64_t> ids;
    size_t start = 0;
    while (start < text.size()) {
        size_t comma = text.find(',', start);
        if (auto id = wire::int_from(Json(text.substr(start, comma - start)), "id")) ids.push_back(*id);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return ids;
}

// [SECTION] schedule arithmetic ------------------------------------------------------------------------------
struct Slots {
    const Sandbox::State& s;
    int64_t company;
    int32_t offset() const { return s.company_offsets.at(company); }

    bool offers(int64_t staff_id, int64_t service_id) const {
        const Json* service = find_by_id(s.services.at(company), service_id);
        if (!service) return false;
        for (const auto& st : (*service)["staff"])
            if (st["id"] == staff_id) return true;
        return false;
    }
    // Seconds the services take with this employee; 0 when one of them is not offered by the employee.
    int64_t length(int64_t staff_id, const std::vector<int64_t>& service_ids) const {
        int64_t total = 0;
        for (int64_t id : service_ids) {
            if (!offers(staff_id, id)) return 0;
            for (const auto& st : (*find_by_id(s.services.at(company), id))["staff"])
                if (st["id"] == staff_id) total += st["seance_length"].get<int64_t>();
        }
        return total;
    }
    bool in_schedule(int64_t staff_id, int64_t start, int64_t end) const {
        auto schedule = s.schedules.find(staff_id);
        if (schedule == s.schedules.end()) return false;
        int64_t local = start + offset();
        int64_t day = local / 86400;
        int64_t from_minute = (local % 86400) / 60;
        int64_t to_minute = from_minute + (end - start + 59) / 60;
        const auto& days = schedule->second.weekdays;
        return std::find(days.begin(), days.end(), domain::weekday_from_days(day)) != days.end() &&
               from_minute >= schedule->second.open_minute && to_minute <= schedule->second.close_minute;
    }
    bool free(int64_t staff_id, int64_t start, int64_t end, int64_t ignore_record = 0) const {
        for (const auto& [id, record] : s.records) {
            if (id == ignore_record || record["deleted"].get<bool>() || record["staff_id"] != staff_id) continue;
            auto when = domain::parse_iso_datetime(record["datetime"].get<std::string>());
            int64_t record_start = domain::to_unix_seconds(*when);
            int64_t record_end = record_start + record["seance_length"].get<int64_t>();
            if (start < record_end && record_start < end) return false;
        }
        return true;
    }
    std::vector<int64_t> staff_for(const std::vector<int64_t>& service_ids) const {
        std::vector<int64_t> out;
        for (const auto& st : s.staff.at(company)) {
            int64_t id = st["id"].get<int64_t>();
            if (service_ids.empty() || length(id, service_ids) > 0) out.push_back(id);
        }
        return out;
    }
    // Free starts on one local day, every 15 minutes, not in the past.
    std::vector<int64_t> starts(int64_t staff_id, int64_t local_day, const std::vector<int64_t>& service_ids, int64_t now) const {
        std::vector<int64_t> out;
        int64_t length_seconds = length(staff_id, service_ids);
        if (length_seconds == 0) return out;
        for (int64_t minute = 0; minute < 24 * 60; minute += 15) {
            int64_t start = local_day * 86400 + minute * 60 - offset();
            if (start <= now) continue;
            if (in_schedule(staff_id, start, start + length_seconds) && free(staff_id, start, start + length_seconds)) out.push_back(start);
        }
        return out;
    }
};

}  // namespace

namespace {

// Seats taken in a group event: its records not cancelled.
int64_t seats_taken(const Sandbox::State& s, int64_t activity_id) {
    int64_t taken = 0;
    for (const auto& [id, r] : s.records)
        if (r.value("activity_id", int64_t{0}) == activity_id && !r["deleted"].get<bool>()) ++taken;
    return taken;
}

// An event's start: its "date" is the branch's wall time.
int64_t activity_start(const Sandbox::State& s, const Json& activity) {
    auto wall = domain::parse_iso_datetime(activity["date"].get<std::string>());
    return domain::to_unix_seconds(*wall) - s.company_offsets.at(activity["company_id"].get<int64_t>());
}

// An event as GET /activity shows it: with records_count, the service and the employee.
Json activity_read_shape(const Sandbox::State& s, const Json& activity) {
    int64_t company = activity["company_id"].get<int64_t>();
    Json out = activity;
    out["records_count"] = seats_taken(s, activity["id"].get<int64_t>());
    out["service"] = Json::object();
    out["staff"] = Json::object();
    for (const auto& sv : s.services.at(company))
        if (sv["id"] == activity["service_id"]) out["service"] = Json{{"id", sv["id"]}, {"title", sv["title"]}};
    for (const auto& st : s.staff.at(company))
        if (st["id"] == activity["staff_id"]) out["staff"] = Json{{"id", st["id"]}, {"name", st["name"]}};
    return out;
}

// A catalogue service as a record lists it, at its lowest price.
Json record_service(const Json& service) {
    int64_t cost = std::stoll(service["price_min"].get<std::string>());
    return Json{{"id", service["id"]}, {"title", service["title"]}, {"cost", cost}, {"cost_to_pay", cost},
                {"manual_cost", cost}, {"first_cost", cost}, {"discount", 0}, {"amount", 1}};
}

// A record body's services as the record lists them, with their ids; an error reply when the employee does not
// offer one or none is given (as POST /records and PUT /record answer).
std::optional<Response> read_record_services(Sandbox::State& s, int64_t company, int64_t staff_id, const Json& items, Json& listed,
                                             std::vector<int64_t>& ids) {
    Slots slots{s, company};
    for (const auto& item : items) {
        int64_t id = wire::read_int_or(item, "id", "", 0).value_or(0);
        const Json* service = find_by_id(s.services[company], id);
        if (!service || !slots.offers(staff_id, id)) return altegio_error(422, "services: not provided by this employee", 438);
        listed.push_back(record_service(*service));
        ids.push_back(id);
    }
    if (listed.empty()) return altegio_error(422, "services: required", 10);
    return std::nullopt;
}

// Additional field values of a record body: the branch's own codes kept (values as sent), others dropped.
Json record_custom_fields_of(const Sandbox::State& s, int64_t company, const Json& body, Json kept = Json::object()) {
    const Json* values = wire::member(body, "custom_fields");
    auto fields = s.record_fields.find(company);
    if (!values || !values->is_object() || fields == s.record_fields.end()) return kept;
    for (const auto& field : fields->second) {
        std::string code = field["custom_field"]["code"].get<std::string>();
        if (values->contains(code)) kept[code] = (*values)[code];
    }
    return kept;
}

// Written as ids (text or numbers), read back as the label objects; unknown ids are dropped, as Altegio does.
Json record_labels_of(const Sandbox::State& s, int64_t company, const Json& body) {
    Json out = Json::array();
    const Json* ids = wire::member(body, "record_labels");
    auto labels = s.labels.find(company);
    if (!ids || !ids->is_array() || labels == s.labels.end()) return out;
    for (const auto& id : *ids)
        for (const auto& l : labels->second)
            if (wire::int_from(id, "").value_or(0) == l["id"].get<int64_t>() && l["entity"] == 2 && !l["deleted"].get<bool>())
                out.push_back(Json{{"id", l["id"]}, {"title", l["title"]}, {"color", l["color"]}, {"icon", ""}, {"font_color", "#ffffff"}});
    return out;
}

// The branch's client with the record's phone, as Altegio files a record under an existing card; a new card
// otherwise. Returned in the shape a record embeds.
Json client_for_record(Sandbox::State& s, int64_t company, const Json& client) {
    std::string phone = wire::read_text(client, "phone");
    for (const auto& [id, card] : s.clients)
        if (card.value("company_id", int64_t{0}) == company && international_digits(wire::read_text(card, "phone")) == international_digits(phone))
            return Json{{"id", id}, {"name", card["name"]}, {"surname", ""}, {"display_name", card["name"]}, {"phone", card["phone"]},
                        {"email", card["email"]}, {"card", ""}, {"success_visits_count", card.value("visits", 0)},
                        {"fail_visits_count", 0}, {"discount", 0}, {"is_new", false}, {"custom_fields", Json::array()}};
    int64_t id = s.next_client_id++;
    s.clients[id] = Json{{"id", id}, {"company_id", company}, {"name", wire::read_text(client, "name")}, {"phone", phone},
                         {"email", wire::read_text(client, "email")}, {"visits", 0}};
    return Json{{"id", id}, {"name", wire::read_text(client, "name")}, {"surname", ""}, {"display_name", wire::read_text(client, "name")},
                {"phone", phone}, {"email", wire::read_text(client, "email")}, {"card", ""}, {"success_visits_count", 0},
                {"fail_visits_count", 0}, {"discount", 0}, {"is_new", true}, {"custom_fields", Json::array()}};
}

}  // namespace

// [SECTION] routes --------------------------------------------------------------------------------------------
void Sandbox::add_altegio_routes() {
    auto add = [this](const char* method, const std::string& pattern, bool need_user,
                      std::function<Response(State&, const Request&)> handler) {
        m_router.add(method, prefix + pattern, [this, need_user, handler](const Request& request) {
            return guarded("altegio", request, [&](State& s) {
                if (auto denied = check_auth(request, s, m_config, need_user)) return *denied;
                return handler(s, request);
            });
        });
    };

    add("POST", "/auth", false, [this](State& s, const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body) return altegio_error(400, "Invalid JSON", 5);
        std::string login = wire::read_text(*body, "login"), password = wire::read_text(*body, "password");
        Json user;
        if (login == m_config.altegio_login && password == m_config.altegio_password)
            user = Json{{"id", 12795431}, {"name", "Администратор"}};
        else if (auto employee = s.employee_logins.find(login); employee != s.employee_logins.end() && employee->second["password"] == password)
            user = Json{{"id", employee->second["id"]}, {"name", employee->second["name"]}};
        else
            return altegio_error(401, "Неверный логин или пароль");
        std::string token = random_hex(16);
        s.user_tokens[token] = user["id"].get<int64_t>();
        return altegio_ok(Json{{"id", user["id"]}, {"user_token", token}, {"name", user["name"]}, {"phone", "79990000000"},
                               {"login", login}, {"email", login}, {"avatar", ""}, {"is_approved", true}},
                          201);
    });

    add("GET", "/companies", false, [this](State& s, const Request& request) {
        if (request.query_value("my") == "1")
            if (auto denied = check_auth(request, s, m_config, true)) return *denied;
        if (request.query_value("show_groups") != "1") return altegio_ok(s.companies, 200, Json{{"total_count", s.companies.size()}});
        Json companies = s.companies;
        for (auto& company : companies) {
            company["groups"] = Json::array();
            for (const auto& chain : s.chains)
                if (company.value("main_group_id", int64_t{0}) == chain.value("id", int64_t{0})) company["groups"].push_back(chain);
        }
        return altegio_ok(companies, 200, Json{{"total_count", companies.size()}});
    });

    add("GET", "/company/:cid", false, [](State& s, const Request& request) {
        const Json* company = find_by_id(s.companies, company_of(request));
        return company ? altegio_ok(*company) : altegio_error(404, "Company not found", 30);
    });

    auto company_list = [](std::map<int64_t, Json> State::*member) {
        return [member](State& s, const Request& request) {
            auto it = (s.*member).find(company_of(request));
            if (it == (s.*member).end()) return altegio_error(403, "No company management rights", 15);
            return altegio_ok(it->second, 200, Json{{"total_count", it->second.size()}});
        };
    };
    add("GET", "/company/:cid/service_categories", true, company_list(&State::categories));
    add("GET", "/company/:cid/services", true, company_list(&State::services));
    add("GET", "/company/:cid/staff", true, company_list(&State::staff));

    // An employee's working hours per day (the shape our client reads; see decode_work_schedule).
    add("GET", "/schedule/:cid/:staff/:start/:end", true, [](State& s, const Request& request) {
        int64_t company = company_of(request);
        int64_t staff_id = wire::int_from(Json(request.param("staff")), "staff").value_or(0);
        auto first = domain::parse_civil(request.param("start")), last = domain::parse_civil(request.param("end"));
        if (!s.staff.count(company) || !find_by_id(s.staff[company], staff_id)) return altegio_error(404, "Staff not found", 30);
        if (!first || !last) return altegio_error(422, "Invalid date", 10);
        int64_t from = domain::days_from_civil(first->year, first->month, first->day), to = domain::days_from_civil(last->year, last->month, last->day);
        if (to < from || to - from > 62) return altegio_error(422, "Invalid period", 10);
        Json out = Json::array();
        auto schedule = s.schedules.find(staff_id);
        for (int64_t day = from; day <= to; ++day) {
            bool working = schedule != s.schedules.end() &&
                           std::count(schedule->second.weekdays.begin(), schedule->second.weekdays.end(), domain::weekday_from_days(day)) > 0;
            Json slots = Json::array();
            if (working)
                slots.push_back(Json{{"from", domain::format_minute_of_day(schedule->second.open_minute)},
                                     {"to", domain::format_minute_of_day(schedule->second.close_minute)}});
            out.push_back(Json{{"date", domain::format_civil(domain::civil_from_days(day))}, {"is_working", working ? 1 : 0}, {"slots", slots}});
        }
        return altegio_ok(out);
    });

    add("GET", "/custom_fields/:category/:cid", true, [](State& s, const Request& request) {
        std::string category = request.param("category");
        if (category != "record" && category != "client") return altegio_error(404, "Unknown field category", 30);
        const auto& lists = category == "record" ? s.record_fields : s.client_fields;
        auto it = lists.find(company_of(request));
        return altegio_ok(it == lists.end() ? Json::array() : it->second);
    });
    add("GET", "/labels/:cid/:entity", true, [](State& s, const Request& request) {
        auto it = s.labels.find(company_of(request));
        if (it == s.labels.end()) return altegio_error(403, "No company management rights", 15);
        Json out = Json::array();
        for (const auto& l : it->second)
            if (std::to_string(l["entity"].get<int>()) == request.param("entity")) out.push_back(l);
        return altegio_ok(out);
    });

    // Group events: the search is partner-only (no user token), as the reference says; one event needs the user.
    add("GET", "/activity/:cid/search", false, [](State& s, const Request& request) {
        int64_t company = company_of(request);
        std::string from = request.query_value("from"), till = request.query_value("till");
        if (!s.staff.count(company)) return altegio_error(404, "Company not found", 30);
        Json out = Json::array();
        for (const auto& [id, a] : s.activities) {
            std::string day = a["date"].get<std::string>().substr(0, 10);
            if (a["company_id"] != company || (!from.empty() && day < from) || (!till.empty() && day > till)) continue;
            out.push_back(activity_read_shape(s, a));
        }
        return altegio_ok(out, 200, Json{{"count", out.size()}});
    });

    add("GET", "/activity/:cid/:id", true, [](State& s, const Request& request) {
        auto it = s.activities.find(wire::int_from(Json(request.param("id")), "id").value_or(0));
        if (it == s.activities.end() || it->second["company_id"] != company_of(request)) return altegio_error(404, "Event not found", 30);
        return altegio_ok(activity_read_shape(s, it->second));
    });

    add("GET", "/book_staff/:cid", false, [](State& s, const Request& request) {
        int64_t company = company_of(request);
        if (!s.staff.count(company)) return altegio_error(404, "Company not found", 30);
        Slots slots{s, company};
        Json out = Json::array();
        for (int64_t id : slots.staff_for(ids_from_query(request.query_value("service_ids[]")))) out.push_back(*find_by_id(s.staff[company], id));
        return altegio_ok(out);
    });

    add("GET", "/book_dates/:cid", false, [this](State& s, const Request& request) {
        int64_t company = company_of(request);
        if (!s.staff.count(company)) return altegio_error(404, "Company not found", 30);
        Slots slots{s, company};
        auto services = ids_from_query(request.query_value("service_ids[]"));
        int64_t staff_id = wire::int_from(Json(request.query_value("staff_id")), "staff_id").value_or(0);
        std::vector<int64_t> staff = staff_id ? std::vector<int64_t>{staff_id} : slots.staff_for(services);
        int64_t today = (now() + slots.offset()) / 86400;
        Json dates = Json::array(), working = Json::array();
        for (int64_t day = today; day < today + 30; ++day) {
            bool bookable = false;
            for (int64_t id : staff) bookable = bookable || !slots.starts(id, day, services, now()).empty();
            if (bookable) dates.push_back(domain::format_civil(domain::civil_from_days(day)));
        }
        return altegio_ok(Json{{"booking_dates", dates}, {"booking_days", Json::object()}, {"working_dates", dates}});
    });

    add("GET", "/book_times/:cid/:staff/:date", false, [this](State& s, const Request& request) {
        int64_t company = company_of(request);
        auto date = domain::parse_civil(request.param("date"));
        if (!s.staff.count(company) || !date) return altegio_error(404, "Not found", 30);
        Slots slots{s, company};
        auto services = ids_from_query(request.query_value("service_ids[]"));
        int64_t staff_id = wire::int_from(Json(request.param("staff")), "staff").value_or(0);
        std::vector<int64_t> staff = staff_id ? std::vector<int64_t>{staff_id} : slots.staff_for(services);
        std::map<int64_t, int64_t> starts;   // start -> length, first employee free wins
        int64_t day = domain::days_from_civil(date->year, date->month, date->day);
        for (int64_t id : staff)
            for (int64_t start : slots.starts(id, day, services, now())) starts.emplace(start, slots.length(id, services));
        Json out = Json::array();
        for (auto [start, length] : starts)
            out.push_back(Json{{"time", local_iso(start, slots.offset()).substr(11, 5)}, {"seance_length", length},
                               {"sum_length", length}, {"datetime", local_iso(start, slots.offset())}});
        return altegio_ok(out);
    });

    add("POST", "/book_check/:cid", false, [this](State& s, const Request& request) {
        int64_t company = company_of(request);
        auto body = wire::parse_json(request.body);
        if (!s.staff.count(company)) return altegio_error(404, "Company not found", 30);
        auto appointments = body ? wire::read_list(*body, "appointments", "") : Result<const Json*>(tl::unexpected(body.error()));
        if (!appointments || (*appointments)->empty()) return altegio_error(422, "appointments required", 10);
        Slots slots{s, company};
        for (const auto& a : **appointments) {
            std::vector<int64_t> services;
            for (const auto& id : a.value("services", Json::array())) services.push_back(wire::int_from(id, "").value_or(0));
            int64_t staff_id = wire::read_int_or(a, "staff_id", "", 0).value_or(0);
            auto when = domain::parse_iso_datetime(wire::read_text(a, "datetime"));
            if (!when) return altegio_error(422, "Invalid datetime", 10);
            for (int64_t id : services)
                if (staff_id && !slots.offers(staff_id, id)) return altegio_error(422, "Service is not available", 438);
            int64_t start = domain::to_unix_seconds(*when);
            bool any_free = false;
            for (int64_t id : staff_id ? std::vector<int64_t>{staff_id} : slots.staff_for(services)) {
                int64_t length = slots.length(id, services);
                any_free = any_free || (length > 0 && start > now() && slots.in_schedule(id, start, start + length) &&
                                        slots.free(id, start, start + length));
            }
            if (!any_free) return altegio_error(422, staff_id ? "The selected time is already taken" : "No specialist is free", staff_id ? 433 : 436);
        }
        return altegio_ok(Json(), 201);
    });

    add("POST", "/records/:cid", true, [this](State& s, const Request& request) {
        int64_t company = company_of(request);
        auto body = wire::parse_json(request.body);
        if (!s.staff.count(company)) return altegio_error(403, "No company management rights", 15);
        if (!body || !body->is_object()) return altegio_error(400, "Invalid JSON", 5);
        // A seat in a group event: the event gives employee, service and time; a full event takes nobody more.
        if (int64_t activity_id = wire::read_int_or(*body, "activity_id", "", 0).value_or(0); activity_id != 0) {
            auto activity = s.activities.find(activity_id);
            if (activity == s.activities.end() || activity->second["company_id"] != company) return altegio_error(404, "Event not found", 30);
            if (seats_taken(s, activity_id) >= activity->second["capacity"].get<int64_t>())
                return altegio_error(422, "No free places left in the group", 10);
            (*body)["staff_id"] = activity->second["staff_id"];
            (*body)["services"] = Json::array({Json{{"id", activity->second["service_id"]}}});
            (*body)["datetime"] = local_iso(activity_start(s, activity->second), s.company_offsets[company]);
            (*body)["seance_length"] = activity->second["length"];
        }
        Slots slots{s, company};
        int64_t staff_id = wire::read_int_or(*body, "staff_id", "", 0).value_or(0);
        const Json* staff = find_by_id(s.staff[company], staff_id);
        auto when = domain::parse_iso_datetime(wire::read_text(*body, "datetime"));
        const Json* client = wire::member(*body, "client");
        if (!staff) return altegio_error(422, "staff_id: employee not found", 10);
        if (!when) return altegio_error(422, "datetime: invalid", 10);
        // The API needs a client's phone; staff in Altegio's own UI may book without a client.
        bool by_staff = request.remote_address == "altegio-staff";
        bool without_client = !client || client->is_null();
        if (!(by_staff && without_client) && (without_client || wire::read_text(*client, "phone").empty()))
            return altegio_error(422, "client.phone: required", 431);
        Json services = Json::array();
        std::vector<int64_t> service_ids;
        if (auto refused = read_record_services(s, company, staff_id, body->value("services", Json::array()), services, service_ids))
            return *refused;
        int64_t start = domain::to_unix_seconds(*when);
        int64_t length = wire::read_int_or(*body, "seance_length", "", 0).value_or(0);
        if (length <= 0) length = slots.length(staff_id, service_ids);
        bool group_event = wire::read_int_or(*body, "activity_id", "", 0).value_or(0) != 0;   // seats share the time
        if (!wire::read_flag(*body, "save_if_busy") && !group_event && (!slots.in_schedule(staff_id, start, start + length) || !slots.free(staff_id, start, start + length)))
            return altegio_error(422, "The selected time is already taken", 433);

        Json client_json;   // null: no client
        if (!without_client) client_json = client_for_record(s, company, *client);
        int32_t offset = slots.offset();
        int64_t id = s.next_record_id++;
        Json record{{"id", id}, {"company_id", company}, {"staff_id", staff_id}, {"services", services},
                    {"staff", Json{{"id", staff_id}, {"name", (*staff)["name"]}, {"specialization", (*staff)["specialization"]},
                                   {"position", (*staff)["position"]}}},
                    {"client", client_json}, {"clients_count", 1}, {"date", local_wall(start, offset)},
                    {"datetime", local_iso(start, offset)}, {"create_date", local_iso(now(), offset)},
                    {"comment", wire::read_text(*body, "comment")}, {"online", false}, {"visit_attendance", 0},
                    {"attendance", wire::read_int_or(*body, "attendance", "", 0).value_or(0)}, {"confirmed", 1},
                    {"seance_length", length}, {"length", length}, {"api_id", wire::read_text(*body, "api_id")},
                    {"deleted", false}, {"last_change_date", local_iso(now(), offset)},
                    {"custom_color", wire::read_text(*body, "custom_color")}, {"record_labels", record_labels_of(s, company, *body)},
                    {"custom_fields", record_custom_fields_of(s, company, *body)},
                    {"activity_id", wire::read_int_or(*body, "activity_id", "", 0).value_or(0)},
                    {"created_user_id", user_of(request, s)}};
        s.records[id] = record;
        // Records made through the API do not notify their own author while self_sending is 0.
        if (s.hooks[company].value("self_sending", 0) == 1) send_record_webhook(s, company, record, "create");
        return altegio_ok(record, 201);
    });

    add("GET", "/records/:cid", true, [](State& s, const Request& request) {
        int64_t company = company_of(request);
        std::string start_date = request.query_value("start_date"), end_date = request.query_value("end_date");
        std::string changed_after = request.query_value("changed_after");
        int64_t page = std::max<int64_t>(1, wire::int_from(Json(request.query_value("page")), "").value_or(1));
        int64_t count = std::clamp<int64_t>(wire::int_from(Json(request.query_value("count")), "").value_or(25), 1, 200);
        std::vector<const Json*> matched;   // pointers: a page copies only its own records
        for (const auto& [id, r] : s.records) {
            if (r["company_id"] != company) continue;
            std::string day = r["date"].get<std::string>().substr(0, 10);
            if (!start_date.empty() && day < start_date) continue;
            if (!end_date.empty() && day > end_date) continue;
            if (!changed_after.empty() && r["last_change_date"].get<std::string>() <= changed_after) continue;
            if (r["deleted"].get<bool>() && request.query_value("with_deleted") != "1") continue;
            if (!request.query_value("staff_id").empty() && std::to_string(r["staff_id"].get<int64_t>()) != request.query_value("staff_id"))
                continue;
            matched.push_back(&r);
        }
        Json out = Json::array();
        for (int64_t i = (page - 1) * count; i < static_cast<int64_t>(matched.size()) && i < page * count; ++i) out.push_back(*matched[i]);
        return altegio_ok(out, 200, Json{{"page", page}, {"total_count", matched.size()}});
    });

    add("GET", "/record/:cid/:rid", true, [](State& s, const Request& request) {
        auto rid = wire::int_from(Json(request.param("rid")), "rid").value_or(0);
        auto it = s.records.find(rid);
        if (it == s.records.end() || it->second["company_id"] != company_of(request)) return altegio_error(404, "Record not found", 30);
        return altegio_ok(it->second);
    });

    // Staff-side edit: time, employee, comment, colour, attendance. A move onto a busy time is refused.
    add("PUT", "/record/:cid/:rid", true, [this](State& s, const Request& request) {
        auto rid = wire::int_from(Json(request.param("rid")), "rid").value_or(0);
        auto it = s.records.find(rid);
        auto body = wire::parse_json(request.body);
        if (it == s.records.end() || it->second["company_id"] != company_of(request) || it->second["deleted"].get<bool>())
            return altegio_error(404, "Record not found", 30);
        if (!body || !body->is_object()) return altegio_error(400, "Invalid JSON", 5);
        Json record = it->second;
        int64_t company = record["company_id"].get<int64_t>();
        Slots slots{s, company};
        int32_t offset = slots.offset();
        if (const Json* staff_id = wire::member(*body, "staff_id")) {
            const Json* staff = find_by_id(s.staff[company], wire::int_from(*staff_id, "").value_or(0));
            if (!staff) return altegio_error(422, "staff_id: employee not found", 10);
            record["staff_id"] = (*staff)["id"];
            record["staff"] = Json{{"id", (*staff)["id"]}, {"name", (*staff)["name"]}, {"specialization", (*staff)["specialization"]},
                                   {"position", (*staff)["position"]}};
        }
        if (std::string when = wire::read_text(*body, "datetime"); !when.empty()) {
            auto parsed = domain::parse_iso_datetime(when);
            if (!parsed) return altegio_error(422, "datetime: invalid", 10);
            int64_t start = domain::to_unix_seconds(*parsed);
            record["datetime"] = local_iso(start, offset);
            record["date"] = local_wall(start, offset);
        }
        for (const char* key : {"comment", "custom_color"})
            if (body->contains(key)) record[key] = wire::read_text(*body, key);
        if (body->contains("record_labels")) record["record_labels"] = record_labels_of(s, company, *body);
        if (body->contains("custom_fields")) record["custom_fields"] = record_custom_fields_of(s, company, *body, record.value("custom_fields", Json::object()));
        if (const Json* services = wire::member(*body, "services"); services && services->is_array()) {
            Json listed = Json::array();
            std::vector<int64_t> ids;
            int64_t staff_id = record["staff_id"].get<int64_t>();
            if (auto refused = read_record_services(s, company, staff_id, *services, listed, ids)) return *refused;
            int64_t length = wire::read_int_or(*body, "seance_length", "", 0).value_or(0);
            record["services"] = listed;
            record["seance_length"] = record["length"] = length > 0 ? length : slots.length(staff_id, ids);
        }
        if (const Json* attendance = wire::member(*body, "attendance")) record["attendance"] = record["visit_attendance"] = *attendance;
        int64_t start = domain::to_unix_seconds(*domain::parse_iso_datetime(record["datetime"].get<std::string>()));
        int64_t end = start + record["seance_length"].get<int64_t>();
        int64_t staff_id = record["staff_id"].get<int64_t>();
        bool group_event = record.value("activity_id", int64_t{0}) != 0;   // seats share the time
        if (!wire::read_flag(*body, "save_if_busy") && !group_event && (!slots.in_schedule(staff_id, start, end) || !slots.free(staff_id, start, end, rid)))
            return altegio_error(422, "The selected time is already taken", 433);
        record["last_change_date"] = local_iso(now(), offset);
        it->second = record;
        return altegio_ok(record);
    });

    add("DELETE", "/record/:cid/:rid", true, [this](State& s, const Request& request) {
        auto rid = wire::int_from(Json(request.param("rid")), "rid").value_or(0);
        auto it = s.records.find(rid);
        if (it == s.records.end() || it->second["company_id"] != company_of(request) || it->second["deleted"].get<bool>())
            return altegio_error(404, "Record not found", 30);
        it->second["deleted"] = true;
        it->second["last_change_date"] = local_iso(now(), s.company_offsets[it->second["company_id"].get<int64_t>()]);
        return Response{204, "application/json", "", {}};
    });

    // [SECTION] clients, memberships, payments
    add("GET", "/client/:cid/:id", true, [](State& s, const Request& request) {
        auto it = s.clients.find(wire::int_from(Json(request.param("id")), "id").value_or(0));
        if (it == s.clients.end()) return altegio_error(404, "Client not found", 30);
        return altegio_ok(it->second);
    });
    // Filters: quick_search (a part of the name or phone); the fields asked for, ids only when none are
    // (as the real route answers); phones as numbers, as the deprecated client list gives them.
    add("POST", "/company/:cid/clients/search", true, [](State& s, const Request& request) {
        int64_t company = company_of(request);
        auto body = wire::parse_json(request.body);
        if (!s.staff.count(company)) return altegio_error(403, "No company management rights", 15);
        if (!body || !body->is_object()) return altegio_error(400, "Invalid JSON", 5);
        int64_t page = wire::read_int_or(*body, "page", "", 1).value_or(1);
        int64_t page_size = wire::read_int_or(*body, "page_size", "", 25).value_or(25);
        if (page < 1 || page_size < 1 || page_size > 200) return altegio_error(422, "page_size: from 1 to 200", 10);
        std::string text;
        for (const auto& filter : body->value("filters", Json::array()))
            if (filter.value("type", "") == "quick_search" && filter.contains("state")) text = wire::read_text(filter["state"], "value");
        std::string needle = domain::fold_case(text), digits = international_digits(text);
        Json found = Json::array();
        for (const auto& [id, card] : s.clients) {
            if (card.value("company_id", int64_t{0}) != company) continue;
            bool by_name = !needle.empty() && domain::fold_case(wire::read_text(card, "name")).find(needle) != std::string::npos;
            bool by_phone = !digits.empty() && international_digits(wire::read_text(card, "phone")).find(digits) != std::string::npos;
            if (text.empty() || by_name || by_phone) found.push_back(card);
        }
        Json out = Json::array();
        for (size_t i = (page - 1) * page_size; i < found.size() && out.size() < static_cast<size_t>(page_size); ++i) {
            Json item{{"id", found[i]["id"]}};
            for (const auto& field : body->value("fields", Json::array())) {
                std::string name = field.is_string() ? field.get<std::string>() : "";
                if (name == "phone") item["phone"] = std::stoll("0" + international_digits(wire::read_text(found[i], "phone")));
                else if (name == "surname") item["surname"] = "";
                else if (found[i].contains(name) && name != "company_id") item[name] = found[i][name];
            }
            out.push_back(item);
        }
        return altegio_ok(out, 200, Json{{"total_count", found.size()}});
    });
    // Only active memberships, found by the phone with its country code (as the real route behaves).
    add("GET", "/loyalty/abonements", true, [](State& s, const Request& request) {
        std::string digits = international_digits(request.query_value("phone"));
        Json out = Json::array();
        if (auto it = s.abonements.find(digits); it != s.abonements.end()) out.push_back(it->second);
        return altegio_ok(out);
    });
    add("GET", "/timetable/transactions/:cid", true, [](State& s, const Request& request) {
        int64_t company = company_of(request);
        std::string record = request.query_value("record_id");
        std::string from = request.query_value("start_date"), to = request.query_value("end_date");
        Json out = Json::array();
        for (const auto& t : s.transactions) {
            std::string day = t["date"].get<std::string>().substr(0, 10);
            if ((!from.empty() && day < from) || (!to.empty() && day > to)) continue;
            if (t["company_id"] == company && (record.empty() || std::to_string(t["record_id"].get<int64_t>()) == record)) out.push_back(t);
        }
        return altegio_ok(out);
    });

    add("GET", "/hooks_settings/:cid", true, [](State& s, const Request& request) {
        auto it = s.hooks.find(company_of(request));
        return it == s.hooks.end() ? altegio_error(403, "No company management rights", 15) : altegio_ok(it->second);
    });
    add("POST", "/hooks_settings/:cid", true, [](State& s, const Request& request) {
        auto it = s.hooks.find(company_of(request));
        auto body = wire::parse_json(request.body);
        if (it == s.hooks.end()) return altegio_error(403, "No company management rights", 15);
        if (!body || !body->is_object()) return altegio_error(400, "Invalid JSON", 5);
        it->second = *body;   // location-wide replacement, as the real API does
        return altegio_ok(it->second, 201);
    });

    // Control: act as Altegio staff creating a record in Altegio's own UI (the same checks as the API),
    // so a "create" webhook fires. Body: {company_id, staff_id, services:[{id}], datetime, client:{name, phone} or
    // null, activity_id (a group event's participant)}.
    m_router.add("POST", "/__sandbox/altegio/records", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object()) return http::json_response(400, R"({"error":"expected a JSON object"})");
        int64_t company = wire::read_int_or(*body, "company_id", "", 0).value_or(0);
        {
            std::lock_guard lock(m_state->mutex);
            m_state->user_tokens["sandbox-staff"] = 12795431;   // the administrator, in Altegio's own UI
        }
        Request as_staff;
        as_staff.method = "POST";
        as_staff.path = prefix + "/records/" + std::to_string(company);
        as_staff.path_params = {{"cid", std::to_string(company)}};
        as_staff.headers = {{"authorization", "Bearer " + m_config.partner_token + ", User sandbox-staff"}};
        as_staff.body = request.body;
        as_staff.remote_address = "altegio-staff";
        Response created = m_router.dispatch(as_staff);
        if (created.status != 201) return created;
        auto record = (*wire::parse_json(created.body))["data"];
        std::lock_guard lock(m_state->mutex);
        bool sent = send_record_webhook(*m_state, company, record, "create");
        return http::json_response(201, Json{{"record", record}, {"webhook_dropped", !sent}}.dump());
    });

    // Control, for benchmarks: `count` records spread over `days` days from tomorrow across the branch's employees
    // and their services, stored directly (no webhooks, no schedule checks), as a busy salon's history would be.
    m_router.add("POST", "/__sandbox/altegio/bulk_records", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object()) return http::json_response(400, R"({"error":"expected a JSON object"})");
        int64_t company = wire::read_int_or(*body, "company_id", "", 0).value_or(0);
        int64_t count = std::clamp<int64_t>(wire::read_int_or(*body, "count", "", 0).value_or(0), 0, 50000);
        int64_t days = std::clamp<int64_t>(wire::read_int_or(*body, "days", "", 7).value_or(7), 1, 31);
        std::lock_guard lock(m_state->mutex);
        State& s = *m_state;
        if (!s.staff.count(company)) return http::json_response(404, R"({"error":"unknown company"})");
        int32_t offset = s.company_offsets[company];
        int64_t first_day = (now() + offset) / 86400 + 1;
        const Json& staff = s.staff[company];
        const char* names[] = {"Анна", "María", "John", "Ольга", "Lucía", "Emily", "Сергей", "Carmen"};
        for (int64_t i = 0; i < count; ++i) {
            const Json& employee = staff[static_cast<size_t>(i) % staff.size()];
            Json service;
            for (const auto& sv : s.services[company])
                for (const auto& st : sv["staff"])
                    if (st["id"] == employee["id"] && (service.is_null() || i % 2 == 1)) service = sv;
            int64_t start = (first_day + i % days) * 86400 + (9 * 60 + (i / days) % 600) * 60 - offset;
            int64_t id = s.next_record_id++;
            std::string name = std::string(names[i % 8]) + " " + std::to_string(i);
            s.records[id] = Json{{"id", id}, {"company_id", company}, {"staff_id", employee["id"]},
                                 {"services", Json::array({record_service(service)})},
                                 {"staff", Json{{"id", employee["id"]}, {"name", employee["name"]}, {"specialization", employee["specialization"]}}},
                                 {"client", Json{{"id", 0}, {"name", name}, {"phone", "+7999" + std::to_string(1000000 + i)}, {"email", ""}}},
                                 {"clients_count", 1}, {"date", local_wall(start, offset)}, {"datetime", local_iso(start, offset)},
                                 {"create_date", local_iso(now(), offset)}, {"comment", ""}, {"online", false},
                                 {"visit_attendance", static_cast<int>(i % 4) - 1}, {"attendance", static_cast<int>(i % 4) - 1},
                                 {"confirmed", 1}, {"seance_length", 3600}, {"length", 3600}, {"api_id", ""}, {"deleted", false},
                                 {"last_change_date", local_iso(now(), offset)}, {"custom_color", ""}, {"record_labels", Json::array()},
                                 {"activity_id", 0}};
        }
        return http::json_response(201, Json{{"created", count}}.dump());
    });

    // Control: an Altegio user's password changed: every token they signed in with stops working (401).
    m_router.add("POST", "/__sandbox/altegio/users/:uid/sign_out", [this](const Request& request) {
        std::lock_guard lock(m_state->mutex);
        auto uid = wire::int_from(Json(request.param("uid")), "uid").value_or(0);
        size_t dropped = std::erase_if(m_state->user_tokens, [&](const auto& token) { return token.second == uid; });
        return http::json_response(200, Json{{"tokens_dropped", dropped}}.dump());
    });

    // Control: Altegio forgets a record altogether (its GET answers 404 "not found"), sending nothing.
    m_router.add("POST", "/__sandbox/altegio/records/:rid/purge", [this](const Request& request) {
        std::lock_guard lock(m_state->mutex);
        auto rid = wire::int_from(Json(request.param("rid")), "rid").value_or(0);
        if (!m_state->records.erase(rid)) return http::json_response(404, R"({"error":"no such record"})");
        return http::json_response(200, R"({"purged":true})");
    });

    // Control: act as Altegio staff changing a record in Altegio's own UI, so its webhook fires.
    m_router.add("POST", "/__sandbox/altegio/records/:rid/change", [this](const Request& request) {
        std::lock_guard lock(m_state->mutex);
        State& s = *m_state;
        auto rid = wire::int_from(Json(request.param("rid")), "rid").value_or(0);
        auto it = s.records.find(rid);
        auto body = wire::parse_json(request.body);
        if (it == s.records.end() || !body) return http::json_response(404, R"({"error":"no such record"})");
        Json& record = it->second;
        int64_t company = record["company_id"].get<int64_t>();
        int32_t offset = s.company_offsets[company];
        if (const Json* attendance = wire::member(*body, "attendance")) record["attendance"] = record["visit_attendance"] = *attendance;
        if (const Json* deleted = wire::member(*body, "deleted")) record["deleted"] = *deleted;
        if (std::string when = wire::read_text(*body, "datetime"); !when.empty()) {
            if (auto parsed = domain::parse_iso_datetime(when)) {
                int64_t start = domain::to_unix_seconds(*parsed);
                record["datetime"] = local_iso(start, offset);
                record["date"] = local_wall(start, offset);
            }
        }
        record["last_change_date"] = local_iso(now(), offset);
        bool sent = send_record_webhook(s, company, record, record["deleted"].get<bool>() ? "delete" : "update");
        return http::json_response(200, Json{{"record", record}, {"webhook_dropped", !sent}}.dump());
    });

    // Control: a payment taken in Altegio for a record, so a finances_operation webhook fires.
    // Body: {company_id, record_id, amount, listed}; listed false: the record's transaction list does not show it
    // yet when the webhook arrives (Altegio's list lags behind its webhooks).
    m_router.add("POST", "/__sandbox/altegio/payments", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object()) return http::json_response(400, R"({"error":"expected a JSON object"})");
        std::lock_guard lock(m_state->mutex);
        State& s = *m_state;
        int64_t company = wire::read_int_or(*body, "company_id", "", 0).value_or(0);
        int64_t record = wire::read_int_or(*body, "record_id", "", 0).value_or(0);
        if (!s.records.count(record)) return http::json_response(404, R"({"error":"no such record"})");
        int32_t offset = s.company_offsets[company];
        Json operation{{"id", s.next_transaction_id++}, {"company_id", company}, {"document_id", 0},
                       {"date", local_wall(now(), offset)}, {"type_id", 1}, {"amount", (*body)["amount"]},
                       {"record_id", record}, {"visit_id", record}, {"sold_item_id", 0}, {"sold_item_type", "service"},
                       {"client_id", s.records[record]["client"].is_object() ? s.records[record]["client"]["id"] : Json(0)},
                       {"last_change_date", local_iso(now(), offset)}};
        if (wire::read_flag(*body, "listed", true)) s.transactions.push_back(operation);
        bool sent = send_webhook(s, company, "finances_operation", operation, "create");
        return http::json_response(201, Json{{"operation", operation}, {"webhook_dropped", !sent}}.dump());
    });

    // Control: a client's card changed in Altegio (visits, money spent, name, a membership), so a client
    // webhook fires. Body: {company_id, visits, spent, name, abonement: {balance_string, activated_date,
    // period, period_unit_id, type: {title}}}.
    m_router.add("POST", "/__sandbox/altegio/clients/:id/change", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        std::lock_guard lock(m_state->mutex);
        State& s = *m_state;
        auto it = s.clients.find(wire::int_from(Json(request.param("id")), "id").value_or(0));
        if (it == s.clients.end() || !body || !body->is_object()) return http::json_response(404, R"({"error":"no such client"})");
        Json& client = it->second;
        for (const char* key : {"visits", "spent", "name", "birth_date", "custom_fields"})
            if (const Json* value = wire::member(*body, key)) client[key] = *value;
        if (!client.contains("categories")) client["categories"] = Json::array();
        int64_t company = wire::read_int_or(*body, "company_id", "", 0).value_or(0);
        client["last_change_date"] = local_iso(now(), s.company_offsets[company]);
        if (const Json* abonement = wire::member(*body, "abonement")) {
            s.abonements[international_digits(wire::read_text(client, "phone"))] = *abonement;
        }
        bool sent = send_webhook(s, company, "client", client, "update");
        return http::json_response(200, Json{{"client", client}, {"webhook_dropped", !sent}}.dump());
    });

    // [SECTION] Marketplace: the partner callback that activates a location, and the control calls that play
    // Altegio's side (the user's redirect to the relay's registration page, the lifecycle webhooks).
    m_router.add("POST", "/altegio/marketplace/partner/callback", [this](const Request& request) {
        return guarded("altegio", request, [&](State& s) {
            if (request.header("authorization") != "Bearer " + m_config.partner_token) return altegio_error(401, "Authentication needed.", 20);
            auto body = wire::parse_json(request.body);
            if (!body || !body->is_object()) return altegio_error(400, "Invalid JSON", 5);
            int64_t salon = wire::read_int_or(*body, "salon_id", "", 0).value_or(0);
            bool known = false;
            for (const auto& company : s.companies) known = known || company.value("id", int64_t{0}) == salon;
            auto installed = s.marketplace_status.find(salon);
            if (!known || wire::read_text(*body, "application_id") != m_config.marketplace_application_id ||
                installed == s.marketplace_status.end() || installed->second == "freezed")
                return altegio_error(400, "Агрегатор не найден");   // what Altegio answered for an unknown app/location pair
            installed->second = "active";
            s.marketplace_activations.push_back(*body);
            return altegio_ok(Json(), 201);
        });
    });
    // A location's connection to the application, as Altegio reports it.
    m_router.add("GET", "/altegio/marketplace/salon/:salon/application/:application", [this](const Request& request) {
        return guarded("altegio", request, [&](State& s) {
            if (request.header("authorization") != "Bearer " + m_config.partner_token) return altegio_error(401, "Authentication needed.", 20);
            auto status = s.marketplace_status.find(std::strtoll(request.param("salon").c_str(), nullptr, 10));
            if (request.param("application") != m_config.marketplace_application_id || status == s.marketplace_status.end())
                return altegio_error(404, "Not found");
            return altegio_ok(Json{{"connection_status", {{"status", status->second}}}, {"logs", Json::array()}, {"payments", Json::array()}});
        });
    });
    // Control: the user installs the application in the Marketplace and presses Connect: each salon is "pending"
    // and this is the URL Altegio sends the user's browser to. Body {salon_ids, user?: {id, name, email, phone},
    // tamper?: true (a signature that does not match), installed?: false (a forged link: nothing installed)}; answers {url}.
    m_router.add("POST", "/__sandbox/altegio/marketplace/redirect", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object()) return http::json_response(400, R"({"error":"expected {salon_ids, user?}"})");
        std::string url = m_config.relay_url + "/marketplace/connect?";
        auto ids = body->value("salon_ids", Json::array());
        if (body->value("installed", true)) {
            std::lock_guard lock(m_state->mutex);
            for (const auto& id : ids)
                if (auto& status = m_state->marketplace_status[id.get<int64_t>()]; status != "active") status = "pending";
        }
        for (size_t i = 0; i < ids.size(); ++i)
            url += (i ? "&" : "") + std::string(ids.size() == 1 ? "salon_id=" : "salon_ids%5B%5D=") + std::to_string(ids[i].get<int64_t>());
        if (body->contains("user")) {
            std::string data = (*body)["user"].dump();
            std::string sign = crypto::hmac_sha256_hex(data, m_config.partner_token);
            if (body->value("tamper", false)) sign[0] = sign[0] == '0' ? '1' : '0';
            url += "&user_data=" + http::url_encode(base64(data)) + "&user_data_sign=" + sign;
        }
        return http::json_response(200, Json{{"url", url}}.dump());
    });
    // Control: Altegio's lifecycle webhook for a location. Body {salon_id, event: uninstall|freeze,
    // partner_token?} (another token to see it refused); answers with the relay's status.
    m_router.add("POST", "/__sandbox/altegio/marketplace/lifecycle", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object() || !m_config.outbound) return http::json_response(400, R"({"error":"expected {salon_id, event}"})");
        if (!body->contains("partner_token")) {   // Altegio's own call: its record of the location changes first
            std::lock_guard lock(m_state->mutex);
            int64_t salon = body->value("salon_id", int64_t{0});
            if (body->value("event", std::string()) == "freeze") m_state->marketplace_status[salon] = "freezed";
            else m_state->marketplace_status.erase(salon);
        }
        Json hook{{"salon_id", body->value("salon_id", int64_t{0})}, {"application_id", m_config.marketplace_application_id},
                  {"event", body->value("event", std::string())}, {"partner_token", body->value("partner_token", m_config.partner_token)}};
        auto answer = m_config.outbound->send({"POST", m_config.relay_url + "/hooks/altegio-marketplace",
                                               {{"Content-Type", "application/json"}}, hook.dump()});
        return http::json_response(200, Json{{"relay_status", answer.status}, {"relay_body", answer.body.substr(0, 500)}}.dump());
    });

    // [SECTION] telephony (the chain-level "old protocol"): setup, the pop-up `event` and the call `history`, each
    // answered 202 Accepted; a disabled chain's events and history are accepted and ignored.
    m_router.add("POST", prefix + "/voip/integration", [this](const Request& request) {
        return guarded("altegio", request, [&](State& s) {
            if (auto refused = check_auth(request, s, m_config, false)) return *refused;
            auto body = wire::parse_json(request.body);
            if (!body || !body->is_object()) return altegio_error(400, "Invalid JSON", 5);
            std::string command = wire::read_text(*body, "command"), type = wire::read_text(*body, "type");
            auto chain = s.voip_chains.find(wire::read_text(*body, "crm_token"));
            if (chain == s.voip_chains.end()) return altegio_error(403, "Telephony integration not found for this crm_token", 15);
            auto invalid = [](const std::string& field) { return altegio_error(400, "Field " + field + " is invalid", 10); };
            if (command == "setup") {
                if (type != "enable" && type != "disable") return invalid("type");
                chain->second["enabled"] = type == "enable";
            } else if (command == "event" || command == "history") {
                if (type != "incoming" && type != "outgoing" && type != "internal") return invalid("type");
                std::string phone = wire::read_text(*body, "phone");
                if (phone.empty() || phone.find_first_not_of("0123456789") != std::string::npos) return invalid("phone");
                if (command == "history") {
                    std::string status = wire::read_text(*body, "status");
                    if (status != "success" && status != "missed") return invalid("status");
                    const Json* duration = wire::member(*body, "duration");
                    if (!duration || !duration->is_number_integer() || duration->get<int64_t>() < 0) return invalid("duration");
                    if (!domain::parse_iso_datetime(wire::read_text(*body, "date"))) return invalid("date");
                    if (wire::read_text(*body, "call_id").empty()) return invalid("call_id");
                }
                if (!chain->second["enabled"].get<bool>()) ++s.voip_ignored;
                else if (command == "history") s.voip_calls.push_back(*body);
                else if (type == "incoming") s.voip_popups.push_back(*body);   // only incoming calls pop up
            } else {
                return invalid("command");
            }
            return altegio_ok(Json(), 202, Json{{"message", "Accepted"}});
        });
    });
    // Control: a PBX placing one call. It posts the call's events to `url` (a chain's /telephony/{key}/calls):
    // ringing, answered (when `answered`), ended with `duration` and `recording_url`; `order` "reversed" posts them
    // last first, "twice" posts each event two times. Body {url, call_id, direction, from, to, virtual_number?,
    // sip_user?, answered, duration, recording_url?, order?}; answers {statuses} (the relay's answer to each post).
    m_router.add("POST", "/__sandbox/pbx/call", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object() || !m_config.outbound || wire::read_text(*body, "url").empty())
            return http::json_response(400, R"({"error":"expected {url, call_id, direction, from, to, answered, duration}"})");
        Json call{{"call_id", wire::read_text(*body, "call_id")}, {"direction", body->value("direction", std::string("incoming"))},
                  {"from", wire::read_text(*body, "from")}, {"to", wire::read_text(*body, "to")}};
        for (const char* optional : {"virtual_number", "sip_user"})
            if (body->contains(optional)) call[optional] = (*body)[optional];
        bool answered = body->value("answered", true);
        int64_t duration = answered ? body->value("duration", int64_t{60}) : 0;
        int64_t start = now();
        std::vector<Json> events;
        Json ringing = call;
        ringing["state"] = "ringing";
        ringing["time"] = start;
        events.push_back(ringing);
        if (answered) {
            Json up = call;
            up["state"] = "answered";
            up["time"] = start + 5;
            events.push_back(up);
        }
        Json ended = call;
        ended["state"] = "ended";
        ended["time"] = start + 5 + duration;
        ended["duration"] = duration;
        if (answered && body->contains("recording_url")) ended["recording_url"] = (*body)["recording_url"];
        events.push_back(ended);
        std::string order = body->value("order", std::string("normal"));
        if (order == "reversed") std::reverse(events.begin(), events.end());
        Json statuses = Json::array();
        for (const auto& e : events)
            for (int copy = 0; copy < (order == "twice" ? 2 : 1); ++copy)
                statuses.push_back(m_config.outbound->send({"POST", (*body)["url"].get<std::string>(), {{"Content-Type", "application/json"}}, e.dump()}).status);
        return http::json_response(200, Json{{"statuses", statuses}, {"events", events}}.dump());
    });

    // Control: a stream of staff edits for load and crash tests. Each of `record_ids` is moved
    // `changes_per_record` times (15 minutes later each time), `per_second` edits a second, round-robin over
    // the records, each edit sending its webhook. Body: {record_ids, changes_per_record, per_second}.
    m_router.add("POST", "/__sandbox/altegio/change_stream", [this](const Request& request) {
        auto body = wire::parse_json(request.body);
        if (!body || !body->is_object() || !body->contains("record_ids"))
            return http::json_response(400, R"({"error":"expected {record_ids, changes_per_record, per_second}"})");
        std::vector<int64_t> ids = (*body)["record_ids"].get<std::vector<int64_t>>();
        int64_t rounds = wire::read_int_or(*body, "changes_per_record", "", 1).value_or(1);
        double per_second = body->value("per_second", 100.0);
        std::lock_guard lock(m_state->mutex);
        if (m_state->changer.joinable()) return http::json_response(409, R"({"error":"a change stream is running"})");
        m_state->changer = std::thread([this, ids, rounds, per_second] {
            auto next = std::chrono::steady_clock::now();
            for (int64_t round = 1; round <= rounds; ++round)
                for (int64_t id : ids) {
                    next += std::chrono::microseconds(static_cast<int64_t>(1e6 / per_second));
                    std::this_thread::sleep_until(next);
                    std::lock_guard inner(m_state->mutex);
                    State& s = *m_state;
                    if (s.stopping) return;
                    auto it = s.records.find(id);
                    if (it == s.records.end()) continue;
                    Json& record = it->second;
                    int64_t company = record["company_id"].get<int64_t>();
                    int32_t offset = s.company_offsets[company];
                    auto start = domain::parse_iso_datetime(record["datetime"].get<std::string>());
                    if (!start) continue;
                    int64_t moved = domain::to_unix_seconds(*start) + 15 * 60;
                    record["datetime"] = local_iso(moved, offset);
                    record["date"] = local_wall(moved, offset);
                    record["last_change_date"] = local_iso(now(), offset);
                    ++s.changes_made;
                    send_record_webhook(s, company, record, "update");
                }
        });
        return http::json_response(202, Json{{"changes", static_cast<int64_t>(ids.size()) * rounds}}.dump());
    });
}

}  // namespace kb::sandbox
