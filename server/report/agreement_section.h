#ifndef ICR_SERVER_REPORT_AGREEMENT_SECTION_H_
#define ICR_SERVER_REPORT_AGREEMENT_SECTION_H_

// The report's agreement section for one round, from the live agreement the
// server keeps: per-code agreement before consensus, the overall row, the
// coder-pair matrix, each coder against the consensus, and the resolved
// disagreements with their rationales.

#include <string>

#include "absl/status/statusor.h"
#include "server/coding/codings.h"
#include "server/live/live_agreement.h"
#include "server/report/report.h"

namespace icr::report {

// Fills a RoundAgreement as `caller` may see it. FAILED_PRECONDITION or
// PERMISSION_DENIED when the round's agreement is not for this caller yet
// (the blind rules); the report then says it is not available.
absl::StatusOr<RoundAgreement> AgreementSection(live::LiveAgreement& live,
                                                const coding::Caller& caller,
                                                const std::string& project,
                                                const std::string& round);

}  // namespace icr::report

#endif  // ICR_SERVER_REPORT_AGREEMENT_SECTION_H_
