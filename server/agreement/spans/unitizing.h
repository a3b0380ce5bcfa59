#ifndef ICR_SERVER_AGREEMENT_SPANS_UNITIZING_H_
#define ICR_SERVER_AGREEMENT_SPANS_UNITIZING_H_

// Krippendorff's alpha for unitized continua: the original alpha_U and the
// family of Krippendorff, Mathet, Bouvry & Widlöcher (2016).
//
// The continuum is the concatenation of all documents, L = the sum of their
// lengths; a gap never runs across a document boundary (the end of one text
// and the start of the next are not contiguous). Document order does not
// matter. Every coefficient here needs two coders and L > 0; otherwise, or
// when its expected disagreement is zero, it is undefined with the reason.
//
// References:
//   [K95]  K. Krippendorff (1995). On the reliability of unitizing continuous
//          data. Sociological Methodology 25:47-76.
//   [K04]  K. Krippendorff (2004). Content Analysis, 2nd ed., Sage, ch. 11-12
//          (alpha_U: pp. 251-256, the worked example p. 254).
//   [KMBW] K. Krippendorff, Y. Mathet, S. Bouvry, A. Widlöcher (2016). On the
//          reliability of unitizing textual continua: Further developments.
//          Quality & Quantity 50(6):2347-2364. Equation numbers below are
//          that paper's.

#include <cstdint>
#include <vector>

#include "server/agreement/coefficient.h"
#include "server/agreement/spans/span_set.h"

namespace icr::agreement::spans {

// One segment of a coder's continuum for one code: a unit (a stretch coded
// with the code) or a gap (everything else), [start, end).
struct Segment {
  int64_t start = 0;
  int64_t end = 0;
  bool is_unit = false;
};

// Krippendorff's squared distance between two segments of different coders
// [K95 p. 56; K04 p. 252]: two overlapping units (b1-b2)^2 + (e1-e2)^2; a unit
// and a gap that contains it, the unit's length squared; anything else 0.
double UnitizingSquaredDistance(const Segment& a, const Segment& b);

// A coefficient overall and per code (indexed by code).
struct PerCodeCoefficients {
  Coefficient overall;
  std::vector<Coefficient> per_code;
};

// "unitizing_alpha": alpha_U [K95; K04], as DKPro Agreement implements it.
// Per code c, each coder's continuum is cut into c-units and gaps:
//   Do_c = sum over ordered coder pairs i != j and their segments g, h of
//          delta^2(g, h), divided by m (m-1) L^2;
//   De_c = (2/L) sum over the c-units u of all coders, of length l, of
//          [ (N_c - 1)/3 (2l^3 - 3l^2 + l) + l^2 sum over the gaps g of all
//          coders with l_g >= l of (l_g - l + 1) ]
//          divided by  mL(mL - 1) - sum over c-units of l(l - 1),
//   N_c the number of c-units of all coders; alpha_c = 1 - Do_c / De_c.
// Overall alpha_U = 1 - sum_c Do_c / sum_c De_c [K04 p. 255].
//
// m coders: the factor is 2/L for every m, not 2/(mL). The denominator
// counts the pairs of the mL pooled code points, about (mL)^2, and the gap
// sum runs over the pooled gaps of all m coders; both grow by m/(m-1) against
// Do's m(m-1)L^2 cross-coder pairs, so 2/L keeps E[Do] = De for coders who
// place units at random (tests/spans checks this with 4 coders). The
// published examples all have m = 2, where the two readings coincide.
PerCodeCoefficients KrippendorffUnitizingAlpha(const PreparedSpans& spans);

// "binary_u_alpha": |u-alpha [KMBW sec. 5.2, eq. 6]: agreement on the binary
// distinction relevant / irrelevant matter, from the coincidences of eq. 1
// (lengths of the intersections of coder i's and coder j's segments, over
// ordered pairs i != j, divided by m-1) and the expected coincidences of
// eq. 4 (n = mL; a unit's l^2 and a gap's l are the self-pairings removed):
//   e_01 = n n_0 n_1 / (n^2 - sum_units l^2 - n_0),  alpha = 1 - o_01 / e_01.
// Per code: relevant = coded with that code. Overall: relevant = coded with
// any code ("unitizing regardless of code"; a coder's overlapping spans of
// different codes form one unit). observed/expected are 2 o_01/n, 2 e_01/n.
PerCodeCoefficients BinaryUnitizingAlpha(const PreparedSpans& spans);

// "Cu_alpha": agreement across codes. Each code is its own binary domain
// (coded with it or not), and the domains are pooled the way alpha_U pools
// categories: Cu = 1 - sum_c o_01(c) / sum_c e_01(c), with the per-code
// |u-alpha quantities above. Unlike `cu_alpha` it allows a coder to give one
// stretch several codes. Per code it equals that code's |u-alpha.
PerCodeCoefficients AcrossCodesAlpha(const PreparedSpans& spans);

// "cu_alpha": cu-alpha [KMBW sec. 5.3, eqs. 10-11]: agreement on the codes
// given to the sections two coders both coded, ignoring unitizing, nominal
// metric. Observed coincidences o_ck as in eq. 1 restricted to
// code-by-code intersections; expected (eq. 10), with n_c the margins,
// n their sum and S_c the sum over ordered coder pairs (i, j) and c-units g
// of i of (length of g's intersection with j's coded sections)^2:
//   D = n - sum_c S_c / (n (m-1)),  e_ck = n_c n_k / D (c != k),
//   e_cc = (n_c^2 - S_c/(m-1)) / D,   cu = 1 - sum_{c!=k} o_ck / sum_{c!=k} e_ck.
// Per code: (k)cu-alpha [KMBW eq. 13b]:
//   1 - [(n_k - o_kk)/n_k] / [(e_k. - e_kk)/e_k.].
// The paper assumes a coder's codes are mutually exclusive (one semantic
// domain). Code points where a coder gave two or more codes are left out of
// this coefficient; `multi_coded_points` counts them (summed over coders).
struct CodingAlphaResult {
  PerCodeCoefficients alpha;
  int64_t multi_coded_points = 0;
};
CodingAlphaResult CodingAlpha(const PreparedSpans& spans);

}  // namespace icr::agreement::spans

#endif  // ICR_SERVER_AGREEMENT_SPANS_UNITIZING_H_
