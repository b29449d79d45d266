#include "shared/wire/widget_api.hpp"

#include "shared/wire/object_reader.hpp"

namespace kb::wire::api {

using namespace kb::domain;

namespace {

// [SECTION] domain types ---------------------------------------------------------------------------------
Json encode_client(const ClientData& c) { return Json{{"name", c.name}, {"phone", c.phone}, {"email", c.email}}; }
ClientData decode_client(const Json& j) { return ClientData{read_text(j, "name"), read_text(j, "phone"), read_text(j, "email")}; }

Json encode_category(const ServiceCategory& c) { return Json{{"id", c.id}, {"title", c.title}, {"weight", c.weight}}; }
Result<ServiceCategory> decode_category(const Json& j, std::string_view path) {
    FieldReader r{j, std::string(path), {}};
    ServiceCategory c{r.integer("id"), r.text("title"), static_cast<int32_t>(r.integer_or("weight", 0))};
    return finish(r, std::move(c));
}

Json encode_service(const Service& s) {
    return Json{{"id", s.id}, {"title", s.title}, {"category_id", s.category_id}, {"price_min_minor", s.price_min.minor},
                {"price_max_minor", s.price_max.minor}, {"duration_seconds", s.duration_seconds}};
}
Result<Service> decode_service(const Json& j, std::string_view path) {
    FieldReader r{j, std::string(path), {}};
    Service s{r.integer("id"), r.text("title"), r.integer_or("category_id", 0), Money{r.integer_or("price_min_minor", 0)},
              Money{r.integer_or("price_max_minor", 0)}, static_cast<int32_t>(r.integer_or("duration_seconds", 0))};
    return finish(r, std::move(s));
}

Json encode_staff(const Staff& s) {
    return Json{{"id", s.id}, {"name", s.name}, {"specialization", s.specialization}, {"bookable", s.bookable}};
}
Result<Staff> decode_staff(const Json& j, std::string_view path) {
    FieldReader r{j, std::string(path), {}};
    Staff s{r.integer("id"), r.text("name"), r.text("specialization"), read_flag(j, "bookable", true)};
    return finish(r, std::move(s));
}

Json encode_slot(const TimeSlot& t) { return Json{{"time", t.time}, {"datetime", t.datetime}, {"seance_length", t.seance_length}}; }
Result<TimeSlot> decode_slot(const Json& j, std::string_view path) {
    FieldReader r{j, std::string(path), {}};
    TimeSlot t{r.text("time"), r.text("datetime"), static_cast<int32_t>(r.integer_or("seance_length", 0))};
    return finish(r, std::move(t));
}

Json encode_record(const Record& rec) {
    Json services = encode_each(rec.services, [](const RecordService& s) {
        return Json{{"id", s.id}, {"title", s.title}, {"cost_minor", s.cost.minor}};
    });
    Json out{{"id", rec.id}, {"company_id", rec.company_id}, {"staff_id", rec.staff_id}, {"staff_name", rec.staff_name},
             {"staff_specialization", rec.staff_specialization}, {"services", services}, {"date", rec.date},
             {"datetime", rec.datetime}, {"seance_length", rec.seance_length},
             {"attendance", static_cast<int32_t>(rec.attendance)}, {"deleted", rec.deleted}, {"api_id", rec.api_id},
             {"comment", rec.comment}, {"client_id", rec.client_id}, {"paid_minor", rec.paid.minor},
             {"activity_id", rec.activity_id}, {"color", rec.color}, {"custom_fields", rec.custom_fields}};
    out["labels"] = encode_each(rec.labels, [](const Label& l) { return Json{{"id", l.id}, {"title", l.title}, {"color", l.color}}; });
    out["client"] = rec.client ? encode_client(*rec.client) : Json();
    return out;
}
Result<Record> decode_record(const Json& j, std::string_view path) {
    FieldReader r{j, std::string(path), {}};
    Record rec;
    rec.id = r.integer("id");
    rec.company_id = r.integer_or("company_id", 0);
    rec.staff_id = r.integer_or("staff_id", 0);
    rec.staff_name = r.text("staff_name");
    rec.staff_specialization = r.text("staff_specialization");
    const Json& services = r.list("services");
    for (size_t i = 0; i < services.size(); ++i) {
        FieldReader s{services[i], index_path(join_path(path, "services"), i), {}};
        rec.services.push_back(RecordService{s.integer("id"), s.text("title"), Money{s.integer_or("cost_minor", 0)}});
        if (s.error && !r.error) r.error = s.error;
    }
    rec.date = r.text("date");
    rec.datetime = r.text("datetime");
    rec.seance_length = static_cast<int32_t>(r.integer_or("seance_length", 0));
    int64_t attendance = r.integer_or("attendance", 0);
    if (attendance < -1 || attendance > 2) attendance = 0;
    rec.attendance = static_cast<Attendance>(attendance);
    rec.deleted = read_flag(j, "deleted");
    rec.api_id = r.text("api_id");
    rec.comment = r.text("comment");
    rec.client_id = r.integer_or("client_id", 0);
    rec.paid = Money{r.integer_or("paid_minor", 0)};
    rec.activity_id = r.integer_or("activity_id", 0);
    rec.color = r.text("color");
    rec.custom_fields = texts_of(r, "custom_fields");
    if (const Json* labels = member(j, "labels"); labels && labels->is_array())
        for (const auto& l : *labels)
            if (l.is_object()) rec.labels.push_back(Label{read_int_or(l, "id", "", 0).value_or(0), read_text(l, "title"), read_text(l, "color")});
    if (const Json* client = member(j, "client"); client && client->is_object()) rec.client = decode_client(*client);
    return finish(r, std::move(rec));
}

}  // namespace

Json encode_branch(const Branch& b) {
    return Json{{"id", b.id}, {"title", b.title}, {"address", b.address}, {"timezone_name", b.timezone_name}, {"currency", b.currency},
                {"chain_id", b.chain_id}, {"chain_title", b.chain_title}};
}
Result<Branch> decode_branch(const Json& j, std::string_view path) {
    FieldReader r{j, std::string(path), {}};
    Branch b{r.integer("id"), r.text("title"), r.text("address"), r.text("timezone_name"), r.text("currency"),
             r.integer_or("chain_id", 0), r.text("chain_title")};
    return finish(r, std::move(b));
}

// [SECTION] messages ---------------------------------------------------------------------------------------
const char* booking_access_name(BookingAccess access) {
    switch (access) {
        case BookingAccess::own_login: return "own_login";
        case BookingAccess::general_account: return "general_account";
        case BookingAccess::not_linked: return "not_linked";
        case BookingAccess::login_failed: return "login_failed";
    }
    return "not_linked";
}

Json encode(const CardContext& v) {
    return Json{{"lead_id", v.lead_id}, {"lead_name", v.lead_name}, {"contact", encode_client(v.contact)},
                {"branches", encode_each(v.branches, encode_branch)}, {"records_window_hidden", v.records_window_hidden},
                {"access", booking_access_name(v.access)}};
}
Result<CardContext> decode_card_context(const Json& j) {
    FieldReader r{j, "card", {}};
    CardContext v{r.integer("lead_id"), r.text("lead_name"), {}, {}, read_flag(j, "records_window_hidden")};
    // A relay older than the access rule says nothing: it books on the general account, as it always did.
    if (std::string access = read_text(j, "access"); !access.empty()) {
        v.access = BookingAccess::not_linked;   // a state this widget does not know: it does not offer to book
        for (auto known : {BookingAccess::own_login, BookingAccess::general_account, BookingAccess::login_failed})
            if (access == booking_access_name(known)) v.access = known;
    }
    if (const Json* contact = member(j, "contact")) v.contact = decode_client(*contact);
    auto branches = decode_list<Branch>(r.list("branches"), "card.branches", decode_branch);
    if (!branches) return tl::unexpected(branches.error());
    v.branches = std::move(*branches);
    return finish(r, std::move(v));
}

Json encode(const LeadChoice& v) { return Json{{"id", v.id}, {"name", v.name}}; }
Result<LeadChoice> decode_lead_choice(const Json& j) {
    FieldReader r{j, "lead", {}};
    LeadChoice v{r.integer("id"), r.text("name")};
    return finish(r, std::move(v));
}
Json encode(const std::vector<LeadChoice>& v) {
    return Json{{"leads", encode_each(v, [](const LeadChoice& l) { return encode(l); })}};
}
Result<std::vector<LeadChoice>> decode_lead_choices(const Json& j) {
    FieldReader r{j, "", {}};
    const Json& list = r.list("leads");
    if (r.error) return tl::unexpected(*r.error);
    return decode_list<LeadChoice>(list, "leads", +[](const Json& item, std::string_view) { return decode_lead_choice(item); });
}
Json encode(const NewLeadRequest& v) { return Json{{"client", encode_client(v.client)}, {"request_key", v.request_key}}; }
Result<NewLeadRequest> decode_new_lead_request(const Json& j) {
    FieldReader r{j, "new_lead", {}};
    NewLeadRequest v{{}, r.text("request_key")};
    if (const Json* client = member(j, "client")) v.client = decode_client(*client);
    return finish(r, std::move(v));
}

Json encode_label(const Label& l) { return Json{{"id", l.id}, {"title", l.title}, {"color", l.color}}; }

Json encode_field_list(const std::vector<RecordField>& fields) {
    return encode_each(fields, [](const RecordField& f) { return Json{{"code", f.code}, {"title", f.title}, {"type", f.type}}; });
}
std::vector<RecordField> decode_field_list(const Json* list) {
    std::vector<RecordField> out;
    if (list && list->is_array())
        for (const auto& f : *list)
            if (f.is_object() && !read_text(f, "code").empty()) out.push_back(RecordField{read_text(f, "code"), read_text(f, "title"), read_text(f, "type")});
    return out;
}

Json encode(const Catalog& v) {
    return Json{{"categories", encode_each(v.categories, encode_category)}, {"services", encode_each(v.services, encode_service)},
                {"labels", encode_each(v.labels, encode_label)},
                {"record_fields", encode_field_list(v.record_fields)}};
}
Result<Catalog> decode_catalog(const Json& j) {
    FieldReader r{j, "catalog", {}};
    auto categories = decode_list<ServiceCategory>(r.list("categories"), "catalog.categories", decode_category);
    auto services = decode_list<Service>(r.list("services"), "catalog.services", decode_service);
    if (!categories) return tl::unexpected(categories.error());
    if (!services) return tl::unexpected(services.error());
    Catalog out{std::move(*categories), std::move(*services), {}};
    if (const Json* labels = member(j, "labels"); labels && labels->is_array())
        for (const auto& l : *labels)
            if (l.is_object()) out.labels.push_back(Label{read_int_or(l, "id", "", 0).value_or(0), read_text(l, "title"), read_text(l, "color")});
    out.record_fields = decode_field_list(member(j, "record_fields"));
    return finish(r, std::move(out));
}

Json encode(const std::vector<Staff>& v) { return Json{{"staff", encode_each(v, encode_staff)}}; }
Result<std::vector<Staff>> decode_staff_list(const Json& j) {
    FieldReader r{j, "", {}};
    const Json& list = r.list("staff");
    if (r.error) return tl::unexpected(*r.error);
    return decode_list<Staff>(list, "staff", decode_staff);
}

Json encode(const std::vector<std::string>& dates) { return Json{{"dates", dates}}; }
Result<std::vector<std::string>> decode_dates(const Json& j) {
    FieldReader r{j, "", {}};
    std::vector<std::string> out;
    for (const auto& d : r.list("dates"))
        if (d.is_string()) out.push_back(d.get<std::string>());
    return finish(r, std::move(out));
}

Json encode(const std::vector<TimeSlot>& v) { return Json{{"times", encode_each(v, encode_slot)}}; }
Result<std::vector<TimeSlot>> decode_times(const Json& j) {
    FieldReader r{j, "", {}};
    const Json& list = r.list("times");
    if (r.error) return tl::unexpected(*r.error);
    return decode_list<TimeSlot>(list, "times", decode_slot);
}

Json encode(const std::vector<GroupEvent>& v) {
    return Json{{"events", encode_each(v, [](const GroupEvent& e) {
                     return Json{{"id", e.id}, {"service_id", e.service_id}, {"service_title", e.service_title}, {"staff_id", e.staff_id},
                                 {"staff_name", e.staff_name}, {"date", e.date}, {"length", e.length}, {"capacity", e.capacity},
                                 {"records_count", e.records_count}};
                 })}};
}
Result<std::vector<GroupEvent>> decode_group_events(const Json& j) {
    FieldReader r{j, "", {}};
    const Json& list = r.list("events");
    if (r.error) return tl::unexpected(*r.error);
    return decode_list<GroupEvent>(list, "events", [](const Json& e, std::string_view path) {
        FieldReader er{e, std::string(path), {}};
        GroupEvent out{er.integer("id"), er.integer_or("service_id", 0), er.text("service_title"), er.integer_or("staff_id", 0),
                       er.text("staff_name"), er.text("date"), static_cast<int32_t>(er.integer_or("length", 0)),
                       static_cast<int32_t>(er.integer_or("capacity", 0)), static_cast<int32_t>(er.integer_or("records_count", 0))};
        return finish(er, std::move(out));
    });
}

Json encode(const DaySchedule& v) {
    Json columns = encode_each(v.columns, [](const ScheduleColumn& c) {
        Json out{{"staff", encode_staff(c.staff)}, {"hours_known", c.hours_known},
                 {"working", encode_each(c.working, [](const WorkInterval& w) { return Json{{"from", w.from}, {"to", w.to}}; })},
                 {"records", encode_each(c.records, encode_record)}, {"free", encode_each(c.free, encode_slot)}};
        return out;
    });
    return Json{{"date", v.date}, {"timezone_name", v.timezone_name}, {"free_times_asked", v.free_times_asked}, {"columns", columns}};
}
Result<DaySchedule> decode_day_schedule(const Json& j) {
    FieldReader r{j, "schedule", {}};
    DaySchedule v{r.text("date"), r.text("timezone_name"), read_flag(j, "free_times_asked"), {}};
    const Json& columns = r.list("columns");
    for (size_t i = 0; i < columns.size() && !r.error; ++i) {
        const Json& c = columns[i];
        std::string path = index_path("schedule.columns", i);
        ScheduleColumn column;
        const Json* staff = member(c, "staff");
        if (!staff) return fail(Errc::bad_input, "ui.error.bad_reply", path + ".staff: missing");
        auto decoded_staff = decode_staff(*staff, path + ".staff");
        if (!decoded_staff) return tl::unexpected(decoded_staff.error());
        column.staff = std::move(*decoded_staff);
        column.hours_known = read_flag(c, "hours_known");
        FieldReader cr{c, path, {}};
        for (const auto& w : cr.list("working")) column.working.push_back(WorkInterval{read_text(w, "from"), read_text(w, "to")});
        auto records = decode_list<Record>(cr.list("records"), path + ".records", decode_record);
        auto free = decode_list<TimeSlot>(cr.list("free"), path + ".free", decode_slot);
        if (cr.error) return tl::unexpected(*cr.error);
        if (!records) return tl::unexpected(records.error());
        if (!free) return tl::unexpected(free.error());
        column.records = std::move(*records);
        column.free = std::move(*free);
        v.columns.push_back(std::move(column));
    }
    return finish(r, std::move(v));
}

Json encode(const BookingRequest& v) {
    return Json{{"lead_id", v.lead_id}, {"company_id", v.company_id}, {"staff_id", v.staff_id},
                {"service_ids", v.service_ids}, {"datetime", v.datetime}, {"client", encode_client(v.client)},
                {"comment", v.comment}, {"color", v.color}, {"label_ids", v.label_ids}, {"activity_id", v.activity_id},
                {"request_key", v.request_key}, {"custom_fields", v.custom_fields}};
}
Result<BookingRequest> decode_booking_request(const Json& j) {
    if (!j.is_object()) return fail(Errc::bad_input, "ui.error.bad_request", "booking: expected an object");
    FieldReader r{j, "booking", {}};
    BookingRequest v;
    v.lead_id = r.integer("lead_id");
    v.company_id = r.integer("company_id");
    v.staff_id = r.integer_or("staff_id", 0);
    v.service_ids = ids_of(r, "service_ids");
    v.datetime = r.text("datetime");
    if (const Json* client = member(j, "client")) v.client = decode_client(*client);
    v.comment = r.text("comment");
    v.color = r.text("color");
    v.label_ids = ids_of(r, "label_ids");
    v.activity_id = r.integer_or("activity_id", 0);
    v.request_key = r.text("request_key");
    v.custom_fields = texts_of(r, "custom_fields");
    if (r.error) r.error->message_key = "ui.error.bad_request";
    return finish(r, std::move(v));
}

Json encode(const RecordChange& v) {
    return Json{{"staff_id", v.staff_id}, {"service_ids", v.service_ids}, {"datetime", v.datetime},
                {"comment", v.comment}, {"color", v.color}, {"label_ids", v.label_ids}, {"custom_fields", v.custom_fields}};
}
Result<RecordChange> decode_record_change(const Json& j) {
    if (!j.is_object()) return fail(Errc::bad_input, "ui.error.bad_request", "change: expected an object");
    FieldReader r{j, "change", {}};
    RecordChange v;
    v.staff_id = r.integer("staff_id");
    v.service_ids = ids_of(r, "service_ids");
    v.datetime = r.text("datetime");
    v.comment = r.text("comment");
    v.color = r.text("color");
    v.label_ids = ids_of(r, "label_ids");
    v.custom_fields = texts_of(r, "custom_fields");
    if (r.error) r.error->message_key = "ui.error.bad_request";
    return finish(r, std::move(v));
}

Json encode(const BookingResult& v) {
    return Json{{"record", encode_record(v.record)}, {"branch_title", v.branch_title}, {"lead_updated", v.lead_updated},
                {"warning_key", v.warning_key}};
}
Result<BookingResult> decode_booking_result(const Json& j) {
    const Json* record = member(j, "record");
    if (!record) return fail(Errc::bad_input, "ui.error.bad_reply", "result.record: missing");
    auto rec = decode_record(*record, "result.record");
    if (!rec) return tl::unexpected(rec.error());
    return BookingResult{std::move(*rec), read_text(j, "branch_title"), read_flag(j, "lead_updated"), read_text(j, "warning_key")};
}

Json encode(const RecordRow& v) {
    return Json{{"record", encode_record(v.record)}, {"branch_title", v.branch_title}, {"currency", v.currency}, {"lead_id", v.lead_id}};
}
Result<RecordRow> decode_record_row(const Json& j) {
    const Json* record = member(j, "record");
    if (!record) return fail(Errc::bad_input, "ui.error.bad_reply", "row.record: missing");
    auto rec = decode_record(*record, "row.record");
    if (!rec) return tl::unexpected(rec.error());
    return RecordRow{std::move(*rec), read_text(j, "branch_title"), read_text(j, "currency"), read_int_or(j, "lead_id", "row", 0).value_or(0)};
}

Json encode(const RecordLog& v) {
    return Json{{"records", encode_each(v.rows, [](const RecordRow& r) { return encode(r); })}, {"truncated", v.truncated},
                {"go_to_lead_button", v.go_to_lead_button}};
}
Result<RecordLog> decode_record_log(const Json& j) {
    FieldReader r{j, "", {}};
    const Json& list = r.list("records");
    if (r.error) return tl::unexpected(*r.error);
    RecordLog out;
    out.truncated = read_flag(j, "truncated");
    out.go_to_lead_button = read_flag(j, "go_to_lead_button", true);
    for (const auto& item : list) {
        auto row = decode_record_row(item);
        if (!row) return tl::unexpected(row.error());
        out.rows.push_back(std::move(*row));
    }
    return out;
}

Json encode(const ClientSummary& v) {
    const auto& c = v.client;
    Json out{{"found", v.found}, {"company_id", v.company_id}, {"currency", v.currency},
             {"client", Json{{"id", c.id}, {"name", c.name}, {"phone", c.phone}, {"email", c.email},
                             {"visits_count", c.visits_count}, {"visits_sum_minor", c.visits_sum.minor}}}};
    out["subscription"] = c.subscription ? Json{{"name", c.subscription->name}, {"start_date", c.subscription->start_date},
                                                {"end_date", c.subscription->end_date}, {"remaining", c.subscription->remaining}}
                                         : Json();
    return out;
}
Result<ClientSummary> decode_client_summary(const Json& j) {
    if (!j.is_object()) return fail(Errc::bad_input, "ui.error.bad_reply", "client summary: expected an object");
    FieldReader r{j, "summary", {}};
    ClientSummary v;
    v.found = read_flag(j, "found");
    v.company_id = r.integer_or("company_id", 0);
    v.currency = r.text("currency");
    if (const Json* c = member(j, "client"); c && c->is_object()) {
        FieldReader cr{*c, "summary.client", {}};
        v.client.id = cr.integer_or("id", 0);
        v.client.name = cr.text("name");
        v.client.phone = cr.text("phone");
        v.client.email = cr.text("email");
        v.client.visits_count = static_cast<int32_t>(cr.integer_or("visits_count", 0));
        v.client.visits_sum = Money{cr.integer_or("visits_sum_minor", 0)};
        if (cr.error && !r.error) r.error = cr.error;
    }
    if (const Json* s = member(j, "subscription"); s && s->is_object()) {
        FieldReader sr{*s, "summary.subscription", {}};
        v.client.subscription = Subscription{sr.text("name"), sr.text("start_date"), sr.text("end_date"),
                                             static_cast<int32_t>(sr.integer_or("remaining", -1))};
        if (sr.error && !r.error) r.error = sr.error;
    }
    return finish(r, std::move(v));
}

Json encode(const ApiError& v) {
    return Json{{"error", Json{{"code", v.code}, {"message_key", v.message_key}, {"detail", v.detail}}}};
}
ApiError to_api_error(const Error& error) { return ApiError{errc_name(error.code), error.message_key, error.detail}; }
Result<ApiError> decode_api_error(const Json& j) {
    const Json* e = member(j, "error");
    if (!e || !e->is_object()) return fail(Errc::bad_input, "ui.error.bad_reply", "error: missing");
    return ApiError{read_text(*e, "code"), read_text(*e, "message_key"), read_text(*e, "detail")};
}

}  // namespace kb::wire::api
