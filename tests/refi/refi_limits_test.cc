// What a hostile REFI file may cost: a document type declaration is refused
// as soon as the parser meets it (nothing after it is read), and a `.qdpx`
// is bounded in its entries' total inflated size and in its entry count.

#include <zip.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "client/refi/archive.h"
#include "client/refi/xml.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace icr::refi {
namespace {

using ::testing::HasSubstr;

const TextResolver kNoTexts = [](const std::string&) -> absl::StatusOr<std::string> {
  return absl::NotFoundError("absent");
};

TEST(RefiXmlDoctype, RefusedBeforeTheRestIsRead) {
  // The internal subset and the body are both broken: a parser that reads
  // on reports them; one that stops at the DOCTYPE reports the DOCTYPE.
  const std::string broken_after =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE Project [<!ENTITY a \"unterminated"
      "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"><Sources><oops";
  absl::StatusOr<Project> project = ParseProjectXml(broken_after, "x.qde", kNoTexts);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(project.status().message(), HasSubstr("x.qde:2: a document type declaration"));

  absl::StatusOr<Codebook> codebook = ParseCodebookXml(
      "<!DOCTYPE CodeBook SYSTEM \"http://example.invalid/qdc.dtd\"><CodeBook", "x.qdc");
  ASSERT_FALSE(codebook.ok());
  EXPECT_THAT(codebook.status().message(), HasSubstr("DOCTYPE"));
}

TEST(RefiXmlDoctype, ADocumentWithoutOneStillParses) {
  absl::StatusOr<Project> project = ParseProjectXml(
      "<?xml version=\"1.0\"?><Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"/>", "x.qde",
      kNoTexts);
  EXPECT_TRUE(project.ok()) << project.status();
}

// A `.qdpx` of a project with `sources` text sources of `bytes` bytes each
// (plus `extra` empty entries the project does not name), as bytes.
std::string Archive(int sources, int bytes, int extra = 0) {
  icr::testing::TempDir dir;
  const std::string path = dir.path() + "/a.qdpx";
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  EXPECT_NE(archive, nullptr);
  std::vector<std::string> contents;  // alive until zip_close reads them
  contents.reserve(sources + extra + 1);
  auto add = [&](const std::string& name, std::string content) {
    contents.push_back(std::move(content));
    zip_source_t* source =
        zip_source_buffer(archive, contents.back().data(), contents.back().size(), 0);
    EXPECT_GE(zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE), 0);
  };
  std::string qde = "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"><Sources>";
  for (int i = 0; i < sources; ++i) {
    char guid[64];
    std::snprintf(guid, sizeof(guid), "7B0000%02d-0000-4000-8000-0000000000%02d", i, i);
    qde += std::string("<TextSource guid=\"") + guid + "\" name=\"s" + std::to_string(i) +
           "\" plainTextPath=\"internal://s" + std::to_string(i) + ".txt\"/>";
  }
  qde += "</Sources></Project>";
  add("project.qde", qde);
  for (int i = 0; i < sources; ++i) {
    add("sources/s" + std::to_string(i) + ".txt", std::string(bytes, 'a'));
  }
  for (int i = 0; i < extra; ++i) add("unused/" + std::to_string(i), "");
  EXPECT_EQ(zip_close(archive), 0);
  absl::StatusOr<std::string> read = ReadWholeFile(path);
  EXPECT_TRUE(read.ok()) << read.status();
  return read.ok() ? *read : "";
}

TEST(RefiArchiveLimits, TheEntriesTogetherMayNotInflatePastTheTotal) {
  const std::string bytes = Archive(/*sources=*/3, /*bytes=*/1000);
  ArchiveLimits limits;
  limits.max_entry_bytes = 1000;  // each entry alone is within its limit
  limits.max_total_bytes = 2500;
  absl::StatusOr<Project> refused = ReadQdpx(bytes, "a.qdpx", limits);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.status().message(), HasSubstr("a.qdpx: "));
  EXPECT_THAT(refused.status().message(), HasSubstr("more than 2500 bytes in total"));

  limits.max_total_bytes = 3000 + static_cast<int64_t>(bytes.size()) * 4;
  absl::StatusOr<Project> read = ReadQdpx(bytes, "a.qdpx", limits);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->sources.size(), 3u);
}

TEST(RefiArchiveLimits, AnArchiveMayNotListTooManyEntries) {
  const std::string bytes = Archive(/*sources=*/1, /*bytes=*/10, /*extra=*/5);
  ArchiveLimits limits;
  limits.max_entries = 6;
  absl::StatusOr<Project> refused = ReadQdpx(bytes, "a.qdpx", limits);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.status().message(), HasSubstr("lists 7 entries; at most 6"));
  limits.max_entries = 7;
  EXPECT_TRUE(ReadQdpx(bytes, "a.qdpx", limits).ok());
}

TEST(RefiArchiveLimits, TheDefaultsBoundTheTotalAndTheCount) {
  const ArchiveLimits defaults;
  EXPECT_EQ(defaults.max_entry_bytes, kMaxEntryBytes);
  EXPECT_EQ(defaults.max_total_bytes, kMaxArchiveBytes);
  EXPECT_EQ(defaults.max_entries, kMaxArchiveEntries);
  EXPECT_LE(kMaxArchiveBytes, int64_t{4} * kMaxEntryBytes);
  EXPECT_TRUE(ReadQdpx(Archive(2, 100), "a.qdpx").ok());
}

}  // namespace
}  // namespace icr::refi
