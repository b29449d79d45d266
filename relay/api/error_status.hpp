#pragma once
#include "shared/domain/result.hpp"

namespace kb::api {

// The one table from error code to HTTP status.
int http_status_for(Errc code);

}  // namespace kb::api
