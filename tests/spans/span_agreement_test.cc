// The fast free-span computations against a brute-force reference written
// straight from the definitions (per code point, per pair of segments,
// quadratic), on random small cases with 2 to 4 coders; invariants on
// generated data; undefined cases.

#include "server/agreement/spans/span_agreement.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/agreement/spans/character_agreement.h"
#include "server/agreement/spans/segment_matching.h"
#include "server/agreement/spans/unitizing.h"

namespace icr::agreement::spans {
namespace {

// ---------------------------------------------------------------------------
// Brute-force reference.

struct Seg {
  int64_t start, end;  // global positions (documents laid end to end)
  bool unit;
};

// Krippendorff's delta^2, written out again [K95 p. 56].
double BruteDelta(const Seg& a, const Seg& b) {
  const bool overlap = std::min(a.end, b.end) > std::max(a.start, b.start);
  if (a.unit && b.unit) {
    if (!overlap) return 0;
    return std::pow(a.start - b.start, 2) + std::pow(a.end - b.end, 2);
  }
  if (a.unit != b.unit) {
    const Seg& u = a.unit ? a : b;
    const Seg& g = a.unit ? b : a;
    return (g.start <= u.start && u.end <= g.end) ? std::pow(u.end - u.start, 2) : 0;
  }
  return 0;
}

// Merges spans that overlap until none do (touching ones stay apart).
std::vector<std::pair<int64_t, int64_t>> BruteMerge(std::vector<std::pair<int64_t, int64_t>> v) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t a = 0; a < v.size() && !changed; ++a) {
      for (size_t b = a + 1; b < v.size() && !changed; ++b) {
        if (std::min(v[a].second, v[b].second) > std::max(v[a].first, v[b].first)) {
          v[a] = {std::min(v[a].first, v[b].first), std::max(v[a].second, v[b].second)};
          v.erase(v.begin() + b);
          changed = true;
        }
      }
    }
  }
  std::sort(v.begin(), v.end());
  return v;
}

struct Brute {
  int m = 0, q = 0, docs = 0;
  int64_t L = 0;
  std::vector<int64_t> offset;  // global start of each document
  // units[code][coder] = merged units, global positions, tagged with document
  std::vector<std::vector<std::vector<std::pair<int64_t, int64_t>>>> units;
  // coded[code][coder][x]
  std::vector<std::vector<std::vector<char>>> coded;

  explicit Brute(const SpanSet& set) {
    m = static_cast<int>(set.coders.size());
    q = static_cast<int>(set.codes.size());
    docs = static_cast<int>(set.documents.size());
    for (int d = 0; d < docs; ++d) {
      offset.push_back(L);
      L += set.lengths[d];
    }
    units.assign(q, std::vector<std::vector<std::pair<int64_t, int64_t>>>(m));
    coded.assign(q, std::vector<std::vector<char>>(m, std::vector<char>(L, 0)));
    for (int c = 0; c < q; ++c) {
      for (int i = 0; i < m; ++i) {
        for (int d = 0; d < docs; ++d) {
          std::vector<std::pair<int64_t, int64_t>> v;
          for (const Span& s : set.spans) {
            if (s.code == c && s.coder == i && s.document == d) {
              v.emplace_back(s.start + offset[d], s.end + offset[d]);
            }
          }
          for (auto& u : BruteMerge(v)) {
            units[c][i].push_back(u);
            for (int64_t x = u.first; x < u.second; ++x) coded[c][i][x] = 1;
          }
        }
      }
    }
  }

  // Units and gaps of coder i for code c; gaps cut at document boundaries.
  std::vector<Seg> Segments(int c, int i) const {
    std::vector<Seg> out;
    for (int d = 0; d < docs; ++d) {
      const int64_t begin = offset[d], end = d + 1 < docs ? offset[d + 1] : L;
      int64_t x = begin;
      for (auto& u : units[c][i]) {
        if (u.first < begin || u.first >= end) continue;
        if (u.first > x) out.push_back({x, u.first, false});
        out.push_back({u.first, u.second, true});
        x = u.second;
      }
      if (end > x) out.push_back({x, end, false});
    }
    return out;
  }

