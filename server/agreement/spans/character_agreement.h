#ifndef ICR_SERVER_AGREEMENT_SPANS_CHARACTER_AGREEMENT_H_
#define ICR_SERVER_AGREEMENT_SPANS_CHARACTER_AGREEMENT_H_

// Character-level agreement, as NVivo's coding comparison: every code point
// of a document is, for every coder and code, coded (1) or not (0). For a
// pair of coders the code points form a 2x2 table; percent agreement is its
// diagonal share and Cohen's (1960) kappa is computed from it. Tables are
// summed over unordered coder pairs; per code over all documents, overall
// over all codes too.

#include <cstdint>
#include <vector>

#include "server/agreement/coefficient.h"
#include "server/agreement/spans/span_set.h"
#include "server/agreement/spans/unitizing.h"

namespace icr::agreement::spans {

// Code point counts over coder pairs (i < j).
struct CharacterTable {
  int64_t both = 0;
  int64_t first_only = 0;   // coded by i, not j
  int64_t second_only = 0;  // coded by j, not i
  int64_t neither = 0;
  int64_t total() const { return both + first_only + second_only + neither; }
};

// "character_percent_agreement" and "character_kappa" of one table. Kappa is
// undefined when chance agreement is 1 (nobody, or everybody, coded every
// code point).
Coefficient CharacterPercentAgreement(const CharacterTable& t);
Coefficient CharacterKappa(const CharacterTable& t);

struct CharacterAgreementResult {
  CharacterTable overall;
  std::vector<CharacterTable> per_code;
  // Per code, one entry per document where some coder used the code (in
  // the other documents every code point is "not coded" by everyone).
  struct DocumentTable {
    int32_t document = 0;
    CharacterTable table;
  };
  std::vector<std::vector<DocumentTable>> per_code_document;
};

CharacterAgreementResult CharacterAgreement(const PreparedSpans& spans);

}  // namespace icr::agreement::spans

#endif  // ICR_SERVER_AGREEMENT_SPANS_CHARACTER_AGREEMENT_H_
