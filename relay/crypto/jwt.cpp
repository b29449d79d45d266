#include "relay/crypto/jwt.hpp"

#include "relay/crypto/hmac.hpp"
#include "shared/wire/json_read.hpp"

#include <sodium.h>
#include <cctype>
#include <vector>

namespace kb::crypto {
namespace {

tl::unexpected<Error> rejected(std::string detail, std::string key = "ui.error.unauthorized") {
    return fail(Errc::unauthorized, std::move(key), "disposable token: " + std::move(detail));
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    if (sodium_init() < 0) return {};
    std::vector<char> out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING));
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return std::string(out.data());
}

Result<std::string> base64url_decode(std::string_view text) {
    if (sodium_init() < 0) return fail(Errc::internal, "ui.error.internal", "libsodium failed to start");
    std::string out(text.size(), '\0');
    size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return rejected("not base64url");
    out.resize(length);
    return out;
}

Result<std::string> base64_decode_any(std::string_view text) {
    if (sodium_init() < 0) return fail(Errc::internal, "ui.error.internal", "libsodium failed to start");
    std::string cleaned(text);
    for (char& c : cleaned)
        if (c == ' ') c = '+';   // an unescaped '+' in a query string arrives as a space
    for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING, sodium_base64_VARIANT_URLSAFE,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
        std::string out(cleaned.size(), '\0');
        size_t length = 0;
        if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), cleaned.data(), cleaned.size(), "\r\n", &length,
                              nullptr, variant) == 0) {
            out.resize(length);
            return out;
        }
    }
    return fail(Errc::bad_input, "ui.error.bad_webhook", "not base64");
}

std::string sign_hs256(const wire::Json& claims, std::string_view secret) {
    std::string signing_input = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(claims.dump());
    return signing_input + "." + base64url_encode(hmac_sha256(signing_input, secret));
}

Result<DisposableToken> verify_disposable_token(std::string_view token, const TokenExpectations& expect) {
    if (token.empty()) return rejected("missing", "ui.error.unauthorized");
    size_t first = token.find('.');
    size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return rejected("not a JWT");

    std::string_view signing_input = token.substr(0, second);
    auto signature = base64url_decode(token.substr(second + 1));
    if (!signature) return tl::unexpected(signature.error());
    std::string expected = hmac_sha256(signing_input, expect.client_secret);
    if (!same_secret(*signature, expected)) return rejected("bad signature");

    auto header_text = base64url_decode(token.substr(0, first));
    auto claims_text = base64url_decode(token.substr(first + 1, second - first - 1));
    if (!header_text || !claims_text) return rejected("bad encoding");
    auto header = wire::parse_json(*header_text);
    auto claims = wire::parse_json(*claims_text);
    if (!header || !claims || !claims->is_object()) return rejected("bad JSON");
    if (wire::read_text(*header, "alg") != "HS256") return rejected("unexpected alg");

    DisposableToken out;
    auto account = wire::read_int(*claims, "account_id", "jwt");
    auto user = wire::read_int_or(*claims, "user_id", "jwt", 0);
    auto exp = wire::read_int(*claims, "exp", "jwt");
    auto nbf = wire::read_int_or(*claims, "nbf", "jwt", 0);
    auto iat = wire::read_int_or(*claims, "iat", "jwt", 0);
    if (!account || !user || !exp || !nbf || !iat) return rejected("claims missing");
    out.account_id = *account;
    out.user_id = *user;
    out.expires_at = *exp;
    out.subdomain = wire::read_text(*claims, "subdomain");
    out.client_uuid = wire::read_text(*claims, "client_uuid");
    out.jti = wire::read_text(*claims, "jti");
    out.issuer = wire::read_text(*claims, "iss");
    out.audience = wire::read_text(*claims, "aud");
    out.is_admin = wire::read_flag(*claims, "is_admin");

    if (expect.now > *exp + expect.leeway_seconds) return rejected("expired", "ui.error.session_expired");
    if (expect.now + expect.leeway_seconds < *nbf) return rejected("not valid yet");
    if (!expect.audience.empty() && out.audience != expect.audience) return rejected("wrong audience");
    if (!expect.client_id.empty() && out.client_uuid != expect.client_id) return rejected("another integration's token");
    int64_t issued = *iat != 0 ? *iat : *nbf != 0 ? *nbf : expect.now;
    if (*exp - issued > expect.max_lifetime_seconds) return rejected("lifetime longer than Kommo issues");
    return out;
}

bool token_names_account(const DisposableToken& token, const std::string& subdomain) {
    auto lower = [](std::string text) {
        for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return text;
    };
    std::string wanted = lower(subdomain);
    if (!token.subdomain.empty() && lower(token.subdomain) != wanted) return false;
    if (token.issuer.empty()) return true;
    std::string host = lower(token.issuer);
    if (size_t scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
    host = host.substr(0, host.find_first_of("/:?#"));
    return host.substr(0, host.find('.')) == wanted && host.find('.') != std::string::npos;
}

}  // namespace kb::crypto
