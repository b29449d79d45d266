#pragma once
// A fresh, empty PostgreSQL database for one test, on the throwaway server tools/with_postgres.sh starts (it
// exports KB_TEST_POSTGRES_URL). Without that server the PostgreSQL half of a test is skipped, with a message.
//   if (auto url = kb::testing::fresh_postgres_url()) { auto store = PgStore::open(*url, box); ... }
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <unistd.h>

namespace kb::testing {

inline std::optional<std::string> postgres_server_url() {
    const char* url = std::getenv("KB_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') return std::nullopt;
    return std::string(url);
}

// The server's URL with its database name replaced: postgresql:///postgres?host=... -> postgresql:///NAME?host=...
inline std::string with_database(const std::string& url, const std::string& name) {
    size_t path = url.find('/', url.find("://") + 3);
    size_t end = url.find('?', path);
    return url.substr(0, path + 1) + name + (end == std::string::npos ? "" : url.substr(end));
}

inline std::optional<std::string> fresh_postgres_url() {
    auto server = postgres_server_url();
    if (!server) {
        static bool told = false;
        if (!told) std::fprintf(stderr, "KB_TEST_POSTGRES_URL is not set: PostgreSQL is skipped (run under tools/with_postgres.sh)\n");
        told = true;
        return std::nullopt;
    }
    static std::atomic<int> counter{0};
    std::string name = "kb_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    pqxx::connection admin(*server);
    pqxx::nontransaction session(admin);
    session.exec("DROP DATABASE IF EXISTS " + name);
    session.exec("CREATE DATABASE " + name);
    return with_database(*server, name);
}

}  // namespace kb::testing
