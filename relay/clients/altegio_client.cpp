#include "relay/clients/altegio_client.hpp"

#include <algorithm>

#include "relay/http/http_types.hpp"
#include "shared/domain/phone.hpp"
#include "shared/wire/altegio.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::clients {

using wire::Json;
namespace altegio = wire::altegio;

namespace {

std::string service_ids_query(const std::vector<int64_t>& ids) {
    std::string out;
    for (int64_t id : ids) out += (out.empty() ? "" : "&") + std::string("service_ids%5B%5D=") + std::to_string(id);
    return out;
}

}  // namespace

Result<const Json*> AltegioClient::call(int64_t account_id, const std::string& kind, const std::string& method,
                                        const std::string& path, const std::string& user_token, const Json* body,
                                        RetryPolicy retry, Json& holder) {
    http::OutgoingRequest request;
    request.method = method;
    request.url = m_config.base_url + path;
    std::string authorization = "Bearer " + m_config.partner_token;
    if (!user_token.empty()) authorization += ", User " + user_token;
    request.headers = {{"Authorization", authorization}, {"Accept", "application/vnd.api.v2+json"}};
    if (body) request.body = body->dump();
    http::Response response = m_log.send(CallInfo{account_id, kind, retry}, request, &m_limiter);
    if (response.status == 0 || response.status >= 400) return tl::unexpected(altegio::error_from_reply(response.status, response.body));
    if (response.status == 204) {
        holder = Json::array();
        return &holder;
    }
    auto parsed = wire::parse_json(response.body);
    if (!parsed) return fail(Errc::upstream_rejected, "ui.error.altegio_rejected", "Altegio answered with something other than JSON");
    holder = std::move(*parsed);
    return altegio::unwrap(holder);
}

Result<void> AltegioClient::activate_location(int64_t salon_id, const std::string& api_key, const std::vector<std::string>& webhook_urls) {
    if (m_config.application_id.empty())
        return fail(Errc::not_configured, "marketplace.page.not_listed", "KB_ALTEGIO_APPLICATION_ID is not set");
    Json body{{"salon_id", salon_id}, {"application_id", m_config.application_id}, {"api_key", api_key}, {"webhook_urls", webhook_urls}};
    http::Response response;
    for (const auto& base : m_config.marketplace_urls) {
        http::OutgoingRequest request{"POST", base + "/partner/callback",
                                      {{"Authorization", "Bearer " + m_config.partner_token}, {"Accept", "application/vnd.api.v2+json"},
                                       {"Content-Type", "application/json"}},
                                      body.dump()};
        response = m_log.send(CallInfo{0, "altegio.marketplace_activate", RetryPolicy::safe()}, request, &m_limiter);
        if (response.status != 404 && response.status != 405) break;   // that host has no such route: the next one
    }
    if (response.status >= 200 && response.status < 300) return {};
    return tl::unexpected(altegio::error_from_reply(response.status, response.body));
}

Result<std::string> AltegioClient::marketplace_status(int64_t salon_id) {
    if (m_config.application_id.empty())
        return fail(Errc::not_configured, "marketplace.page.not_listed", "KB_ALTEGIO_APPLICATION_ID is not set");
    http::Response response;
    for (const auto& base : m_config.marketplace_urls) {
        http::OutgoingRequest request{"GET", base + "/salon/" + std::to_string(salon_id) + "/application/" + http::url_encode(m_config.application_id),
                                      {{"Authorization", "Bearer " + m_config.partner_token}, {"Accept", "application/vnd.api.v2+json"}},
                                      ""};
        response = m_log.send(CallInfo{0, "altegio.marketplace_status", RetryPolicy::safe()}, request, &m_limiter);
        if (response.status != 404 && response.status != 405) break;   // 404 from every host: not installed
    }
    if (response.status == 404) return std::string();
    if (response.status < 200 || response.status >= 300) return tl::unexpected(altegio::error_from_reply(response.status, response.body));
    auto body = wire::parse_json(response.body);
    if (!body || !body->is_object()) return fail(Errc::upstream_rejected, "ui.error.altegio_rejected", "the location status is not JSON");
    const auto& data = body->contains("data") ? (*body)["data"] : *body;
    if (!data.is_object() || !data.contains("connection_status") || !data["connection_status"].is_object()) return std::string();
    return wire::read_text(data["connection_status"], "status");
}