  // Do_c and De_c of alpha_U, literally.
  std::pair<double, double> UnitizingSums(int c) const {
    double d = 0;
    std::vector<std::vector<Seg>> segs;
    for (int i = 0; i < m; ++i) segs.push_back(Segments(c, i));
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        if (i != j)
          for (const Seg& g : segs[i])
            for (const Seg& h : segs[j]) d += BruteDelta(g, h);
    const double observed = d / (double(m) * (m - 1) * double(L) * L);
    std::vector<int64_t> ul, gl;
    for (int i = 0; i < m; ++i)
      for (const Seg& s : segs[i]) (s.unit ? ul : gl).push_back(s.end - s.start);
    if (ul.empty()) return {observed, 0};
    const double n = static_cast<double>(ul.size());
    double num = 0, self = 0;
    for (int64_t l : ul) {
      num += (n - 1) / 3 * (2.0 * l * l * l - 3.0 * l * l + l);
      for (int64_t g : gl)
        for (int64_t pos = 0; pos + l <= g; ++pos) num += double(l) * l;  // every placement
      self += double(l) * (l - 1);
    }
    const double mL = double(m) * L;
    return {observed, 2.0 / L * num / (mL * (mL - 1) - self)};
  }

  std::optional<double> UnitizingAlpha(int c) const {
    auto [o, e] = UnitizingSums(c);
    if (e <= 0) return std::nullopt;
    return 1 - o / e;
  }
  std::optional<double> UnitizingAlphaOverall() const {
    double o = 0, e = 0;
    for (int c = 0; c < q; ++c) {
      auto [oc, ec] = UnitizingSums(c);
      o += oc;
      e += ec;
    }
    if (e <= 0) return std::nullopt;
    return 1 - o / e;
  }

  // |u-alpha of a binary marking rel[i][x] with the given units: eqs. 1, 4, 6.
  std::pair<double, double> BinaryO01E01(const std::vector<std::vector<char>>& rel,
                                         const std::vector<int64_t>& unit_lengths) const {
    double o01 = 0, n1 = 0;
    for (int64_t x = 0; x < L; ++x)
      for (int i = 0; i < m; ++i) {
        n1 += rel[i][x];
        for (int j = 0; j < m; ++j)
          if (i != j && rel[i][x] == 0 && rel[j][x] == 1) o01 += 1.0 / (m - 1);
      }
    const double n = double(m) * L, n0 = n - n1;
    double l2 = 0;
    for (int64_t l : unit_lengths) l2 += double(l) * l;
    // Gaps are strings of single code points: their self-pairings sum to n0.
    const double e01 = n * n0 * n1 / (n * n - l2 - n0);
    return {o01, e01};
  }
  std::optional<double> BinaryAlpha(int c) const {
    std::vector<int64_t> ls;
    for (int i = 0; i < m; ++i)
      for (auto& u : units[c][i]) ls.push_back(u.second - u.first);
    auto [o, e] = BinaryO01E01(coded[c], ls);
    if (!(e > 0)) return std::nullopt;
    return 1 - o / e;
  }
  std::optional<double> BinaryAlphaOverall() const {
    std::vector<std::vector<char>> rel(m, std::vector<char>(L, 0));
    std::vector<int64_t> ls;
    for (int i = 0; i < m; ++i) {
      for (int d = 0; d < docs; ++d) {
        std::vector<std::pair<int64_t, int64_t>> all;
        const int64_t begin = offset[d], end = d + 1 < docs ? offset[d + 1] : L;
        for (int c = 0; c < q; ++c)
          for (auto& u : units[c][i])
            if (u.first >= begin && u.first < end) all.push_back(u);
        for (auto& u : BruteMerge(all)) {
          ls.push_back(u.second - u.first);
          for (int64_t x = u.first; x < u.second; ++x) rel[i][x] = 1;
        }
      }
    }
    auto [o, e] = BinaryO01E01(rel, ls);
    if (!(e > 0)) return std::nullopt;
    return 1 - o / e;
  }
  std::optional<double> AcrossCodes() const {
    double o = 0, e = 0;
    for (int c = 0; c < q; ++c) {
      std::vector<int64_t> ls;
      for (int i = 0; i < m; ++i)
        for (auto& u : units[c][i]) ls.push_back(u.second - u.first);
      auto [oc, ec] = BinaryO01E01(coded[c], ls);
      o += oc;
      e += ec;
    }
    if (!(e > 0)) return std::nullopt;
    return 1 - o / e;
  }

