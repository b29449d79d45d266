#pragma once
// Kommo's account hosts: "<sub>.kommo.com", "<sub>.amocrm.ru" and "<sub>.amocrm.com". The install redirect's
// referer and the widget's Origin must be one of them; nothing else may receive the integration's secrets.
#include <string>
#include <string_view>

namespace kb::http {

// The account subdomain of such a host (any letter case; the label a-z, 0-9 and inner '-', at most 63
// characters), or "" for anything else: another domain, a port, a user, a path, a deeper subdomain.
std::string kommo_account_subdomain(std::string_view host);

// Whether `origin` is "https://" followed by such a host (the page Kommo serves the widget in).
bool is_kommo_origin(std::string_view origin);

}  // namespace kb::http
