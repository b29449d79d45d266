#include "relay/store/db.hpp"

#include <charconv>

namespace kb::store::db {

int64_t Row::integer(size_t column) const {
    const auto& v = m_values.at(column).v;
    if (auto n = std::get_if<int64_t>(&v)) return *n;
    if (auto s = std::get_if<std::string>(&v)) {
        int64_t n = 0;
        std::from_chars(s->data(), s->data() + s->size(), n);
        return n;
    }
    return 0;
}

std::string Row::text(size_t column) const {
    const auto& v = m_values.at(column).v;
    if (auto s = std::get_if<std::string>(&v)) return *s;
    if (auto n = std::get_if<int64_t>(&v)) return std::to_string(*n);
    return {};
}

bool Row::boolean(size_t column) const {
    const auto& v = m_values.at(column).v;
    if (auto s = std::get_if<std::string>(&v)) return *s == "t" || *s == "true" || *s == "1";
    return integer(column) != 0;
}

}  // namespace kb::store::db
