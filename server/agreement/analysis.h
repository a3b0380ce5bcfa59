#ifndef ICR_SERVER_AGREEMENT_ANALYSIS_H_
#define ICR_SERVER_AGREEMENT_ANALYSIS_H_

// One call for a full reliability report on reliability data: the chosen
// coefficients (with bootstrap intervals on request) and the per-coder-pair
// matrix. Used by `icr stats` and the server's agreement service.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/agreement/bootstrap.h"
#include "server/agreement/coefficient.h"
#include "server/agreement/distance.h"
#include "server/agreement/kappa.h"
#include "server/agreement/pairwise.h"
#include "server/agreement/reliability_data.h"
#include "server/agreement/variance.h"

namespace icr::agreement {

// Every coefficient name Analyze() knows, in report order. "gwet_ac2" is
// accepted as a request for the weighted AC (it is reported as gwet_ac1
// without weights).
inline constexpr const char* kCoefficientNames[] = {
    "percent_agreement", "cohen_kappa",      "scott_pi",     "fleiss_kappa", "krippendorff_alpha",
    "gwet_ac1",          "brennan_prediger", "conger_kappa", "light_kappa",
};

struct AnalysisOptions {
  // Measurement level: alpha's metric, and whether weights are allowed.
  Level level = Level::kNominal;
  // kJaccard or kMasi: alpha compares set-valued cells with this distance
  // (level must be nominal). nullopt: the level's metric.
  std::optional<Metric> set_metric;
  // Agreement weights (weights.h) of every coefficient: percent agreement,
  // Cohen's, Scott's, Fleiss', Conger's and Light's kappa, Gwet's AC2,
  // Brennan-Prediger and Krippendorff's alpha in irrCAC's weighted form
  // (delta = 1 - w in place of the level's metric), the pairwise kappas too.
  // A family needs an ordered level (ordinal, interval, ratio) and is taken on
  // the category scores (weights.h: CategoryScores); a matrix (kCustom) goes
  // with any level and must be q x q.
  WeightMatrix weights = Weights::kNone;
  // Names from kCoefficientNames; empty or {"all"} means all of them.
  std::vector<std::string> coefficients;
  // Brennan-Prediger's number of categories; default: the data's categories.
  // Must not be below the number of categories in the data.
  std::optional<int> categories;
  // samples = 0: no bootstrap.
  BootstrapOptions bootstrap{.samples = 0};
  // Analytic standard errors (variance.h) for every coefficient; nullopt:
  // none. population, when set, must not be below the units with a value.
  std::optional<VarianceOptions> analytic;
  bool pairwise = true;
};

struct Analysis {
  int64_t units = 0;  // units in the data
  int coders = 0;
  int64_t pairable_values = 0;  // values in units with at least two values (n..)
  std::string level;            // "nominal", ...
  std::string metric;           // alpha's metric: the level, or "jaccard"/"masi"
  std::vector<Coefficient> coefficients;
  std::vector<PairwiseAgreement> pairwise;
};

// `data`'s categories must be in scale order (ReliabilityData::OrderCategories).
// INVALID_ARGUMENT for options that do not fit (an unknown coefficient,
// a weight family at the nominal level, weights on set-valued data or with
// --categories beyond the data's, a set metric at another level, --categories
// below the observed count) or data the level cannot read (interval on a
// non-number). Undefined coefficients are results, not errors.
absl::StatusOr<Analysis> Analyze(const ReliabilityData& data, const AnalysisOptions& options);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_ANALYSIS_H_
