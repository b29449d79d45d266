#include "shared/wire/form.hpp"

#include <algorithm>
#include "shared/wire/json_read.hpp"

namespace kb::wire {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

constexpr size_t max_pairs = 20000;
constexpr size_t max_depth = 16;

tl::unexpected<Error> bad_form(std::string what) { return fail(Errc::bad_input, "ui.error.bad_webhook", "form body: " + what); }

// "a[b][0]" -> {"a", "b", "0"}; "a[]" appends (empty segment).
Result<std::vector<std::string>> split_key(const std::string& key) {
    std::vector<std::string> segments;
    size_t open = key.find('[');
    segments.push_back(key.substr(0, open));
    if (segments[0].empty()) return bad_form("a key without a name");
    while (open != std::string::npos) {
        size_t close = key.find(']', open);
        if (close == std::string::npos) return bad_form("unclosed bracket in " + key.substr(0, 80));
        segments.push_back(key.substr(open + 1, close - open - 1));
        if (close + 1 == key.size()) break;
        if (key[close + 1] != '[') return bad_form("text after a bracket in " + key.substr(0, 80));
        open = close + 1;
        if (segments.size() > max_depth) return bad_form("keys nested too deep");
    }
    return segments;
}

}  // namespace

std::string form_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

Result<Json> parse_form(std::string_view body) {
    Json root = Json::object();
    size_t pairs = 0;
    while (!body.empty()) {
        size_t amp = body.find('&');
        std::string_view pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (pair.empty()) continue;
        if (++pairs > max_pairs) return bad_form("too many fields");
        size_t eq = pair.find('=');
        auto segments = split_key(form_decode(pair.substr(0, eq)));
        if (!segments) return tl::unexpected(segments.error());
        std::string value = eq == std::string_view::npos ? std::string() : form_decode(pair.substr(eq + 1));

        Json* node = &root;
        for (size_t i = 0; i < segments->size(); ++i) {
            std::string segment = (*segments)[i];
            if (!node->is_object()) return bad_form("a key is both a value and a group");
            if (segment.empty()) segment = std::to_string(node->size());   // "[]" appends
            bool last = i + 1 == segments->size();
            auto it = node->find(segment);
            if (last) {
                if (it != node->end()) return bad_form("a key is given twice");
                (*node)[segment] = value;
            } else {
                if (it == node->end()) (*node)[segment] = Json::object();
                node = &(*node)[segment];
            }
        }
    }
    return root;
}

std::vector<std::string> ordered_indices(const Json& object) {
    std::vector<std::pair<int64_t, std::string>> keys;
    if (!object.is_object()) return {};
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string& k = it.key();
        if (k.empty() || k.size() > 9 || !std::all_of(k.begin(), k.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
        keys.emplace_back(std::stoll(k), k);
    }
    std::sort(keys.begin(), keys.end());
    std::vector<std::string> out;
    for (auto& [n, k] : keys) out.push_back(std::move(k));
    return out;
}

}  // namespace kb::wire
