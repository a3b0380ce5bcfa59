// Agreement on the set of codes per segment (MASI or Jaccard distances
// between sets; Passonneau 2006), without tables over pairs of distinct sets.

#include <algorithm>
#include <bit>

#include "absl/strings/str_cat.h"
#include "server/agreement/bootstrap.h"
#include "server/agreement/coincidence.h"
#include "server/agreement/conger_light.h"
#include "server/agreement/distance.h"
#include "server/agreement/kappa.h"
#include "server/agreement/krippendorff_alpha.h"
#include "server/agreement/pairwise.h"
#include "server/agreement/unit_counts.h"
#include "server/agreement/variance.h"
#include "server/common/status_macros.h"
#include "server/live/value_analysis.h"

namespace icr::live {
namespace {

using agreement::Coefficient;

// Krippendorff's alpha (2011, sections C-E) of set-valued data: D_o from
// the pairs of values within each unit, D_e from the pairs of distinct sets,
// both without a k x k matrix. Also what the Hayes & Krippendorff (2007)
// bootstrap needs: each pairable unit's share of D_o.
absl::StatusOr<Coefficient> SetAlpha(const agreement::ReliabilityData& data,
                                     const agreement::UnitCounts& counts, agreement::Metric metric,
                                     const LiveOptions& live, const Interrupt& interrupt,
                                     int64_t* pairs_left,
                                     agreement::AlphaContributions* contributions) {
  const int k = counts.num_categories;
  // With at most 64 elements a set is a bit mask and the sizes the distances
  // need are popcounts: the same formulas as agreement::JaccardDistance and
  // MasiDistance, without walking the members of every pair.
  const bool as_masks = data.elements().size() <= 64;
  std::vector<uint64_t> mask(k, 0);
  if (as_masks) {
    for (int c = 0; c < k; ++c) {
      for (int32_t e : data.category(c).members) mask[c] |= uint64_t{1} << e;
    }
  }
  auto distance = [&](int32_t a, int32_t b) {
    if (!as_masks) {
      const auto& x = data.category(a).members;
      const auto& y = data.category(b).members;
      return metric == agreement::Metric::kJaccard ? agreement::JaccardDistance(x, y)
                                                   : agreement::MasiDistance(x, y);
    }
    const int common = std::popcount(mask[a] & mask[b]);
    const int size_a = std::popcount(mask[a]), size_b = std::popcount(mask[b]);
    const int uni = size_a + size_b - common;
    if (uni == 0) return 0.0;
    double m = 1.0;
    if (metric == agreement::Metric::kMasi) {
      m = common == size_a && common == size_b   ? 1.0
          : common == size_a || common == size_b ? 2.0 / 3.0
          : common > 0                           ? 1.0 / 3.0
                                                 : 0.0;
    }
    return 1.0 - static_cast<double>(common) / static_cast<double>(uni) * m;
  };
  std::vector<double> marginals(k, 0.0);
  double n = 0, observed = 0;
  int64_t pairable_units = 0;
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const int32_t m = counts.total[r];
    if (m < 2) continue;
    ICR_RETURN_IF_ERROR(interrupt.Poll());
    ++pairable_units;
    double d = 0;
    for (int64_t a = counts.offset[r]; a < counts.offset[r + 1]; ++a) {
      marginals[counts.category[a]] += counts.count[a];
      n += counts.count[a];
      for (int64_t b = counts.offset[r]; b < counts.offset[r + 1]; ++b) {
        if (a != b) {
          d += static_cast<double>(counts.count[a]) * counts.count[b] *
               distance(counts.category[a], counts.category[b]);
        }
      }
    }
    observed += d / (m - 1);
    contributions->disagreement.push_back(d / (m - 1));
    contributions->values.push_back(m);
  }
  Coefficient result;
  result.name = agreement::kAlphaName;
  result.variant = agreement::MetricName(metric);
  result.observed_is_disagreement = true;
  result.units = pairable_units;
  result.pairable_values = std::llround(n);
  if (n < 2) {
    result.reason = "fewer than two pairable values";
    return result;
  }
  std::vector<int32_t> used;
  for (int c = 0; c < k; ++c) {
    if (marginals[c] > 0) used.push_back(c);
  }
  const int64_t pairs = static_cast<int64_t>(used.size()) * (used.size() - 1) / 2;
  if (pairs > *pairs_left) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "analysis: the set analysis compares every pair of distinct sets (once for alpha, and "
        "once more without each coder); these data have ",
        used.size(), " distinct sets (", pairs, " pairs), beyond this server's limit of ",
        live.max_set_pairs, " pairs: select fewer documents, codes or coders, or use --rollup"));
  }
  *pairs_left -= pairs;
  double expected = 0;
  for (size_t i = 0; i < used.size(); ++i) {
    ICR_RETURN_IF_ERROR(interrupt.Poll(16));
    double row = 0;
    for (size_t j = i + 1; j < used.size(); ++j)
      row += marginals[used[j]] * distance(used[i], used[j]);
    expected += 2 * marginals[used[i]] * row;
  }
  result.observed = observed / n;
  result.expected = expected / (n * (n - 1));
  contributions->expected = result.expected;
  if (used.size() < 2) {
    result.reason = "one category only: every pairable value is the same";
    return result;
  }
  if (result.expected <= 0) {
    result.reason = "no variation: the expected disagreement is 0";
    return result;
  }
  result.value = 1.0 - result.observed / result.expected;
  return result;
}