Result<void> AltegioClient::voip(int64_t account_id, const std::string& kind, const Json& command, RetryPolicy retry) {
    Json holder;
    auto reply = call(account_id, kind, "POST", "/voip/integration", "", &command, retry, holder);
    if (!reply) return tl::unexpected(reply.error());
    return {};
}

Result<AltegioUser> AltegioClient::sign_in(int64_t account_id, const std::string& login, const std::string& password) {
    Json holder, body{{"login", login}, {"password", password}};
    auto data = call(account_id, "altegio.auth", "POST", "/auth", "", &body, RetryPolicy::safe(), holder);
    if (!data) {
        if (data.error().code == Errc::unauthorized || data.error().code == Errc::upstream_rejected ||
            data.error().code == Errc::forbidden)
            return fail(Errc::unauthorized, "ui.error.altegio_wrong_password", data.error().detail);
        return tl::unexpected(data.error());
    }
    AltegioUser user{wire::read_int_or(**data, "id", "auth.id", 0).value_or(0), wire::read_text(**data, "name"), wire::read_text(**data, "user_token")};
    if (user.user_token.empty()) return fail(Errc::upstream_rejected, "ui.error.altegio_auth", "no user_token in the reply");
    return user;
}

Result<std::vector<domain::Branch>> AltegioClient::my_branches(int64_t account_id, const std::string& user_token) {
    Json holder;
    auto data = call(account_id, "altegio.companies", "GET", "/companies?my=1&show_groups=1", user_token, nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return wire::decode_list<domain::Branch>(**data, "data", altegio::decode_company);
}

Result<domain::Branch> AltegioClient::marketplace_branch(int64_t account_id, int64_t company_id) {
    Json holder;
    auto data = call(account_id, "altegio.company", "GET", "/company/" + std::to_string(company_id), "", nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return altegio::decode_company(**data, "data");
}

Result<wire::api::Catalog> AltegioClient::catalog(int64_t account_id, int64_t company_id, const std::string& user_token) {
    std::string company = std::to_string(company_id);
    Json categories_holder, services_holder;
    auto categories = call(account_id, "altegio.service_categories", "GET", "/company/" + company + "/service_categories",
                           user_token, nullptr, RetryPolicy::safe(), categories_holder);
    if (!categories) return tl::unexpected(categories.error());
    auto services = call(account_id, "altegio.services", "GET", "/company/" + company + "/services", user_token, nullptr,
                         RetryPolicy::safe(), services_holder);
    if (!services) return tl::unexpected(services.error());
    auto decoded_categories = wire::decode_list<domain::ServiceCategory>(**categories, "data", altegio::decode_service_category);
    auto decoded_services = wire::decode_list<domain::Service>(**services, "data", altegio::decode_service);
    if (!decoded_categories) return tl::unexpected(decoded_categories.error());
    if (!decoded_services) return tl::unexpected(decoded_services.error());
    return wire::api::Catalog{std::move(*decoded_categories), std::move(*decoded_services)};
}

Result<std::vector<domain::Service>> AltegioClient::services_by_id(int64_t account_id, int64_t company_id, const std::string& user_token,
                                                                  const std::vector<int64_t>& service_ids) {
    auto listed = catalog(account_id, company_id, user_token);
    if (!listed) return tl::unexpected(listed.error());
    std::vector<domain::Service> chosen;
    for (int64_t id : service_ids) {
        auto it = std::find_if(listed->services.begin(), listed->services.end(), [&](const auto& s) { return s.id == id; });
        if (it == listed->services.end()) return fail(Errc::bad_input, "ui.error.service_not_bookable", "unknown service " + std::to_string(id));
        chosen.push_back(*it);
    }
    return chosen;
}

Result<std::vector<domain::Staff>> AltegioClient::bookable_staff(int64_t account_id, int64_t company_id,
                                                                 const std::vector<int64_t>& service_ids) {
    Json holder;
    auto data = call(account_id, "altegio.book_staff", "GET",
                     "/book_staff/" + std::to_string(company_id) + (service_ids.empty() ? "" : "?" + service_ids_query(service_ids)),
                     "", nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return wire::decode_list<domain::Staff>(**data, "data", altegio::decode_staff);
}

Result<std::vector<std::string>> AltegioClient::bookable_dates(int64_t account_id, int64_t company_id, int64_t staff_id,
                                                               const std::vector<int64_t>& service_ids) {
    Json holder;
    auto data = call(account_id, "altegio.book_dates", "GET",
                     "/book_dates/" + std::to_string(company_id) + "?staff_id=" + std::to_string(staff_id) +
                         (service_ids.empty() ? "" : "&" + service_ids_query(service_ids)),
                     "", nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return altegio::decode_booking_dates(**data);
}

Result<std::vector<domain::TimeSlot>> AltegioClient::bookable_times(int64_t account_id, int64_t company_id, int64_t staff_id,
                                                                    const std::string& date,
                                                                    const std::vector<int64_t>& service_ids) {
    Json holder;
    std::string path = "/book_times/" + std::to_string(company_id) + "/" + std::to_string(staff_id) + "/" + http::url_encode(date);
    if (!service_ids.empty()) path += "?" + service_ids_query(service_ids);
    auto data = call(account_id, "altegio.book_times", "GET", path, "", nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return altegio::decode_booking_times(**data);
}

Result<void> AltegioClient::check_slot(int64_t account_id, const domain::BookingRequest& request) {
    Json holder, body = altegio::encode_book_check(request);
    auto data = call(account_id, "altegio.book_check", "POST", "/book_check/" + std::to_string(request.company_id), "", &body,
                     RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return {};
}

Result<Json> AltegioClient::create_record(int64_t account_id, const std::string& user_token, const Json& body, int64_t company_id) {
    Json holder;
    auto data = call(account_id, "altegio.create_record", "POST", "/records/" + std::to_string(company_id), user_token, &body,
                     RetryPolicy::once(), holder);
    if (!data) return tl::unexpected(data.error());
    return **data;
}

Result<Json> AltegioClient::record_json(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id) {
    Json holder;
    auto data = call(account_id, "altegio.get_record", "GET", "/record/" + std::to_string(company_id) + "/" + std::to_string(record_id),
                     user_token, nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return **data;
}

Result<domain::Record> AltegioClient::get_record(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                 int64_t record_id) {
    auto data = record_json(account_id, user_token, company_id, record_id);
    if (!data) return tl::unexpected(data.error());
    return altegio::decode_record(*data, "data");
}

Result<domain::ClientProfile> AltegioClient::client(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                   int64_t client_id) {
    Json holder;
    auto data = call(account_id, "altegio.get_client", "GET", "/client/" + std::to_string(company_id) + "/" + std::to_string(client_id),
                     user_token, nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return altegio::decode_client(**data, "data");
}

Result<std::optional<int64_t>> AltegioClient::find_client_by_phone(int64_t account_id, const std::string& user_token,
                                                                   int64_t company_id, const std::string& phone,
                                                                   const std::string& default_country_code) {
    auto number = domain::parse_phone(phone, default_country_code);
    if (!number) return std::optional<int64_t>();
    // Searched by the national number, which Altegio's phones contain whichever way they are written.
    Json body = altegio::encode_client_search(number->national, 25);
    Json holder;
    auto data = call(account_id, "altegio.search_clients", "POST", "/company/" + std::to_string(company_id) + "/clients/search",
                     user_token, &body, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    auto found = altegio::decode_client_search(**data);
    if (!found) return tl::unexpected(found.error());
    for (const auto& client : *found)
        if (domain::same_client_phone(client.phone, phone, default_country_code)) return std::optional<int64_t>(client.id);
    return std::optional<int64_t>();
}

Result<std::optional<domain::Subscription>> AltegioClient::active_subscription(int64_t account_id, const std::string& user_token,
                                                                               int64_t company_id, const std::string& phone) {
    std::string digits;
    for (char c : phone)
        if (c >= '0' && c <= '9') digits += c;
    if (digits.empty()) return std::optional<domain::Subscription>();
    Json holder;
    auto data = call(account_id, "altegio.abonements", "GET",
                     "/loyalty/abonements?company_id=" + std::to_string(company_id) + "&phone=" + digits, user_token, nullptr,
                     RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    if (!(*data)->is_array() || (*data)->empty()) return std::optional<domain::Subscription>();
    auto first = altegio::decode_subscription((**data)[0], "data[0]");
    if (!first) return tl::unexpected(first.error());
    return std::optional<domain::Subscription>(std::move(*first));
}

Result<std::vector<domain::Payment>> AltegioClient::record_payments(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                                     int64_t record_id) {
    Json holder;
    auto data = call(account_id, "altegio.transactions", "GET",
                     "/timetable/transactions/" + std::to_string(company_id) + "?record_id=" + std::to_string(record_id), user_token,
                     nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    auto operations = wire::decode_list<altegio::FinanceOperation>(**data, "data", [](const Json& v, std::string_view path) {
        return altegio::decode_finance_operation(v, path);
    });
    if (!operations) return tl::unexpected(operations.error());
    std::vector<domain::Payment> out;
    for (const auto& o : *operations)
        if (o.record_id == record_id) out.push_back({o.id, o.record_id, o.amount});
    return out;
}

Result<domain::Money> AltegioClient::paid_for_record(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                     int64_t record_id) {
    auto payments = record_payments(account_id, user_token, company_id, record_id);
    if (!payments) return tl::unexpected(payments.error());
    domain::Money total{};
    for (const auto& p : *payments) total.minor += p.amount.minor;
    return total;
}

Result<AltegioClient::RecordPage> AltegioClient::records_between(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                                 const std::string& from, const std::string& to, int64_t staff_id,
                                                                 size_t limit, bool with_deleted) {
    RecordPage out;
    for (int page = 1;; ++page) {
        Json holder;
        std::string path = "/records/" + std::to_string(company_id) + "?start_date=" + from + "&end_date=" + to + "&count=200&page=" +
                           std::to_string(page);
        if (staff_id != 0) path += "&staff_id=" + std::to_string(staff_id);
        if (with_deleted) path += "&with_deleted=1";
        auto data = call(account_id, "altegio.records", "GET", path, user_token, nullptr, RetryPolicy::safe(), holder);
        if (!data) return tl::unexpected(data.error());
        if (!(*data)->is_array()) return fail(Errc::upstream_rejected, "ui.error.bad_reply", "records: expected a list");
        for (const auto& item : **data) {
            if (out.records.size() == limit) {
                out.more_than_limit = true;
                return out;
            }
            auto record = altegio::decode_record(item, "record");
            if (!record) return tl::unexpected(record.error());
            out.records.push_back(std::move(*record));
        }
        if ((*data)->size() < 200) return out;
    }
}

Result<std::vector<domain::GroupEvent>> AltegioClient::group_events(int64_t account_id, int64_t company_id, const std::string& from,
                                                                   const std::string& to) {
    std::vector<domain::GroupEvent> out;
    for (int page = 1; page <= 10; ++page) {
        Json holder;
        auto data = call(account_id, "altegio.activity_search", "GET",
                         "/activity/" + std::to_string(company_id) + "/search/?from=" + http::url_encode(from) + "&till=" +
                             http::url_encode(to) + "&count=100&page=" + std::to_string(page),
                         "", nullptr, RetryPolicy::safe(), holder);
        if (!data) return tl::unexpected(data.error());
        auto events = wire::decode_list<domain::GroupEvent>(**data, "data", altegio::decode_activity);
        if (!events) return tl::unexpected(events.error());
        for (auto& e : *events) out.push_back(std::move(e));
        if (events->size() < 100) break;
    }
    return out;
}

Result<domain::GroupEvent> AltegioClient::group_event(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t event_id) {
    Json holder;
    auto data = call(account_id, "altegio.activity", "GET", "/activity/" + std::to_string(company_id) + "/" + std::to_string(event_id),
                     user_token, nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return altegio::decode_activity(**data, "data");
}

Result<std::vector<domain::RecordField>> AltegioClient::additional_fields(int64_t account_id, const std::string& user_token,
                                                                          int64_t company_id, const std::string& kind) {
    Json holder;
    auto data = call(account_id, "altegio." + kind + "_fields", "GET", "/custom_fields/" + kind + "/" + std::to_string(company_id),
                     user_token, nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return altegio::decode_record_fields(**data);
}

Result<std::vector<domain::RecordField>> AltegioClient::record_fields(int64_t account_id, const std::string& user_token,
                                                                      int64_t company_id) {
    return additional_fields(account_id, user_token, company_id, "record");
}

Result<std::vector<domain::RecordField>> AltegioClient::client_fields(int64_t account_id, const std::string& user_token,
                                                                      int64_t company_id) {
    return additional_fields(account_id, user_token, company_id, "client");
}

Result<std::vector<domain::Label>> AltegioClient::record_labels(int64_t account_id, const std::string& user_token, int64_t company_id) {
    Json holder;
    auto data = call(account_id, "altegio.labels", "GET", "/labels/" + std::to_string(company_id) + "/2", user_token, nullptr,
                     RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return altegio::decode_labels(**data);
}

Result<std::vector<domain::WorkInterval>> AltegioClient::work_hours(int64_t account_id, const std::string& user_token,
                                                                   int64_t company_id, int64_t staff_id, const std::string& date) {
    Json holder;
    std::string day = http::url_encode(date);
    auto data = call(account_id, "altegio.schedule", "GET",
                     "/schedule/" + std::to_string(company_id) + "/" + std::to_string(staff_id) + "/" + day + "/" + day, user_token,
                     nullptr, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    auto days = altegio::decode_work_schedule(**data);
    if (!days) return tl::unexpected(days.error());
    auto found = days->find(date);
    if (found == days->end()) return std::vector<domain::WorkInterval>{};
    return std::move(found->second);
}

Result<std::map<int64_t, domain::Money>> AltegioClient::payments_between(int64_t account_id, const std::string& user_token,
                                                                         int64_t company_id, const std::string& from,
                                                                         const std::string& to) {
    Json holder;
    auto data = call(account_id, "altegio.transactions", "GET",
                     "/timetable/transactions/" + std::to_string(company_id) + "?start_date=" + from + "&end_date=" + to, user_token, nullptr,
                     RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    auto operations = wire::decode_list<altegio::FinanceOperation>(**data, "data", [](const Json& v, std::string_view path) {
        return altegio::decode_finance_operation(v, path);
    });
    if (!operations) return tl::unexpected(operations.error());
    std::map<int64_t, domain::Money> paid;
    for (const auto& o : *operations)
        if (o.record_id != 0) paid[o.record_id].minor += o.amount.minor;
    return paid;
}

Result<Json> AltegioClient::hooks_settings(int64_t account_id, const std::string& user_token, int64_t company_id) {
    Json holder;
    auto current = call(account_id, "altegio.hooks_settings", "GET", "/hooks_settings/" + std::to_string(company_id), user_token, nullptr,
                        RetryPolicy::safe(), holder);
    if (!current) return tl::unexpected(current.error());
    return (*current)->is_object() ? **current : Json::object();
}

Result<bool> AltegioClient::webhook_registered(int64_t account_id, const std::string& user_token, int64_t company_id,
                                              const std::string& url) {
    auto current = hooks_settings(account_id, user_token, company_id);
    if (!current) return tl::unexpected(current.error());
    if (!wire::read_flag(*current, "active")) return false;
    const Json* urls = wire::member(*current, "urls");
    if (!urls || !urls->is_array()) return false;
    return std::any_of(urls->begin(), urls->end(), [&](const Json& u) { return u.is_string() && u.get<std::string>() == url; });
}

Result<void> AltegioClient::register_webhook(int64_t account_id, const std::string& user_token, int64_t company_id,
                                            const std::string& url, const std::vector<std::string>& replaces) {
    auto current = hooks_settings(account_id, user_token, company_id);
    if (!current) return tl::unexpected(current.error());
    Json settings = std::move(*current);
    Json urls = Json::array();
    auto replaced = [&](const std::string& address) {
        return std::any_of(replaces.begin(), replaces.end(), [&](const std::string& prefix) { return address.rfind(prefix, 0) == 0; });
    };
    if (const Json* existing = wire::member(settings, "urls"); existing && existing->is_array())
        for (const auto& u : *existing)
            if (u.is_string() && u.get<std::string>() != url && !replaced(u.get<std::string>())) urls.push_back(u);
    urls.push_back(url);
    settings["urls"] = urls;
    settings["active"] = 1;
    for (const char* resource : {"record", "client", "finances_operation"}) settings[resource] = 1;
    settings["self_sending"] = 0;
    Json written;
    auto saved = call(account_id, "altegio.hooks_settings_save", "POST", "/hooks_settings/" + std::to_string(company_id), user_token,
                      &settings, RetryPolicy::safe(), written);
    if (!saved) return tl::unexpected(saved.error());
    return {};
}

Result<void> AltegioClient::set_attendance(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id,
                                          domain::Attendance attendance) {
    Json holder, body{{"attendance", static_cast<int32_t>(attendance)}};
    auto data = call(account_id, "altegio.set_attendance", "PUT", "/record/" + std::to_string(company_id) + "/" + std::to_string(record_id),
                     user_token, &body, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return {};
}

Result<void> AltegioClient::update_record(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id,
                                         const Json& body) {
    Json holder;
    auto data = call(account_id, "altegio.update_record", "PUT", "/record/" + std::to_string(company_id) + "/" + std::to_string(record_id),
                     user_token, &body, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return {};
}

Result<void> AltegioClient::move_record(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id,
                                       const std::string& datetime) {
    Json holder, body{{"datetime", datetime}};
    auto data = call(account_id, "altegio.move_record", "PUT", "/record/" + std::to_string(company_id) + "/" + std::to_string(record_id),
                     user_token, &body, RetryPolicy::safe(), holder);
    if (!data) return tl::unexpected(data.error());
    return {};
}

Result<void> AltegioClient::cancel_record(int64_t account_id, const std::string& user_token, int64_t company_id, int64_t record_id) {
    Json holder;
    auto data = call(account_id, "altegio.cancel_record", "DELETE", "/record/" + std::to_string(company_id) + "/" + std::to_string(record_id),
                     user_token, nullptr, RetryPolicy::safe(), holder);
    if (!data && data.error().code != Errc::not_found) return tl::unexpected(data.error());   // already gone is done
    return {};
}

Result<std::vector<Json>> AltegioClient::changed_records(int64_t account_id, const std::string& user_token, int64_t company_id,
                                                         const std::string& changed_after) {
    std::vector<Json> out;
    for (int page = 1; page <= 50; ++page) {
        Json holder;
        std::string path = "/records/" + std::to_string(company_id) + "?with_deleted=1&count=200&page=" + std::to_string(page);
        if (!changed_after.empty()) path += "&changed_after=" + http::url_encode(changed_after);
        auto data = call(account_id, "altegio.changed_records", "GET", path, user_token, nullptr, RetryPolicy::safe(), holder);
        if (!data) return tl::unexpected(data.error());
        if (!(*data)->is_array()) return fail(Errc::upstream_rejected, "ui.error.bad_reply", "records: expected a list");
        for (const auto& item : **data) out.push_back(item);
        if ((*data)->size() < 200) break;   // a short page is the last one
    }
    return out;
}

Result<std::optional<Json>> AltegioClient::find_record_by_api_id(int64_t account_id, const std::string& user_token,
                                                                           int64_t company_id, const std::string& date,
                                                                           const std::string& api_id) {
    for (int page = 1; page <= 20; ++page) {
        Json holder;
        auto data = call(account_id, "altegio.records", "GET",
                         "/records/" + std::to_string(company_id) + "?start_date=" + date + "&end_date=" + date +
                             "&count=200&page=" + std::to_string(page),
                         user_token, nullptr, RetryPolicy::safe(), holder);
        if (!data) return tl::unexpected(data.error());
        if (!(*data)->is_array()) return fail(Errc::upstream_rejected, "ui.error.bad_reply", "records: expected a list");
        for (const auto& item : **data) {
            if (wire::read_text(item, "api_id") == api_id) return std::optional<Json>(item);
        }
        if ((*data)->size() < 200) break;
    }
    return std::optional<Json>();
}

}  // namespace kb::clients
