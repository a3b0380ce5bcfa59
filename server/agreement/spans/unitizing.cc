#include "server/agreement/spans/unitizing.h"

#include <algorithm>
#include <string>
#include <utility>

namespace icr::agreement::spans {
namespace {

constexpr char kUnitizing[] = "unitizing_alpha";
constexpr char kBinary[] = "binary_u_alpha";
constexpr char kAcross[] = "Cu_alpha";
constexpr char kCoding[] = "cu_alpha";

// Reasons shared by every coefficient of the family.
std::string PreconditionFailure(const PreparedSpans& p) {
  if (p.num_coders() < 2) return "fewer than two coders";
  if (p.total_length() <= 0) return "zero-length continuum";
  return "";
}

Coefficient Alpha(const char* name, long double observed, long double expected,
                  const char* variant, const std::string& zero_expected_reason) {
  Coefficient c;
  c.name = name;
  c.observed = static_cast<double>(observed);
  c.expected = static_cast<double>(expected);
  c.observed_is_disagreement = true;
  c.variant = variant;
  if (expected <= 0) {
    c.reason = zero_expected_reason;
  } else {
    c.value = static_cast<double>(1.0L - observed / expected);
  }
  return c;
}

PerCodeCoefficients AllUndefined(const PreparedSpans& p, const char* name,
                                 const std::string& reason) {
  PerCodeCoefficients r;
  r.overall = Coefficient::Undefined(name, reason);
  for (int c = 0; c < p.num_codes(); ++c) r.per_code.push_back(Coefficient::Undefined(name, reason));
  return r;
}

// Gap lengths with suffix sums, answering sum over gaps of length >= l of
// (l_g - l + 1) in O(log n).
class GapIndex {
 public:
  explicit GapIndex(std::vector<int64_t> lengths) : lengths_(std::move(lengths)) {
    std::sort(lengths_.begin(), lengths_.end());
    suffix_.assign(lengths_.size() + 1, 0);
    for (size_t k = lengths_.size(); k-- > 0;) suffix_[k] = suffix_[k + 1] + lengths_[k];
  }
  long double Positions(int64_t l) const {
    size_t k = std::lower_bound(lengths_.begin(), lengths_.end(), l) - lengths_.begin();
    long double count = static_cast<long double>(lengths_.size() - k);
    return static_cast<long double>(suffix_[k]) - count * static_cast<long double>(l - 1);
  }

