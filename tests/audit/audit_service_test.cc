// The verifiable log through the API and the real `icr` binary: signed heads,
// proofs that verify against them, the key kept across restarts, and
// `icr audit export` / `icr audit verify` on real exports (tampered copies
// too), offline.

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/audit/export.h"
#include "server/audit/hash.h"
#include "server/audit/merkle.h"
#include "server/audit/signing.h"
#include "tests/testing/files.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/subprocess.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;

using testing::ReadAll;

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const std::string& line : lines) out << line << "\n";
}

class AuditServiceTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    lead_ = CreateUser("lead");
    coder_ = CreateUser("coder");
    v1::CreateProjectRequest create;
    create.set_id("study");
    create.set_title("Study");
    v1::CreateProjectResponse created;
    ASSERT_TRUE(
        Call(lead_, &v1::ProjectService::Stub::CreateProject, *project_, create, &created).ok());
    v1::AddMemberRequest add;
    add.set_project("study");
    add.set_user("coder");
    add.set_role(v1::CODER);
    v1::AddMemberResponse added;
    ASSERT_TRUE(Call(lead_, &v1::ProjectService::Stub::AddMember, *project_, add, &added).ok());
  }

  void AddCodes(int n) {
    for (int i = 0; i < n; ++i) {
      v1::CreateCodeRequest request;
      request.set_project("study");
      request.mutable_code()->set_id("c" + std::to_string(next_code_));
      request.mutable_code()->set_name("code " + std::to_string(next_code_++));
      v1::CreateCodeResponse response;
      ASSERT_TRUE(
          Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_, request, &response).ok());
    }
  }

  v1::SignedTreeHead Head() {
    v1::GetSignedHeadRequest request;
    request.set_project("study");
    v1::GetSignedHeadResponse response;
    grpc::Status status =
        Call(lead_, &v1::AuditService::Stub::GetSignedHead, *audit_, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.head();
  }

  audit::PublicKey Key() {
    return *audit::PublicKey::FromPem(ReadAll(dir_.path() + "/audit-public-key.pem"));
  }

  bool SignatureOk(const v1::SignedTreeHead& head) {
    audit::TreeHead signed_head{head.project(), head.tree_size(), head.root_hash(),
                                head.timestamp_ms()};
    return Key().Verify(audit::TreeHeadSignedBytes(signed_head), head.signature());
  }

  CommandResult Icr(std::vector<std::string> args, const std::string& token) {
    args.insert(args.begin(),
                {ICR_CLI_BINARY, "--server", "127.0.0.1:" + std::to_string(server_->port())});
    return testing::Run(args, {"ICR_TOKEN=" + token});
  }
  CommandResult Verify(const std::string& file, const std::string& head = "") {
    std::vector<std::string> args = {ICR_CLI_BINARY, "audit",        "verify",
                                     file,           "--public_key", key_file()};
    if (!head.empty()) args.insert(args.end(), {"--head", head});
    // Offline: no server address, no token in the environment.
    return testing::Run(args, {"ICR_TOKEN=", "ICR_SERVER=127.0.0.1:1"});
  }
  std::string key_file() { return dir_.path() + "/audit-public-key.pem"; }
  std::string Path(const std::string& name) { return out_.path() + "/" + name; }

  std::string lead_, coder_;
  int next_code_ = 0;
  testing::TempDir out_;
};

