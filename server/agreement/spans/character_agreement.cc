#include "server/agreement/spans/character_agreement.h"

#include <algorithm>

namespace icr::agreement::spans {
namespace {

void Add(CharacterTable& to, const CharacterTable& t) {
  to.both += t.both;
  to.first_only += t.first_only;
  to.second_only += t.second_only;
  to.neither += t.neither;
}

int64_t TotalLength(const Interval* begin, const Interval* end) {
  int64_t sum = 0;
  for (const Interval* u = begin; u != end; ++u) sum += u->length();
  return sum;
}

int64_t IntersectionLength(const Interval* a, const Interval* a_end, const Interval* b,
                           const Interval* b_end) {
  int64_t sum = 0;
  while (a != a_end && b != b_end) {
    sum += std::max<int64_t>(0, std::min(a->end, b->end) - std::max(a->start, b->start));
    if (a->end < b->end) {
      ++a;
    } else {
      ++b;
    }
  }
  return sum;
}

}  // namespace

Coefficient CharacterPercentAgreement(const CharacterTable& t) {
  constexpr char kName[] = "character_percent_agreement";
  if (t.total() == 0) return Coefficient::Undefined(kName, "zero-length continuum or one coder");
  Coefficient c;
  c.name = kName;
  c.value = static_cast<double>(t.both + t.neither) / static_cast<double>(t.total());
  c.observed = *c.value;
  return c;
}

Coefficient CharacterKappa(const CharacterTable& t) {
  constexpr char kName[] = "character_kappa";
  if (t.total() == 0) return Coefficient::Undefined(kName, "zero-length continuum or one coder");
  const long double n = static_cast<long double>(t.total());
  const long double po = (t.both + t.neither) / n;
  const long double p1 = (t.both + t.first_only) / n;
  const long double p2 = (t.both + t.second_only) / n;
  const long double pe = p1 * p2 + (1 - p1) * (1 - p2);
  Coefficient c;
  c.name = kName;
  c.observed = static_cast<double>(po);
  c.expected = static_cast<double>(pe);
  c.variant = "cohen_1960";
  if (pe >= 1) {
    c.reason = p1 == 0 ? "no code point coded by any coder" : "every code point coded by every coder";
  } else {
    c.value = static_cast<double>((po - pe) / (1 - pe));
  }
  return c;
}

CharacterAgreementResult CharacterAgreement(const PreparedSpans& p) {
  const int m = p.num_coders();
  const int64_t pairs = static_cast<int64_t>(m) * (m - 1) / 2;
  CharacterAgreementResult r;
  r.per_code.assign(p.num_codes(), {});
  r.per_code_document.assign(p.num_codes(), {});
  std::vector<int64_t> coded_length(m);
  for (int code = 0; code < p.num_codes(); ++code) {
    int64_t covered_documents_length = 0;
    for (size_t gi = p.CodeBegin(code); gi < p.CodeEnd(code); ++gi) {
      const auto& g = p.groups()[gi];
      const int64_t length = p.length(g.document);
      covered_documents_length += length;
      for (int i = 0; i < m; ++i) coded_length[i] = TotalLength(p.UnitsBegin(g, i), p.UnitsEnd(g, i));
      CharacterTable t;
      for (int i = 0; i < m; ++i) {
        for (int j = i + 1; j < m; ++j) {
          const int64_t both = IntersectionLength(p.UnitsBegin(g, i), p.UnitsEnd(g, i),
                                                  p.UnitsBegin(g, j), p.UnitsEnd(g, j));
          t.both += both;
          t.first_only += coded_length[i] - both;
          t.second_only += coded_length[j] - both;
          t.neither += length - coded_length[i] - coded_length[j] + both;
        }
      }
      r.per_code_document[code].push_back({g.document, t});
      Add(r.per_code[code], t);
    }
    // Documents without the code: every pair agrees on "not coded".
    r.per_code[code].neither += pairs * (p.total_length() - covered_documents_length);
    Add(r.overall, r.per_code[code]);
  }
  return r;
}

}  // namespace icr::agreement::spans
