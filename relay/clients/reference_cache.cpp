#include "relay/clients/reference_cache.hpp"

#include <algorithm>
#include "shared/domain/calendar.hpp"

namespace kb::clients {

template <class Key, class T, class Load>
Result<T> ReferenceCache::get(std::map<Key, Entry<T>>& entries, const Key& key, Read read, Load load) {
    {
        std::lock_guard lock(m_mutex);
        auto found = entries.find(key);
        if (read == Read::cached && found != entries.end() && m_clock.seconds() - found->second.read_at < m_ttl) return found->second.value;
    }
    auto loaded = load();   // outside the lock: a slow API must not hold up other accounts
    if (!loaded) return loaded;
    std::lock_guard lock(m_mutex);
    entries[key] = Entry<T>{*loaded, m_clock.seconds()};
    return loaded;
}

namespace {

Result<std::vector<domain::KommoFieldInfo>> infos(Result<std::vector<wire::kommo::FieldDefinition>> definitions) {
    if (!definitions) return tl::unexpected(definitions.error());
    std::vector<domain::KommoFieldInfo> out;
    for (const auto& d : *definitions) out.push_back(domain::KommoFieldInfo{d.id, d.type, d.enums});
    return out;
}

}  // namespace

Result<std::vector<domain::KommoFieldInfo>> ReferenceCache::lead_fields(int64_t account_id, Read read) {
    return get(m_lead_fields, account_id, read, [&] { return infos(m_kommo.lead_field_definitions(account_id)); });
}

Result<std::vector<domain::KommoFieldInfo>> ReferenceCache::contact_fields(int64_t account_id, Read read) {
    return get(m_contact_fields, account_id, read, [&] { return infos(m_kommo.contact_field_definitions(account_id)); });
}

Result<std::vector<domain::KommoFieldInfo>> ReferenceCache::company_fields(int64_t account_id, Read read) {
    return get(m_company_fields, account_id, read, [&] { return infos(m_kommo.company_field_definitions(account_id)); });
}

Result<std::vector<domain::PipelineInfo>> ReferenceCache::pipelines(int64_t account_id, Read read) {
    return get(m_pipelines, account_id, read, [&] { return m_kommo.pipelines(account_id); });
}

Result<std::optional<int32_t>> ReferenceCache::kommo_utc_offset(int64_t account_id) {
    return get(m_utc_offsets, account_id, Read::cached, [&] { return m_kommo.utc_offset(account_id); });
}

Result<int32_t> ReferenceCache::record_day_offset(int64_t account_id, const domain::LeadFieldMap& map, const std::string& record_datetime) {
    int32_t own = domain::offset_of(record_datetime);
    if (map.record_date == 0 || map.datetime_in_one_field) return own;   // no day of its own goes to Kommo
    auto kommo = kommo_utc_offset(account_id);
    if (!kommo) return tl::unexpected(kommo.error());
    return kommo->value_or(own);
}

Result<std::vector<domain::Branch>> ReferenceCache::branches(int64_t account_id, const std::string& user_token, Read read) {
    return get(m_branches, account_id, read, [&]() -> Result<std::vector<domain::Branch>> {
        auto salons = marketplace_salons ? marketplace_salons(account_id) : Result<std::vector<int64_t>>(std::vector<int64_t>());
        if (!salons) return tl::unexpected(salons.error());
        if (user_token.empty() && salons->empty()) return m_altegio.my_branches(account_id, user_token);   // answers why not
        std::vector<domain::Branch> out;
        if (!user_token.empty()) {
            auto managed = m_altegio.my_branches(account_id, user_token);
            if (!managed) return managed;
            out = std::move(*managed);
        }
        std::optional<Error> refused;
        for (int64_t salon : *salons) {
            if (std::any_of(out.begin(), out.end(), [&](const domain::Branch& b) { return b.id == salon; })) continue;
            auto location = m_altegio.marketplace_branch(account_id, salon);
            if (location) out.push_back(std::move(*location));
            else refused = location.error();
        }
        if (out.empty() && refused) return tl::unexpected(*refused);
        return out;
    });
}

Result<wire::api::Catalog> ReferenceCache::catalog(int64_t account_id, int64_t company_id, const std::string& user_token, Read read) {
    return get(m_catalogs, std::pair{account_id, company_id}, read, [&] { return m_altegio.catalog(account_id, company_id, user_token); });
}

void ReferenceCache::invalidate(int64_t account_id) {
    std::lock_guard lock(m_mutex);
    m_lead_fields.erase(account_id);
    m_contact_fields.erase(account_id);
    m_company_fields.erase(account_id);
    m_pipelines.erase(account_id);
    m_utc_offsets.erase(account_id);
    m_branches.erase(account_id);
    std::erase_if(m_catalogs, [&](const auto& entry) { return entry.first.first == account_id; });
}

}  // namespace kb::clients
