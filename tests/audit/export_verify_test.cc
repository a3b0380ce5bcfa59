// Offline verification of an export (server/audit/export.h) on a generated
// trail: every single-byte change of every event, every deletion,
// duplication and swap with a neighbour is detected and names the first
// event that does not verify; a trail extended after a kept head passes the
// consistency check, one rewritten before it (and validly re-signed) fails.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "icr/v1/resources.pb.h"
#include "server/audit/export.h"
#include "server/audit/hash.h"
#include "server/audit/merkle.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace icr::audit {
namespace {

using nlohmann::json;

// A trail of `n` events as the server builds it, exported with a head
// signed by `key`.
std::vector<std::string> MakeExport(const SigningKey& key, int n, int rewrite_seq = 0) {
  std::vector<std::string> lines;
  std::string prev = GenesisHash();
  MerkleTree tree;
  for (int seq = 1; seq <= n; ++seq) {
    v1::AuditEvent event;
    event.set_format_version(1);
    event.set_project("study");
    event.set_seq(seq);
    event.mutable_time()->set_seconds(1700000000 + seq);
    event.set_actor(seq == rewrite_seq ? "mallory" : (seq % 3 ? "lead" : "alice"));
    event.set_method("/icr.v1.ProjectService/CreateCode");
    event.set_request_id("r" + std::to_string(seq));
    event.set_request(std::string(seq % 5, 'q'));
    event.set_result_summary("created code c" + std::to_string(seq));
    event.set_prev_hash(prev);
    const std::string bytes = event.SerializeAsString();
    const std::string hash = ChainHash(prev, bytes);
    lines.push_back(EventLine("study", seq, bytes, prev, hash, json::object()).dump());
    tree.AppendLeafHash(LeafHash(bytes));
    prev = hash;
  }
  SignedTreeHead head;
  head.head.chain = "study";
  head.head.tree_size = n;
  head.head.root_hash = *tree.RootHash(n);
  head.head.timestamp_ms = 1700000000123;
  head.signature = key.Sign(TreeHeadSignedBytes(head.head));
  head.key_id = key.public_key().KeyId();
  lines.push_back(HeadLine(head).dump());
  return lines;
}

absl::StatusOr<VerifiedExport> Verify(const std::vector<std::string>& lines, const PublicKey& key,
                                      const VerifyOptions& options = {}) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  std::istringstream in(text);
  return VerifyExport(in, key, options);
}

std::string Names(int seq) { return "(event " + std::to_string(seq) + ")"; }

class ExportVerifyTest : public ::testing::Test {
 protected:
  static constexpr int kEvents = 24;
  void SetUp() override {
    key_ = std::make_unique<SigningKey>(*SigningKey::Generate());
    lines_ = MakeExport(*key_, kEvents);
  }
  const PublicKey& key() { return key_->public_key(); }
  std::unique_ptr<SigningKey> key_;
  std::vector<std::string> lines_;
};

TEST_F(ExportVerifyTest, AnUntouchedExportVerifies) {
  absl::StatusOr<VerifiedExport> verified = Verify(lines_, key());
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->events, kEvents);
  EXPECT_EQ(verified->head.head.chain, "study");
}

TEST_F(ExportVerifyTest, EveryChangedByteOfEveryEventIsDetected) {
  for (int i = 0; i < kEvents; ++i) {
    json line = json::parse(lines_[i]);
    std::string bytes;
    ASSERT_TRUE(Base64Decode(line["event_bytes"].get<std::string>(), &bytes));
    for (size_t b = 0; b < bytes.size(); ++b) {
      for (unsigned char flip : {0x01, 0x80}) {
        std::string changed = bytes;
        changed[b] = static_cast<char>(changed[b] ^ flip);
        json tampered = line;
        tampered["event_bytes"] = Base64Encode(changed);
        std::vector<std::string> lines = lines_;
        lines[i] = tampered.dump();
        absl::StatusOr<VerifiedExport> verified = Verify(lines, key());
        ASSERT_FALSE(verified.ok()) << "event " << i + 1 << " byte " << b;
        EXPECT_EQ(verified.status().code(), absl::StatusCode::kDataLoss);
        EXPECT_NE(verified.status().message().find(Names(i + 1)), std::string::npos)
            << verified.status();
      }
    }
  }
}

