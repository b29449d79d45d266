#include "shared/domain/booking.hpp"

#include "shared/domain/calendar.hpp"

namespace kb::domain {

namespace {

bool is_time(const std::string& datetime) { return !datetime.empty() && parse_iso_datetime(datetime).has_value(); }

}  // namespace

std::string missing_for_booking(const BookingRequest& request) {
    if (request.company_id <= 0) return "ui.error.need_branch";
    if (request.activity_id == 0) {   // an individual record; a group event's seat has all three from the event
        if (request.service_ids.empty()) return "ui.error.need_services";
        if (request.staff_id < 0) return "ui.error.need_employee";
        if (!is_time(request.datetime)) return "ui.error.need_time";
    }
    if (request.client.name.empty()) return "ui.error.need_name";
    if (request.client.phone.empty()) return "ui.error.need_phone";
    return "";
}

std::string missing_for_change(const RecordChange& change) {
    if (change.service_ids.empty()) return "ui.error.need_services";
    if (change.staff_id <= 0) return "ui.error.need_employee";
    if (!is_time(change.datetime)) return "ui.error.need_time";
    return "";
}

}  // namespace kb::domain
