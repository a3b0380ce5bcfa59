// Reading `icr stats` input in parallel: a wide file without quotes is cut at
// line ends into runs read on their own and then joined. The joined data, and
// every error's line, must be those of one reading in order.

#include "client/stats/stats_input.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace icr::client {
namespace {

using ::testing::HasSubstr;

// A wide file of `units` rows over 4 coders: labels of one to three bytes,
// some missing cells, set cells "a;b" when `sets`.
std::string GeneratedWide(int units, bool sets, uint32_t seed = 7) {
  std::mt19937 rng(seed);
  std::string text = "unit,A,B,C,D\n";
  for (int u = 0; u < units; ++u) {
    absl::StrAppend(&text, "unit", u);
    for (int c = 0; c < 4; ++c) {
      text += ',';
      const uint32_t r = rng() % 100;
      if (r < 10) continue;  // missing
      // Rarer labels appear first late in the file, in every run.
      const uint32_t label = r < 97 ? rng() % 6 : 100 + rng() % 300;
      absl::StrAppend(&text, label);
      if (sets && rng() % 3 == 0) absl::StrAppend(&text, ";", rng() % 4);
    }
    text += u % 17 == 0 ? "\r\n" : "\n";
    if (u % 101 == 0) text += "\n";  // a blank line is no record
  }
  return text;
}

agreement::ReliabilityData Data(const std::string& text, int pieces, bool sets = false) {
  absl::StatusOr<LoadedData> loaded =
      ParseReliabilityCsv(text, "g.csv", CsvLayout::kWide, sets, pieces);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded.ok() ? std::move(loaded->data) : agreement::ReliabilityData();
}

std::vector<int64_t> FirstLines(const std::string& text, int pieces, bool sets = false) {
  absl::StatusOr<LoadedData> loaded =
      ParseReliabilityCsv(text, "g.csv", CsvLayout::kWide, sets, pieces);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded.ok() ? loaded->first_line : std::vector<int64_t>();
}

std::vector<std::string> UnitNames(const agreement::ReliabilityData& data) {
  std::vector<std::string> names;
  for (int64_t u = 0; u < data.num_units(); ++u) names.push_back(data.unit_name(u));
  return names;
}

std::vector<std::string> Labels(const agreement::ReliabilityData& data) {
  std::vector<std::string> labels;
  for (const agreement::Category& c : data.categories()) labels.push_back(c.label);
  return labels;
}

void ExpectSameData(const agreement::ReliabilityData& a, const agreement::ReliabilityData& b) {
  EXPECT_EQ(UnitNames(a), UnitNames(b));
  EXPECT_EQ(a.coder_names(), b.coder_names());
  EXPECT_EQ(Labels(a), Labels(b));
  EXPECT_EQ(a.cells(), b.cells());
  EXPECT_EQ(a.elements(), b.elements());
}

// The same file with its first unit name quoted goes through the sequential
// reader (libcsv), which must give the same data.
std::string Quoted(const std::string& text) {
  std::string quoted = text;
  const size_t begin = quoted.find('\n') + 1;
  quoted.insert(quoted.find(',', begin), "\"");
  quoted.insert(begin, "\"");
  return quoted;
}

TEST(ParallelWideInput, SameDataForAnyNumberOfPieces) {
  const std::string text = GeneratedWide(5000, /*sets=*/false);
  const agreement::ReliabilityData one = Data(text, 1);
  ASSERT_EQ(one.num_units(), 5000);
  EXPECT_EQ(one.unit_name(0), "unit0");
  EXPECT_EQ(one.unit_name(4999), "unit4999");
  for (int pieces : {2, 3, 7, 64}) {
    SCOPED_TRACE(pieces);
    ExpectSameData(Data(text, pieces), one);
    EXPECT_EQ(FirstLines(text, pieces), FirstLines(text, 1));
  }
  ExpectSameData(Data(Quoted(text), 0), one);
  EXPECT_EQ(FirstLines(Quoted(text), 0), FirstLines(text, 1));
}

TEST(ParallelWideInput, SetCellsSameForAnyNumberOfPieces) {
  const std::string text = GeneratedWide(3000, /*sets=*/true);
  const agreement::ReliabilityData one = Data(text, 1, true);
  ASSERT_TRUE(one.set_valued());
  for (int pieces : {2, 5}) {
    SCOPED_TRACE(pieces);
    ExpectSameData(Data(text, pieces, true), one);
    EXPECT_EQ(FirstLines(text, pieces, true), FirstLines(text, 1, true));
  }
  ExpectSameData(Data(Quoted(text), 0, true), one);
}

TEST(ParallelWideInput, RowsKeepTheirCellsAndOrder) {
  // Every row's cells name its own unit, so a dropped, repeated or moved row
  // shows.
  std::string text = "unit,A,B\n";
  for (int u = 0; u < 4000; ++u) absl::StrAppend(&text, "u", u, ",", u, ",", u % 7, "\n");
  const agreement::ReliabilityData data = Data(text, 8);
  ASSERT_EQ(data.num_units(), 4000);
  for (int64_t u = 0; u < data.num_units(); ++u) {
    ASSERT_EQ(data.unit_name(u), absl::StrCat("u", u));
    ASSERT_EQ(data.category(data.value(u, 0)).label, absl::StrCat(u));
    ASSERT_EQ(data.category(data.value(u, 1)).label, absl::StrCat(u % 7));
  }
}

std::string Error(const std::string& text, int pieces) {
  absl::StatusOr<LoadedData> loaded =
      ParseReliabilityCsv(text, "g.csv", CsvLayout::kWide, false, pieces);
  EXPECT_FALSE(loaded.ok());
  return std::string(loaded.status().message());
}

// Lines of the generated file: the header is line 1, unit u is on line u + 2.
std::string RowsOf(int units) {
  std::string text = "unit,A,B\n";
  for (int u = 0; u < units; ++u) absl::StrAppend(&text, "u", u, ",1,2\n");
  return text;
}

TEST(ParallelWideInput, BadRowInTheSecondHalfNamesItsLine) {
  std::string text = RowsOf(1000);
  // Unit 800 (line 802) loses a field.
  text.replace(text.find("u800,1,2\n"), 9, "u800,1\n");
  for (int pieces : {1, 2, 4}) {
    EXPECT_THAT(Error(text, pieces), HasSubstr("g.csv:802: ragged row: 2 fields, the header has 3"))
        << pieces;
  }
  EXPECT_THAT(Error(Quoted(text), 0), HasSubstr("g.csv:802: ragged row"));
}

TEST(ParallelWideInput, FirstErrorInFileOrderWins) {
  std::string text = RowsOf(1000);
  text.replace(text.find("u900,1,2\n"), 9, ",1,2\n");    // line 902: empty unit
  text.replace(text.find("u700,1,2\n"), 9, "u700,1\n");  // line 702: ragged
  EXPECT_THAT(Error(text, 4), HasSubstr("g.csv:702: ragged row"));
  // A repeated unit before the bad row comes first; one after it does not.
  std::string repeat = text;
  repeat.replace(repeat.find("u600,1,2\n"), 9, "u10,1,2\n");  // line 602
  EXPECT_THAT(Error(repeat, 4), HasSubstr("g.csv:602: duplicate unit 'u10' (first on line 12)"));
  std::string late = text;
  late.replace(late.find("u950,1,2\n"), 9, "u5,1,2\n");
  EXPECT_THAT(Error(late, 4), HasSubstr("g.csv:702: ragged row"));
}

TEST(ParallelWideInput, DuplicateUnitAcrossRunsNamesBothLines) {
  std::string text = RowsOf(1000);
  text.replace(text.find("u990,1,2\n"), 9, "u3,1,2\n");  // line 992 repeats line 5
  for (int pieces : {1, 2, 5}) {
    EXPECT_THAT(Error(text, pieces), HasSubstr("g.csv:992: duplicate unit 'u3' (first on line 5)"))
        << pieces;
  }
  // The earliest repeat wins even when a later one sits in an earlier shard.
  text.replace(text.find("u500,1,2\n"), 9, "u499,1,2\n");  // line 502 repeats line 501
  EXPECT_THAT(Error(text, 5), HasSubstr("g.csv:502: duplicate unit 'u499' (first on line 501)"));
}

TEST(ParallelWideInput, QuotedFieldsWithNewlines) {
  // A quote anywhere sends the file through the sequential reader, where a
  // quoted field may hold a line end; records, not lines, are numbered.
  const std::string text = "unit,A,B\n\"u\n1\",x,y\nu2,\"a,b\",y\nu3,x\n";
  absl::StatusOr<LoadedData> loaded =
      ParseReliabilityCsv(text.substr(0, text.rfind("u3")), "q.csv", CsvLayout::kWide, false, 4);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->data.unit_name(0), "u\n1");
  EXPECT_EQ(loaded->data.category(loaded->data.value(1, 0)).label, "a,b");
  EXPECT_EQ(loaded->first_line, (std::vector<int64_t>{2, 2, 3}));
  EXPECT_THAT(Error(text, 4), HasSubstr(":4: ragged row: 2 fields"));
}

}  // namespace
}  // namespace icr::client
