// The plan step of `icr import qdpx` on a fixture archive, without a server:
// which codes, documents, round and codings an import sends, with which
// request ids, against an empty project and against one that already holds
// what the first import stored.

#include "client/refi/import_plan.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "client/refi/archive.h"
#include "client/refi/ids.h"
#include "client/refi/plan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace icr::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kData = ICR_REFI_TEST_DATA;  // tests/data/refi
const std::string kFileSha = std::string(64, 'a');

class ImportPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<refi::Project> archive = refi::ReadQdpxFile(kData + "/atlas.qdpx");
    ASSERT_TRUE(archive.ok()) << archive.status();
    archive_ = *std::move(archive);
    absl::StatusOr<refi::ImportPlan> sources =
        refi::PlanImport(archive_, refi::PositionUnit::kCodePoints, "atlas.qdpx");
    ASSERT_TRUE(sources.ok()) << sources.status();
    sources_ = *std::move(sources);
    by_name_.user_map = {{"Alice", "alice"}, {"Bob", "bob"}};
    by_name_.user_map_file = "users.csv";
    empty_.caller = "alice";
  }

  absl::StatusOr<QdpxImportPlan> Plan(const CoderChoice& choice, const ServerView& server,
                                      const std::string& round = "r1",
                                      const std::string& file_sha256 = kFileSha) {
    return PlanQdpxImport(archive_, sources_, "study", round, choice, server, file_sha256,
                          "atlas.qdpx: project.qde");
  }

  // Every request id of `plan`, in the order they are sent.
  static std::vector<std::string> RequestIds(const QdpxImportPlan& plan) {
    std::vector<std::string> ids;
    for (const CodebookPlan::Step& step : plan.codebook.steps) ids.push_back(step.request_id);
    for (const v1::CreateDocumentRequest& d : plan.new_documents) ids.push_back(d.request_id());
    if (plan.new_round) ids.push_back(plan.new_round->request_id());
    for (const CoderImport& coder : plan.coders) {
      for (const v1::SubmitCodingsRequest& batch : coder.batches) {
        ids.push_back(batch.request_id());
      }
      for (const v1::SetDocumentProgressRequest& done : coder.done) {
        ids.push_back(done.request_id());
      }
    }
    return ids;
  }

  // The server after `plan` was applied to `before`: its codes, documents
  // and round stored.
  static ServerView After(const QdpxImportPlan& plan, const ServerView& before) {
    ServerView after = before;
    for (const CodebookPlan::Step& step : plan.codebook.steps) after.codes.push_back(step.code);
    for (const v1::CreateDocumentRequest& created : plan.new_documents) {
      v1::Document document;
      document.set_id(created.id());
      document.set_sha256(refi::Sha256Hex(created.text()));
      after.documents.push_back(document);
    }
    if (plan.new_round) {
      v1::Round round;
      round.set_id(plan.new_round->id());
      round.set_state(v1::OPEN);
      *round.mutable_documents() = plan.new_round->documents();
      *round.mutable_coders() = plan.new_round->coders();
      after.round = round;
    }
    return after;
  }

  refi::Project archive_;
  refi::ImportPlan sources_;
  CoderChoice by_name_;
  ServerView empty_;
};

TEST_F(ImportPlanTest, IntoAnEmptyProjectCreatesCodesDocumentRoundAndEachCodersCodings) {
  absl::StatusOr<QdpxImportPlan> plan = Plan(by_name_, empty_);
  ASSERT_TRUE(plan.ok()) << plan.status();

  // The three-level codebook, parents before children.
  std::vector<std::string> created, parents;
  for (const CodebookPlan::Step& step : plan->codebook.steps) {
    EXPECT_TRUE(step.create) << step.code.id();
    created.push_back(step.code.name());
    parents.push_back(step.code.parent());
  }
  EXPECT_THAT(created,
              ElementsAre("Support", "Peer mentoring", "Mentoring helped", "Wellbeing", "Stress"));
  EXPECT_EQ(parents[2], plan->codebook.code_of_guid.at("C0000002-0000-4000-8000-000000000002"));
  EXPECT_EQ(plan->codebook.steps[0].code.color(), "#FF0000");

  // The one text source (the PDF is not taken) as a new document.
  ASSERT_EQ(plan->new_documents.size(), 1u);
  const v1::CreateDocumentRequest& document = plan->new_documents[0];
  EXPECT_EQ(document.project(), "study");
  EXPECT_EQ(document.title(), "Interview 01");
  EXPECT_EQ(document.text(), sources_.sources[0].text);
  EXPECT_EQ(plan->matched_documents, 0);

  // The round, named after the archive, with the document and both coders.
  ASSERT_TRUE(plan->new_round.has_value());
  EXPECT_EQ(plan->new_round->id(), "r1");
  EXPECT_EQ(plan->new_round->title(), "Mentoring study");
  EXPECT_THAT(plan->new_round->documents(), ElementsAre(document.id()));
  EXPECT_THAT(plan->new_round->coders(), ElementsAre("alice", "bob"));
  EXPECT_THAT(plan->round_coders, ElementsAre("alice", "bob"));

  // Each coder's two codings in one batch; the caller's own without
  // on_behalf_of; then the coded document marked done.
  ASSERT_EQ(plan->coders.size(), 2u);
  const CoderImport& alice = plan->coders[0];
  const CoderImport& bob = plan->coders[1];
  EXPECT_EQ(alice.coder, "alice");
  EXPECT_EQ(alice.codings, 2);
  ASSERT_EQ(alice.batches.size(), 1u);
  EXPECT_EQ(alice.batches[0].on_behalf_of(), "");
  ASSERT_EQ(alice.batches[0].codings_size(), 2);
  const v1::CodingInput& mentoring = alice.batches[0].codings(0);
  EXPECT_EQ(mentoring.document(), document.id());
  EXPECT_EQ(mentoring.code(),
            plan->codebook.code_of_guid.at("C0000003-0000-4000-8000-000000000003"));
  EXPECT_EQ(mentoring.span().start(), 15);
  EXPECT_EQ(mentoring.span().end(), 34);
  EXPECT_EQ(bob.coder, "bob");
  EXPECT_EQ(bob.codings, 2);
  ASSERT_EQ(bob.batches.size(), 1u);
  EXPECT_EQ(bob.batches[0].on_behalf_of(), "bob");
  ASSERT_EQ(bob.done.size(), 1u);
  EXPECT_EQ(bob.done[0].document(), document.id());
  EXPECT_EQ(bob.done[0].state(), v1::DONE);
  EXPECT_EQ(bob.done[0].on_behalf_of(), "bob");
  EXPECT_EQ(plan->duplicates, 0);

  // Every request has its own id, derived from the file.
  const std::vector<std::string> ids = RequestIds(*plan);
  EXPECT_EQ(ids.size(), 5u + 1 + 1 + 2 * 2);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (const std::string& id : ids) EXPECT_THAT(id, StartsWith("refi-"));
}

