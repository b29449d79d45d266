#pragma once
// A relay process's name in the shared database: host, process id and a random part (a restarted relay may get
// the same process id back, but never the same name).
#include <cstdio>
#include <random>
#include <string>
#include <unistd.h>

namespace kb::store {

inline std::string new_instance_id() {
    char host[64] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::random_device random;
    char text[160];
    std::snprintf(text, sizeof text, "%s-%d-%08x", host[0] ? host : "relay", static_cast<int>(getpid()), random());
    return text;
}

}  // namespace kb::store
