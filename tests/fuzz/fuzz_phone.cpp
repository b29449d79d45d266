// The phone rule on arbitrary text: never crashes, and matching stays symmetric and reflexive for numbers
// that parse.
#include <cstddef>
#include <cstdint>
#include <string>
#include "shared/domain/phone.hpp"
#include "shared/wire/json_read.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    size_t split = text.find('|');
    std::string a = text.substr(0, split), b = split == std::string::npos ? text : text.substr(split + 1);
    for (const char* country : {"7", "34", "52", ""}) {
        bool ab = kb::domain::same_client_phone(a, b, country), ba = kb::domain::same_client_phone(b, a, country);
        if (ab != ba) __builtin_trap();
        if (kb::domain::parse_phone(a, country) && !kb::domain::same_client_phone(a, a, country)) __builtin_trap();
        (void)kb::domain::format_phone(a, kb::domain::PhoneFormat::custom, b, country);
        (void)kb::domain::format_phone(a, kb::domain::PhoneFormat::international, {}, country);
    }
    return 0;
}
