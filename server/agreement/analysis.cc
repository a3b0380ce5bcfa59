#include "server/agreement/analysis.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/agreement/coincidence.h"
#include "server/agreement/conger_light.h"
#include "server/agreement/krippendorff_alpha.h"
#include "server/agreement/unit_counts.h"
#include "server/common/parallel_for.h"
#include "server/common/status_macros.h"

namespace icr::agreement {
namespace {

absl::StatusOr<std::vector<std::string>> Requested(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  const bool all = names.empty() || std::find(names.begin(), names.end(), "all") != names.end();
  for (const char* known : kCoefficientNames) {
    if (all) {
      out.push_back(known);
      continue;
    }
    for (const std::string& name : names) {
      if (name == known || (name == "gwet_ac2" && std::string(known) == "gwet_ac1")) {
        out.push_back(known);
        break;
      }
    }
  }
  for (const std::string& name : names) {
    if (name == "all" || name == "gwet_ac2") continue;
    if (std::find(std::begin(kCoefficientNames), std::end(kCoefficientNames), name) ==
        std::end(kCoefficientNames)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown coefficient '", name,
                       "' (known: percent_agreement, cohen_kappa, scott_pi, fleiss_kappa, "
                       "krippendorff_alpha, gwet_ac1, gwet_ac2, brennan_prediger, conger_kappa, "
                       "light_kappa, all)"));
    }
  }
  return out;
}

// Data large enough that passes in parallel pay for their threads.
bool Large(const ReliabilityData& data) {
  return data.num_units() * data.num_coders() >= (int64_t{1} << 16);
}

}  // namespace

