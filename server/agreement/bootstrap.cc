#include "server/agreement/bootstrap.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>

#include "absl/base/casts.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/common/parallel_for.h"

namespace icr::agreement {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) s = SplitMix64(seed);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Uniform(uint64_t n) {
  unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(Next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

namespace {

// A 256 x 256 matrix over GF(2): row i is the image of state bit i.
using BitMatrix = std::array<std::array<uint64_t, 4>, 256>;

std::array<uint64_t, 4> Apply(const BitMatrix& matrix, const std::array<uint64_t, 4>& v) {
  std::array<uint64_t, 4> out{};
  for (int i = 0; i < 256; ++i) {
    if ((v[i / 64] >> (i % 64) & 1) == 0) continue;
    for (int w = 0; w < 4; ++w) out[w] ^= matrix[i][w];
  }
  return out;
}

// b after a: the image of each bit under a, then under b.
BitMatrix Then(const BitMatrix& a, const BitMatrix& b) {
  BitMatrix out;
  for (int i = 0; i < 256; ++i) out[i] = Apply(b, a[i]);
  return out;
}

}  // namespace

void Rng::Jump(uint64_t steps) {
  // The matrix of one step, from the images of the unit states.
  BitMatrix step;
  for (int i = 0; i < 256; ++i) {
    Rng unit(0);
    for (int w = 0; w < 4; ++w) unit.s_[w] = w == i / 64 ? uint64_t{1} << (i % 64) : 0;
    unit.Next();
    for (int w = 0; w < 4; ++w) step[i][w] = unit.s_[w];
  }
  std::array<uint64_t, 4> state = {s_[0], s_[1], s_[2], s_[3]};
  for (; steps > 0; steps >>= 1) {
    if (steps & 1) state = Apply(step, state);
    if (steps > 1) step = Then(step, step);
  }
  for (int w = 0; w < 4; ++w) s_[w] = state[w];
}

bool Rng::operator==(const Rng& other) const { return std::equal(s_, s_ + 4, other.s_); }

BootstrapInterval PercentileInterval(std::vector<double> replicates, double confidence,
                                     std::string undefined_reason) {
  BootstrapInterval ci;
  ci.confidence = confidence;
  ci.samples = static_cast<int>(replicates.size());
  if (replicates.empty()) {
    ci.undefined_reason = undefined_reason.empty() ? "no bootstrap replicate has a defined value"
                                                   : std::move(undefined_reason);
    return ci;
  }
  if (replicates.size() >= 2) {
    double mean = 0;
    for (double x : replicates) mean += x;
    mean /= static_cast<double>(replicates.size());
    double squares = 0;
    for (double x : replicates) squares += (x - mean) * (x - mean);
    ci.se = std::sqrt(squares / static_cast<double>(replicates.size() - 1));
  }
  std::sort(replicates.begin(), replicates.end());
  const double b = static_cast<double>(replicates.size());
  const int64_t last = static_cast<int64_t>(replicates.size()) - 1;
  int64_t lo = static_cast<int64_t>(std::floor(b * (1.0 - confidence) / 2.0 + 1e-9));
  int64_t hi = static_cast<int64_t>(std::ceil(b * (1.0 + confidence) / 2.0 - 1e-9)) - 1;
  lo = std::clamp<int64_t>(lo, 0, last);
  hi = std::clamp<int64_t>(hi, lo, last);
  ci.low = replicates[lo];
  ci.high = replicates[hi];
  return ci;
}

namespace {

// The replicates of the units bootstrap of alpha (BootstrapAlpha), with unit
// u read as the pair `pairs[unit_pair[u]]` of (d_u, m_u). A replicate draws
// as many units as there are, a million for large data, at random: units
// stored as the index of their distinct pair (one or two bytes instead of
// sixteen) keep what the draws read in cache. The sums add the same numbers
// in the same order as over the units themselves.
template <typename Index>
void DrawReplicates(const std::vector<Index>& unit_pair,
                    const std::vector<std::pair<double, double>>& pairs, double expected, int first,
                    int last, Rng& rng, double* replicates) {
  const uint64_t n = unit_pair.size();
  const Index* index = unit_pair.data();
  const std::pair<double, double>* pair = pairs.data();
  for (int s = first; s < last; ++s) {
    double sum_d = 0, sum_m = 0;
    for (uint64_t i = 0; i < n; ++i) {
      const std::pair<double, double>& drawn = pair[index[rng.Uniform(n)]];
      sum_d += drawn.first;
      sum_m += drawn.second;
    }
    replicates[s] = 1.0 - (sum_d / sum_m) / expected;
  }
}

// All replicates, the same as drawing them one after another from one
// generator: on large data the replicates are cut into one piece per thread,
// piece j starting where the stream stands after the earlier pieces' draws
// (Rng::Jump, n draws a replicate). A draw takes more than one Next() only
// when Lemire's rejection fires (odds about n / 2^64); then the next piece's
// start was wrong, which its comparison with the previous piece's end shows,
// and it is drawn again from there.
template <typename Index>
std::vector<double> AllReplicates(const std::vector<Index>& unit_pair,
                                  const std::vector<std::pair<double, double>>& pairs,
                                  const BootstrapOptions& options, double expected) {
  const uint64_t n = unit_pair.size();
  const int samples = options.samples;
  std::vector<double> replicates(samples);
  const int pieces = n * samples >= (uint64_t{1} << 24) ? std::min(samples, WorkerCount()) : 1;
  std::vector<int> first(pieces + 1);
  for (int j = 0; j <= pieces; ++j) first[j] = static_cast<int>(int64_t{samples} * j / pieces);
  std::vector<Rng> start(pieces, Rng(options.seed)), end(pieces, Rng(options.seed));
  ParallelFor(pieces, [&](int j) {
    start[j].Jump(static_cast<uint64_t>(first[j]) * n);
    end[j] = start[j];
    DrawReplicates(unit_pair, pairs, expected, first[j], first[j + 1], end[j], replicates.data());
  });
  for (int j = 1; j < pieces; ++j) {
    if (start[j] == end[j - 1]) continue;
    end[j] = end[j - 1];
    DrawReplicates(unit_pair, pairs, expected, first[j], first[j + 1], end[j], replicates.data());
  }
  return replicates;
}

}  // namespace

void BootstrapAlpha(const AlphaContributions& contributions, const BootstrapOptions& options,
                    Coefficient* alpha) {
  if (!alpha->defined() || options.samples <= 0 || contributions.expected <= 0) return;
  const uint64_t n = contributions.disagreement.size();
  if (n == 0) return;
  // The distinct (d_u, m_u), by their bits (so that equal means identical).
  std::vector<std::pair<double, double>> pairs;
  std::vector<uint32_t> unit_pair(n);
  absl::flat_hash_map<std::pair<uint64_t, uint64_t>, uint32_t> pair_ids;
  for (uint64_t u = 0; u < n; ++u) {
    const double d = contributions.disagreement[u], m = contributions.values[u];
    auto [it, inserted] = pair_ids.try_emplace(
        std::pair(absl::bit_cast<uint64_t>(d), absl::bit_cast<uint64_t>(m)), pairs.size());
    if (inserted) pairs.emplace_back(d, m);
    unit_pair[u] = it->second;
  }
  const double expected = contributions.expected;
  std::vector<double> replicates =
      pairs.size() <= 256 ? AllReplicates(std::vector<uint8_t>(unit_pair.begin(), unit_pair.end()),
                                          pairs, options, expected)
      : pairs.size() <= 65536
          ? AllReplicates(std::vector<uint16_t>(unit_pair.begin(), unit_pair.end()), pairs, options,
                          expected)
          : AllReplicates(unit_pair, pairs, options, expected);
  int64_t below = 0;
  for (double value : replicates) below += value < options.alpha_min;
  alpha->ci = PercentileInterval(std::move(replicates), options.confidence);
  alpha->p_below_min = static_cast<double>(below) / options.samples;
  if (alpha->variant.empty()) {
    alpha->variant = "units_de_fixed";
  } else {
    alpha->variant += ",bootstrap=units_de_fixed";
  }
}

void BootstrapRowsJointly(int64_t rows, const BootstrapOptions& options,
                          const std::function<std::vector<Coefficient>(Multiplicity)>& replicate,
                          const std::vector<Coefficient*>& coefficients) {
  const bool any = std::any_of(coefficients.begin(), coefficients.end(),
                               [](const Coefficient* c) { return c->defined(); });
  if (!any || options.samples <= 0 || rows <= 0) return;
  Rng rng(options.seed);
  std::vector<uint32_t> times(rows);
  const size_t n = coefficients.size();
  std::vector<std::vector<double>> values(n);
  for (auto& v : values) v.reserve(options.samples);
  // Reasons of undefined replicates, counted, in order of first appearance.
  std::vector<std::vector<std::pair<std::string, int>>> reasons(n);
  for (int s = 0; s < options.samples; ++s) {
    std::fill(times.begin(), times.end(), 0);
    for (int64_t i = 0; i < rows; ++i) ++times[rng.Uniform(rows)];
    std::vector<Coefficient> drawn = replicate(times);
    for (size_t k = 0; k < n && k < drawn.size(); ++k) {
      Coefficient& r = drawn[k];
      if (r.value) {
        values[k].push_back(*r.value);
        continue;
      }
      auto it = std::find_if(reasons[k].begin(), reasons[k].end(),
                             [&](const auto& e) { return e.first == r.reason; });
      if (it == reasons[k].end()) {
        reasons[k].emplace_back(std::move(r.reason), 1);
      } else {
        ++it->second;
      }
    }
  }
  for (size_t k = 0; k < n; ++k) {
    if (!coefficients[k]->defined()) continue;
    std::string why;
    if (values[k].empty()) {
      why = absl::StrCat("none of the ", options.samples,
                         " bootstrap replicates has a defined value");
      auto most =
          std::max_element(reasons[k].begin(), reasons[k].end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; });
      if (most != reasons[k].end() && !most->first.empty())
        absl::StrAppend(&why, " (", most->first, ")");
    }
    coefficients[k]->ci =
        PercentileInterval(std::move(values[k]), options.confidence, std::move(why));
  }
}

void BootstrapRows(int64_t rows, const BootstrapOptions& options,
                   const std::function<Coefficient(Multiplicity)>& replicate, Coefficient* c) {
  BootstrapRowsJointly(rows, options,
                       [&](Multiplicity m) { return std::vector<Coefficient>{replicate(m)}; }, {c});
}

void BootstrapRows(int64_t rows, const BootstrapOptions& options,
                   const std::function<std::optional<double>(Multiplicity)>& replicate,
                   Coefficient* c) {
  BootstrapRows(
      rows, options,
      [&](Multiplicity m) {
        Coefficient r;
        r.value = replicate(m);
        return r;
      },
      c);
}

}  // namespace icr::agreement
