// The reducers of a record's status, from the card's log or the pipeline's.
#include "widget/state/reducers.hpp"

#include "shared/wire/json_read.hpp"   // the full JSON type, for the request bodies

namespace kb::widget::detail {

namespace api = wire::api;

std::vector<Call> on(AppState& s, const intent::AskCancel& i) {
    s.records.cancel_asked_id = i.record_id;
    return {};
}

std::vector<Call> on(AppState& s, const intent::KeepRecord&) {
    s.records.cancel_asked_id = 0;
    return {};
}

std::vector<Call> on(AppState& s, const intent::ChangeStatus& i) {
    const api::RecordRow* row = row_of(s, i.record_id);
    if (!row || row->record.deleted || s.loading(RequestKind::status)) return {};
    if (i.action == "cancel" && s.records.cancel_asked_id != i.record_id) return {};   // only after "Yes"
    s.records.cancel_asked_id = 0;
    s.records.status_record_id = i.record_id;
    s.error.reset();
    std::string path = "/api/v1/branches/" + std::to_string(row->record.company_id) + "/records/" +
                       std::to_string(row->record.id) + "/status";
    return {s.requests.start(RequestKind::status, "POST", path, wire::Json{{"action", i.action}}.dump())};
}

// Any change of the booking itself starts a new booking intent; a plain retry keeps the key.

}  // namespace kb::widget::detail
