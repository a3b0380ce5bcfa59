#ifndef ICR_SERVER_LIVE_ROUND_DATA_H_
#define ICR_SERVER_LIVE_ROUND_DATA_H_

// The per-round state live agreement is computed from, kept incrementally as
// codings are submitted and retracted (DESIGN §3, "keep per-round
// coincidence matrices incrementally"):
//
//  - per unit (a document's segment): for every (code, coder) the number of
//    ACTIVE codings that apply the code to the unit — a segment coding, or a
//    free span that counts for the segment by the span rule;
//  - per code: how many units of each document show each pattern of coders
//    who applied it (a bit mask over the round's coders). Binary presence
//    agreement on a code depends on the units only through these patterns
//    and on which coders count in each document, so the table of every code
//    is answered from them without touching the units;
//  - per (document, coder) the coder's progress (issue 16): the stored
//    state, and whether the coder has coded the document at all (a pair
//    with codings and no record is IN_PROGRESS). Which coders count in a
//    document is read from this when a table is computed, so marking a
//    document done or reopening it changes no pattern;
//  - the active free spans (for span agreement) and, per document, the
//    codebook revisions its codings were made under.
//
// Codes are kept as coded (merges and roll-ups are applied when a table is
// computed). Not thread-safe: the owner serializes access. Copies are cheap
// (a document's units are shared until one of the copies changes them), so
// a reader computes on an immutable copy while the owner keeps applying
// changes to another.
//
// Add() and Retract() are idempotent by coding id, so that codings read by a
// scan and the same codings delivered by a change notification are counted
// once: Add() ignores an id not above the largest seen, Retract() ignores an
// id already retracted.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "icr/v1/coding.pb.h"
#include "icr/v1/resources.pb.h"

namespace icr::live {

// When a free span counts as coding a segment (DESIGN §3 item 1).
enum class SpanRule {
  // The overlap covers at least half of the segment, or at least half of the
  // span (the default).
  kHalf,
  // Any overlap.
  kAnyOverlap,
};

// Whether span [start, end) counts for segment [seg_start, seg_end).
bool SpanCountsFor(int64_t start, int64_t end, int64_t seg_start, int64_t seg_end, SpanRule rule);

// A coder mask: bit i is the round's coder i. Rounds have at most 64 coders.
using CoderMask = uint64_t;
inline constexpr int kMaxCoders = 64;

// The fixed shape of a round: its documents (in round order) with their
// segments and lengths, and its coders (in round order).
struct RoundLayout {
  struct Document {
    std::string id;
    int64_t length = 0;  // code points
    std::vector<v1::Segment> segments;
  };
  std::vector<Document> documents;
  std::vector<std::string> coders;
};

class RoundData {
 public:
  // One (code, coder) on a unit. `segment` and `span` count ACTIVE segment
  // codings and counting free spans.
  struct Entry {
    int32_t code = 0;
    int32_t coder = 0;
    int32_t segment = 0;
    int32_t span = 0;
    int32_t total() const { return segment + span; }
  };
  struct Span {
    int32_t document = 0;
    int32_t coder = 0;
    int32_t code = 0;
    int64_t start = 0;
    int64_t end = 0;
  };
  // (document, non-empty mask of the coders who applied a code) -> units.
  using PatternKey = std::pair<int32_t, CoderMask>;
  using Patterns = absl::flat_hash_map<PatternKey, int64_t>;

  // INVALID_ARGUMENT for more than kMaxCoders coders.
  static absl::StatusOr<RoundData> Create(RoundLayout layout, SpanRule rule = SpanRule::kHalf);

  // Counts an ACTIVE coding (a RETRACTED one is only remembered as such).
  // Codings of documents or coders outside the round are ignored. Returns
  // whether anything changed.
  bool Add(const v1::Coding& coding);
  // Un-counts a coding that was counted. Returns whether anything changed.
  bool Retract(const v1::Coding& coding);
  // Records a (coder, document) state; pairs outside the round are ignored.
  // Returns whether anything changed.
  bool SetProgress(const v1::DocumentProgress& progress);

  // The state of a coder's document, as coding::EffectiveProgress reads
  // it: the stored state, else IN_PROGRESS once the coder has coded the
  // document (retracted codings included), else NOT_STARTED.
  v1::ProgressState Progress(int document, int coder) const;
  // The coders whose units of `document` count: those DONE, and with
  // `include_unfinished` those IN_PROGRESS too. NOT_STARTED never counts.
  CoderMask Counted(int document, bool include_unfinished) const;

  const RoundLayout& layout() const { return layout_; }
  int num_documents() const { return static_cast<int>(layout_.documents.size()); }
  int num_coders() const { return static_cast<int>(layout_.coders.size()); }
  int64_t num_units() const { return num_units_; }
  // Index of a document / coder of the round, or -1.
  int DocumentIndex(std::string_view id) const;
  int CoderIndex(std::string_view id) const;

  // Codes seen so far (as coded), by dense id.
  int num_codes() const { return static_cast<int>(codes_.size()); }
  const std::string& code(int32_t id) const { return codes_[id]; }
  // The dense id of a code, or -1 when no coding used it.
  int32_t CodeId(std::string_view code) const;

  // The entries of unit `segment` of document `document` (any order; an
  // entry's total() may be 0 after retractions).
  const std::vector<Entry>& unit(int document, int64_t segment) const {
    return (*units_[document])[segment];
  }
  // The coders who applied `code` to the unit.
  CoderMask MaskOf(int document, int64_t segment, int32_t code) const;

  const Patterns& patterns(int32_t code) const { return patterns_[code]; }
  // Active free spans, in no particular order.
  const absl::flat_hash_map<int64_t, Span>& spans() const { return spans_; }
  // Codebook revision -> active codings of the document made under it.
  const std::map<int64_t, int64_t>& revisions(int document) const { return revisions_[document]; }

  int64_t active_codings() const { return active_; }

 private:
  RoundData(RoundLayout layout, SpanRule rule);
  using DocumentUnits = std::vector<std::vector<Entry>>;  // [segment]

  int32_t InternCode(const std::string& code);
  // The units of a document, unshared first when a copy shares them.
  DocumentUnits& MutableUnits(int document);
  // Adds `delta` to the (code, coder) entry of a unit, updating the patterns.
  void Bump(int document, int64_t segment, int32_t code, int32_t coder, int delta, bool is_span);
  // Applies `delta` (+1 / -1) for a coding; false when it does not belong.
  bool Count(const v1::Coding& coding, int delta);

  RoundLayout layout_;
  SpanRule rule_;
  int64_t num_units_ = 0;
  absl::flat_hash_map<std::string, int> document_index_;
  absl::flat_hash_map<std::string, int> coder_index_;
  std::vector<std::string> codes_;
  absl::flat_hash_map<std::string, int32_t> code_ids_;
  std::vector<std::shared_ptr<DocumentUnits>> units_;     // [document]
  std::vector<Patterns> patterns_;                        // [code]
  std::vector<std::vector<v1::ProgressState>> progress_;  // [document][coder]; stored state
  std::vector<CoderMask> coded_;                          // [document]: coders with codings
  absl::flat_hash_map<int64_t, Span> spans_;              // coding id -> span
  std::vector<std::map<int64_t, int64_t>> revisions_;     // [document]
  int64_t max_id_ = 0;
  absl::flat_hash_set<int64_t> retracted_;
  int64_t active_ = 0;
};

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_ROUND_DATA_H_
