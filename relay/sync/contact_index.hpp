#pragma once
// The account's Kommo contacts by phone, so that a record's duplicate search asks Kommo nothing about a client it
// has never seen (issue 28: the search was one Kommo call of every new record). A phone is kept as Kommo is searched
// for it (clients::phone_search_text: the last ten digits of the national number, read with the account's default
// country).
//
// Filled from Kommo's contact list, a few pages (250 contacts each) by each event that needs it, then kept current
// by asking Kommo for the contacts changed since the last ask, at most every `freshness`, before it answers: a
// contact typed in Kommo a moment ago is found. What it finds is read again from Kommo by id, with its leads, as
// the search answers: a contact that no longer has the phone, or was deleted, is dropped from the index (and the
// duplicate search, which compares the phones itself, does not merge into it). While the index is not ready, or
// Kommo refuses the list or does not filter it by change time (UNVERIFIED for contacts), Kommo is searched as before.
//
//   auto contacts = index.contacts_with_phone(account, phone);   // as KommoClient::contacts_by_phone answers
//   index.remember(account, created.contact_id, phone_text);      // a contact the relay made
#include <mutex>
#include "relay/account_context.hpp"
#include "relay/clients/kommo_client.hpp"
#include "relay/clock.hpp"
#include "relay/store/store.hpp"

namespace kb::sync {

class ContactIndex {
public:
    struct Options {
        int64_t freshness_ms = 10000;   // how old Kommo's changes may be when the index answers
        int fill_pages = 4;             // contact list pages one event reads while the index is filled
        int refresh_pages = 20;         // pages of changes one ask reads (the rest at the next)
    };
    ContactIndex(store::Store& store, clients::KommoClient& kommo, Clock clock, Options options);
    ContactIndex(store::Store& store, clients::KommoClient& kommo, Clock clock) : ContactIndex(store, kommo, std::move(clock), Options{}) {}

    Result<std::vector<domain::KnownContact>> contacts_with_phone(const AccountContext& account, const domain::PhoneNumber& phone);
    // A contact the relay made with this phone: the client's next record finds it before the next ask.
    void remember(const AccountContext& account, int64_t contact_id, const std::string& phone);

private:
    // Fills or brings the index up to date as needed; false when it cannot answer yet (Kommo is asked instead).
    Result<bool> ready(const AccountContext& account);
    // Each contact's phones as the index keeps them.
    std::vector<std::pair<int64_t, std::vector<std::string>>> keyed(const std::vector<std::pair<int64_t, std::vector<std::string>>>& contacts,
                                                                    const std::string& country) const;
    store::Store& m_store;
    clients::KommoClient& m_kommo;
    Clock m_clock;
    Options m_options;
    std::mutex m_mutex;   // one fill or ask for changes at a time
    bool m_changes_unfiltered = false;   // Kommo answered the ask for changes with older contacts: the index cannot keep up
};

}  // namespace kb::sync
