#pragma once
// Plain HTTP request and response values. Handlers, the router and the API clients speak only these;
// cpp-httplib stays inside httplib_adapter.cpp, so handlers are tested without sockets.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kb::http {

struct Request {
    std::string method;                               // "GET", "POST", ...
    std::string path;                                 // without the query string
    std::map<std::string, std::string> query;         // decoded; a repeated key keeps its values comma-joined
    std::map<std::string, std::string> headers;       // names in lower case
    std::map<std::string, std::string> path_params;   // filled by the router from ":name" segments
    std::string body;
    std::string remote_address;
    int remote_port = 0;

    std::string header(std::string_view name) const;  // "" when absent; `name` in lower case
    std::string query_value(std::string_view name) const;
    std::string param(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::map<std::string, std::string> headers;
};

using Handler = std::function<Response(const Request&)>;

Response json_response(int status, std::string body);
Response text_response(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");

// ASCII lower case, for header names.
std::string to_lower(std::string_view text);

// Percent-decodes a URL component ('+' as space, as forms send it).
std::string url_decode(std::string_view text);
std::string url_encode(std::string_view text);
// Parses "a=1&b=2" into a map; repeated keys are joined with commas.
std::map<std::string, std::string> parse_query(std::string_view query);
// The parts of a comma-separated list (a repeated query key, a list in an environment variable); empty parts left out.
std::vector<std::string> split_commas(std::string_view text);

}  // namespace kb::http
