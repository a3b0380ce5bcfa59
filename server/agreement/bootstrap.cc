#include "server/agreement/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

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

void BootstrapAlpha(const AlphaContributions& contributions, const BootstrapOptions& options,
                    Coefficient* alpha) {
  if (!alpha->defined() || options.samples <= 0 || contributions.expected <= 0) return;
  const uint64_t n = contributions.disagreement.size();
  if (n == 0) return;
  const double* d = contributions.disagreement.data();
  const double* m = contributions.values.data();
  Rng rng(options.seed);
  std::vector<double> replicates;
  replicates.reserve(options.samples);
  int64_t below = 0;
  for (int s = 0; s < options.samples; ++s) {
    double sum_d = 0, sum_m = 0;
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t u = rng.Uniform(n);
      sum_d += d[u];
      sum_m += m[u];
    }
    const double value = 1.0 - (sum_d / sum_m) / contributions.expected;
    if (value < options.alpha_min) ++below;
    replicates.push_back(value);
  }
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
