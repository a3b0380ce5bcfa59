// Agreement by domain, and the per-row diagnostics the domain and set
// analyses share.

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/live/coefficient_proto.h"
#include "server/live/value_analysis.h"

namespace icr::live {
namespace {

agreement::ReliabilityData DropCoder(const agreement::ReliabilityData& data, int drop) {
  std::vector<std::string> names;
  for (int c = 0; c < data.num_coders(); ++c) {
    if (c != drop) names.push_back(data.coder_names()[c]);
  }
  agreement::ReliabilityData out(data.num_units(), names);
  for (int64_t u = 0; u < data.num_units(); ++u) {
    int j = 0;
    for (int c = 0; c < data.num_coders(); ++c) {
      if (c == drop) continue;
      const int32_t v = data.value(u, c);
      if (v != agreement::ReliabilityData::kMissing) {
        const agreement::Category& cat = data.category(v);
        if (cat.is_set) {
          std::vector<std::string_view> members;
          for (int32_t m : cat.members) members.push_back(data.elements()[m]);
          out.set_value(u, j, out.InternSet(members));
        } else {
          out.set_value(u, j, out.InternValue(cat.label));
        }
      }
      ++j;
    }
  }
  return out;
}

agreement::Level LevelOf(v1::MeasurementLevel level) {
  switch (level) {
    case v1::ORDINAL:
      return agreement::Level::kOrdinal;
    case v1::INTERVAL:
      return agreement::Level::kInterval;
    case v1::RATIO:
      return agreement::Level::kRatio;
    default:
      return agreement::Level::kNominal;
  }
}

// What each selected coder gave a unit from one domain: the position of the
// first of its codes (in domain order) the coder applied, or -1 (also for a
// coder who does not count in the unit's document).
struct DomainCells {
  std::vector<std::vector<int>> values;  // row -> per selected coder position or -1
  int64_t several = 0;                   // cells where a coder gave several codes
};

absl::StatusOr<DomainCells> CollectDomain(const AnalysisInput& in,
                                          const std::vector<int>& raw_position) {
  const RoundData& data = in.data;
  DomainCells out;
  std::vector<int> round_to_selected(data.num_coders(), -1);
  for (size_t j = 0; j < in.q.coders.size(); ++j) {
    round_to_selected[in.q.coders[j]] = static_cast<int>(j);
  }
  std::vector<int> cell(in.q.coders.size());
  for (int d : in.q.documents) {
    const CoderMask present = in.presence.counted[d];
    if (present == 0) continue;
    const int64_t units = in.presence.units[d];
    for (int64_t i = 0; i < units; ++i) {
      ICR_RETURN_IF_ERROR(in.interrupt.Poll());
      const int64_t s = in.units.segment(d, i);
      std::fill(cell.begin(), cell.end(), -1);
      bool any = false;
      for (const RoundData::Entry& e : data.unit(d, s)) {
        if (e.total() == 0) continue;
        const int position = raw_position[e.code];
        const int j = round_to_selected[e.coder];
        if (position < 0 || j < 0 || !((present >> j) & 1)) continue;
        if (cell[j] >= 0 && cell[j] != position) ++out.several;
        if (cell[j] < 0 || position < cell[j]) cell[j] = position;
        any = true;
      }
      if (any) out.values.push_back(cell);
    }
  }
  return out;
}

// The chance-corrected coefficients to compute: those asked for; with only
// ICC names asked for, alpha alone (for the row's coder diagnostics; it is
// not reported).
std::vector<std::string> ChanceCorrected(const Query& q) {
  if (q.icc_only) return {"krippendorff_alpha"};
  return q.coefficients;
}

// The intraclass correlations asked for, on the units every selected coder
// rated (irr::icc's na.omit): `units` of each says how many; a warning says
// how many were left out.
absl::Status AddIcc(const agreement::ReliabilityData& table, const Query& q, const std::string& key,
                    v1::AgreementRow* row) {
  if (q.icc.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<std::vector<double>>> ratings = agreement::IccRatings(table);
  if (!ratings.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("domain ", key, ": ", ratings.status().message()));
  }
  for (const agreement::IccForm& form : q.icc) {
    *row->add_coefficients() =
        CoefficientToProto(agreement::IccCoefficient(*ratings, form, q.bootstrap.confidence));
  }
  const int64_t complete =
      std::count_if(ratings->begin(), ratings->end(), [](const std::vector<double>& unit) {
        return std::none_of(unit.begin(), unit.end(), [](double x) { return std::isnan(x); });
      });
  if (complete < table.num_units()) {
    *row->add_warnings() = Warning(
        "icc_incomplete_units", key,
        absl::StrCat("the intraclass correlations use the ", complete, " of ", table.num_units(),
                     " units every selected coder rated; units with a missing rating are left "
                     "out (as irr::icc)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AnalyzeRow(const agreement::ReliabilityData& data,
                        const agreement::AnalysisOptions& options,
                        const std::vector<std::string>& order, const std::string& key,
                        const AnalysisInput& in, const Analyzer& analyze, v1::AgreementRow* row,
                        agreement::Analysis* analysis) {
  ICR_ASSIGN_OR_RETURN(*analysis, analyze(data, options));
  FillRow(*analysis, row);
  if (data.num_units() < in.options.few_units) {
    *row->add_warnings() = Warning(
        "too_few_units", key,
        absl::StrCat("only ", data.num_units(), " units with values: too few for a stable alpha"));
  }
  if (data.num_coders() < 3) return absl::OkStatus();
  agreement::AnalysisOptions alpha_only = options;
  alpha_only.coefficients = {"krippendorff_alpha"};
  alpha_only.bootstrap.samples = 0;
  alpha_only.pairwise = false;
  std::optional<double> alpha;
  if (std::any_of(analysis->coefficients.begin(), analysis->coefficients.end(),
                  [](const auto& c) { return c.name == "krippendorff_alpha"; })) {
    alpha = FindValue(*analysis, "krippendorff_alpha");
  } else {
    ICR_ASSIGN_OR_RETURN(agreement::Analysis full, analyze(data, alpha_only));
    alpha = FindValue(full, "krippendorff_alpha");
  }
  std::vector<std::optional<double>> without;
  for (int c = 0; c < data.num_coders(); ++c) {
    ICR_RETURN_IF_ERROR(in.interrupt.Check());
    agreement::ReliabilityData reduced = DropCoder(data, c);
    if (!reduced.set_valued()) ICR_RETURN_IF_ERROR(reduced.OrderCategories(order));
    ICR_ASSIGN_OR_RETURN(agreement::Analysis a, analyze(reduced, alpha_only));
    without.push_back(FindValue(a, "krippendorff_alpha"));
  }
  InfluenceOf(without, alpha, data.coder_names(), row);
  for (size_t j = 0; j < without.size(); ++j) {
    if (alpha && without[j] && *without[j] - *alpha >= in.options.influence_change) {
      *row->add_warnings() =
          Warning("coder_influence", key,
                  absl::StrCat("without ", data.coder_names()[j], " alpha on ", key, " rises from ",
                               Fixed(*alpha), " to ", Fixed(*without[j])));
    }
  }
  return absl::OkStatus();
}

absl::Status DomainAnalysis(const AnalysisInput& in, v1::ComputeAgreementResponse* response) {
  const RoundData& data = in.data;
  const Codebook& book = in.book;
  const Query& q = in.q;
  response->set_units(in.presence.total_units);
  const Analyzer analyze = [](const agreement::ReliabilityData& d,
                              const agreement::AnalysisOptions& o) {
    return agreement::Analyze(d, o);
  };
  // Pooled over domains at the nominal level: unit = domain x segment.
  std::vector<std::pair<std::vector<int>, std::vector<std::string>>> pooled_rows;
  struct Table {
    const v1::Domain* domain;
    agreement::Level level;
    std::vector<std::string> labels, members;
    DomainCells cells;
  };
  std::vector<Table> tables;
  int64_t bootstrap_rows = 0;
  for (const v1::Domain& domain : book.domains()) {
    if (!q.codes.empty() && !q.codes.count(domain.id())) continue;
    Table& t = tables.emplace_back();
    t.domain = &domain;
    t.level = LevelOf(domain.level());
    const bool numeric =
        t.level == agreement::Level::kInterval || t.level == agreement::Level::kRatio;
    if (!q.icc.empty() && !numeric) {
      return absl::InvalidArgumentError(
          absl::StrCat("coefficients: ", q.first_icc_name,
                       " is an intraclass correlation of interval or ratio ratings, and domain ",
                       domain.id(), " is ", v1::MeasurementLevel_Name(domain.level()),
                       "; choose domains at interval or ratio level with codes"));
    }
    for (const std::string& code : domain.codes()) {
      std::string effective = book.Effective(code);
      if (std::find(t.members.begin(), t.members.end(), effective) != t.members.end()) continue;
      if (numeric) {
        auto it = book.codes().find(effective);
        if (it == book.codes().end() || !it->second.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "domain ", domain.id(), " is ", v1::MeasurementLevel_Name(domain.level()),
              " but code ", effective, " has no value"));
        }
        t.labels.push_back(NumberLabel(it->second.value()));
      } else {
        t.labels.push_back(effective);
      }
      t.members.push_back(std::move(effective));
    }
    std::vector<int> raw_position(data.num_codes(), -1);
    for (int32_t raw = 0; raw < data.num_codes(); ++raw) {
      auto it = std::find(t.members.begin(), t.members.end(), book.Effective(data.code(raw)));
      if (it != t.members.end()) raw_position[raw] = static_cast<int>(it - t.members.begin());
    }
    ICR_ASSIGN_OR_RETURN(t.cells, CollectDomain(in, raw_position));
    // Its row, and the pooled row.
    bootstrap_rows += 2 * kUnitRowCost * static_cast<int64_t>(t.cells.values.size());
  }
  ICR_RETURN_IF_ERROR(CheckBootstrapBudget(q.bootstrap.samples, bootstrap_rows, in.options));
  for (Table& t : tables) {
    const v1::Domain& domain = *t.domain;
    const bool numeric =
        t.level == agreement::Level::kInterval || t.level == agreement::Level::kRatio;
    agreement::ReliabilityData table(static_cast<int64_t>(t.cells.values.size()), q.coder_names);
    for (size_t u = 0; u < t.cells.values.size(); ++u) {
      for (size_t j = 0; j < q.coders.size(); ++j) {
        const int p = t.cells.values[u][j];
        if (p >= 0) {
          table.set_value(static_cast<int64_t>(u), static_cast<int>(j),
                          table.InternValue(t.labels[p]));
        }
      }
    }
    // Categories in the domain's order (numbers: ascending), unused codes
    // included: as `icr stats --order A,B,C` (or without --order for
    // numbers).
    const std::vector<std::string> order = numeric ? std::vector<std::string>{} : t.labels;
    ICR_RETURN_IF_ERROR(table.OrderCategories(order));
    agreement::AnalysisOptions options;
    options.level = t.level;
    options.weights = t.level == agreement::Level::kNominal ? agreement::Weights::kNone : q.weights;
    options.coefficients = ChanceCorrected(q);
    options.bootstrap = q.bootstrap;
    options.analytic = q.analytic;
    options.pairwise = false;
    v1::AgreementRow* row = response->add_rows();
    row->set_key(domain.id());
    row->set_name(domain.name());
    agreement::Analysis analysis;
    ICR_RETURN_IF_ERROR(
        AnalyzeRow(table, options, order, domain.id(), in, analyze, row, &analysis));
    if (q.icc_only) row->clear_coefficients();
    ICR_RETURN_IF_ERROR(AddIcc(table, q, domain.id(), row));
    if (t.cells.several > 0) {
      *row->add_warnings() =
          Warning("several_domain_codes", domain.id(),
                  absl::StrCat(t.cells.several, " times a coder gave a unit more than one code of ",
                               domain.id(),
                               " (its codes exclude each other); the first in domain "
                               "order counts"));
    }
    for (const auto& values : t.cells.values) {
      std::vector<std::string> named;
      for (int p : values) named.push_back(p < 0 ? "" : t.members[p]);
      pooled_rows.emplace_back(values, std::move(named));
    }
  }
  ICR_RETURN_IF_ERROR(in.interrupt.Check());
  agreement::ReliabilityData pooled(static_cast<int64_t>(pooled_rows.size()), q.coder_names);
  for (size_t u = 0; u < pooled_rows.size(); ++u) {
    for (size_t j = 0; j < q.coders.size(); ++j) {
      if (pooled_rows[u].first[j] >= 0) {
        pooled.set_value(static_cast<int64_t>(u), static_cast<int>(j),
                         pooled.InternValue(pooled_rows[u].second[j]));
      }
    }
  }
  // Pooled over domains the values are nominal: no ICC there.
  agreement::AnalysisOptions options;
  options.coefficients = ChanceCorrected(q);
  options.bootstrap = q.icc_only ? agreement::BootstrapOptions{.samples = 0} : q.bootstrap;
  options.analytic = q.analytic;
  ICR_ASSIGN_OR_RETURN(agreement::Analysis all, agreement::Analyze(pooled, options));
  if (q.icc_only) all.coefficients.clear();
  response->mutable_overall()->set_key("overall");
  FillRow(all, response->mutable_overall());
  FillPairwise(all, q.coder_names, response);
  return absl::OkStatus();
}

}  // namespace icr::live