TEST_F(ExportVerifyTest, ChangedHashFieldsAndHeadFieldsAreDetected) {
  for (const char* field : {"hash", "prev_hash", "leaf_hash"}) {
    std::vector<std::string> lines = lines_;
    json line = json::parse(lines[6]);
    std::string hex = line[field];
    hex[0] = hex[0] == 'a' ? 'b' : 'a';
    line[field] = hex;
    lines[6] = line.dump();
    absl::StatusOr<VerifiedExport> verified = Verify(lines, key());
    ASSERT_FALSE(verified.ok()) << field;
    EXPECT_NE(verified.status().message().find(Names(7)), std::string::npos) << verified.status();
  }
  for (const char* field : {"tree_size", "timestamp_ms", "root_hash", "signature", "project"}) {
    std::vector<std::string> lines = lines_;
    json head = json::parse(lines.back());
    if (head[field].is_number()) {
      head[field] = head[field].get<int64_t>() - 1;
    } else {
      std::string text = head[field];
      text[1] = text[1] == 'a' ? 'b' : 'a';
      head[field] = text;
    }
    lines.back() = head.dump();
    EXPECT_FALSE(Verify(lines, key()).ok()) << field;
  }
}

TEST_F(ExportVerifyTest, DeletedDuplicatedAndSwappedEventsAreDetected) {
  for (int i = 0; i < kEvents; ++i) {
    SCOPED_TRACE("event " + std::to_string(i + 1));
    std::vector<std::string> deleted = lines_;
    deleted.erase(deleted.begin() + i);
    absl::StatusOr<VerifiedExport> verified = Verify(deleted, key());
    ASSERT_FALSE(verified.ok());
    EXPECT_NE(verified.status().message().find(Names(i + 1)), std::string::npos)
        << verified.status();

    std::vector<std::string> duplicated = lines_;
    duplicated.insert(duplicated.begin() + i, lines_[i]);
    verified = Verify(duplicated, key());
    ASSERT_FALSE(verified.ok());
    EXPECT_NE(verified.status().message().find(Names(i + 2)), std::string::npos)
        << verified.status();

    if (i + 1 < kEvents) {
      std::vector<std::string> swapped = lines_;
      std::swap(swapped[i], swapped[i + 1]);
      verified = Verify(swapped, key());
      ASSERT_FALSE(verified.ok());
      EXPECT_NE(verified.status().message().find(Names(i + 1)), std::string::npos)
          << verified.status();
    }
  }
}

TEST_F(ExportVerifyTest, AnotherKeyOrAMissingHeadFails) {
  SigningKey other = *SigningKey::Generate();
  absl::StatusOr<VerifiedExport> verified = Verify(lines_, other.public_key());
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.status().message().find("signature"), std::string::npos);
  std::vector<std::string> headless(lines_.begin(), lines_.end() - 1);
  verified = Verify(headless, key());
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(ExportVerifyTest, MalformedLinesAreInputErrors) {
  for (std::string bad : {lines_[3].substr(0, lines_[3].size() / 2), std::string("not json"),
                          std::string("{\"type\":\"event\"}"), std::string("[1,2]")}) {
    std::vector<std::string> lines = lines_;
    lines[3] = bad;
    absl::StatusOr<VerifiedExport> verified = Verify(lines, key());
    ASSERT_FALSE(verified.ok()) << bad;
    EXPECT_EQ(verified.status().code(), absl::StatusCode::kInvalidArgument) << verified.status();
    EXPECT_NE(verified.status().message().find("line 4"), std::string::npos) << verified.status();
  }
}

