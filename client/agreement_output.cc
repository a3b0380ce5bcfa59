#include "client/agreement_output.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/output.h"
#include "client/stats/coefficient_format.h"
#include "server/live/coefficient_proto.h"

namespace icr::client {
namespace {

using nlohmann::json;

json Optional(bool has, double value) { return has ? json(value) : json(nullptr); }

json WorkToJson(const v1::WorkCounted& work) {
  return {{"pairs_counted", work.pairs_counted()},
          {"pairs_in_progress", work.pairs_in_progress()},
          {"pairs_not_started", work.pairs_not_started()},
          {"include_unfinished", work.include_unfinished()}};
}

}  // namespace

std::string WorkLine(const v1::WorkCounted& work) {
  return absl::StrCat(
      "counted: ", work.pairs_counted(),
      " (coder, document) pairs; left out: ", work.pairs_in_progress(), " in progress, ",
      work.pairs_not_started(), " not started",
      work.include_unfinished() ? " (in progress counted: --include_unfinished)" : "");
}

std::string UnitsText(const google::protobuf::RepeatedPtrField<std::string>& speakers,
                      const google::protobuf::RepeatedPtrField<std::string>& exclude_speakers) {
  if (!speakers.empty()) return absl::StrCat("the turns of ", absl::StrJoin(speakers, ", "));
  if (!exclude_speakers.empty()) {
    return absl::StrCat("every segment but the turns of ", absl::StrJoin(exclude_speakers, ", "));
  }
  return "every segment";
}

namespace {

json WarningsToJson(const google::protobuf::RepeatedPtrField<v1::AgreementWarning>& warnings) {
  json out = json::array();
  for (const auto& w : warnings) {
    out.push_back({{"kind", w.kind()}, {"subject", w.subject()}, {"message", w.message()}});
  }
  return out;
}

json RowToJson(const v1::AgreementRow& row, const std::string& analysis) {
  json j;
  j["row"] = row.key();
  if (analysis == "code" || analysis == "span") j["code"] = row.key();
  if (analysis == "domain") j["domain"] = row.key();
  j["name"] = row.name();
  j["units"] = row.units();
  j["pairable_values"] = row.pairable_values();
  j["coefficients"] = json::array();
  for (const auto& c : row.coefficients()) {
    j["coefficients"].push_back(CoefficientToJson(live::CoefficientFromProto(c)));
  }
  j["warnings"] = WarningsToJson(row.warnings());
  j["influence"] = json::array();
  for (const auto& i : row.influence()) {
    j["influence"].push_back({{"coder", i.coder()},
                              {"alpha_without", Optional(i.has_alpha_without(), i.alpha_without())},
                              {"change", Optional(i.has_change(), i.change())}});
  }
  return j;
}

// One cell per coefficient: the value, or "undefined".
std::string Cell(const v1::Coefficient& c) {
  return c.has_value() ? FormatNumber(c.value(), 3) : "undefined";
}

// The coefficient names of a table: the overall row's, then those only some
// rows have (the intraclass correlations of interval domains), in order of
// first appearance.
std::vector<std::string> CoefficientNames(const v1::ComputeAgreementResponse& r) {
  std::vector<std::string> names;
  auto add = [&](const v1::AgreementRow& row) {
    for (const auto& c : row.coefficients()) {
      if (std::find(names.begin(), names.end(), c.name()) == names.end()) names.push_back(c.name());
    }
  };
  add(r.overall());
  for (const auto& row : r.rows()) add(row);
  return names;
}

Rows AgreementRows(const v1::ComputeAgreementResponse& r) {
  const std::vector<std::string> names = CoefficientNames(r);
  std::vector<std::string> header = {r.analysis() == "domain" ? "domain" : "code", "units"};
  header.insert(header.end(), names.begin(), names.end());
  header.push_back("warnings");
  Rows rows = {header};
  auto add = [&](const v1::AgreementRow& row) {
    std::vector<std::string> cells = {row.key(), std::to_string(row.units())};
    for (const std::string& name : names) {
      std::string cell;
      for (const auto& c : row.coefficients()) {
        if (c.name() == name) cell = Cell(c);
      }
      cells.push_back(cell);
    }
    std::vector<std::string> kinds;
    for (const auto& w : row.warnings()) {
      if (std::find(kinds.begin(), kinds.end(), w.kind()) == kinds.end()) kinds.push_back(w.kind());
    }
    cells.push_back(absl::StrJoin(kinds, ","));
    rows.push_back(std::move(cells));
  };
  for (const auto& row : r.rows()) add(row);
  add(r.overall());
  return rows;
}

void PrintAgreementText(const GlobalOptions& globals, const v1::ComputeAgreementResponse& r,
                        std::ostream& out) {
  if (globals.output == OutputFormat::kCsv) {
    PrintRows(OutputFormat::kCsv, out, AgreementRows(r));
    return;
  }
  out << "round " << r.round() << " (" << r.round_state() << "), analysis " << r.analysis()
      << ", coders " << absl::StrJoin(r.coders(), ", ") << ", units " << r.units() << " ("
      << UnitsText(r.speakers(), r.exclude_speakers()) << ")\n"
      << WorkLine(r.work()) << "\n\n";
  PrintRows(OutputFormat::kTable, out, AgreementRows(r));
  if (r.pairwise_size() > 0) {
    Rows pairs = {{"coder_a", "coder_b", "units", "percent_agreement", "cohen_kappa"}};
    for (const auto& p : r.pairwise()) {
      pairs.push_back({p.coder_a(), p.coder_b(), std::to_string(p.units()),
                       p.has_percent_agreement() ? FormatNumber(p.percent_agreement(), 3) : "",
                       Cell(p.cohen_kappa())});
    }
    out << "\npairwise (overall)\n";
    PrintRows(OutputFormat::kTable, out, pairs);
  }
  if (r.overall().influence_size() > 0) {
    out << "\nalpha without each coder (overall):";
    for (const auto& i : r.overall().influence()) {
      out << "  " << i.coder() << " "
          << (i.has_alpha_without() ? FormatNumber(i.alpha_without(), 3) : "undefined");
    }
    out << "\n";
  }
  if (r.by_revision_size() > 0) {
    Rows revisions = {{"codebook_revision", "documents", "units", "krippendorff_alpha"}};
    for (const auto& rev : r.by_revision()) {
      std::string alpha;
      for (const auto& c : rev.overall().coefficients()) {
        if (c.name() == "krippendorff_alpha") alpha = Cell(c);
      }
      revisions.push_back({std::to_string(rev.codebook_revision()), std::to_string(rev.documents()),
                           std::to_string(rev.overall().units()), alpha});
    }
    out << "\nby codebook revision\n";
    PrintRows(OutputFormat::kTable, out, revisions);
  }
  if (r.negotiated_size() > 0) {
    Rows negotiated = {{"coder", "cells", "percent_agreement", "cohen_kappa"}};
    for (const auto& n : r.negotiated()) {
      negotiated.push_back({n.coder(), std::to_string(n.units()),
                            n.has_percent_agreement() ? FormatNumber(n.percent_agreement(), 3) : "",
                            Cell(n.cohen_kappa())});
    }
    out << "\neach coder against the consensus (" << r.resolved() << " of " << r.disagreements()
        << " disagreements resolved)\n";
    PrintRows(OutputFormat::kTable, out, negotiated);
  } else if (r.round_state() != "OPEN") {
    out << "\n" << r.disagreements() << " disagreements, " << r.resolved() << " resolved\n";
  }
  std::vector<const v1::AgreementWarning*> warnings;
  for (const auto& row : r.rows()) {
    for (const auto& w : row.warnings()) warnings.push_back(&w);
  }
  for (const auto& w : r.overall().warnings()) warnings.push_back(&w);
  for (const auto& w : r.warnings()) warnings.push_back(&w);
  if (!warnings.empty()) {
    out << "\nwarnings\n";
    for (const auto* w : warnings) out << "  " << w->kind() << ": " << w->message() << "\n";
  }
}

}  // namespace

void PrintAgreement(const GlobalOptions& globals, const v1::ComputeAgreementResponse& r,
                    bool watching, std::ostream& out) {
  if (globals.output == OutputFormat::kJson) {
    // One object per line while watching (JSON Lines), pretty otherwise.
    out << (watching ? AgreementToJson(r).dump() : AgreementToJson(r).dump(2)) << std::endl;
    return;
  }
  if (watching) {
    out << "--- " << FormatTime(r.compute_time()) << " (version " << r.version() << ")\n";
  }
  PrintAgreementText(globals, r, out);
  out << std::flush;
}

json AgreementToJson(const v1::ComputeAgreementResponse& r) {
  json j;
  j["round"] = r.round();
  j["round_state"] = r.round_state();
  j["analysis"] = r.analysis();
  j["level"] = r.level();
  j["coders"] = json(std::vector<std::string>(r.coders().begin(), r.coders().end()));
  j["units"] = r.units();
  j["speakers"] = json(std::vector<std::string>(r.speakers().begin(), r.speakers().end()));
  j["exclude_speakers"] =
      json(std::vector<std::string>(r.exclude_speakers().begin(), r.exclude_speakers().end()));
  j["rows"] = json::array();
  for (const auto& row : r.rows()) j["rows"].push_back(RowToJson(row, r.analysis()));
  j["overall"] = RowToJson(r.overall(), "");
  j["pairwise"] = json::array();
  for (const auto& p : r.pairwise()) {
    json row = {{"coder_a", p.coder_a()},
                {"coder_b", p.coder_b()},
                {"units", p.units()},
                {"percent_agreement", Optional(p.has_percent_agreement(), p.percent_agreement())},
                {"cohen_kappa", Optional(p.cohen_kappa().has_value(), p.cohen_kappa().value())}};
    if (!p.cohen_kappa().has_value()) row["cohen_kappa_reason"] = p.cohen_kappa().reason();
    j["pairwise"].push_back(std::move(row));
  }
  j["warnings"] = WarningsToJson(r.warnings());
  j["by_revision"] = json::array();
  for (const auto& rev : r.by_revision()) {
    json row = RowToJson(rev.overall(), "");
    row["codebook_revision"] = rev.codebook_revision();
    row["documents"] = rev.documents();
    j["by_revision"].push_back(std::move(row));
  }
  j["negotiated"] = json::array();
  for (const auto& n : r.negotiated()) {
    j["negotiated"].push_back(
        {{"coder", n.coder()},
         {"units", n.units()},
         {"percent_agreement", Optional(n.has_percent_agreement(), n.percent_agreement())},
         {"cohen_kappa", CoefficientToJson(live::CoefficientFromProto(n.cohen_kappa()))}});
  }
  j["disagreements"] = r.disagreements();
  j["resolved"] = r.resolved();
  j["version"] = r.version();
  j["compute_micros"] = r.compute_micros();
  j["work"] = WorkToJson(r.work());
  return j;
}

json DisagreementsToJson(const v1::ListDisagreementsResponse& response) {
  json j;
  j["disagreements"] = json::array();
  for (const auto& d : response.disagreements()) {
    json row = {{"id", d.id()},
                {"document", d.document()},
                {"segment", d.segment()},
                {"start", d.start()},
                {"end", d.end()}};
    if (!d.code().empty()) row["code"] = d.code();
    if (!d.domain().empty()) row["domain"] = d.domain();
    row["values"] = json::object();
    for (const auto& [coder, value] : d.values()) row["values"][coder] = value;
    row["suggestion"] = d.suggestion().empty() ? json(nullptr) : json(d.suggestion());
    if (d.has_resolution()) {
      row["resolution"] = {{"value", d.resolution().value()},
                           {"rationale", d.resolution().rationale()},
                           {"resolved_by", d.resolution().resolved_by()},
                           {"replaces", d.resolution().replaces()}};
    }
    j["disagreements"].push_back(std::move(row));
  }
  j["next_page_token"] = response.next_page_token();
  j["work"] = WorkToJson(response.work());
  return j;
}

json ConsensusToJson(const v1::GetConsensusResponse& response) {
  json j;
  j["round"] = response.round();
  j["codings"] = json::array();
  for (const auto& c : response.codings()) {
    json row = {{"document", c.document()},
                {"segment", c.segment()},
                {"code", c.code()},
                {"source", c.source()},
                {"rationale", c.rationale()}};
    if (!c.resolved_by().empty()) row["resolved_by"] = c.resolved_by();
    if (!c.disagreement().empty()) row["disagreement"] = c.disagreement();
    j["codings"].push_back(std::move(row));
  }
  j["unresolved"] =
      json(std::vector<std::string>(response.unresolved().begin(), response.unresolved().end()));
  j["resolved"] = response.resolved();
  return j;
}

}  // namespace icr::client
