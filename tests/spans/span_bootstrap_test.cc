// Bootstrap intervals of the span alpha family (span_bootstrap.h): seeded,
// over documents, degenerate without variation, and really resampled; and
// `icr stats --spans --bootstrap N --seed S`.

#include "server/agreement/spans/span_bootstrap.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "client/span_stats/span_stats.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/agreement/spans/span_agreement.h"

namespace icr::agreement::spans {
namespace {

constexpr const char* kAlphaFamily[] = {"unitizing_alpha", "binary_u_alpha", "cu_alpha",
                                        "Cu_alpha"};

// Three coders, two codes, `documents` texts of 400 code points: a "true"
// unitizing per document that each coder follows with jittered boundaries,
// now and then missing a unit or giving it the other code.
SpanSet Realistic(int documents, uint32_t seed) {
  std::mt19937 rng(seed);
  SpanSet set;
  set.coders = {"ann", "bob", "cy"};
  set.codes = {"c1", "c2"};
  std::uniform_int_distribution<int> jitter(-4, 4), gap(10, 60), length(8, 40);
  std::bernoulli_distribution miss(0.15), swap(0.1), code(0.5);
  for (int d = 0; d < documents; ++d) {
    set.documents.push_back("d" + std::to_string(d));
    set.lengths.push_back(400);
    for (int64_t at = gap(rng); at + 50 < 400; at += length(rng) + gap(rng)) {
      const int64_t end = at + length(rng);
      const int truth = code(rng) ? 1 : 0;
      for (int32_t coder = 0; coder < 3; ++coder) {
        if (miss(rng)) continue;
        const int64_t s = std::max<int64_t>(0, at + jitter(rng));
        const int64_t e = std::min<int64_t>(400, end + jitter(rng));
        if (e <= s) continue;
        set.spans.push_back({d, coder, swap(rng) ? 1 - truth : truth, s, e});
      }
    }
  }
  return set;
}

SpanAgreement Compute(const SpanSet& set, int samples, uint64_t seed) {
  SpanAgreementOptions options;
  options.bootstrap.samples = samples;
  options.bootstrap.seed = seed;
  absl::StatusOr<SpanAgreement> r = ComputeSpanAgreement(set, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

TEST(SpanBootstrapTest, AlphaFamilyGetsIntervalsThatContainTheValue) {
  const SpanAgreement r = Compute(Realistic(8, 3), 400, 7);
  for (int k = 0; k < 4; ++k) {
    const Coefficient& c = r.coefficients[k];
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.name, kAlphaFamily[k]);
    ASSERT_TRUE(c.defined()) << c.reason;
    ASSERT_TRUE(c.ci.has_value());
    ASSERT_TRUE(c.ci->defined()) << c.ci->undefined_reason;
    EXPECT_EQ(c.ci->samples, 400);
    EXPECT_LE(c.ci->low, *c.value);
    EXPECT_GE(c.ci->high, *c.value);
    // Resampled: eight different documents give replicates that differ.
    EXPECT_LT(c.ci->low, c.ci->high);
    ASSERT_TRUE(c.ci->se.has_value());
    EXPECT_GT(*c.ci->se, 0);
  }
  for (const CodeAgreement& code : r.per_code) {
    for (int k = 0; k < 4; ++k) EXPECT_TRUE(code.coefficients[k].ci.has_value()) << code.code;
    // Span matching and character agreement get none.
    for (size_t k = 4; k < code.coefficients.size(); ++k) {
      EXPECT_FALSE(code.coefficients[k].ci.has_value()) << code.coefficients[k].name;
    }
  }
  for (size_t k = 4; k < r.coefficients.size(); ++k) EXPECT_FALSE(r.coefficients[k].ci.has_value());
}

TEST(SpanBootstrapTest, SameSeedSameIntervalOtherSeedOtherDraws) {
  const SpanSet set = Realistic(8, 5);
  const SpanAgreement a = Compute(set, 200, 42), b = Compute(set, 200, 42),
                      c = Compute(set, 200, 43);
  bool some_differ = false;
  for (int k = 0; k < 4; ++k) {
    ASSERT_TRUE(a.coefficients[k].ci && b.coefficients[k].ci && c.coefficients[k].ci);
    EXPECT_EQ(a.coefficients[k].ci->low, b.coefficients[k].ci->low);
    EXPECT_EQ(a.coefficients[k].ci->high, b.coefficients[k].ci->high);
    some_differ |= a.coefficients[k].ci->low != c.coefficients[k].ci->low ||
                   a.coefficients[k].ci->high != c.coefficients[k].ci->high;
  }
  EXPECT_TRUE(some_differ);
}

TEST(SpanBootstrapTest, ReplicatesAreTheCoefficientOnDocumentsDrawnWithReplacement) {
  // One replicate, drawn as BootstrapRows draws it: its value is alpha_U on
  // the drawn documents laid end to end.
  const SpanSet set = Realistic(5, 11);
  const SpanAgreement r = Compute(set, 1, 99);
  Rng rng(99);
  std::vector<uint32_t> times(set.documents.size(), 0);
  for (size_t i = 0; i < times.size(); ++i) ++times[rng.Uniform(times.size())];
  SpanSet drawn;
  drawn.coders = set.coders;
  drawn.codes = set.codes;
  for (size_t d = 0; d < set.documents.size(); ++d) {
    for (uint32_t t = 0; t < times[d]; ++t) {
      const int32_t slot = static_cast<int32_t>(drawn.documents.size());
      drawn.documents.push_back(set.documents[d] + "#" + std::to_string(t));
      drawn.lengths.push_back(set.lengths[d]);
      for (Span s : set.spans) {
        if (s.document != static_cast<int32_t>(d)) continue;
        s.document = slot;
        drawn.spans.push_back(s);
      }
    }
  }
  const SpanAgreement replicate = Compute(drawn, 0, 0);
  ASSERT_TRUE(r.coefficients[0].ci.has_value());
  ASSERT_TRUE(replicate.coefficients[0].value.has_value());
  EXPECT_NEAR(r.coefficients[0].ci->low, *replicate.coefficients[0].value, 1e-12);
  EXPECT_NEAR(r.coefficients[0].ci->high, *replicate.coefficients[0].value, 1e-12);
  // The draw is not the data itself, so skipping the resampling would show.
  EXPECT_NE(*replicate.coefficients[0].value, *r.coefficients[0].value);
}

TEST(SpanBootstrapTest, NoVariationGivesADegenerateInterval) {
  // Every coder marks the same units in every document: alpha is 1 on any
  // draw.
  SpanSet set;
  set.coders = {"ann", "bob"};
  set.codes = {"c1"};
  for (int d = 0; d < 4; ++d) {
    set.documents.push_back("d" + std::to_string(d));
    set.lengths.push_back(100);
    for (int32_t coder = 0; coder < 2; ++coder) {
      set.spans.push_back({d, coder, 0, 10, 30});
      set.spans.push_back({d, coder, 0, 50, 60 + d});
    }
  }
  const SpanAgreement r = Compute(set, 100, 1);
  const Coefficient& alpha = r.coefficients[0];
  ASSERT_TRUE(alpha.defined());
  EXPECT_DOUBLE_EQ(*alpha.value, 1.0);
  ASSERT_TRUE(alpha.ci && alpha.ci->defined());
  EXPECT_DOUBLE_EQ(alpha.ci->low, 1.0);
  EXPECT_DOUBLE_EQ(alpha.ci->high, 1.0);
  // One document: every replicate is the data.
  const SpanSet one = Realistic(1, 2);
  const SpanAgreement single = Compute(one, 50, 1);
  ASSERT_TRUE(single.coefficients[0].ci && single.coefficients[0].value);
  EXPECT_DOUBLE_EQ(single.coefficients[0].ci->low, *single.coefficients[0].value);
  EXPECT_DOUBLE_EQ(single.coefficients[0].ci->high, *single.coefficients[0].value);
}

TEST(SpanBootstrapTest, IcrStatsSpansTakesBootstrapAndSeed) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("icr_span_bootstrap_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const SpanSet set = Realistic(6, 8);
  {
    std::ofstream spans(dir / "spans.csv"), lengths(dir / "lengths.csv");
    spans << "document,coder,code,start,end\n";
    for (const Span& s : set.spans) {
      spans << set.documents[s.document] << "," << set.coders[s.coder] << "," << set.codes[s.code]
            << "," << s.start << "," << s.end << "\n";
    }
    lengths << "document,length\n";
    for (size_t d = 0; d < set.documents.size(); ++d) {
      lengths << set.documents[d] << "," << set.lengths[d] << "\n";
    }
  }
  client::SpanStatsOptions options;
  options.spans_path = (dir / "spans.csv").string();
  options.lengths_path = (dir / "lengths.csv").string();
  options.coders = set.coders;
  options.bootstrap = 300;
  options.seed = 17;
  client::GlobalOptions globals;
  globals.output = client::OutputFormat::kJson;
  std::ostringstream out, err;
  ASSERT_EQ(client::RunSpanStats(options, globals, out, err), 0) << err.str();
  const nlohmann::json j = nlohmann::json::parse(out.str());
  const SpanAgreement engine = Compute(set, 300, 17);
  for (int k = 0; k < 4; ++k) {
    const nlohmann::json& c = j["coefficients"][k];
    SCOPED_TRACE(c["name"].get<std::string>());
    ASSERT_TRUE(c.contains("ci"));
    EXPECT_EQ(c["ci"]["samples"], 300);
    EXPECT_DOUBLE_EQ(c["ci"]["low"].get<double>(), engine.coefficients[k].ci->low);
    EXPECT_DOUBLE_EQ(c["ci"]["high"].get<double>(), engine.coefficients[k].ci->high);
  }
  EXPECT_FALSE(j["coefficients"][4].contains("ci"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace icr::agreement::spans
