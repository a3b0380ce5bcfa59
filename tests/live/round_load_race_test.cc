// Live agreement where its incremental state meets the round's first load,
// over real gRPC on an in-process server with a temporary RocksDB:
//  - codings submitted while the first ComputeAgreement of a round loads it
//    (the interleaving RoundData's dedupe by coding id exists for) are
//    counted once: the live answer equals a fresh server's on the same data;
//  - codings retracted before the first load are not counted: the round
//    equals a round that never had them;
//  - a code merged while the round is RECONCILING: the live answer equals a
//    fresh server's after the merge.

#include <atomic>
#include <iostream>
#include <latch>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "tests/testing/study_fixture.h"

namespace icr {
namespace {

constexpr int kDocuments = 3;
constexpr int kSegments = 40;
const std::vector<std::string> kCoders = {"alice", "bob", "carol"};
const std::vector<std::string> kCodes = {"c1", "c2", "c3", "c4"};

class RoundLoadRaceTest : public testing::StudyTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    Stubs();
    ASSERT_NO_FATAL_FAILURE(CreateStudy("Study", kCoders));
    for (const std::string& c : kCoders) ASSERT_NO_FATAL_FAILURE(AddMember(c, v1::CODER));
    for (const std::string& code : kCodes) ASSERT_NO_FATAL_FAILURE(AddCode(code, code));
    std::string text;
    for (int s = 0; s < kSegments; ++s) text += "paragraph " + std::to_string(s) + "\n\n";
    for (int d = 0; d < kDocuments; ++d) {
      ASSERT_NO_FATAL_FAILURE(AddParagraphDocument("d" + std::to_string(d), text));
    }
  }

  void Stubs() {
    coding_ = v1::CodingService::NewStub(channel_);
    agreement_ = v1::AgreementService::NewStub(channel_);
  }

  void CreateRound(const std::string& round) {
    std::vector<std::string> documents;
    for (int d = 0; d < kDocuments; ++d) documents.push_back("d" + std::to_string(d));
    AddRound(round, documents, kCoders);
  }

  // One coding per call (many small writes, so that some land while a load
  // runs); returns the coding's id.
  std::string Submit(const std::string& round, const std::string& coder, int d, int s,
                     const std::string& code) {
    v1::SubmitCodingsRequest batch;
    batch.set_project("study");
    batch.set_round(round);
    v1::CodingInput* in = batch.add_codings();
    in->set_document("d" + std::to_string(d));
    in->set_code(code);
    in->set_segment(s);
    v1::SubmitCodingsResponse response;
    grpc::Status status =
        Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_, batch, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.coding_ids_size() == 1 ? response.coding_ids(0) : "";
  }

  // The codings of one coder on documents [first, last): each segment gets
  // each code with probability 0.3, drawn from `seed`.
  struct Coding {
    std::string coder;
    int document, segment;
    std::string code;
  };
  static std::vector<Coding> Plan(const std::string& coder, int first, int last, uint32_t seed) {
    std::mt19937 rng(seed);
    std::bernoulli_distribution on(0.3);
    std::vector<Coding> out;
    for (int d = first; d < last; ++d) {
      for (int s = 0; s < kSegments; ++s) {
        for (const std::string& code : kCodes) {
          if (on(rng)) out.push_back({coder, d, s, code});
        }
      }
    }
    return out;
  }

  void MarkAllDone(const std::string& round) {
    for (const std::string& coder : kCoders) {
      for (int d = 0; d < kDocuments; ++d) {
        v1::SetDocumentProgressRequest r;
        r.set_project("study");
        r.set_round(round);
        r.set_document("d" + std::to_string(d));
        r.set_state(v1::DONE);
        Ok(Call(tokens_[coder], &v1::CodingService::Stub::SetDocumentProgress, *coding_, r));
      }
    }
  }

