// The document shape cache of Codings stays within max_cached_documents
// however many documents a server sees, and validation stays right when
// shapes are dropped and read again.

#include "gtest/gtest.h"
#include "server/catalog/catalog.h"
#include "server/coding/codings.h"
#include "server/common/caller.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"
#include "tests/testing/temp_dir.h"

namespace icr {
namespace {

TEST(CodingsCacheTest, DocumentShapesAreBounded) {
  testing::TempDir dir;
  auto store = storage::Store::Open(dir.path() + "/db", storage::StoreOptions{.sync = false});
  ASSERT_TRUE(store.ok()) << store.status();
  storage::Writer writer(**store, storage::WriterOptions{});
  catalog::Catalog catalog(**store, writer, catalog::CatalogOptions{});
  coding::Codings codings(**store, writer, coding::CodingsOptions{.max_cached_documents = 3});
  const common::Caller admin{.user = "admin", .server_admin = true};

  v1::CreateProjectRequest project;
  project.set_id("p");
  project.set_title("P");
  ASSERT_TRUE(catalog.CreateProject(admin, project).ok());
  v1::CreateCodeRequest code;
  code.set_project("p");
  code.mutable_code()->set_id("c");
  code.mutable_code()->set_name("c");
  ASSERT_TRUE(catalog.CreateCode(admin, code).ok());
  v1::CreateRoundRequest round;
  round.set_project("p");
  round.set_id("r");
  round.add_coders("admin");
  constexpr int kDocuments = 10;
  for (int i = 0; i < kDocuments; ++i) {
    v1::CreateDocumentRequest document;
    document.set_project("p");
    document.set_id("d" + std::to_string(i));
    // Document i has i + 1 paragraphs.
    std::string text = "p";
    for (int k = 0; k < i; ++k) text += "\n\np";
    document.set_text(text);
    document.set_segmentation(v1::SEGMENT_PARAGRAPH);
    ASSERT_TRUE(catalog.CreateDocument(admin, document).ok());
    round.add_documents(document.id());
  }
  ASSERT_TRUE(catalog.CreateRound(admin, round).ok());

  const common::Caller caller{.user = "admin", .server_admin = true, .role = v1::OWNER};
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < kDocuments; ++i) {
      v1::SubmitCodingsRequest request;
      request.set_project("p");
      request.set_round("r");
      v1::CodingInput* input = request.add_codings();
      input->set_document("d" + std::to_string(i));
      input->set_code("c");
      // The last segment is in range, one past it is not.
      input->set_segment(i + pass);
      auto stored = codings.Submit(caller, request);
      if (pass == 0) {
        EXPECT_TRUE(stored.ok()) << stored.status();
      } else {
        EXPECT_EQ(stored.status().code(), absl::StatusCode::kInvalidArgument) << i;
      }
      EXPECT_LE(codings.cached_documents(), 3u);
    }
  }
}

}  // namespace
}  // namespace icr
