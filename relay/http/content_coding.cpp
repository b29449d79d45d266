#include "relay/http/content_coding.hpp"

#include <zlib.h>
#include <cctype>
#include <cstdlib>

namespace kb::http {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool same_token(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

// The weight of one element ("br;q=0.5" → 0.5): 1 without a q, 0 for a q that cannot be read (refuse what is unclear).
double weight(std::string_view params) {
    while (!params.empty()) {
        size_t end = params.find(';');
        std::string_view param = params.substr(0, end);
        params = end == std::string_view::npos ? std::string_view() : params.substr(end + 1);
        size_t equals = param.find('=');
        if (equals == std::string_view::npos || !same_token(trim(param.substr(0, equals)), "q")) continue;
        std::string value(trim(param.substr(equals + 1)));
        if (value.empty() || value.size() > 5) return 0;
        char* stop = nullptr;
        double q = std::strtod(value.c_str(), &stop);
        return *stop == '\0' && q >= 0 && q <= 1 ? q : 0;
    }
    return 1;
}

}  // namespace

bool accepts_coding(std::string_view accept_encoding, std::string_view coding) {
    double named = -1, any = -1;
    while (!accept_encoding.empty()) {
        size_t end = accept_encoding.find(',');
        std::string_view element = accept_encoding.substr(0, end);
        accept_encoding = end == std::string_view::npos ? std::string_view() : accept_encoding.substr(end + 1);
        size_t semicolon = element.find(';');
        std::string_view name = trim(element.substr(0, semicolon));
        double q = semicolon == std::string_view::npos ? 1 : weight(element.substr(semicolon + 1));
        if (same_token(name, coding)) named = q;
        else if (name == "*") any = q;
    }
    return named >= 0 ? named > 0 : any > 0;
}

Coding choose_coding(std::string_view accept_encoding, bool have_br, bool have_gzip) {
    if (have_br && accepts_coding(accept_encoding, "br")) return Coding::br;
    if (have_gzip && accepts_coding(accept_encoding, "gzip")) return Coding::gzip;
    return Coding::identity;
}

bool compressible_type(std::string_view content_type) {
    std::string_view type = trim(content_type.substr(0, content_type.find(';')));
    return type.starts_with("text/") || type == "application/json" || type == "application/javascript" || type == "image/svg+xml" ||
           type.ends_with("+json");
}

std::string gzip(std::string_view data) {
    z_stream stream{};
    // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int result = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return result == Z_STREAM_END ? out : std::string();
}

const char* coding_name(Coding coding) {
    switch (coding) {
        case Coding::gzip: return "gzip";
        case Coding::br: return "br";
        case Coding::identity: break;
    }
    return "";
}

}  // namespace kb::http
