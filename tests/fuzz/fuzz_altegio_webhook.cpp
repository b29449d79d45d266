// Altegio's webhooks come from the network: decoding the envelope and its record must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "shared/wire/altegio.hpp"
#include "shared/wire/json_read.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto events = kb::wire::altegio::decode_webhook_body(body);
    if (!events) return 0;
    for (const auto& event : *events) {
        if (event.resource == "record") (void)kb::wire::altegio::decode_record(event.data);
        if (event.resource == "client") (void)kb::wire::altegio::decode_client(event.data);
        if (event.resource == "finances_operation") (void)kb::wire::altegio::decode_finance_operation(event.data);
    }
    return 0;
}
