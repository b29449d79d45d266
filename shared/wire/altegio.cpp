#include "shared/wire/altegio.hpp"

#include <algorithm>
#include "shared/domain/calendar.hpp"
#include "shared/domain/text.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::wire::altegio {

using domain::Record;

// [SECTION] envelope and errors ------------------------------------------------------------------------
namespace {

std::string reply_message(const Json& body) {
    if (const Json* meta = member(body, "meta")) {
        if (auto m = read_text(*meta, "message"); !m.empty()) return m;
    }
    if (const Json* errors = member(body, "errors")) {
        if (auto m = read_text(*errors, "message"); !m.empty()) return m;
    }
    return read_text(body, "message");
}

// Booking codes may stand in `errors.code`, `errors[i].code`, `meta.errors[i].code` or `meta.code`.
int64_t booking_code(const Json& body) {
    auto code_in = [](const Json& holder) -> int64_t {
        if (holder.is_object()) return read_int_or(holder, "code", "", 0).value_or(0);
        if (holder.is_array())
            for (const auto& item : holder)
                if (auto c = read_int_or(item, "code", "", 0).value_or(0); c != 0) return c;
        return 0;
    };
    if (const Json* errors = member(body, "errors"))
        if (auto c = code_in(*errors)) return c;
    if (const Json* meta = member(body, "meta")) {
        if (const Json* errors = member(*meta, "errors"))
            if (auto c = code_in(*errors)) return c;
        if (auto c = code_in(*meta)) return c;
    }
    return 0;
}

}  // namespace

Result<const Json*> unwrap(const Json& body) {
    if (body.is_array()) return &body;
    if (!body.is_object()) return fail(Errc::bad_input, "ui.error.bad_reply", "Altegio reply is not JSON");
    if (const Json* success = member(body, "success"); success && success->is_boolean() && !success->get<bool>())
        return tl::unexpected(error_from_reply(200, body.dump()));
    if (const Json* data = member(body, "data")) return data;
    return &body;
}

Error error_from_reply(int http_status, std::string_view body_text) {
    auto parsed = parse_json(body_text);
    Json body = parsed ? std::move(*parsed) : Json(Json::value_t::discarded);
    std::string message = body.is_discarded() ? std::string(body_text.substr(0, 200)) : reply_message(body);
    int64_t code = body.is_discarded() ? 0 : booking_code(body);
    std::string detail = "Altegio HTTP " + std::to_string(http_status);
    if (code != 0) detail += " code " + std::to_string(code);
    if (!message.empty()) detail += ": " + message;

    if (code == code_slot_taken || code == code_no_staff_free || code == code_overlap_in_request)
        return Error{Errc::conflict, "ui.error.slot_taken", detail};
    if (code == code_service_not_bookable) return Error{Errc::upstream_rejected, "ui.error.service_not_bookable", detail};
    switch (http_status) {
        case 401: return Error{Errc::unauthorized, "ui.error.altegio_auth", detail};
        case 402:
        case 403: return Error{Errc::forbidden, "ui.error.altegio_no_rights", detail};
        // Altegio's own "not found" (a JSON answer): the thing is gone. A 404 page without it is a proxy or a
        // route that is missing, and may pass.
        case 404:
            if (body.is_discarded()) return Error{Errc::upstream_unavailable, "ui.error.altegio_unavailable", detail};
            return Error{Errc::not_found, "ui.error.not_found", detail};
        case 429: return Error{Errc::rate_limited, "ui.error.altegio_busy", detail};
        default: break;
    }
    if (http_status >= 500 || http_status == 0) return Error{Errc::upstream_unavailable, "ui.error.altegio_unavailable", detail};
    return Error{Errc::upstream_rejected, "ui.error.altegio_rejected", detail};
}