// Most distinct sets for which the set analysis computes alpha's analytic
// variance (its difference table has this many squared cells).
constexpr int kMaxVarianceSets = 1024;

}  // namespace

absl::StatusOr<agreement::Analysis> AnalyzeSets(const agreement::ReliabilityData& data,
                                                const agreement::AnalysisOptions& options,
                                                const LiveOptions& live, const Interrupt& interrupt,
                                                int64_t* pairs_left) {
  int64_t own_budget = live.max_set_pairs;
  if (pairs_left == nullptr) pairs_left = &own_budget;
  ICR_ASSIGN_OR_RETURN(std::vector<std::string> names, RequestedCoefficients(options.coefficients));
  const agreement::Metric metric = options.set_metric.value_or(agreement::Metric::kMasi);
  agreement::Analysis out;
  out.units = data.num_units();
  out.coders = data.num_coders();
  out.level = agreement::LevelName(agreement::Level::kNominal);
  out.metric = agreement::MetricName(metric);
  const agreement::UnitCounts counts = agreement::CountValues(data);
  agreement::AlphaContributions contributions;
  ICR_ASSIGN_OR_RETURN(Coefficient alpha,
                       SetAlpha(data, counts, metric, live, interrupt, pairs_left, &contributions));
  out.pairable_values = alpha.pairable_values;

  const agreement::BootstrapOptions& boot = options.bootstrap;
  const std::optional<agreement::VarianceOptions>& se = options.analytic;
  const agreement::CoderTable table = agreement::CoderTableOf(data, counts);
  std::optional<agreement::PairedValues> pairs;
  if (data.num_coders() == 2) pairs = agreement::PairValues(data, 0, 1);
  auto needs_two = [&](const char* name, const char* instead) {
    return Coefficient::Undefined(
        name, absl::StrCat(name == std::string("cohen_kappa") ? "Cohen's kappa" : "Scott's pi",
                           " is for two coders (the data has ", data.num_coders(), "); ", instead));
  };
  for (const std::string& name : names) {
    ICR_RETURN_IF_ERROR(interrupt.Check());
    Coefficient c;
    if (name == "percent_agreement") {
      c = agreement::PercentAgreement(counts);
      if (se) agreement::AddPercentAgreementSe(counts, *se, &c);
      agreement::BootstrapRows(
          counts.rows(), boot,
          [&](agreement::Multiplicity m) { return agreement::PercentAgreement(counts, m).value; },
          &c);
    } else if (name == "cohen_kappa") {
      if (!pairs) {
        c = needs_two("cohen_kappa", "see the pairwise matrix");
      } else {
        c = agreement::CohenKappa(*pairs, agreement::Weights::kNone);
        if (se) agreement::AddCohenKappaSe(*pairs, agreement::Weights::kNone, *se, &c);
        agreement::BootstrapRows(
            static_cast<int64_t>(pairs->a.size()), boot,
            [&](agreement::Multiplicity m) {
              return agreement::CohenKappa(*pairs, agreement::Weights::kNone, m).value;
            },
            &c);
      }
    } else if (name == "scott_pi") {
      if (!pairs) {
        c = needs_two("scott_pi", "fleiss_kappa generalises it to more coders");
      } else {
        c = agreement::ScottPi(*pairs);
        if (se) agreement::AddScottPiSe(*pairs, *se, &c);
        agreement::BootstrapRows(
            static_cast<int64_t>(pairs->a.size()), boot,
            [&](agreement::Multiplicity m) { return agreement::ScottPi(*pairs, m).value; }, &c);
      }
    } else if (name == "fleiss_kappa") {
      c = agreement::FleissKappa(counts);
      if (se) agreement::AddFleissKappaSe(counts, *se, &c);
      agreement::BootstrapRows(
          counts.rows(), boot,
          [&](agreement::Multiplicity m) { return agreement::FleissKappa(counts, m).value; }, &c);
    } else if (name == "krippendorff_alpha") {
      c = alpha;
      // Its variance reads the distance of every pair of distinct sets:
      // computed while that table stays small (kMaxVarianceSets^2 cells).
      if (se && c.defined() && data.num_categories() <= kMaxVarianceSets) {
        const agreement::Coincidences co = agreement::BuildCoincidences(counts);
        ICR_ASSIGN_OR_RETURN(const std::vector<double> delta,
                             agreement::DifferenceMatrix(data, metric, co.marginals));
        agreement::AddAlphaSe(counts, delta, *se, &c);
      } else if (se && c.defined()) {
        c.analytic = agreement::UndefinedInterval(
            absl::StrCat("more than ", kMaxVarianceSets,
                         " distinct sets: no standard error (icr stats computes it)"),
            *se);
      }
      if (c.defined() && boot.samples > 0) agreement::BootstrapAlpha(contributions, boot, &c);
    } else if (name == "gwet_ac1") {
      c = agreement::GwetAc(counts, agreement::Weights::kNone);
      if (se) agreement::AddGwetAcSe(counts, agreement::Weights::kNone, *se, &c);
      agreement::BootstrapRows(
          counts.rows(), boot,
          [&](agreement::Multiplicity m) {
            return agreement::GwetAc(counts, agreement::Weights::kNone, m).value;
          },
          &c);
    } else if (name == "brennan_prediger") {
      c = agreement::BrennanPrediger(counts, options.categories);
      if (se) agreement::AddBrennanPredigerSe(counts, options.categories, *se, &c);
      agreement::BootstrapRows(
          counts.rows(), boot,
          [&](agreement::Multiplicity m) {
            return agreement::BrennanPrediger(counts, options.categories, m).value;
          },
          &c);
    } else if (name == "conger_kappa") {
      c = agreement::CongerKappa(counts, table);
      if (se) agreement::AddCongerKappaSe(counts, table, agreement::Weights::kNone, *se, &c);
      agreement::BootstrapRows(
          counts.rows(), boot,
          [&](agreement::Multiplicity m) {
            return agreement::CongerKappa(counts, table, agreement::Weights::kNone, m).value;
          },
          &c);
    } else if (name == "light_kappa") {
      c = agreement::LightKappa(table, counts.rows());
      if (se) agreement::AddLightKappaSe(*se, &c);
      agreement::BootstrapRows(
          counts.rows(), boot,
          [&](agreement::Multiplicity m) {
            return agreement::LightKappa(table, counts.rows(), agreement::Weights::kNone, m).value;
          },
          &c);
    }
    if (se && !c.analytic) {
      c.analytic = agreement::UndefinedInterval(
          absl::StrCat("the coefficient is undefined: ", c.reason), *se);
    }
    out.coefficients.push_back(std::move(c));
  }
  if (options.pairwise) out.pairwise = agreement::PairwiseMatrix(data);
  return out;
}

