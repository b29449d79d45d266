#pragma once
// Reading a JSON object field by field, for the decoders of the relay's own messages (widget_api,
// settings_api): the first error is kept and reported with its path, so each decoder is a flat list of reads.
// Usage:
//   FieldReader r{json, "card.branches[0]", {}};
//   Branch b{r.integer("id"), r.text("title")};
//   return finish(r, std::move(b));
#include <map>
#include <optional>
#include "shared/wire/json_read.hpp"

namespace kb::wire {

// Collects the first error of a sequence of reads, so each decoder reads as a flat list of fields.
struct FieldReader {
    const Json& object;
    std::string path;
    std::optional<Error> error;

    int64_t integer(std::string_view key) {
        auto v = read_int(object, key, path);
        if (!v) { if (!error) error = v.error(); return 0; }
        return *v;
    }
    int64_t integer_or(std::string_view key, int64_t fallback) {
        auto v = read_int_or(object, key, path, fallback);
        if (!v) { if (!error) error = v.error(); return fallback; }
        return *v;
    }
    std::string text(std::string_view key) { return read_text(object, key); }
    const Json& list(std::string_view key) {
        auto v = read_list(object, key, path);
        if (!v) { if (!error) error = v.error(); static const Json empty = Json::array(); return empty; }
        return **v;
    }
};

// An object of texts under `key` (absent = none), e.g. additional field values; a non-text value is the reader's error.
inline std::map<std::string, std::string> texts_of(FieldReader& r, std::string_view key) {
    std::map<std::string, std::string> out;
    const Json* object = member(r.object, key);
    if (!object || object->is_null()) return out;
    if (!object->is_object()) {
        if (!r.error) r.error = Error{Errc::bad_input, "ui.error.bad_request", join_path(r.path, key) + ": expected an object"};
        return out;
    }
    for (auto it = object->begin(); it != object->end(); ++it) {
        if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
        else if (!r.error) r.error = Error{Errc::bad_input, "ui.error.bad_request", join_path(join_path(r.path, key), it.key()) + ": expected text"};
    }
    return out;
}

// A list of ids under `key` (absent = none); a non-id element is the reader's error.
inline std::vector<int64_t> ids_of(FieldReader& r, std::string_view key) {
    std::vector<int64_t> out;
    const Json* list = member(r.object, key);
    if (!list || list->is_null()) return out;
    const Json& items = r.list(key);
    for (size_t i = 0; i < items.size(); ++i) {
        auto id = int_from(items[i], index_path(join_path(r.path, key), i));
        if (id) out.push_back(*id);
        else if (!r.error) r.error = id.error();
    }
    return out;
}

template <class T>
Result<T> finish(FieldReader& reader, T value) {
    if (reader.error) return tl::unexpected(*reader.error);
    return value;
}

// Each value encoded, as a JSON array.
template <class T, class Encode>
Json encode_each(const std::vector<T>& values, Encode encode) {
    Json out = Json::array();
    for (const auto& v : values) out.push_back(encode(v));
    return out;
}

}  // namespace kb::wire
