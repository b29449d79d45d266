// What a booking needs before it is sent (shared/domain/booking.hpp): the widget's "Create record" and the relay's
// refusal follow this one rule, so a manager never meets a button that lets through what the relay refuses.
#include <doctest/doctest.h>

#include "shared/domain/booking.hpp"

using namespace kb::domain;

namespace {

BookingRequest complete_booking() {
    BookingRequest r;
    r.lead_id = 21001;
    r.company_id = 400001;
    r.staff_id = 5001;
    r.service_ids = {7001};
    r.datetime = "2027-03-03T10:00:00+03:00";
    r.client = {"Анна Иванова", "+79991234567", ""};
    r.request_key = "key-1";
    return r;
}

}  // namespace

TEST_CASE("a booking lacks the first part the form asks for, in the form's order") {
    CHECK(missing_for_booking(complete_booking()).empty());
    auto without = [](auto change) {
        BookingRequest r = complete_booking();
        change(r);
        return missing_for_booking(r);
    };
    CHECK(without([](BookingRequest& r) { r.company_id = 0; }) == "ui.error.need_branch");
    CHECK(without([](BookingRequest& r) { r.service_ids.clear(); }) == "ui.error.need_services");
    CHECK(without([](BookingRequest& r) { r.staff_id = -1; }) == "ui.error.need_employee");
    CHECK(without([](BookingRequest& r) { r.staff_id = 0; }).empty());   // any free employee
    CHECK(without([](BookingRequest& r) { r.datetime.clear(); }) == "ui.error.need_time");
    CHECK(without([](BookingRequest& r) { r.datetime = "tomorrow at ten"; }) == "ui.error.need_time");
    CHECK(without([](BookingRequest& r) { r.client.name.clear(); }) == "ui.error.need_name");
    CHECK(without([](BookingRequest& r) { r.client.phone.clear(); }) == "ui.error.need_phone");
    CHECK(without([](BookingRequest& r) { r.company_id = 0; r.client.phone.clear(); }) == "ui.error.need_branch");
}

TEST_CASE("a seat in a group event takes employee, services and time from the event, not the client") {
    BookingRequest seat = complete_booking();
    seat.staff_id = 0;
    seat.service_ids.clear();
    seat.datetime.clear();
    CHECK(missing_for_booking(seat) == "ui.error.need_services");   // no event chosen: nothing gives the services
    seat.activity_id = 880001;
    CHECK(missing_for_booking(seat).empty());
    seat.client.phone.clear();
    CHECK(missing_for_booking(seat) == "ui.error.need_phone");
}

TEST_CASE("a change of a record needs one employee, services and a time") {
    RecordChange change{5001, {7001}, "2027-03-03T10:00:00+03:00", "", "", {}, {}};
    CHECK(missing_for_change(change).empty());
    change.staff_id = 0;   // "any employee" is no employee for a record that exists
    CHECK(missing_for_change(change) == "ui.error.need_employee");
    change.staff_id = 5001;
    change.service_ids.clear();
    CHECK(missing_for_change(change) == "ui.error.need_services");
    change.service_ids = {7001};
    change.datetime = "2027-03-03";
    CHECK(missing_for_change(change) == "ui.error.need_time");
}
