#include "shared/wire/json_read.hpp"

#include <cmath>
#include "shared/domain/money.hpp"

namespace kb::wire {
namespace {

tl::unexpected<Error> bad_field(std::string_view path, std::string_view what) {
    return fail(Errc::bad_input, "ui.error.bad_reply", std::string(path) + ": " + std::string(what));
}

}  // namespace

Result<int64_t> int_from(const Json& value, std::string_view path) {
    if (value.is_number_integer()) return value.get<int64_t>();
    if (value.is_number_unsigned()) {
        auto v = value.get<uint64_t>();
        if (v > static_cast<uint64_t>(INT64_MAX)) return bad_field(path, "integer out of range");
        return static_cast<int64_t>(v);
    }
    if (value.is_number_float()) {
        double v = value.get<double>();
        if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<int64_t>(v);
        return bad_field(path, "expected an integer");
    }
    if (value.is_string()) {
        const auto& s = value.get_ref<const std::string&>();
        if (s.empty() || s.size() > 18) return bad_field(path, "expected an integer");
        size_t i = s[0] == '-' ? 1 : 0;
        if (i == s.size()) return bad_field(path, "expected an integer");
        int64_t v = 0;
        for (; i < s.size(); ++i) {
            if (s[i] < '0' || s[i] > '9') return bad_field(path, "expected an integer");
            v = v * 10 + (s[i] - '0');
        }
        return s[0] == '-' ? -v : v;
    }
    return bad_field(path, "expected an integer");
}

std::string join_path(std::string_view path, std::string_view key) {
    std::string out(path);
    if (!out.empty()) out += '.';
    out += key;
    return out;
}

std::string index_path(std::string_view path, size_t index) {
    return std::string(path) + "[" + std::to_string(index) + "]";
}

Result<Json> parse_json(std::string_view text) {
    // The parser itself keeps its own stack, but the value it would build is freed and copied recursively.
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_json_depth) return fail(Errc::bad_input, "ui.error.bad_request", "JSON nested too deep");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    Json value = Json::parse(text.begin(), text.end(), nullptr, false);
    if (value.is_discarded()) return fail(Errc::bad_input, "ui.error.bad_reply", "malformed JSON");
    return value;
}

const Json* member(const Json& value, std::string_view key) {
    if (!value.is_object()) return nullptr;
    auto it = value.find(key);
    return it == value.end() ? nullptr : &*it;
}

Result<int64_t> read_int(const Json& object, std::string_view key, std::string_view path) {
    const Json* v = member(object, key);
    if (!v || v->is_null()) return bad_field(join_path(path, key), "missing");
    return int_from(*v, join_path(path, key));
}

Result<int64_t> read_int_or(const Json& object, std::string_view key, std::string_view path, int64_t fallback) {
    const Json* v = member(object, key);
    if (!v || v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty())) return fallback;
    return int_from(*v, join_path(path, key));
}

std::string read_text(const Json& object, std::string_view key) {
    const Json* v = member(object, key);
    if (!v) return {};
    if (v->is_string()) return v->get<std::string>();
    if (v->is_number_integer()) return std::to_string(v->get<int64_t>());
    if (v->is_number_unsigned()) return std::to_string(v->get<uint64_t>());
    if (v->is_number_float()) return v->dump();
    return {};
}

bool read_flag(const Json& object, std::string_view key, bool fallback) {
    const Json* v = member(object, key);
    if (!v || v->is_null()) return fallback;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_number()) return v->get<double>() != 0.0;
    if (v->is_string()) {
        const auto& s = v->get_ref<const std::string&>();
        return !(s.empty() || s == "0" || s == "false");
    }
    return fallback;
}

Result<domain::Money> read_money(const Json& object, std::string_view key, std::string_view path) {
    const Json* v = member(object, key);
    if (!v || v->is_null()) return domain::Money{};
    if (v->is_number_integer() || v->is_number_unsigned()) {
        auto whole = int_from(*v, join_path(path, key));
        if (!whole) return tl::unexpected(whole.error());
        return domain::Money{*whole * 100};
    }
    if (v->is_number_float()) {
        double d = v->get<double>();
        if (!std::isfinite(d) || std::fabs(d) > 9.0e13) return bad_field(join_path(path, key), "amount out of range");
        return domain::Money{std::llround(d * 100.0)};
    }
    if (v->is_string()) {
        const auto& s = v->get_ref<const std::string&>();
        if (s.empty()) return domain::Money{};
        auto parsed = domain::parse_money(s);
        if (!parsed) return bad_field(join_path(path, key), "expected a decimal amount");
        return parsed;
    }
    return bad_field(join_path(path, key), "expected an amount");
}

Result<const Json*> read_list(const Json& object, std::string_view key, std::string_view path) {
    static const Json empty_list = Json::array();
    const Json* v = member(object, key);
    if (!v || v->is_null()) return &empty_list;
    if (v->is_array()) return v;
    if ((v->is_object() && v->empty()) || (v->is_string() && v->get_ref<const std::string&>().empty()))
        return &empty_list;
    return bad_field(join_path(path, key), "expected a list");
}

}  // namespace kb::wire
