#include "server/report/agreement_section.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/status_macros.h"
#include "server/live/coefficient_proto.h"

namespace icr::report {
namespace {

// With analytic intervals, each coefficient's interval (what every rendering
// prints as `ci`) is its analytic one (samples 0); the analytic standard
// error stays beside it.
AgreementRow RowFromProto(const v1::AgreementRow& row, bool analytic) {
  AgreementRow out;
  out.label = row.name().empty() ? row.key() : absl::StrCat(row.name(), " (", row.key(), ")");
  out.units = row.units();
  for (const v1::Coefficient& c : row.coefficients()) {
    agreement::Coefficient coefficient = live::CoefficientFromProto(c);
    if (analytic && coefficient.analytic && coefficient.analytic->defined()) {
      const agreement::AnalyticInterval& a = *coefficient.analytic;
      coefficient.ci = agreement::BootstrapInterval{a.low, a.high, a.confidence, 0};
    } else if (!analytic) {
      coefficient.analytic.reset();
    }
    out.coefficients.push_back(std::move(coefficient));
  }
  return out;
}

const char* const kReportable[] = {"krippendorff_alpha", "cohen_kappa",      "fleiss_kappa",
                                   "scott_pi",           "gwet_ac1",         "gwet_ac2",
                                   "brennan_prediger",   "percent_agreement"};

}  // namespace

absl::Status ValidateSectionOptions(const SectionOptions& options) {
  for (size_t i = 0; i < options.coefficients.size(); ++i) {
    if (std::find(std::begin(kReportable), std::end(kReportable), options.coefficients[i]) ==
        std::end(kReportable)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "coefficients[", i, "]: \"", options.coefficients[i],
          "\" is not a coefficient the report prints (krippendorff_alpha, cohen_kappa, "
          "fleiss_kappa, scott_pi, gwet_ac1, gwet_ac2, brennan_prediger, percent_agreement)"));
    }
  }
  if (options.interval != "bootstrap" && options.interval != "analytic" &&
      options.interval != "none") {
    return absl::InvalidArgumentError(absl::StrCat(
        "interval: \"", options.interval,
        "\" is not available; use bootstrap (percentile, over units), analytic (Gwet's "
        "standard errors) or none"));
  }
  if (options.bootstrap < 0 || options.bootstrap > 20000) {
    return absl::InvalidArgumentError("bootstrap: must be between 0 and 20000");
  }
  return absl::OkStatus();
}

absl::StatusOr<RoundAgreement> AgreementSection(live::LiveAgreement& live,
                                                const common::Caller& caller,
                                                const std::string& project,
                                                const std::string& round,
                                                const SectionOptions& options) {
  ICR_RETURN_IF_ERROR(ValidateSectionOptions(options));
  v1::ComputeAgreementRequest request;
  request.set_project(project);
  request.set_round(round);
  request.set_analysis("code");
  const bool bootstrap = options.interval == "bootstrap" && options.bootstrap > 0;
  if (bootstrap) {
    request.set_bootstrap(options.bootstrap);
    request.set_seed(options.seed);
  }
  absl::StatusOr<v1::ComputeAgreementResponse> answer = live.Compute(caller, request);
  std::string interval_note;
  if (bootstrap && answer.status().code() == absl::StatusCode::kResourceExhausted) {
    // Too large a round for the bootstrap budget: the values without intervals.
    interval_note = std::string(answer.status().message());
    request.set_bootstrap(0);
    answer = live.Compute(caller, request);
  }
  ICR_RETURN_IF_ERROR(answer.status());
  const v1::ComputeAgreementResponse& computed = *answer;

  RoundAgreement section;
  section.coefficients = options.coefficients;
  if (section.coefficients.empty()) {
    section.coefficients = {"krippendorff_alpha",
                            computed.coders_size() == 2 ? "cohen_kappa" : "fleiss_kappa",
                            "percent_agreement"};
  }
  section.headline = section.coefficients.front();
  const bool analytic = options.interval == "analytic";
  section.interval =
      analytic ? "analytic" : (bootstrap && interval_note.empty() ? "bootstrap" : "none");
  section.bootstrap_samples = section.interval == "bootstrap" ? options.bootstrap : 0;
  section.seed = options.seed;
  section.interval_note = interval_note;
  section.units = computed.units();
  section.speakers.assign(computed.speakers().begin(), computed.speakers().end());
  section.exclude_speakers.assign(computed.exclude_speakers().begin(),
                                  computed.exclude_speakers().end());
  section.disagreements = computed.disagreements();
  section.resolved = computed.resolved();
  section.pairs_counted = computed.work().pairs_counted();
  section.pairs_in_progress = computed.work().pairs_in_progress();
  section.pairs_not_started = computed.work().pairs_not_started();
  for (const v1::AgreementRow& row : computed.rows()) {
    section.independent.push_back(RowFromProto(row, analytic));
  }
  if (computed.has_overall())
    section.independent_overall = RowFromProto(computed.overall(), analytic);
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
