#include "widget/ui/i18n.hpp"

#include <map>
#include "shared/domain/calendar.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::widget::ui {
namespace {

std::map<std::string, std::string>& table() {
    static std::map<std::string, std::string> strings;
    return strings;
}

void flatten(const wire::Json& value, const std::string& prefix) {
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key());
    } else if (value.is_string()) {
        table()[prefix] = value.get<std::string>();
    }
}

}  // namespace

void load_strings(const std::string& json_text) {
    auto parsed = wire::parse_json(json_text);
    if (!parsed || !parsed->is_object()) return;
    table().clear();
    if (wire::member(*parsed, "ui")) flatten(*parsed, "");
    else flatten(*parsed, "ui");
}

const std::string& tr(const std::string& key) {
    auto it = table().find(key);
    return it == table().end() ? key : it->second;
}

std::string label(const std::string& key, const std::string& id) { return tr(key) + "###" + id; }

std::string format_day(const std::string& iso_date) {
    auto date = domain::parse_civil(iso_date);
    if (!date) return iso_date;
    int64_t days = domain::days_from_civil(date->year, date->month, date->day);
    return tr("ui.weekday." + std::to_string(domain::weekday_from_days(days))) + " " + std::to_string(date->day) + " " +
           tr("ui.month." + std::to_string(date->month));
}

}  // namespace kb::widget::ui
