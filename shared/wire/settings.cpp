#include "shared/wire/settings.hpp"

namespace kb::wire {

Json encode_settings(const domain::Settings& s) {
    const auto& f = s.lead_fields;
    return Json{{"version", s.version},
                {"connected_branch_ids", s.connected_branch_ids},
                {"lead_fields", Json{{"record_id", f.record_id}, {"record_date", f.record_date}, {"record_time", f.record_time},
                                     {"employee", f.employee}, {"branch", f.branch}, {"services", f.services},
                                     {"employee_with_specialization", f.employee_with_specialization}}}};
}

Result<domain::Settings> decode_settings(const Json& value) {
    domain::Settings s;
    if (value.is_null()) return s;
    if (!value.is_object()) return fail(Errc::bad_input, "ui.error.bad_settings", "settings: expected an object");
    auto version = read_int_or(value, "version", "settings", domain::Settings::current_version);
    if (!version) return tl::unexpected(version.error());
    s.version = static_cast<int32_t>(*version);
    auto branches = read_list(value, "connected_branch_ids", "settings");
    if (!branches) return tl::unexpected(branches.error());
    for (size_t i = 0; i < (*branches)->size(); ++i) {
        auto id = int_from((**branches)[i], index_path("settings.connected_branch_ids", i));
        if (!id) return tl::unexpected(id.error());
        s.connected_branch_ids.push_back(*id);
    }
    if (const Json* fields = member(value, "lead_fields")) {
        const std::string path = "settings.lead_fields";
        auto& f = s.lead_fields;
        for (auto [key, target] : {std::pair{"record_id", &f.record_id}, {"record_date", &f.record_date},
                                   {"record_time", &f.record_time}, {"employee", &f.employee}, {"branch", &f.branch},
                                   {"services", &f.services}}) {
            auto id = read_int_or(*fields, key, path, 0);
            if (!id) return tl::unexpected(id.error());
            *target = *id;
        }
        f.employee_with_specialization = read_flag(*fields, "employee_with_specialization");
    }
    return s;
}

}  // namespace kb::wire