TEST_F(AuditServiceTest, KeyFilesAreCreatedOnceAndKept) {
  struct stat info;
  ASSERT_EQ(::stat((dir_.path() + "/audit-signing-key.pem").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  v1::GetPublicKeyResponse key;
  ASSERT_TRUE(
      Call(coder_, &v1::AuditService::Stub::GetPublicKey, *audit_, v1::GetPublicKeyRequest(), &key)
          .ok());
  EXPECT_EQ(key.public_key_pem(), ReadAll(key_file()));
  EXPECT_EQ(key.algorithm(), "Ed25519");
  const std::string private_key = ReadAll(dir_.path() + "/audit-signing-key.pem");
  RestartServer();
  EXPECT_EQ(ReadAll(dir_.path() + "/audit-signing-key.pem"), private_key);
  v1::GetPublicKeyResponse again;
  ASSERT_TRUE(Call(coder_, &v1::AuditService::Stub::GetPublicKey, *audit_,
                   v1::GetPublicKeyRequest(), &again)
                  .ok());
  EXPECT_EQ(again.key_id(), key.key_id());
}

TEST_F(AuditServiceTest, HeadsAreSignedAndProofsVerifyAgainstThem) {
  AddCodes(10);
  const v1::SignedTreeHead old_head = Head();
  EXPECT_EQ(old_head.tree_size(), EventCount("study"));
  EXPECT_TRUE(SignatureOk(old_head));
  AddCodes(7);
  RestartServer();  // the tree is rebuilt from storage
  AddCodes(4);
  const v1::SignedTreeHead head = Head();
  ASSERT_EQ(head.tree_size(), old_head.tree_size() + 11);
  EXPECT_TRUE(SignatureOk(head));
  v1::SignedTreeHead forged = head;
  forged.set_tree_size(head.tree_size() - 1);
  EXPECT_FALSE(SignatureOk(forged));

  v1::ListEventsRequest list;
  list.set_project("study");
  list.set_page_size(1000);
  v1::ListEventsResponse events;
  ASSERT_TRUE(Call(lead_, &v1::AuditService::Stub::ListEvents, *audit_, list, &events).ok());
  ASSERT_EQ(events.events_size(), head.tree_size());
  for (const v1::EventRecord& record : events.events()) {
    SCOPED_TRACE(record.seq());
    v1::GetInclusionProofRequest request;
    request.set_project("study");
    request.set_seq(record.seq());
    v1::GetInclusionProofResponse proof;
    ASSERT_TRUE(
        Call(lead_, &v1::AuditService::Stub::GetInclusionProof, *audit_, request, &proof).ok());
    EXPECT_EQ(proof.leaf_hash(), audit::LeafHash(record.event_bytes()));
    const std::vector<std::string> path(proof.audit_path().begin(), proof.audit_path().end());
    EXPECT_TRUE(audit::VerifyInclusion(record.seq() - 1, head.tree_size(),
                                       audit::LeafHash(record.event_bytes()), path,
                                       head.root_hash()));
    if (record.seq() <= old_head.tree_size()) {
      request.set_tree_size(old_head.tree_size());
      ASSERT_TRUE(
          Call(lead_, &v1::AuditService::Stub::GetInclusionProof, *audit_, request, &proof).ok());
      const std::vector<std::string> old_path(proof.audit_path().begin(), proof.audit_path().end());
      EXPECT_TRUE(audit::VerifyInclusion(record.seq() - 1, old_head.tree_size(),
                                         audit::LeafHash(record.event_bytes()), old_path,
                                         old_head.root_hash()));
    }
  }

  v1::GetConsistencyProofRequest request;
  request.set_project("study");
  request.set_first_tree_size(old_head.tree_size());
  v1::GetConsistencyProofResponse consistency;
  ASSERT_TRUE(
      Call(lead_, &v1::AuditService::Stub::GetConsistencyProof, *audit_, request, &consistency)
          .ok());
  EXPECT_EQ(consistency.second_tree_size(), head.tree_size());
  const std::vector<std::string> proof(consistency.proof().begin(), consistency.proof().end());
  EXPECT_TRUE(audit::VerifyConsistency(old_head.tree_size(), head.tree_size(), old_head.root_hash(),
                                       head.root_hash(), proof));
  EXPECT_FALSE(audit::VerifyConsistency(old_head.tree_size(), head.tree_size(),
                                        audit::LeafHash("rewritten"), head.root_hash(), proof));
}

TEST_F(AuditServiceTest, OutOfRangeArgumentsNameTheField) {
  AddCodes(2);
  v1::GetInclusionProofRequest inclusion;
  inclusion.set_project("study");
  inclusion.set_seq(99);
  v1::GetInclusionProofResponse proof;
  grpc::Status status =
      Call(lead_, &v1::AuditService::Stub::GetInclusionProof, *audit_, inclusion, &proof);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("seq"), std::string::npos);
  inclusion.set_seq(1);
  inclusion.set_tree_size(1000);
  status = Call(lead_, &v1::AuditService::Stub::GetInclusionProof, *audit_, inclusion, &proof);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("tree_size"), std::string::npos);
  v1::GetConsistencyProofRequest consistency;
  consistency.set_project("study");
  consistency.set_first_tree_size(1000);
  v1::GetConsistencyProofResponse consistent;
  status =
      Call(lead_, &v1::AuditService::Stub::GetConsistencyProof, *audit_, consistency, &consistent);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetSignedHeadRequest missing;
  missing.set_project("nowhere");
  v1::GetSignedHeadResponse head;
  EXPECT_EQ(Call(admin_token_, &v1::AuditService::Stub::GetSignedHead, *audit_, missing, &head)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuditServiceTest, ExportVerifiesOfflineAndEveryTamperingIsNamed) {
  AddCodes(12);
  ASSERT_EQ(Icr({"audit", "key", "--out", Path("key.pem")}, coder_).exit_code, 0);
  EXPECT_EQ(ReadAll(Path("key.pem")), ReadAll(key_file()));
  CommandResult exported = Icr({"audit", "export", "study", "--out", Path("trail.jsonl")}, lead_);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::vector<std::string> lines = ReadLines(Path("trail.jsonl"));
  const int events = static_cast<int>(lines.size()) - 1;
  ASSERT_EQ(events, EventCount("study"));
  // Readable with jq-like tools: plain JSON with the decoded event.
  json first = json::parse(lines[0]);
  EXPECT_EQ(first["event"]["actor"], "lead");
  EXPECT_EQ(json::parse(lines.back())["type"], "head");

  CommandResult verified = Verify(Path("trail.jsonl"));
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("verified: " + std::to_string(events) + " events"),
            std::string::npos);

  auto expect_named = [&](const std::vector<std::string>& tampered, int seq, const char* what) {
    WriteLines(Path("tampered.jsonl"), tampered);
    CommandResult result = Verify(Path("tampered.jsonl"));
    EXPECT_EQ(result.exit_code, 1) << what << " event " << seq << ": " << result.err;
    EXPECT_NE(result.err.find("(event " + std::to_string(seq) + ")"), std::string::npos)
        << what << ": " << result.err;
  };
  for (int i = 0; i < events; ++i) {
    // One byte of the event (in its middle) changed.
    json line = json::parse(lines[i]);
    std::string bytes;
    ASSERT_TRUE(audit::Base64Decode(line["event_bytes"].get<std::string>(), &bytes));
    bytes[bytes.size() / 2] ^= 0x04;
    line["event_bytes"] = audit::Base64Encode(bytes);
    std::vector<std::string> changed = lines;
    changed[i] = line.dump();
    expect_named(changed, i + 1, "changed");

    std::vector<std::string> deleted = lines;
    deleted.erase(deleted.begin() + i);
    expect_named(deleted, i + 1, "deleted");

    std::vector<std::string> duplicated = lines;
    duplicated.insert(duplicated.begin() + i, lines[i]);
    expect_named(duplicated, i + 2, "duplicated");

    if (i + 1 < events) {
      std::vector<std::string> swapped = lines;
      std::swap(swapped[i], swapped[i + 1]);
      expect_named(swapped, i + 1, "swapped");
    }
  }
  // The readable copy of an event cannot lie about the bytes.
  json line = json::parse(lines[2]);
  line["event"]["actor"] = "someone-else";
  std::vector<std::string> relabelled = lines;
  relabelled[2] = line.dump();
  expect_named(relabelled, 3, "relabelled");
}

