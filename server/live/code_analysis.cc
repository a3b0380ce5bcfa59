#include "server/live/code_analysis.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/status_macros.h"
#include "server/live/pattern_analysis.h"

namespace icr::live {
namespace {

// The rows of the code analysis and which stored codes feed each.
struct CodeRows {
  std::vector<std::string> keys;           // sorted
  std::vector<int> of_raw;                 // RoundData code id -> row, or -1
  std::vector<std::vector<int32_t>> raws;  // row -> RoundData code ids
};

// Whether each stored code is applied to some unit: with units by speaker,
// a code applied only outside the selected turns has no row.
std::vector<bool> UsedCodes(const RoundData& data, const UnitSelection& units) {
  std::vector<bool> used(data.num_codes(), false);
  for (int32_t raw = 0; raw < data.num_codes(); ++raw) used[raw] = !data.patterns(raw).empty();
  if (units.all()) return used;
  used.assign(data.num_codes(), false);
  for (int d = 0; d < data.num_documents(); ++d) {
    for (int64_t i = 0; i < units.count(d); ++i) {
      for (const RoundData::Entry& e : data.unit(d, units.segment(d, i))) {
        if (e.total() > 0) used[e.code] = true;
      }
    }
  }
  return used;
}

CodeRows MapCodes(const RoundData& data, const Codebook& book, const Query& q,
                  const UnitSelection& units) {
  std::map<std::string, std::vector<int32_t>> by_key;
  const std::vector<bool> used = UsedCodes(data, units);
  for (int32_t raw = 0; raw < data.num_codes(); ++raw) {
    if (!used[raw]) continue;  // every coding of it retracted, or none on a unit
    std::string key = book.Rollup(data.code(raw), q.rollup);
    if (!q.codes.empty() && !q.codes.count(key)) continue;
    by_key[key].push_back(raw);
  }
  for (const std::string& code : q.codes) by_key[code];  // asked for: a row even if unused
  CodeRows rows;
  rows.of_raw.assign(data.num_codes(), -1);
  for (auto& [key, raws] : by_key) {
    for (int32_t raw : raws) rows.of_raw[raw] = static_cast<int>(rows.keys.size());
    rows.keys.push_back(key);
    rows.raws.push_back(std::move(raws));
  }
  return rows;
}

PatternTable EmptyTable(const Presence& presence) { return TableFromPatterns({}, presence); }

// Pattern tables of every row over the documents of `presence`, from the
// units (merges and roll-ups need them: who applied any of a row's codes).
absl::StatusOr<std::vector<PatternTable>> UnitTables(const AnalysisInput& in, const CodeRows& rows,
                                                     const Presence& presence) {
  const RoundData& data = in.data;
  std::vector<PatternTable> tables(rows.keys.size(), EmptyTable(presence));
  // Units with a counted application, per row and present mask, to take
  // from the rows where nobody applied the code.
  std::vector<absl::flat_hash_map<CoderMask, int64_t>> applied_units(rows.keys.size());
  std::vector<CoderMask> acc(rows.keys.size(), 0);
  std::vector<int> touched;
  for (int d = 0; d < data.num_documents(); ++d) {
    const CoderMask present = presence.counted[d];
    if (present == 0) continue;
    const int64_t units = presence.units[d];
    for (int64_t i = 0; i < units; ++i) {
      ICR_RETURN_IF_ERROR(in.interrupt.Poll());
      for (const RoundData::Entry& e : data.unit(d, in.units.segment(d, i))) {
        if (e.total() == 0) continue;
        const int r = rows.of_raw[e.code];
        if (r < 0) continue;
        if (acc[r] == 0) touched.push_back(r);
        acc[r] |= CoderMask{1} << e.coder;
      }
      for (int r : touched) {
        const CoderMask mask =
            (presence.all_coders ? acc[r] : ProjectMask(acc[r], presence.keep)) & present;
        acc[r] = 0;
        if (mask == 0) continue;
        ++tables[r].rows[{present, mask}];
        ++applied_units[r][present];
      }
      touched.clear();
    }
  }
  for (size_t r = 0; r < tables.size(); ++r) {
    for (const auto& [present, n] : applied_units[r]) {
      auto it = tables[r].rows.find({present, CoderMask{0}});
      if ((it->second -= n) == 0) tables[r].rows.erase(it);
    }
  }
  return tables;
}

// The tables of every row: straight from the kept per-code patterns when
// every row is one stored code and every segment is a unit (no unit is
// read), else from the units.
absl::StatusOr<std::vector<PatternTable>> Tables(const AnalysisInput& in, const CodeRows& rows,
                                                 const Presence& presence) {
  bool one_to_one = true;
  for (const auto& raws : rows.raws) one_to_one = one_to_one && raws.size() <= 1;
  if (!one_to_one || !in.units.all()) return UnitTables(in, rows, presence);
  std::vector<PatternTable> tables;
  tables.reserve(rows.keys.size());
  for (const auto& raws : rows.raws) {
    tables.push_back(raws.empty() ? EmptyTable(presence)
                                  : TableFromPatterns(in.data.patterns(raws[0]), presence));
  }
  return tables;
}

// Diagnostics of one binary row (DESIGN §3; the list).
absl::Status BinaryWarnings(const PatternTable& table, const std::string& key,
                            const std::vector<std::string>& coders, const LiveOptions& options,
                            v1::AgreementRow* row) {
  ICR_ASSIGN_OR_RETURN(
      const agreement::Analysis diag,
      AnalyzePatterns(table, {"krippendorff_alpha", "gwet_ac1"}, /*pairwise=*/false));
  const std::optional<double> alpha = FindValue(diag, "krippendorff_alpha");
  const std::optional<double> ac1 = FindValue(diag, "gwet_ac1");
  const double prevalence = table.Prevalence();
  if (table.coders >= 2 && table.units > 0 && prevalence > 0 && prevalence < 1 &&
      (prevalence < options.rare_prevalence || prevalence > 1 - options.rare_prevalence) &&
      // Where kappa and alpha stay close to AC1 the paradox does not bite.
      (!alpha || !ac1 || *ac1 - *alpha >= 0.05)) {
    *row->add_warnings() =
        Warning("kappa_paradox", key,
                absl::StrCat(key, " is applied in ", Fixed(100 * prevalence, 1),
                             "% of the values: ", "kappa and alpha are unstable at so ",
                             prevalence < 0.5 ? "rare" : "common", " a code (the kappa paradox); ",
                             "Gwet's AC1 = ", ac1 ? Fixed(*ac1) : "undefined",
                             " beside alpha = ", alpha ? Fixed(*alpha) : "undefined"));
  }
  const std::vector<std::optional<double>> without = AlphaWithoutEachCoder(table);
  InfluenceOf(without, alpha, coders, row);
  for (size_t j = 0; j < without.size(); ++j) {
    if (alpha && without[j] && *without[j] - *alpha >= options.influence_change) {
      *row->add_warnings() =
          Warning("coder_influence", key,
                  absl::StrCat("without ", coders[j], " alpha on ", key, " rises from ",
                               Fixed(*alpha), " to ", Fixed(*without[j]), ": ", coders[j],
                               " applies it differently from the others"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CodeAnalysis(const AnalysisInput& in, v1::ComputeAgreementResponse* response) {
  const RoundData& data = in.data;
  const Query& q = in.q;
  const LiveOptions& options = in.options;
  const CodeRows rows = MapCodes(data, in.book, q, in.units);
  ICR_ASSIGN_OR_RETURN(const std::vector<PatternTable> tables, Tables(in, rows, in.presence));
  PatternTable pooled = EmptyTable(in.presence);
  pooled.rows.clear();
  pooled.units = 0;
  for (const PatternTable& t : tables) pooled.Add(t);
  if (q.bootstrap.samples > 0) {
    // Every row is resampled, and the pooled table once more. A table's
    // replicate costs about as much as this many pattern rows whatever its
    // size (drawing, and computing each coefficient once), so small tables
    // count at least that much.
    constexpr int64_t kTableRows = 64;
    int64_t bootstrap_rows = pooled.pattern_rows() + kTableRows;
    for (const PatternTable& t : tables) bootstrap_rows += t.pattern_rows() + kTableRows;
    ICR_RETURN_IF_ERROR(CheckBootstrapBudget(q.bootstrap.samples, bootstrap_rows, options));
  }
  const int64_t units = in.presence.total_units;
  response->set_units(units);
  // Every row has the same units: one warning for the table.
  if (q.coders.size() >= 2 && units < options.few_units) {
    *response->add_warnings() =
        Warning("too_few_units", "",
                absl::StrCat("only ", units, " units: too few for a stable alpha (aim for ",
                             options.few_units, " or more; --bootstrap shows the interval)"));
  }
  for (size_t r = 0; r < rows.keys.size(); ++r) {
    v1::AgreementRow* row = response->add_rows();
    row->set_key(rows.keys[r]);
    auto code = in.book.codes().find(rows.keys[r]);
    if (code != in.book.codes().end()) row->set_name(code->second.name());
    ICR_ASSIGN_OR_RETURN(const agreement::Analysis a,
                         AnalyzePatterns(tables[r], q.names, /*pairwise=*/false, q.bootstrap,
                                         in.interrupt, q.analytic));
    FillRow(a, row);
    ICR_RETURN_IF_ERROR(BinaryWarnings(tables[r], rows.keys[r], q.coder_names, options, row));
  }
  // The overall row pools every row's units (unit = code x segment).
  v1::AgreementRow* overall = response->mutable_overall();
  overall->set_key("overall");
  ICR_ASSIGN_OR_RETURN(
      const agreement::Analysis all,
      AnalyzePatterns(pooled, q.names, /*pairwise=*/true, q.bootstrap, in.interrupt, q.analytic));
  FillRow(all, overall);
  FillPairwise(all, q.coder_names, response);
  if (!rows.keys.empty()) {
    ICR_ASSIGN_OR_RETURN(const agreement::Analysis diag,
                         AnalyzePatterns(pooled, {"krippendorff_alpha"}, false));
    const std::optional<double> alpha = FindValue(diag, "krippendorff_alpha");
    const std::vector<std::optional<double>> without = AlphaWithoutEachCoder(pooled);
    InfluenceOf(without, alpha, q.coder_names, overall);
    for (size_t j = 0; j < without.size(); ++j) {
      if (alpha && without[j] && *without[j] - *alpha >= options.influence_change) {
        *response->add_warnings() = Warning(
            "coder_influence", q.coder_names[j],
            absl::StrCat("without ", q.coder_names[j], " overall alpha rises from ", Fixed(*alpha),
                         " to ", Fixed(*without[j]), ": look at ", q.coder_names[j],
                         "'s codings and the codebook definitions they rely on"));
      }
    }
  }

  // Agreement by codebook revision: a document counts under the latest
  // revision its codings were made under.
  std::map<int64_t, std::vector<int>> by_revision;
  for (int d : q.documents) {
    const auto& revisions = data.revisions(d);
    if (!revisions.empty()) by_revision[revisions.rbegin()->first].push_back(d);
  }
  if (by_revision.size() > 1) {
    std::vector<std::string> listed;
    for (const auto& [revision, documents] : by_revision) {
      Presence part = in.presence;
      part.total_units = 0;
      std::vector<bool> in_part(data.num_documents(), false);
      for (int d : documents) in_part[d] = true;
      for (int d = 0; d < data.num_documents(); ++d) {
        if (!in_part[d]) part.counted[d] = 0;
        if (in_part[d]) part.total_units += part.units[d];
      }
      ICR_ASSIGN_OR_RETURN(const std::vector<PatternTable> tables_of_part, Tables(in, rows, part));
      PatternTable sum;
      sum.coders = static_cast<int>(q.coders.size());
      for (const PatternTable& t : tables_of_part) sum.Add(t);
      v1::RevisionAgreement* r = response->add_by_revision();
      r->set_codebook_revision(revision);
      r->set_documents(static_cast<int64_t>(documents.size()));
      r->mutable_overall()->set_key(absl::StrCat("revision ", revision));
      ICR_ASSIGN_OR_RETURN(const agreement::Analysis a, AnalyzePatterns(sum, q.names, false));
      FillRow(a, r->mutable_overall());
      ICR_ASSIGN_OR_RETURN(const agreement::Analysis alpha_only,
                           AnalyzePatterns(sum, {"krippendorff_alpha"}, false));
      const std::optional<double> alpha = FindValue(alpha_only, "krippendorff_alpha");
      listed.push_back(absl::StrCat("revision ", revision, " (", documents.size(),
                                    " documents): alpha ", alpha ? Fixed(*alpha) : "undefined"));
    }
    *response->add_warnings() = Warning(
        "codebook_revisions", "",
        absl::StrCat("the codings were made under ", by_revision.size(),
                     " codebook revisions: ", absl::StrJoin(listed, "; "), " (see by_revision)"));
  }
  return absl::OkStatus();
}

}  // namespace icr::live
