// The incremental round state against a recomputation from scratch: after
// random submissions and retractions (segment codings and free spans, with
// duplicates), the kept patterns, unit entries, spans and revisions equal
// those of a state built once from the final codings, and equal a direct
// count of who applied what where. Also: a coding delivered twice (scan and
// notification) counts once.

#include "server/live/round_data.h"

#include <map>
#include <random>
#include <set>
#include <tuple>

#include "gtest/gtest.h"

namespace icr::live {
namespace {

RoundLayout Layout(int documents, int segments, int coders) {
  RoundLayout layout;
  for (int d = 0; d < documents; ++d) {
    RoundLayout::Document& doc = layout.documents.emplace_back();
    doc.id = "d" + std::to_string(d);
    // Segments of 10 code points with a 2-point gap between them.
    for (int s = 0; s < segments; ++s) {
      v1::Segment& seg = doc.segments.emplace_back();
      seg.set_start(12 * s);
      seg.set_end(12 * s + 10);
    }
    doc.length = 12 * segments;
  }
  for (int c = 0; c < coders; ++c) layout.coders.push_back("coder" + std::to_string(c));
  return layout;
}

v1::Coding MakeCoding(int64_t id, const std::string& coder, const std::string& doc,
                      const std::string& code, int64_t revision) {
  v1::Coding c;
  c.set_id(std::to_string(id));
  c.set_coder(coder);
  c.set_document(doc);
  c.set_code(code);
  c.set_state(v1::ACTIVE);
  c.set_codebook_revision(revision);
  return c;
}

// code -> (document, pattern) -> units, by code name.
using PatternsByName = std::map<std::string, std::map<std::pair<int, CoderMask>, int64_t>>;
PatternsByName Patterns(const RoundData& data) {
  PatternsByName out;
  for (int32_t c = 0; c < data.num_codes(); ++c) {
    for (const auto& [key, n] : data.patterns(c)) out[data.code(c)][key] = n;
  }
  return out;
}

// document -> coder -> state.
std::vector<std::vector<v1::ProgressState>> States(const RoundData& data) {
  std::vector<std::vector<v1::ProgressState>> out(data.num_documents());
  for (int d = 0; d < data.num_documents(); ++d) {
    for (int c = 0; c < data.num_coders(); ++c) out[d].push_back(data.Progress(d, c));
  }
  return out;
}

v1::DocumentProgress MakeProgress(const std::string& coder, const std::string& doc,
                                  v1::ProgressState state) {
  v1::DocumentProgress p;
  p.set_coder(coder);
  p.set_document(doc);
  p.set_state(state);
  return p;
}

std::set<std::tuple<int, int64_t, std::string, int, int, int>> Entries(const RoundData& data) {
  std::set<std::tuple<int, int64_t, std::string, int, int, int>> out;
  for (int d = 0; d < data.num_documents(); ++d) {
    for (size_t s = 0; s < data.layout().documents[d].segments.size(); ++s) {
      for (const auto& e : data.unit(d, static_cast<int64_t>(s))) {
        if (e.total() > 0) out.emplace(d, s, data.code(e.code), e.coder, e.segment, e.span);
      }
    }
  }
  return out;
}

std::set<std::tuple<int, int, std::string, int64_t, int64_t>> Spans(const RoundData& data) {
  std::set<std::tuple<int, int, std::string, int64_t, int64_t>> out;
  for (const auto& [id, s] : data.spans()) {
    out.emplace(s.document, s.coder, data.code(s.code), s.start, s.end);
  }
  return out;
}

// Who applied each code to each unit, counted directly from the codings.
PatternsByName DirectPatterns(const RoundLayout& layout, const std::vector<v1::Coding>& codings) {
  std::map<std::tuple<std::string, int64_t, std::string>, CoderMask> masks;
  for (const v1::Coding& c : codings) {
    if (c.state() != v1::ACTIVE) continue;
    const int coder = std::stoi(c.coder().substr(5));
    const int d = std::stoi(c.document().substr(1));
    const auto& segments = layout.documents[d].segments;
    for (size_t s = 0; s < segments.size(); ++s) {
      const bool counts = c.has_span()
                              ? SpanCountsFor(c.span().start(), c.span().end(), segments[s].start(),
                                              segments[s].end(), SpanRule::kHalf)
                              : c.segment() == static_cast<int64_t>(s);
      if (counts) masks[{c.document(), s, c.code()}] |= CoderMask{1} << coder;
    }
  }
  PatternsByName out;
  for (const auto& [key, mask] : masks) {
    ++out[std::get<2>(key)][{std::stoi(std::get<0>(key).substr(1)), mask}];
  }
  return out;
}

TEST(SpanRuleTest, HalfOfTheSegmentOrHalfOfTheSpan) {
  // Segment [0, 10).
  EXPECT_TRUE(SpanCountsFor(0, 5, 0, 10, SpanRule::kHalf));    // half the segment
  EXPECT_FALSE(SpanCountsFor(0, 4, 8, 18, SpanRule::kHalf));   // nothing of [8,18)? overlap 0
  EXPECT_TRUE(SpanCountsFor(8, 11, 0, 10, SpanRule::kHalf));   // 2 of the span's 3
  EXPECT_FALSE(SpanCountsFor(9, 20, 0, 10, SpanRule::kHalf));  // 1 of 10, 1 of 11
  EXPECT_TRUE(SpanCountsFor(9, 20, 0, 10, SpanRule::kAnyOverlap));
  EXPECT_FALSE(SpanCountsFor(10, 20, 0, 10, SpanRule::kAnyOverlap));  // touching only
}

TEST(RoundDataTest, RejectsMoreCodersThanAMaskHolds) {
  EXPECT_FALSE(RoundData::Create(Layout(1, 1, 65)).ok());
  EXPECT_TRUE(RoundData::Create(Layout(1, 1, 64)).ok());
}

TEST(RoundDataTest, ACodingSeenTwiceCountsOnce) {
  RoundData data = *RoundData::Create(Layout(1, 3, 2));
  v1::Coding c = MakeCoding(1, "coder0", "d0", "x", 1);
  c.set_segment(1);
  EXPECT_TRUE(data.Add(c));
  EXPECT_FALSE(data.Add(c));  // the scan and the notification both deliver it
  EXPECT_EQ(data.patterns(0).at({0, 1}), 1);
  EXPECT_TRUE(data.Retract(c));
  EXPECT_FALSE(data.Retract(c));
  EXPECT_TRUE(data.patterns(0).empty());
  EXPECT_EQ(data.active_codings(), 0);
  // A coding scanned as RETRACTED is never counted, and its retraction,
  // delivered later, changes nothing.
  v1::Coding r = MakeCoding(2, "coder1", "d0", "x", 1);
  r.set_segment(0);
  r.set_state(v1::RETRACTED);
  EXPECT_FALSE(data.Add(r));
  EXPECT_FALSE(data.Retract(r));
  EXPECT_TRUE(data.patterns(0).empty());
}

TEST(RoundDataTest, IgnoresDocumentsAndCodersOutsideTheRound) {
  RoundData data = *RoundData::Create(Layout(1, 3, 2));
  v1::Coding c = MakeCoding(1, "stranger", "d0", "x", 1);
  c.set_segment(0);
  EXPECT_FALSE(data.Add(c));
  c = MakeCoding(2, "coder0", "elsewhere", "x", 1);
  c.set_segment(0);
  EXPECT_FALSE(data.Add(c));
  EXPECT_EQ(data.active_codings(), 0);
}

TEST(RoundDataTest, ProgressDecidesWhoCounts) {
  RoundData data = *RoundData::Create(Layout(2, 3, 3));
  EXPECT_EQ(data.Progress(0, 0), v1::NOT_STARTED);
  EXPECT_EQ(data.Counted(0, /*include_unfinished=*/true), 0u);
  // A coding (even one retracted since) makes the pair IN_PROGRESS when it
  // has no record.
  v1::Coding c = MakeCoding(1, "coder1", "d0", "x", 1);
  c.set_segment(0);
  c.set_state(v1::RETRACTED);
  data.Add(c);
  EXPECT_EQ(data.Progress(0, 1), v1::IN_PROGRESS);
  EXPECT_EQ(data.Counted(0, false), 0u);
  EXPECT_EQ(data.Counted(0, true), 0b010u);
  EXPECT_TRUE(data.SetProgress(MakeProgress("coder2", "d0", v1::DONE)));
  EXPECT_FALSE(data.SetProgress(MakeProgress("coder2", "d0", v1::DONE)));
  EXPECT_EQ(data.Counted(0, false), 0b100u);
  EXPECT_EQ(data.Counted(0, true), 0b110u);
  EXPECT_EQ(data.Counted(1, true), 0u);
  // Reopened.
  EXPECT_TRUE(data.SetProgress(MakeProgress("coder2", "d0", v1::IN_PROGRESS)));
  EXPECT_EQ(data.Counted(0, false), 0u);
  // Outside the round.
  EXPECT_FALSE(data.SetProgress(MakeProgress("stranger", "d0", v1::DONE)));
  EXPECT_FALSE(data.SetProgress(MakeProgress("coder0", "elsewhere", v1::DONE)));
}

TEST(RoundDataTest, ACopySharesUnitsUntilItChanges) {
  RoundData data = *RoundData::Create(Layout(2, 3, 2));
  v1::Coding c = MakeCoding(1, "coder0", "d0", "x", 1);
  c.set_segment(1);
  data.Add(c);
  const RoundData snapshot = data;
  v1::Coding more = MakeCoding(2, "coder1", "d0", "x", 1);
  more.set_segment(1);
  data.Add(more);
  data.SetProgress(MakeProgress("coder0", "d0", v1::DONE));
  EXPECT_EQ(snapshot.MaskOf(0, 1, 0), 0b01u);
  EXPECT_EQ(data.MaskOf(0, 1, 0), 0b11u);
  EXPECT_EQ(snapshot.Progress(0, 0), v1::IN_PROGRESS);
  EXPECT_EQ(data.Progress(0, 0), v1::DONE);
}

class IncrementalTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(IncrementalTest, EqualsARecomputationFromScratch) {
  std::mt19937 rng(GetParam());
  const RoundLayout layout = Layout(4, 6, 3);
  RoundData live = *RoundData::Create(layout);
  std::vector<v1::Coding> codings;  // the store, in id order
  std::vector<size_t> active;
  std::map<std::pair<int, int>, v1::ProgressState> records;  // the stored progress
  int64_t next_id = 0;
  for (int step = 0; step < 1500; ++step) {
    if (rng() % 7 == 0) {
      // Marked done, or reopened.
      const int coder = static_cast<int>(rng() % 3), doc = static_cast<int>(rng() % 4);
      const v1::ProgressState state = rng() % 2 ? v1::DONE : v1::IN_PROGRESS;
      records[{coder, doc}] = state;
      live.SetProgress(
          MakeProgress("coder" + std::to_string(coder), "d" + std::to_string(doc), state));
      continue;
    }
    const bool retract = !active.empty() && rng() % 3 == 0;
    if (retract) {
      const size_t pick = rng() % active.size();
      v1::Coding& c = codings[active[pick]];
      c.set_state(v1::RETRACTED);
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(pick));
      ASSERT_TRUE(live.Retract(c));
      continue;
    }
    v1::Coding c =
        MakeCoding(++next_id, "coder" + std::to_string(rng() % 3), "d" + std::to_string(rng() % 4),
                   "c" + std::to_string(rng() % 5), 1 + rng() % 3);
    if (rng() % 3 == 0) {
      const int64_t start = rng() % 70;
      c.mutable_span()->set_start(start);
      c.mutable_span()->set_end(start + 1 + rng() % 20);
    } else {
      c.set_segment(rng() % 6);
    }
    active.push_back(codings.size());
    codings.push_back(c);
    live.Add(c);
  }
  RoundData scratch = *RoundData::Create(layout);
  for (const v1::Coding& c : codings) scratch.Add(c);
  for (const auto& [pair, state] : records) {
    scratch.SetProgress(MakeProgress("coder" + std::to_string(pair.first),
                                     "d" + std::to_string(pair.second), state));
  }
  EXPECT_EQ(States(live), States(scratch));
  for (int d = 0; d < live.num_documents(); ++d) {
    EXPECT_EQ(live.Counted(d, false), scratch.Counted(d, false));
    EXPECT_EQ(live.Counted(d, true), scratch.Counted(d, true));
  }

  EXPECT_EQ(Patterns(live), Patterns(scratch));
  EXPECT_EQ(Patterns(live), DirectPatterns(layout, codings));
  EXPECT_EQ(Entries(live), Entries(scratch));
  EXPECT_EQ(Spans(live), Spans(scratch));
  EXPECT_EQ(live.active_codings(), static_cast<int64_t>(active.size()));
  for (int d = 0; d < live.num_documents(); ++d) {
    EXPECT_EQ(live.revisions(d), scratch.revisions(d));
  }
  EXPECT_FALSE(Patterns(live).empty());
}

INSTANTIATE_TEST_SUITE_P(Seeds, IncrementalTest, ::testing::Values(1u, 2u, 3u, 4u, 5u));

}  // namespace
}  // namespace icr::live
