// The registration page Altegio's Marketplace opens (also inside Altegio's iframe) and the lifecycle webhook.
#include <spdlog/spdlog.h>
#include "relay/http/html_page.hpp"
#include "relay/i18n/kommo_texts.hpp"
#include "relay/marketplace/activation.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::marketplace {
namespace {

std::string text(const std::string& key, const std::string& language, std::map<std::string, std::string> params = {}) {
    return http::escape_html(i18n::render(domain::Message{key, std::move(params)}, language));
}

http::Response page(int status, const std::string& language, const std::vector<std::string>& paragraphs) {
    http::Response response =
        http::html_page(status, language, i18n::render(domain::Message{"marketplace.page.title", {}}, language), paragraphs);
    // Shown inside Altegio's own pages too.
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self' https://*.alteg.io https://*.yclients.com";
    return response;
}

std::string paragraph(const std::string& html, bool problem = false) { return http::html_paragraph(html, problem); }

}  // namespace

void add_marketplace_routes(http::Router& router, Activation& activation) {
    router.add("GET", "/marketplace/connect", [&activation](const http::Request& request) {
        std::string language = http::page_language(request);
        auto outcome = activation.connect(request);
        if (!outcome) {
            Errc code = outcome.error().code;
            int status = code == Errc::forbidden ? 403 : code == Errc::bad_input ? 400 : code == Errc::rate_limited ? 429 : 503;
            std::string key = status == 503 ? "marketplace.page.unavailable" : outcome.error().message_key;
            spdlog::warn("marketplace: redirect refused: {}", outcome.error().detail);
            return page(status, language, {paragraph(text(key, language, {{"limit", std::to_string(max_salons_per_redirect)}}), true)});
        }
        std::vector<std::string> paragraphs;
        if (outcome->user)
            paragraphs.push_back(paragraph(text(outcome->user_is_new ? "marketplace.page.registered" : "marketplace.page.welcome_back",
                                                language, {{"name", outcome->user->name}})));
        for (const auto& location : outcome->locations) {
            std::map<std::string, std::string> params{{"salon", std::to_string(location.salon_id)}};
            if (location.state == "active") {
                paragraphs.push_back(paragraph(text("marketplace.page.active", language, params)));
                if (auto code = outcome->claim_codes.find(location.salon_id); code != outcome->claim_codes.end()) {
                    paragraphs.push_back(paragraph(text("marketplace.page.claim_code", language, params)));
                    // The code's characters are letters, digits and dashes: nothing to escape.
                    paragraphs.push_back(paragraph("<strong id=\"claim-code-" + std::to_string(location.salon_id) + "\" style=\"font-size:1.6em;"
                                                   "letter-spacing:0.08em\">" + code->second + "</strong>"));
                } else if (!outcome->user) {
                    paragraphs.push_back(paragraph(text("marketplace.page.no_claim_code", language, params)));
                }
            }
            else if (location.state == "late") paragraphs.push_back(paragraph(text("marketplace.page.late", language, params), true));
            else if (location.state == "frozen" || location.state == "uninstalled")
                paragraphs.push_back(paragraph(text("marketplace.page.stopped", language, params), true));
            else if (location.attempts == 0) paragraphs.push_back(paragraph(text("marketplace.page.activating", language, params)));
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
            return http::json_response(status, wire::Json{{"error", changed.error().message_key}}.dump());   // the detail stays in the log
        }
        spdlog::info("marketplace: {}", *changed);
        return http::json_response(200, wire::Json{{"result", *changed}}.dump());
    });
}

}  // namespace kb::marketplace
