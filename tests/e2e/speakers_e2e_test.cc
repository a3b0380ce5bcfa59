// Units by speaker through the real icr CLI and a real icr-server: a WebVTT
// interview added with --segment turn, a round whose units leave out the
// interviewer's turns, and agreement equal to `icr stats` on the same units
// table; `icr round show`, `icr agreement`, `icr disagreements` say which
// speakers were units; bad speaker lists are refused naming the flag's field.
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/cli_test.h"
#include "tests/testing/subprocess.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;

// Eight cues: the interviewer asks, P12 and P13 answer in turn.
constexpr char kInterview[] =
    "WEBVTT\n\n"
    "00:00:00.000 --> 00:00:02.000\n<v Interviewer>How did it start?\n\n"
    "00:00:02.000 --> 00:00:05.000\n<v P12>With a phone call from a mentor.\n\n"
    "00:00:05.000 --> 00:00:06.000\n<v Interviewer>And you?\n\n"
    "00:00:06.000 --> 00:00:09.000\n<v P13>The mentor had no time for me.\n\n"
    "00:00:09.000 --> 00:00:10.000\n<v Interviewer>What did it cost?\n\n"
    "00:00:10.000 --> 00:00:13.000\n<v P12>The fees were paid by the school.\n\n"
    "00:00:13.000 --> 00:00:14.000\n<v Interviewer>Anything else?\n\n"
    "00:00:14.000 --> 00:00:17.000\n<v P13>Only the bus fare, which I paid.\n";

class SpeakersEndToEndTest : public testing::CliTest {
 protected:
  void SetUp() override { StartServer(); }

  static double Coefficient(const json& coefficients, const std::string& name) {
    for (const json& c : coefficients) {
      if (c["name"] == name) return c["value"].get<double>();
    }
    ADD_FAILURE() << "no " << name << " in " << coefficients.dump();
    return 0;
  }
};