absl::Status SetAnalysis(const AnalysisInput& in, v1::ComputeAgreementResponse* response) {
  const RoundData& data = in.data;
  const Query& q = in.q;
  response->set_units(in.presence.total_units);
  std::vector<std::string> key_of_raw(data.num_codes());
  for (int32_t raw = 0; raw < data.num_codes(); ++raw) {
    std::string key = in.book.Rollup(data.code(raw), q.rollup);
    if (q.codes.empty() || q.codes.count(key)) key_of_raw[raw] = std::move(key);
  }
  std::vector<int> round_to_selected(data.num_coders(), -1);
  for (size_t j = 0; j < q.coders.size(); ++j) round_to_selected[q.coders[j]] = static_cast<int>(j);
  // A coder who applied no code to a unit gives no value there (as a CSV
  // for `icr stats` cannot hold an empty set); nor does a coder who does
  // not count in the unit's document.
  std::vector<std::vector<std::vector<std::string>>> rows;
  for (int d : q.documents) {
    const CoderMask present = in.presence.counted[d];
    if (present == 0) continue;
    const int64_t units = in.presence.units[d];
    for (int64_t i = 0; i < units; ++i) {
      ICR_RETURN_IF_ERROR(in.interrupt.Poll());
      const int64_t s = in.units.segment(d, i);
      std::vector<std::vector<std::string>> sets(q.coders.size());
      bool any = false;
      for (const RoundData::Entry& e : data.unit(d, s)) {
        const int j = round_to_selected[e.coder];
        if (e.total() == 0 || j < 0 || !((present >> j) & 1) || key_of_raw[e.code].empty()) {
          continue;
        }
        sets[j].push_back(key_of_raw[e.code]);
        any = true;
      }
      if (any) rows.push_back(std::move(sets));
    }
  }
  ICR_RETURN_IF_ERROR(CheckBootstrapBudget(
      q.bootstrap.samples, kUnitRowCost * static_cast<int64_t>(rows.size()), in.options));
  agreement::ReliabilityData table(static_cast<int64_t>(rows.size()), q.coder_names);
  for (size_t u = 0; u < rows.size(); ++u) {
    for (size_t j = 0; j < q.coders.size(); ++j) {
      std::vector<std::string>& set = rows[u][j];
      if (set.empty()) continue;
      std::sort(set.begin(), set.end());
      set.erase(std::unique(set.begin(), set.end()), set.end());
      std::vector<std::string_view> members(set.begin(), set.end());
      table.set_value(static_cast<int64_t>(u), static_cast<int>(j), table.InternSet(members));
    }
  }
  agreement::AnalysisOptions options;
  options.set_metric = q.set_metric;
  options.coefficients = q.coefficients;
  options.bootstrap = q.bootstrap;
  options.analytic = q.analytic;
  v1::AgreementRow* row = response->add_rows();
  row->set_key("set");
  row->set_name(
      absl::StrCat("set of codes per segment (", agreement::MetricName(q.set_metric), ")"));
  // One limit for the row and its coder diagnostics together.
  int64_t pairs_left = in.options.max_set_pairs;
  const Analyzer analyze = [&](const agreement::ReliabilityData& d,
                               const agreement::AnalysisOptions& o) {
    return AnalyzeSets(d, o, in.options, in.interrupt, &pairs_left);
  };
  agreement::Analysis analysis;
  ICR_RETURN_IF_ERROR(AnalyzeRow(table, options, {}, "set", in, analyze, row, &analysis));
  *response->mutable_overall() = *row;
  response->mutable_overall()->set_key("overall");
  FillPairwise(analysis, q.coder_names, response);
  return absl::OkStatus();
}

}  // namespace icr::live
