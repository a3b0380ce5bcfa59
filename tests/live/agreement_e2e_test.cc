// The coder -> lead flow through the real icr-server and icr binaries: a
// lead sets up a blind round, three coders submit their codings from CSV
// files, a coder is refused the agreement table while the round is OPEN,
// the lead reads it (and it equals `icr stats` on the same data), advances
// the round, lists the disagreements, resolves one (a second time too, and
// once without a rationale), and exports the consensus. And the intraclass
// correlations of an interval domain through `icr agreement`, equal to
// `icr stats --icc`.

#include <map>
#include <regex>
#include <set>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/cli_test.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;

class AgreementEndToEndTest : public testing::CliTest {
 protected:
  void SetUp() override { StartServer(); }

  // The commands run as `user` (its token in dir_/USER.token), or as the
  // admin when no user is named.
  std::string TokenFile(const std::string& user) const {
    return user.empty() ? "" : dir_.path() + "/" + user + ".token";
  }
  CommandResult Icr(std::vector<std::string> args, const std::string& user = "") {
    return CliTest::Icr(std::move(args), TokenFile(user));
  }
  void Ok(std::vector<std::string> args, const std::string& user = "") {
    CommandResult r = Icr(args, user);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json Json(std::vector<std::string> args, const std::string& user = "") {
    return IcrJson(std::move(args), TokenFile(user));
  }
  std::string Write(const std::string& name, const std::string& content) {
    return WriteFile(name, content);
  }

  // Users "lead" and `coders`, and the lead's project "study" with them as
  // its coders.
  void StartStudy(const std::vector<std::string>& coders) {
    CreateUser("lead");
    for (const std::string& coder : coders) CreateUser(coder);
    Ok({"project", "create", "study", "--title", "Study"}, "lead");
    for (const std::string& coder : coders) {
      Ok({"member", "add", "study", coder, "--role", "coder"}, "lead");
    }
  }
};

TEST_F(AgreementEndToEndTest, CodersSubmitLeadMeasuresResolvesAndExports) {
  StartStudy({"alice", "bob", "carol"});
  Ok({"code", "add", "study", "support", "--name", "Support"}, "lead");
  Ok({"code", "add", "study", "practical", "--name", "Practical", "--parent", "support"}, "lead");
  Ok({"code", "add", "study", "emotional", "--name", "Emotional", "--parent", "support"}, "lead");
  Ok({"code", "add", "study", "barrier", "--name", "Barrier"}, "lead");
  Ok({"doc", "add", "study", "int-01", "--file",
      Write("int-01.txt", "one\n\ntwo\n\nthree\n\nfour\n\nfive\n\nsix\n"), "--segment",
      "paragraph"},
     "lead");
  Ok({"round", "create", "study", "pilot", "--docs", "int-01", "--coders", "alice,bob,carol",
      "--blind"},
     "lead");
  const std::map<std::string, std::string> files = {
      {"alice",
       "document,code,segment\nint-01,practical,0\nint-01,emotional,1\n"
       "int-01,barrier,2\nint-01,practical,3\nint-01,emotional,4\n"},
      {"bob",
       "document,code,segment\nint-01,practical,0\nint-01,emotional,1\n"
       "int-01,barrier,2\nint-01,emotional,3\nint-01,emotional,4\n"},
      {"carol",
       "document,code,segment\nint-01,practical,0\nint-01,practical,1\n"
       "int-01,barrier,2\nint-01,practical,3\nint-01,barrier,5\n"}};
  for (const auto& [coder, csv] : files) {
    Ok({"coding", "submit", "study", "pilot", "--file", Write(coder + ".csv", csv)}, coder);
    Ok({"coding", "done", "study", "pilot", "int-01"}, coder);
  }

  // Blind and OPEN: a coder gets no agreement.
  CommandResult refused = Icr({"agreement", "study", "pilot"}, "alice");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("PERMISSION_DENIED"), std::string::npos) << refused.err;

