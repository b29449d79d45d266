#pragma once
// Who is asking: the claims of a verified disposable token.
#include <cstdint>

namespace kb::services {

struct Caller {
    int64_t account_id = 0;
    int64_t user_id = 0;
    bool is_admin = false;
};

}  // namespace kb::services