// [SECTION] catalogue -------------------------------------------------------------------------------------
// The chain comes as `main_group_id` (with `show_groups=1`); its title, when Altegio gives it, from the entry of
// `groups` (a list or an object of {id, title}) with that id. Either may be missing: a branch then has no chain.
Result<domain::Branch> decode_company(const Json& value, std::string_view path) {
    auto id = read_int(value, "id", path);
    if (!id) return tl::unexpected(id.error());
    auto chain = read_int_or(value, "main_group_id", path, 0);
    if (!chain) return tl::unexpected(chain.error());
    domain::Branch branch{*id, read_text(value, "title"), read_text(value, "address"), read_text(value, "timezone_name"),
                          read_text(value, "currency_short_title"), *chain, {}};
    if (const Json* groups = member(value, "groups"); groups && (groups->is_array() || groups->is_object()) && *chain != 0)
        for (const auto& group : *groups)
            if (group.is_object() && read_int_or(group, "id", path, 0).value_or(0) == *chain)
                branch.chain_title = read_text(group, "title");
    return branch;
}

Result<domain::ServiceCategory> decode_service_category(const Json& value, std::string_view path) {
    auto id = read_int(value, "id", path);
    if (!id) return tl::unexpected(id.error());
    auto weight = read_int_or(value, "weight", path, 0);
    if (!weight) return tl::unexpected(weight.error());
    return domain::ServiceCategory{*id, read_text(value, "title"), static_cast<int32_t>(*weight)};
}

Result<domain::Service> decode_service(const Json& value, std::string_view path) {
    domain::Service service;
    auto id = read_int(value, "id", path);
    auto category = read_int_or(value, "category_id", path, 0);
    auto price_min = read_money(value, "price_min", path);
    auto price_max = read_money(value, "price_max", path);
    auto seance = read_int_or(value, "seance_length", path, 0);
    for (const Error* e : {id ? nullptr : &id.error(), category ? nullptr : &category.error(),
                           price_min ? nullptr : &price_min.error(), price_max ? nullptr : &price_max.error(),
                           seance ? nullptr : &seance.error()})
        if (e) return tl::unexpected(*e);
    service.id = *id;
    service.title = read_text(value, "title");
    service.category_id = *category;
    service.price_min = *price_min;
    service.price_max = *price_max;
    service.duration_seconds = static_cast<int32_t>(*seance);
    // The staff-side list gives the length per employee: take the first one when there is no overall value.
    if (service.duration_seconds == 0) {
        if (auto staff = read_list(value, "staff", path); staff && !(*staff)->empty())
            service.duration_seconds = static_cast<int32_t>(read_int_or((**staff)[0], "seance_length", path, 0).value_or(0));
    }
    return service;
}

Result<domain::Staff> decode_staff(const Json& value, std::string_view path) {
    auto id = read_int(value, "id", path);
    if (!id) return tl::unexpected(id.error());
    return domain::Staff{*id, read_text(value, "name"), read_text(value, "specialization"), read_flag(value, "bookable", true)};
}

// [SECTION] free time --------------------------------------------------------------------------------------
Result<std::vector<std::string>> decode_booking_dates(const Json& data) {
    auto dates = read_list(data, "booking_dates", "data");
    if (!dates) return tl::unexpected(dates.error());
    std::vector<std::string> out;
    for (const auto& d : **dates)
        if (d.is_string()) out.push_back(d.get<std::string>());
    return out;
}

Result<std::vector<domain::TimeSlot>> decode_booking_times(const Json& data) {
    if (!data.is_array()) return fail(Errc::bad_input, "ui.error.bad_reply", "data: expected a list of times");
    std::vector<domain::TimeSlot> out;
    for (size_t i = 0; i < data.size(); ++i) {
        auto length = read_int_or(data[i], "seance_length", index_path("data", i), 0);
        if (!length) return tl::unexpected(length.error());
        auto datetime = read_text(data[i], "datetime");
        if (datetime.empty()) return fail(Errc::bad_input, "ui.error.bad_reply", index_path("data", i) + ".datetime: missing");
        out.push_back(domain::TimeSlot{read_text(data[i], "time"), datetime, static_cast<int32_t>(*length)});
    }
    return out;
}