  json table = Json({"agreement", "study", "pilot"}, "lead");
  ASSERT_TRUE(table.is_object());
  EXPECT_EQ(table["round"], "pilot");
  EXPECT_EQ(table["analysis"], "code");
  ASSERT_EQ(table["rows"].size(), 3u);  // barrier, emotional, practical
  EXPECT_EQ(table["rows"][0]["code"], "barrier");
  EXPECT_TRUE(table["rows"][0]["units"].is_number());
  EXPECT_EQ(table["pairwise"].size(), 3u);
  // The row of "practical" equals `icr stats` on the same data.
  std::string csv = "unit,coder,value\n";
  const std::map<std::string, std::set<int>> practical = {
      {"alice", {0, 3}}, {"bob", {0}}, {"carol", {0, 1, 3}}};
  for (int s = 0; s < 6; ++s) {
    for (const auto& [coder, segments] : practical) {
      csv += "s" + std::to_string(s) + "," + coder + "," + (segments.count(s) ? "1" : "0") + "\n";
    }
  }
  json stats = Json({"stats", "--input", Write("practical.csv", csv)});
  json row = table["rows"][2];
  ASSERT_EQ(row["code"], "practical");
  ASSERT_EQ(row["coefficients"].size(), stats["coefficients"].size());
  for (size_t i = 0; i < stats["coefficients"].size(); ++i) {
    const json& got = row["coefficients"][i];
    const json& want = stats["coefficients"][i];
    EXPECT_EQ(got["name"], want["name"]);
    EXPECT_EQ(got["defined"], want["defined"]);
    EXPECT_EQ(got["pairable_values"], want["pairable_values"]);
    EXPECT_EQ(got["interpretation"], want["interpretation"]);
    // The same sums in another order: equal up to rounding.
    if (want["defined"].get<bool>()) {
      EXPECT_NEAR(got["value"].get<double>(), want["value"].get<double>(), 1e-9);
    }
  }

  // Rolled up to themes: support and barrier.
  json themes = Json({"agreement", "study", "pilot", "--rollup", "1"}, "lead");
  ASSERT_EQ(themes["rows"].size(), 2u);
  EXPECT_EQ(themes["rows"][1]["code"], "support");

  Ok({"round", "advance", "study", "pilot"}, "lead");
  json disagreements = Json({"disagreements", "study", "pilot"}, "alice");
  ASSERT_GT(disagreements["disagreements"].size(), 2u);
  const json first = disagreements["disagreements"][0];
  EXPECT_EQ(first["id"], "int-01:1:emotional");
  EXPECT_EQ(first["values"]["carol"], "none");
  EXPECT_EQ(first["suggestion"], "emotional");

  CommandResult empty = Icr({"resolve", "study", "pilot", "int-01:1:emotional", "--value",
                             "emotional", "--rationale", ""},
                            "lead");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("rationale"), std::string::npos);
  CommandResult coder = Icr({"resolve", "study", "pilot", "int-01:1:emotional", "--value",
                             "emotional", "--rationale", "mine"},
                            "carol");
  EXPECT_EQ(coder.exit_code, 1);
  Ok({"resolve", "study", "pilot", "int-01:1:emotional", "--value", "none", "--rationale",
      "first reading"},
     "lead");
  json again = Json({"resolve", "study", "pilot", "int-01:1:emotional", "--value", "emotional",
                     "--rationale", "talking about stress is emotional support"},
                    "lead");
  EXPECT_EQ(again["replaces"], "1");  // int64 in protobuf's JSON mapping

  CommandResult consensus = Icr({"consensus", "study", "pilot", "--output", "csv"}, "lead");
  ASSERT_EQ(consensus.exit_code, 0) << consensus.err;
  EXPECT_NE(consensus.out.find("\"int-01\",\"emotional\",\"1\",\"resolved\","
                               "\"talking about stress is emotional support\",\"lead\""),
            std::string::npos)
      << consensus.out;
  EXPECT_NE(consensus.out.find("\"int-01\",\"barrier\",\"2\",\"agreed\""), std::string::npos);

  json after = Json({"agreement", "study", "pilot"}, "lead");
  EXPECT_EQ(after["resolved"], 1);
  EXPECT_EQ(after["negotiated"].size(), 3u);
}