TEST_F(SpeakersEndToEndTest, RoundOfParticipantTurnsAgreesWithIcrStats) {
  const std::string lead = CreateUser("lead");
  std::map<std::string, std::string> coders;
  for (const char* coder : {"alice", "bob", "carol"}) coders[coder] = CreateUser(coder);
  ASSERT_EQ(Icr({"project", "create", "study", "--title", "Mentoring"}, lead).exit_code, 0);
  for (const auto& [coder, token] : coders) {
    ASSERT_EQ(Icr({"member", "add", "study", coder, "--role", "coder"}, lead).exit_code, 0);
  }
  for (const char* code : {"c1", "c2"}) {
    ASSERT_EQ(Icr({"code", "add", "study", code, "--name", code}, lead).exit_code, 0);
  }
  const json doc = IcrJson({"doc", "add", "study", "zoom", "--file",
                            WriteFile("zoom.vtt", kInterview), "--segment", "turn"},
                           lead);
  ASSERT_EQ(doc["document"]["segments"].size(), 8u);
  ASSERT_EQ(doc["document"]["segments"][0]["speaker"], "Interviewer");
  ASSERT_EQ(doc["document"]["segments"][7]["speaker"], "P13");

  // A typo in a speaker's name is refused, naming the field; nothing stored.
  CommandResult typo = Icr({"round", "create", "study", "r1", "--docs", "zoom", "--coders",
                            "alice,bob,carol", "--exclude_speakers", "Interviewr"},
                           lead);
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("exclude_speakers[0]: \"Interviewr\" speaks in none of the round's "
                          "documents (speakers there: Interviewer, P12, P13)"),
            std::string::npos)
      << typo.err;
  CommandResult both = Icr({"round", "create", "study", "r1", "--docs", "zoom", "--coders",
                            "alice,bob,carol", "--speakers", "P12", "--exclude_speakers", "P12"},
                           lead);
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("exclude_speakers[0]: \"P12\" is also in speakers"), std::string::npos)
      << both.err;
  EXPECT_TRUE(IcrJson({"round", "list", "study"}, lead)["rounds"].empty());

  ASSERT_EQ(Icr({"round", "create", "study", "r1", "--docs", "zoom", "--coders", "alice,bob,carol",
                 "--exclude_speakers", "Interviewer"},
                lead)
                .exit_code,
            0);
  CommandResult shown = Icr({"round", "show", "study", "r1"}, lead);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("units: every segment but the turns of Interviewer"), std::string::npos)
      << shown.out;
  EXPECT_EQ(IcrJson({"round", "show", "study", "r1"}, lead)["round"]["exclude_speakers"],
            json({"Interviewer"}));

  // The participants' turns are 1, 3, 5 and 7; alice also codes a question.
  const std::map<std::string, std::string> codings = {
      {"alice", "zoom,c1,1\nzoom,c1,3\nzoom,c2,5\nzoom,c1,0\n"},
      {"bob", "zoom,c1,1\nzoom,c2,3\nzoom,c2,5\n"},
      {"carol", "zoom,c1,1\nzoom,c1,3\nzoom,c2,5\nzoom,c2,7\n"},
  };
  for (const auto& [coder, rows] : codings) {
    CommandResult submitted = Icr({"coding", "submit", "study", "r1", "--file",
                                   WriteFile(coder + ".csv", "document,code,segment\n" + rows)},
                                  coders[coder]);
    ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
    ASSERT_EQ(Icr({"coding", "done", "study", "r1", "zoom"}, coders[coder]).exit_code, 0);
  }

  const json agreement = IcrJson({"agreement", "study", "r1"}, lead);
  EXPECT_EQ(agreement["units"], 4);
  EXPECT_EQ(agreement["exclude_speakers"], json({"Interviewer"}));
  EXPECT_EQ(agreement["speakers"], json::array());
  // The units table of the participants' turns, as `icr stats` reads it.
  std::string table = "unit,coder,value\n";
  for (const std::string code : {"c1", "c2"}) {
    for (int segment : {1, 3, 5, 7}) {
      for (const auto& [coder, rows] : codings) {
        const bool applied =
            rows.find("zoom," + code + "," + std::to_string(segment) + "\n") != std::string::npos;
        table +=
            code + "#" + std::to_string(segment) + "," + coder + "," + (applied ? "1" : "0") + "\n";
      }
    }
  }
  const json stats = IcrJson({"stats", "--input", WriteFile("units.csv", table), "--layout", "long",
                              "--coefficients", "krippendorff_alpha,fleiss_kappa"});
  for (const char* name : {"krippendorff_alpha", "fleiss_kappa"}) {
    SCOPED_TRACE(name);
    EXPECT_NEAR(Coefficient(agreement["overall"]["coefficients"], name),
                Coefficient(stats["coefficients"], name), 1e-9);
  }
  // By hand, from the coincidence matrix of those 8 pooled units (Krippendorff,
  // 2019: D_o = .2500, D_e = .5072): alpha = .50714; Fleiss's kappa .48571.
  EXPECT_NEAR(Coefficient(agreement["overall"]["coefficients"], "krippendorff_alpha"),
              0.5071428571428571, 1e-9);
  EXPECT_NEAR(Coefficient(agreement["overall"]["coefficients"], "fleiss_kappa"),
              0.48571428571428543, 1e-9);

  // Narrowed to one participant by the query; the text says so.
  const json p12 = IcrJson({"agreement", "study", "r1", "--speakers", "P12"}, lead);
  EXPECT_EQ(p12["units"], 2);
  EXPECT_EQ(p12["speakers"], json({"P12"}));
  CommandResult text = Icr({"agreement", "study", "r1", "--speakers", "P12"}, lead);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("units 2 (the turns of P12)"), std::string::npos) << text.out;
  CommandResult wider = Icr({"agreement", "study", "r1", "--speakers", "P14"}, lead);
  EXPECT_EQ(wider.exit_code, 1);
  EXPECT_NE(wider.err.find("speakers[0]: \"P14\" speaks in none"), std::string::npos) << wider.err;

  // Disagreements keep to the units: alice's code on the question is none.
  ASSERT_EQ(Icr({"round", "advance", "study", "r1"}, lead).exit_code, 0);
  CommandResult listed = Icr({"disagreements", "study", "r1"}, lead);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("units: every segment but the turns of Interviewer"), std::string::npos)
      << listed.out;
  const json disagreements = IcrJson({"disagreements", "study", "r1"}, lead);
  std::set<std::string> ids;
  for (const json& d : disagreements["disagreements"]) ids.insert(d["id"]);
  // c1 on 3 (bob: none), c2 on 3 (bob), c2 on 7 (carol).
  EXPECT_EQ(ids, (std::set<std::string>{"zoom:3:c1", "zoom:3:c2", "zoom:7:c2"}));
}

}  // namespace
}  // namespace icr
