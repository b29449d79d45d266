#include "relay/http/kommo_host.hpp"

namespace kb::http {

std::string kommo_account_subdomain(std::string_view host) {
    if (host.size() > 80) return "";
    std::string lower(host);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    size_t dot = lower.find('.');
    if (dot == std::string::npos || dot == 0 || dot > 63) return "";
    std::string domain = lower.substr(dot + 1);
    if (domain != "kommo.com" && domain != "amocrm.ru" && domain != "amocrm.com") return "";
    std::string subdomain = lower.substr(0, dot);
    for (char c : subdomain)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) return "";
    if (subdomain.front() == '-' || subdomain.back() == '-') return "";
    return subdomain;
}

bool is_kommo_origin(std::string_view origin) {
    constexpr std::string_view scheme = "https://";
    return origin.substr(0, scheme.size()) == scheme && !kommo_account_subdomain(origin.substr(scheme.size())).empty();
}

}  // namespace kb::http
