#pragma once
// The JSON value type, declared only (nlohmann/json_fwd.hpp): a header whose declarations merely name Json includes
// this, so that the files including it do not parse all of nlohmann/json. A file that reads, builds or stores JSON
// values includes shared/wire/json_read.hpp, which brings the whole library and the tolerant readers.
#include <nlohmann/json_fwd.hpp>

namespace kb::wire {

using Json = nlohmann::json;

}  // namespace kb::wire
