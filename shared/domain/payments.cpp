#include "shared/domain/payments.hpp"

#include <algorithm>
#include "shared/domain/money.hpp"

namespace kb::domain {

PaymentEffect payment_effect(const std::vector<Payment>& listed, const Payment& reported, std::optional<Money> previous) {
    Money total;
    bool reported_listed = false;
    for (const auto& p : listed) {
        if (p.record_id != reported.record_id) continue;
        total.minor += p.amount.minor;
        reported_listed = reported_listed || p.id == reported.id;
    }
    if (!reported_listed) total.minor += reported.amount.minor;
    Money before = previous.value_or(Money{total.minor - reported.amount.minor});
    return {total, Money{total.minor - before.minor}};
}

std::string format_money_change(Money change, std::string_view language, std::string_view currency) {
    if (change.minor < 0) return "\u2212" + format_money(Money{-change.minor}, language, currency);
    return "+" + format_money(change, language, currency);
}

}  // namespace kb::domain
