#include "server/report/agreement_section.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/status_macros.h"
#include "server/live/coefficient_proto.h"

namespace icr::report {
namespace {

AgreementRow RowFromProto(const v1::AgreementRow& row) {
  AgreementRow out;
  out.label = row.name().empty() ? row.key() : absl::StrCat(row.name(), " (", row.key(), ")");
  out.units = row.units();
  for (const v1::Coefficient& c : row.coefficients()) {
    out.coefficients.push_back(live::CoefficientFromProto(c));
  }
  return out;
}

}  // namespace

absl::StatusOr<RoundAgreement> AgreementSection(live::LiveAgreement& live,
                                                const coding::Caller& caller,
                                                const std::string& project,
                                                const std::string& round) {
  v1::ComputeAgreementRequest request;
  request.set_project(project);
  request.set_round(round);
  request.set_analysis("code");
  ICR_ASSIGN_OR_RETURN(v1::ComputeAgreementResponse computed, live.Compute(caller, request));

  RoundAgreement section;
  for (const v1::AgreementRow& row : computed.rows()) section.independent.push_back(RowFromProto(row));
  if (computed.has_overall()) section.independent_overall = RowFromProto(computed.overall());
  for (const v1::PairwiseRow& pair : computed.pairwise()) {
    PairCell cell;
    cell.coder_a = pair.coder_a();
    cell.coder_b = pair.coder_b();
    cell.units = pair.units();
    if (pair.has_cohen_kappa() && pair.cohen_kappa().has_value()) {
      cell.value = pair.cohen_kappa().value();
    }
    section.pairwise.push_back(std::move(cell));
  }
  // After consensus: each coder against the consensus coding.
  for (const v1::ConsensusAgreement& coder : computed.negotiated()) {
    AgreementRow row;
    row.label = absl::StrCat(coder.coder(), " vs consensus");
    row.units = coder.units();
    if (coder.has_percent_agreement()) {
      agreement::Coefficient percent;
      percent.name = "percent_agreement";
      percent.value = coder.percent_agreement();
      percent.units = coder.units();
      row.coefficients.push_back(percent);
    }
    if (coder.has_cohen_kappa()) {
      row.coefficients.push_back(live::CoefficientFromProto(coder.cohen_kappa()));
    }
    section.negotiated.push_back(std::move(row));
  }

  if (computed.resolved() > 0) {
    v1::GetConsensusRequest consensus_request;
    consensus_request.set_project(project);
    consensus_request.set_round(round);
    absl::StatusOr<v1::GetConsensusResponse> consensus = live.Consensus(caller, consensus_request);
    if (consensus.ok()) {
      for (const v1::ConsensusCoding& coding : consensus->codings()) {
        if (coding.source() != "resolved") continue;
        DisagreementResolution resolution;
        resolution.document = coding.document();
        resolution.unit = absl::StrCat("segment ", coding.segment());
        resolution.code = coding.code();
        resolution.final_value = coding.code();
        resolution.rationale = coding.rationale();
        resolution.resolved_by = coding.resolved_by();
        section.resolutions.push_back(std::move(resolution));
      }
    }
  }
  return section;
}

}  // namespace icr::report
