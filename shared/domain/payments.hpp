#pragma once
// What a payment in Altegio (a `finances_operation` event) changes on the record's lead.
//   - The lead's "amount of payments" field follows the record's total both ways: a refund that brings the
//     total to 0 writes 0.
//   - The total is the sum of the record's operations as Altegio lists them; when the list does not hold the
//     operation the webhook reports yet (Altegio's list lags behind its webhook), the webhook's own amount counts.
//   - The change is the total minus what the lead showed before: its field when that is mapped and readable,
//     otherwise the total without the reported operation. A journal note is written only when it is not 0.
// Usage:
//   auto effect = payment_effect(listed, reported, previous_from_field);
//   if (effect.change.minor != 0) /* note "total paid {effect.total} ({effect.change})" */;
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"

namespace kb::domain {

struct Payment {
    int64_t id = 0;            // Altegio's operation id
    int64_t record_id = 0;     // 0: not for a record (a sale of goods, a deposit)
    Money amount;              // negative for a refund
};

struct PaymentEffect {
    Money total;               // the record's total paid now
    Money change;              // total minus the previous total
};

PaymentEffect payment_effect(const std::vector<Payment>& listed, const Payment& reported, std::optional<Money> previous);

// "+4,500 ₽" or "−4,500 ₽" (a true minus sign) in the language's number format.
std::string format_money_change(Money change, std::string_view language, std::string_view currency = {});

}  // namespace kb::domain
