#include "relay/http/http_types.hpp"

#include "shared/domain/text.hpp"
#include "shared/wire/form.hpp"

namespace kb::http {
namespace {

std::string lookup(const std::map<std::string, std::string>& map, std::string_view key) {
    auto it = map.find(std::string(key));
    return it == map.end() ? std::string() : it->second;
}

}  // namespace

std::string Request::header(std::string_view name) const { return lookup(headers, name); }
std::string Request::query_value(std::string_view name) const { return lookup(query, name); }
std::string Request::param(std::string_view name) const { return lookup(path_params, name); }

Response json_response(int status, std::string body) { return Response{status, "application/json", std::move(body), {}}; }

Response text_response(int status, std::string body, std::string content_type) {
    return Response{status, std::move(content_type), std::move(body), {}};
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string url_decode(std::string_view text) { return wire::form_decode(text); }

std::string url_encode(std::string_view text) { return domain::percent_encode(text); }

std::vector<std::string> split_commas(std::string_view text) {
    std::vector<std::string> parts;
    while (!text.empty()) {
        size_t comma = text.find(',');
        if (comma != 0) parts.emplace_back(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return parts;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
    std::map<std::string, std::string> out;
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        std::string key = url_decode(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
        auto [it, inserted] = out.emplace(key, value);
        if (!inserted) it->second += "," + value;
    }
    return out;
}

}  // namespace kb::http
