// Which segments are units (units by speaker), and the free-span continuum
// of the selected turns.
#include "server/live/units.h"

#include "gtest/gtest.h"

namespace icr::live {
namespace {

v1::Segment Turn(int64_t start, int64_t end, const std::string& speaker) {
  v1::Segment s;
  s.set_start(start);
  s.set_end(end);
  s.set_speaker(speaker);
  return s;
}

// Interviewer [0, 10), P12 [11, 20), a heading without a speaker [21, 25),
// P13 [26, 40); the document is 42 code points long.
RoundLayout Layout() {
  RoundLayout layout;
  RoundLayout::Document& d = layout.documents.emplace_back();
  d.id = "talk";
  d.length = 42;
  d.segments = {Turn(0, 10, "Interviewer"), Turn(11, 20, "P12"), Turn(21, 25, ""),
                Turn(26, 40, "P13")};
  return layout;
}

TEST(UnitSelectionTest, SelectsBySpeaker) {
  const RoundLayout layout = Layout();
  const UnitSelection all(layout);
  EXPECT_TRUE(all.all());
  EXPECT_EQ(all.count(0), 4);
  EXPECT_EQ(all.segment(0, 2), 2);

  catalog::SpeakerFilter exclude;
  exclude.exclude = {"Interviewer"};
  const UnitSelection without(layout, exclude);
  EXPECT_FALSE(without.all());
  ASSERT_EQ(without.count(0), 3);  // the heading is a unit: no --speakers
  EXPECT_EQ(without.segment(0, 0), 1);
  EXPECT_EQ(without.segment(0, 1), 2);
  EXPECT_FALSE(without.Selects(0, 0));
  EXPECT_TRUE(without.Selects(0, 3));

  catalog::SpeakerFilter only;
  only.speakers = {"P13"};
  const UnitSelection p13(layout, only);
  ASSERT_EQ(p13.count(0), 1);
  EXPECT_EQ(p13.segment(0, 0), 3);
  EXPECT_FALSE(p13.Selects(0, 2));  // no speaker: not among --speakers

  EXPECT_EQ(LayoutSpeakers(layout), (std::set<std::string>{"", "Interviewer", "P12", "P13"}));
  // An inactive filter is every segment.
  EXPECT_TRUE(UnitSelection(layout, catalog::SpeakerFilter{}).all());
}

TEST(ContinuumTest, CutsOutTheTextOutsideTheUnits) {
  const RoundLayout layout = Layout();
  catalog::SpeakerFilter filter;
  filter.speakers = {"P12", "P13"};
  const UnitSelection units(layout, filter);
  const Continuum c(layout.documents[0], units, 0);
  EXPECT_EQ(c.length(), 9 + 14);
  EXPECT_EQ(c.Map(0), 0);   // inside the question
  EXPECT_EQ(c.Map(11), 0);  // P12 starts the continuum
  EXPECT_EQ(c.Map(15), 4);
  EXPECT_EQ(c.Map(20), 9);  // P12's end
  EXPECT_EQ(c.Map(23), 9);  // the heading is cut out
  EXPECT_EQ(c.Map(26), 9);  // P13 starts where P12 ended
  EXPECT_EQ(c.Map(40), 23);
  EXPECT_EQ(c.Map(42), 23);
  // Monotone: a span keeps its order and shrinks by what is cut out.
  for (int64_t p = 0; p < 42; ++p) {
    EXPECT_LE(c.Map(p), c.Map(p + 1));
    EXPECT_LE(c.Map(p + 1) - c.Map(p), 1);
  }
  // Every segment: the whole document, gaps included.
  const Continuum whole(layout.documents[0], UnitSelection(layout), 0);
  EXPECT_EQ(whole.length(), 42);
  for (int64_t p = 0; p <= 42; ++p) EXPECT_EQ(whole.Map(p), p);
}

}  // namespace
}  // namespace icr::live
