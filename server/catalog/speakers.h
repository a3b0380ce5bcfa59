#ifndef ICR_SERVER_CATALOG_SPEAKERS_H_
#define ICR_SERVER_CATALOG_SPEAKERS_H_

// Units by speaker (issue 17): a round, and an agreement query on top of
// it, may take only some speakers' turns as units, so that an interviewer's
// questions are not counted as "nothing applied" by every coder. A segment
// is a unit when its speaker (v1::Segment.speaker, set by SEGMENT_TURN) is
// one of `speakers` (when that list is not empty) and none of
// `exclude_speakers`. A segment without a speaker (a heading, or a document
// segmented by paragraph) has the speaker "": it is a unit only when no
// `speakers` are listed.

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "icr/v1/resources.pb.h"

namespace icr::catalog {

using SpeakerList = google::protobuf::RepeatedPtrField<std::string>;

struct SpeakerFilter {
  std::set<std::string> speakers;  // empty: any speaker
  std::set<std::string> exclude;

  bool active() const { return !speakers.empty() || !exclude.empty(); }
  bool Selects(const std::string& speaker) const {
    return (speakers.empty() || speakers.count(speaker) > 0) && exclude.count(speaker) == 0;
  }
};

// INVALID_ARGUMENT naming the field ("speakers[2]", "exclude_speakers[0]")
// for an empty name, a name longer than kMaxNameLength or not UTF-8, a name
// listed twice, or a name in both lists.
absl::Status ValidateSpeakers(const SpeakerList& speakers, const SpeakerList& exclude);

// The lists as a filter (already validated).
SpeakerFilter MakeSpeakerFilter(const SpeakerList& speakers, const SpeakerList& exclude);

// The round's own filter.
inline SpeakerFilter RoundSpeakers(const v1::Round& round) {
  return MakeSpeakerFilter(round.speakers(), round.exclude_speakers());
}

// The round's filter narrowed by a request's lists (validated here): only
// the speakers both take, none that either excludes. When the result lists
// speakers, the excluded ones are taken off that list and `exclude` is
// left empty. INVALID_ARGUMENT naming the field for a speaker the round
// does not take as units, or when no speaker would be left.
absl::StatusOr<SpeakerFilter> NarrowSpeakers(const v1::Round& round, const SpeakerList& speakers,
                                             const SpeakerList& exclude);

// INVALID_ARGUMENT naming the field for a listed name that is not among
// `present`, the speakers of the round's segments (a typo would otherwise
// silently select no units, or exclude nobody).
absl::Status CheckSpeakersPresent(const SpeakerList& speakers, const SpeakerList& exclude,
                                  const std::set<std::string>& present);

// "P12, P13" for a list of names; "" for none.
std::string JoinSpeakers(const std::set<std::string>& names);

// What the units are, for messages and reports: "the turns of P12, P13",
// "every segment but the turns of Interviewer" or "every segment".
std::string UnitsText(const SpeakerFilter& filter);

}  // namespace icr::catalog

#endif  // ICR_SERVER_CATALOG_SPEAKERS_H_
