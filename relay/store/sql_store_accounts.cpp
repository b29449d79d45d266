// The SQL store: installations (tokens sealed at rest), settings versions and users' links.
#include <algorithm>
#include "relay/store/instance_id.hpp"
#include "relay/store/sql_rows.hpp"
#include "relay/store/sql_store.hpp"

namespace kb::store {

using db::Rows;
using db::Session;
using sql::now_seconds;

SqlStore::SqlStore(std::unique_ptr<db::Database> database, crypto::SecretBox box)
    : m_db(std::move(database)), m_dialect(m_db->dialect()), m_box(box), m_instance(new_instance_id()) {}
SqlStore::~SqlStore() = default;

Result<void> SqlStore::check_health() { return m_db->check_health(); }

Result<void> SqlStore::save_installation(const Installation& i) {
    return sql::written(m_db->change(
        "INSERT INTO installations (account_id, subdomain, api_base_url, access_token_sealed, refresh_token_sealed,"
        " access_expires_at, altegio_user_token_sealed, webhook_key, settings_json, installed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (account_id) DO UPDATE SET subdomain = excluded.subdomain, api_base_url = excluded.api_base_url,"
        " access_token_sealed = excluded.access_token_sealed, refresh_token_sealed = excluded.refresh_token_sealed,"
        " access_expires_at = excluded.access_expires_at, altegio_user_token_sealed = excluded.altegio_user_token_sealed,"
        " webhook_key = excluded.webhook_key, settings_json = excluded.settings_json",
        {i.account_id, i.subdomain, i.api_base_url, m_box.seal(i.access_token), m_box.seal(i.refresh_token), i.access_expires_at,
         i.altegio_user_token.empty() ? std::string() : m_box.seal(i.altegio_user_token), i.webhook_key, i.settings_json,
         i.installed_at != 0 ? i.installed_at : now_seconds()}));
}

namespace {
Result<Installation> installation_from(const db::Row& row, const crypto::SecretBox& box) {
    Installation i;
    i.account_id = row.integer(0);
    i.subdomain = row.text(1);
    i.api_base_url = row.text(2);
    auto access = box.open(row.text(3));
    auto refresh = box.open(row.text(4));
    if (!access || !refresh) return tl::unexpected(access ? refresh.error() : access.error());
    i.access_token = *access;
    i.refresh_token = *refresh;
    i.access_expires_at = row.integer(5);
    if (std::string sealed = row.text(6); !sealed.empty()) {
        auto user_token = box.open(sealed);
        if (!user_token) return tl::unexpected(user_token.error());
        i.altegio_user_token = *user_token;
    }
    i.webhook_key = row.text(7);
    i.settings_json = row.text(8);
    i.installed_at = row.integer(9);
    i.settings_revision = row.integer(10);
    return i;
}
}  // namespace

Result<std::optional<Installation>> SqlStore::find_installation(int64_t account_id) {
    return m_db->read([&](Session& s) -> Result<std::optional<Installation>> {
        return sql::first_or_error(
            s.query("SELECT account_id, subdomain, api_base_url, access_token_sealed, refresh_token_sealed, access_expires_at,"
                    " altegio_user_token_sealed, webhook_key, settings_json, installed_at, settings_revision FROM installations"
                    " WHERE account_id = ?",
                    {account_id}),
            [&](const db::Row& row) { return installation_from(row, m_box); });
    });
}

Result<std::optional<int64_t>> SqlStore::account_of_webhook_key(const std::string& key) {
    if (key.empty()) return std::optional<int64_t>();
    return m_db->read([&](Session& s) -> Result<std::optional<int64_t>> {
        return sql::first(s.query("SELECT account_id FROM installations WHERE webhook_key = ?", {key}), sql::integer_of);
    });
}

Result<std::optional<std::string>> SqlStore::webhook_seed(int64_t account_id) {
    return m_db->read([&](Session& s) -> Result<std::optional<std::string>> {
        return sql::first(s.query("SELECT webhook_key FROM installations WHERE account_id = ?", {account_id}), sql::text_of);
    });
}

Result<void> SqlStore::save_kommo_tokens(int64_t account_id, const std::string& access_token, const std::string& refresh_token,
                                         int64_t access_expires_at) {
    return m_db->write([&](Session& s) -> Result<void> {
        if (s.exec("UPDATE installations SET access_token_sealed = ?, refresh_token_sealed = ?, access_expires_at = ? WHERE account_id = ?",
                   {m_box.seal(access_token), m_box.seal(refresh_token), access_expires_at, account_id}) != 1)
            return fail(Errc::not_found, "ui.error.not_installed", "no installation for the account");
        return {};
    });
}

Result<void> SqlStore::save_altegio_token(int64_t account_id, const std::string& user_token) {
    return m_db->write([&](Session& s) -> Result<void> {
        if (s.exec("UPDATE installations SET altegio_user_token_sealed = ? WHERE account_id = ?", {m_box.seal(user_token), account_id}) != 1)
            return fail(Errc::not_found, "ui.error.not_installed", "no installation for the account");
        return {};
    });
}

Result<bool> SqlStore::delete_installation(int64_t account_id) {
    return m_db->write([&](Session& s) -> Result<bool> {
        bool existed = s.exec("DELETE FROM installations WHERE account_id = ?", {account_id}) == 1;
        for (const char* sql : {"DELETE FROM user_links WHERE account_id = ?", "DELETE FROM telephony_calls WHERE account_id = ?",
                                "DELETE FROM telephony_chains WHERE account_id = ?", "DELETE FROM tracked_leads WHERE account_id = ?"})
            s.exec(sql, {account_id});
        return existed;
    });
}

Result<std::vector<int64_t>> SqlStore::installed_accounts() {
    return m_db->read([&](Session& s) -> Result<std::vector<int64_t>> {
        return sql::each(s.query("SELECT account_id FROM installations WHERE altegio_user_token_sealed <> ''"
                                 " OR account_id IN (SELECT account_id FROM marketplace_claims) ORDER BY account_id"),
                         sql::integer_of);
    });
}

// [SECTION] settings versions -----------------------------------------------------------------------------------
Result<int64_t> SqlStore::save_settings(int64_t account_id, int64_t base_revision, const std::string& settings_json, int64_t user_id,
                                        int64_t at_ms) {
    return m_db->write([&](Session& s) -> Result<int64_t> {
        // The row this UPDATE writes makes "still at base_revision" and "now at the next one" one step, whichever relay
        // saves at the same moment. Revisions keep counting across a reinstall: the versions outlive the installation.
        Rows saved = s.query(std::string("UPDATE installations SET settings_json = ?, settings_revision = ") + m_dialect.greatest +
                                 "(settings_revision, (SELECT COALESCE(MAX(revision), 0) FROM settings_versions WHERE account_id = ?)) + 1"
                                 " WHERE account_id = ? AND settings_revision = ? RETURNING settings_revision",
                             {settings_json, account_id, account_id, base_revision});
        if (saved.empty()) {
            Rows current = s.query("SELECT settings_revision FROM installations WHERE account_id = ?", {account_id});
            if (current.empty()) return fail(Errc::not_found, "ui.error.not_installed", "no installation for the account");
            return fail(Errc::conflict, "ui.error.settings_conflict",
                        "settings were saved meanwhile (revision " + current[0].text(0) + ")");
        }
        int64_t revision = saved[0].integer(0);
        s.exec("INSERT INTO settings_versions (account_id, revision, settings_json, saved_at_ms, saved_by_user) VALUES (?, ?, ?, ?, ?)",
               {account_id, revision, settings_json, at_ms, user_id});
        return revision;
    });
}

namespace {
constexpr const char* version_columns = "revision, settings_json, saved_at_ms, saved_by_user";
SettingsVersion version_from(const db::Row& row) { return SettingsVersion{row.integer(0), row.text(1), row.integer(2), row.integer(3)}; }
}  // namespace

Result<std::vector<SettingsVersion>> SqlStore::settings_versions(int64_t account_id, int32_t limit) {
    return m_db->read([&](Session& s) -> Result<std::vector<SettingsVersion>> {
        return sql::each(s.query(std::string("SELECT ") + version_columns +
                                     " FROM settings_versions WHERE account_id = ? ORDER BY revision DESC LIMIT ?",
                                 {account_id, limit}),
                         version_from);
    });
}

Result<std::optional<SettingsVersion>> SqlStore::settings_version(int64_t account_id, int64_t revision) {
    return m_db->read([&](Session& s) -> Result<std::optional<SettingsVersion>> {
        return sql::first(s.query(std::string("SELECT ") + version_columns + " FROM settings_versions WHERE account_id = ? AND revision = ?",
                                  {account_id, revision}),
                          version_from);
    });
}

// [SECTION] users' links -----------------------------------------------------------------------------------------
Result<void> SqlStore::save_user_link(int64_t account_id, const UserLink& link) {
    return sql::written(m_db->change(
        "INSERT INTO user_links (account_id, kommo_user_id, altegio_user_id, altegio_user_name, user_token_sealed, checked_at_ms)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, kommo_user_id) DO UPDATE SET altegio_user_id = excluded.altegio_user_id,"
        " altegio_user_name = excluded.altegio_user_name, user_token_sealed = excluded.user_token_sealed,"
        " checked_at_ms = excluded.checked_at_ms",
        {account_id, link.kommo_user_id, link.altegio_user_id, link.altegio_user_name, m_box.seal(link.user_token), link.checked_at_ms}));
}

Result<std::vector<UserLink>> SqlStore::user_links(int64_t account_id) {
    return m_db->read([&](Session& s) -> Result<std::vector<UserLink>> {
        return sql::each_or_error(s.query("SELECT kommo_user_id, altegio_user_id, altegio_user_name, user_token_sealed, checked_at_ms"
                                          " FROM user_links WHERE account_id = ? ORDER BY kommo_user_id",
                                          {account_id}),
                                  [&](const db::Row& row) -> Result<UserLink> {
                                      auto token = m_box.open(row.text(3));
                                      if (!token) return tl::unexpected(token.error());
                                      return UserLink{row.integer(0), row.integer(1), row.text(2), *token, row.integer(4)};
                                  });
    });
}

}  // namespace kb::store
