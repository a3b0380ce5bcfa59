// Units by speaker (issue 17) over real gRPC: transcripts made into speaker
// turns by CreateDocument (a WebVTT file and speaker-labelled text), three
// coders, and rounds that take only some speakers' turns as units. The
// units counted, agreement equal to `icr stats` on the same units table,
// the disagreements, the consensus, the free spans cut to the selected
// turns, the watch, the report, and the validation errors naming the field.

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "client/stats/stats_command.h"
#include "gtest/gtest.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "icr/v1/report.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/study_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;
using nlohmann::json;

const std::vector<std::string> kCoders = {"alice", "bob", "carol"};
const std::vector<std::string> kCodes = {"c1", "c2", "c3"};
const std::vector<std::string> kTone = {"neg", "neu", "pos"};  // an ordinal domain

// Twelve timed cues, the interviewer and two participants taking turns.
std::string Vtt() {
  std::string vtt = "WEBVTT\n\n";
  const char* const speakers[] = {"Interviewer", "P12", "Interviewer", "P13"};
  auto seconds = [](int s) { return (s < 10 ? "00:00:0" : "00:00:") + std::to_string(s); };
  for (int i = 0; i < 12; ++i) {
    vtt += seconds(2 * i) + ".000 --> " + seconds(2 * i + 1) + ".500\n<v " + speakers[i % 4] +
           ">Turn " + std::to_string(i) + " of the call, in words.\n\n";
  }
  return vtt;
}

// Speaker-labelled text: ten turns.
std::string LabelledText() {
  std::string text;
  for (int i = 0; i < 10; ++i) {
    text +=
        (i % 2 == 0 ? "Interviewer: question " : (i % 4 == 1 ? "P12: answer " : "P13: answer ")) +
        std::to_string(i) + "\n";
  }
  return text;
}

