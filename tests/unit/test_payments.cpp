#include <doctest/doctest.h>
#include "shared/domain/payments.hpp"

using namespace kb::domain;

TEST_CASE("a refund brings the record's total paid down to 0, and the change says by how much") {
    std::vector<Payment> listed{{1, 77, Money{450000}}, {2, 77, Money{-450000}}};
    auto refund = payment_effect(listed, listed[1], Money{450000});
    CHECK(refund.total == Money{0});
    CHECK(refund.change == Money{-450000});
    CHECK(format_money_change(refund.change, "en", "₽") == "\u22124,500 ₽");
}

TEST_CASE("the webhook's own amount counts while Altegio's list of the record's payments lags behind it") {
    std::vector<Payment> listed{{1, 77, Money{100000}}};
    auto lagging = payment_effect(listed, Payment{2, 77, Money{50050}}, Money{100000});
    CHECK(lagging.total == Money{150050});
    CHECK(lagging.change == Money{50050});
    // Once listed, it is not counted twice; other records' operations never count.
    listed.push_back({2, 77, Money{50050}});
    listed.push_back({3, 78, Money{999900}});
    CHECK(payment_effect(listed, Payment{2, 77, Money{50050}}, Money{100000}).total == Money{150050});
}

TEST_CASE("a payment repeated after the lead already shows its total changes nothing, so no second note") {
    std::vector<Payment> listed{{1, 77, Money{100000}}};
    CHECK(payment_effect(listed, listed[0], Money{100000}).change == Money{0});
    // Without the lead's field to read, the total before is the total without the reported operation.
    auto unknown_before = payment_effect(listed, listed[0], std::nullopt);
    CHECK(unknown_before.change == Money{100000});
    CHECK(format_money_change(unknown_before.change, "ru") == "+1\xC2\xA0" "000");
    CHECK(payment_effect(listed, Payment{4, 77, Money{0}}, std::nullopt).change == Money{0});
}