  // cu-alpha (eqs. 10, 11, 13b) over code points both coders coded singly.
  struct Cu {
    std::optional<double> overall;
    std::vector<std::optional<double>> per_code;
  };
  int SingleCode(int i, int64_t x) const {
    int found = -1, count = 0;
    for (int c = 0; c < q; ++c)
      if (coded[c][i][x]) found = c, ++count;
    return count == 1 ? found : -1;
  }
  Cu CodingAlpha() const {
    std::vector<std::vector<double>> o(q, std::vector<double>(q, 0));
    std::vector<double> s(q, 0);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) {
        if (i == j) continue;
        for (int64_t x = 0; x < L; ++x) {
          const int a = SingleCode(i, x), b = SingleCode(j, x);
          if (a >= 0 && b >= 0) o[a][b] += 1.0 / (m - 1);
        }
        for (int c = 0; c < q; ++c)
          for (auto& u : units[c][i]) {
            double t = 0;
            for (int64_t x = u.first; x < u.second; ++x)
              t += SingleCode(i, x) >= 0 && SingleCode(j, x) >= 0;
            s[c] += t * t;
          }
      }
    std::vector<double> nc(q, 0);
    double n = 0, ss = 0;
    for (int c = 0; c < q; ++c) {
      for (int k = 0; k < q; ++k) nc[c] += o[c][k];
      n += nc[c];
      ss += s[c];
    }
    Cu r;
    r.per_code.assign(q, std::nullopt);
    if (n <= 0) return r;
    const double d = n - ss / (n * (m - 1));
    if (d <= 1e-9 * n) return r;
    std::vector<std::vector<double>> e(q, std::vector<double>(q));
    for (int c = 0; c < q; ++c)
      for (int k = 0; k < q; ++k)
        e[c][k] = c == k ? (nc[c] * nc[c] - s[c] / (m - 1)) / d : nc[c] * nc[k] / d;
    double od = 0, ed = 0;
    for (int c = 0; c < q; ++c)
      for (int k = 0; k < q; ++k)
        if (c != k) od += o[c][k], ed += e[c][k];
    if (ed > 1e-9 * n) r.overall = 1 - od / ed;
    for (int k = 0; k < q; ++k) {
      double ek = 0;
      for (int c = 0; c < q; ++c) ek += e[k][c];
      if (nc[k] <= 1e-9 || ek <= 1e-9 * n || ek - e[k][k] <= 1e-9 * n) continue;
      r.per_code[k] = 1 - ((nc[k] - o[k][k]) / nc[k]) / ((ek - e[k][k]) / ek);
    }
    return r;
  }

  // Segment matching: all pairs of spans, greedy one-to-one in text order.
  MatchCounts Matching(int c, const MatchingOptions& options) const {
    MatchCounts r;
    for (int i = 0; i < m; ++i)
      for (int j = i + 1; j < m; ++j) {
        const auto& a = units[c][i];
        const auto& b = units[c][j];
        std::vector<char> taken(b.size(), 0);
        int64_t pairs = 0;
        for (auto& x : a)
          for (size_t y = 0; y < b.size(); ++y) {
            const int64_t ov = std::min(x.second, b[y].second) - std::max(x.first, b[y].first);
            const int64_t la = x.second - x.first, lb = b[y].second - b[y].first;
            const int64_t ref = options.rule == OverlapRule::kOfLonger ? std::max(la, lb)
                                                                       : std::min(la, lb);
            if (!taken[y] && ov > 0 && ov >= options.threshold * ref - 1e-9) {
              taken[y] = 1;
              ++pairs;
              break;
            }
          }
        r.segments += a.size() + b.size();
        r.matched_pairs += pairs;
        r.matched_segments += 2 * pairs;
        r.unmatched_first += a.size() - pairs;
        r.unmatched_second += b.size() - pairs;
      }
    return r;
  }

  // Character table of code c over all documents, code point by code point.
  std::vector<int64_t> CharacterTable(int c) const {
    std::vector<int64_t> t(4, 0);  // both, first, second, neither
    for (int i = 0; i < m; ++i)
      for (int j = i + 1; j < m; ++j)
        for (int64_t x = 0; x < L; ++x) {
          const int a = coded[c][i][x], b = coded[c][j][x];
          ++t[a && b ? 0 : a ? 1 : b ? 2 : 3];
        }
    return t;
  }
};

// ---------------------------------------------------------------------------

