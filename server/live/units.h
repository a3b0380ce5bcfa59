#ifndef ICR_SERVER_LIVE_UNITS_H_
#define ICR_SERVER_LIVE_UNITS_H_

// Which segments of a round's documents are units: every segment, or with
// units by speaker (server/catalog/speakers.h) only the turns of the
// selected speakers. A segment that is not a unit counts nowhere: not as
// "nothing applied", not as a disagreement, not in the consensus.
//
// The free-span (unitizing) analysis has no segments for units: it reads
// each document as the continuum of its selected turns, the text of the
// other turns (and between turns) cut out (Continuum), so a span keeps only
// its part inside selected turns and a span wholly outside them is dropped.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "server/catalog/speakers.h"
#include "server/live/round_data.h"

namespace icr::live {

class UnitSelection {
 public:
  // Every segment of every document of `layout`.
  explicit UnitSelection(const RoundLayout& layout);
  // The segments whose speaker `filter` selects (every one when the filter
  // is not active).
  UnitSelection(const RoundLayout& layout, const catalog::SpeakerFilter& filter);

  bool all() const { return all_; }
  // Units of a document, and the segment index of its i-th unit.
  int64_t count(int document) const { return counts_[document]; }
  int64_t segment(int document, int64_t i) const { return all_ ? i : segments_[document][i]; }
  bool Selects(int document, int64_t segment) const;
  const catalog::SpeakerFilter& filter() const { return filter_; }

 private:
  bool all_ = true;
  catalog::SpeakerFilter filter_;
  std::vector<int64_t> counts_;                 // [document]
  std::vector<std::vector<int64_t>> segments_;  // [document]: selected, ascending; unless all_
};

// The speakers of a layout's segments ("" for a segment without one).
std::set<std::string> LayoutSpeakers(const RoundLayout& layout);

// A document's positions with the text outside its unit segments cut out:
// position p maps to the number of unit code points before it.
class Continuum {
 public:
  Continuum(const RoundLayout::Document& document, const UnitSelection& units, int index);
  int64_t Map(int64_t position) const;
  int64_t length() const { return length_; }

 private:
  std::vector<int64_t> starts_, ends_, before_;  // per unit segment, in text order
  int64_t length_ = 0;
};

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_UNITS_H_
