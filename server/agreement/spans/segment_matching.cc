#include "server/agreement/spans/segment_matching.h"

#include <algorithm>
#include <string>

namespace icr::agreement::spans {
namespace {

Coefficient Agreement(const char* name, long double observed, long double expected,
                      const char* variant, const char* undefined_reason) {
  Coefficient c;
  c.name = name;
  c.observed = static_cast<double>(observed);
  c.expected = static_cast<double>(expected);
  c.variant = variant;
  if (expected >= 1) {
    c.reason = undefined_reason;
  } else {
    c.value = static_cast<double>((observed - expected) / (1 - expected));
  }
  return c;
}

Coefficient PercentAgreement(const MatchCounts& m) {
  if (m.segments == 0) return Coefficient::Undefined("overlap_percent_agreement", "no spans");
  Coefficient c;
  c.name = "overlap_percent_agreement";
  c.value = static_cast<double>(m.matched_segments) / static_cast<double>(m.segments);
  c.observed = *c.value;
  return c;
}

Coefficient BrennanPrediger(const MatchCounts& m, int q) {
  constexpr char kName[] = "overlap_kappa";
  if (m.segments == 0) return Coefficient::Undefined(kName, "no spans");
  if (q < 2) return Coefficient::Undefined(kName, "one code only (chance agreement 1/q = 1)");
  const long double po = static_cast<long double>(m.matched_segments) / m.segments;
  return Agreement(kName, po, 1.0L / q, "brennan_prediger_1981", "");
}

// Cohen's kappa from a 2x2 table (n11, n10, n01, n00).
Coefficient CohenTwoByTwo(long double n11, long double n10, long double n01, long double n00) {
  constexpr char kName[] = "overlap_cohen_kappa";
  const long double n = n11 + n10 + n01 + n00;
  if (n <= 0) return Coefficient::Undefined(kName, "no spans");
  const long double p1 = (n11 + n10) / n, p2 = (n11 + n01) / n;
  const long double pe = p1 * p2 + (1 - p1) * (1 - p2);
  return Agreement(kName, (n11 + n00) / n, pe, "cohen_1960_segments",
                   "chance agreement is 1 (one category only)");
}

}  // namespace

bool SpansMatch(const Interval& a, const Interval& b, const MatchingOptions& options) {
  const int64_t overlap = std::min(a.end, b.end) - std::max(a.start, b.start);
  if (overlap <= 0) return false;
  const int64_t reference = options.rule == OverlapRule::kOfLonger
                                ? std::max(a.length(), b.length())
                                : std::min(a.length(), b.length());
  // Relative slack so that e.g. 9 of 10 code points meets 0.9.
  return static_cast<long double>(overlap) * (1 + 1e-12L) >=
         static_cast<long double>(options.threshold) * reference;
}

SegmentMatchingResult MatchSegments(const PreparedSpans& p, const MatchingOptions& options) {
  const int m = p.num_coders();
  SegmentMatchingResult r;
  r.per_code.assign(p.num_codes(), {});
  std::vector<char> taken;
  for (const auto& g : p.groups()) {
    MatchCounts& counts = r.per_code[g.code];
    for (int i = 0; i < m; ++i) {
      for (int j = i + 1; j < m; ++j) {
        const Interval* a = p.UnitsBegin(g, i);
        const size_t na = p.UnitsEnd(g, i) - a;
        const Interval* b = p.UnitsBegin(g, j);
        const size_t nb = p.UnitsEnd(g, j) - b;
        taken.assign(nb, 0);
        int64_t pairs = 0;
        size_t j0 = 0;
        for (size_t x = 0; x < na; ++x) {
          while (j0 < nb && b[j0].end <= a[x].start) ++j0;
          for (size_t y = j0; y < nb && b[y].start < a[x].end; ++y) {
            if (!taken[y] && SpansMatch(a[x], b[y], options)) {
              taken[y] = 1;
              ++pairs;
              break;
            }
          }
        }
        counts.segments += static_cast<int64_t>(na + nb);
        counts.matched_pairs += pairs;
        counts.matched_segments += 2 * pairs;
        counts.unmatched_first += static_cast<int64_t>(na) - pairs;
        counts.unmatched_second += static_cast<int64_t>(nb) - pairs;
      }
    }
  }
  for (const MatchCounts& c : r.per_code) {
    r.overall.segments += c.segments;
    r.overall.matched_segments += c.matched_segments;
    r.overall.matched_pairs += c.matched_pairs;
    r.overall.unmatched_first += c.unmatched_first;
    r.overall.unmatched_second += c.unmatched_second;
  }

  const int q = p.num_codes();
  const bool enough_coders = m >= 2;
  auto finish = [&](const MatchCounts& c, Coefficient pa, Coefficient bp, Coefficient ck,
                    PerCodeCoefficients* out[3], bool overall) {
    if (!enough_coders) {
      pa = Coefficient::Undefined(pa.name, "fewer than two coders");
      bp = Coefficient::Undefined(bp.name, "fewer than two coders");
      ck = Coefficient::Undefined(ck.name, "fewer than two coders");
    }
    Coefficient* slots[3] = {&pa, &bp, &ck};
    for (int s = 0; s < 3; ++s) {
      if (overall) {
        out[s]->overall = std::move(*slots[s]);
      } else {
        out[s]->per_code.push_back(std::move(*slots[s]));
      }
    }
  };
  PerCodeCoefficients* outs[3] = {&r.percent_agreement, &r.brennan_prediger, &r.cohen_kappa};

  // Units of the segment table: matched pairs and unmatched spans.
  const long double units = static_cast<long double>(r.overall.matched_pairs) +
                            r.overall.unmatched_first + r.overall.unmatched_second;
  for (int code = 0; code < q; ++code) {
    const MatchCounts& c = r.per_code[code];
    const long double n11 = c.matched_pairs, n10 = c.unmatched_first, n01 = c.unmatched_second;
    Coefficient kappa = c.segments == 0
                            ? Coefficient::Undefined("overlap_cohen_kappa", "no spans with this code")
                            : CohenTwoByTwo(n11, n10, n01, units - n11 - n10 - n01);
    finish(c, PercentAgreement(c), BrennanPrediger(c, q), std::move(kappa), outs, false);
  }
  // Overall: categories = codes + "none"; (none, none) is empty.
  Coefficient overall_kappa;
  if (units <= 0) {
    overall_kappa = Coefficient::Undefined("overlap_cohen_kappa", "no spans");
  } else {
    long double agree = 0, chance = 0, none_row = 0, none_column = 0;
    for (const MatchCounts& c : r.per_code) {
      agree += c.matched_pairs;
      chance += (static_cast<long double>(c.matched_pairs) + c.unmatched_first) *
                (static_cast<long double>(c.matched_pairs) + c.unmatched_second);
      none_row += c.unmatched_second;
      none_column += c.unmatched_first;
    }
    chance = (chance + none_row * none_column) / (units * units);
    overall_kappa = Agreement("overlap_cohen_kappa", agree / units, chance, "cohen_1960_segments",
                              "chance agreement is 1 (one category only)");
  }
  finish(r.overall, PercentAgreement(r.overall), BrennanPrediger(r.overall, q),
         std::move(overall_kappa), outs, true);
  return r;
}

}  // namespace icr::agreement::spans
