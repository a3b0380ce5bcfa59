#ifndef ICR_SERVER_REPORT_METHODS_H_
#define ICR_SERVER_REPORT_METHODS_H_

// "For your methods section": a paragraph, generated from the report's own
// data, that says in plain academic English what was done in a round — who
// coded how much independently with which codebook, the agreement the team
// chose to report with its intervals and thresholds, how disagreements were
// settled, and how a reader verifies the audit trail — each sentence tied
// to the audit events it rests on, with its references in APA 7 style.
// Every number is taken from the same ReportData the tables print.

#include <string>
#include <vector>

#include "server/report/report.h"

namespace icr::report {

struct MethodsSentence {
  std::string text;
  // The audit events the sentence rests on, [first, last] (by sequence).
  int64_t first_event = 0;
  int64_t last_event = 0;
};

struct MethodsSection {
  std::string round;
  std::vector<MethodsSentence> sentences;
  // Keys of References(), in reference-list order.
  std::vector<std::string> references;

  std::string Paragraph() const;
};

// What the units of analysis were, as a phrase: "the documents'
// segments", "the speaker turns of P12 and P13", or "the documents'
// segments other than the turns of Interviewer".
std::string UnitsPhrase(const std::vector<std::string>& speakers,
                        const std::vector<std::string>& exclude_speakers);

MethodsSection BuildMethods(const ReportData& data, const Round& round,
                            const RoundAgreement& agreement);

}  // namespace icr::report

#endif  // ICR_SERVER_REPORT_METHODS_H_