absl::StatusOr<Analysis> Analyze(const ReliabilityData& data, const AnalysisOptions& options) {
  ICR_ASSIGN_OR_RETURN(std::vector<std::string> names, Requested(options.coefficients));
  const bool weighted = options.weights.weighted();
  if (weighted && options.weights.family != Weights::kCustom && options.level == Level::kNominal) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.weights.name(),
                     " weights need ordered categories: use --level ordinal, interval or ratio"));
  }
  if (weighted && options.categories && *options.categories != data.num_categories()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--categories ", *options.categories, " with weights: the weights are over the ",
        data.num_categories(), " categories of the data; list unused ones in --order instead"));
  }
  ICR_ASSIGN_OR_RETURN(const WeightMatrix weights, ResolveWeights(data, options.weights));
  if (options.set_metric && options.level != Level::kNominal) {
    return absl::InvalidArgumentError("a set metric (jaccard, masi) goes with the nominal level");
  }
  if (options.categories && *options.categories < data.num_categories()) {
    return absl::InvalidArgumentError(absl::StrCat("--categories ", *options.categories,
                                                   " is below the ", data.num_categories(),
                                                   " categories in the data"));
  }
  if (options.analytic && options.analytic->population < 0) {
    return absl::InvalidArgumentError("population: must be 0 (infinite) or more");
  }
  const Metric metric = options.set_metric.value_or(MetricForLevel(options.level));

  Analysis out;
  out.units = data.num_units();
  out.coders = data.num_coders();
  out.level = LevelName(options.level);
  out.metric = MetricName(metric);

  // The pairwise matrix reads the data alone: on large data it is computed
  // on a thread of its own from here on, beside the counts and the
  // coefficients (each computed as it would be alone, so the digits do not
  // depend on the threads). The thread is joined on every return.
  const bool large = Large(data);
  std::jthread pairwise;
  if (options.pairwise) {
    auto matrix = [&] { out.pairwise = PairwiseMatrix(data, weights); };
    if (large) {
      pairwise = std::jthread(matrix);
    } else {
      matrix();
    }
  }
  const UnitCounts counts = CountValues(data);
  if (options.analytic && options.analytic->population > 0 &&
      options.analytic->population < counts.rows()) {
    return absl::InvalidArgumentError(absl::StrCat("population ", options.analytic->population,
                                                   " is below the ", counts.rows(),
                                                   " units with a value"));
  }
  const std::optional<VarianceOptions>& se = options.analytic;
  const CoderTable table = CoderTableOf(data, counts);
  const Coincidences co = BuildCoincidences(counts);
  out.pairable_values = std::llround(co.n);
  // Interval and ratio read numbers even when alpha is not asked for: the
  // data must fit its declared level.
  int delta_scale = 0;
  ICR_ASSIGN_OR_RETURN(std::vector<double> delta,
                       DifferenceMatrix(data, metric, co.marginals, &delta_scale));
  // Weighted, alpha reads delta = 1 - w: irrCAC's krippen.alpha.raw with
  // weights, which is Krippendorff's alpha with that difference function.
  if (weighted) {
    delta = weights.matrix;
    for (double& d : delta) d = 1.0 - d;
    delta_scale = 0;
  }

  // Percent agreement, Fleiss' kappa, AC1 and Brennan-Prediger read the same
  // sums over the units: made once, by the first of them to need them.
  std::once_flag sums_once;
  MultiRaterSums sums;
  auto Sums = [&]() -> const MultiRaterSums& {
    std::call_once(sums_once, [&] { sums = SumMultiRater(counts, weights); });
    return sums;
  };
  const BootstrapOptions& boot = options.bootstrap;
  const bool two_coders = data.num_coders() == 2;
  std::optional<PairedValues> pairs;
  if (two_coders) pairs = PairValues(data, 0, 1);
  auto needs_two = [&](const char* name, const char* instead) {
    return Coefficient::Undefined(
        name, absl::StrCat(name == std::string("cohen_kappa") ? "Cohen's kappa" : "Scott's pi",
                           " is for two coders (the data has ", data.num_coders(), "); ", instead));
  };

  auto compute = [&](const std::string& name) {
    Coefficient c;
    if (name == "percent_agreement") {
      c = PercentAgreement(counts, weights, {}, &Sums());
      if (se && weighted) AddPercentAgreementSe(counts, *se, &c, {}, weights);
      BootstrapRows(
          counts.rows(), boot, [&](Multiplicity m) { return PercentAgreement(counts, weights, m); },
          &c);
    } else if (name == "cohen_kappa") {
      if (!two_coders) {
        c = needs_two("cohen_kappa", "see the pairwise matrix");
      } else {
        c = CohenKappa(*pairs, weights);
        if (se) AddCohenKappaSe(*pairs, weights, *se, &c);
        BootstrapRows(
            static_cast<int64_t>(pairs->a.size()), boot,
            [&](Multiplicity m) { return CohenKappa(*pairs, weights, m); }, &c);
      }
    } else if (name == "scott_pi") {
      if (!two_coders) {
        c = needs_two("scott_pi", "fleiss_kappa generalises it to more coders");
      } else {
        c = ScottPi(*pairs, weights);
        if (se) AddScottPiSe(*pairs, *se, &c, {}, weights);
        BootstrapRows(
            static_cast<int64_t>(pairs->a.size()), boot,
            [&](Multiplicity m) { return ScottPi(*pairs, weights, m); }, &c);
      }
    } else if (name == "fleiss_kappa") {
      c = FleissKappa(counts, weights, {}, &Sums());
      if (se && weighted) AddFleissKappaSe(counts, *se, &c, {}, weights);
      BootstrapRows(
          counts.rows(), boot, [&](Multiplicity m) { return FleissKappa(counts, weights, m); }, &c);
    } else if (name == "krippendorff_alpha") {
      c = AlphaFromCoincidences(
          co, delta,
          weighted ? absl::StrCat("weights_", weights.name()) : AlphaVariant(metric, delta_scale));
      if (weighted) c.weights = weights.name();
      if (se && (weighted || metric != Metric::kNominal)) AddAlphaSe(counts, delta, *se, &c);
      if (c.defined() && boot.samples > 0) {
        BootstrapAlpha(ComputeAlphaContributions(counts, delta, c.expected), boot, &c);
      }
    } else if (name == "gwet_ac1") {
      c = GwetAc(counts, weights, {}, &Sums());
      if (se && weighted) AddGwetAcSe(counts, weights, *se, &c);
      BootstrapRows(
          counts.rows(), boot, [&](Multiplicity m) { return GwetAc(counts, weights, m); }, &c);
    } else if (name == "brennan_prediger") {
      c = BrennanPrediger(counts, weights, options.categories, {}, &Sums());
      if (se && weighted) AddBrennanPredigerSe(counts, options.categories, *se, &c, {}, weights);
      BootstrapRows(
          counts.rows(), boot,
          [&](Multiplicity m) { return BrennanPrediger(counts, weights, options.categories, m); },
          &c);
    } else if (name == "conger_kappa") {
      c = CongerKappa(counts, table, weights, {}, se ? &*se : nullptr);
      BootstrapRows(
          counts.rows(), boot,
          [&](Multiplicity m) { return CongerKappa(counts, table, weights, m); }, &c);
    } else if (name == "light_kappa") {
      c = LightKappa(table, counts.rows(), weights);
      if (se) AddLightKappaSe(*se, &c);
      BootstrapRows(
          counts.rows(), boot,
          [&](Multiplicity m) { return LightKappa(table, counts.rows(), weights, m); }, &c);
    }
    // Every coefficient here has a weighted form; alpha's own metric names
    // itself in the variant instead.
    if (c.weights.empty() && name != kAlphaName) c.weights = weights.name();
    return c;
  };
  // The coefficients are independent passes over the same counts: on large
  // data they run side by side. Threads take them in order as they free up,
  // the costliest first (Light's and Conger's kappa, the last in report
  // order, back to percent agreement).
  out.coefficients.resize(names.size());
  const int tasks = static_cast<int>(names.size());
  // The unweighted multi-rater coefficients share two passes over the counts
  // for their standard errors (the others get theirs with their value): the
  // thread that finishes the last of them runs it, beside the other tasks.
  // The slots are filled before the tasks start (the vector is not resized
  // again), so the pass reads each coefficient once its task has written it.
  const bool shared_se = se && !weighted;
  MultiRaterSes shared;
  std::vector<bool> shares_se(names.size(), false);
  for (size_t i = 0; shared_se && i < names.size(); ++i) {
    Coefficient** slot = nullptr;
    if (names[i] == "percent_agreement") slot = &shared.percent_agreement;
    if (names[i] == "fleiss_kappa") slot = &shared.fleiss_kappa;
    if (names[i] == "gwet_ac1") slot = &shared.gwet_ac1;
    if (names[i] == "brennan_prediger") slot = &shared.brennan_prediger;
    if (names[i] == kAlphaName && metric == Metric::kNominal) slot = &shared.nominal_alpha;
    if (slot) *slot = &out.coefficients[i];
    shares_se[i] = slot != nullptr;
  }
  std::atomic<int> sharing_left{
      static_cast<int>(std::count(shares_se.begin(), shares_se.end(), true))};
  auto run = [&](int task) {
    const int i = tasks - 1 - task;
    out.coefficients[i] = compute(names[i]);
    if (shares_se[i] && sharing_left.fetch_sub(1) == 1) AddMultiRaterSes(counts, *se, shared);
  };
  if (large) {
    ParallelFor(tasks, run);
  } else {
    for (int task = 0; task < tasks; ++task) run(task);
  }
  if (se) {
    for (Coefficient& c : out.coefficients) {
      if (!c.analytic) {
        c.analytic =
            UndefinedInterval(absl::StrCat("the coefficient is undefined: ", c.reason), *se);
      }
    }
  }
  if (pairwise.joinable()) pairwise.join();
  return out;
}

}  // namespace icr::agreement
