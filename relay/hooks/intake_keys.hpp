#pragma once
// The keys in the relay's intake addresses. Each address has its own key: Altegio's webhooks, Kommo's account
// webhook, Digital Pipeline triggers, lead tracking (one each per account), every telephony chain's PBX and every
// Marketplace location. A key is "<subject>.<tag>": the subject names the account (its id), the chain (its key) or
// the location (its salon id), the tag is an HMAC of the
// intake's name, the subject and the account's random seed, under a key derived from the relay's master key.
// Nothing the database holds is a key: a copy of it (a backup, say) cannot post to any address, and a key for
// one intake or account is refused by every other. A new seed (a reinstall) retires every address of the account.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kb::hooks {

enum class Intake { altegio, kommo, kommo_dp, tracking, telephony, altegio_location };

class IntakeKeys {
public:
    // `master_key_text`: the relay's master key as configured (KB_MASTER_KEY); the keys' own secret is derived from it.
    explicit IntakeKeys(std::string_view master_key_text);

    std::string key(Intake intake, std::string_view subject, std::string_view seed) const;
    std::string account_key(Intake intake, int64_t account_id, std::string_view seed) const {
        return key(intake, std::to_string(account_id), seed);
    }

    struct Parts {
        std::string subject, tag;
    };
    // The subject and the tag of a key as it arrived; nullopt when it has not the shape of one.
    static std::optional<Parts> split(std::string_view key);
    // Whether `key` is the key of this intake for this subject and seed (compared in constant time).
    bool matches(std::string_view key, Intake intake, std::string_view subject, std::string_view seed) const;

private:
    std::string m_secret;   // 32 raw bytes
};

}  // namespace kb::hooks