TEST_F(ExportVerifyTest, ConsistencyWithAKeptHead) {
  // The reviewer kept the head of the first 10 events.
  const std::vector<std::string> early = MakeExport(*key_, 10);
  VerifyOptions options;
  options.old_head = *HeadFromJson(json::parse(early.back()));
  // The log grew: passes.
  absl::StatusOr<VerifiedExport> verified = Verify(lines_, key(), options);
  ASSERT_TRUE(verified.ok()) << verified.status();
  // The server rewrote event 5 and re-signed everything: alone it verifies,
  // against the kept head it does not.
  const std::vector<std::string> rewritten = MakeExport(*key_, kEvents, /*rewrite_seq=*/5);
  ASSERT_TRUE(Verify(rewritten, key()).ok());
  verified = Verify(rewritten, key(), options);
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.status().message().find("rewritten before the old head"), std::string::npos)
      << verified.status();
  // A rewrite after the kept head is not a rewrite of what it covers.
  ASSERT_TRUE(Verify(MakeExport(*key_, kEvents, /*rewrite_seq=*/15), key(), options).ok());
  // A kept head larger than the export: the log shrank.
  VerifyOptions later;
  later.old_head = *HeadFromJson(json::parse(lines_.back()));
  EXPECT_FALSE(Verify(early, key(), later).ok());
}

TEST(SigningTest, SignedBytesAreTheDocumentedEncoding) {
  TreeHead head{"p1", 258, std::string(32, '\x11'), 0x0102030405};
  std::string expected = "icr.tree_head.v1";
  expected += std::string("\x00\x02", 2) + "p1";
  expected += std::string("\x00\x00\x00\x00\x00\x00\x01\x02", 8);
  expected += std::string("\x00\x00\x00\x01\x02\x03\x04\x05", 8);
  expected += std::string(32, '\x11');
  EXPECT_EQ(TreeHeadSignedBytes(head), expected);
  SigningKey key = *SigningKey::Generate();
  const std::string signature = key.Sign(expected);
  EXPECT_EQ(signature.size(), 64u);
  EXPECT_TRUE(key.public_key().Verify(expected, signature));
  expected.back() ^= 1;
  EXPECT_FALSE(key.public_key().Verify(expected, signature));
  // Round trip through PEM.
  SigningKey again = *SigningKey::FromPem(key.PrivateKeyPem());
  EXPECT_EQ(again.public_key().KeyId(), key.public_key().KeyId());
  EXPECT_EQ(PublicKey::FromPem(key.public_key().Pem())->RawBytes().size(), 32u);
  EXPECT_FALSE(
      PublicKey::FromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").ok());
}

// The README's recipe for verifying a head without icr: the signed bytes
// and the signature, checked by the openssl command-line tool.
TEST(SigningTest, OpensslVerifiesAHeadFromTheDocumentedBytes) {
  SigningKey key = *SigningKey::Generate();
  TreeHead head{"study", 12, LeafHash("root"), 1767225600000};
  testing::TempDir dir;
  std::ofstream(dir.path() + "/signed.bin", std::ios::binary) << TreeHeadSignedBytes(head);
  std::ofstream(dir.path() + "/sig.bin", std::ios::binary) << key.Sign(TreeHeadSignedBytes(head));
  std::ofstream(dir.path() + "/server.pem") << key.public_key().Pem();
  auto verify = [&] {
    return testing::Run({"/usr/bin/openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                         dir.path() + "/server.pem", "-rawin", "-in", dir.path() + "/signed.bin",
                         "-sigfile", dir.path() + "/sig.bin"});
  };
  testing::CommandResult result = verify();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("Signature Verified Successfully"), std::string::npos) << result.out;
  head.tree_size = 13;
  std::ofstream(dir.path() + "/signed.bin", std::ios::binary) << TreeHeadSignedBytes(head);
  EXPECT_NE(verify().exit_code, 0);
}

}  // namespace
}  // namespace icr::audit
