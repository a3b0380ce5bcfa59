// LiveAgreement keeps at most LiveOptions::max_rounds rounds in memory: the
// least recently used round is dropped, and a round asked for again is
// loaded again from the store, codings that arrived meanwhile included, with
// the same answer as before.

#include "gtest/gtest.h"
#include "server/catalog/catalog.h"
#include "server/coding/codings.h"
#include "server/common/caller.h"
#include "server/live/live_agreement.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"
#include "tests/testing/temp_dir.h"

namespace icr::live {
namespace {

template <typename T>
T Ok(absl::StatusOr<T> s) {
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

class LiveCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Ok(storage::Store::Open(dir_.path(), storage::StoreOptions{.sync = false}));
    writer_ = std::make_unique<storage::Writer>(*store_, storage::WriterOptions{});
    catalog_ = std::make_unique<catalog::Catalog>(*store_, *writer_, catalog::CatalogOptions{});
    codings_ = std::make_unique<coding::Codings>(*store_, *writer_, coding::CodingsOptions{});
    live_ =
        std::make_unique<LiveAgreement>(*store_, *writer_, *codings_, LiveOptions{.max_rounds = 2});
    const common::Caller admin{.user = "lead", .server_admin = true};
    for (const char* user : {"lead", "alice", "bob"}) {
      v1::CreateUserRequest u;
      u.set_id(user);
      u.set_role(v1::USER);
      Ok(catalog_->CreateUser(admin, u));
    }
    v1::CreateProjectRequest p;
    p.set_id("p");
    p.set_title("P");
    Ok(catalog_->CreateProject(admin, p));
    for (const char* coder : {"alice", "bob"}) {
      v1::AddMemberRequest m;
      m.set_project("p");
      m.set_user(coder);
      m.set_role(v1::CODER);
      Ok(catalog_->AddMember(admin, m));
    }
    v1::CreateCodeRequest code;
    code.set_project("p");
    code.mutable_code()->set_id("x");
    code.mutable_code()->set_name("x");
    Ok(catalog_->CreateCode(admin, code));
    v1::CreateDocumentRequest doc;
    doc.set_project("p");
    doc.set_id("d");
    doc.set_text("a\nb\nc\nd\n");
    doc.set_segmentation(v1::SEGMENT_LINE);
    Ok(catalog_->CreateDocument(admin, doc));
    for (int r = 0; r < 4; ++r) {
      v1::CreateRoundRequest round;
      round.set_project("p");
      round.set_id("r" + std::to_string(r));
      round.add_documents("d");
      round.add_coders("alice");
      round.add_coders("bob");
      Ok(catalog_->CreateRound(admin, round));
      Submit(r, "alice", 0);
      Submit(r, "bob", r % 4);
    }
  }

  void Submit(int round, const std::string& coder, int segment) {
    v1::SubmitCodingsRequest batch;
    batch.set_project("p");
    batch.set_round("r" + std::to_string(round));
    batch.set_on_behalf_of(coder);
    v1::CodingInput* in = batch.add_codings();
    in->set_document("d");
    in->set_code("x");
    in->set_segment(segment);
    Ok(codings_->Submit(lead_, batch));
  }

  v1::ComputeAgreementResponse Compute(int round) {
    v1::ComputeAgreementRequest request;
    request.set_project("p");
    request.set_round("r" + std::to_string(round));
    request.set_include_unfinished(true);
    v1::ComputeAgreementResponse r = Ok(live_->Compute(lead_, request));
    r.clear_version();
    r.clear_compute_time();
    r.clear_compute_micros();
    return r;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::Writer> writer_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<coding::Codings> codings_;
  std::unique_ptr<LiveAgreement> live_;
  common::Caller lead_{.user = "lead", .server_admin = true, .role = v1::OWNER};
};

TEST_F(LiveCacheTest, KeepsAtMostMaxRoundsAndReloadsOnDemand) {
  const std::string first = Compute(0).SerializeAsString();
  for (int r = 1; r < 4; ++r) {
    Compute(r);
    EXPECT_LE(live_->RoundsInMemory(), 2u);
  }
  // r0 was dropped: asked again, it is loaded again, with the same answer.
  EXPECT_EQ(Compute(0).SerializeAsString(), first);
  EXPECT_LE(live_->RoundsInMemory(), 2u);
  // A coding of a round not in memory counts once it is loaded.
  Compute(2);
  Compute(3);  // r0 and r1 out
  Submit(1, "bob", 0);
  const v1::ComputeAgreementResponse after = Compute(1);
  // alice on segment 0; bob on 1 and now 0: 3 of 4 segments agree (2 before).
  EXPECT_EQ(after.overall().coefficients(0).value(), 0.75);
}

}  // namespace
}  // namespace icr::live
