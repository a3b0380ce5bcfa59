#include "server/live/units.h"

#include <algorithm>

namespace icr::live {

UnitSelection::UnitSelection(const RoundLayout& layout) {
  for (const RoundLayout::Document& d : layout.documents) {
    counts_.push_back(static_cast<int64_t>(d.segments.size()));
  }
}

UnitSelection::UnitSelection(const RoundLayout& layout, const catalog::SpeakerFilter& filter)
    : UnitSelection(layout) {
  if (!filter.active()) return;
  all_ = false;
  filter_ = filter;
  segments_.resize(layout.documents.size());
  for (size_t d = 0; d < layout.documents.size(); ++d) {
    const std::vector<v1::Segment>& segments = layout.documents[d].segments;
    for (size_t s = 0; s < segments.size(); ++s) {
      if (filter.Selects(segments[s].speaker())) {
        segments_[d].push_back(static_cast<int64_t>(s));
      }
    }
    counts_[d] = static_cast<int64_t>(segments_[d].size());
  }
}

bool UnitSelection::Selects(int document, int64_t segment) const {
  if (all_) return segment >= 0 && segment < counts_[document];
  const std::vector<int64_t>& selected = segments_[document];
  return std::binary_search(selected.begin(), selected.end(), segment);
}

std::set<std::string> LayoutSpeakers(const RoundLayout& layout) {
  std::set<std::string> out;
  for (const RoundLayout::Document& d : layout.documents) {
    for (const v1::Segment& s : d.segments) out.insert(s.speaker());
  }
  return out;
}

Continuum::Continuum(const RoundLayout::Document& document, const UnitSelection& units, int index) {
  if (units.all()) {
    // The whole document, gaps between segments included, as without a
    // speaker filter.
    starts_ = {0};
    ends_ = {document.length};
    before_ = {0};
    length_ = document.length;
    return;
  }
  for (int64_t i = 0; i < units.count(index); ++i) {
    const v1::Segment& s = document.segments[units.segment(index, i)];
    if (s.end() <= s.start()) continue;
    starts_.push_back(s.start());
    ends_.push_back(s.end());
    before_.push_back(length_);
    length_ += s.end() - s.start();
  }
}

int64_t Continuum::Map(int64_t position) const {
  // The last unit starting at or before the position.
  auto it = std::upper_bound(starts_.begin(), starts_.end(), position);
  if (it == starts_.begin()) return 0;
  const size_t k = static_cast<size_t>(it - starts_.begin()) - 1;
  return before_[k] + std::min(position, ends_[k]) - starts_[k];
}

}  // namespace icr::live
