#include "relay/http/router.hpp"

namespace kb::http {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    while (!path.empty()) {
        size_t slash = path.find('/');
        if (slash != 0) out.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
    m_routes.push_back(Route{std::move(method), split_path(pattern), std::move(handler)});
}

Response Router::dispatch(Request request) const {
    auto segments = split_path(request.path);
    bool path_known = false;
    for (const auto& route : m_routes) {
        if (route.segments.size() != segments.size()) continue;
        std::map<std::string, std::string> params;
        bool match = true;
        for (size_t i = 0; i < segments.size() && match; ++i) {
            if (!route.segments[i].empty() && route.segments[i][0] == ':') params[route.segments[i].substr(1)] = segments[i];
            else match = route.segments[i] == segments[i];
        }
        if (!match) continue;
        path_known = true;
        if (route.method != request.method) continue;
        request.path_params = std::move(params);
        return route.handler(request);
    }
    if (path_known) return json_response(405, R"({"error":{"code":"bad_input","message_key":"ui.error.bad_request","detail":"method not allowed"}})");
    return json_response(404, R"({"error":{"code":"not_found","message_key":"ui.error.not_found","detail":"no such endpoint"}})");
}

}  // namespace kb::http
