#include <doctest/doctest.h>
#include "shared/domain/status_sync.hpp"

using namespace kb::domain;

namespace {

// Pipeline 1: new (10) < booked (20) < confirmed (30) < came (40) < no-show (50); won/lost last.
const std::vector<PipelineInfo> pipelines{{1, {{10, 10}, {20, 20}, {30, 30}, {40, 40}, {50, 50}, {142, 10000}, {143, 11000}}},
                                          {2, {{60, 10}, {70, 20}, {142, 10000}, {143, 11000}}}};

StatusMap standard_map() {
    StatusMap m;
    m.targets = {{RecordState::waiting, {1, 20}}, {RecordState::confirmed, {1, 30}}, {RecordState::came, {1, 40}},
                 {RecordState::did_not_come, {1, 50}}, {RecordState::deleted, {1, 143}}};
    return m;
}

StatusFacts facts(RecordState state, int64_t pipeline, int64_t status) {
    StatusFacts f;
    f.state = state;
    f.lead_pipeline_id = pipeline;
    f.lead_status_id = status;
    f.branch_id = 400001;
    f.staff_id = 5001;
    f.service_category_ids = {101};
    return f;
}

}  // namespace

TEST_CASE("Altegio attendance values map to record states as documented: -1 no-show, 0 waiting, 1 came, 2 confirmed") {
    Record r;
    r.attendance = Attendance::did_not_come;
    CHECK(static_cast<int>(Attendance::did_not_come) == -1);
    CHECK(static_cast<int>(Attendance::waiting) == 0);
    CHECK(static_cast<int>(Attendance::came) == 1);
    CHECK(static_cast<int>(Attendance::confirmed) == 2);
    CHECK(record_state(r) == RecordState::did_not_come);
    r.attendance = Attendance::confirmed;
    CHECK(record_state(r) == RecordState::confirmed);
    r.deleted = true;
    CHECK(record_state(r) == RecordState::deleted);
}

TEST_CASE("without conditions: one map moves the lead to the stage of the record's state") {
    StatusSync sync{StatusSyncMode::without_conditions, standard_map(), 0, {}, {}, {}};
    auto d = plan_status(sync, facts(RecordState::came, 1, 30), pipelines);
    CHECK(d.move);
    CHECK(d.target == StageRef{1, 40});
    CHECK_FALSE(plan_status(sync, facts(RecordState::came, 1, 40), pipelines).move);   // already there
}

TEST_CASE("\"do not synchronize statuses\" never moves a lead") {
    StatusSync sync{StatusSyncMode::off, standard_map(), 0, {}, {}, {}};
    auto d = plan_status(sync, facts(RecordState::came, 1, 20), pipelines);
    CHECK_FALSE(d.move);
    CHECK(d.reason == "status synchronisation is off");
}

TEST_CASE("never backwards unless asked, never out of won/lost unless asked") {
    StatusSync sync{StatusSyncMode::without_conditions, standard_map(), 0, {}, {}, {}};
    auto back = plan_status(sync, facts(RecordState::waiting, 1, 40), pipelines);   // came -> waiting would go back
    CHECK_FALSE(back.move);
    sync.map.allow_backwards = true;
    CHECK(plan_status(sync, facts(RecordState::waiting, 1, 40), pipelines).move);

    CHECK_FALSE(plan_status(sync, facts(RecordState::came, 1, 142), pipelines).move);
    CHECK_FALSE(plan_status(sync, facts(RecordState::came, 1, 143), pipelines).move);
    sync.map.move_closed_leads = true;
    CHECK(plan_status(sync, facts(RecordState::came, 1, 142), pipelines).move);
}

TEST_CASE("only selected statuses: other states leave the lead alone") {
    StatusSync sync{StatusSyncMode::without_conditions, standard_map(), 0, {}, {}, {RecordState::came, RecordState::did_not_come}};
    CHECK(plan_status(sync, facts(RecordState::came, 1, 20), pipelines).move);
    CHECK_FALSE(plan_status(sync, facts(RecordState::confirmed, 1, 20), pipelines).move);
}

TEST_CASE("one specific pipeline: leads in other pipelines are not moved") {
    StatusSync sync{StatusSyncMode::single_pipeline, standard_map(), 1, {}, {}, {}};
    CHECK(plan_status(sync, facts(RecordState::confirmed, 1, 20), pipelines).move);
    CHECK_FALSE(plan_status(sync, facts(RecordState::confirmed, 2, 60), pipelines).move);
}

TEST_CASE("with conditions: the first scheme whose conditions all hold applies, else the fallback") {
    StatusSync sync;
    sync.mode = StatusSyncMode::with_conditions;
    DistributionScheme nails{"Nails", {}, {}};
    nails.conditions.service_category_ids = {102};
    nails.map.targets[RecordState::came] = {2, 70};
    DistributionScheme moscow_stylist{"Moscow stylist", {}, {}};
    moscow_stylist.conditions.branch_ids = {400001};
    moscow_stylist.conditions.staff_ids = {5001};
    moscow_stylist.conditions.pipeline_ids = {1};
    moscow_stylist.map = standard_map();
    sync.schemes = {nails, moscow_stylist};
    sync.fallback.targets[RecordState::came] = {1, 50};

    auto d = plan_status(sync, facts(RecordState::came, 1, 20), pipelines);
    CHECK(d.scheme == "Moscow stylist");
    CHECK(d.target == StageRef{1, 40});

    auto f = facts(RecordState::came, 1, 20);
    f.service_category_ids = {101, 102};   // one nail service makes it a nail record
    CHECK(plan_status(sync, f, pipelines).scheme == "Nails");

    f = facts(RecordState::came, 1, 20);
    f.staff_id = 5003;                      // no scheme: the fallback
    auto fallback = plan_status(sync, f, pipelines);
    CHECK(fallback.scheme == "fallback");
    CHECK(fallback.target == StageRef{1, 50});

    DistributionScheme labelled{"Labelled", {}, standard_map()};
    labelled.conditions.record_label_ids = {77};
    sync.schemes = {labelled};
    f.record_label_ids = {77};
    CHECK(plan_status(sync, f, pipelines).scheme == "Labelled");
}

TEST_CASE("an unmapped state leaves the lead where it is") {
    StatusMap partial;
    partial.targets[RecordState::came] = {1, 40};
    StatusSync sync{StatusSyncMode::without_conditions, partial, 0, {}, {}, {}};
    auto d = plan_status(sync, facts(RecordState::confirmed, 1, 20), pipelines);
    CHECK_FALSE(d.move);
    CHECK(d.reason == "no stage is mapped for confirmed");
}
