#include "shared/wire/history_api.hpp"

#include "shared/wire/object_reader.hpp"

namespace kb::wire::api {

namespace {
HistoryRow row_from(FieldReader& r) {
    HistoryRow row;
    row.type = r.text("type");
    row.id = r.integer("id");
    row.at_ms = r.integer_or("at_ms", 0);
    row.kind = r.text("kind");
    row.method = r.text("method");
    row.target = r.text("target");
    row.status = static_cast<int32_t>(r.integer_or("status", 0));
    row.error = r.text("error");
    row.duration_ms = r.integer_or("duration_ms", 0);
    row.state = r.text("state");
    row.repeatable = read_flag(r.object, "repeatable");
    return row;
}
}  // namespace

Json encode(const HistoryRow& v) {
    return Json{{"type", v.type},   {"id", v.id},         {"at_ms", v.at_ms},         {"kind", v.kind},
                {"method", v.method}, {"target", v.target}, {"status", v.status},       {"error", v.error},
                {"duration_ms", v.duration_ms}, {"state", v.state}, {"repeatable", v.repeatable}};
}

Json encode(const HistoryPage& v) {
    return Json{{"rows", encode_each(v.rows, [](const HistoryRow& r) { return encode(r); })}, {"next_before_id", v.next_before_id}};
}

Json encode(const HistoryDetail& v) {
    Json out = encode(v.row);
    out["request_body"] = v.request_body;
    out["response_body"] = v.response_body;
    return out;
}

Result<HistoryRow> decode_history_row(const Json& j) {
    FieldReader r{j, "history_row", {}};
    auto row = row_from(r);
    return finish(r, std::move(row));
}

Result<HistoryPage> decode_history_page(const Json& j) {
    FieldReader r{j, "history", {}};
    HistoryPage page;
    const Json& rows = r.list("rows");
    for (size_t i = 0; i < rows.size(); ++i) {
        FieldReader item{rows[i], index_path("history.rows", i), {}};
        page.rows.push_back(row_from(item));
        if (item.error && !r.error) r.error = item.error;
    }
    page.next_before_id = r.integer_or("next_before_id", 0);
    return finish(r, std::move(page));
}

Result<HistoryDetail> decode_history_detail(const Json& j) {
    FieldReader r{j, "history_detail", {}};
    HistoryDetail detail{row_from(r), r.text("request_body"), r.text("response_body")};
    return finish(r, std::move(detail));
}

}  // namespace kb::wire::api
