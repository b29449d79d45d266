// The registration page Altegio's Marketplace opens (also inside Altegio's iframe) and the lifecycle webhook.
#include <spdlog/spdlog.h>
#include "relay/i18n/kommo_texts.hpp"
#include "relay/marketplace/activation.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::marketplace {
namespace {

std::string escape_html(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

// Altegio's `lang` when it sends one, else the browser's first language; English when neither is ru or es.
std::string language_of(const http::Request& request) {
    for (std::string wanted : {request.query_value("lang"), request.header("accept-language")}) {
        std::string code = http::to_lower(wanted.substr(0, 2));
        if (code == "ru" || code == "es" || code == "en") return code;
    }
    return "en";
}

std::string text(const std::string& key, const std::string& language, std::map<std::string, std::string> params = {}) {
    return escape_html(i18n::render(domain::Message{key, std::move(params)}, language));
}

http::Response page(int status, const std::string& language, const std::vector<std::string>& paragraphs) {
    std::string body = "<!doctype html><html lang=\"" + language + "\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
                       text("marketplace.page.title", language) +
                       "</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222}"
                       "p.problem{color:#a40000}</style></head><body><h1>" +
                       text("marketplace.page.title", language) + "</h1>";
    for (const auto& paragraph : paragraphs) body += paragraph;
    body += "</body></html>";
    http::Response response = http::text_response(status, body, "text/html; charset=utf-8");
    // Shown inside Altegio's own pages too.
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self' https://*.alteg.io https://*.yclients.com";
    return response;
}

std::string paragraph(const std::string& html, bool problem = false) {
    return std::string(problem ? "<p class=\"problem\">" : "<p>") + html + "</p>";
}

}  // namespace

void add_marketplace_routes(http::Router& router, Activation& activation) {
    router.add("GET", "/marketplace/connect", [&activation](const http::Request& request) {
        std::string language = language_of(request);
        auto outcome = activation.connect(request);
        if (!outcome) {
            int status = outcome.error().code == Errc::forbidden ? 403 : outcome.error().code == Errc::bad_input ? 400 : 503;
            std::string key = status == 503 ? "marketplace.page.unavailable" : outcome.error().message_key;
            spdlog::warn("marketplace: redirect refused: {}", outcome.error().detail);
            return page(status, language, {paragraph(text(key, language), true)});
        }
        std::vector<std::string> paragraphs;
        if (outcome->user)
            paragraphs.push_back(paragraph(text(outcome->user_is_new ? "marketplace.page.registered" : "marketplace.page.welcome_back",
                                                language, {{"name", outcome->user->name}})));
        for (const auto& location : outcome->locations) {
            std::map<std::string, std::string> params{{"salon", std::to_string(location.salon_id)}};
            if (location.state == "active") paragraphs.push_back(paragraph(text("marketplace.page.active", language, params)));
            else if (location.state == "late") paragraphs.push_back(paragraph(text("marketplace.page.late", language, params), true));
            else paragraphs.push_back(paragraph(text("marketplace.page.retrying", language, params), true));
        }
        paragraphs.push_back(paragraph(text("marketplace.page.next", language)));
        return page(200, language, paragraphs);
    });
    router.add("POST", "/hooks/altegio-marketplace", [&activation](const http::Request& request) {
        auto changed = activation.lifecycle(request.body);
        if (!changed) {
            int status = changed.error().code == Errc::forbidden ? 403 : changed.error().code == Errc::bad_input ? 400 : 500;
            spdlog::warn("marketplace: lifecycle webhook refused: {}", changed.error().detail);
            return http::json_response(status, wire::Json{{"error", changed.error().detail}}.dump());
        }
        spdlog::info("marketplace: {}", *changed);
        return http::json_response(200, wire::Json{{"result", *changed}}.dump());
    });
}

}  // namespace kb::marketplace