TEST_F(AuditServiceTest, AKeptHeadProvesTheLogOnlyGrew) {
  AddCodes(5);
  ASSERT_EQ(Icr({"audit", "export", "study", "--out", Path("early.jsonl")}, lead_).exit_code, 0);
  CommandResult head = Icr({"--output", "json", "audit", "head", "study"}, lead_);
  ASSERT_EQ(head.exit_code, 0) << head.err;
  { std::ofstream(Path("head.json")) << head.out; }
  AddCodes(6);
  ASSERT_EQ(Icr({"audit", "export", "study", "--out", Path("later.jsonl")}, lead_).exit_code, 0);
  CommandResult result = Verify(Path("later.jsonl"), Path("head.json"));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("the log only grew"), std::string::npos);
  // An earlier export as the kept head works too.
  EXPECT_EQ(Verify(Path("later.jsonl"), Path("early.jsonl")).exit_code, 0);
  // The older export against the newer head: the log "shrank".
  EXPECT_EQ(Verify(Path("early.jsonl"), Path("later.jsonl")).exit_code, 1);

  // Someone with the server's private key rewrites event 3, re-chains and
  // re-signs everything: the export verifies alone, but not against the head
  // the reviewer kept.
  const audit::SigningKey key =
      *audit::SigningKey::FromPem(ReadAll(dir_.path() + "/audit-signing-key.pem"));
  std::vector<std::string> lines = ReadLines(Path("later.jsonl"));
  std::string prev = audit::GenesisHash();
  audit::MerkleTree tree;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    json line = json::parse(lines[i]);
    std::string bytes;
    ASSERT_TRUE(audit::Base64Decode(line["event_bytes"].get<std::string>(), &bytes));
    v1::AuditEvent event;
    ASSERT_TRUE(event.ParseFromString(bytes));
    if (event.seq() == 3) event.set_result_summary("something else entirely");
    event.set_prev_hash(prev);
    bytes = event.SerializeAsString();
    const std::string hash = audit::ChainHash(prev, bytes);
    json rewritten = audit::EventLine("study", event.seq(), bytes, prev, hash, line["event"]);
    rewritten["event"]["result_summary"] = event.result_summary();
    rewritten["event"]["prev_hash"] = audit::Base64Encode(prev);
    lines[i] = rewritten.dump();
    tree.AppendLeafHash(audit::LeafHash(bytes));
    prev = hash;
  }
  audit::SignedTreeHead signed_head = *audit::HeadFromJson(json::parse(lines.back()));
  signed_head.head.root_hash = *tree.RootHash(tree.size());
  signed_head.signature = key.Sign(audit::TreeHeadSignedBytes(signed_head.head));
  lines.back() = audit::HeadLine(signed_head).dump();
  WriteLines(Path("rewritten.jsonl"), lines);
  result = Verify(Path("rewritten.jsonl"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  result = Verify(Path("rewritten.jsonl"), Path("head.json"));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("rewritten before the old head"), std::string::npos) << result.err;
}