 private:
  std::vector<int64_t> lengths_;
  std::vector<long double> suffix_;
};

// Sum of delta^2 over the segments of two coders (one orientation of the
// pair) in one document: overlapping units, and units inside the other's gap.
long double PairSquaredDistances(const Interval* a, const Interval* a_end, const Interval* b,
                                 const Interval* b_end, std::vector<char>& b_hit) {
  const size_t nb = b_end - b;
  b_hit.assign(nb, 0);
  long double sum = 0;
  size_t j0 = 0;
  for (const Interval* u = a; u != a_end; ++u) {
    while (j0 < nb && b[j0].end <= u->start) ++j0;
    bool hit = false;
    for (size_t j = j0; j < nb && b[j].start < u->end; ++j) {
      const long double ds = static_cast<long double>(u->start - b[j].start);
      const long double de = static_cast<long double>(u->end - b[j].end);
      sum += ds * ds + de * de;
      hit = true;
      b_hit[j] = 1;
    }
    if (!hit) sum += static_cast<long double>(u->length()) * u->length();
  }
  for (size_t j = 0; j < nb; ++j) {
    if (!b_hit[j]) sum += static_cast<long double>(b[j].length()) * b[j].length();
  }
  return sum;
}

// Binary coincidence quantities of one binary partition [KMBW eqs. 1, 4]:
// o01_times_m1 = (m-1) o_01 = sum over code points of k (m - k), k the number
// of coders marking the point relevant; n1 = relevant length of all coders;
// sum_l2 = sum of squared unit lengths.
struct BinarySums {
  long double o01_times_m1 = 0;
  long double n1 = 0;
  long double sum_l2 = 0;
};

// Adds one document's units of all coders (each coder's list sorted and
// disjoint) to `sums`. `events` is scratch space.
void AddBinaryDocument(const std::vector<std::pair<const Interval*, const Interval*>>& coders,
                       int m, std::vector<std::pair<int64_t, int>>& events, BinarySums& sums) {
  events.clear();
  for (const auto& [begin, end] : coders) {
    for (const Interval* u = begin; u != end; ++u) {
      events.emplace_back(u->start, +1);
      events.emplace_back(u->end, -1);
      sums.n1 += u->length();
      sums.sum_l2 += static_cast<long double>(u->length()) * u->length();
    }
  }
  std::sort(events.begin(), events.end());
  int k = 0;
  for (size_t e = 0; e < events.size(); ++e) {
    k += events[e].second;
    if (e + 1 < events.size() && k > 0) {
      sums.o01_times_m1 +=
          static_cast<long double>(events[e + 1].first - events[e].first) * k * (m - k);
    }
  }
}

// o_01 and e_01 of eq. 4 for a binary partition of n = mL code points.
std::pair<long double, long double> BinaryCoincidences(const BinarySums& s, int m,
                                                       int64_t total_length) {
  const long double n = static_cast<long double>(m) * total_length;
  const long double n0 = n - s.n1;
  const long double o01 = s.o01_times_m1 / (m - 1);
  const long double denominator = n * n - s.sum_l2 - n0;
  const long double e01 = denominator > 0 ? n * n0 * s.n1 / denominator : 0;
  return {o01, e01};
}

// The merged units of every coder in every document, all codes together,
// sorted by start: by_doc[document][coder] = unit ids.
std::vector<std::vector<std::vector<size_t>>> UnitsByDocument(const PreparedSpans& p) {
  std::vector<std::vector<std::vector<size_t>>> by_doc(
      p.num_documents(), std::vector<std::vector<size_t>>(p.num_coders()));
  for (const auto& g : p.groups()) {
    for (int coder = 0; coder < p.num_coders(); ++coder) {
      size_t id = p.UnitId(g, coder);
      for (const Interval* u = p.UnitsBegin(g, coder); u != p.UnitsEnd(g, coder); ++u, ++id) {
        by_doc[g.document][coder].push_back(id);
      }
    }
  }
  for (auto& coders : by_doc) {
    for (auto& ids : coders) {
      std::sort(ids.begin(), ids.end(), [&p](size_t a, size_t b) {
        return p.unit(a).start < p.unit(b).start;
      });
    }
  }
  return by_doc;
}

// Per-code binary sums (code = relevant).
std::vector<BinarySums> PerCodeBinarySums(const PreparedSpans& p) {
  std::vector<BinarySums> sums(p.num_codes());
  std::vector<std::pair<const Interval*, const Interval*>> coders(p.num_coders());
  std::vector<std::pair<int64_t, int>> events;
  for (const auto& g : p.groups()) {
    for (int coder = 0; coder < p.num_coders(); ++coder) {
      coders[coder] = {p.UnitsBegin(g, coder), p.UnitsEnd(g, coder)};
    }
    AddBinaryDocument(coders, p.num_coders(), events, sums[g.code]);
  }
  return sums;
}

}  // namespace

double UnitizingSquaredDistance(const Segment& a, const Segment& b) {
  const auto sq = [](int64_t x) { return static_cast<double>(x) * static_cast<double>(x); };
  if (a.is_unit && b.is_unit) {
    if (std::min(a.end, b.end) <= std::max(a.start, b.start)) return 0;  // no overlap
    return sq(a.start - b.start) + sq(a.end - b.end);
  }
  if (a.is_unit && !b.is_unit) {
    return (b.start <= a.start && a.end <= b.end) ? sq(a.end - a.start) : 0;
  }
  if (!a.is_unit && b.is_unit) return UnitizingSquaredDistance(b, a);
  return 0;
}

PerCodeCoefficients KrippendorffUnitizingAlpha(const PreparedSpans& p) {
  if (std::string why = PreconditionFailure(p); !why.empty()) {
    return AllUndefined(p, kUnitizing, why);
  }
  const int m = p.num_coders();
  const long double L = static_cast<long double>(p.total_length());
  const long double mL = m * L;

  // Every coder's continuum without units of a code is one gap per document.
  std::vector<int64_t> all_documents;
  for (int d = 0; d < p.num_documents(); ++d) {
    for (int coder = 0; coder < m; ++coder) {
      if (p.length(d) > 0) all_documents.push_back(p.length(d));
    }
  }
  const GapIndex empty_gaps(std::move(all_documents));

  PerCodeCoefficients r;
  long double sum_do = 0, sum_de = 0;
  std::vector<char> scratch;
  for (int code = 0; code < p.num_codes(); ++code) {
    long double do_sum = 0;
    std::vector<int64_t> unit_lengths, replaced, gaps;
    for (size_t gi = p.CodeBegin(code); gi < p.CodeEnd(code); ++gi) {
      const auto& g = p.groups()[gi];
      const int64_t length = p.length(g.document);
      for (int coder = 0; coder < m; ++coder) {
        const Interval* begin = p.UnitsBegin(g, coder);
        const Interval* end = p.UnitsEnd(g, coder);
        if (begin == end) continue;
        replaced.push_back(length);
        int64_t previous = 0;
        for (const Interval* u = begin; u != end; ++u) {
          if (u->start > previous) gaps.push_back(u->start - previous);
          unit_lengths.push_back(u->length());
          previous = u->end;
        }
        if (length > previous) gaps.push_back(length - previous);
      }
      // Ordered pairs (i, j) and (j, i) contribute the same sum.
      for (int i = 0; i < m; ++i) {
        for (int j = i + 1; j < m; ++j) {
          do_sum += 2 * PairSquaredDistances(p.UnitsBegin(g, i), p.UnitsEnd(g, i),
                                             p.UnitsBegin(g, j), p.UnitsEnd(g, j), scratch);
        }
      }
    }
    const GapIndex replaced_gaps(std::move(replaced));
    const GapIndex unit_gaps(std::move(gaps));
    const long double n_units = static_cast<long double>(unit_lengths.size());
    long double numerator = 0, self_pairs = 0;
    for (int64_t l64 : unit_lengths) {
      const long double l = static_cast<long double>(l64);
      const long double positions =
          empty_gaps.Positions(l64) - replaced_gaps.Positions(l64) + unit_gaps.Positions(l64);
      numerator += (n_units - 1) / 3 * (2 * l * l * l - 3 * l * l + l) + l * l * positions;
      self_pairs += l * (l - 1);
    }
    const long double observed = do_sum / (m * (m - 1) * L * L);
    const long double expected =
        unit_lengths.empty() ? 0 : (2 / L) * numerator / (mL * (mL - 1) - self_pairs);
    r.per_code.push_back(Alpha(kUnitizing, observed, expected, "krippendorff_1995",
                               unit_lengths.empty() ? "no spans with this code"
                                                    : "expected disagreement is zero"));
    sum_do += observed;
    sum_de += expected;
  }
  r.overall = Alpha(kUnitizing, sum_do, sum_de, "krippendorff_1995",
                    p.merged_spans() == 0 ? "no spans" : "expected disagreement is zero");
  return r;
}

PerCodeCoefficients BinaryUnitizingAlpha(const PreparedSpans& p) {
  if (std::string why = PreconditionFailure(p); !why.empty()) {
    return AllUndefined(p, kBinary, why);
  }
  const int m = p.num_coders();
  const int64_t L = p.total_length();
  constexpr char kZero[] = "expected disagreement is zero";
  PerCodeCoefficients r;
  const std::vector<BinarySums> sums = PerCodeBinarySums(p);
  const long double n = static_cast<long double>(m) * L;
  for (int code = 0; code < p.num_codes(); ++code) {
    auto [o01, e01] = BinaryCoincidences(sums[code], m, L);
    r.per_code.push_back(Alpha(kBinary, 2 * o01 / n, 2 * e01 / n, "kmbw_2016_eq6",
                               sums[code].n1 == 0 ? "no spans with this code" : kZero));
  }

  // Overall: the union of every coder's spans, overlapping ones merged.
  BinarySums all;
  std::vector<std::vector<Interval>> unions(m);
  std::vector<std::pair<const Interval*, const Interval*>> coders(m);
  std::vector<std::pair<int64_t, int>> events;
  const auto by_doc = UnitsByDocument(p);
  for (const auto& doc : by_doc) {
    for (int coder = 0; coder < m; ++coder) {
      auto& merged = unions[coder];
      merged.clear();
      for (size_t id : doc[coder]) {
        const Interval& u = p.unit(id);
        if (!merged.empty() && u.start < merged.back().end) {
          merged.back().end = std::max(merged.back().end, u.end);
        } else {
          merged.push_back(u);
        }
      }
      coders[coder] = {merged.data(), merged.data() + merged.size()};
    }
    AddBinaryDocument(coders, m, events, all);
  }
  auto [o01, e01] = BinaryCoincidences(all, m, L);
  r.overall = Alpha(kBinary, 2 * o01 / n, 2 * e01 / n, "kmbw_2016_eq6",
                    all.n1 == 0 ? "no spans" : kZero);
  return r;
}

PerCodeCoefficients AcrossCodesAlpha(const PreparedSpans& p) {
  if (std::string why = PreconditionFailure(p); !why.empty()) {
    return AllUndefined(p, kAcross, why);
  }
  const int m = p.num_coders();
  const int64_t L = p.total_length();
  const long double n = static_cast<long double>(m) * L;
  constexpr char kZero[] = "expected disagreement is zero";
  PerCodeCoefficients r;
  long double sum_o = 0, sum_e = 0, n1 = 0;
  const std::vector<BinarySums> sums = PerCodeBinarySums(p);
  for (int code = 0; code < p.num_codes(); ++code) {
    auto [o01, e01] = BinaryCoincidences(sums[code], m, L);
    r.per_code.push_back(Alpha(kAcross, 2 * o01 / n, 2 * e01 / n, "pooled_binary_per_code",
                               sums[code].n1 == 0 ? "no spans with this code" : kZero));
    sum_o += o01;
    sum_e += e01;
    n1 += sums[code].n1;
  }
  r.overall = Alpha(kAcross, 2 * sum_o / n, 2 * sum_e / n, "pooled_binary_per_code",
                    n1 == 0 ? "no spans" : kZero);
  return r;
}

CodingAlphaResult CodingAlpha(const PreparedSpans& p) {
  CodingAlphaResult result;
  if (std::string why = PreconditionFailure(p); !why.empty()) {
    result.alpha = AllUndefined(p, kCoding, why);
    return result;
  }
  const int m = p.num_coders();
  const int k_codes = p.num_codes();
  // overlap[c * k + k'] = sum over ordered coder pairs of intersection
  // lengths of c-sections and k'-sections, i.e. (m-1) o_ck'.
  std::vector<long double> overlap(static_cast<size_t>(k_codes) * k_codes, 0);
  std::vector<long double> s(k_codes, 0);  // S_c
  std::vector<long double> intersection(p.merged_spans(), 0);
  std::vector<size_t> touched;

  struct Piece {
    int64_t start, end;
    size_t unit;
  };
  std::vector<std::vector<Piece>> pieces(m);
  std::vector<std::pair<int64_t, int64_t>> events;  // (position, +/- (unit id + 1))
  const auto by_doc = UnitsByDocument(p);
  for (const auto& doc : by_doc) {
    // Each coder's singly coded sections, labelled with their unit.
    for (int coder = 0; coder < m; ++coder) {
      events.clear();
      for (size_t id : doc[coder]) {
        events.emplace_back(p.unit(id).start, static_cast<int64_t>(id) + 1);
        events.emplace_back(p.unit(id).end, -static_cast<int64_t>(id) - 1);
      }
      std::sort(events.begin(), events.end());
      auto& out = pieces[coder];
      out.clear();
      int active = 0;
      int64_t id_sum = 0;  // with one active unit, its id + 1
      for (size_t e = 0; e < events.size(); ++e) {
        active += events[e].second > 0 ? 1 : -1;
        id_sum += events[e].second;
        if (e + 1 == events.size()) break;
        const int64_t from = events[e].first, to = events[e + 1].first;
        if (to == from) continue;
        if (active == 1) {
          out.push_back({from, to, static_cast<size_t>(id_sum - 1)});
        } else if (active > 1) {
          result.multi_coded_points += to - from;
        }
      }
    }
    for (int i = 0; i < m; ++i) {
      for (int j = i + 1; j < m; ++j) {
        const auto& a = pieces[i];
        const auto& b = pieces[j];
        size_t x = 0, y = 0;
        while (x < a.size() && y < b.size()) {
          const int64_t ov = std::min(a[x].end, b[y].end) - std::max(a[x].start, b[y].start);
          if (ov > 0) {
            const int c = p.unit_code(a[x].unit), k = p.unit_code(b[y].unit);
            overlap[static_cast<size_t>(c) * k_codes + k] += ov;
            overlap[static_cast<size_t>(k) * k_codes + c] += ov;
            if (intersection[a[x].unit] == 0) touched.push_back(a[x].unit);
            if (intersection[b[y].unit] == 0) touched.push_back(b[y].unit);
            intersection[a[x].unit] += ov;
            intersection[b[y].unit] += ov;
          }
          if (a[x].end < b[y].end) {
            ++x;
          } else {
            ++y;
          }
        }
        // Units of i met j's sections and vice versa: one ordered pair each.
        for (size_t id : touched) {
          s[p.unit_code(id)] += intersection[id] * intersection[id];
          intersection[id] = 0;
        }
        touched.clear();
      }
    }
  }

  // Work with W = (m-1) o, whose entries are integers (sums of lengths), so
  // that "only one code" is detected exactly.
  const long double m1 = m - 1;
  std::vector<long double> margin(k_codes, 0);  // W_c. = (m-1) n_c
  long double w = 0, w_off = 0, sum_s = 0, sum_margin2 = 0;
  for (int c = 0; c < k_codes; ++c) {
    for (int k = 0; k < k_codes; ++k) {
      const long double o = overlap[static_cast<size_t>(c) * k_codes + k];
      margin[c] += o;
      if (c != k) w_off += o;
    }
    w += margin[c];
    sum_s += s[c];
    sum_margin2 += margin[c] * margin[c];
  }
  constexpr char kZero[] = "one code only in the sections coded by two coders";
  if (w <= 0) {
    result.alpha = AllUndefined(p, kCoding, "no section was coded by two coders");
    return result;
  }
  const long double n = w / m1;
  const long double d = n - sum_s / w;  // n - sum_c S_c / (n (m-1))
  if (d <= 1e-9L * n) {
    // Like n - 1 = 0 in ordinary alpha: a single overlapping section.
    result.alpha = AllUndefined(p, kCoding, "fewer than two independent overlapping sections");
    return result;
  }
  const long double scale = m1 * m1 * d;
  result.alpha.overall =
      Alpha(kCoding, w_off / w, (w * w - sum_margin2) / scale / n, "kmbw_2016_eq11", kZero);
  for (int k = 0; k < k_codes; ++k) {
    if (margin[k] <= 0) {
      result.alpha.per_code.push_back(
          Coefficient::Undefined(kCoding, "code never in a section coded by two coders"));
      continue;
    }
    const long double w_kk = overlap[static_cast<size_t>(k) * k_codes + k];
    const long double e_row = (margin[k] * w / (m1 * m1) - s[k] / m1) / d;
    const long double e_off = margin[k] * (w - margin[k]) / scale;
    if (e_row <= 1e-9L * n) {
      result.alpha.per_code.push_back(Coefficient::Undefined(
          kCoding, "no expected coincidences for this code (its sections pair only with "
                   "themselves)"));
      continue;
    }
    result.alpha.per_code.push_back(Alpha(kCoding, (margin[k] - w_kk) / margin[k],
                                          e_off / e_row, "kmbw_2016_eq13b", kZero));
  }
  return result;
}

}  // namespace icr::agreement::spans
