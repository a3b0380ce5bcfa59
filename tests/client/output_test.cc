// The CLI's tables line up whatever script their cells are in.
#include "client/output.h"

#include <sstream>

#include "client/display_width.h"
#include "gtest/gtest.h"

namespace icr::client {
namespace {

TEST(DisplayWidthTest, WideNarrowAndZeroWidthCharacters) {
  EXPECT_EQ(DisplayWidth("mentor"), 6u);
  EXPECT_EQ(DisplayWidth("导师"), 4u);         // CJK: two columns each
  EXPECT_EQ(DisplayWidth("メンター"), 8u);     // katakana
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4u);         // full-width Latin
  EXPECT_EQ(DisplayWidth("😀"), 2u);            // emoji presentation
  EXPECT_EQ(DisplayWidth("حمایت"), 5u);        // Persian letters: one each
  EXPECT_EQ(DisplayWidth("می\u200cکرد"), 5u);  // ZWNJ: none
  EXPECT_EQ(DisplayWidth("مُرشِد"), 4u);         // Arabic harakat: none
  EXPECT_EQ(DisplayWidth("۱۲"), 2u);           // Persian digits
  EXPECT_EQ(DisplayWidth("e\u0301"), 1u);      // e + combining acute
  EXPECT_EQ(DisplayWidth("❤\uFE0F"), 1u);      // a variation selector adds nothing
  EXPECT_EQ(DisplayWidth("한국"), 4u);         // Hangul syllables
  EXPECT_EQ(DisplayWidth(""), 0u);
}

TEST(PrintRowsTest, ColumnsAlignWithChineseAndPersianCells) {
  const Rows rows = {{"code", "name", "units"},
                     {"support", "حمایت همتا", "12"},
                     {"mentor", "导师关系", "7"},
                     {"joy", "😀 joy", "3"}};
  std::ostringstream out;
  PrintRows(OutputFormat::kTable, out, rows);
  // Every row's third column starts at the same display column.
  std::istringstream lines(out.str());
  std::string line;
  std::vector<size_t> starts;
  while (std::getline(lines, line)) {
    const size_t last_gap = line.rfind("  ");
    ASSERT_NE(last_gap, std::string::npos) << line;
    starts.push_back(DisplayWidth(line.substr(0, last_gap + 2)));
  }
  ASSERT_EQ(starts.size(), 4u);
  for (size_t start : starts) EXPECT_EQ(start, starts[0]) << out.str();
  // The widest name (导师关系, eight columns; حمایت همتا ten) sets the column.
  EXPECT_EQ(starts[0], 7u + 2 + 10 + 2);
}

}  // namespace
}  // namespace icr::client
