// Seed data that looks like a real salon chain and a real Kommo account: a chain with a Moscow and a
// Madrid branch (different time zones and currencies), employees with specializations and schedules,
// twelve services in three categories, records already booked, pipelines with stages, users, leads and
// contacts with Russian, Spanish and English names.
#include "sandbox/state.hpp"

#include <algorithm>
#include "shared/domain/calendar.hpp"

namespace kb::sandbox {
namespace {

Json service(int64_t id, const char* title, int64_t category, int64_t price_min, int64_t price_max, int32_t minutes,
             std::vector<int64_t> staff_ids) {
    Json staff = Json::array();
    for (int64_t s : staff_ids) staff.push_back(Json{{"id", s}, {"seance_length", minutes * 60}});
    // Prices come as decimal strings, as the real staff-side list sends them.
    return Json{{"id", id}, {"title", title}, {"category_id", category},
                {"price_min", std::to_string(price_min) + ".00"}, {"price_max", std::to_string(price_max) + ".00"},
                {"discount", 0}, {"comment", ""}, {"weight", 0}, {"active", 1}, {"api_id", Json()}, {"staff", staff}};
}

Json staff_member(int64_t id, const char* name, const char* specialization, int64_t position_id, const char* position) {
    return Json{{"id", id}, {"api_id", Json()}, {"name", name}, {"specialization", specialization},
                {"position", Json{{"id", position_id}, {"title", position}}}, {"weight", 0}, {"rating", 5},
                {"avatar", ""}, {"information", ""}, {"hidden", 0}, {"fired", 0}, {"bookable", true}};
}

Json custom_phone_email(const char* phone, const char* email) {
    Json fields = Json::array();
    if (phone && *phone)
        fields.push_back(Json{{"field_id", 880001}, {"field_name", "Phone"}, {"field_code", "PHONE"}, {"field_type", "multitext"},
                              {"values", Json::array({Json{{"value", phone}, {"enum_id", 1}, {"enum_code", "WORK"}}})}});
    if (email && *email)
        fields.push_back(Json{{"field_id", 880002}, {"field_name", "Email"}, {"field_code", "EMAIL"}, {"field_type", "multitext"},
                              {"values", Json::array({Json{{"value", email}, {"enum_id", 3}, {"enum_code", "WORK"}}})}});
    return fields;
}

}  // namespace

void seed(Sandbox::State& s, int64_t now, int64_t kommo_account_id, const std::string& kommo_subdomain) {
    // [SECTION] Altegio: chain, branches, catalogue, staff
    constexpr int64_t moscow = 400001, madrid = 400002;
    s.companies = Json::array({
        Json{{"id", moscow}, {"title", "Bella Studio — Тверская"}, {"short_descr", "Салон красоты"}, {"active", 1},
             {"phone", "+74950000001"}, {"country", "Россия"}, {"city", "Москва"}, {"timezone_name", "Europe/Moscow"},
             {"timezone", 3}, {"address", "Тверская ул., 7"}, {"currency_short_title", "₽"}, {"main_group_id", 90001}},
        Json{{"id", madrid}, {"title", "Bella Studio — Gran Vía"}, {"short_descr", "Salón de belleza"}, {"active", 1},
             {"phone", "+34910000002"}, {"country", "España"}, {"city", "Madrid"}, {"timezone_name", "Europe/Madrid"},
             {"timezone", 1}, {"address", "Gran Vía, 28"}, {"currency_short_title", "€"}, {"main_group_id", 90001}},
    });
    s.chains = Json::array({Json{{"id", 90001}, {"title", "Bella Studio"}}});
    // The user token of the chain's "Telephony integration" settings.
    s.voip_chains["sandbox-crm-token"] = Json{{"chain_id", 90001}, {"title", "Bella Studio"}, {"enabled", false}};
    s.company_offsets = {{moscow, 3 * 3600}, {madrid, 1 * 3600}};

    s.categories[moscow] = Json::array({Json{{"id", 101}, {"title", "Волосы"}, {"weight", 30}, {"api_id", ""}, {"staff", Json::array()}},
                                        Json{{"id", 102}, {"title", "Ногти"}, {"weight", 20}, {"api_id", ""}, {"staff", Json::array()}},
                                        Json{{"id", 103}, {"title", "Спа и уход"}, {"weight", 10}, {"api_id", ""}, {"staff", Json::array()}}});
    s.categories[madrid] = Json::array({Json{{"id", 201}, {"title", "Peluquería"}, {"weight", 30}, {"api_id", ""}, {"staff", Json::array()}},
                                        Json{{"id", 202}, {"title", "Uñas"}, {"weight", 20}, {"api_id", ""}, {"staff", Json::array()}},
                                        Json{{"id", 203}, {"title", "Spa & Wellness"}, {"weight", 10}, {"api_id", ""}, {"staff", Json::array()}}});

    s.staff[moscow] = Json::array({staff_member(5001, "Ольга Смирнова", "Стилист-колорист", 11, "Стилист"),
                                   staff_member(5002, "Ирина Петрова", "Мастер маникюра", 12, "Мастер ногтевого сервиса"),
                                   staff_member(5003, "Алексей Волков", "Барбер", 13, "Барбер")});
    s.staff[madrid] = Json::array({staff_member(5101, "Lucía Fernández", "Estilista", 21, "Estilista"),
                                   staff_member(5102, "Carmen Ruiz", "Manicurista", 22, "Manicurista"),
                                   staff_member(5103, "James Walker", "Massage therapist", 23, "Therapist")});
    s.schedules = {{5001, {{0, 1, 2, 3, 4, 5}, 10 * 60, 20 * 60}}, {5002, {{1, 2, 3, 4, 5}, 10 * 60, 20 * 60}},
                   {5003, {{0, 1, 2, 3, 4, 5, 6}, 11 * 60, 21 * 60}}, {5101, {{0, 1, 2, 3, 4}, 9 * 60, 18 * 60}},
                   {5102, {{0, 1, 2, 3, 4, 5}, 10 * 60, 19 * 60}}, {5103, {{1, 2, 3, 4, 5}, 9 * 60, 17 * 60}}};

    s.services[moscow] = Json::array({service(7001, "Женская стрижка", 101, 2500, 3500, 60, {5001}),
                                      service(7002, "Окрашивание в один тон", 101, 4500, 7000, 120, {5001}),
                                      service(7003, "Мужская стрижка", 101, 1800, 1800, 45, {5003}),
                                      service(7004, "Стрижка бороды", 101, 1200, 1200, 30, {5003}),
                                      service(7005, "Маникюр с покрытием", 102, 2200, 2600, 90, {5002}),
                                      service(7006, "Педикюр", 102, 2800, 2800, 75, {5002}),
                                      service(7007, "Укладка", 101, 1500, 2000, 45, {5001, 5003}),
                                      service(7008, "Мастер-класс: укладка дома", 101, 900, 900, 60, {5001})});
    s.services[madrid] = Json::array({service(7101, "Corte de pelo mujer", 201, 35, 45, 60, {5101}),
                                      service(7102, "Mechas balayage", 201, 90, 140, 150, {5101}),
                                      service(7103, "Manicura semipermanente", 202, 25, 30, 60, {5102}),
                                      service(7104, "Pedicura spa", 202, 35, 35, 60, {5102}),
                                      service(7105, "Masaje relajante 60 min", 203, 55, 55, 60, {5103}),
                                      service(7106, "Facial hidratante", 203, 48, 60, 45, {5103}),
                                      service(7107, "Pilates en grupo", 203, 15, 15, 60, {5103})});
    // Record categories (entity 2) and a client label (entity 1), as GET /labels lists them.
    auto label = [](int64_t id, const char* title, const char* color, int entity, bool deleted = false) {
        return Json{{"id", id}, {"title", title}, {"color", color}, {"icon", ""}, {"entity", entity}, {"deleted", deleted}, {"not_editable", 0}};
    };
    s.labels[moscow] = Json::array({label(67345, "Первичный визит", "#4caf50", 2), label(67346, "Повторный визит", "#2196f3", 2),
                                    label(67347, "VIP", "#9c27b0", 2), label(67348, "Старая категория", "#795548", 2, true),
                                    label(67349, "Постоянный клиент", "#ff9800", 1)});
    s.labels[madrid] = Json::array({label(68101, "Primera visita", "#4caf50", 2), label(68102, "Cliente habitual", "#2196f3", 2)});
    // Additional record and client fields, as GET /custom_fields/{record|client} lists them.
    auto record_field = [](int64_t id, const char* code, const char* title, const char* type) {
        return Json{{"id", id}, {"custom_field", Json{{"id", id}, {"code", code}, {"title", title}, {"type", Json{{"code", type}, {"title", type}}},
                                                      {"user_can_edit", true}, {"show_in_ui", true}}}};
    };
    s.record_fields[moscow] = Json::array({record_field(3101, "referral", "Откуда узнали о нас", "text"),
                                           record_field(3102, "deposit", "Предоплата", "number"),
                                           record_field(3103, "patch_test", "Дата теста на аллергию", "date")});
    s.record_fields[madrid] = Json::array({record_field(3201, "alergias", "Alergias", "text")});
    s.client_fields[moscow] = Json::array({record_field(3301, "instagram", "Instagram", "text"),
                                           record_field(3302, "loyalty_card", "Номер карты лояльности", "text")});
    s.client_fields[madrid] = Json::array({record_field(3401, "idioma", "Idioma preferido", "text")});
    for (int64_t company : {moscow, madrid})
        s.hooks[company] = Json{{"urls", Json::array()}, {"active", 0}, {"record", 1}, {"client", 1}, {"self_sending", 0}};

    // [SECTION] Altegio: records already booked (from tomorrow on, branch time, on days the employee works)
    auto add_record = [&](int64_t company, int64_t staff_id, int64_t service_id, int days_ahead, int hour, int minute,
                          const char* client_name, const char* phone) {
        int32_t offset = s.company_offsets[company];
        int64_t local_day = (now + offset) / 86400 + days_ahead;
        const auto& workdays = s.schedules.at(staff_id).weekdays;
        while (std::find(workdays.begin(), workdays.end(), domain::weekday_from_days(local_day)) == workdays.end()) ++local_day;
        int64_t start = local_day * 86400 + hour * 3600 + minute * 60 - offset;
        Json service_json, staff_json;
        for (const auto& sv : s.services[company]) if (sv["id"] == service_id) service_json = sv;
        for (const auto& st : s.staff[company]) if (st["id"] == staff_id) staff_json = st;
        int64_t length = service_json["staff"][0]["seance_length"].get<int64_t>();
        int64_t cost = std::stoll(service_json["price_min"].get<std::string>());
        int64_t client_id = s.next_client_id++;
        s.clients[client_id] = Json{{"id", client_id}, {"company_id", company}, {"name", client_name}, {"phone", phone}, {"email", ""}, {"visits", 3}};
        int64_t id = s.next_record_id++;
        s.records[id] = Json{{"id", id}, {"company_id", company}, {"staff_id", staff_id},
                             {"services", Json::array({Json{{"id", service_id}, {"title", service_json["title"]}, {"cost", cost},
                                                            {"cost_to_pay", cost}, {"manual_cost", cost}, {"first_cost", cost},
                                                            {"discount", 0}, {"amount", 1}}})},
                             {"staff", Json{{"id", staff_id}, {"name", staff_json["name"]}, {"specialization", staff_json["specialization"]},
                                            {"position", staff_json["position"]}}},
                             {"client", Json{{"id", client_id}, {"name", client_name}, {"phone", phone}, {"email", ""},
                                             {"success_visits_count", 3}, {"fail_visits_count", 0}}},
                             {"clients_count", 1}, {"date", local_wall(start, offset)}, {"datetime", local_iso(start, offset)},
                             {"create_date", local_iso(now - 86400, offset)}, {"comment", ""}, {"online", false},
                             {"visit_attendance", 2}, {"attendance", 2}, {"confirmed", 1}, {"seance_length", length},
                             {"length", length}, {"api_id", ""}, {"deleted", false}, {"last_change_date", local_iso(now - 3600, offset)},
                             {"custom_color", ""}, {"record_labels", Json::array()}, {"activity_id", 0}};
    };
    // [SECTION] Altegio: group events every day for two weeks, before the employee's own hours
    auto add_events = [&](int64_t company, int64_t service_id, int64_t staff_id, int hour, int minute, int capacity, int64_t first_id) {
        int64_t today = (now + s.company_offsets[company]) / 86400;
        for (int day = 0; day < 14; ++day) {
            char date[32];
            auto civil = domain::civil_from_days(today + day);
            std::snprintf(date, sizeof date, "%04d-%02d-%02d %02d:%02d:00", civil.year, civil.month, civil.day, hour, minute);
            s.activities[first_id + day] = Json{{"id", first_id + day}, {"company_id", company}, {"service_id", service_id},
                                                {"staff_id", staff_id}, {"date", date}, {"length", 3600}, {"capacity", capacity}};
        }
    };
    add_events(moscow, 7008, 5001, 8, 30, 6, 880001);
    add_events(madrid, 7107, 5103, 8, 0, 8, 881001);

    add_record(moscow, 5001, 7001, 1, 12, 0, "Мария Кузнецова", "+79161112233");
    add_record(moscow, 5001, 7002, 1, 15, 0, "Екатерина Орлова", "+79034445566");
    add_record(moscow, 5003, 7003, 1, 11, 0, "Дмитрий Соколов", "+79267778899");
    add_record(madrid, 5101, 7101, 1, 10, 0, "Sofía Martín", "+34611223344");
    add_record(madrid, 5103, 7105, 2, 9, 30, "Emily Carter", "+447700900123");
    // A regular of the Moscow branch with no record yet: the client of lead 21004's contact, found by phone.
    int64_t regular = s.next_client_id++;
    s.clients[regular] = Json{{"id", regular}, {"company_id", moscow}, {"name", "Сергей Новиков"}, {"phone", "+79165554433"},
                              {"email", ""}, {"visits", 7}, {"spent", 12400},
                              {"custom_fields", Json{{"instagram", "@novikov.s"}, {"loyalty_card", "BS-0457"}}}};
    s.abonements["79165554433"] = Json{{"balance_string", "Стрижки (x2)"}, {"activated_date", local_iso(now - 20 * 86400, s.company_offsets[moscow])},
                                       {"period", 3}, {"period_unit_id", 3}, {"type", Json{{"title", "Абонемент на 5 стрижек"}}}};

    // Employees with their own Altegio accounts (the settings page links them to Kommo users).
    s.employee_logins["olga@bella.example"] = Json{{"id", 12795501}, {"name", "Ольга Смирнова"}, {"password", "olga-sandbox"}};
    s.employee_logins["lucia@bella.example"] = Json{{"id", 12795601}, {"name", "Lucía Fernández"}, {"password", "lucia-sandbox"}};

    // [SECTION] Kommo: account, users, pipelines, fields
    s.account = Json{{"id", kommo_account_id}, {"name", "Bella Studio"}, {"subdomain", kommo_subdomain}, {"currency", "RUB"},
                     {"country", "RU"}, {"created_at", now - 400 * 86400}};
    s.datetime_settings = Json{{"date_pattern", "d.m.Y H:i"}, {"short_date_pattern", "d.m.Y"}, {"short_time_pattern", "H:i"},
                               {"date_format", "d.m.Y"}, {"time_format", "H:i"}, {"timezone", "Europe/Moscow"}, {"timezone_offset", "+03:00"}};
    s.users = Json::array({Json{{"id", 9001}, {"name", "Анна Менеджерова"}, {"email", "anna@bella.example"}, {"lang", "ru"},
                                {"rights", Json{{"is_admin", true}}}},
                           Json{{"id", 9002}, {"name", "Javier Gómez"}, {"email", "javier@bella.example"}, {"lang", "es"},
                                {"rights", Json{{"is_admin", false}}}},
                           Json{{"id", 9003}, {"name", "Laura Smith"}, {"email", "laura@bella.example"}, {"lang", "en"},
                                {"rights", Json{{"is_admin", false}}}}});
    auto status = [kommo_account_id](int64_t id, const char* name, int64_t sort, int64_t pipeline, const char* color, int type) {
        return Json{{"id", id}, {"name", name}, {"sort", sort}, {"is_editable", id != 142 && id != 143}, {"pipeline_id", pipeline},
                    {"color", color}, {"type", type}, {"account_id", kommo_account_id}};
    };
    s.pipelines = Json::array({
        Json{{"id", 7700001}, {"name", "Записи"}, {"sort", 1}, {"is_main", true}, {"is_unsorted_on", true}, {"is_archive", false},
             {"account_id", kommo_account_id},
             {"_embedded", Json{{"statuses", Json::array({status(77001, "Неразобранное", 10, 7700001, "#c1c1c1", 1),
                                                          status(77002, "Новая заявка", 20, 7700001, "#99ccff", 0),
                                                          status(77003, "Записан", 30, 7700001, "#ffff99", 0),
                                                          status(77004, "Подтвердил", 40, 7700001, "#ffcc66", 0),
                                                          status(77005, "Пришёл", 50, 7700001, "#ccff66", 0),
                                                          status(77006, "Не пришёл", 60, 7700001, "#ff8f92", 0),
                                                          status(142, "Успешно реализовано", 10000, 7700001, "#CCFF66", 0),
                                                          status(143, "Закрыто и не реализовано", 11000, 7700001, "#D5D8DB", 0)})}}}},
        Json{{"id", 7700002}, {"name", "Ventas Madrid"}, {"sort", 2}, {"is_main", false}, {"is_unsorted_on", false},
             {"is_archive", false}, {"account_id", kommo_account_id},
             {"_embedded", Json{{"statuses", Json::array({status(77101, "Nueva solicitud", 10, 7700002, "#99ccff", 0),
                                                          status(77102, "Cita reservada", 20, 7700002, "#ffff99", 0),
                                                          status(142, "Logrado con éxito", 10000, 7700002, "#CCFF66", 0),
                                                          status(143, "Venta perdida", 11000, 7700002, "#D5D8DB", 0)})}}}},
    });
    // Fields the salon's admin made by hand before installing, as accounts usually have.
    auto field = [](int64_t id, const char* name, Json code, const char* type, int sort) {
        return Json{{"id", id}, {"name", name}, {"code", code}, {"type", type}, {"sort", sort}};
    };
    s.contact_fields = Json::array({field(880001, "Phone", "PHONE", "multitext", 4), field(880002, "Email", "EMAIL", "multitext", 6),
                                    field(880003, "Визитов", Json(), "numeric", 10), field(880004, "Сумма покупок", Json(), "numeric", 11),
                                    field(880005, "Абонемент", Json(), "text", 12), field(880006, "Абонемент с", Json(), "date", 13),
                                    field(880007, "Абонемент до", Json(), "date", 14), field(880008, "Осталось занятий", Json(), "numeric", 15)});
    s.lead_fields = Json::array({field(880010, "Source", Json(), "text", 1), field(880011, "Оплачено", Json(), "numeric", 2)});
    s.next_field_id = 880100;   // fields (and list options) added later never take a seeded id

    // [SECTION] Kommo: contacts and leads
    struct Person { int64_t id; const char* first; const char* last; const char* phone; const char* email; };
    const Person people[] = {{31001, "Анна", "Иванова", "+7 999 123-45-67", "anna.ivanova@example.ru"},
                             {31002, "María", "López García", "+34 600 111 222", "maria.lopez@example.es"},
                             {31003, "John", "Miller", "+44 7700 900456", "john.miller@example.co.uk"},
                             {31004, "Сергей", "Новиков", "8 (916) 555-44-33", ""}};
    for (const auto& p : people) {
        s.contacts[p.id] = Json{{"id", p.id}, {"name", std::string(p.first) + " " + p.last}, {"first_name", p.first},
                                {"last_name", p.last}, {"responsible_user_id", 9001}, {"group_id", 0}, {"created_by", 9001},
                                {"updated_by", 9001}, {"created_at", now - 30 * 86400}, {"updated_at", now - 86400},
                                {"closest_task_at", Json()}, {"is_deleted", false}, {"is_unsorted", false},
                                {"custom_fields_values", custom_phone_email(p.phone, p.email)}, {"account_id", kommo_account_id}};
    }
    struct Deal { int64_t id; const char* name; int64_t status; int64_t pipeline; int64_t contact; int64_t user; };
    const Deal deals[] = {{21001, "Анна Иванова — окрашивание", 77002, 7700001, 31001, 9001},
                          {21002, "María López — mechas", 77101, 7700002, 31002, 9002},
                          {21003, "John Miller — haircut", 77002, 7700001, 31003, 9003},
                          {21004, "Сергей Новиков — стрижка", 77003, 7700001, 31004, 9001}};
    for (const auto& d : deals) {
        s.leads[d.id] = Json{{"id", d.id}, {"name", d.name}, {"price", 0}, {"responsible_user_id", d.user}, {"group_id", 0},
                             {"status_id", d.status}, {"pipeline_id", d.pipeline}, {"loss_reason_id", Json()},
                             {"created_by", d.user}, {"updated_by", d.user}, {"created_at", now - 7 * 86400},
                             {"updated_at", now - 3600}, {"closed_at", Json()}, {"closest_task_at", Json()},
                             {"is_deleted", false}, {"custom_fields_values", Json()}, {"score", Json()},
                             {"account_id", kommo_account_id}, {"labor_cost", Json()}};
        s.lead_contacts[d.id] = {{d.contact, true}};
    }
}

}  // namespace kb::sandbox
