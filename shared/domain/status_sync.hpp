#pragma once
// Where a lead goes when its record's state changes: the status synchronisation rules as a pure decision.
// Usage:
//   StatusFacts facts{RecordState::came, lead.pipeline_id, lead.status_id, categories, branch, staff, labels};
//   StatusDecision d = plan_status(settings.status_sync, facts, pipelines);
//   if (d.move) PATCH the lead to d.target; d.reason goes to the request history either way.
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"
#include "shared/domain/settings.hpp"

namespace kb::domain {

constexpr int64_t kommo_won_status = 142;
constexpr int64_t kommo_lost_status = 143;

// Altegio attendance plus deletion, as the status map sees it.
RecordState record_state(const Record& record);

struct StatusFacts {
    RecordState state = RecordState::waiting;
    int64_t lead_pipeline_id = 0;
    int64_t lead_status_id = 0;
    std::vector<int64_t> service_category_ids;
    int64_t branch_id = 0;
    int64_t staff_id = 0;
    std::vector<int64_t> record_label_ids;
};

struct StatusDecision {
    bool move = false;
    StageRef target;
    std::string scheme;      // the distribution scheme that applied ("" for none)
    std::string reason;      // why, for the request history
};

StatusDecision plan_status(const StatusSync& sync, const StatusFacts& facts, const std::vector<PipelineInfo>& pipelines);

// The scheme whose conditions the record meets (first match), or nullptr for the fallback.
const DistributionScheme* matching_scheme(const StatusSync& sync, const StatusFacts& facts);

}  // namespace kb::domain
