#include "shared/domain/field_mapping.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <variant>
#include "shared/domain/calendar.hpp"
#include "shared/domain/money.hpp"
#include "shared/domain/text.hpp"

namespace kb::domain {

std::string cut_to_kommo_text(std::string text) {
    // Count code points, not bytes: 256 Cyrillic letters are 512 bytes and still fit.
    size_t code_points = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (code_points == kommo_text_limit) {
                text.resize(i);
                break;
            }
            ++code_points;
        }
    }
    return text;
}

namespace {

// [SECTION] what a source value is, before it meets a Kommo field type ---------------------------------------
struct Day { CivilDate date; int32_t offset_seconds; };
struct Instant { int64_t unix_seconds; int32_t offset_seconds; };
using Texts = std::vector<std::string>;
using Value = std::variant<std::string, Texts, Day, Instant, int64_t, Money>;

std::string join(const Texts& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string money_text(Money m) {
    std::string digits = std::to_string(m.minor < 0 ? -m.minor : m.minor);
    while (digits.size() < 3) digits.insert(0, "0");
    std::string out = (m.minor < 0 ? "-" : "") + digits.substr(0, digits.size() - 2);
    if (m.minor % 100 != 0) out += "." + digits.substr(digits.size() - 2);
    return out;
}

// A JSON number's text for a decimal (Kommo's numeric fields); up to 10 significant digits.
std::string decimal_text(double n) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", n);
    return text;
}

int64_t midnight(const Day& d) { return days_from_civil(d.date.year, d.date.month, d.date.day) * 86400 - d.offset_seconds; }

Day day_of(const Instant& i) {
    int64_t local = i.unix_seconds + i.offset_seconds;
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    return Day{civil_from_days(days), i.offset_seconds};
}

std::string as_text(const Value& value) {
    struct {
        std::string operator()(const std::string& s) { return s; }
        std::string operator()(const Texts& t) { return join(t); }
        std::string operator()(const Day& d) { return format_civil(d.date); }
        std::string operator()(const Instant& i) {
            int64_t local = i.unix_seconds + i.offset_seconds;
            int64_t seconds = ((local % 86400) + 86400) % 86400;
            char time[8];
            std::snprintf(time, sizeof time, "%02d:%02d", static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60));
            return format_civil(day_of(i).date) + " " + time;
        }
        std::string operator()(int64_t n) { return std::to_string(n); }
        std::string operator()(Money m) { return money_text(m); }
    } visitor;
    return std::visit(visitor, value);
}

bool is_empty(const Value& value) {
    if (auto* s = std::get_if<std::string>(&value)) return s->empty();
    if (auto* t = std::get_if<Texts>(&value)) return t->empty();
    return false;
}

// [SECTION] writing a value into a field of a given type -----------------------------------------------------
class Writer {
public:
    explicit Writer(const std::vector<KommoFieldInfo>& fields) : m_fields(fields) {}

    void put(int64_t field_id, const Value& value) {
        if (field_id == 0 || is_empty(value)) return;
        auto def = std::find_if(m_fields.begin(), m_fields.end(), [&](const auto& f) { return f.id == field_id; });
        if (def == m_fields.end()) return problem(field_id, "ui.settings_error.field_missing", "no such Kommo field");
        const std::string& type = def->type;
        if (type == "text" || type == "textarea" || type == "url" || type == "streetaddress")
            return text(field_id, cut_to_kommo_text(as_text(value)));
        if (type == "multitext") return text(field_id, cut_to_kommo_text(as_text(value)), "WORK");
        if (type == "numeric" || type == "price" || type == "monetary") return number(field_id, value);
        if (type == "date" || type == "birthday" || type == "date_time") return date(field_id, value, type == "date_time");
        if (type == "select" || type == "multiselect") return list(*def, value, type == "multiselect");
        if (type == "checkbox" || type == "radiobutton")
            return problem(field_id, "ui.settings_error.field_type_not_allowed", "field type " + type);
        problem(field_id, "ui.settings_error.field_type_not_supported", "field type " + type);
    }

