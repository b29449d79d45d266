#pragma once
// The relay's HTTP surface, as plain handlers on a Router:
//   GET  /healthz
//   GET  /oauth/kommo?code=&referer=          Kommo's install redirect
//   GET  /oauth/kommo/revoked?account_id=&client_uuid=&signature=   Kommo's uninstall hook
//   /api/v1/settings...                       the settings page (admin), see shared/wire/settings_api.hpp
//   GET  /api/v1/history..., POST /api/v1/history/failed/{id}/repeat   the request history (admin), see
//                                             shared/wire/history_api.hpp
//   POST /api/v1/altegio/connect              {login, password} (admin)
//   GET  /api/v1/card?lead_id=                and the other /api/v1 reads listed in shared/wire/widget_api.hpp
//   POST /api/v1/records                      BookingRequest -> BookingResult
//   GET  /api/v1/leads/{id}/records, POST /api/v1/branches/{id}/records/{record}/status, GET /api/v1/leads/{id}/client
// Every /api/v1 call must carry a valid, unused Kommo disposable token in X-Auth-Token.
#include <functional>
#include <string>
#include "relay/clock.hpp"
#include "relay/api/handlers.hpp"
#include "relay/http/router.hpp"
#include "relay/metrics/metrics.hpp"
#include "relay/services/booking_service.hpp"
#include "relay/services/history_service.hpp"
#include "relay/services/record_log_service.hpp"
#include "relay/services/installation_service.hpp"
#include "relay/services/settings_service.hpp"

namespace kb::api {

struct RouteDeps {
    services::BookingService& booking;
    services::RecordLogService& records;
    services::InstallationService& installation;
    services::SettingsService& settings;
    services::HistoryService& history;
    store::Store& store;
    Authenticator auth;                   // over the same store and clock
    Clock clock;
    std::function<void()> wake_workers;   // after an admin repeats a failed event
    const metrics::Metrics& metrics;
};

void add_routes(http::Router& router, RouteDeps deps);

}  // namespace kb::api
