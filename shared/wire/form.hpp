#pragma once
// application/x-www-form-urlencoded bodies with PHP-style nested keys, as Kommo's webhooks send them:
//   leads[status][0][id]=1&leads[status][0][custom_fields][0][values][0]=1542067200
// become a JSON tree of objects whose leaves are strings:
//   {"leads":{"status":{"0":{"id":"1","custom_fields":{"0":{"values":{"0":"1542067200"}}}}}}}
// Numeric keys stay object keys; ordered_indices() lists them in numeric order.
#include <string>
#include <string_view>
#include <vector>
#include "shared/domain/result.hpp"
#include "shared/wire/json_type.hpp"

namespace kb::wire {

// Percent-decoding with '+' as space; malformed escapes are kept as they are.
std::string form_decode(std::string_view text);

// Bounded: at most 20,000 pairs and 16 levels of brackets; conflicting or malformed keys are errors.
Result<Json> parse_form(std::string_view body);

// The keys of an object that are decimal indices, in numeric order ("0", "1", ..., "10").
std::vector<std::string> ordered_indices(const Json& object);

}  // namespace kb::wire