    MappedFields result() { return std::move(m_out); }

private:
    void problem(int64_t field_id, std::string key, std::string detail) {
        m_out.problems.push_back(MappingProblem{field_id, std::move(key), std::move(detail)});
    }
    void text(int64_t field_id, std::string value, std::string enum_code = {}) {
        FieldValue v{field_id, FieldValue::Kind::text, std::move(value), 0, {}, std::move(enum_code)};
        m_out.values.push_back(std::move(v));
    }
    void number(int64_t field_id, const Value& value) {
        if (auto* n = std::get_if<int64_t>(&value)) {
            m_out.values.push_back(FieldValue{field_id, FieldValue::Kind::integer, {}, *n, {}, {}});
        } else if (auto* m = std::get_if<Money>(&value)) {
            m_out.values.push_back(FieldValue{field_id, FieldValue::Kind::decimal, money_text(*m), 0, {}, {}});
        } else if (auto n = parse_decimal(as_text(value))) {   // Kommo wants a number there, not text
            if (*n == static_cast<double>(static_cast<int64_t>(*n)))
                m_out.values.push_back(FieldValue{field_id, FieldValue::Kind::integer, {}, static_cast<int64_t>(*n), {}, {}});
            else
                m_out.values.push_back(FieldValue{field_id, FieldValue::Kind::decimal, decimal_text(*n), 0, {}, {}});
        } else {
            problem(field_id, "ui.settings_error.not_a_number", as_text(value));
        }
    }
    void date(int64_t field_id, const Value& value, bool with_time) {
        std::optional<int64_t> seconds;   // not "unix": that is a predefined macro under emscripten
        if (auto* d = std::get_if<Day>(&value)) seconds = midnight(*d);
        if (auto* i = std::get_if<Instant>(&value)) seconds = with_time ? i->unix_seconds : midnight(day_of(*i));
        if (!seconds) return problem(field_id, "ui.settings_error.not_a_date", as_text(value));
        m_out.values.push_back(FieldValue{field_id, FieldValue::Kind::integer, {}, *seconds, {}, {}});
    }
    void list(const KommoFieldInfo& def, const Value& value, bool multiple) {
        Texts wanted = std::holds_alternative<Texts>(value) ? std::get<Texts>(value) : Texts{as_text(value)};
        std::vector<int64_t> ids;
        for (const auto& item : wanted) {
            auto match = std::find_if(def.enums.begin(), def.enums.end(), [&](const auto& e) { return e.second == item; });
            if (match == def.enums.end()) {
                problem(def.id, "ui.settings_error.value_not_in_list", item);
                continue;
            }
            if (std::find(ids.begin(), ids.end(), match->first) == ids.end()) ids.push_back(match->first);
            if (!multiple) break;
        }
        if (!ids.empty()) m_out.values.push_back(FieldValue{def.id, FieldValue::Kind::enum_ids, {}, 0, ids, {}});
    }

    const std::vector<KommoFieldInfo>& m_fields;
    MappedFields m_out;
};

// The values of Altegio's additional fields mapped for every branch (0) and for `branch`, the branch's last.
void put_additional(Writer& w, const std::map<int64_t, std::map<std::string, int64_t>>& per_branch, int64_t branch,
                    const std::map<std::string, std::string>& values) {
    for (int64_t key : {int64_t{0}, branch}) {
        if (auto fields = per_branch.find(key); fields != per_branch.end())
            for (const auto& [code, field_id] : fields->second)
                if (auto value = values.find(code); value != values.end()) w.put(field_id, value->second);
        if (branch == 0) break;
    }
}

std::optional<Day> parse_day(const std::string& text, int32_t offset) {
    auto date = parse_civil(text.substr(0, std::min<size_t>(text.size(), 10)));
    if (!date || text.size() < 10) return std::nullopt;
    return Day{*date, offset};
}

}  // namespace

// [SECTION] record -> lead ------------------------------------------------------------------------------------
MappedFields map_record_to_lead(const Record& record, const Branch& branch, const LeadFieldMap& map,
                                const std::vector<KommoFieldInfo>& kommo_fields,
                                const std::map<int64_t, std::string>& service_category_titles, int32_t kommo_offset_seconds) {
    Writer w(kommo_fields);
    w.put(map.record_id, std::to_string(record.id));
    w.put(map.company_id, std::to_string(record.company_id));
    if (auto when = parse_iso_datetime(record.datetime)) {
        Instant start{to_unix_seconds(*when), when->offset_seconds};
        if (map.datetime_in_one_field) {
            w.put(map.record_date, start);
        } else {
            w.put(map.record_date, Day{day_of(start).date, kommo_offset_seconds});   // the branch's day, as Kommo shows days
            w.put(map.record_time, format_time(*when));
        }
    }
    std::string employee = record.staff_name;
    if (map.employee_with_specialization && !record.staff_specialization.empty()) employee += " (" + record.staff_specialization + ")";
    w.put(map.employee, employee);
    w.put(map.branch, branch.title);
    Texts services, categories, labels;
    for (const auto& s : record.services) {
        services.push_back(s.title);
        auto title = service_category_titles.find(s.category_id);
        if (title != service_category_titles.end() && std::find(categories.begin(), categories.end(), title->second) == categories.end())
            categories.push_back(title->second);
    }
    for (const auto& l : record.labels) labels.push_back(l.title);
    w.put(map.services, services);
    w.put(map.service_category, categories);
    w.put(map.record_category, labels);
    w.put(map.comment, record.comment);
    w.put(map.record_source, record.source);
    if (record.paid.minor != 0) w.put(map.payments_amount, record.paid);
    put_additional(w, map.additional_fields, record.company_id, record.custom_fields);
    return w.result();
}

