// The account's log in the widget must stay fast for thousands of rows: the view asks for the filtered and
// sorted rows on every frame it draws. This prints the time of visible_log_rows for 10,000 rows (the most one
// answer carries) by sort column and with a client search, against a baseline measured in the same run:
// walking the same rows once (what any filter costs at least). A frame at 60 Hz has 16.7 ms.
// usage: build/release/bench/log_bench   (preset "release": optimised, no sanitizers)
//   as WebAssembly, as the widget runs it (after the wasm build):
//   NODE_PATH=/usr/share/nodejs em++ -O2 -std=c++20 -I. -isystem build/wasm/wasm-include -DJSON_NOEXCEPTION bench/log_bench.cpp \
//     build/wasm/widget/state/libkb_widget_state.a build/wasm/shared/libkb_wire.a build/wasm/shared/libkb_domain.a \
//     -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -o /tmp/log_bench.js && node --no-experimental-fetch /tmp/log_bench.js
#include <chrono>
#include <cstdio>
#include <string>
#include "widget/state/app_state.hpp"

using namespace kb;
using namespace kb::widget;
using Clock = std::chrono::steady_clock;

namespace {

AppState state_with_rows(int n) {
    AppState s;
    s.place = Place::pipeline;
    s.pipeline.log = wire::api::RecordLog{};
    const char* names[] = {"Анна Иванова", "John Miller", "María López", "Дмитрий Соколов", "Emily Carter"};
    for (int i = 0; i < n; ++i) {
        wire::api::RecordRow row;
        row.record.id = 1000 + i;
        row.record.company_id = 400001 + i % 2;
        row.record.staff_id = 5001 + i % 7;
        row.record.staff_name = "Employee " + std::to_string(i % 7);
        int day = 1 + i % 28, hour = 8 + i % 12;
        char when[40];
        std::snprintf(when, sizeof when, "2026-11-%02dT%02d:%02d:00%s", day, hour, i % 2 * 30, i % 2 ? "+01:00" : "+03:00");
        row.record.datetime = when;
        row.record.date = std::string(when).substr(0, 10) + " " + std::string(when).substr(11, 8);
        row.record.attendance = static_cast<domain::Attendance>(i % 4 - 1);
        row.record.client = domain::ClientData{names[i % 5] + std::string(" ") + std::to_string(i), "+7999" + std::to_string(1000000 + i), ""};
        row.record.paid = domain::Money{(i * 7919) % 500000};
        row.branch_title = i % 2 ? "Gran Vía" : "Тверская";
        s.pipeline.log->rows.push_back(std::move(row));
    }
    return s;
}

template <class F>
double microseconds_per_call(F&& f) {
    int runs = 0;
    auto start = Clock::now();
    do {
        f();
        ++runs;
    } while (Clock::now() - start < std::chrono::milliseconds(500));
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / runs;
}

}  // namespace

int main() {
    AppState s = state_with_rows(10000);
    size_t sink = 0;
    double baseline = microseconds_per_call([&] {
        for (const auto& row : s.pipeline.log->rows) sink += row.record.staff_id == 5003;
    });
    std::printf("account's log, 10,000 rows (baseline: one walk over the rows, %.1f us)\n", baseline);
    const char* column_names[] = {"time", "branch", "employee", "client", "status", "paid"};
    for (int column = 0; column <= static_cast<int>(LogColumn::paid); ++column) {
        s.pipeline.view.sort_by = static_cast<LogColumn>(column);
        double us = microseconds_per_call([&] { sink += visible_log_rows(s).size(); });
        std::printf("   sorted by %-8s  %8.1f us a frame (%.0fx the baseline)\n", column_names[column], us, us / baseline);
    }
    s.pipeline.view.sort_by = LogColumn::time;
    s.pipeline.view.search = "miller";
    double us = microseconds_per_call([&] { sink += visible_log_rows(s).size(); });
    std::printf("   searching \"miller\", by time  %6.1f us a frame (%.0fx the baseline)\n", us, us / baseline);
    return sink == 0;   // keeps the work from being optimised away
}
