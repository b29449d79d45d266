#include "shared/domain/lead_fields.hpp"

#include "shared/domain/calendar.hpp"

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

std::vector<FieldValue> lead_fields_for_record(const Record& record, const Branch& branch, const LeadFieldMap& map) {
    std::vector<FieldValue> out;
    auto add_text = [&](int64_t field_id, std::string text) {
        if (field_id == 0 || text.empty()) return;
        out.push_back(FieldValue{field_id, FieldValue::Kind::text, cut_to_kommo_text(std::move(text)), 0});
    };
    add_text(map.record_id, std::to_string(record.id));
    if (auto when = parse_iso_datetime(record.datetime)) {
        if (map.record_date != 0)
            out.push_back(FieldValue{map.record_date, FieldValue::Kind::unix_time, {}, local_midnight_unix_seconds(*when)});
        add_text(map.record_time, format_time(*when));
    }
    std::string employee = record.staff_name;
    if (map.employee_with_specialization && !record.staff_specialization.empty())
        employee += " (" + record.staff_specialization + ")";
    add_text(map.employee, employee);
    add_text(map.branch, branch.title);
    std::string services;
    for (const auto& service : record.services) {
        if (!services.empty()) services += ", ";
        services += service.title;
    }
    add_text(map.services, services);
    return out;
}

}  // namespace kb::domain
