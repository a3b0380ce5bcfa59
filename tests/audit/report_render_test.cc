// The report renderers on synthetic data: the agreement section with its
// tables, bands, SVG bar chart and heat map; "no agreement computed yet"
// without it; JSON with the same numbers; and the HTML rendered by headless
// Chromium to a PDF, as a reviewer would print it.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/report/report.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace icr::report {
namespace {

using agreement::Coefficient;
using nlohmann::json;

Coefficient Alpha(std::optional<double> value, double low = 0, double high = 0) {
  Coefficient c;
  c.name = "krippendorff_alpha";
  c.value = value;
  c.units = 40;
  c.pairable_values = 120;
  if (!value) c.reason = "one category only";
  if (value && high > 0) c.ci = agreement::BootstrapInterval{low, high, 0.95, 1000};
  return c;
}

ReportData Synthetic() {
  ReportData d;
  d.project = "study";
  d.title = "Peer mentoring <pilot> & co";
  d.generated_time = "2026-01-02T03:04:05Z";
  d.codebook_revision = 3;
  d.team = {{"lead", "LEAD", {}, 0},
            {"alice", "CODER", {"r1"}, 17},
            {"bob", "CODER", {"r1"}, 15},
            {"carol", "CODER", {"r1", "r2"}, 9}};
  d.codes = {{"c1", "Support", "feels supported", "", "ACTIVE", "", 1},
             {"c2", "Barrier <script>alert(1)</script>", "", "c1", "MERGED", "c1", 3}};
  d.codebook_changes = {{3, 1, "2026-01-01T10:00:00Z", "lead", "CreateCode", "created code c1"},
                        {9, 3, "2026-01-01T11:00:00Z", "lead", "MergeCode", "merged c2 into c1"}};
  Round r1;
  r1.id = "r1";
  r1.title = "pilot";
  r1.state = "RECONCILING";
  r1.blind = true;
  r1.coders = {"alice", "bob", "carol"};
  r1.documents = {"int-01", "int-02"};
  r1.history = {{"2026-01-01T12:00:00Z", "created", "lead", 12}};
  Round r2 = r1;
  r2.id = "r2";
  r2.state = "OPEN";
  d.rounds = {r1, r2};
  RoundAgreement a;
  a.independent = {{"c1", 40, {Alpha(0.812, 0.70, 0.90)}},
                   {"c2", 40, {Alpha(0.7, 0.55, 0.81)}},
                   {"c3", 40, {Alpha(0.41, 0.2, 0.6)}},
                   {"c4", 40, {Alpha(std::nullopt)}}};
  a.independent_overall = AgreementRow{"overall", 160, {Alpha(0.655, 0.58, 0.73)}};
  a.negotiated = {{"c1", 40, {Alpha(0.95)}}};
  a.negotiated_overall = AgreementRow{"overall", 160, {Alpha(0.9)}};
  a.pairwise = {
      {"alice", "bob", 40, 0.81}, {"alice", "carol", 40, 0.52}, {"bob", "carol", 40, std::nullopt}};
  a.resolutions = {{"int-01",
                    "segment 3",
                    "c1",
                    {{"alice", "c1"}, {"bob", "none"}},
                    "c1",
                    "matches the definition's second clause",
                    "lead",
                    "2026-01-03T09:00:00Z"}};
  d.agreement["r1"] = a;
  d.head = {"study",
            42,
            std::string(64, 'a'),
            1767225600000,
            std::string(128, 'b'),
            std::string(64, 'c'),
            "-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----\n"};
  return d;
}

int Count(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

TEST(ReportBands, BesideTheValueNeverInstead) {
  EXPECT_EQ(Band(Alpha(0.800)), "reliable (>= .800)");
  EXPECT_EQ(Band(Alpha(0.7999)), "tentative (>= .667)");
  EXPECT_EQ(Band(Alpha(0.667)), "tentative (>= .667)");
  EXPECT_EQ(Band(Alpha(0.66)), "unreliable (< .667)");
  EXPECT_EQ(Band(Alpha(std::nullopt)), "");
  Coefficient kappa;
  kappa.name = "cohen_kappa";
  kappa.value = 0.7;
  EXPECT_EQ(Band(kappa), "substantial (Landis & Koch)");
  kappa.value = -0.1;
  EXPECT_EQ(Band(kappa), "poor (Landis & Koch)");
  kappa.name = "percent_agreement";
  EXPECT_EQ(Band(kappa), "");
}

TEST(ReportMarkdown, HoldsEverySection) {
  const std::string md = RenderMarkdown(Synthetic());
  for (const char* text :
       {"## Team", "| alice | CODER | r1 | 17 |", "## Codebook (revision 3)", "merged c2 into c1",
        "### Round r1: pilot",
        // Coefficients as columns, as papers print them (APA numbers).
        "| c1 | 40 | .812 | [.700, .900] | reliable (>= .800) |", "undefined (one category only)",
        "**Overall**", "For your methods section", "After consensus", "| alice | — | 0.810 |",
        "matches the definition's second clause", "## Audit head", "icr audit verify",
        "No agreement computed yet for this round."}) {
    EXPECT_NE(md.find(text), std::string::npos) << text;
  }
  // r2 has no agreement; r1 does: the note appears once.
  EXPECT_EQ(Count(md, "No agreement computed yet"), 1);
}

TEST(ReportHtml, SelfContainedWithChartsAndEscaping) {
  const std::string html = RenderHtml(Synthetic());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(Count(html, "src="), 0);
  EXPECT_EQ(Count(html, "<link"), 0);
  // Nothing is fetched: the only URLs are the SVG namespace and the
  // reference list's DOIs, printed as text.
  EXPECT_EQ(Count(html, "https?://"), Count(html, "xmlns=\"http://www.w3.org/2000/svg\"") +
                                          Count(html, "https://(doi|repository)\\."));
  EXPECT_EQ(Count(html, "href="), 0);
  EXPECT_EQ(Count(html, "<svg"), 2);
  EXPECT_EQ(Count(html, "class=\"bar\""), 3);  // three defined rows, one undefined
  EXPECT_NE(html.find("undefined: one category only"), std::string::npos);
  EXPECT_EQ(Count(html, "class=\"threshold\""), 2);
  EXPECT_EQ(Count(html, "class=\"ci\""), 3);
  EXPECT_EQ(Count(html, "class=\"cell\""), 9);
  EXPECT_NE(html.find("@media print"), std::string::npos);
}

TEST(ReportHtml, RightToLeftNamesTakeTheirOwnDirection) {
  ReportData d = Synthetic();
  d.title = "منتورینگ همتا";
  d.codes.push_back({"c3", "حمایت عاطفی", "احساس حمایت از سوی منتور", "", "ACTIVE", "", 4});
  const std::string html = RenderHtml(d);
  // The cells' direction comes from their text; the title is isolated in
  // the English heading.
  EXPECT_NE(html.find("th,td,li,.paragraph{unicode-bidi:plaintext}"), std::string::npos);
  EXPECT_NE(html.find("text-align:start"), std::string::npos);
  EXPECT_NE(html.find("Trustworthiness report: <bdi>منتورینگ همتا</bdi>"), std::string::npos);
  EXPECT_NE(html.find("<td>حمایت عاطفی</td>"), std::string::npos);
}

TEST(ReportSvg, BarsScaleWithTheirValues) {
  const std::string svg =
      BarChartSvg(Synthetic().agreement["r1"].independent, "krippendorff_alpha");
  std::smatch m;
  std::vector<double> widths;
  std::string rest = svg;
  std::regex bar("class=\"bar\" x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"([0-9.]+)\"");
  while (std::regex_search(rest, m, bar)) {
    widths.push_back(std::stod(m[1]));
    rest = m.suffix();
  }
  ASSERT_EQ(widths.size(), 3u);
  // Axis from 0 to 1 over 420 px: .812, .7, .41.
  EXPECT_NEAR(widths[0], 0.812 * 420, 0.2);
  EXPECT_NEAR(widths[1], 0.7 * 420, 0.2);
  EXPECT_NEAR(widths[2], 0.41 * 420, 0.2);
  EXPECT_EQ(BarChartSvg({}, "krippendorff_alpha"), "");
  // Negative values extend the axis below zero.
  const std::string negative = BarChartSvg({{"c", 5, {Alpha(-0.3)}}}, "krippendorff_alpha");
  EXPECT_NE(negative.find(">-0.4</text>"), std::string::npos) << negative;
}

TEST(ReportJson, SameNumbers) {
  const json j = json::parse(RenderJson(Synthetic()));
  const json& r1 = j["rounds"][0]["agreement"];
  EXPECT_DOUBLE_EQ(r1["independent"]["rows"][0]["coefficients"][0]["value"].get<double>(), 0.812);
  EXPECT_DOUBLE_EQ(r1["independent"]["rows"][0]["coefficients"][0]["ci"]["low"].get<double>(),
                   0.70);
  EXPECT_EQ(r1["independent"]["rows"][0]["coefficients"][0]["interpretation"],
            "reliable (>= .800)");
  EXPECT_TRUE(r1["independent"]["rows"][3]["coefficients"][0]["value"].is_null());
  EXPECT_EQ(r1["independent"]["rows"][3]["coefficients"][0]["defined"], false);
  EXPECT_DOUBLE_EQ(r1["independent"]["overall"]["coefficients"][0]["value"].get<double>(), 0.655);
  EXPECT_DOUBLE_EQ(r1["negotiated"]["overall"]["coefficients"][0]["value"].get<double>(), 0.9);
  EXPECT_TRUE(r1["pairwise"][2]["value"].is_null());
  EXPECT_EQ(r1["resolutions"][0]["values"]["bob"], "none");
  EXPECT_TRUE(j["rounds"][1]["agreement"].is_null());
  EXPECT_EQ(j["team"][1]["codings_submitted"], 17);
  EXPECT_EQ(j["codebook"]["changes"][1]["action"], "MergeCode");
  EXPECT_EQ(j["audit_head"]["tree_size"], 42);
  EXPECT_EQ(j["audit_head"]["line"]["type"], "head");
}

// Headless Chromium renders the HTML: the charts survive parsing and the
// page prints to a PDF.
TEST(ReportHtml, RendersInHeadlessChromium) {
  const std::string chromium = ICR_CHROMIUM;
  ASSERT_FALSE(chromium.empty() || chromium.find("NOTFOUND") != std::string::npos)
      << "chromium is needed for this test: apt-get install chromium (deploy/test installs it)";
  ASSERT_EQ(::access(chromium.c_str(), X_OK), 0)
      << chromium << " is gone since configuring: reinstall chromium or re-run cmake";
  testing::TempDir dir;
  const std::string html = dir.path() + "/report.html";
  std::ofstream(html) << RenderHtml(Synthetic());
  auto run = [&](const std::string& what, const std::string& profile) {
    return testing::Run({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--user-data-dir=" + dir.path() + "/" + profile, what,
                         "file://" + html});
  };
  testing::CommandResult dom = run("--dump-dom", "profile-dom");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_EQ(Count(dom.out, "<svg"), 2) << dom.out.substr(0, 400);
  EXPECT_EQ(Count(dom.out, "class=\"bar\""), 3);
  EXPECT_EQ(Count(dom.out, "class=\"cell\""), 9);

  const std::string pdf = dir.path() + "/report.pdf";
  testing::CommandResult printed = run("--print-to-pdf=" + pdf, "profile-pdf");
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  std::ifstream in(pdf, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  ASSERT_GT(bytes.str().size(), 10000u) << printed.err;
  EXPECT_EQ(bytes.str().substr(0, 5), "%PDF-");
  // More than one page: every section made it into the print.
  EXPECT_GE(Count(bytes.str(), "/Type\\s*/Page[^s]"), 2);
}

}  // namespace
}  // namespace icr::report