class SpeakersTest : public testing::StudyTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    coding_ = v1::CodingService::NewStub(channel_);
    agreement_ = v1::AgreementService::NewStub(channel_);
    report_ = v1::ReportService::NewStub(channel_);
    ASSERT_NO_FATAL_FAILURE(CreateStudy("Interviews", kCoders));
    for (const std::string& c : kCoders) ASSERT_NO_FATAL_FAILURE(AddMember(c, v1::CODER));
    for (const std::string& code : kCodes) ASSERT_NO_FATAL_FAILURE(AddCode(code, code));
    v1::Domain domain;
    domain.set_id("tone");
    domain.set_name("Tone");
    domain.set_level(v1::ORDINAL);
    for (size_t i = 0; i < kTone.size(); ++i) {
      v1::Code tone;
      tone.set_id(kTone[i]);
      tone.set_name(kTone[i]);
      tone.set_has_value(true);
      tone.set_value(static_cast<double>(i));
      ASSERT_NO_FATAL_FAILURE(AddCode(tone));
      domain.add_codes(kTone[i]);
    }
    ASSERT_NO_FATAL_FAILURE(AddDomain(domain));
    v1::CreateDocumentRequest zoom;
    zoom.set_project("study");
    zoom.set_id("zoom");
    zoom.set_original(Vtt());
    zoom.set_original_format("vtt");
    zoom.set_segmentation(v1::SEGMENT_TURN);
    AddDocument(zoom);
    v1::CreateDocumentRequest notes;
    notes.set_project("study");
    notes.set_id("notes");
    notes.set_text(LabelledText());
    notes.set_segmentation(v1::SEGMENT_TURN);
    AddDocument(notes);
    ASSERT_EQ(segments_[0].size(), 12u);
    ASSERT_EQ(segments_[1].size(), 10u);
    ASSERT_EQ(segments_[0][1].speaker(), "P12");
    ASSERT_EQ(segments_[1][2].speaker(), "Interviewer");
  }

  void AddDocument(const v1::CreateDocumentRequest& request) {
    v1::CreateDocumentResponse response;
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_, request, &response));
    documents_.push_back(request.id());
    segments_.emplace_back(response.document().segments().begin(),
                           response.document().segments().end());
  }

  grpc::Status CreateRound(const std::string& id, std::vector<std::string> speakers,
                           std::vector<std::string> exclude) {
    v1::CreateRoundRequest round;
    round.set_project("study");
    round.set_id(id);
    for (const auto& d : documents_) round.add_documents(d);
    for (const auto& c : kCoders) round.add_coders(c);
    for (const auto& s : speakers) round.add_speakers(s);
    for (const auto& s : exclude) round.add_exclude_speakers(s);
    return Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_, round);
  }

  // Who applied what where, in round `round`.
  using Key = std::tuple<int, int, std::string>;  // document, segment, code
  std::map<Key, std::set<std::string>> applied_;

  void Submit(const std::string& round, const std::string& coder, int d, int s,
              const std::string& code) {
    v1::SubmitCodingsRequest batch;
    batch.set_project("study");
    batch.set_round(round);
    v1::CodingInput* in = batch.add_codings();
    in->set_document(documents_[d]);
    in->set_code(code);
    in->set_segment(s);
    Ok(Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
    applied_[{d, s, code}].insert(coder);
  }

  void SubmitSpan(const std::string& round, const std::string& coder, int d, int64_t start,
                  int64_t end, const std::string& code) {
    v1::SubmitCodingsRequest batch;
    batch.set_project("study");
    batch.set_round(round);
    v1::CodingInput* in = batch.add_codings();
    in->set_document(documents_[d]);
    in->set_code(code);
    in->mutable_span()->set_start(start);
    in->mutable_span()->set_end(end);
    Ok(Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
  }

  void MarkDone(const std::string& round) {
    for (const std::string& coder : kCoders) {
      for (const std::string& d : documents_) {
        v1::SetDocumentProgressRequest r;
        r.set_project("study");
        r.set_round(round);
        r.set_document(d);
        r.set_state(v1::DONE);
        Ok(Call(tokens_[coder], &v1::CodingService::Stub::SetDocumentProgress, *coding_, r));
      }
    }
  }

  // Realistic codings of the participants' turns (each coder following a
  // "true" code set with probability 0.8); nobody codes the interviewer's
  // questions, but alice once applies c1 to one of them.
  void CodeRound(const std::string& round, uint32_t seed) {
    std::mt19937 rng(seed);
    std::bernoulli_distribution present(0.35), follow(0.8);
    for (int d = 0; d < static_cast<int>(documents_.size()); ++d) {
      for (int s = 0; s < static_cast<int>(segments_[d].size()); ++s) {
        if (segments_[d][s].speaker() == "Interviewer") continue;
        for (const std::string& code : kCodes) {
          const bool truth = present(rng);
          for (const std::string& coder : kCoders) {
            if (follow(rng) ? truth : !truth) Submit(round, coder, d, s, code);
          }
        }
      }
    }
    Submit(round, "alice", 0, 2, "c1");  // segment 2 of the call: the interviewer
    MarkDone(round);
  }

  bool Selected(int d, int s, const std::set<std::string>& speakers,
                const std::set<std::string>& exclude) const {
    const std::string& speaker = segments_[d][s].speaker();
    return (speakers.empty() || speakers.count(speaker)) && !exclude.count(speaker);
  }

  int64_t CountUnits(const std::set<std::string>& speakers,
                     const std::set<std::string>& exclude) const {
    int64_t n = 0;
    for (size_t d = 0; d < segments_.size(); ++d) {
      for (size_t s = 0; s < segments_[d].size(); ++s) {
        n += Selected(static_cast<int>(d), static_cast<int>(s), speakers, exclude);
      }
    }
    return n;
  }

  // The units table `icr stats` reads: binary presence of `codes` on the
  // selected units, a row per (code, unit).
  std::string BinaryCsv(const std::vector<std::string>& codes,
                        const std::set<std::string>& speakers,
                        const std::set<std::string>& exclude) {
    std::string csv = "unit,coder,value\n";
    for (const std::string& code : codes) {
      for (size_t d = 0; d < segments_.size(); ++d) {
        for (size_t s = 0; s < segments_[d].size(); ++s) {
          if (!Selected(static_cast<int>(d), static_cast<int>(s), speakers, exclude)) continue;
          const std::set<std::string>& who = applied_[{d, s, code}];
          for (const std::string& coder : kCoders) {
            csv += code + "|" + std::to_string(d) + "#" + std::to_string(s) + "," + coder + "," +
                   (who.count(coder) ? "1" : "0") + "\n";
          }
        }
      }
    }
    return csv;
  }

  // The set of codes each coder gave each selected unit (none: no value).
  std::string SetCsv(const std::set<std::string>& speakers, const std::set<std::string>& exclude) {
    std::string csv = "unit,coder,value\n";
    for (size_t d = 0; d < segments_.size(); ++d) {
      for (size_t s = 0; s < segments_[d].size(); ++s) {
        if (!Selected(static_cast<int>(d), static_cast<int>(s), speakers, exclude)) continue;
        for (const std::string& coder : kCoders) {
          for (const std::string& code : kCodes) {
            if (applied_[{d, s, code}].count(coder)) {
              csv += std::to_string(d) + "#" + std::to_string(s) + "," + coder + "," + code + "\n";
            }
          }
        }
      }
    }
    return csv;
  }

  json Stats(const std::string& csv, const std::string& metric = "") {
    const std::string path = dir_.path() + "/units.csv";
    std::ofstream(path) << csv;
    client::StatsOptions options;
    options.input = path;
    options.layout = "long";
    if (!metric.empty()) options.metric = metric;
    client::GlobalOptions globals;
    globals.output = client::OutputFormat::kJson;
    std::ostringstream out, err;
    EXPECT_EQ(client::RunStats(options, globals, out, err), 0) << err.str();
    return json::parse(out.str());
  }

  static void ExpectSame(const v1::AgreementRow& row, const json& stats) {
    SCOPED_TRACE(row.key());
    ASSERT_EQ(static_cast<size_t>(row.coefficients_size()), stats["coefficients"].size());
    for (int i = 0; i < row.coefficients_size(); ++i) {
      const v1::Coefficient& got = row.coefficients(i);
      const json& want = stats["coefficients"][i];
      SCOPED_TRACE(got.name());
      EXPECT_EQ(got.name(), want["name"]);
      ASSERT_EQ(got.has_value(), want["defined"].get<bool>()) << got.reason();
      if (got.has_value()) {
        EXPECT_NEAR(got.value(), want["value"].get<double>(), 1e-9);
      }
      EXPECT_EQ(got.pairable_values(), want["pairable_values"].get<int64_t>());
    }
  }

  static void ExpectNear(std::optional<double> a, std::optional<double> b) {
    ASSERT_EQ(a.has_value(), b.has_value());
    if (a) {
      EXPECT_NEAR(*a, *b, 1e-12);
    }
  }

  static std::optional<double> Value(const v1::AgreementRow& row, const std::string& name) {
    for (const auto& c : row.coefficients()) {
      if (c.name() == name && c.has_value()) return c.value();
    }
    return std::nullopt;
  }

  absl::StatusOr<v1::ComputeAgreementResponse> Compute(v1::ComputeAgreementRequest request,
                                                       const std::string& round) {
    request.set_project("study");
    request.set_round(round);
    v1::ComputeAgreementResponse response;
    grpc::Status status =
        Call(lead_, &v1::AgreementService::Stub::ComputeAgreement, *agreement_, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return response;
  }

  void Advance(const std::string& round) {
    v1::AdvanceRoundRequest r;
    r.set_project("study");
    r.set_round(round);
    Ok(Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_, r));
  }

  std::vector<v1::Disagreement> Disagreements(const std::string& round) {
    v1::ListDisagreementsRequest request;
    request.set_project("study");
    request.set_round(round);
    request.set_page_size(1000);
    v1::ListDisagreementsResponse page;
    Ok(Call(lead_, &v1::AgreementService::Stub::ListDisagreements, *agreement_, request, &page));
    EXPECT_TRUE(page.next_page_token().empty());
    return {page.disagreements().begin(), page.disagreements().end()};
  }

  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_;
  std::unique_ptr<v1::ReportService::Stub> report_;
  std::vector<std::string> documents_;
  std::vector<std::vector<v1::Segment>> segments_;
};

TEST_F(SpeakersTest, OnlyTheSelectedTurnsAreUnitsAndAgreementEqualsIcrStats) {
  Ok(CreateRound("r1", {}, {"Interviewer"}));
  CodeRound("r1", 7);
  const std::set<std::string> interviewer = {"Interviewer"};

  absl::StatusOr<v1::ComputeAgreementResponse> r = Compute({}, "r1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->units(), CountUnits({}, interviewer));
  EXPECT_EQ(r->units(), 6 + 5);  // the participants' turns of the call and of the notes
  EXPECT_TRUE(r->speakers().empty());
  ASSERT_EQ(r->exclude_speakers_size(), 1);
  EXPECT_EQ(r->exclude_speakers(0), "Interviewer");
  ASSERT_EQ(r->rows_size(), 3);
  std::vector<std::string> keys;
  for (const auto& row : r->rows()) {
    keys.push_back(row.key());
    EXPECT_EQ(row.units(), r->units());
    ExpectSame(row, Stats(BinaryCsv({row.key()}, {}, interviewer)));
  }
  ExpectSame(r->overall(), Stats(BinaryCsv(keys, {}, interviewer)));

  // Narrowed by the query to one participant.
  v1::ComputeAgreementRequest p12;
  p12.add_speakers("P12");
  r = Compute(p12, "r1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->units(), CountUnits({"P12"}, {}));
  ASSERT_EQ(r->speakers_size(), 1);
  EXPECT_EQ(r->speakers(0), "P12");
  EXPECT_TRUE(r->exclude_speakers().empty());
  ExpectSame(r->overall(), Stats(BinaryCsv(keys, {"P12"}, {})));

  // The set of codes per unit, on the same units.
  v1::ComputeAgreementRequest set;
  set.set_analysis("set");
  set.set_set_metric("jaccard");
  r = Compute(set, "r1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->units(), CountUnits({}, interviewer));
  ASSERT_EQ(r->rows_size(), 1);
  ExpectSame(r->rows(0), Stats(SetCsv({}, interviewer), "jaccard"));

  // The same codings in a round of every segment: the interviewer's
  // questions count as units where every coder but alice applied nothing.
  Ok(CreateRound("all", {}, {}));
  applied_.clear();
  CodeRound("all", 7);
  absl::StatusOr<v1::ComputeAgreementResponse> all = Compute({}, "all");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->units(), 22);
  ExpectSame(all->overall(), Stats(BinaryCsv(keys, {}, {})));
  v1::ComputeAgreementRequest exclude;
  exclude.add_exclude_speakers("Interviewer");
  absl::StatusOr<v1::ComputeAgreementResponse> excluded = Compute(exclude, "all");
  ASSERT_TRUE(excluded.ok()) << excluded.status();
  EXPECT_EQ(excluded->units(), 11);
  const absl::StatusOr<v1::ComputeAgreementResponse> round_filtered = Compute({}, "r1");
  ExpectNear(Value(excluded->overall(), "krippendorff_alpha"),
             Value(round_filtered->overall(), "krippendorff_alpha"));
  EXPECT_NE(Value(all->overall(), "krippendorff_alpha"),
            Value(excluded->overall(), "krippendorff_alpha"));
}

TEST_F(SpeakersTest, ByDomainEqualsIcrStatsOnTheSelectedTurns) {
  Ok(CreateRound("r1", {}, {"Interviewer"}));
  std::mt19937 rng(21);
  std::bernoulli_distribution follow(0.75);
  std::string csv = "unit,coder,value\n";
  for (int d = 0; d < static_cast<int>(documents_.size()); ++d) {
    for (int s = 0; s < static_cast<int>(segments_[d].size()); ++s) {
      const bool question = segments_[d][s].speaker() == "Interviewer";
      const std::string truth = kTone[rng() % 3];
      for (const std::string& coder : kCoders) {
        // Two coders rate the questions too, bob neutral and carol negative:
        // counted, they would be pairable disagreements.
        if (question && coder == "alice") continue;
        const std::string tone = question      ? (coder == "bob" ? "neu" : "neg")
                                 : follow(rng) ? truth
                                               : kTone[rng() % 3];
        Submit("r1", coder, d, s, tone);
        if (!question)
          csv += std::to_string(d) + "#" + std::to_string(s) + "," + coder + "," + tone + "\n";
      }
    }
  }
  MarkDone("r1");
  v1::ComputeAgreementRequest request;
  request.set_analysis("domain");
  absl::StatusOr<v1::ComputeAgreementResponse> r = Compute(request, "r1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->units(), 11);
  ASSERT_EQ(r->rows_size(), 1);
  const std::string path = dir_.path() + "/tone.csv";
  std::ofstream(path) << csv;
  client::StatsOptions options;
  options.input = path;
  options.layout = "long";
  options.level = "ordinal";
  options.order = kTone;
  client::GlobalOptions globals;
  globals.output = client::OutputFormat::kJson;
  std::ostringstream out, err;
  ASSERT_EQ(client::RunStats(options, globals, out, err), 0) << err.str();
  ExpectSame(r->rows(0), json::parse(out.str()));
}

TEST_F(SpeakersTest, DisagreementsConsensusAndReportKeepToTheUnits) {
  Ok(CreateRound("r1", {}, {"Interviewer"}));
  CodeRound("r1", 8);
  Advance("r1");
  // alice's c1 on the interviewer's question is no disagreement here.
  const std::vector<v1::Disagreement> listed = Disagreements("r1");
  ASSERT_FALSE(listed.empty());
  for (const v1::Disagreement& d : listed) {
    const int doc = d.document() == "zoom" ? 0 : 1;
    EXPECT_NE(segments_[doc][d.segment()].speaker(), "Interviewer") << d.id();
  }
  const absl::StatusOr<v1::ComputeAgreementResponse> r = Compute({}, "r1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->disagreements(), static_cast<int64_t>(listed.size()));

  v1::ResolveDisagreementRequest resolve;
  resolve.set_project("study");
  resolve.set_round("r1");
  resolve.set_disagreement("zoom:2:c1");
  resolve.set_value("none");
  resolve.set_rationale("the interviewer's question is not coded");
  grpc::Status status =
      Call(lead_, &v1::AgreementService::Stub::ResolveDisagreement, *agreement_, resolve);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("not a unit"), std::string::npos) << status.error_message();

  v1::GetConsensusRequest consensus;
  consensus.set_project("study");
  consensus.set_round("r1");
  v1::GetConsensusResponse agreed;
  Ok(Call(lead_, &v1::AgreementService::Stub::GetConsensus, *agreement_, consensus, &agreed));
  ASSERT_GT(agreed.codings_size(), 0);
  for (const v1::ConsensusCoding& c : agreed.codings()) {
    const int doc = c.document() == "zoom" ? 0 : 1;
    EXPECT_NE(segments_[doc][c.segment()].speaker(), "Interviewer");
  }
  for (const std::string& id : agreed.unresolved()) {
    EXPECT_EQ(id.find("zoom:2:"), std::string::npos) << id;
  }

  // The report says which turns were the units.
  v1::GetReportRequest request;
  request.set_project("study");
  request.set_round("r1");
  request.set_format(v1::MARKDOWN);
  request.set_interval("none");
  v1::GetReportResponse markdown;
  Ok(Call(lead_, &v1::ReportService::Stub::GetReport, *report_, request, &markdown));
  EXPECT_NE(markdown.content().find("- units: the documents' segments other than the turns of "
                                    "Interviewer"),
            std::string::npos)
      << markdown.content();
  EXPECT_NE(markdown.content().find("Units of analysis: 11, the documents' segments other than "
                                    "the turns of Interviewer."),
            std::string::npos);
  EXPECT_NE(markdown.content().find("(11 units of analysis: the documents' segments other than "
                                    "the turns of Interviewer)"),
            std::string::npos);
  EXPECT_NE(markdown.content().find("The turns of Interviewer were not units"), std::string::npos);
  request.set_format(v1::JSON);
  v1::GetReportResponse report;
  Ok(Call(lead_, &v1::ReportService::Stub::GetReport, *report_, request, &report));
  const json parsed = json::parse(report.content());
  EXPECT_EQ(parsed["rounds"][0]["exclude_speakers"], json({"Interviewer"}));
  EXPECT_EQ(parsed["rounds"][0]["speakers"], json::array());
  request.set_format(v1::LATEX);
  v1::GetReportResponse latex;
  Ok(Call(lead_, &v1::ReportService::Stub::GetReport, *report_, request, &latex));
  EXPECT_NE(latex.content().find("(units: the documents' segments other than the turns of "
                                 "Interviewer)"),
            std::string::npos)
      << latex.content();
}

TEST_F(SpeakersTest, RoundOfParticipantsReportsTheirTurns) {
  Ok(CreateRound("r1", {"P12", "P13"}, {}));
  CodeRound("r1", 9);
  v1::GetReportRequest request;
  request.set_project("study");
  request.set_round("r1");
  request.set_format(v1::MARKDOWN);
  request.set_interval("none");
  v1::GetReportResponse markdown;
  Ok(Call(lead_, &v1::ReportService::Stub::GetReport, *report_, request, &markdown));
  EXPECT_NE(markdown.content().find("(11 units of analysis: the speaker turns of P12 and P13)"),
            std::string::npos)
      << markdown.content();
  EXPECT_NE(markdown.content().find("Only these speakers' turns were units"), std::string::npos);
  // A query cannot widen the round's speakers.
  v1::ComputeAgreementRequest wider;
  wider.add_speakers("Interviewer");
  absl::StatusOr<v1::ComputeAgreementResponse> r = Compute(wider, "r1");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("speakers[0]: \"Interviewer\" is not among the speakers of "
                                      "round r1"),
            std::string::npos)
      << r.status();
  // Excluding one of them narrows to the other.
  v1::ComputeAgreementRequest narrower;
  narrower.add_exclude_speakers("P13");
  r = Compute(narrower, "r1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->units(), CountUnits({"P12"}, {}));
  ASSERT_EQ(r->speakers_size(), 1);
  EXPECT_EQ(r->speakers(0), "P12");
  narrower.add_exclude_speakers("P12");
  r = Compute(narrower, "r1");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("exclude_speakers: excludes every speaker"),
            std::string::npos)
      << r.status();
}

TEST_F(SpeakersTest, FreeSpansAreCutToTheSelectedTurns) {
  Ok(CreateRound("r1", {}, {"Interviewer"}));
  Ok(CreateRound("all", {}, {}));
  const v1::Segment& question = segments_[0][0];  // Interviewer
  const v1::Segment& answer = segments_[0][1];    // P12
  for (const std::string round : {"r1", "all"}) {
    SubmitSpan(round, "alice", 0, answer.start(), answer.end(), "c2");
    // From the question into the answer: in r1 only the answer is left.
    SubmitSpan(round, "bob", 0, question.start() + 2, answer.end(), "c2");
    SubmitSpan(round, "carol", 0, answer.start(), answer.end(), "c2");
    // Inside the question: dropped in r1.
    SubmitSpan(round, "carol", 0, question.start(), question.end() - 1, "c3");
    MarkDone(round);
  }
  v1::ComputeAgreementRequest span;
  span.set_analysis("span");
  absl::StatusOr<v1::ComputeAgreementResponse> cut = Compute(span, "r1");
  ASSERT_TRUE(cut.ok()) << cut.status();
  absl::StatusOr<v1::ComputeAgreementResponse> whole = Compute(span, "all");
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(cut->overall().units(), 3);  // spans left
  EXPECT_EQ(whole->overall().units(), 4);
  ASSERT_TRUE(Value(cut->overall(), "unitizing_alpha").has_value());
  EXPECT_NEAR(*Value(cut->overall(), "unitizing_alpha"), 1.0, 1e-12);
  ASSERT_TRUE(Value(whole->overall(), "unitizing_alpha").has_value());
  EXPECT_LT(*Value(whole->overall(), "unitizing_alpha"), 0.99);
}

TEST_F(SpeakersTest, WatchUsesTheSameUnits) {
  Ok(CreateRound("r1", {}, {"Interviewer"}));
  CodeRound("r1", 10);
  v1::WatchAgreementRequest watch;
  watch.set_project("study");
  watch.set_round("r1");
  watch.mutable_query()->add_speakers("P13");
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + lead_);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = agreement_->WatchAgreement(&context, watch);
  v1::ComputeAgreementResponse first;
  ASSERT_TRUE(reader->Read(&first));
  context.TryCancel();
  reader->Finish();
  v1::ComputeAgreementRequest p13;
  p13.add_speakers("P13");
  const absl::StatusOr<v1::ComputeAgreementResponse> computed = Compute(p13, "r1");
  ASSERT_TRUE(computed.ok()) << computed.status();
  EXPECT_EQ(first.units(), CountUnits({"P13"}, {}));
  EXPECT_EQ(first.units(), computed->units());
  ASSERT_EQ(first.speakers_size(), 1);
  EXPECT_EQ(first.speakers(0), "P13");
  ExpectNear(Value(first.overall(), "krippendorff_alpha"),
             Value(computed->overall(), "krippendorff_alpha"));
}

TEST_F(SpeakersTest, BadSpeakerListsAreRefusedNamingTheField) {
  struct Case {
    std::vector<std::string> speakers, exclude;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"P12", ""}, {}, "speakers[1]: empty speaker name"},
      {{}, {"  "}, "exclude_speakers[0]: empty speaker name"},
      {{"P12", "P12"}, {}, "speakers[1]: \"P12\" is listed twice"},
      {{"P12"}, {"P12"}, "exclude_speakers[0]: \"P12\" is also in speakers"},
      {{"P99"},
       {},
       "speakers[0]: \"P99\" speaks in none of the round's documents (speakers there: "
       "Interviewer, P12, P13)"},
      {{}, {"Interviwer"}, "exclude_speakers[0]: \"Interviwer\" speaks in none"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.says);
    const grpc::Status status = CreateRound("bad", c.speakers, c.exclude);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find(c.says), std::string::npos) << status.error_message();
  }
  // Nothing was stored.
  v1::GetRoundRequest get;
  get.set_project("study");
  get.set_round("bad");
  EXPECT_EQ(Call(lead_, &v1::ProjectService::Stub::GetRound, *project_, get).error_code(),
            StatusCode::NOT_FOUND);
  // The same checks on a query.
  Ok(CreateRound("r1", {}, {}));
  v1::ComputeAgreementRequest request;
  request.add_speakers("P77");
  absl::StatusOr<v1::ComputeAgreementResponse> r = Compute(request, "r1");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("speakers[0]: \"P77\" speaks in none"), std::string::npos)
      << r.status();
  request.clear_speakers();
  request.add_exclude_speakers("");
  r = Compute(request, "r1");
  EXPECT_NE(r.status().message().find("exclude_speakers[0]: empty speaker name"), std::string::npos)
      << r.status();
}

}  // namespace
}  // namespace icr
