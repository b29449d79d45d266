// Kommo's form-encoded webhooks come from the network: any bytes must give a value or an error, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "shared/wire/json_read.hpp"
#include "shared/wire/kommo_hooks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    if (auto hook = kb::wire::kommo::decode_account_hook(body)) {
        for (const auto& entity : hook->entities)
            if (entity.id == 0 && entity.entity.empty()) __builtin_trap();   // a decoded entity always has its kind
    }
    (void)kb::wire::kommo::decode_dp_trigger(body);
    return 0;
}
