#include "client/span_stats/span_stats.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/csv_reader.h"
#include "client/stats/coefficient_format.h"
#include "nlohmann/json.hpp"
#include "server/agreement/spans/span_agreement.h"
#include "server/common/status_macros.h"

namespace icr::client {
namespace {

using agreement::Coefficient;
using agreement::spans::SpanAgreement;
using agreement::spans::SpanSet;

absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Column positions from a header record; every name in `required` must be
// present (other columns are ignored).
absl::StatusOr<std::vector<size_t>> Columns(const std::string& path, const CsvRecord& header,
                                            const std::vector<std::string>& required) {
  std::vector<size_t> positions;
  for (const std::string& name : required) {
    size_t found = header.fields.size();
    for (size_t k = 0; k < header.fields.size(); ++k) {
      if (header.fields[k] == name) found = k;
    }
    if (found == header.fields.size()) {
      std::string expected;
      for (const auto& r : required) absl::StrAppend(&expected, expected.empty() ? "" : ",", r);
      return CsvError(path, header.line,
                      absl::StrCat("missing column '", name, "' (expected header ", expected, ")"));
    }
    positions.push_back(found);
  }
  return positions;
}

absl::StatusOr<int64_t> NonNegative(const std::string& path, int64_t line, const char* what,
                                    std::string_view text) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(ToAbsl(text), &value) || value < 0) {
    return CsvError(path, line,
                    absl::StrCat(what, " '", ToAbsl(text), "' is not a non-negative integer"));
  }
  return value;
}

