// The report as Markdown.

#include "server/report/report.h"
#include "server/report/report_internal.h"

namespace icr::report {
namespace {

void MdCoefficientTable(std::ostringstream& out, const std::vector<AgreementRow>& rows,
                        const std::optional<AgreementRow>& overall) {
  out << "| row | units | coefficient | value | 95% interval | interpretation |\n"
      << "|---|---|---|---|---|---|\n";
  auto emit = [&](const AgreementRow& row, bool bold) {
    for (const Coefficient& c : row.coefficients) {
      const std::string label = bold ? "**" + Md(row.label) + "**" : Md(row.label);
      out << "| " << label << " | " << row.units << " | " << c.name << " | " << Md(ValueText(c))
          << " | " << Md(IntervalText(c)) << " | " << Md(Band(c)) << " |\n";
    }
  };
  for (const AgreementRow& row : rows) emit(row, false);
  if (overall) emit(*overall, true);
  out << "\n";
}

void MdAgreement(std::ostringstream& out, const RoundAgreement* agreement) {
  out << "#### Agreement\n\n";
  if (agreement == nullptr) {
    out << "No agreement computed yet for this round.\n\n";
    return;
  }
  out << "Units of analysis: " << agreement->units << ", "
      << Md(UnitsPhrase(agreement->speakers, agreement->exclude_speakers)) << ".\n\n"
      << "Independent coding (before consensus):\n\n"
      << ReliabilityMarkdown(BuildReliabilityTable(*agreement)) << "\n";
  if (!agreement->negotiated.empty() || agreement->negotiated_overall) {
    out << "After consensus (negotiated):\n\n";
    MdCoefficientTable(out, agreement->negotiated, agreement->negotiated_overall);
  }
  if (!agreement->pairwise.empty()) {
    const std::vector<std::string> coders = Coders(agreement->pairwise);
    out << "Pairwise " << agreement->pairwise_coefficient << ":\n\n| |";
    for (const std::string& c : coders) out << " " << Md(c) << " |";
    out << "\n|---|";
    for (size_t i = 0; i < coders.size(); ++i) out << "---|";
    out << "\n";
    for (const std::string& a : coders) {
      out << "| " << Md(a) << " |";
      for (const std::string& b : coders) {
        auto cell = Cell(agreement->pairwise, a, b);
        out << " "
            << (a == b           ? "—"
                : !cell          ? ""
                : (*cell)->value ? Fixed(*(*cell)->value)
                                 : "undefined")
            << " |";
      }
      out << "\n";
    }
    out << "\n";
  }
  out << "Disagreements and their resolution:\n\n";
  if (agreement->resolutions.empty()) {
    out << "None resolved.\n\n";
    return;
  }
  out << "| document | unit | code | values | resolved to | rationale | by | when |\n"
      << "|---|---|---|---|---|---|---|---|\n";
  for (const DisagreementResolution& r : agreement->resolutions) {
    std::vector<std::string> values;
    for (const auto& [coder, value] : r.values) values.push_back(coder + ": " + value);
    out << "| " << Md(r.document) << " | " << Md(r.unit) << " | " << Md(r.code) << " | "
        << Md(Join(values, "; ")) << " | " << Md(r.final_value) << " | " << Md(r.rationale) << " | "
        << Md(r.resolved_by) << " | " << Md(r.time) << " |\n";
  }
  out << "\n";
}

void MdMethods(std::ostringstream& out, const MethodsSection& methods) {
  out << "#### For your methods section\n\n"
      << methods.Paragraph() << "\n\n"
      << "Where each sentence comes from (audit events):\n\n";
  for (size_t i = 0; i < methods.sentences.size(); ++i) {
    out << i + 1 << ". events " << methods.sentences[i].first_event << "\u2013"
        << methods.sentences[i].last_event << "\n";
  }
  out << "\nReferences:\n\n";
  for (const Reference& r : References()) {
    if (std::count(methods.references.begin(), methods.references.end(), r.key)) {
      out << "- " << r.apa << "\n";
    }
  }
  out << "\n";
}

}  // namespace

std::string RenderMarkdown(const ReportData& d) {
  std::ostringstream out;
  out << "# Trustworthiness report: " << d.title << " (" << d.project << ")\n\n"
      << "Generated " << d.generated_time << " from the audit trail's signed head of "
      << d.head.tree_size << " events (see *Audit head* below).\n\n";
  if (!d.description.empty()) out << d.description << "\n\n";
  out << "## Team\n\n| user | role | rounds coded | codings submitted |\n|---|---|---|---|\n";
  for (const TeamMember& m : d.team) {
    out << "| " << Md(m.user) << " | " << m.role << " | " << Md(Join(m.rounds)) << " | "
        << m.codings_submitted << " |\n";
  }
  out << "\n## Codebook (revision " << d.codebook_revision << ")\n\n"
      << "| code | name | parent | definition | state | revision |\n|---|---|---|---|---|---|\n";
  for (const Code& c : d.codes) {
    out << "| " << Md(c.id) << " | " << Md(c.name) << " | " << Md(c.parent) << " | "
        << Md(c.definition) << " | "
        << Md(c.merged_into.empty() ? c.state : c.state + " into " + c.merged_into) << " | "
        << c.revision << " |\n";
  }
  out << "\n### Revisions (from the audit trail)\n\n";
  if (d.codebook_changes.empty()) {
    out << "No codebook changes recorded.\n";
  } else {
    out << "| revision | when | by | change | audit event |\n|---|---|---|---|---|\n";
    for (const CodebookChange& c : d.codebook_changes) {
      out << "| " << c.revision << " | " << c.time << " | " << Md(c.actor) << " | "
          << Md(c.action + ": " + c.summary) << " | " << c.seq << " |\n";
    }
  }
  out << "\n## Rounds\n\n";
  if (d.rounds.empty()) out << "No rounds yet.\n\n";
  for (const Round& r : d.rounds) {
    out << "### Round " << r.id << (r.title.empty() ? "" : ": " + r.title) << "\n\n"
        << "- state: " << r.state << (r.blind ? ", blind" : "") << "\n"
        << "- started from codebook revision " << r.codebook_revision << "\n"
        << "- documents: " << Join(r.documents) << "\n- coders: " << Join(r.coders) << "\n"
        << "- units: " << Md(UnitsPhrase(r.speakers, r.exclude_speakers)) << "\n\n";
    if (!r.history.empty()) {
      out << "| when | what | by | audit event |\n|---|---|---|---|\n";
      for (const RoundEvent& e : r.history) {
        out << "| " << e.time << " | " << Md(e.what) << " | " << Md(e.actor) << " | " << e.seq
            << " |\n";
      }
      out << "\n";
    }
    auto it = d.agreement.find(r.id);
    MdAgreement(out, it == d.agreement.end() ? nullptr : &it->second);
    if (it != d.agreement.end()) MdMethods(out, BuildMethods(d, r, it->second));
  }
  const AuditHead& h = d.head;
  out << "## Audit head\n\n"
      << "| field | value |\n|---|---|\n"
      << "| project | " << h.project << " |\n| tree size (events) | " << h.tree_size << " |\n"
      << "| root hash (SHA-256, RFC 9162) | `" << h.root_hash_hex << "` |\n"
      << "| signed at | " << MillisText(h.timestamp_ms) << " (" << h.timestamp_ms << " ms) |\n"
      << "| Ed25519 signature | `" << h.signature_hex << "` |\n"
      << "| key id (SHA-256 of the public key) | `" << h.key_id << "` |\n\n"
      << "Head line for `--head`:\n\n```\n"
      << HeadLineJson(h).dump() << "\n```\n\n"
      << "Server public key:\n\n```\n"
      << h.public_key_pem << "```\n\n"
      << "### How to verify\n\n"
      << kVerifyText << "\n";
  return out.str();
}

}  // namespace icr::report
