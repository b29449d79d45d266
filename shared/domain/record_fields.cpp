#include "shared/domain/record_fields.hpp"

#include <algorithm>
#include "shared/domain/calendar.hpp"
#include "shared/domain/text.hpp"

namespace kb::domain {

Result<void> check_record_field_values(const std::map<std::string, std::string>& values, const std::vector<RecordField>& fields) {
    for (const auto& [code, value] : values) {
        auto field = std::find_if(fields.begin(), fields.end(), [&code = code](const RecordField& f) { return f.code == code; });
        if (field == fields.end()) return fail(Errc::bad_input, "ui.error.field_unknown", "additional field " + code + " is not offered");
        if (value.empty()) continue;
        if (field->type == "number" && !parse_decimal(value))
            return fail(Errc::bad_input, "ui.error.field_not_number", field->title + ": not a number");
        if (field->type == "date" && (value.size() != 10 || !parse_civil(value)))
            return fail(Errc::bad_input, "ui.error.field_not_date", field->title + ": not a date");
    }
    return {};
}

}  // namespace kb::domain