SpanSet RandomSet(std::mt19937& rng, int m, int q, int docs, int max_length) {
  SpanSet set;
  for (int d = 0; d < docs; ++d) {
    set.documents.push_back("d" + std::to_string(d));
    set.lengths.push_back(std::uniform_int_distribution<int64_t>(0, max_length)(rng));
  }
  for (int i = 0; i < m; ++i) set.coders.push_back("coder" + std::to_string(i));
  for (int c = 0; c < q; ++c) set.codes.push_back("code" + std::to_string(c));
  for (int d = 0; d < docs; ++d) {
    if (set.lengths[d] < 1) continue;
    for (int i = 0; i < m; ++i)
      for (int c = 0; c < q; ++c) {
        const int n = std::uniform_int_distribution<int>(0, 4)(rng);
        for (int k = 0; k < n; ++k) {
          int64_t a = std::uniform_int_distribution<int64_t>(0, set.lengths[d] - 1)(rng);
          int64_t b = std::uniform_int_distribution<int64_t>(a + 1, std::min(set.lengths[d], a + 12))(rng);
          set.spans.push_back({d, i, c, a, b});
        }
      }
  }
  return set;
}

void ExpectSame(const Coefficient& fast, const std::optional<double>& brute, const char* what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(fast.defined(), brute.has_value()) << fast.name << ": " << fast.reason;
  if (brute) {
    EXPECT_NEAR(*fast.value, *brute, 1e-9 * std::max(1.0, std::abs(*brute)));
  }
}

const Coefficient& Find(const std::vector<Coefficient>& v, const std::string& name) {
  for (const auto& c : v)
    if (c.name == name) return c;
  ADD_FAILURE() << "missing " << name;
  static Coefficient none;
  return none;
}

TEST(SpanAgreementBruteForceTest, RandomSmallCasesTwoToFourCoders) {
  std::mt19937 rng(20240611);
  int cases = 0;
  for (int round = 0; round < 400; ++round) {
    const int m = 2 + round % 3;
    const int q = 1 + (round / 3) % 3;
    const int docs = 1 + (round / 9) % 3;
    const SpanSet set = RandomSet(rng, m, q, docs, 40);
    SCOPED_TRACE("round " + std::to_string(round));
    const PreparedSpans p = PreparedSpans::Prepare(set);
    const Brute brute(set);
    if (brute.L == 0) continue;

    const auto unitizing = KrippendorffUnitizingAlpha(p);
    const auto binary = BinaryUnitizingAlpha(p);
    const auto across = AcrossCodesAlpha(p);
    const auto coding = CodingAlpha(p);
    const auto cu = brute.CodingAlpha();
    ExpectSame(unitizing.overall, brute.UnitizingAlphaOverall(), "alpha_U overall");
    ExpectSame(binary.overall, brute.BinaryAlphaOverall(), "|u overall");
    ExpectSame(across.overall, brute.AcrossCodes(), "Cu overall");
    ExpectSame(coding.alpha.overall, cu.overall, "cu overall");
    for (int c = 0; c < q; ++c) {
      ExpectSame(unitizing.per_code[c], brute.UnitizingAlpha(c), "alpha_U per code");
      if (unitizing.per_code[c].defined()) {
        auto [o, e] = brute.UnitizingSums(c);
        EXPECT_NEAR(unitizing.per_code[c].observed, o, 1e-12);
        EXPECT_NEAR(unitizing.per_code[c].expected, e, 1e-12);
      }
      ExpectSame(binary.per_code[c], brute.BinaryAlpha(c), "|u per code");
      ExpectSame(across.per_code[c], brute.BinaryAlpha(c), "Cu per code");
      ExpectSame(coding.alpha.per_code[c], cu.per_code[c], "(k)cu");
    }

    for (auto rule : {OverlapRule::kOfLonger, OverlapRule::kOfEither}) {
      for (double threshold : {0.9, 0.5, 0.2}) {
        const MatchingOptions options{threshold, rule};
        const auto matching = MatchSegments(p, options);
        for (int c = 0; c < q; ++c) {
          const MatchCounts want = brute.Matching(c, options);
          EXPECT_EQ(matching.per_code[c].segments, want.segments);
          EXPECT_EQ(matching.per_code[c].matched_pairs, want.matched_pairs);
          EXPECT_EQ(matching.per_code[c].unmatched_first, want.unmatched_first);
          EXPECT_EQ(matching.per_code[c].unmatched_second, want.unmatched_second);
        }
      }
    }

    const auto character = CharacterAgreement(p);
    for (int c = 0; c < q; ++c) {
      const auto want = brute.CharacterTable(c);
      EXPECT_EQ(character.per_code[c].both, want[0]);
      EXPECT_EQ(character.per_code[c].first_only, want[1]);
      EXPECT_EQ(character.per_code[c].second_only, want[2]);
      EXPECT_EQ(character.per_code[c].neither, want[3]);
    }
    ++cases;
  }
  EXPECT_GT(cases, 330);
}

