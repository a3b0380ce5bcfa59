#ifndef ICR_SERVER_LIVE_CODEBOOK_H_
#define ICR_SERVER_LIVE_CODEBOOK_H_

// The project's codebook as live agreement reads it: codes with their
// hierarchy and merges, and domains. Read fresh for every request (a few
// hundred small records), so codebook changes apply at once.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "icr/v1/resources.pb.h"
#include "server/storage/store.h"

namespace icr::live {

class Codebook {
 public:
  static absl::StatusOr<Codebook> Load(const storage::Store& store, const std::string& project);

  const std::map<std::string, v1::Code>& codes() const { return codes_; }
  const std::vector<v1::Domain>& domains() const { return domains_; }
  bool HasCode(const std::string& id) const { return codes_.count(id) > 0; }
  const v1::Domain* FindDomain(const std::string& id) const;

  // The code a coding of `code` counts as: the end of its merged_into chain.
  std::string Effective(const std::string& code) const;
  // 1 for a top-level code (a theme), 2 for its children, ...
  int Depth(const std::string& code) const;
  // `code` (made effective) counted as its ancestor at `depth` when it lies
  // deeper; itself otherwise. depth <= 0: itself.
  std::string Rollup(const std::string& code, int depth) const;

 private:
  std::map<std::string, v1::Code> codes_;
  std::vector<v1::Domain> domains_;  // in id order
};

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_CODEBOOK_H_
