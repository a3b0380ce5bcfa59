#include "server/catalog/speakers.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/catalog/validation.h"
#include "server/common/status_macros.h"

namespace icr::catalog {
namespace {

constexpr char kSpeakers[] = "speakers";
constexpr char kExclude[] = "exclude_speakers";

absl::Status ValidateList(const char* field, const SpeakerList& names) {
  std::set<std::string> seen;
  for (int i = 0; i < names.size(); ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    const std::string& name = names.Get(i);
    if (absl::StripAsciiWhitespace(name).empty()) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": empty speaker name"));
    }
    ICR_RETURN_IF_ERROR(ValidateName(at, name));
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": \"", name, "\" is listed twice"));
    }
  }
  return absl::OkStatus();
}

// The first names of a set, for an error message.
std::string Some(const std::set<std::string>& names) {
  constexpr size_t kMost = 20;
  std::vector<std::string> shown;
  for (const std::string& name : names) {
    if (shown.size() == kMost) break;
    shown.push_back(name.empty() ? "(no speaker)" : name);
  }
  std::string out = absl::StrJoin(shown, ", ");
  if (names.size() > kMost) absl::StrAppend(&out, " and ", names.size() - kMost, " more");
  return out;
}

}  // namespace

std::string JoinSpeakers(const std::set<std::string>& names) { return absl::StrJoin(names, ", "); }

absl::Status ValidateSpeakers(const SpeakerList& speakers, const SpeakerList& exclude) {
  ICR_RETURN_IF_ERROR(ValidateList(kSpeakers, speakers));
  ICR_RETURN_IF_ERROR(ValidateList(kExclude, exclude));
  const std::set<std::string> included(speakers.begin(), speakers.end());
  for (int i = 0; i < exclude.size(); ++i) {
    if (included.count(exclude.Get(i))) {
      return absl::InvalidArgumentError(absl::StrCat(kExclude, "[", i, "]: \"", exclude.Get(i),
                                                     "\" is also in speakers; list it in one"));
    }
  }
  return absl::OkStatus();
}

SpeakerFilter MakeSpeakerFilter(const SpeakerList& speakers, const SpeakerList& exclude) {
  SpeakerFilter filter;
  filter.speakers.insert(speakers.begin(), speakers.end());
  filter.exclude.insert(exclude.begin(), exclude.end());
  return filter;
}

absl::StatusOr<SpeakerFilter> NarrowSpeakers(const v1::Round& round, const SpeakerList& speakers,
                                             const SpeakerList& exclude) {
  ICR_RETURN_IF_ERROR(ValidateSpeakers(speakers, exclude));
  SpeakerFilter filter = RoundSpeakers(round);
  for (int i = 0; i < speakers.size(); ++i) {
    const std::string& name = speakers.Get(i);
    if (filter.exclude.count(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat(kSpeakers, "[", i, "]: round ", round.id(), " excludes \"", name,
                       "\" (exclude_speakers: ", JoinSpeakers(filter.exclude), ")"));
    }
    if (!filter.speakers.empty() && !filter.speakers.count(name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          kSpeakers, "[", i, "]: \"", name, "\" is not among the speakers of round ", round.id(),
          " (", JoinSpeakers(filter.speakers), "); a query can only narrow them"));
    }
  }
  if (!speakers.empty()) filter.speakers = std::set<std::string>(speakers.begin(), speakers.end());
  filter.exclude.insert(exclude.begin(), exclude.end());
  if (!filter.speakers.empty()) {
    // With a list of speakers, the excluded ones are only taken off it.
    for (const std::string& name : filter.exclude) filter.speakers.erase(name);
    filter.exclude.clear();
    if (filter.speakers.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(kExclude, ": excludes every speaker of round ",
                                                     round.id(), "; no unit would be left"));
    }
  }
  return filter;
}

std::string UnitsText(const SpeakerFilter& filter) {
  if (!filter.speakers.empty()) return absl::StrCat("the turns of ", JoinSpeakers(filter.speakers));
  if (!filter.exclude.empty()) {
    return absl::StrCat("every segment but the turns of ", JoinSpeakers(filter.exclude));
  }
  return "every segment";
}

absl::Status CheckSpeakersPresent(const SpeakerList& speakers, const SpeakerList& exclude,
                                  const std::set<std::string>& present) {
  std::set<std::string> named = present;
  named.erase("");
  const std::pair<const char*, const SpeakerList*> lists[] = {{kSpeakers, &speakers},
                                                              {kExclude, &exclude}};
  for (const auto& [field, names] : lists) {
    for (int i = 0; i < names->size(); ++i) {
      if (present.count(names->Get(i))) continue;
      return absl::InvalidArgumentError(absl::StrCat(
          field, "[", i, "]: \"", names->Get(i), "\" speaks in none of the round's documents",
          named.empty() ? " (their segments have no speakers: add transcripts with --segment turn)"
                        : absl::StrCat(" (speakers there: ", Some(named), ")")));
    }
  }
  return absl::OkStatus();
}

}  // namespace icr::catalog