// Issue 16's case: two coders, two documents; the first coded by both and
// marked done, the second in progress for both with nothing applied (coded
// and retracted). Only finished work counts by default: 0.667 on the first
// document; with --include_unfinished the untouched second document counts
// as "both applied nothing": 0.833. Each equals `icr stats` on the matching
// CSV.
TEST_F(AgreementEndToEndTest, OnlyFinishedDocumentsCountUnlessAskedOtherwise) {
  StartStudy({"alice", "bob"});
  Ok({"code", "add", "study", "x", "--name", "X"}, "lead");
  for (const char* doc : {"doc-1", "doc-2"}) {
    Ok({"doc", "add", "study", doc, "--file",
        Write(std::string(doc) + ".txt", "one\n\ntwo\n\nthree\n"), "--segment", "paragraph"},
       "lead");
  }
  Ok({"round", "create", "study", "r1", "--docs", "doc-1,doc-2", "--coders", "alice,bob"}, "lead");
  // doc-1: alice applies x to segments 0 and 1, bob to 0: they agree on 2 of 3.
  Ok({"coding", "submit", "study", "r1", "--file",
      Write("alice.csv", "document,code,segment\ndoc-1,x,0\ndoc-1,x,1\ndoc-2,x,2\n")},
     "alice");
  Ok({"coding", "submit", "study", "r1", "--file",
      Write("bob.csv", "document,code,segment\ndoc-1,x,0\ndoc-2,x,2\n")},
     "bob");
  for (const char* coder : {"alice", "bob"}) {
    json codings =
        Json({"coding", "list", "study", "r1", "--coder", coder, "--document", "doc-2"}, "lead");
    ASSERT_EQ(codings["codings"].size(), 1u);
    Ok({"coding", "retract", "study", "r1", codings["codings"][0]["id"].get<std::string>(),
        "--reason", "not x after all"},
       coder);
    Ok({"coding", "done", "study", "r1", "doc-1"}, coder);
  }
  auto percent = [](const json& table) {
    for (const json& c : table["overall"]["coefficients"]) {
      if (c["name"] == "percent_agreement") return c["value"].get<double>();
    }
    return -1.0;
  };
  auto stats_percent = [&](int documents) {
    std::string csv = "unit,coder,value\n";
    const std::map<std::string, std::set<int>> applied = {{"alice", {0, 1}}, {"bob", {0}}};
    for (int d = 0; d < documents; ++d) {
      for (int s = 0; s < 3; ++s) {
        for (const auto& [coder, segments] : applied) {
          const bool on = d == 0 && segments.count(s);
          csv += "d" + std::to_string(d) + "s" + std::to_string(s) + "," + coder + "," +
                 (on ? "1" : "0") + "\n";
        }
      }
    }
    json stats = Json({"stats", "--input", Write("stats.csv", csv)});
    for (const json& c : stats["coefficients"]) {
      if (c["name"] == "percent_agreement") return c["value"].get<double>();
    }
    return -1.0;
  };

  const json finished = Json({"agreement", "study", "r1"}, "lead");
  EXPECT_NEAR(percent(finished), 2.0 / 3, 1e-9);
  EXPECT_NEAR(percent(finished), stats_percent(1), 1e-12);
  EXPECT_EQ(finished["work"]["pairs_counted"], 2);
  EXPECT_EQ(finished["work"]["pairs_in_progress"], 2);
  EXPECT_EQ(finished["work"]["pairs_not_started"], 0);

  const json all = Json({"agreement", "study", "r1", "--include_unfinished"}, "lead");
  EXPECT_NEAR(percent(all), 5.0 / 6, 1e-9);
  EXPECT_NEAR(percent(all), stats_percent(2), 1e-12);
  EXPECT_EQ(all["work"]["pairs_counted"], 4);
  EXPECT_EQ(all["work"]["include_unfinished"], true);

  CommandResult table = Icr({"agreement", "study", "r1"}, "lead");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("counted: 2 (coder, document) pairs; left out: 2 in progress, 0 not "
                           "started"),
            std::string::npos)
      << table.out;
  // Disagreements: only doc-1's segment 1 either way (doc-2 has nothing).
  const json disagreements = Json({"disagreements", "study", "r1"}, "lead");
  ASSERT_EQ(disagreements["disagreements"].size(), 1u);
  EXPECT_EQ(disagreements["disagreements"][0]["id"], "doc-1:1:x");
  EXPECT_EQ(disagreements["work"]["pairs_in_progress"], 2);
  CommandResult listed = Icr({"disagreements", "study", "r1", "--include_unfinished"}, "lead");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("counted: 4 (coder, document) pairs; left out: 0 in progress"),
            std::string::npos)
      << listed.out;
}

