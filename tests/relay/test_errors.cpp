// What a caller reads of a failure: the message key the widget shows in the user's language, never the relay's
// own failure text (a database's message names tables and files; a stack of them helps an attacker).
#include <doctest/doctest.h>

#include "relay/api/handlers.hpp"
#include "shared/wire/json_read.hpp"

using namespace kb;

TEST_CASE("security: a local failure answers its message key and a reference, not its text") {
    auto response = api::error_response(Error{Errc::internal, "ui.error.internal", "database is locked: /var/lib/kb/relay.db"});
    CHECK(response.status == 500);
    CHECK(response.body.find("database") == std::string::npos);
    CHECK(response.body.find("/var/lib") == std::string::npos);
    auto body = wire::parse_json(response.body);
    REQUIRE(body);
    CHECK((*body)["error"]["message_key"] == "ui.error.internal");
    CHECK((*body)["error"]["detail"].get<std::string>().rfind("reference ", 0) == 0);
}

TEST_CASE("security: a refusal keeps the detail that helps the caller fix the request") {
    auto response = api::error_response(Error{Errc::bad_input, "ui.error.bad_datetime", "datetime: not an ISO date"});
    CHECK(response.status == 400);
    CHECK(response.body.find("not an ISO date") != std::string::npos);
}
