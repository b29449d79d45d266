// A PBX's call events come from the network: decoding one, folding it into a call and writing Altegio's commands
// for it must never crash, whatever the JSON holds.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "shared/domain/telephony.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/telephony.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto json = kb::wire::parse_json(body);
    if (!json) return 0;
    const kb::wire::Json items = json->is_array() ? *json : kb::wire::Json::array({*json});
    kb::domain::CallRecord call;
    for (const auto& item : items) {
        auto event = kb::wire::telephony::decode_call_event(item, 1795000000);
        if (!event) continue;
        auto steps = kb::domain::plan_call_event(call, *event, size % 2 == 0);
        if (steps.popup) (void)kb::wire::telephony::voip_popup(call, "token", "7");
        if (steps.save_history) (void)kb::wire::telephony::voip_history(call, "token", "7");
        auto stored = kb::wire::telephony::decode_call_record(kb::wire::telephony::encode_call_record(call));
        if (!stored || !(*stored == call)) __builtin_trap();   // what the store keeps must read back the same
    }
    return 0;
}
