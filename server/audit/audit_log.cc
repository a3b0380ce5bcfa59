#include "server/audit/audit_log.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/storage/keys.h"

namespace icr::audit {

AuditLog::AuditLog(const storage::Store& store, const SigningKey& key,
                   const AuditLogOptions& options)
    : store_(store), key_(key), options_(options) {}

std::shared_ptr<AuditLog::Chain> AuditLog::Entry(const std::string& chain) {
  std::lock_guard<std::mutex> lock(chains_mutex_);
  auto found = chains_.find(chain);
  if (found != chains_.end()) {
    recency_.splice(recency_.begin(), recency_, found->second);
    return found->second->second;
  }
  recency_.emplace_front(chain, std::make_shared<Chain>());
  chains_[chain] = recency_.begin();
  while (recency_.size() > std::max<size_t>(options_.max_cached_chains, 1)) {
    chains_.erase(recency_.back().first);
    recency_.pop_back();
  }
  return recency_.front().second;
}

size_t AuditLog::CachedChains() const {
  std::lock_guard<std::mutex> lock(chains_mutex_);
  return chains_.size();
}

absl::Status AuditLog::WithTree(const std::string& chain,
                                const std::function<absl::Status(const MerkleTree&)>& use) {
  const std::shared_ptr<Chain> entry = Entry(chain);
  std::lock_guard<std::mutex> lock(entry->mutex);
  MerkleTree& tree = entry->tree;
  const std::string prefix = storage::EventPrefix(chain);
  const std::string start_after = tree.size() > 0 ? storage::EventKey(chain, tree.size()) : "";
  absl::Status status;
  absl::Status scanned =
      store_.Scan(storage::Family::kEvents, prefix, start_after,
                  [&](std::string_view key, std::string_view value) {
                    const int64_t seq =
                        static_cast<int64_t>(storage::ReadBigEndian64(key.substr(prefix.size())));
                    v1::StoredEvent stored;
                    if (seq != tree.size() + 1 ||
                        !stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                      status = absl::DataLossError(absl::StrCat("audit chain ", chain, ": event ",
                                                                tree.size() + 1, " unreadable"));
                      return false;
                    }
                    tree.AppendLeafHash(LeafHash(stored.event()));
                    return true;
                  });
  if (!scanned.ok()) return scanned;
  if (!status.ok()) return status;
  return use(tree);
}

absl::StatusOr<v1::SignedTreeHead> AuditLog::SignedHead(const std::string& chain) {
  TreeHead head;
  head.chain = chain;
  absl::Status status = WithTree(chain, [&](const MerkleTree& tree) -> absl::Status {
    head.tree_size = tree.size();
    absl::StatusOr<std::string> root = tree.RootHash(tree.size());
    if (!root.ok()) return root.status();
    head.root_hash = *root;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  // Every event the tree holds was in the WAL before it could be read; with
  // the store's sync off, make them durable before signing a head over them.
  if (absl::Status synced = store_.SyncWal(); !synced.ok()) return synced;
  head.timestamp_ms = absl::ToUnixMillis(absl::Now());
  v1::SignedTreeHead out;
  out.set_format(std::string(kTreeHeadFormat));
  out.set_project(chain);
  out.set_tree_size(head.tree_size);
  out.set_timestamp_ms(head.timestamp_ms);
  out.set_root_hash(head.root_hash);
  out.set_signature(key_.Sign(TreeHeadSignedBytes(head)));
  out.set_key_id(key_.public_key().KeyId());
  return out;
}

absl::StatusOr<v1::GetInclusionProofResponse> AuditLog::InclusionProof(const std::string& chain,
                                                                       int64_t seq,
                                                                       int64_t tree_size) {
  v1::GetInclusionProofResponse out;
  absl::Status status = WithTree(chain, [&](const MerkleTree& tree) -> absl::Status {
    const int64_t size = tree_size == 0 ? tree.size() : tree_size;
    if (tree_size < 0 || size > tree.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("tree_size: must be 0 (current) or 1..", tree.size()));
    }
    if (seq < 1 || seq > size) {
      return absl::InvalidArgumentError(absl::StrCat("seq: must be in 1..", size));
    }
    absl::StatusOr<std::vector<std::string>> path = tree.InclusionProof(seq - 1, size);
    if (!path.ok()) return path.status();
    out.set_leaf_index(seq - 1);
    out.set_tree_size(size);
    out.set_leaf_hash(*tree.LeafHashAt(seq - 1));
    for (std::string& node : *path) out.add_audit_path(std::move(node));
    out.set_root_hash(*tree.RootHash(size));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::GetConsistencyProofResponse> AuditLog::ConsistencyProof(const std::string& chain,
                                                                           int64_t first,
                                                                           int64_t second) {
  v1::GetConsistencyProofResponse out;
  absl::Status status = WithTree(chain, [&](const MerkleTree& tree) -> absl::Status {
    const int64_t size = second == 0 ? tree.size() : second;
    if (second < 0 || size > tree.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("second_tree_size: must be 0 (current) or 1..", tree.size()));
    }
    if (first < 0 || first > size) {
      return absl::InvalidArgumentError(absl::StrCat("first_tree_size: must be in 0..", size));
    }
    absl::StatusOr<std::vector<std::string>> proof = tree.ConsistencyProof(first, size);
    if (!proof.ok()) return proof.status();
    out.set_first_tree_size(first);
    out.set_second_tree_size(size);
    for (std::string& node : *proof) out.add_proof(std::move(node));
    out.set_first_root_hash(*tree.RootHash(first));
    out.set_second_root_hash(*tree.RootHash(size));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::Status AuditLog::ReadEvents(const std::string& chain, int64_t last_seq,
                                  const std::function<bool(v1::EventRecord&)>& visit) const {
  return ReadRange(chain, 0, last_seq, visit);
}

absl::Status AuditLog::ReadEventsAfter(const std::string& chain, int64_t after_seq,
                                       const std::function<bool(v1::EventRecord&)>& visit) const {
  return ReadRange(chain, after_seq, std::numeric_limits<int64_t>::max(), visit);
}

absl::Status AuditLog::ReadRange(const std::string& chain, int64_t after_seq, int64_t last_seq,
                                 const std::function<bool(v1::EventRecord&)>& visit) const {
  absl::Status status;
  int64_t expected = std::max<int64_t>(after_seq, 0) + 1;
  const std::string start_after = expected > 1 ? storage::EventKey(chain, expected - 1) : "";
  absl::Status scanned =
      store_.Scan(storage::Family::kEvents, storage::EventPrefix(chain), start_after,
                  [&](std::string_view, std::string_view value) {
                    if (expected > last_seq) return false;
                    v1::StoredEvent stored;
                    v1::EventRecord record;
                    if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
                        !record.mutable_event()->ParseFromString(stored.event()) ||
                        record.event().seq() != expected) {
                      status = absl::DataLossError(
                          absl::StrCat("audit chain ", chain, ": event ", expected, " unreadable"));
                      return false;
                    }
                    record.set_seq(expected++);
                    record.set_event_bytes(stored.event());
                    record.set_hash(stored.hash());
                    return visit(record);
                  });
  if (!scanned.ok()) return scanned;
  return status;
}

}  // namespace icr::audit
