#include "shared/domain/status_sync.hpp"

#include <algorithm>
#include <optional>

namespace kb::domain {

const char* record_state_name(RecordState state) {
    switch (state) {
        case RecordState::waiting: return "waiting";
        case RecordState::confirmed: return "confirmed";
        case RecordState::came: return "came";
        case RecordState::did_not_come: return "did_not_come";
        case RecordState::deleted: return "deleted";
    }
    return "waiting";
}

RecordState record_state(const Record& record) {
    if (record.deleted) return RecordState::deleted;
    switch (record.attendance) {
        case Attendance::did_not_come: return RecordState::did_not_come;
        case Attendance::waiting: return RecordState::waiting;
        case Attendance::came: return RecordState::came;
        case Attendance::confirmed: return RecordState::confirmed;
    }
    return RecordState::waiting;
}

namespace {

bool allows(const std::vector<int64_t>& wanted, int64_t actual) {
    return wanted.empty() || std::find(wanted.begin(), wanted.end(), actual) != wanted.end();
}

bool allows_any(const std::vector<int64_t>& wanted, const std::vector<int64_t>& actual) {
    if (wanted.empty()) return true;
    return std::any_of(actual.begin(), actual.end(), [&](int64_t id) { return allows(wanted, id); });
}

std::optional<int32_t> sort_of(const std::vector<PipelineInfo>& pipelines, StageRef stage) {
    for (const auto& p : pipelines)
        if (p.id == stage.pipeline_id)
            for (const auto& [status, sort] : p.statuses)
                if (status == stage.status_id) return sort;
    return std::nullopt;
}

StatusDecision stay(std::string reason, std::string scheme = {}) { return StatusDecision{false, {}, std::move(scheme), std::move(reason)}; }

}  // namespace

const DistributionScheme* matching_scheme(const StatusSync& sync, const StatusFacts& f) {
    for (const auto& scheme : sync.schemes) {
        const auto& c = scheme.conditions;
        if (allows_any(c.service_category_ids, f.service_category_ids) && allows(c.pipeline_ids, f.lead_pipeline_id) &&
            allows(c.branch_ids, f.branch_id) && allows(c.staff_ids, f.staff_id) && allows_any(c.record_label_ids, f.record_label_ids))
            return &scheme;
    }
    return nullptr;
}

StatusDecision plan_status(const StatusSync& sync, const StatusFacts& f, const std::vector<PipelineInfo>& pipelines) {
    std::string state = record_state_name(f.state);
    if (sync.mode == StatusSyncMode::off) return stay("status synchronisation is off");
    if (!sync.only_states.empty() && std::find(sync.only_states.begin(), sync.only_states.end(), f.state) == sync.only_states.end())
        return stay("state " + state + " is not among the synchronised states");
    if (sync.mode == StatusSyncMode::single_pipeline && f.lead_pipeline_id != sync.pipeline_id)
        return stay("the lead is not in the synchronised pipeline");

    const StatusMap* map = &sync.map;
    std::string scheme_name;
    if (sync.mode == StatusSyncMode::with_conditions) {
        const DistributionScheme* scheme = matching_scheme(sync, f);
        map = scheme ? &scheme->map : &sync.fallback;
        scheme_name = scheme ? scheme->name : "fallback";
    }
    auto target = map->targets.find(f.state);
    if (target == map->targets.end() || target->second.status_id == 0)
        return stay("no stage is mapped for " + state, scheme_name);
    StageRef to = target->second;
    if (to.pipeline_id == 0) to.pipeline_id = f.lead_pipeline_id;
    StageRef from{f.lead_pipeline_id, f.lead_status_id};
    if (to == from) return stay("the lead is already at the mapped stage", scheme_name);
    bool closed = f.lead_status_id == kommo_won_status || f.lead_status_id == kommo_lost_status;
    if (closed && !map->move_closed_leads) return stay("the lead is closed (won or lost)", scheme_name);
    if (to.pipeline_id == from.pipeline_id && !map->allow_backwards && !closed) {
        auto from_sort = sort_of(pipelines, from), to_sort = sort_of(pipelines, to);
        if (from_sort && to_sort && *to_sort < *from_sort) return stay("the mapped stage is before the lead's stage", scheme_name);
    }
    return StatusDecision{true, to, scheme_name, "record " + state + " moves the lead"};
}

}  // namespace kb::domain
