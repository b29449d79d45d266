#pragma once
// The few HTML pages the relay shows a person (Kommo's install redirect, Altegio's Marketplace registration):
// one look, the reader's language, and every value escaped.
// Usage:
//   std::string language = kb::http::page_language(request);              // "en", "ru", "es" or "pt"
//   auto page = kb::http::html_page(200, language, title, {kb::http::html_paragraph(kb::http::escape_html(text))});
#include <string>
#include <vector>
#include "relay/http/http_types.hpp"

namespace kb::http {

// `text` with &, <, >, " and ' written as entities: safe inside an element and a quoted attribute.
std::string escape_html(std::string_view text);

// The request's `lang` parameter when it names ru, es or en, else the browser's first language (Accept-Language),
// else English.
std::string page_language(const Request& request);

// "<p>html</p>"; a problem is shown in red. `html` must already be escaped.
std::string html_paragraph(const std::string& html, bool problem = false);

// A whole page: `title` is plain text (escaped here), `paragraphs` are HTML made with html_paragraph.
Response html_page(int status, const std::string& language, const std::string& title, const std::vector<std::string>& paragraphs);

}  // namespace kb::http
