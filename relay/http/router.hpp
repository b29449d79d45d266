#pragma once
// Maps method + path pattern to a handler. Patterns are literal segments and ":name" captures:
//   router.add("GET", "/api/v1/branches/:company/services", handler);
// Unknown paths answer 404, known paths with another method 405, both as JSON.
#include <string>
#include <vector>
#include "relay/http/http_types.hpp"

namespace kb::http {

class Router {
public:
    void add(std::string method, std::string pattern, Handler handler);
    Response dispatch(Request request) const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
    };
    std::vector<Route> m_routes;
};

std::vector<std::string> split_path(std::string_view path);

}  // namespace kb::http
