#include "server/report/apa.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace icr::report {

std::string ApaCoefficient(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f", std::fabs(value));
  std::string text = buffer;
  if (text.rfind("0.", 0) == 0) text = text.substr(1);
  // A value that rounds to zero has no sign.
  if (value < 0 && text != ".000") text = "\u2212" + text;
  return text;
}

std::string ApaInterval(double low, double high) {
  return "[" + ApaCoefficient(low) + ", " + ApaCoefficient(high) + "]";
}

std::string ApaCount(int64_t count) {
  std::string digits = std::to_string(count < 0 ? -count : count);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return count < 0 ? "-" + out : out;
}

CoefficientInfo InfoFor(const std::string& name) {
  static const std::map<std::string, CoefficientInfo> kInfo = {
      {"krippendorff_alpha",
       {"krippendorff_alpha",
        "\u03b1",
        "$\\alpha$",
        "Krippendorff's \u03b1",
        "Krippendorff, 2011",
        {"krippendorff2011"}}},
      {"cohen_kappa",
       {"cohen_kappa", "\u03ba", "$\\kappa$", "Cohen's \u03ba", "Cohen, 1960", {"cohen1960"}}},
      {"fleiss_kappa",
       {"fleiss_kappa",
        "\u03ba",
        "Fleiss' $\\kappa$",
        "Fleiss' \u03ba",
        "Fleiss, 1971; Gwet, 2014",
        {"fleiss1971", "gwet2014"}}},
      {"scott_pi",
       {"scott_pi", "\u03c0", "$\\pi$", "Scott's \u03c0", "Scott, 1955", {"scott1955"}}},
      {"gwet_ac1", {"gwet_ac1", "AC1", "AC$_1$", "Gwet's AC1", "Gwet, 2014", {"gwet2014"}}},
      {"gwet_ac2", {"gwet_ac2", "AC2", "AC$_2$", "Gwet's AC2", "Gwet, 2014", {"gwet2014"}}},
      {"brennan_prediger",
       {"brennan_prediger",
        "\u03ba\u2099",
        "$\\kappa_n$",
        "Brennan and Prediger's \u03ba\u2099",
        "Brennan & Prediger, 1981",
        {"brennan1981"}}},
      {"percent_agreement", {"percent_agreement", "%", "\\%", "percent agreement", "", {}}},
  };
  auto it = kInfo.find(name);
  if (it != kInfo.end()) return it->second;
  return {name, name, name, name, "", {}};
}

const std::vector<Reference>& References() {
  static const std::vector<Reference> kReferences = {
      {"brennan1981",
       "Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and "
       "alternatives. *Educational and Psychological Measurement, 41*(3), 687\u2013699. "
       "https://doi.org/10.1177/001316448104100307"},
      {"cohen1960",
       "Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and "
       "Psychological Measurement, 20*(1), 37\u201346. https://doi.org/10.1177/001316446002000104"},
      {"fleiss1971",
       "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. "
       "*Psychological Bulletin, 76*(5), 378\u2013382. https://doi.org/10.1037/h0031619"},
      {"gwet2008",
       "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence "
       "of high agreement. *British Journal of Mathematical and Statistical Psychology, 61*(1), "
       "29\u201348. https://doi.org/10.1348/000711006X126600"},
      {"gwet2014",
       "Gwet, K. L. (2014). *Handbook of inter-rater reliability* (4th ed.). Advanced "
       "Analytics."},
      {"hayes2007",
       "Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability "
       "measure for coding data. *Communication Methods and Measures, 1*(1), 77\u201389. "
       "https://doi.org/10.1080/19312450709336664"},
      {"krippendorff2011",
       "Krippendorff, K. (2011). *Computing Krippendorff's alpha-reliability*. Annenberg School "
       "for Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43"},
      {"krippendorff2019",
       "Krippendorff, K. (2019). *Content analysis: An introduction to its methodology* (4th "
       "ed.). SAGE. https://doi.org/10.4135/9781071878781"},
      {"landis1977",
       "Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement for "
       "categorical data. *Biometrics, 33*(1), 159\u2013174. https://doi.org/10.2307/2529310"},
      {"laurie2021",
       "Laurie, B., Messeri, E., & Stradling, R. (2021). *Certificate Transparency version 2.0* "
       "(RFC 9162). RFC Editor. https://doi.org/10.17487/RFC9162"},
      {"oconnor2020",
       "O'Connor, C., & Joffe, H. (2020). Intercoder reliability in qualitative research: "
       "Debates and practical guidelines. *International Journal of Qualitative Methods, 19*. "
       "https://doi.org/10.1177/1609406919899220"},
      {"scott1955",
       "Scott, W. A. (1955). Reliability of content analysis: The case of nominal scale coding. "
       "*Public Opinion Quarterly, 19*(3), 321\u2013325. https://doi.org/10.1086/266577"},
  };
  return kReferences;
}

}  // namespace icr::report
