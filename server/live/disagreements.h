#ifndef ICR_SERVER_LIVE_DISAGREEMENTS_H_
#define ICR_SERVER_LIVE_DISAGREEMENTS_H_

// Disagreements and the consensus: per unit, the items coders gave values
// for (each code outside every domain: applied or not; each domain: which
// of its codes), whether the counted coders agree, and the resolutions of
// those they do not agree on.
//
// Codes are read after merges (the end of each merged_into chain). A
// resolution is found by its document, segment and code made effective
// now, so a merge after a resolution neither orphans it nor turns its value
// into "none".

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "icr/v1/agreement.pb.h"
#include "server/live/codebook.h"
#include "server/live/interrupt.h"
#include "server/live/round_data.h"
#include "server/live/units.h"

namespace icr::live {

inline constexpr char kNone[] = "none";

// Stored resolutions by disagreement id (as stored).
using ResolutionMap = std::map<std::string, v1::Resolution>;

// Disagreement ids: "{document}:{segment}:{code}" and
// "{document}:{segment}:domain:{domain}" (ids never hold ':').
std::string ItemId(const std::string& document, int64_t segment, bool is_domain,
                   const std::string& key);

struct ParsedId {
  std::string document;
  int64_t segment = 0;
  bool is_domain = false;
  std::string key;
};
std::optional<ParsedId> ParseItemId(std::string_view id);

// A coder's value for an item: a code index, kNoValue for none, or
// kAbsent where the coder's document does not count.
inline constexpr int kNoValue = -1;
inline constexpr int kAbsent = -3;

// One (unit, code) or (unit, domain) where some counted coder gave something.
struct Item {
  bool is_domain = false;
  int key = 0;              // code index (ItemBuilder::code) or domain index
  std::vector<int> values;  // per round coder
  bool agreed = false;      // every counted coder gave the same value
};

class ItemBuilder {
 public:
  ItemBuilder(const RoundData& data, const Codebook& book);

  const std::string& code(int c) const { return codes_[c]; }
  const v1::Domain& domain(int d) const { return book_.domains()[d]; }
  std::string key(const Item& item) const {
    return item.is_domain ? domain(item.key).id() : code(item.key);
  }
  std::string value(int v) const { return v < 0 ? kNone : codes_[v]; }
  // The index of a code (made effective), or -1.
  int FindCode(const std::string& id) const;
  const std::vector<int>& domain_codes(int d) const { return domain_codes_[d]; }

  // The items of a unit for the coders `counted` (round coders), sorted:
  // codes by id, then domains by id. None when nobody counts.
  void Items(int document, int64_t segment, CoderMask counted, std::vector<Item>* out) const;

 private:
  const RoundData& data_;
  const Codebook& book_;
  std::vector<std::string> codes_;
  std::map<std::string, int> index_;
  std::vector<int> raw_to_code_;
  std::vector<bool> in_domain_;
  std::vector<std::vector<int>> domain_codes_;
  std::vector<std::vector<int>> position_;
};

// The stored resolutions keyed by the item they settle now: the latest
// resolution of a (document, segment, effective code) or (document,
// segment, domain).
class ResolutionIndex {
 public:
  ResolutionIndex(const ResolutionMap& stored, const Codebook& book);
  const v1::Resolution* Find(const std::string& item_id) const;
  // The code index a resolution's value is now (kNoValue for none).
  static int ValueOf(const v1::Resolution& resolution, const ItemBuilder& items,
                     const Codebook& book);

 private:
  std::map<std::string, const v1::Resolution*> by_item_;
};

// The value a strict majority of the counted coders gave, or nullopt.
std::optional<int> Majority(const std::vector<int>& values);

void FillDisagreement(const ItemBuilder& items, const RoundData& data, int document,
                      int64_t segment, const Item& item, const ResolutionIndex& resolutions,
                      v1::Disagreement* out);

struct ConsensusPass {
  std::vector<v1::ConsensusCoding> codings;
  std::vector<std::string> unresolved;
  int64_t disagreements = 0;
  int64_t resolved = 0;
  // Per coder, 2x2 counts (coder value x consensus value) over every
  // (unit, code) cell the consensus settles among the codes used, in the
  // documents where the coder counts.
  std::vector<std::array<int64_t, 4>> tables;
};

// Walks every unit once (the segments `units` selects): agreed values,
// resolutions, and (when `compare`) each coder against the consensus.
absl::StatusOr<ConsensusPass> WalkConsensus(const RoundData& data, const UnitSelection& units,
                                            const ItemBuilder& items, const Codebook& book,
                                            const ResolutionIndex& resolutions,
                                            bool include_unfinished, bool keep_codings,
                                            bool compare, const Interrupt& interrupt);

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_DISAGREEMENTS_H_
