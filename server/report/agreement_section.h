#ifndef ICR_SERVER_REPORT_AGREEMENT_SECTION_H_
#define ICR_SERVER_REPORT_AGREEMENT_SECTION_H_

// The report's agreement section for one round, from the live agreement the
// server keeps: per-code agreement before consensus, the overall row, the
// coder-pair matrix, each coder against the consensus, and the resolved
// disagreements with their rationales.

#include <string>

#include "absl/status/statusor.h"
#include "server/coding/codings.h"
#include "server/common/caller.h"
#include "server/live/live_agreement.h"
#include "server/report/report.h"

namespace icr::report {

// Fills a RoundAgreement as `caller` may see it. FAILED_PRECONDITION or
// PERMISSION_DENIED when the round's agreement is not for this caller yet
// (the blind rules); the report then says it is not available.
struct SectionOptions {
  // The coefficients the tables and the methods paragraph report, in order;
  // empty: krippendorff_alpha, then cohen_kappa (two coders) or
  // fleiss_kappa (more), then percent_agreement.
  std::vector<std::string> coefficients;
  // "bootstrap" or "none".
  std::string interval = "bootstrap";
  int bootstrap = 1000;
  uint64_t seed = 0;
};

// INVALID_ARGUMENT naming the field for an unknown coefficient or interval.
absl::Status ValidateSectionOptions(const SectionOptions& options);

absl::StatusOr<RoundAgreement> AgreementSection(live::LiveAgreement& live,
                                                const common::Caller& caller,
                                                const std::string& project,
                                                const std::string& round,
                                                const SectionOptions& options = {});

}  // namespace icr::report

#endif  // ICR_SERVER_REPORT_AGREEMENT_SECTION_H_
