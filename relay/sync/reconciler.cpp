#include "relay/sync/reconciler.hpp"

#include <spdlog/spdlog.h>
#include "relay/sync/inbox_rows.hpp"
#include "shared/domain/calendar.hpp"
#include "shared/wire/json_read.hpp"
#include "relay/account_context.hpp"

namespace kb::sync {
namespace {

// The watermark moved back by `seconds`, in the same shape and offset. Altegio's change dates have one-second
// resolution and whether changed_after is inclusive is not documented: reading with an overlap never misses a
// change made in the watermark's own second, and the dedupe keys drop what was seen already.
std::string earlier_by(const std::string& watermark, int64_t seconds) {
    auto parsed = domain::parse_iso_datetime(watermark);
    if (!parsed) return watermark;
    return domain::format_iso_datetime(domain::to_unix_seconds(*parsed) - seconds, parsed->offset_seconds);
}

}  // namespace

Result<ReconcileReport> Reconciler::run_once() {
    ReconcileReport report;
    if (m_store.shared()) {
        auto mine = m_store.take_lease("reconciler", m_clock.ms(), m_lease.count());
        if (!mine) return tl::unexpected(mine.error());
        report.skipped = !*mine;
        if (report.skipped) return report;
    }
    auto accounts = m_store.installed_accounts();
    if (!accounts) return tl::unexpected(accounts.error());
    for (int64_t account : *accounts) {
        auto context = load_account_context(m_store, account);
        if (!context || !*context) continue;
        auto branches = (*context)->branches_in_force(m_reference);
        if (!branches) return tl::unexpected(branches.error());
        for (int64_t company : *branches) {
            auto watermark = m_store.reconciler_watermark(account, company);
            if (!watermark) return tl::unexpected(watermark.error());
            std::string read_from = watermark->empty() ? *watermark : earlier_by(*watermark, 120);
            auto records = m_altegio.changed_records(account, (*context)->altegio_token(), company, read_from);
            if (!records) {
                spdlog::warn("reconciler: branch {} of account {}: {}", company, account, records.error().detail);
                continue;   // the next run tries again from the same watermark
            }
            ++report.branches;
            std::string newest = *watermark;
            if (watermark->empty()) {
                // The first run only marks where watching starts: importing a branch's history would flood
                // Kommo with leads for visits that were never meant to have one.
                for (const auto& r : *records) newest = std::max(newest, wire::read_text(r, "last_change_date"));
                if (newest.empty()) newest = "1970-01-01T00:00:00";
                if (auto saved = m_store.save_reconciler_watermark(account, company, newest); !saved) return tl::unexpected(saved.error());
                continue;
            }
            std::vector<store::InboxEvent> rows;
            for (const auto& r : *records) {
                std::string changed = wire::read_text(r, "last_change_date");
                std::string created = wire::read_text(r, "create_date");
                bool deleted = wire::read_flag(r, "deleted");
                int64_t record_id = wire::read_int_or(r, "id", "record", 0).value_or(0);
                // A record created within what this read covers and never applied is new to us, as its "create"
                // webhook would have said. (Comparing with the watermark alone missed a record created in the
                // watermark's own second after the previous look.)
                auto applied = m_store.applied_change(account, company, record_id);
                if (!applied) return tl::unexpected(applied.error());
                std::string type = deleted ? "delete" : created > read_from && *applied == 0 ? "create" : "update";
                rows.push_back(sync::altegio_row(account, sync::source::reconciler, company, "record", record_id, type, r, m_clock.ms()));
                if (changed > newest) newest = changed;
            }
            auto added = m_store.append_to_inbox(rows);
            if (!added) return tl::unexpected(added.error());
            report.records_seen += static_cast<int32_t>(rows.size());
            report.events_new += *added;
            if (newest != *watermark)
                if (auto saved = m_store.save_reconciler_watermark(account, company, newest); !saved) return tl::unexpected(saved.error());
        }
    }
    return report;
}

}  // namespace kb::sync