TEST_F(AuditServiceTest, BadInputIsAClearErrorNeverACrash) {
  AddCodes(3);
  ASSERT_EQ(Icr({"audit", "export", "study", "--out", Path("trail.jsonl")}, lead_).exit_code, 0);
  std::vector<std::string> lines = ReadLines(Path("trail.jsonl"));

  std::vector<std::string> truncated = lines;
  truncated[1] = truncated[1].substr(0, truncated[1].size() / 2);
  WriteLines(Path("truncated.jsonl"), truncated);
  CommandResult result = Verify(Path("truncated.jsonl"));
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("line 2"), std::string::npos) << result.err;

  WriteLines(Path("garbage.jsonl"), {"this is not json"});
  EXPECT_EQ(Verify(Path("garbage.jsonl")).exit_code, 2);
  EXPECT_EQ(Verify(Path("absent.jsonl")).exit_code, 2);

  // A file cut short at a line boundary has no head: not verified.
  std::vector<std::string> cut(lines.begin(), lines.end() - 2);
  WriteLines(Path("cut.jsonl"), cut);
  EXPECT_EQ(Verify(Path("cut.jsonl")).exit_code, 1);

  result = testing::Run({ICR_CLI_BINARY, "audit", "verify", Path("trail.jsonl"), "--public_key",
                         Path("missing.pem")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("missing.pem"), std::string::npos) << result.err;
  result = testing::Run({ICR_CLI_BINARY, "audit", "verify", Path("trail.jsonl"), "--public_key",
                         Path("trail.jsonl")});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  WriteLines(Path("badhead.json"), {"{\"type\":\"head\"}"});
  EXPECT_EQ(Verify(Path("trail.jsonl"), Path("badhead.json")).exit_code, 2);

  // A project the caller cannot read: the server's answer, exit 1.
  result = Icr({"audit", "export", "study", "--out", Path("denied.jsonl")}, coder_);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("PERMISSION_DENIED"), std::string::npos) << result.err;
  EXPECT_FALSE(std::ifstream(Path("denied.jsonl")).good());
  result = Icr({"audit", "export", "nowhere", "--out", Path("none.jsonl")}, lead_);
  EXPECT_EQ(result.exit_code, 1) << result.err;
}

}  // namespace
}  // namespace icr
