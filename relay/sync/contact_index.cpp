#include "relay/sync/contact_index.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include "shared/domain/phone.hpp"

namespace kb::sync {
namespace {

// Kommo stamps its changes by its own clock: the first ask for changes after a fill reaches this far behind the
// relay's, so a clock ahead of Kommo's loses nothing (a few minutes of changes read twice cost one page).
constexpr int64_t clock_skew_seconds = 600;

}  // namespace

ContactIndex::ContactIndex(store::Store& store, clients::KommoClient& kommo, Clock clock, Options options)
    : m_store(store), m_kommo(kommo), m_clock(std::move(clock)), m_options(options) {}

std::vector<std::pair<int64_t, std::vector<std::string>>> ContactIndex::keyed(
    const std::vector<std::pair<int64_t, std::vector<std::string>>>& contacts, const std::string& country) const {
    std::vector<std::pair<int64_t, std::vector<std::string>>> out;
    for (const auto& [id, phones] : contacts) {
        std::vector<std::string> keys;
        for (const auto& text : phones)
            if (auto parsed = domain::parse_phone(text, country); parsed && !parsed->national.empty()) keys.push_back(clients::phone_search_text(*parsed));
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        out.emplace_back(id, std::move(keys));
    }
    return out;
}

Result<bool> ContactIndex::ready(const AccountContext& account) {
    std::lock_guard lock(m_mutex);
    if (m_changes_unfiltered) return false;
    const int64_t id = account.account_id();
    const std::string& country = account.settings.default_country_code;
    auto state = m_store.contact_index_state(id);
    if (!state) return tl::unexpected(state.error());
    if (!state->state.empty() && state->country_code != country) {   // phones were read with another country: read again
        if (auto cleared = m_store.clear_contact_index(id); !cleared) return tl::unexpected(cleared.error());
        *state = store::ContactIndexState{id, "", "", 1, 0, 0};
    }
    auto save = [&]() { return m_store.save_contact_index_state(*state); };
    auto index_page = [&](const clients::KommoClient::ContactPage& page) {
        std::vector<std::pair<int64_t, std::vector<std::string>>> phones;
        for (const auto& [contact, changed] : page.contacts) phones.emplace_back(contact.id, contact.phones);
        return m_store.index_contacts(id, keyed(phones, country));
    };

    if (state->state != "ready") {
        if (state->state.empty()) {   // changes made while the list is read are asked for afterwards, from (Kommo's) now
            *state = store::ContactIndexState{id, "filling", country, 1, m_clock.seconds() - clock_skew_seconds, 0};
            if (auto saved = save(); !saved) return tl::unexpected(saved.error());
        }
        for (int n = 0; n < m_options.fill_pages && state->state != "ready"; ++n) {
            auto page = m_kommo.contacts_page(id, static_cast<int>(state->next_page), 0);
            if (!page) {
                spdlog::warn("contact index of account {}: page {} not read: {}", id, state->next_page, page.error().detail);
                return false;
            }
            if (auto indexed = index_page(*page); !indexed) return tl::unexpected(indexed.error());
            ++state->next_page;
            if (!page->more) state->state = "ready";
            if (auto saved = save(); !saved) return tl::unexpected(saved.error());
        }
        if (state->state != "ready") return false;
        spdlog::info("contact index of account {}: ready after {} pages", id, state->next_page - 1);
    }

    if (m_clock.ms() - state->checked_at_ms < m_options.freshness_ms) return true;
    int64_t since = std::max<int64_t>(1, state->changed_up_to - 1);   // a second's overlap: a change in that second is read again, not lost
    int64_t newest = state->changed_up_to;
    for (int page_number = 1;; ++page_number) {
        auto page = m_kommo.contacts_page(id, page_number, since);
        if (!page) {
            spdlog::warn("contact index of account {}: changes not read: {}", id, page.error().detail);
            return false;
        }
        // Kommo's contact list filtering by change time is UNVERIFIED (documented for leads): a list that ignores it
        // would be read whole at every ask, so the index stops answering and Kommo is searched as before.
        bool filtered = std::all_of(page->contacts.begin(), page->contacts.end(), [&](const auto& c) { return c.second >= since; });
        if (!filtered) {
            spdlog::warn("contact index: Kommo's contact list ignores filter[updated_at]; contacts are searched in Kommo instead");
            m_changes_unfiltered = true;
            return false;
        }
        if (auto indexed = index_page(*page); !indexed) return tl::unexpected(indexed.error());
        for (const auto& [contact, changed] : page->contacts) newest = std::max(newest, changed);
        if (!page->more) break;
        if (page_number >= m_options.refresh_pages) {   // a flood of changes: the rest at the next ask, which comes at once
            state->changed_up_to = newest;
            if (auto saved = save(); !saved) return tl::unexpected(saved.error());
            return false;
        }
    }
    state->changed_up_to = newest;
    state->checked_at_ms = m_clock.ms();
    if (auto saved = save(); !saved) return tl::unexpected(saved.error());
    return true;
}

Result<std::vector<domain::KnownContact>> ContactIndex::contacts_with_phone(const AccountContext& account, const domain::PhoneNumber& phone) {
    const int64_t id = account.account_id();
    auto usable = ready(account);
    if (!usable) return tl::unexpected(usable.error());
    if (!*usable) return m_kommo.contacts_by_phone(id, phone);
    std::string key = clients::phone_search_text(phone);
    auto ids = m_store.contacts_with_phone(id, key);
    if (!ids) return tl::unexpected(ids.error());
    if (ids->empty()) return std::vector<domain::KnownContact>();
    auto found = m_kommo.contacts_by_id(id, *ids);
    if (!found) return tl::unexpected(found.error());
    // What Kommo holds now goes into the index; a contact it did not return (deleted) is forgotten.
    std::vector<std::pair<int64_t, std::vector<std::string>>> now;
    for (int64_t contact : *ids) {
        auto it = std::find_if(found->begin(), found->end(), [&](const domain::KnownContact& c) { return c.id == contact; });
        now.emplace_back(contact, it == found->end() ? std::vector<std::string>() : it->phones);
    }
    auto current = keyed(now, account.settings.default_country_code);
    if (auto indexed = m_store.index_contacts(id, current); !indexed) return tl::unexpected(indexed.error());
    return found;   // candidates, as Kommo's search answers: the duplicate search compares the phones itself
}

void ContactIndex::remember(const AccountContext& account, int64_t contact_id, const std::string& phone) {
    if (contact_id == 0 || phone.empty()) return;
    auto indexed = m_store.index_contacts(account.account_id(), keyed({{contact_id, {phone}}}, account.settings.default_country_code));
    if (!indexed) spdlog::warn("contact index of account {}: contact {} not kept: {}", account.account_id(), contact_id, indexed.error().detail);
}

}  // namespace kb::sync