  v1::ComputeAgreementResponse Compute(const std::string& round, const std::string& analysis,
                                       bool include_unfinished) {
    v1::ComputeAgreementRequest request;
    request.set_project("study");
    request.set_round(round);
    request.set_analysis(analysis);
    request.set_include_unfinished(include_unfinished);
    v1::ComputeAgreementResponse response;
    grpc::Status status =
        Call(lead_, &v1::AgreementService::Stub::ComputeAgreement, *agreement_, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // What two computations on the same data must share: everything but the
  // version, when and how long, and (across rounds) the round's name.
  static std::string Comparable(v1::ComputeAgreementResponse r) {
    r.clear_version();
    r.clear_compute_time();
    r.clear_compute_micros();
    r.clear_round();
    return r.SerializeAsString();
  }

  // Every analysis of `round` that the test compares, finished work only and
  // with unfinished work, as comparable strings.
  std::map<std::string, std::string> Snapshot(const std::string& round) {
    std::map<std::string, std::string> out;
    for (const bool unfinished : {false, true}) {
      for (const char* analysis : {"code", "set"}) {
        out[std::string(analysis) + (unfinished ? "+unfinished" : "")] =
            Comparable(Compute(round, analysis, unfinished));
      }
    }
    return out;
  }

  int64_t PairableValues(const std::string& round, const std::string& code) {
    const v1::ComputeAgreementResponse response = Compute(round, "code", true);
    for (const auto& row : response.rows()) {
      if (row.key() == code) return row.pairable_values();
    }
    return 0;
  }

  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_;
};

// Each round is loaded for the first time by a ComputeAgreement that starts
// together with three coders' submissions, one coding per call, so that
// codings are written while the load reads the stored ones (and arrive again
// through the change stream). Several rounds, so that several loads race.
//
// Submissions committed while a reader holds the round's build lock (its
// first load, or any ComputeAgreement) are counted once, and never stop the
// server (OnCodings once unlocked a lock its try had not taken, which threw
// on the writer's thread).
TEST_F(RoundLoadRaceTest, SubmissionsRacingTheFirstLoadAreCountedOnce) {
  constexpr int kRounds = 6;
  std::atomic<int> during{0};
  for (int r = 0; r < kRounds; ++r) {
    const std::string round = "r" + std::to_string(r);
    CreateRound(round);
    // Stored before the load: document d0.
    for (size_t c = 0; c < kCoders.size(); ++c) {
      for (const Coding& k : Plan(kCoders[c], 0, 1, 100 * r + c)) {
        Submit(round, k.coder, k.document, k.segment, k.code);
      }
    }
    // Two submitters per coder (one per document), two readers; the first
    // reader's first call loads the round. `during` counts submissions
    // answered while that load was in flight.
    std::latch start(2 * kCoders.size() + 2);
    std::atomic<bool> loading{false};
    std::atomic<bool> loaded{false};
    std::vector<std::thread> threads;
    for (size_t c = 0; c < kCoders.size(); ++c) {
      for (int d = 1; d < kDocuments; ++d) {
        threads.emplace_back([&, c, d] {
          const std::vector<Coding> plan = Plan(kCoders[c], d, d + 1, 1000 * r + 10 * c + d);
          start.arrive_and_wait();
          for (const Coding& k : plan) {
            Submit(round, k.coder, k.document, k.segment, k.code);
            if (loading && !loaded) ++during;
          }
        });
      }
    }
    for (int reader = 0; reader < 2; ++reader) {
      threads.emplace_back([&, reader] {
        start.arrive_and_wait();
        for (int i = 0; i < 5; ++i) {
          if (reader == 0 && i == 0) loading = true;
          Compute(round, "code", true);
          if (reader == 0 && i == 0) loaded = true;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    MarkAllDone(round);
  }
  // Without submissions answered during a load the test would not test the
  // interleaving it is for.
  EXPECT_GT(during.load(), 0);
  std::cout << "submissions answered while a round's first load ran: " << during.load() << "\n";
  std::map<std::string, std::map<std::string, std::string>> live;
  for (int r = 0; r < kRounds; ++r)
    live["r" + std::to_string(r)] = Snapshot("r" + std::to_string(r));
  RestartServer();
  Stubs();
  for (int r = 0; r < kRounds; ++r) {
    const std::string round = "r" + std::to_string(r);
    const auto fresh = Snapshot(round);
    for (const auto& [what, answer] : fresh) {
      EXPECT_EQ(live[round][what], answer) << round << " " << what;
    }
  }
}

// Codings retracted before anything computed the round's agreement: the
// first load must leave them out, as a round that never had them.
TEST_F(RoundLoadRaceTest, RetractionsBeforeTheFirstLoadAreNotCounted) {
  CreateRound("retracted");
  CreateRound("never");
  std::mt19937 rng(5);
  int retracted = 0;
  for (size_t c = 0; c < kCoders.size(); ++c) {
    for (const Coding& k : Plan(kCoders[c], 0, kDocuments, 7 + c)) {
      const std::string id = Submit("retracted", k.coder, k.document, k.segment, k.code);
      if (rng() % 3 == 0) {
        v1::RetractCodingRequest retract;
        retract.set_project("study");
        retract.set_round("retracted");
        retract.set_coding(id);
        retract.set_reason("test");
        Ok(Call(tokens_[k.coder], &v1::CodingService::Stub::RetractCoding, *coding_, retract));
        ++retracted;
      } else {
        Submit("never", k.coder, k.document, k.segment, k.code);
      }
    }
  }
  ASSERT_GT(retracted, 50);
  MarkAllDone("retracted");
  MarkAllDone("never");
  const auto with_retractions = Snapshot("retracted");  // the first load
  const auto without = Snapshot("never");
  for (const auto& [what, answer] : without) {
    EXPECT_EQ(with_retractions.at(what), answer) << what;
  }
  RestartServer();
  Stubs();
  EXPECT_EQ(Snapshot("retracted"), with_retractions);
}

// A merge while the round is RECONCILING changes the codebook under a
// loaded round: the live answer must follow it as a fresh load does.
TEST_F(RoundLoadRaceTest, MergeDuringReconcilingEqualsAFreshLoad) {
  CreateRound("r1");
  for (size_t c = 0; c < kCoders.size(); ++c) {
    for (const Coding& k : Plan(kCoders[c], 0, kDocuments, 40 + c)) {
      Submit("r1", k.coder, k.document, k.segment, k.code);
    }
  }
  MarkAllDone("r1");
  const int64_t c1_before = PairableValues("r1", "c1");  // loads the round
  ASSERT_GT(c1_before, 0);
  v1::AdvanceRoundRequest advance;
  advance.set_project("study");
  advance.set_round("r1");
  Ok(Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_, advance));
  Snapshot("r1");
  v1::MergeCodeRequest merge;
  merge.set_project("study");
  merge.set_from_code("c2");
  merge.set_into_code("c1");
  Ok(Call(lead_, &v1::ProjectService::Stub::MergeCode, *project_, merge));
  const auto live = Snapshot("r1");
  const v1::ComputeAgreementResponse by_code = Compute("r1", "code", false);
  EXPECT_EQ(by_code.round_state(), "RECONCILING");
  for (const auto& row : by_code.rows()) EXPECT_NE(row.key(), "c2");
  RestartServer();
  Stubs();
  const auto fresh = Snapshot("r1");
  for (const auto& [what, answer] : fresh) EXPECT_EQ(live.at(what), answer) << what;
}

}  // namespace
}  // namespace icr
