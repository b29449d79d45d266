// How long deciding a plan for one changed record takes, and how it grows with the number of candidate
// leads the duplicate search weighs (1, 10, 100, 1000): decode the webhook, find the duplicate, plan the
// stage, map the fields. The baseline, measured in the same run, is decoding the webhook alone.
// usage: build/release/bench/plan_bench   (preset "release": optimised, no sanitizers)
#include <benchmark/benchmark.h>
#include <cstdio>
#include <map>
#include <string>
#include "shared/domain/duplicate_search.hpp"
#include "shared/domain/field_mapping.hpp"
#include "shared/domain/status_sync.hpp"
#include "shared/wire/altegio.hpp"

using namespace kb;
using namespace kb::domain;

namespace {

const std::string webhook = R"([{"company_id":400001,"resource":"record","resource_id":70000001,"status":"update","data":{
  "id":70000001,"company_id":400001,"staff_id":5001,"services":[{"id":7001,"title":"Женская стрижка","cost":2500},
  {"id":7002,"title":"Окрашивание","cost":4500}],"staff":{"id":5001,"name":"Ольга Смирнова","specialization":"Стилист"},
  "client":{"id":60000001,"name":"Анна Иванова","phone":"+79991234567","email":"a@x.ru"},"date":"2026-11-23 10:00:00",
  "datetime":"2026-11-23T10:00:00+03:00","seance_length":3600,"attendance":1,"visit_attendance":1,"deleted":false,
  "api_id":"","comment":"Первый визит","record_labels":[{"id":55,"title":"VIP","color":"f00"}],"last_change_date":"2026-11-23T11:00:00+03:00"}}])";

Settings settings() {
    Settings s;
    s.lead_fields = LeadFieldMap{};
    s.lead_fields.record_id = 101; s.lead_fields.record_date = 102; s.lead_fields.record_time = 103;
    s.lead_fields.employee = 104; s.lead_fields.branch = 105; s.lead_fields.services = 106; s.lead_fields.record_category = 107;
    s.status_sync.mode = StatusSyncMode::with_conditions;
    for (int i = 0; i < 5; ++i) {
        DistributionScheme scheme{"scheme " + std::to_string(i), {}, {}};
        scheme.conditions.staff_ids = {5000 + i * 10};
        scheme.map.targets = {{RecordState::came, {1, 40}}};
        s.status_sync.schemes.push_back(scheme);
    }
    s.status_sync.fallback.targets = {{RecordState::came, {1, 40}}};
    s.duplicates.enabled = true;
    s.duplicates.statuses = {{0, 20}, {0, 30}};
    s.duplicates.field_conditions = {{108, false}};
    return s;
}

// `count` leads spread over ten contacts, half of them with the client's phone written other ways.
std::vector<KnownContact> candidates(int count) {
    std::vector<KnownContact> contacts(10);
    for (int c = 0; c < 10; ++c) {
        contacts[c].id = 31000 + c;
        contacts[c].phones = {c % 2 ? "8 (999) 123-45-67" : "+7 916 000-00-" + std::to_string(10 + c)};
    }
    for (int i = 0; i < count; ++i)
        contacts[i % 10].leads.push_back(KnownLead{21000 + i, 1, i % 3 ? 20 : 50, 1700000000 + i, {{101, i % 4 ? "" : "555"}}});
    return contacts;
}

const std::vector<PipelineInfo> pipelines{{1, {{20, 20}, {30, 30}, {40, 40}, {50, 50}, {142, 10000}, {143, 11000}}}};
const std::vector<KommoFieldInfo> fields{{101, "text", {}}, {102, "date", {}}, {103, "text", {}}, {104, "text", {}},
                                         {105, "text", {}}, {106, "textarea", {}}, {107, "multiselect", {{1, "VIP"}}}, {108, "text", {}}};

void decode_only(benchmark::State& state) {
    for (auto _ : state) {
        auto events = wire::altegio::decode_webhook_body(webhook);
        auto record = wire::altegio::decode_record((*events)[0].data);
        benchmark::DoNotOptimize(record);
    }
}

void plan_one_record(benchmark::State& state) {
    Settings s = settings();
    auto contacts = candidates(static_cast<int>(state.range(0)));
    Branch branch{400001, "Bella Studio — Тверская", "", "Europe/Moscow", "₽"};
    for (auto _ : state) {
        auto events = wire::altegio::decode_webhook_body(webhook);
        auto record = wire::altegio::decode_record((*events)[0].data);
        auto duplicate = find_duplicate(record->id, record->client->phone, contacts, s.duplicates, s.lead_fields.record_id, "7");
        StatusFacts facts{record_state(*record), 1, 20, {101}, record->company_id, record->staff_id, {55}};
        auto status = plan_status(s.status_sync, facts, pipelines);
        auto mapped = map_record_to_lead(*record, branch, s.lead_fields, fields, {}, 3 * 3600);
        benchmark::DoNotOptimize(duplicate);
        benchmark::DoNotOptimize(status);
        benchmark::DoNotOptimize(mapped);
    }
}

// Keeps each benchmark's time per iteration, to print ratios after the run.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    std::map<std::string, double> nanoseconds;
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& run : runs) nanoseconds[run.benchmark_name()] = run.GetAdjustedCPUTime();
        ConsoleReporter::ReportRuns(runs);
    }
};

}  // namespace

BENCHMARK(decode_only);
BENCHMARK(plan_one_record)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    double baseline = reporter.nanoseconds["decode_only"];
    std::printf("\nplan for one record (decode + duplicate search + stage + fields), against decoding alone:\n");
    for (int n : {1, 10, 100, 1000}) {
        double ns = reporter.nanoseconds["plan_one_record/" + std::to_string(n)];
        std::printf("  %5d candidate leads: %8.1f us  (%.1fx the decode baseline of %.1f us)\n", n, ns / 1000.0, ns / baseline, baseline / 1000.0);
    }
    benchmark::Shutdown();
    return 0;
}