TEST_F(AgreementEndToEndTest, IntraclassCorrelationsThroughTheCli) {
  StartStudy({"alice", "bob"});
  for (int v = 1; v <= 4; ++v) {
    const std::string id = "s" + std::to_string(v);
    Ok({"code", "add", "study", id, "--name", id, "--value", std::to_string(v)}, "lead");
  }
  Ok({"domain", "create", "study", "score", "--level", "interval", "--codes", "s1,s2,s3,s4"},
     "lead");
  for (const char* doc : {"doc-1", "doc-2"}) {
    Ok({"doc", "add", "study", doc, "--file",
        Write(std::string(doc) + ".txt", "one\n\ntwo\n\nthree\n\nfour\n\nfive\n"), "--segment",
        "paragraph"},
       "lead");
  }
  Ok({"round", "create", "study", "r1", "--docs", "doc-1,doc-2", "--coders", "alice,bob"}, "lead");
  // Scores on doc-1; bob one higher on two segments. Spans of s1 on both
  // documents, bob's a little shorter on doc-2.
  const std::map<std::string, std::vector<int>> scores = {{"alice", {1, 2, 3, 4, 2}},
                                                          {"bob", {1, 3, 3, 4, 3}}};
  std::string stats = "unit,coder,value\n";
  for (const auto& [coder, given] : scores) {
    std::string csv = "document,code,segment\n";
    for (size_t s = 0; s < given.size(); ++s) {
      csv += "doc-1,s" + std::to_string(given[s]) + "," + std::to_string(s) + "\n";
      stats += "u" + std::to_string(s) + "," + coder + "," + std::to_string(given[s]) + "\n";
    }
    Ok({"coding", "submit", "study", "r1", "--file", Write(coder + ".csv", csv)}, coder);
    Ok({"coding", "done", "study", "r1", "doc-1"}, coder);
    Ok({"coding", "done", "study", "r1", "doc-2"}, coder);
  }
  const json icc = Json({"agreement", "study", "r1", "--by", "domain", "--codes", "score",
                         "--coefficients", "krippendorff_alpha,icc_a1,icc_c1"},
                        "lead");
  const json offline =
      Json({"stats", "--input", Write("scores.csv", stats), "--level", "interval", "--icc"});
  ASSERT_EQ(icc["rows"].size(), 1u);
  const json& row = icc["rows"][0]["coefficients"];
  ASSERT_EQ(row.size(), 3u);
  EXPECT_EQ(row[1]["name"], "icc_c1");
  EXPECT_EQ(row[2]["name"], "icc_a1");
  int compared = 0;
  for (const json& c : {row[1], row[2]}) {
    for (const json& want : offline["icc"]) {
      if (want["coefficient"] != c["name"]) continue;
      ++compared;
      EXPECT_NEAR(c["value"].get<double>(), want["value"].get<double>(), 1e-12);
      EXPECT_NEAR(c["ci_low"].get<double>(), want["ci_low"].get<double>(), 1e-12);
      EXPECT_NEAR(c["p_value"].get<double>(), want["p_value"].get<double>(), 1e-12);
      EXPECT_EQ(c["se_method"], "f_distribution");
    }
  }
  EXPECT_EQ(compared, 2);
  // The table lists the ICC columns too.
  CommandResult table = Icr(
      {"agreement", "study", "r1", "--by", "domain", "--codes", "score", "--coefficients", "icc"},
      "lead");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("icc_ak"), std::string::npos) << table.out;
  CommandResult refused = Icr({"agreement", "study", "r1", "--coefficients", "icc_a1"}, "lead");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("coefficients: icc_a1"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace icr