// With m coders who place units independently at random, alpha_U is near 0
// on average. This is what fixes the 2/L factor of De for m > 2: with 2/(mL)
// the mean for four coders would be about 1 - 4/2 = -1.
TEST(SpanAgreementBruteForceTest, ChanceAgreementNearZeroForTwoThreeAndFourCoders) {
  std::mt19937 rng(7);
  for (int m : {2, 3, 4}) {
    double sum = 0;
    const int replicates = 150;
    for (int r = 0; r < replicates; ++r) {
      SpanSet set;
      set.documents = {"d"};
      set.lengths = {1000};
      set.codes = {"c"};
      for (int i = 0; i < m; ++i) {
        set.coders.push_back("c" + std::to_string(i));
        // Four disjoint units of 20..80 code points at random places.
        std::vector<std::pair<int64_t, int64_t>> placed;
        while (placed.size() < 4) {
          const int64_t l = std::uniform_int_distribution<int64_t>(20, 80)(rng);
          const int64_t s = std::uniform_int_distribution<int64_t>(0, 1000 - l)(rng);
          bool clash = false;
          for (auto& u : placed) clash |= s < u.second && u.first < s + l;
          if (!clash) placed.emplace_back(s, s + l);
        }
        for (auto& u : placed) set.spans.push_back({0, i, 0, u.first, u.second});
      }
      const auto a = KrippendorffUnitizingAlpha(PreparedSpans::Prepare(set));
      ASSERT_TRUE(a.overall.defined());
      sum += *a.overall.value;
    }
    EXPECT_NEAR(sum / replicates, 0.0, 0.15) << m << " coders";
  }
}

// ---------------------------------------------------------------------------
// Invariants.

SpanSet IdenticalCoders(int m, std::mt19937& rng) {
  SpanSet set;
  set.documents = {"a", "b", "c"};
  set.lengths = {500, 800, 300};
  set.codes = {"x", "y", "z"};
  for (int i = 0; i < m; ++i) set.coders.push_back("coder" + std::to_string(i));
  std::vector<Span> one;
  for (int d = 0; d < 3; ++d) {
    int64_t pos = std::uniform_int_distribution<int64_t>(0, 20)(rng);
    while (true) {
      const int64_t l = std::uniform_int_distribution<int64_t>(5, 60)(rng);
      if (pos + l > set.lengths[d]) break;
      const int code = std::uniform_int_distribution<int>(0, 2)(rng);
      one.push_back({d, 0, code, pos, pos + l});
      // Some overlap with another code, as coders in qualitative studies do.
      if (code == 0 && l > 20) one.push_back({d, 0, 1, pos + 10, pos + l});
      pos += l + std::uniform_int_distribution<int64_t>(0, 40)(rng);
    }
  }
  for (int i = 0; i < m; ++i)
    for (Span s : one) {
      s.coder = i;
      set.spans.push_back(s);
    }
  return set;
}

TEST(SpanAgreementInvariantTest, IdenticalSpanSetsGiveOneForEveryCoefficient) {
  std::mt19937 rng(3);
  for (int m : {2, 3, 5}) {
    auto result = ComputeSpanAgreement(IdenticalCoders(m, rng));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_GT(result->multi_coded_points, 0);
    for (const Coefficient& c : result->coefficients) {
      ASSERT_TRUE(c.defined()) << c.name << ": " << c.reason;
      EXPECT_NEAR(*c.value, 1.0, 1e-12) << c.name << " with " << m << " coders";
    }
    for (const CodeAgreement& code : result->per_code) {
      EXPECT_EQ(code.unmatched_segments, 0);
      for (const Coefficient& c : code.coefficients) {
        ASSERT_TRUE(c.defined()) << code.code << " " << c.name << ": " << c.reason;
        EXPECT_NEAR(*c.value, 1.0, 1e-12) << code.code << " " << c.name;
      }
      for (const DocumentAgreement& d : code.documents)
        for (const Coefficient& c : d.coefficients) {
          ASSERT_TRUE(c.defined()) << c.name;
          EXPECT_NEAR(*c.value, 1.0, 1e-12);
        }
    }
  }
}

