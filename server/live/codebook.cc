#include "server/live/codebook.h"

#include "absl/strings/str_cat.h"
#include "server/storage/keys.h"

namespace icr::live {
namespace {

// Hierarchies and merge chains are short; a cycle (never written by the
// catalog) stops here instead of looping.
constexpr int kMaxChain = 64;

}  // namespace

absl::StatusOr<Codebook> Codebook::Load(const storage::Store& store, const std::string& project) {
  Codebook book;
  absl::Status failure;
  absl::Status scanned = store.Scan(
      storage::Family::kMetadata, storage::ProjectScopedPrefix("code", project), "",
      [&](std::string_view, std::string_view value) {
        v1::Code code;
        if (!code.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError("unreadable code");
          return false;
        }
        std::string id = code.id();
        book.codes_.emplace(std::move(id), std::move(code));
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!failure.ok()) return failure;
  scanned = store.Scan(storage::Family::kMetadata, storage::ProjectScopedPrefix("domain", project),
                       "", [&](std::string_view, std::string_view value) {
                         v1::Domain domain;
                         if (!domain.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                           failure = absl::DataLossError("unreadable domain");
                           return false;
                         }
                         book.domains_.push_back(std::move(domain));
                         return true;
                       });
  if (!scanned.ok()) return scanned;
  if (!failure.ok()) return failure;
  return book;
}

const v1::Domain* Codebook::FindDomain(const std::string& id) const {
  for (const v1::Domain& d : domains_) {
    if (d.id() == id) return &d;
  }
  return nullptr;
}

std::string Codebook::Effective(const std::string& code) const {
  std::string current = code;
  for (int i = 0; i < kMaxChain; ++i) {
    auto it = codes_.find(current);
    if (it == codes_.end() || it->second.state() != v1::CODE_MERGED ||
        it->second.merged_into().empty()) {
      break;
    }
    current = it->second.merged_into();
  }
  return current;
}

int Codebook::Depth(const std::string& code) const {
  int depth = 1;
  std::string current = code;
  for (int i = 0; i < kMaxChain; ++i) {
    auto it = codes_.find(current);
    if (it == codes_.end() || it->second.parent().empty()) break;
    current = Effective(it->second.parent());
    ++depth;
  }
  return depth;
}

std::string Codebook::Rollup(const std::string& code, int depth) const {
  std::string current = Effective(code);
  if (depth <= 0) return current;
  for (int excess = Depth(current) - depth; excess > 0; --excess) {
    auto it = codes_.find(current);
    if (it == codes_.end() || it->second.parent().empty()) break;
    current = Effective(it->second.parent());
  }
  return current;
}

}  // namespace icr::live