MappedFields map_paid_total(Money total, int64_t field, const std::vector<KommoFieldInfo>& kommo_fields) {
    Writer w(kommo_fields);
    w.put(field, total);   // 0 too: a refund of everything empties the total
    return w.result();
}

// [SECTION] client -> contact -----------------------------------------------------------------------------------
MappedFields map_client_to_contact(const ClientProfile& client, int64_t branch_id, const ContactFieldMap& map,
                                   const std::vector<KommoFieldInfo>& kommo_fields, std::string_view default_country_code,
                                   int32_t kommo_offset_seconds) {
    Writer w(kommo_fields);
    if (auto birthday = parse_day(client.birth_date, kommo_offset_seconds)) w.put(map.birthday, *birthday);
    w.put(map.category, Texts(client.categories));
    if (map.write_phone && !client.phone.empty()) {
        auto phone_field = std::find_if(kommo_fields.begin(), kommo_fields.end(), [](const auto& f) { return f.type == "multitext"; });
        std::string shown = format_phone(client.phone, map.phone_format, map.phone_pattern, default_country_code);
        if (phone_field != kommo_fields.end()) w.put(phone_field->id, shown);
    }
    put_additional(w, map.additional_fields, branch_id, client.custom_fields);
    w.put(map.visits_count, static_cast<int64_t>(client.visits_count));
    if (client.visits_sum.minor != 0) w.put(map.visits_sum, client.visits_sum);
    w.put(map.client_id, std::to_string(client.id));
    if (client.subscription) {
        const auto& s = *client.subscription;
        w.put(map.subscription_name, s.name);
        if (auto start = parse_day(s.start_date, kommo_offset_seconds)) w.put(map.subscription_start, *start);
        if (auto end = parse_day(s.end_date, kommo_offset_seconds)) w.put(map.subscription_end, *end);
        if (s.remaining >= 0) w.put(map.subscription_remaining, static_cast<int64_t>(s.remaining));
    }
    return w.result();
}

std::optional<std::string> start_from_lead(const LeadFieldMap& map, const std::map<int64_t, std::string>& values,
                                           int32_t branch_offset_seconds, int32_t kommo_offset_seconds) {
    auto number = [&](int64_t field) -> std::optional<int64_t> {
        auto it = values.find(field);
        if (field == 0 || it == values.end() || it->second.empty()) return std::nullopt;
        int64_t n = 0;
        for (char c : it->second) {
            if (c < '0' || c > '9') return std::nullopt;
            n = n * 10 + (c - '0');
        }
        return n;
    };
    auto date = number(map.record_date);
    if (!date) return std::nullopt;
    if (map.datetime_in_one_field) return format_iso_datetime(*date, branch_offset_seconds);
    auto time = values.find(map.record_time);
    if (map.record_time == 0 || time == values.end()) return std::nullopt;
    const std::string& t = time->second;   // "HH:MM"
    if (t.size() != 5 || t[2] != ':' || !std::isdigit(static_cast<unsigned char>(t[0])) || !std::isdigit(static_cast<unsigned char>(t[1])) ||
        !std::isdigit(static_cast<unsigned char>(t[3])) || !std::isdigit(static_cast<unsigned char>(t[4])))
        return std::nullopt;
    int hour = (t[0] - '0') * 10 + (t[1] - '0'), minute = (t[3] - '0') * 10 + (t[4] - '0');
    if (hour > 23 || minute > 59) return std::nullopt;
    int64_t local = *date + kommo_offset_seconds;   // the date field holds the day's midnight in the Kommo account's zone
    int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    return format_iso_datetime(day * 86400 + hour * 3600 + minute * 60 - branch_offset_seconds, branch_offset_seconds);
}

// [SECTION] tracked lead -> deal ----------------------------------------------------------------------------
MappedFields map_attribution_to_lead(const std::map<TrackingParam, std::string>& values, const std::map<TrackingParam, int64_t>& fields,
                                     const std::vector<KommoFieldInfo>& kommo_fields) {
    Writer w(kommo_fields);
    for (const auto& [param, text] : values) {
        auto field = fields.find(param);
        if (field == fields.end() || field->second <= 0) continue;
        if (param == TrackingParam::date_sent) {
            auto def = std::find_if(kommo_fields.begin(), kommo_fields.end(), [&](const auto& f) { return f.id == field->second; });
            bool date_field = def != kommo_fields.end() && (def->type == "date" || def->type == "date_time" || def->type == "birthday");
            if (date_field) {
                if (auto when = parse_iso_datetime(text)) {
                    w.put(field->second, Instant{to_unix_seconds(*when), when->offset_seconds});
                    continue;
                }
                if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) && text.size() <= 12) {
                    w.put(field->second, Instant{std::stoll(text), 0});
                    continue;
                }
            }
        }
        w.put(field->second, text);
    }
    return w.result();
}

}  // namespace kb::domain