Result<std::map<std::string, std::vector<domain::WorkInterval>>> decode_work_schedule(const Json& data) {
    if (!data.is_array()) return fail(Errc::bad_input, "ui.error.bad_reply", "schedule: expected a list of days");
    std::map<std::string, std::vector<domain::WorkInterval>> out;
    for (size_t i = 0; i < data.size(); ++i) {
        const Json& day = data[i];
        std::string date = day.is_object() ? read_text(day, "date").substr(0, 10) : "";
        if (!domain::parse_civil(date)) return fail(Errc::bad_input, "ui.error.bad_reply", index_path("schedule", i) + ".date: not a date");
        auto& hours = out[date];
        const Json* slots = member(day, "slots");
        bool working = read_flag(day, "is_working", slots && slots->is_array() && !slots->empty());
        if (!working || !slots || !slots->is_array()) continue;
        for (size_t k = 0; k < slots->size(); ++k) {
            const Json& slot = (*slots)[k];
            std::string from = slot.is_object() ? read_text(slot, "from") : "", to = slot.is_object() ? read_text(slot, "to") : "";
            int32_t a = domain::minute_of_day(from), b = domain::minute_of_day(to);
            if (a < 0 || b < 0 || b <= a)
                return fail(Errc::bad_input, "ui.error.bad_reply", index_path(index_path("schedule", i) + ".slots", k) + ": not a time range");
            hours.push_back(domain::WorkInterval{domain::format_minute_of_day(a), domain::format_minute_of_day(b)});
        }
    }
    return out;
}

Result<domain::GroupEvent> decode_activity(const Json& value, std::string_view path) {
    domain::GroupEvent event;
    auto id = read_int(value, "id", path);
    if (!id) return tl::unexpected(id.error());
    event.id = *id;
    auto service = read_int_or(value, "service_id", path, 0);
    auto staff = read_int_or(value, "staff_id", path, 0);
    auto length = read_int_or(value, "length", path, 0);
    auto capacity = read_int_or(value, "capacity", path, 0);
    auto taken = read_int_or(value, "records_count", path, 0);
    for (const auto* r : {&service, &staff, &length, &capacity, &taken})
        if (!*r) return tl::unexpected(r->error());
    event.service_id = *service;
    event.staff_id = *staff;
    event.length = static_cast<int32_t>(*length);
    event.capacity = static_cast<int32_t>(*capacity);
    event.records_count = static_cast<int32_t>(*taken);
    event.date = read_text(value, "date");
    if (event.date.size() == 16) event.date += ":00";
    if (event.date.size() < 16 || domain::minute_of_day(event.date.substr(11, 5)) < 0 || !domain::parse_civil(event.date.substr(0, 10)))
        return fail(Errc::bad_input, "ui.error.bad_reply", join_path(path, "date") + ": not a date and time");
    if (const Json* s = member(value, "service"); s && s->is_object()) event.service_title = read_text(*s, "title");
    if (const Json* s = member(value, "staff"); s && s->is_object()) event.staff_name = read_text(*s, "name");
    return event;
}

