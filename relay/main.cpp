// The relay: configuration from the environment, the app, the HTTP server. Wiring only.
#include <sys/resource.h>
#include <csignal>
#include <cstdlib>
#include <thread>
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include "relay/app.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;
}

int main(int argc, char** argv) {
    CLI::App cli{"kommo-altegio relay: the widget's API, Kommo OAuth and the Altegio/Kommo clients.\n"
                 "Configuration comes from KB_* environment variables (see README.md)."};
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string widget_dir;
    int reconcile_seconds = 300;
    cli.add_option("--host", host, "address to listen on");
    cli.add_option("--port", port, "port to listen on (0 = any free port)");
    cli.add_option("--widget-dir", widget_dir, "folder served at /widget/ (the built widget package)");
    cli.add_option("--reconcile-seconds", reconcile_seconds, "how often to ask Altegio for changes webhooks may have missed (0 = never)");
    CLI11_PARSE(cli, argc, argv);

    // Every connection is a descriptor: the usual soft limit of 1,024 would refuse connections long before the
    // machine must, so the relay takes all its hard limit allows.
    if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &files) != 0) spdlog::warn("could not raise the limit of open files");
    }

    auto config = kb::relay_config_from_environment();
    if (!config) {
        spdlog::critical("{}", config.error().detail);
        return 2;
    }
    auto transport = kb::http::make_network_transport(config->network);
    auto app = kb::RelayApp::create(*config, *transport);
    if (!app) {
        spdlog::critical("relay cannot start: {}", app.error().detail);
        return 2;
    }
    kb::http::Server server((*app)->router(), (*app)->server_options());
    if (!widget_dir.empty()) server.mount("/widget/", widget_dir);
    int bound = server.start(host, port);
    if (bound < 0) {
        spdlog::critical("cannot listen on {}:{}", host, port);
        return 2;
    }
    spdlog::info("relay listening on http://{}:{}", host, bound);
    if (reconcile_seconds > 0) (*app)->reconciler().set_lease(std::chrono::seconds(3 * reconcile_seconds));
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    auto last_reconcile = std::chrono::steady_clock::now() - std::chrono::hours(24);   // once at start
    auto last_prune = last_reconcile;
    auto last_search = last_reconcile;
    while (!g_stop) {
        if (std::chrono::steady_clock::now() - last_prune > std::chrono::hours(1)) {
            last_prune = std::chrono::steady_clock::now();
            if (auto pruned = (*app)->prune_old_entries(); !pruned) spdlog::error("pruning the history: {}", pruned.error().detail);
            else if (*pruned > 0) spdlog::info("pruned {} history entries and finished events past their retention", *pruned);
        }
        if (reconcile_seconds > 0 && std::chrono::steady_clock::now() - last_reconcile > std::chrono::seconds(reconcile_seconds)) {
            last_reconcile = std::chrono::steady_clock::now();
            if (auto report = (*app)->reconciler().run_once(); !report) spdlog::error("reconciler: {}", report.error().detail);
            else if (report->events_new > 0) {
                spdlog::info("reconciler: {} changes webhooks had missed", report->events_new);
                (*app)->wake_workers();
            }
        }
        if (std::chrono::steady_clock::now() - last_search > std::chrono::milliseconds(250)) {   // lead tracking: deals to look for again
            last_search = std::chrono::steady_clock::now();
            if (auto queued = (*app)->tracking().queue_due_searches(); !queued) spdlog::error("lead tracking: {}", queued.error().detail);
            else if (*queued > 0) (*app)->wake_workers();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    server.stop();
    return 0;
}
