// Which coding an answer goes out in, read from Accept-Encoding as browsers, proxies and scripts write it.
#include <doctest/doctest.h>
#include <zlib.h>

#include "relay/http/content_coding.hpp"

using namespace kb::http;

TEST_CASE("Accept-Encoding admits a coding by name or by *, and q=0 refuses it") {
    CHECK(accepts_coding("gzip, deflate, br, zstd", "br"));
    CHECK(accepts_coding("gzip, deflate, br, zstd", "gzip"));
    CHECK(accepts_coding("GZIP", "gzip"));
    CHECK(accepts_coding(" br ; q=0.5 ,gzip", "br"));
    CHECK_FALSE(accepts_coding("br;q=0, gzip", "br"));
    CHECK_FALSE(accepts_coding("br;q=0.000", "br"));
    CHECK_FALSE(accepts_coding("gzip", "br"));
    CHECK_FALSE(accepts_coding("", "gzip"));
    CHECK_FALSE(accepts_coding("brotli, xbr", "br"));   // whole tokens only
    CHECK(accepts_coding("*", "br"));
    CHECK_FALSE(accepts_coding("*, br;q=0", "br"));   // the named coding wins over *
    CHECK_FALSE(accepts_coding("gzip;q=0, *", "gzip"));
    CHECK_FALSE(accepts_coding("br;q=abc", "br"));     // an unreadable weight refuses
    CHECK_FALSE(accepts_coding("br;q=2", "br"));
}

TEST_CASE("the answer's coding: brotli when a brotli copy exists and is taken, else gzip, else as it is") {
    CHECK(choose_coding("gzip, deflate, br", true, true) == Coding::br);
    CHECK(choose_coding("gzip, deflate, br", false, true) == Coding::gzip);
    CHECK(choose_coding("gzip, deflate", true, true) == Coding::gzip);
    CHECK(choose_coding("br", false, true) == Coding::identity);
    CHECK(choose_coding("identity", true, true) == Coding::identity);
    CHECK(choose_coding("gzip, br", false, false) == Coding::identity);
}

TEST_CASE("text and JSON are worth compressing; wasm, fonts and images are not (they are precompressed or packed)") {
    CHECK(compressible_type("application/json"));
    CHECK(compressible_type("application/json; charset=utf-8"));
    CHECK(compressible_type("text/html; charset=utf-8"));
    CHECK(compressible_type("text/javascript"));
    CHECK(compressible_type("application/problem+json"));
    CHECK_FALSE(compressible_type("application/wasm"));
    CHECK_FALSE(compressible_type("font/ttf"));
    CHECK_FALSE(compressible_type("image/png"));
}

TEST_CASE("gzip makes a stream any gzip reader restores") {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += R"({"id":)" + std::to_string(i) + R"(,"status":"confirmed"},)";
    std::string packed = gzip(text);
    REQUIRE(packed.size() > 18);
    CHECK(packed.size() < text.size() / 4);
    CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);

    z_stream stream{};
    REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
    std::string restored(text.size() + 16, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(packed.data());
    stream.avail_in = static_cast<uInt>(packed.size());
    stream.next_out = reinterpret_cast<Bytef*>(restored.data());
    stream.avail_out = static_cast<uInt>(restored.size());
    CHECK(inflate(&stream, Z_FINISH) == Z_STREAM_END);
    restored.resize(stream.total_out);
    inflateEnd(&stream);
    CHECK(restored == text);
}
