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

// How a tool counts positions in a source text: the unit, and whether a
// CRLF line end counts as one character (ATLAS.ti) or two (NVivo, MAXQDA,
// QualCoder: every code point, or UTF-16 unit, of the file).
struct PositionCounting {
  PositionUnit unit = PositionUnit::kCodePoints;
  bool crlf_as_one = false;
  std::string producer;  // "NVivo", "ATLAS.ti", ..., or "" when not known
};

// The counting of the tool an archive's `origin` attribute names (e.g.
// "NVivo 14", "ATLAS.ti 26.0.1", "MAXQDA 24", "QualCoder 3.6"): NVivo counts
// UTF-16 units, the others and unknown producers code points.
PositionCounting CountingForOrigin(std::string_view origin);

// A position counted as `counting` in `text` as a position in `counting`'s
// unit counting every character (CRLF as two), and back. Identity unless
// crlf_as_one.
int64_t PositionWithCrlfAsTwo(std::string_view text, PositionUnit unit, int64_t position_crlf_one);
int64_t PositionWithCrlfAsOne(std::string_view text, PositionUnit unit, int64_t position_crlf_two);

// A code of the tree with its parent, in document order (depth first, so a
// parent always comes before its children).
struct FlatCode {
  const Code* code = nullptr;
  std::string parent_guid;  // empty at the top level
  int depth = 0;            // 0 at the top level
};
std::vector<FlatCode> FlattenCodes(const std::vector<Code>& codes);

// NVivo wraps the whole codebook in one non-codable top code "Nodes": its
// children, then. Any other codebook is returned as it is.
std::vector<Code> WithoutWrappingNodesCode(std::vector<Code> codes);

struct PlannedCoding {
  std::string selection_guid;  // the source's guid for a whole-source coding
  std::string coding_guid;
  std::string code_guid;
  // The selection's creatingUser (the coding's when the selection's codings
  // name different users), else its coding's, else its source's, else the
  // project's creatingUserGUID; may be empty.
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
// The same, counting CRLF as one character when `counting` says so.
absl::StatusOr<ImportPlan> PlanImport(const Project& project, const PositionCounting& counting,
                                      const std::string& where);

}  // namespace icr::refi

#endif  // ICR_CLIENT_REFI_PLAN_H_
