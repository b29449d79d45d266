#pragma once
// The content coding of the relay's answers. Static files go out in the smallest precompressed form the caller
// accepts (brotli or gzip files made at build time next to them); other answers of compressible types are gzipped
// when they are worth it. cpp-httplib would otherwise brotli every text answer at quality 11 on each request
// (about 1 MB/s: 100 ms for widget.js, seconds for a large log).
#include <string>
#include <string_view>

namespace kb::http {

enum class Coding { identity, gzip, br };

// Whether the request's Accept-Encoding (RFC 9110 §12.5.3: "gzip, br;q=0.5", "*", "br;q=0") admits `coding`.
bool accepts_coding(std::string_view accept_encoding, std::string_view coding);

// The coding to answer in: br when a brotli form exists and is accepted, else gzip when a gzip form exists (or can be
// made) and is accepted, else identity.
Coding choose_coding(std::string_view accept_encoding, bool have_br, bool have_gzip);

// Whether a body of this type shrinks when compressed (text, JSON, JavaScript, SVG; not images, fonts or wasm, which
// are precompressed or already compact).
bool compressible_type(std::string_view content_type);

// `data` gzipped (RFC 1952) at zlib's default level.
std::string gzip(std::string_view data);

// The token of a coding in Content-Encoding ("gzip", "br"); "" for identity.
const char* coding_name(Coding coding);

}  // namespace kb::http
