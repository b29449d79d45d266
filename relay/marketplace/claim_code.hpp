#pragma once
// The one-time code that connects an Altegio Marketplace location to a Kommo account: shown on the registration page
// to the Altegio user who activated the location, typed by a Kommo admin in the settings' Branches tab.
// Twelve characters of an alphabet without look-alikes (no 0/O, 1/I/L), about 60 bits, shown as "ABCD-EFGH-JKMN";
// what is typed may have spaces, dashes and small letters. The store keeps only the hash.
#include <optional>
#include <string>
#include <string_view>

namespace kb::marketplace {

constexpr int64_t claim_code_lifetime_ms = 24LL * 60 * 60 * 1000;

std::string new_claim_code();                                        // "ABCD-EFGH-JKMN"
// The twelve characters of a typed code, or none when it cannot be one (any other character, or another length).
std::optional<std::string> normalise_claim_code(std::string_view typed);
std::string claim_code_hash(std::string_view code);                  // of a normalised code, as the store keeps it

}  // namespace kb::marketplace
