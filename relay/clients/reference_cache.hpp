#pragma once
// What rarely changes but every event needs: an account's Kommo lead fields, pipelines and UTC offset, the Altegio
// branches its user token manages, and each branch's catalogue of services and their categories. Read once and kept for `ttl_seconds`; dropped at once when the admin
// installs, saves settings or creates fields (invalidate), and re-read once when the caller finds something
// missing from it (a field or stage id it was told to use), because the admin may just have added it in Kommo.
// Thread-safe; two workers asking at the same moment may both read, which is harmless.
#include <functional>
#include <map>
#include <mutex>
#include "relay/clock.hpp"
#include "relay/clients/altegio_client.hpp"
#include "relay/clients/kommo_client.hpp"

namespace kb::clients {

class ReferenceCache {
public:
    ReferenceCache(KommoClient& kommo, AltegioClient& altegio, Clock clock, int64_t ttl_seconds = 600)
        : m_kommo(kommo), m_altegio(altegio), m_clock(std::move(clock)), m_ttl(ttl_seconds) {}

    enum class Read { cached, fresh };   // fresh: skip the cache (after a miss)
    Result<std::vector<domain::KommoFieldInfo>> lead_fields(int64_t account_id, Read read = Read::cached);
    Result<std::vector<domain::KommoFieldInfo>> contact_fields(int64_t account_id, Read read = Read::cached);
    Result<std::vector<domain::KommoFieldInfo>> company_fields(int64_t account_id, Read read = Read::cached);
    Result<std::vector<domain::PipelineInfo>> pipelines(int64_t account_id, Read read = Read::cached);
    // The offset Kommo shows the account's dates at (its datetime_settings); none when Kommo does not say.
    Result<std::optional<int32_t>> kommo_utc_offset(int64_t account_id);
    // The offset at which a record's day goes into the lead's date field: the Kommo account's, when the settings put
    // the day into a date field of its own and Kommo says it; else the record's own (its branch's). Kommo is asked
    // only in the first case.
    Result<int32_t> record_day_offset(int64_t account_id, const domain::LeadFieldMap& map, const std::string& record_datetime);
    // The branches the user token manages, and the Altegio Marketplace locations the account connected with a code
    // (read with the partner token). A location Altegio does not show is left out while others are there.
    Result<std::vector<domain::Branch>> branches(int64_t account_id, const std::string& user_token, Read read = Read::cached);
    // Which Marketplace locations an account connected (store::Store::marketplace_salons); none when unset.
    std::function<Result<std::vector<int64_t>>(int64_t account_id)> marketplace_salons;
    Result<wire::api::Catalog> catalog(int64_t account_id, int64_t company_id, const std::string& user_token, Read read = Read::cached);
    void invalidate(int64_t account_id);

private:
    template <class T>
    struct Entry {
        T value;
        int64_t read_at = 0;
    };
    template <class Key, class T, class Load>
    Result<T> get(std::map<Key, Entry<T>>& entries, const Key& key, Read read, Load load);

    KommoClient& m_kommo;
    AltegioClient& m_altegio;
    Clock m_clock;
    int64_t m_ttl;
    std::mutex m_mutex;
    std::map<int64_t, Entry<std::vector<domain::KommoFieldInfo>>> m_lead_fields;
    std::map<int64_t, Entry<std::vector<domain::KommoFieldInfo>>> m_contact_fields;
    std::map<int64_t, Entry<std::vector<domain::KommoFieldInfo>>> m_company_fields;
    std::map<int64_t, Entry<std::vector<domain::PipelineInfo>>> m_pipelines;
    std::map<int64_t, Entry<std::optional<int32_t>>> m_utc_offsets;
    std::map<int64_t, Entry<std::vector<domain::Branch>>> m_branches;
    std::map<std::pair<int64_t, int64_t>, Entry<wire::api::Catalog>> m_catalogs;   // by (account, branch)
};

}  // namespace kb::clients