TEST_F(ImportPlanTest, RequestIdsRepeatForTheSameFileAndDifferForAnother) {
  absl::StatusOr<QdpxImportPlan> first = Plan(by_name_, empty_);
  absl::StatusOr<QdpxImportPlan> again = Plan(by_name_, empty_);
  absl::StatusOr<QdpxImportPlan> other =
      Plan(by_name_, empty_, "r1", /*file_sha256=*/std::string(64, 'b'));
  ASSERT_TRUE(first.ok() && again.ok() && other.ok());
  EXPECT_EQ(RequestIds(*first), RequestIds(*again));
  const std::vector<std::string> first_ids = RequestIds(*first);
  for (const std::string& id : RequestIds(*other)) {
    EXPECT_EQ(std::count(first_ids.begin(), first_ids.end(), id), 0) << id;
  }
}

TEST_F(ImportPlanTest, ARerunFindsEverythingStoredAndResendsOnlyTheCodings) {
  absl::StatusOr<QdpxImportPlan> first = Plan(by_name_, empty_);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<QdpxImportPlan> again = Plan(by_name_, After(*first, empty_));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->codebook.steps.empty());
  EXPECT_EQ(again->codebook.unchanged, 5);
  EXPECT_EQ(again->codebook.code_of_guid, first->codebook.code_of_guid);
  EXPECT_TRUE(again->new_documents.empty());
  EXPECT_EQ(again->matched_documents, 1);
  EXPECT_FALSE(again->new_round.has_value());
  // The codings go again with the first run's ids: the server stores them once.
  ASSERT_EQ(again->coders.size(), 2u);
  for (size_t i = 0; i < again->coders.size(); ++i) {
    ASSERT_EQ(again->coders[i].batches.size(), 1u);
    EXPECT_EQ(again->coders[i].batches[0].request_id(), first->coders[i].batches[0].request_id());
  }
}

TEST_F(ImportPlanTest, OneCoderForEveryCodingDropsTheDuplicateSelection) {
  CoderChoice alice_only;
  alice_only.coder = "alice";
  absl::StatusOr<QdpxImportPlan> plan = Plan(alice_only, empty_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->coders.size(), 1u);
  EXPECT_EQ(plan->coders[0].codings, 3);
  EXPECT_EQ(plan->duplicates, 1);
  EXPECT_THAT(plan->new_round->coders(), ElementsAre("alice"));
}

TEST_F(ImportPlanTest, WithoutARoundOnlyTheCodebookAndTheDocuments) {
  absl::StatusOr<QdpxImportPlan> plan = Plan(CoderChoice(), empty_, /*round=*/"");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->codebook.steps.size(), 5u);
  EXPECT_EQ(plan->new_documents.size(), 1u);
  EXPECT_FALSE(plan->new_round.has_value());
  EXPECT_TRUE(plan->coders.empty());
}

TEST_F(ImportPlanTest, AnUnmappedUserIsRefusedWithTheLinesTheMapNeeds) {
  CoderChoice alice_only_mapped;
  alice_only_mapped.user_map = {{"Alice", "alice"}};
  alice_only_mapped.user_map_file = "users.csv";
  absl::StatusOr<QdpxImportPlan> plan = Plan(alice_only_mapped, empty_);
  ASSERT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(),
              HasSubstr("its user 22222222-BBBB-4BBB-8BBB-222222222222 (\"Bob\") is not in "
                        "users.csv"));
  EXPECT_THAT(plan.status().message(), HasSubstr("22222222-BBBB-4BBB-8BBB-222222222222,bob"));
}

TEST_F(ImportPlanTest, AnExistingRoundMustBeOpenAndHoldTheCodersAndDocuments) {
  absl::StatusOr<QdpxImportPlan> first = Plan(by_name_, empty_);
  ASSERT_TRUE(first.ok()) << first.status();
  ServerView stored = After(*first, empty_);

  ServerView closed = stored;
  closed.round->set_state(v1::RECONCILING);
  absl::StatusOr<QdpxImportPlan> into_closed = Plan(by_name_, closed);
  EXPECT_EQ(into_closed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(into_closed.status().message(), HasSubstr("only into an OPEN round"));

  ServerView without_bob = stored;
  without_bob.round->clear_coders();
  without_bob.round->add_coders("alice");
  absl::StatusOr<QdpxImportPlan> lacking = Plan(by_name_, without_bob);
  EXPECT_EQ(lacking.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(lacking.status().message(), HasSubstr("does not include coders bob"));
}

}  // namespace
}  // namespace icr::client
