#include "relay/http/html_page.hpp"

namespace kb::http {

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string page_language(const Request& request) {
    for (const std::string& wanted : {request.query_value("lang"), request.header("accept-language")}) {
        std::string code = to_lower(wanted.substr(0, 2));
        if (code == "ru" || code == "es" || code == "pt" || code == "en") return code;
    }
    return "en";
}

std::string html_paragraph(const std::string& html, bool problem) {
    return std::string(problem ? "<p class=\"problem\">" : "<p>") + html + "</p>";
}

Response html_page(int status, const std::string& language, const std::string& title, const std::vector<std::string>& paragraphs) {
    std::string body = "<!doctype html><html lang=\"" + escape_html(language) +
                       "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
                       escape_html(title) +
                       "</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222}"
                       "p.problem{color:#a40000}</style></head><body><h1>" +
                       escape_html(title) + "</h1>";
    for (const auto& paragraph : paragraphs) body += paragraph;
    body += "</body></html>";
    Response response = text_response(status, body, "text/html; charset=utf-8");
    response.headers["X-Content-Type-Options"] = "nosniff";
    return response;
}

}  // namespace kb::http