TEST(SpanAgreementInvariantTest, ShiftingOneCoderDrivesAlphaDownMonotonically) {
  // Two coders, 20 spans of 40 code points every 200; coder 1 shifted by s.
  auto run = [](int64_t shift) {
    SpanSet set;
    set.documents = {"d"};
    set.lengths = {4400};
    set.coders = {"a", "b"};
    set.codes = {"x", "y"};
    for (int k = 0; k < 20; ++k) {
      const int64_t start = 100 + 200 * k;
      set.spans.push_back({0, 0, k % 2, start, start + 40});
      set.spans.push_back({0, 1, k % 2, start + shift, start + 40 + shift});
    }
    auto r = ComputeSpanAgreement(set);
    EXPECT_TRUE(r.ok());
    return *r;
  };
  const std::vector<std::string> alphas = {"unitizing_alpha", "binary_u_alpha", "Cu_alpha",
                                           "character_kappa"};
  std::map<std::string, double> previous;
  for (int64_t shift : {0, 2, 5, 10, 20, 30, 39, 60, 90}) {
    const SpanAgreement r = run(shift);
    for (const auto& name : alphas) {
      const Coefficient& c = Find(r.coefficients, name);
      ASSERT_TRUE(c.defined()) << name;
      if (previous.count(name)) {
        if (shift <= 39) {
          EXPECT_LT(*c.value, previous[name]) << name << " at shift " << shift;
        } else {  // no overlap left: the value stays at its floor
          EXPECT_LE(*c.value, previous[name] + 1e-12) << name << " at shift " << shift;
        }
      }
      previous[name] = *c.value;
    }
  }
  EXPECT_LT(previous["unitizing_alpha"], 0.0);
}

TEST(SpanAgreementInvariantTest, PerCodeValuesAgreeWithARunRestrictedToThatCode) {
  std::mt19937 rng(11);
  // These per-code coefficients depend on that code's spans only; cu_alpha
  // ((k)cu-alpha), overlap_kappa (1/q) and overlap_cohen_kappa (units of
  // other codes) involve the other codes by definition.
  const std::vector<std::string> own = {"unitizing_alpha", "binary_u_alpha", "Cu_alpha",
                                        "overlap_percent_agreement",
                                        "character_percent_agreement", "character_kappa"};
  for (int round = 0; round < 20; ++round) {
    const SpanSet set = RandomSet(rng, 2 + round % 3, 3, 2, 60);
    auto all = ComputeSpanAgreement(set);
    ASSERT_TRUE(all.ok());
    for (int c = 0; c < 3; ++c) {
      SpanSet only = set;
      only.codes = {set.codes[c]};
      only.spans.clear();
      for (Span s : set.spans)
        if (s.code == c) {
          s.code = 0;
          only.spans.push_back(s);
        }
      auto restricted = ComputeSpanAgreement(only);
      ASSERT_TRUE(restricted.ok());
      for (const auto& name : own) {
        const Coefficient& a = Find(all->per_code[c].coefficients, name);
        const Coefficient& b = Find(restricted->coefficients, name);
        ASSERT_EQ(a.defined(), b.defined()) << name;
        if (a.defined()) {
          EXPECT_NEAR(*a.value, *b.value, 1e-12) << name;
        }
      }
      EXPECT_EQ(all->per_code[c].matched_segments, restricted->matched_segments);
    }
  }
}

// ---------------------------------------------------------------------------
// Undefined cases and input errors.