absl::Status CheckFieldCount(const std::string& path, const CsvRecord& r, size_t header_fields) {
  if (r.fields.size() != header_fields) {
    return CsvError(path, r.line,
                    absl::StrCat("expected ", header_fields, " fields, got ", r.fields.size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<SpanSet> ReadSpanSet(const SpanStatsOptions& options) {
  SpanSet set;
  absl::flat_hash_map<std::string, int32_t> documents, coders, codes;

  const std::string& lpath = options.lengths_path;
  std::vector<size_t> lcols;
  size_t lfields = 0;
  ICR_RETURN_IF_ERROR(ReadCsvFile(lpath, [&](const CsvRecord& r) -> absl::Status {
    if (r.line == 1 && lcols.empty()) {
      ICR_ASSIGN_OR_RETURN(lcols, Columns(lpath, r, {"document", "length"}));
      lfields = r.fields.size();
      return absl::OkStatus();
    }
    ICR_RETURN_IF_ERROR(CheckFieldCount(lpath, r, lfields));
    std::string name(r.fields[lcols[0]]);
    if (name.empty()) return CsvError(lpath, r.line, "empty document name");
    ICR_ASSIGN_OR_RETURN(int64_t length, NonNegative(lpath, r.line, "length", r.fields[lcols[1]]));
    if (!documents.emplace(name, static_cast<int32_t>(set.documents.size())).second) {
      return CsvError(lpath, r.line, absl::StrCat("document '", name, "' listed twice"));
    }
    set.documents.push_back(std::move(name));
    set.lengths.push_back(length);
    return absl::OkStatus();
  }));
  if (lcols.empty()) return CsvError(lpath, 1, "empty file (expected header document,length)");

  const std::string& spath = options.spans_path;
  for (const std::string& coder : options.coders) {
    if (coder.empty()) return absl::InvalidArgumentError("--coders: an empty coder name");
    if (!coders.emplace(coder, static_cast<int32_t>(set.coders.size())).second) {
      return absl::InvalidArgumentError(absl::StrCat("--coders: '", coder, "' twice"));
    }
    set.coders.push_back(coder);
  }
  std::vector<size_t> scols;
  size_t sfields = 0;
  auto intern = [](absl::flat_hash_map<std::string, int32_t>& index,
                   std::vector<std::string>& names, std::string_view name) {
    auto [it, inserted] = index.emplace(std::string(name), static_cast<int32_t>(names.size()));
    if (inserted) names.emplace_back(name);
    return it->second;
  };
  ICR_RETURN_IF_ERROR(ReadCsvFile(spath, [&](const CsvRecord& r) -> absl::Status {
    if (r.line == 1 && scols.empty()) {
      ICR_ASSIGN_OR_RETURN(scols, Columns(spath, r, {"document", "coder", "code", "start", "end"}));
      sfields = r.fields.size();
      return absl::OkStatus();
    }
    ICR_RETURN_IF_ERROR(CheckFieldCount(spath, r, sfields));
    const std::string_view document = r.fields[scols[0]];
    const std::string_view coder = r.fields[scols[1]];
    const std::string_view code = r.fields[scols[2]];
    auto doc = documents.find(ToAbsl(document));
    if (doc == documents.end()) {
      return CsvError(
          spath, r.line,
          absl::StrCat("unknown document '", ToAbsl(document), "' (not in ", lpath, ")"));
    }
    if (coder.empty()) return CsvError(spath, r.line, "empty coder");
    if (!options.coders.empty() && !coders.contains(ToAbsl(coder))) {
      return CsvError(spath, r.line,
                      absl::StrCat("coder '", ToAbsl(coder), "' is not in --coders"));
    }
    if (code.empty()) return CsvError(spath, r.line, "empty code");
    ICR_ASSIGN_OR_RETURN(int64_t start, NonNegative(spath, r.line, "start", r.fields[scols[3]]));
    ICR_ASSIGN_OR_RETURN(int64_t end, NonNegative(spath, r.line, "end", r.fields[scols[4]]));
    if (start >= end) {
      return CsvError(
          spath, r.line,
          absl::StrCat("start ", start, " is not before end ", end, " (end is exclusive)"));
    }
    const int64_t length = set.lengths[doc->second];
    if (end > length) {
      return CsvError(spath, r.line,
                      absl::StrCat("span [", start, ", ", end, ") lies outside document '",
                                   ToAbsl(document), "' of length ", length));
    }
    agreement::spans::Span s;
    s.document = doc->second;
    s.coder = intern(coders, set.coders, coder);
    s.code = intern(codes, set.codes, code);
    s.start = start;
    s.end = end;
    set.spans.push_back(s);
    return absl::OkStatus();
  }));
  if (scols.empty()) {
    return CsvError(spath, 1, "empty file (expected header document,coder,code,start,end)");
  }
  return set;
}

nlohmann::json CoefficientsJson(const std::vector<Coefficient>& coefficients) {
  nlohmann::json array = nlohmann::json::array();
  for (const Coefficient& c : coefficients) array.push_back(CoefficientToJson(c));
  return array;
}

void PrintJson(const SpanAgreement& r, const SpanStatsOptions& options, std::ostream& out) {
  nlohmann::json j;
  j["analysis"] = "span";
  j["documents"] = r.documents;
  j["coders"] = r.coders;
  j["codes"] = r.codes;
  j["continuum_length"] = r.continuum_length;
  j["spans"] = r.input_spans;
  j["merged_spans"] = r.merged_away;
  j["multi_coded_points"] = r.multi_coded_points;
  j["overlap"] = {{"threshold", options.overlap},
                  {"rule", options.overlap_of_either ? "of_either" : "of_longer"}};
  j["matched_segments"] = r.matched_segments;
  j["unmatched_segments"] = r.unmatched_segments;
  j["coefficients"] = CoefficientsJson(r.coefficients);
  j["per_code"] = nlohmann::json::array();
  for (const auto& code : r.per_code) {
    nlohmann::json row;
    row["code"] = code.code;
    row["spans"] = code.spans;
    row["matched_segments"] = code.matched_segments;
    row["unmatched_segments"] = code.unmatched_segments;
    row["coefficients"] = CoefficientsJson(code.coefficients);
    row["documents"] = nlohmann::json::array();
    for (const auto& d : code.documents) {
      row["documents"].push_back(
          {{"document", d.document}, {"coefficients", CoefficientsJson(d.coefficients)}});
    }
    j["per_code"].push_back(std::move(row));
  }
  j["notes"] = r.notes;
  out << j.dump(2) << "\n";
}

std::vector<std::vector<std::string>> Rows(const SpanAgreement& r, bool with_documents) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"scope", "code", "document"};
  for (auto& h : CoefficientTableHeader()) header.push_back(h);
  rows.push_back(std::move(header));
  auto add = [&rows](const char* scope, const std::string& code, const std::string& document,
                     const std::vector<Coefficient>& coefficients) {
    for (const Coefficient& c : coefficients) {
      std::vector<std::string> row = {scope, code, document};
      for (auto& cell : CoefficientTableRow(c)) row.push_back(std::move(cell));
      rows.push_back(std::move(row));
    }
  };
  add("overall", "", "", r.coefficients);
  for (const auto& code : r.per_code) {
    add("code", code.code, "", code.coefficients);
    if (!with_documents) continue;
    for (const auto& d : code.documents) add("document", code.code, d.document, d.coefficients);
  }
  return rows;
}

void PrintTable(const SpanAgreement& r, std::ostream& out) {
  out << "Free-span agreement: " << r.coders << " coders, " << r.documents << " documents ("
      << r.continuum_length << " code points), " << r.codes << " codes, " << r.input_spans
      << " spans (" << r.merged_away << " merged into overlapping ones)\n";
  out << "Segments: " << r.matched_segments << " matched, " << r.unmatched_segments
      << " unmatched\n\n";
  out << FormatTable(Rows(r, /*with_documents=*/false));
  out << "\nPer code segments:\n";
  std::vector<std::vector<std::string>> counts = {{"code", "spans", "matched", "unmatched"}};
  for (const auto& code : r.per_code) {
    counts.push_back({code.code, absl::StrCat(code.spans), absl::StrCat(code.matched_segments),
                      absl::StrCat(code.unmatched_segments)});
  }
  out << FormatTable(counts);
  out << "\nNotes:\n";
  for (const auto& note : r.notes) out << "- " << note << "\n";
}

}  // namespace

int RunSpanStats(const SpanStatsOptions& options, const GlobalOptions& globals, std::ostream& out,
                 std::ostream& err) {
  if (options.spans_path.empty() || options.lengths_path.empty()) {
    err << "icr stats: --spans and --lengths are both required\n";
    return kExitUsageError;
  }
  if (options.bootstrap < 0) {
    err << "icr stats: --bootstrap must be 0 or more\n";
    return kExitUsageError;
  }
  if (!(options.confidence > 0 && options.confidence < 1)) {
    err << "icr stats: --confidence " << options.confidence << " must lie between 0 and 1\n";
    return kExitUsageError;
  }
  if (!(options.overlap > 0 && options.overlap <= 1)) {
    err << "icr stats: --overlap " << options.overlap << " must lie in (0, 1]\n";
    return kExitUsageError;
  }
  absl::StatusOr<SpanSet> set = ReadSpanSet(options);
  if (!set.ok()) {
    err << set.status().message() << "\n";
    return kExitUsageError;
  }
  agreement::spans::SpanAgreementOptions compute;
  compute.matching.threshold = options.overlap;
  compute.matching.rule = options.overlap_of_either ? agreement::spans::OverlapRule::kOfEither
                                                    : agreement::spans::OverlapRule::kOfLonger;
  compute.bootstrap.samples = options.bootstrap;
  compute.bootstrap.seed = options.seed;
  compute.bootstrap.confidence = options.confidence;
  absl::StatusOr<SpanAgreement> result = agreement::spans::ComputeSpanAgreement(*set, compute);
  if (!result.ok()) {  // input already validated; kept for safety
    err << result.status().message() << "\n";
    return kExitUsageError;
  }
  switch (globals.output) {
    case OutputFormat::kJson:
      PrintJson(*result, options, out);
      break;
    case OutputFormat::kCsv:
      out << FormatCsv(Rows(*result, /*with_documents=*/true));
      break;
    case OutputFormat::kTable:
      PrintTable(*result, out);
      break;
  }
  return kExitOk;
}

}  // namespace icr::client
