#pragma once
// The request history page's entry types as SQL conditions on direction and kind, the same for every backend.
#include <string>

namespace kb::store {

inline std::string history_type_condition(const std::string& type) {
    if (type == "altegio_webhook") return "(direction = 'in' AND kind LIKE 'altegio.%')";
    if (type == "kommo_webhook") return "(direction = 'in' AND kind LIKE 'kommo.%')";
    if (type == "altegio_request") return "(direction = 'out' AND kind LIKE 'altegio.%')";
    if (type == "kommo_request") return "(direction = 'out' AND kind LIKE 'kommo.%')";
    if (type == "telephony") return "(kind LIKE 'telephony.%')";
    if (type == "tracking") return "(kind LIKE 'tracking.%')";
    if (type == "alert") return "(kind LIKE 'alert.%')";
    return "(1 = 0)";   // an unknown type matches nothing
}

}  // namespace kb::store