TEST(SpanAgreementUndefinedTest, NoSpansOneCoderZeroLength) {
  SpanSet empty;
  empty.documents = {"d"};
  empty.lengths = {100};
  empty.coders = {"a", "b"};
  empty.codes = {};
  auto r = ComputeSpanAgreement(empty);
  ASSERT_TRUE(r.ok());
  for (const auto& c : r->coefficients) {
    if (c.name == "character_percent_agreement") continue;  // vacuous table
    EXPECT_FALSE(c.defined()) << c.name;
    EXPECT_FALSE(c.reason.empty()) << c.name;
  }

  SpanSet one_coder = empty;
  one_coder.coders = {"a"};
  one_coder.codes = {"x"};
  one_coder.spans = {{0, 0, 0, 10, 20}};
  r = ComputeSpanAgreement(one_coder);
  ASSERT_TRUE(r.ok());
  for (const auto& c : r->coefficients) EXPECT_FALSE(c.defined()) << c.name;
  EXPECT_EQ(Find(r->coefficients, "unitizing_alpha").reason, "fewer than two coders");

  SpanSet zero;
  zero.documents = {"d"};
  zero.lengths = {0};
  zero.coders = {"a", "b"};
  zero.codes = {"x"};
  r = ComputeSpanAgreement(zero);
  ASSERT_TRUE(r.ok());
  for (const auto& c : r->coefficients) EXPECT_FALSE(c.defined()) << c.name;
  EXPECT_EQ(Find(r->coefficients, "unitizing_alpha").reason, "zero-length continuum");
}

TEST(SpanAgreementUndefinedTest, OneCodeOnlyLeavesCuAlphaUndefined) {
  SpanSet set;
  set.documents = {"d"};
  set.lengths = {100};
  set.coders = {"a", "b"};
  set.codes = {"x"};
  set.spans = {{0, 0, 0, 10, 30}, {0, 1, 0, 12, 30}};
  auto r = ComputeSpanAgreement(set);
  ASSERT_TRUE(r.ok());
  const Coefficient& cu = Find(r->coefficients, "cu_alpha");
  EXPECT_FALSE(cu.defined());
  EXPECT_EQ(cu.reason, "one code only in the sections coded by two coders");
  EXPECT_TRUE(Find(r->coefficients, "unitizing_alpha").defined());
}

TEST(SpanAgreementTest, OverlappingSpansOfOneCoderAreMergedAndCounted) {
  SpanSet set;
  set.documents = {"d"};
  set.lengths = {100};
  set.coders = {"a", "b"};
  set.codes = {"x"};
  set.spans = {{0, 0, 0, 10, 20}, {0, 0, 0, 15, 30}, {0, 0, 0, 30, 40},  // touching: kept
               {0, 1, 0, 10, 30}, {0, 1, 0, 30, 40}};
  auto r = ComputeSpanAgreement(set);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->input_spans, 5);
  EXPECT_EQ(r->merged_away, 1);
  EXPECT_EQ(r->per_code[0].spans, 4);
  EXPECT_EQ(r->matched_segments, 4);
  EXPECT_NEAR(*Find(r->coefficients, "unitizing_alpha").value, 1.0, 1e-12);
  EXPECT_NE(r->notes[0].find("merged"), std::string::npos);
}

TEST(SpanAgreementTest, OverlapRuleLongerVersusEither) {
  const Interval long_span{0, 100}, short_span{10, 30};
  EXPECT_FALSE(SpansMatch(long_span, short_span, {0.9, OverlapRule::kOfLonger}));
  EXPECT_TRUE(SpansMatch(long_span, short_span, {0.9, OverlapRule::kOfEither}));
  EXPECT_TRUE(SpansMatch({0, 10}, {1, 10}, {0.9, OverlapRule::kOfLonger}));   // 9 of 10
  EXPECT_FALSE(SpansMatch({0, 10}, {2, 10}, {0.9, OverlapRule::kOfLonger}));  // 8 of 10
  EXPECT_FALSE(SpansMatch({0, 10}, {10, 20}, {0.01, OverlapRule::kOfEither}));  // touching
}

TEST(SpanAgreementTest, RejectsBadInputAndOptions) {
  SpanSet set;
  set.documents = {"d"};
  set.lengths = {10};
  set.coders = {"a"};
  set.codes = {"x"};
  set.spans = {{0, 0, 0, 5, 11}};
  EXPECT_EQ(ComputeSpanAgreement(set).status().code(), absl::StatusCode::kInvalidArgument);
  set.spans = {{0, 0, 0, 5, 5}};
  EXPECT_EQ(ComputeSpanAgreement(set).status().code(), absl::StatusCode::kInvalidArgument);
  set.spans = {{0, 0, 0, 2, 5}};
  SpanAgreementOptions options;
  options.matching.threshold = 0;
  EXPECT_EQ(ComputeSpanAgreement(set, options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace icr::agreement::spans
