#ifndef ICR_CLIENT_REFI_PLAN_H_
#define ICR_CLIENT_REFI_PLAN_H_

// What a REFI-QDA import will store, worked out and checked before anything
// is sent to the server: every selection in bounds of its text, positions
// converted to code points (icr's unit), every coding with its code and its
// user. A plan that builds is a file icr can take whole.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "client/refi/model.h"

namespace icr::refi {

// How the producing tool counted characters: ATLAS.ti, MAXQDA and QualCoder
// count Unicode code points; NVivo counts UTF-16 code units.
enum class PositionUnit { kCodePoints, kUtf16 };

// "codepoint" or "utf16".
absl::StatusOr<PositionUnit> ParsePositionUnit(std::string_view word);

// A code of the tree with its parent, in document order (depth first, so a
// parent always comes before its children).
struct FlatCode {
  const Code* code = nullptr;
  std::string parent_guid;  // empty at the top level
  int depth = 0;            // 0 at the top level
};
std::vector<FlatCode> FlattenCodes(const std::vector<Code>& codes);

struct PlannedCoding {
  std::string selection_guid;  // the source's guid for a whole-source coding
  std::string coding_guid;
  std::string code_guid;
  // The coding's creatingUser, else its selection's, else its source's, else
  // the project's creatingUserGUID; may be empty.
  std::string user_guid;
  int64_t start = 0;  // code points
  int64_t end = 0;
  // The selection's description, else the texts of the notes the coding or
  // its selection refers to.
  std::string memo;
};

struct PlannedSource {
  std::string guid;
  std::string name;
  std::string text;
  std::string sha256;  // hex, of the UTF-8 text
  int64_t length = 0;  // code points
  std::vector<PlannedCoding> codings;
};

struct ImportPlan {
  std::vector<PlannedSource> sources;
  int64_t selections = 0;
  int64_t codings = 0;
  // Selections on non-text sources, by element name; and their total.
  std::map<std::string, int64_t> skipped_by_kind;
  int64_t skipped_selections = 0;
};

// Converts and checks every selection of `project`. A selection that ends
// past its text, or (UTF-16) starts or ends inside a surrogate pair, is
// INVALID_ARGUMENT "WHERE:LINE: PlainTextSelection GUID: ...".
absl::StatusOr<ImportPlan> PlanImport(const Project& project, PositionUnit unit,
                                      const std::string& where);

}  // namespace icr::refi

#endif  // ICR_CLIENT_REFI_PLAN_H_
