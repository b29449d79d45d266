#pragma once
// Reads a fixture file for a test; fails the test when it is missing.
#include <fstream>
#include <sstream>
#include <string>
#include <doctest/doctest.h>

inline std::string read_fixture(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "fixture missing: " << path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}
