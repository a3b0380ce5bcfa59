#include "server/agreement/pairwise.h"

namespace icr::agreement {

std::vector<PairwiseAgreement> PairwiseMatrix(const ReliabilityData& data, Weights weights) {
  std::vector<PairwiseAgreement> out;
  const int coders = data.num_coders();
  for (int a = 0; a < coders; ++a) {
    for (int b = a + 1; b < coders; ++b) {
      PairwiseAgreement p;
      p.coder_a = a;
      p.coder_b = b;
      PairedValues pairs = PairValues(data, a, b);
      p.units = static_cast<int64_t>(pairs.a.size());
      p.cohen_kappa = CohenKappa(pairs, weights);
      if (p.units > 0) {
        int64_t agree = 0;
        for (size_t i = 0; i < pairs.a.size(); ++i) agree += pairs.a[i] == pairs.b[i];
        p.percent_agreement = static_cast<double>(agree) / p.units;
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace icr::agreement
