// The sandbox server: simulated Altegio and Kommo plus the lead-card host page, on 127.0.0.1 only.
#include <csignal>
#include <fstream>
#include <thread>
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include "relay/http/server.hpp"
#include "sandbox/sandbox.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;
}

int main(int argc, char** argv) {
    CLI::App cli{"kommo-altegio sandbox: a simulated Altegio (/altegio/api/v1), a simulated Kommo account (/kommo)\n"
                 "and a Kommo lead card page (/card.html?lead=21001), for the demo and the tests. Listens on 127.0.0.1 only.\n\n"
                 "Control API:\n"
                 "  GET    /__sandbox/info                         URLs and secrets the relay needs\n"
                 "  GET    /__sandbox/state                        records, leads, contacts, tasks, notes, token counters\n"
                 "  POST   /__sandbox/faults                       {target: altegio|kommo|altegio_webhook, path_contains,\n"
                 "                                                  status (429, 500, ...; 0 = slow only), delay_ms, count,\n"
                 "                                                  after (done, then answered with status), body_contains}\n"
                 "  DELETE /__sandbox/faults                       clear injected faults\n"
                 "  POST   /__sandbox/kommo/install                act as Kommo installing the widget (OAuth redirect to the relay)\n"
                 "  GET    /__sandbox/kommo/disposable_token?user_id=  a signed X-Auth-Token, as $authorizedAjax adds\n"
                 "  POST   /__sandbox/kommo/expire_access_tokens   make every access token expired\n"
                 "  POST   /__sandbox/kommo/timezone               change the account's time zone {timezone, timezone_offset}\n"
                 "  POST   /__sandbox/kommo/contacts/ignore_change_filter  {ignore}: the contact list ignores filter[updated_at]\n"
                 "  POST   /__sandbox/kommo/{leads|contacts}/custom_fields  {name, type, enums: [{value}]}: a field added in Kommo\n"
                 "  POST   /__sandbox/kommo/leads                  {name, contact: {name, email, phone}}: a deal a manager adds by hand\n"
                 "  POST   /__sandbox/altegio/records/{id}/change  {attendance, datetime, deleted}: act as Altegio staff\n"
                 "  POST   /__sandbox/altegio/records/{id}/purge   Altegio forgets the record (its GET answers 404)\n"
                 "  POST   /__sandbox/altegio/users/{id}/sign_out  the user's password changed: their tokens answer 401\n"
                 "  POST   /__sandbox/altegio/payments             {company_id, record_id, amount, listed}: a payment and its webhook\n"
                 "  POST   /__sandbox/altegio/clients/{id}/change  {company_id, visits, spent, custom_fields, abonement}: a client's card\n"
                 "  POST   /__sandbox/altegio/change_stream        {record_ids, changes_per_record, per_second}: load\n"
                 "  POST   /__sandbox/pbx/call                     {url, call_id, direction, from, to, answered, duration,\n"
                 "                                                  recording_url, order: normal|reversed|twice}: a PBX places a call\n"};
    int port = 0;
    std::string relay_url, info_file, web_dir;
    kb::sandbox::SandboxConfig config;
    cli.add_option("--port", port, "port on 127.0.0.1 (0 = any free port)");
    cli.add_option("--relay-url", relay_url, "the relay's base URL (for the OAuth redirect and the widget files)")->required();
    cli.add_option("--web-dir", web_dir, "the repository's web/ folder (host page and widget package)")->required();
    cli.add_option("--info-file", info_file, "write the URLs and generated secrets to this JSON file");
    cli.add_option("--partner-token", config.partner_token, "Altegio partner token the sandbox accepts");
    cli.add_option("--client-secret", config.kommo_client_secret, "Kommo integration secret (signs disposable tokens)");
    cli.add_option("--kommo-rps", config.kommo_requests_per_second, "Kommo's limit of calls per second (7, as documented)");
    cli.add_option("--altegio-rps", config.altegio_requests_per_second, "Altegio's limit of calls per second per IP (5)");
    cli.add_option("--kommo-account-id", config.kommo_account_id, "the simulated Kommo account's id (31000001)");
    cli.add_option("--kommo-subdomain", config.kommo_subdomain,
                   "its subdomain (bellastudio): a second sandbox plays a second account on the first one's Altegio");
    int64_t clock_offset_seconds = 0;
    cli.add_option("--clock-offset-seconds", clock_offset_seconds,
                   "run the simulated world's clock this far ahead of the system clock (negative: behind), as the relay's\n"
                   "KB_TEST_CLOCK_OFFSET_SECONDS does: tests hold the whole stack at a chosen day and hour");
    CLI11_PARSE(cli, argc, argv);
    if (clock_offset_seconds != 0)
        config.clock = [clock_offset_seconds] {
            return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
                   clock_offset_seconds;
        };

    auto transport = kb::http::make_network_transport({std::chrono::milliseconds(2000), std::chrono::milliseconds(10000)});
    config.relay_url = relay_url;
    config.kommo_redirect_uri = relay_url + "/oauth/kommo";
    config.outbound = transport.get();
    config.host_page_file = web_dir + "/sandbox/card.html";
    kb::sandbox::Sandbox sandbox(config);
    kb::http::Server server(sandbox.router());
    // Most specific first: httplib tries mount points in the order they were added.
    server.mount("/kommo-widget/i18n/", web_dir + "/../i18n");
    server.mount("/kommo-widget/", web_dir + "/kommo");
    server.mount("/", web_dir + "/sandbox");
    int bound = server.start("127.0.0.1", port);
    if (bound < 0) {
        spdlog::critical("cannot listen on 127.0.0.1:{}", port);
        return 2;
    }
    sandbox.set_public_url("http://127.0.0.1:" + std::to_string(bound));
    if (!info_file.empty()) std::ofstream(info_file) << sandbox.info().dump(2) << "\n";
    spdlog::info("sandbox listening on http://127.0.0.1:{}", bound);
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.stop();
    return 0;
}
