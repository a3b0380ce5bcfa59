#ifndef ICR_SERVER_REPORT_REPORT_H_
#define ICR_SERVER_REPORT_REPORT_H_

// The trustworthiness report (DESIGN §5): the reviewer's document. Pure C++:
// the data is gathered elsewhere (server/report/builder.h) into ReportData,
// and rendered here as Markdown, one self-contained HTML file (inline CSS
// and SVG, prints well), or JSON holding the same numbers.
//
// The agreement section is a plain input: when a round has no
// RoundAgreement, the report says "No agreement computed yet" for it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/agreement/coefficient.h"

namespace icr::report {

struct TeamMember {
  std::string user;
  std::string role;                 // "OWNER", "LEAD", "CODER", "REVIEWER"
  std::vector<std::string> rounds;  // rounds the user codes in
  int64_t codings_submitted = 0;    // codings submitted (own or on behalf), per the trail
};

struct Code {
  std::string id, name, definition, parent, state, merged_into;
  int64_t revision = 0;
};

// One codebook change, as the audit trail records it.
struct CodebookChange {
  int64_t seq = 0;       // audit event
  int64_t revision = 0;  // codebook revision after the change
  std::string time;      // RFC 3339
  std::string actor;
  std::string action;  // "CreateCode", "UpdateCode", "MergeCode", "CreateDomain", ...
  std::string summary;
};

struct RoundEvent {
  std::string time;
  std::string what;  // "created", "advanced to RECONCILING", ...
  std::string actor;
  int64_t seq = 0;
};

struct Round {
  std::string id, title, state;
  bool blind = false;
  int64_t codebook_revision = 0;
  std::vector<std::string> documents, coders;
  // Units by speaker: only these speakers' turns, or every segment but
  // these speakers' turns, are units (both empty: every segment).
  std::vector<std::string> speakers, exclude_speakers;
  std::vector<RoundEvent> history;
  // Audit events of the round's codings and of its resolutions (0: none).
  int64_t first_coding_seq = 0, last_coding_seq = 0;
  int64_t first_resolution_seq = 0, last_resolution_seq = 0;
  std::vector<std::string> resolvers;  // who resolved disagreements
};

// Agreement of one row (a code, a domain, or "overall").
struct AgreementRow {
  std::string label;
  int64_t units = 0;
  std::vector<agreement::Coefficient> coefficients;
};

struct PairCell {
  std::string coder_a, coder_b;
  int64_t units = 0;
  std::optional<double> value;  // undefined: no value
};

struct DisagreementResolution {
  std::string document;
  std::string unit;                           // "segment 3" or "120-188"
  std::string code;                           // code or domain
  std::map<std::string, std::string> values;  // coder -> value
  std::string final_value;
  std::string rationale;
  std::string resolved_by;
  std::string time;
};

struct RoundAgreement {
  // The coefficient charted and shown in the pairwise matrix, e.g.
  // "krippendorff_alpha" and "cohen_kappa".
  std::string headline = "krippendorff_alpha";
  std::string pairwise_coefficient = "cohen_kappa";
  std::vector<AgreementRow> independent;  // per code/domain, before consensus
  std::optional<AgreementRow> independent_overall;
  std::vector<AgreementRow> negotiated;  // after consensus (may be empty)
  std::optional<AgreementRow> negotiated_overall;
  std::vector<PairCell> pairwise;
  std::vector<DisagreementResolution> resolutions;

  // What the tables and the methods paragraph state, in this order
  // (GetReportRequest.coefficients); the first is the headline.
  std::vector<std::string> coefficients = {"krippendorff_alpha"};
  // "bootstrap" or "none", and the bootstrap's replicates and seed.
  std::string interval = "none";
  int bootstrap_samples = 0;
  uint64_t seed = 0;
  // Why an interval that was asked for is missing (empty otherwise).
  std::string interval_note;
  int64_t units = 0;  // the round's units (segments)
  // The speakers whose turns were the units, as the agreement applied them
  // (both empty: every segment).
  std::vector<std::string> speakers, exclude_speakers;
  int64_t disagreements = 0;
  int64_t resolved = 0;
  // (coder, document) pairs counted, and left out as unfinished.
  int64_t pairs_counted = 0, pairs_in_progress = 0, pairs_not_started = 0;
};

struct AuditHead {
  std::string project;
  int64_t tree_size = 0;
  std::string root_hash_hex;
  int64_t timestamp_ms = 0;
  std::string signature_hex;
  std::string key_id;
  std::string public_key_pem;
};

struct ReportData {
  std::string project, title, description;
  std::string generated_time;  // RFC 3339
  int64_t codebook_revision = 0;
  std::vector<TeamMember> team;
  std::vector<Code> codes;
  std::vector<CodebookChange> codebook_changes;
  std::vector<Round> rounds;                        // only the selected one with --round
  std::map<std::string, RoundAgreement> agreement;  // by round id; absent: not computed
  AuditHead head;
};

std::string RenderMarkdown(const ReportData& data);
std::string RenderHtml(const ReportData& data);
std::string RenderJson(const ReportData& data);
// The reliability table of each round with agreement, as journals print it
// (server/report/reliability_table.h).
std::string RenderLatex(const ReportData& data);
std::string RenderCsv(const ReportData& data);

// Interpretation band beside a value (never instead of it): Krippendorff
// (2004) for the alpha family (>= .800 reliable, >= .667 tentative, else
// unreliable); Landis & Koch (1977) for the kappa family; none otherwise.
std::string Band(const agreement::Coefficient& coefficient);

// The SVG charts of the HTML report, self-contained (no scripts, no fonts
// fetched). A bar per row of `coefficient` with its bootstrap interval as a
// whisker and dashed lines at .667 and .800; an undefined value is a labelled
// gap. Empty string when no row has the coefficient.
std::string BarChartSvg(const std::vector<AgreementRow>& rows, const std::string& coefficient);
// A coder x coder heat map of `cells` (symmetric), value printed in each cell.
std::string HeatMapSvg(const std::vector<PairCell>& cells);

}  // namespace icr::report

#endif  // ICR_SERVER_REPORT_REPORT_H_