// [SECTION] records -----------------------------------------------------------------------------------------
Result<Record> decode_record(const Json& value, std::string_view path) {
    Record record;
    auto id = read_int(value, "id", path);
    if (!id) return tl::unexpected(id.error());
    record.id = *id;
    auto company = read_int_or(value, "company_id", path, 0);
    auto staff_id = read_int_or(value, "staff_id", path, 0);
    auto length = read_int_or(value, "seance_length", path, 0);
    auto attendance = read_int_or(value, "visit_attendance", path, INT64_MIN);
    if (attendance && *attendance == INT64_MIN) attendance = read_int_or(value, "attendance", path, 0);
    for (const Error* e : {company ? nullptr : &company.error(), staff_id ? nullptr : &staff_id.error(),
                           length ? nullptr : &length.error(), attendance ? nullptr : &attendance.error()})
        if (e) return tl::unexpected(*e);
    record.company_id = *company;
    record.staff_id = *staff_id;
    record.seance_length = static_cast<int32_t>(*length);
    if (*attendance < -1 || *attendance > 2)
        return fail(Errc::bad_input, "ui.error.bad_reply", join_path(path, "attendance") + ": unknown value");
    record.attendance = static_cast<domain::Attendance>(*attendance);
    if (const Json* staff = member(value, "staff"); staff && staff->is_object()) {
        record.staff_name = read_text(*staff, "name");
        record.staff_specialization = read_text(*staff, "specialization");
    }
    auto services = read_list(value, "services", path);
    if (!services) return tl::unexpected(services.error());
    for (size_t i = 0; i < (*services)->size(); ++i) {
        const Json& s = (**services)[i];
        auto sid = read_int(s, "id", index_path(join_path(path, "services"), i));
        auto cost = read_money(s, "cost", index_path(join_path(path, "services"), i));
        if (!sid) return tl::unexpected(sid.error());
        if (!cost) return tl::unexpected(cost.error());
        record.services.push_back(domain::RecordService{*sid, read_text(s, "title"), *cost});
    }
    auto labels = read_list(value, "record_labels", path);
    if (!labels) return tl::unexpected(labels.error());
    for (size_t i = 0; i < (*labels)->size(); ++i) {
        const Json& l = (**labels)[i];
        if (!l.is_object()) continue;   // ids when written, objects when read
        auto label_id = read_int(l, "id", index_path(join_path(path, "record_labels"), i));
        if (!label_id) return tl::unexpected(label_id.error());
        record.labels.push_back(domain::Label{*label_id, read_text(l, "title"), read_text(l, "color")});
    }
    if (const Json* fields = member(value, "custom_fields"); fields && fields->is_object())
        for (auto it = fields->begin(); it != fields->end(); ++it)
            record.custom_fields[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    record.activity_id = read_int_or(value, "activity_id", path, 0).value_or(0);
    record.last_change_date = read_text(value, "last_change_date");
    record.source = read_text(value, "record_from");
    if (record.source.empty()) record.source = read_flag(value, "online") ? "online" : "admin";
    record.date = read_text(value, "date");
    record.datetime = read_text(value, "datetime");
    record.deleted = read_flag(value, "deleted");
    record.api_id = read_text(value, "api_id");
    record.comment = read_text(value, "comment");
    record.color = read_text(value, "custom_color");
    if (!record.color.empty() && record.color[0] == '#') record.color.erase(0, 1);
    if (const Json* client = member(value, "client"); client && client->is_object()) {
        // A trimmed client may have only the name Altegio shows (display_name).
        std::string name = read_text(*client, "name");
        if (name.empty()) name = read_text(*client, "display_name");
        record.client = domain::ClientData{name, read_text(*client, "phone"), read_text(*client, "email")};
        record.client_id = read_int_or(*client, "id", join_path(path, "client"), 0).value_or(0);
    }
    return record;
}

namespace {

Json label_ids_for_write(const std::vector<int64_t>& ids) {
    Json labels = Json::array();   // ids, as text, when writing (objects when reading)
    for (int64_t id : ids) labels.push_back(std::to_string(id));
    return labels;
}

Json services_for_write(const std::vector<domain::Service>& chosen, int64_t& length) {
    Json services = Json::array();
    length = 0;
    for (const auto& s : chosen) {
        services.push_back(Json{{"id", s.id}});
        length += s.duration_seconds;
    }
    return services;
}

// Additional field values as Altegio takes them: numbers as numbers, the rest as text; empty ones only when
// `keep_empty` (an edit clears a value that way).
Json custom_fields_for_write(const std::map<std::string, std::string>& values, const std::vector<domain::RecordField>& fields,
                             bool keep_empty) {
    Json out = Json::object();
    for (const auto& [code, value] : values) {
        if (value.empty() && !keep_empty) continue;
        auto field = std::find_if(fields.begin(), fields.end(), [&code = code](const domain::RecordField& f) { return f.code == code; });
        auto number = field != fields.end() && field->type == "number" ? domain::parse_decimal(value) : std::nullopt;
        if (number && *number == static_cast<double>(static_cast<int64_t>(*number))) out[code] = static_cast<int64_t>(*number);
        else if (number) out[code] = *number;
        else out[code] = value;
    }
    return out;
}

}  // namespace

Json encode_book_check(const domain::BookingRequest& request) {
    return Json{{"appointments", Json::array({Json{{"id", 1},
                                                   {"services", request.service_ids},
                                                   {"staff_id", request.staff_id},
                                                   {"datetime", request.datetime}}})}};
}


Json encode_record_create(const domain::BookingRequest& request, std::string_view api_id,
                          const std::vector<domain::Service>& chosen_services, const std::vector<domain::RecordField>& fields) {
    int64_t length = 0;
    Json services = services_for_write(chosen_services, length);
    Json body{{"staff_id", request.staff_id},
              {"services", services},
              {"client", Json{{"name", request.client.name}, {"phone", request.client.phone}, {"email", request.client.email}}},
              {"seance_length", length},
              {"save_if_busy", false},
              {"send_sms", false},
              {"comment", request.comment},
              {"api_id", std::string(api_id)}};
    if (!request.datetime.empty()) body["datetime"] = request.datetime;   // a group seat may leave it to the event
    if (!request.color.empty()) body["custom_color"] = request.color;
    if (!request.label_ids.empty()) body["record_labels"] = label_ids_for_write(request.label_ids);
    if (Json values = custom_fields_for_write(request.custom_fields, fields, false); !values.empty()) body["custom_fields"] = values;
    if (request.activity_id != 0) {
        // A seat: the event's id is the field that matters (YC-APIB's "activity_id"; ALT-DOC says "event_id",
        // UNVERIFIED which one Altegio reads, so both are sent); employee, services and time come from the event.
        body["activity_id"] = request.activity_id;
        body["event_id"] = request.activity_id;
    }
    return body;
}

Json encode_record_update(const domain::RecordChange& change, const std::optional<domain::ClientData>& client,
                          const std::vector<domain::Service>& chosen_services, const std::vector<domain::RecordField>& fields) {
    int64_t length = 0;
    Json services = services_for_write(chosen_services, length);
    Json body{{"staff_id", change.staff_id},
              {"services", services},
              {"datetime", change.datetime},
              {"seance_length", length},
              {"save_if_busy", false},
              {"comment", change.comment},
              {"custom_color", change.color},
              {"record_labels", label_ids_for_write(change.label_ids)}};
    if (client) body["client"] = Json{{"name", client->name}, {"phone", client->phone}, {"email", client->email}};
    if (!change.custom_fields.empty()) body["custom_fields"] = custom_fields_for_write(change.custom_fields, fields, true);
    return body;
}

Result<std::vector<domain::RecordField>> decode_record_fields(const Json& data) {
    if (!data.is_array()) return fail(Errc::bad_input, "ui.error.bad_reply", "custom_fields: expected a list");
    std::vector<domain::RecordField> out;
    for (size_t i = 0; i < data.size(); ++i) {
        const Json* field = member(data[i], "custom_field");
        if (!field || !field->is_object()) field = &data[i];
        std::string code = read_text(*field, "code");
        if (code.empty()) return fail(Errc::bad_input, "ui.error.bad_reply", index_path("custom_fields", i) + ".code: expected a field code");
        const Json* type = member(*field, "type");
        std::string type_code = !type ? "" : type->is_object() ? read_text(*type, "code") : read_text(*field, "type");
        out.push_back(domain::RecordField{code, read_text(*field, "title"), type_code.empty() ? "text" : type_code});
    }
    return out;
}

// [SECTION] clients, labels, money --------------------------------------------------------------------------
namespace {

// "2026-11-01 10:00:00", "2026-11-01" or a unix time -> "YYYY-MM-DD" ("" when absent or unreadable).
std::string date_part(const Json& object, std::string_view key) {
    const Json* v = member(object, key);
    if (!v || v->is_null()) return {};
    if (v->is_number()) {
        auto seconds = int_from(*v, key);
        if (!seconds) return {};
        int64_t days = *seconds >= 0 ? *seconds / 86400 : (*seconds - 86399) / 86400;
        return domain::format_civil(domain::civil_from_days(days));
    }
    std::string text = read_text(object, key);
    if (text.size() >= 10 && domain::parse_civil(text.substr(0, 10))) return text.substr(0, 10);
    return {};
}

}  // namespace

Result<domain::ClientProfile> decode_client(const Json& value, std::string_view path) {
    auto id = read_int(value, "id", path);
    if (!id) return tl::unexpected(id.error());
    domain::ClientProfile c;
    c.id = *id;
    c.name = read_text(value, "name");
    if (auto surname = read_text(value, "surname"); !surname.empty()) c.name += (c.name.empty() ? "" : " ") + surname;
    c.phone = read_text(value, "phone");
    if (!c.phone.empty() && c.phone[0] != '+' && member(value, "phone")->is_number()) c.phone = "+" + c.phone;
    c.email = read_text(value, "email");
    c.birth_date = date_part(value, "birth_date");
    auto categories = read_list(value, "categories", path);
    if (!categories) return tl::unexpected(categories.error());
    for (const auto& category : **categories) c.categories.push_back(read_text(category, "title"));
    if (const Json* fields = member(value, "custom_fields"); fields && fields->is_object())
        for (auto it = fields->begin(); it != fields->end(); ++it)
            c.custom_fields[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    auto visits = read_int_or(value, "visits", path, 0);
    if (!visits) return tl::unexpected(visits.error());
    if (*visits == 0) visits = read_int_or(value, "success_visits_count", path, 0);
    if (!visits) return tl::unexpected(visits.error());
    c.visits_count = static_cast<int32_t>(*visits);
    auto spent = read_money(value, "spent", path);
    if (!spent) return tl::unexpected(spent.error());
    c.visits_sum = *spent;
    return c;
}

Json encode_client_search(const std::string& text, int page_size) {
    return Json{{"page", 1},
                {"page_size", page_size},
                {"fields", Json::array({"id", "name", "surname", "phone", "email"})},
                {"operation", "AND"},
                {"filters", Json::array({Json{{"type", "quick_search"}, {"state", Json{{"value", text}}}}})}};
}

Result<std::vector<domain::ClientProfile>> decode_client_search(const Json& data) {
    return decode_list<domain::ClientProfile>(data, "clients", decode_client);
}

Result<std::vector<domain::Label>> decode_labels(const Json& data) {
    if (!data.is_array()) return fail(Errc::bad_input, "ui.error.bad_reply", "labels: expected a list");
    std::vector<domain::Label> out;
    for (size_t i = 0; i < data.size(); ++i) {
        if (read_flag(data[i], "deleted")) continue;
        auto id = read_int(data[i], "id", index_path("labels", i));
        if (!id) return tl::unexpected(id.error());
        out.push_back(domain::Label{*id, read_text(data[i], "title"), read_text(data[i], "color")});
    }
    return out;
}

Result<FinanceOperation> decode_finance_operation(const Json& value, std::string_view path) {
    auto id = read_int(value, "id", path);
    auto record = read_int_or(value, "record_id", path, 0);
    auto visit = read_int_or(value, "visit_id", path, 0);
    auto amount = read_money(value, "amount", path);
    for (const Error* e : {id ? nullptr : &id.error(), record ? nullptr : &record.error(), visit ? nullptr : &visit.error(),
                           amount ? nullptr : &amount.error()})
        if (e) return tl::unexpected(*e);
    return FinanceOperation{*id, *record, *visit, *amount, read_text(value, "sold_item_type"), read_text(value, "date")};
}

Result<domain::Subscription> decode_subscription(const Json& value, std::string_view path) {
    if (!value.is_object()) return fail(Errc::bad_input, "ui.error.bad_reply", std::string(path) + ": expected an object");
    domain::Subscription s;
    const Json* type = member(value, "type");
    s.name = type ? read_text(*type, "title") : "";
    std::string balance = read_text(value, "balance_string");
    if (s.name.empty()) s.name = balance.substr(0, balance.find(" (x"));
    if (size_t x = balance.rfind("(x"); x != std::string::npos) {
        int32_t remaining = 0;
        size_t i = x + 2;
        for (; i < balance.size() && balance[i] >= '0' && balance[i] <= '9'; ++i) remaining = remaining * 10 + (balance[i] - '0');
        if (i > x + 2 && i < balance.size() && balance[i] == ')') s.remaining = remaining;
    }
    s.start_date = date_part(value, "activated_date");
    if (s.start_date.empty()) s.start_date = date_part(value, "created_date");
    auto period = read_int_or(value, "period", path, 0);
    auto unit = read_int_or(value, "period_unit_id", path, 0);
    if (!period || !unit) return tl::unexpected(period ? unit.error() : period.error());
    if (auto start = domain::parse_civil(s.start_date); start && *period > 0) {
        int64_t days = domain::days_from_civil(start->year, start->month, start->day);
        domain::CivilDate end = *start;
        switch (*unit) {
            case 1: end = domain::civil_from_days(days + *period); break;
            case 2: end = domain::civil_from_days(days + 7 * *period); break;
            case 3:
            case 4: {
                int64_t months = end.month - 1 + (*unit == 3 ? *period : 12 * *period);
                end.year += static_cast<int32_t>(months / 12);
                end.month = static_cast<int32_t>(months % 12) + 1;
                // The same day of the month, or the month's last day (Jan 31 + 1 month = Feb 28/29).
                int32_t last = static_cast<int32_t>(domain::days_from_civil(end.month == 12 ? end.year + 1 : end.year,
                                                                            end.month == 12 ? 1 : end.month + 1, 1) -
                                                    domain::days_from_civil(end.year, end.month, 1));
                end.day = std::min(end.day, last);
                break;
            }
            default: end = domain::CivilDate{0, 0, 0};
        }
        if (end.year != 0) s.end_date = domain::format_civil(end);
    }
    return s;
}

// [SECTION] webhooks ----------------------------------------------------------------------------------------
Result<std::vector<WebhookEvent>> decode_webhook_body(std::string_view body_text) {
    auto body = parse_json(body_text);
    if (!body) return tl::unexpected(body.error());
    std::vector<WebhookEvent> events;
    auto decode_one = [&](const Json& item, std::string path) -> Result<void> {
        if (!item.is_object()) return fail(Errc::bad_input, "ui.error.bad_webhook", path + ": expected an object");
        auto company = read_int(item, "company_id", path);
        if (!company) return tl::unexpected(company.error());
        auto resource_id = read_int_or(item, "resource_id", path, 0);
        if (!resource_id) return tl::unexpected(resource_id.error());
        WebhookEvent event{*company, read_text(item, "resource"), *resource_id, read_text(item, "status"), Json()};
        if (event.resource.empty()) return fail(Errc::bad_input, "ui.error.bad_webhook", join_path(path, "resource") + ": missing");
        if (event.status != "create" && event.status != "update" && event.status != "delete")
            return fail(Errc::bad_input, "ui.error.bad_webhook", join_path(path, "status") + ": unknown event type");
        if (const Json* data = member(item, "data")) event.data = *data;
        events.push_back(std::move(event));
        return {};
    };
    if (body->is_array()) {
        for (size_t i = 0; i < body->size(); ++i)
            if (auto ok = decode_one((*body)[i], index_path("", i)); !ok) return tl::unexpected(ok.error());
    } else if (auto ok = decode_one(*body, "event"); !ok) {
        return tl::unexpected(ok.error());
    }
    return events;
}

}  // namespace kb::wire::altegio
