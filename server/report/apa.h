#ifndef ICR_SERVER_REPORT_APA_H_
#define ICR_SERVER_REPORT_APA_H_

// How a paper prints agreement (APA 7, Publication Manual §6.36): numbers
// that cannot exceed one in absolute value (every agreement coefficient)
// without the leading zero and to three decimals; counts with thousands
// separators; each coefficient by its usual symbol and with the work that
// defines it, in the reference list's APA style.

#include <optional>
#include <string>
#include <vector>

namespace icr::report {

// ".812", "−.053", "1.000" (U+2212 for the minus sign).
std::string ApaCoefficient(double value);
// "[.701, .902]".
std::string ApaInterval(double low, double high);
// "1,234".
std::string ApaCount(int64_t count);

struct CoefficientInfo {
  std::string name;                     // machine name, "krippendorff_alpha"
  std::string symbol;                   // "α"
  std::string latex;                    // "$\alpha$"
  std::string label;                    // "Krippendorff's α"
  std::string citation;                 // "Krippendorff, 2011", the in-text citation
  std::vector<std::string> references;  // keys of References()
};

// What the report says about `name`; a plain entry for an unknown name.
CoefficientInfo InfoFor(const std::string& name);

struct Reference {
  std::string key;  // "krippendorff2011"
  std::string apa;  // the entry, APA 7
};

// Every work the report may cite, in reference-list order (by author).
const std::vector<Reference>& References();

}  // namespace icr::report

#endif  // ICR_SERVER_REPORT_APA_H_
