// What the request history and the logs keep of a secret: nothing, however it is written.
#include <doctest/doctest.h>

#include "relay/clients/call_log.hpp"

using kb::clients::mask_secrets;

TEST_CASE("security: a secret holding an escaped quote is masked whole") {
    CHECK(mask_secrets(R"({"password":"ab\"cd\\","login":"x"})") == R"({"password":"***","login":"x"})");
    CHECK(mask_secrets(R"({"crm_token":"t\"\"t"})") == R"({"crm_token":"***"})");
}

TEST_CASE("security: disposable tokens and other JWTs are masked wherever they appear") {
    std::string jwt = "eyJhbGciOiJIUzI1NiJ9.eyJhY2NvdW50X2lkIjoxfQ.c2lnbmF0dXJlLWJ5dGVz";
    CHECK(mask_secrets("X-Auth-Token: " + jwt + "\nAccept: */*") == "X-Auth-Token: ***\nAccept: */*");
    CHECK(mask_secrets(R"({"token":")" + jwt + R"("})") == R"({"token":"***"})");
    CHECK(mask_secrets("Bearer " + jwt) == "Bearer ***");
    CHECK(mask_secrets("keyJust.words.here") == "keyJust.words.here");   // "eyJ" inside a word is not a token
}

TEST_CASE("security: webhook keys inside addresses are masked") {
    CHECK(mask_secrets(R"({"destination":"https://relay.example/hooks/kommo/Zx81_-kq9"})") ==
          R"({"destination":"https://relay.example/hooks/kommo/***"})");
    CHECK(mask_secrets("POST /hooks/altegio-location/400001/k3y-Abc HTTP/1.1") == "POST /hooks/altegio-location/400001/*** HTTP/1.1");
    CHECK(mask_secrets("https://r/tracking/abc123/leads and /telephony/def456/calls") ==
          "https://r/tracking/***/leads and /telephony/***/calls");
    CHECK(mask_secrets("/hooks/kommo-dp/q1w2") == "/hooks/kommo-dp/***");
    CHECK(mask_secrets("POST /hooks/altegio/31000001.0f3c2a9e8b7d6c5f4e3d2c1b0a998877 ok") == "POST /hooks/altegio/*** ok");
    CHECK(mask_secrets("/telephony/Zx81_-kq9.0f3c2a9e8b7d6c5f4e3d2c1b0a998877/calls") == "/telephony/***/calls");
}

TEST_CASE("security: a Digital Pipeline trigger's key is masked in its form and JSON, nested or not") {
    CHECK(mask_secrets("event[data][id]=1&action[settings][widget][settings][intake_key]=31000001.abc&x=1") ==
          "event[data][id]=1&action[settings][widget][settings][intake_key]=***&x=1");
    CHECK(mask_secrets("a=1&action%5Bsettings%5D%5Bwidget%5D%5Bsettings%5D%5Bintake_key%5D=31000001.abc") ==
          "a=1&action%5Bsettings%5D%5Bwidget%5D%5Bsettings%5D%5Bintake_key%5D=***");
    CHECK(mask_secrets(R"({"intake_key":"31000001.abc","altegio_action":"came"})") == R"({"intake_key":"***","altegio_action":"came"})");
    CHECK(mask_secrets("a=1&monkey=banana") == "a=1&monkey=banana");   // a name ending in "key" is no key
}
