#pragma once
// Tolerant, non-throwing readers over nlohmann::json for payloads from the real APIs, which send ids and
// prices as strings or numbers, `meta` as {} or [], `client` as null, and so on.
// Every failure is an Error naming the JSON path; nothing here throws (the widget builds without exceptions).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include <nlohmann/json.hpp>
#include "shared/domain/booking.hpp"
#include "shared/domain/result.hpp"
#include "shared/wire/json_type.hpp"

namespace kb::wire {

// How deep arrays and objects may nest in a text parse_json accepts. No payload of Kommo, Altegio or the widget
// comes near it; a deeper one would cost a stack frame per level wherever the value is copied, dumped or freed.
inline constexpr int max_json_depth = 64;

// Parses text; malformed JSON, or JSON nested deeper than max_json_depth, is an Errc::bad_input error, never an
// exception.
Result<Json> parse_json(std::string_view text);

// The member `key` of an object, or nullptr when `value` is not an object or has no such member.
const Json* member(const Json& value, std::string_view key);

// A value as an integer: a number or a string of digits ("123", 123, 123.0).
Result<int64_t> int_from(const Json& value, std::string_view path);

// Integer from a number or a string of digits ("123", 123, 123.0). Missing or null is an error.
Result<int64_t> read_int(const Json& object, std::string_view key, std::string_view path);
// As read_int, but missing, null or "" gives `fallback`.
Result<int64_t> read_int_or(const Json& object, std::string_view key, std::string_view path, int64_t fallback);

// Text from a string or a number; missing or null gives "".
std::string read_text(const Json& object, std::string_view key);

// Boolean from true/false, 0/1 or "0"/"1"; missing or null gives `fallback`.
bool read_flag(const Json& object, std::string_view key, bool fallback = false);

// Money from "1300.00", 1300, 1300.5; missing or null gives 0.
Result<domain::Money> read_money(const Json& object, std::string_view key, std::string_view path);

// A list member (pointer into `object`): an array as is; missing, null, {} or "" as an empty array; anything else an error.
Result<const Json*> read_list(const Json& object, std::string_view key, std::string_view path);

std::string join_path(std::string_view path, std::string_view key);
std::string index_path(std::string_view path, size_t index);

template <class T>
using Decoder = Result<T> (*)(const Json&, std::string_view);

// Decodes every element of a JSON array with `decode`; the first failure wins and names its index.
template <class T>
Result<std::vector<T>> decode_list(const Json& list, std::string_view path, Decoder<T> decode) {
    std::vector<T> out;
    if (!list.is_array()) return fail(Errc::bad_input, "ui.error.bad_reply", std::string(path) + ": expected a list");
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
        auto item = decode(list[i], index_path(path, i));
        if (!item) return tl::unexpected(item.error());
        out.push_back(std::move(*item));
    }
    return out;
}



}  // namespace kb::wire
