#include "client/refi/plan.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/refi/ids.h"
#include "server/text/utf8.h"

namespace icr::refi {
namespace {

void Flatten(const std::vector<Code>& codes, const std::string& parent, int depth,
             std::vector<FlatCode>& out) {
  for (const Code& code : codes) {
    out.push_back({&code, parent, depth});
    Flatten(code.children, code.guid, depth + 1, out);
  }
}

std::string FirstNonEmpty(std::initializer_list<const std::string*> values) {
  for (const std::string* value : values) {
    if (!value->empty()) return *value;
  }
  return "";
}

}  // namespace

absl::StatusOr<PositionUnit> ParsePositionUnit(std::string_view word) {
  if (word == "codepoint" || word == "codepoints" || word == "code_points") {
    return PositionUnit::kCodePoints;
  }
  if (word == "utf16") return PositionUnit::kUtf16;
  return absl::InvalidArgumentError(absl::StrCat(
      "--offsets: \"", absl::string_view(word.data(), word.size()), "\": use codepoint or utf16"));
}

std::vector<Code> WithoutWrappingNodesCode(std::vector<Code> codes) {
  if (codes.size() == 1 && !codes.front().codable &&
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(codes.front().name)) == "nodes") {
    return std::move(codes.front().children);
  }
  return codes;
}

PositionCounting CountingForOrigin(std::string_view origin) {
  const std::string lower = absl::AsciiStrToLower(absl::string_view(origin.data(), origin.size()));
  PositionCounting counting;
  if (lower.find("nvivo") != std::string::npos) {
    counting.unit = PositionUnit::kUtf16;
    counting.producer = "NVivo";
  } else if (lower.find("atlas") != std::string::npos) {
    counting.crlf_as_one = true;
    counting.producer = "ATLAS.ti";
  } else if (lower.find("maxqda") != std::string::npos) {
    counting.producer = "MAXQDA";
  } else if (lower.find("qualcoder") != std::string::npos) {
    counting.producer = "QualCoder";
  } else if (lower.find("taguette") != std::string::npos) {
    counting.producer = "Taguette";
  }
  return counting;
}

namespace {

// The positions (in `unit`, counting every character) of each CRLF's '\r'.
std::vector<int64_t> CrlfPositions(std::string_view text, PositionUnit unit) {
  std::vector<int64_t> at;
  int64_t position = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') at.push_back(position);
    position += (unit == PositionUnit::kUtf16 && c >= 0xF0) ? 2 : 1;
  }
  return at;
}

}  // namespace

int64_t PositionWithCrlfAsTwo(std::string_view text, PositionUnit unit, int64_t position) {
  const std::vector<int64_t> crlf = CrlfPositions(text, unit);
  // The k-th CRLF is one character at (its position - k) when counted as one.
  int64_t before = 0;
  for (size_t k = 0; k < crlf.size() && crlf[k] - static_cast<int64_t>(k) < position; ++k) {
    ++before;
  }
  return position + before;
}

int64_t PositionWithCrlfAsOne(std::string_view text, PositionUnit unit, int64_t position) {
  const std::vector<int64_t> crlf = CrlfPositions(text, unit);
  int64_t before = 0;
  for (int64_t at : crlf) {
    if (at >= position) break;
    ++before;
  }
  return position - before;
}

std::vector<FlatCode> FlattenCodes(const std::vector<Code>& codes) {
  std::vector<FlatCode> out;
  Flatten(codes, "", 0, out);
  return out;
}

absl::StatusOr<ImportPlan> PlanImport(const Project& project, PositionUnit unit,
                                      const std::string& where) {
  PositionCounting counting;
  counting.unit = unit;
  return PlanImport(project, counting, where);
}

absl::StatusOr<ImportPlan> PlanImport(const Project& project, const PositionCounting& counting,
                                      const std::string& where) {
  const PositionUnit unit = counting.unit;
  ImportPlan plan;
  for (const auto& [kind, count] : project.skipped_selections) {
    plan.skipped_by_kind[kind] += count;
    plan.skipped_selections += count;
  }
  std::map<std::string, const Note*> notes;
  for (const Note& note : project.notes) notes[note.guid] = &note;
  auto note_texts = [&](const std::vector<std::string>& refs) {
    std::vector<std::string> texts;
    for (const std::string& ref : refs) {
      auto it = notes.find(ref);
      if (it != notes.end() && !it->second->text.empty()) texts.push_back(it->second->text);
    }
    return absl::StrJoin(texts, "\n\n");
  };
  const text::OffsetUnit from =
      unit == PositionUnit::kUtf16 ? text::OffsetUnit::kUtf16Units : text::OffsetUnit::kCodePoints;
  const char* unit_name = unit == PositionUnit::kUtf16 ? "UTF-16 units" : "code points";

  for (const TextSource& source : project.sources) {
    PlannedSource planned;
    planned.guid = source.guid;
    planned.name = source.name;
    planned.text = source.text;
    planned.sha256 = Sha256Hex(source.text);
    const text::TextLengths lengths = text::MeasureUtf8(source.text);
    planned.length = lengths.code_points;
    const int64_t limit = unit == PositionUnit::kUtf16 ? lengths.utf16_units : lengths.code_points;

    // ATLAS.ti counts a CRLF as one character: positions as every
    // character counts, for the checks and conversion below.
    std::vector<int64_t> crlf;
    if (counting.crlf_as_one) crlf = CrlfPositions(source.text, unit);
    auto as_two = [&](int64_t position) {
      int64_t before = 0;
      for (size_t k = 0; k < crlf.size() && crlf[k] - static_cast<int64_t>(k) < position; ++k) {
        ++before;
      }
      return position + before;
    };
    const int64_t counted_limit = limit - static_cast<int64_t>(crlf.size());
    std::vector<int64_t> offsets;
    for (const TextSelection& selection : source.selections) {
      if (selection.end > counted_limit) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ":", selection.line, ": PlainTextSelection ", selection.guid, ": endPosition ",
            selection.end, " is past the end of source \"", source.name, "\" (", source.guid, ", ",
            counted_limit, " ", unit_name, counting.crlf_as_one ? ", a CRLF counted as one" : "",
            "; try --offsets ", unit == PositionUnit::kUtf16 ? "codepoint" : "utf16",
            " if the tool counts so)"));
      }
      offsets.push_back(as_two(selection.start));
      offsets.push_back(as_two(selection.end));
    }
    std::vector<int64_t> converted = offsets;
    if (unit == PositionUnit::kUtf16 && !offsets.empty()) {
      absl::StatusOr<std::vector<int64_t>> all =
          text::ConvertOffsets(source.text, from, text::OffsetUnit::kCodePoints, offsets);
      if (!all.ok()) {
        // Name the selection at fault.
        for (const TextSelection& selection : source.selections) {
          absl::StatusOr<std::vector<int64_t>> one =
              text::ConvertOffsets(source.text, from, text::OffsetUnit::kCodePoints,
                                   {as_two(selection.start), as_two(selection.end)});
          if (!one.ok()) {
            return absl::InvalidArgumentError(absl::StrCat(
                where, ":", selection.line, ": PlainTextSelection ", selection.guid, ": ",
                one.status().message(), " (positions ", selection.start, "..", selection.end,
                " in UTF-16 units split a character; is the file counted in code points?)"));
          }
        }
        return all.status();
      }
      converted = *std::move(all);
    }

    for (size_t i = 0; i < source.selections.size(); ++i) {
      const TextSelection& selection = source.selections[i];
      ++plan.selections;
      std::string selection_memo(absl::StripAsciiWhitespace(selection.description));
      bool coding_users_differ = false;
      for (const Coding& coding : selection.codings) {
        coding_users_differ |= coding.creating_user != selection.codings.front().creating_user;
      }
      for (const Coding& coding : selection.codings) {
        PlannedCoding c;
        c.selection_guid = selection.guid;
        c.coding_guid = coding.guid;
        c.code_guid = coding.code_guid;
        // The selection's creatingUser made the selection: NVivo writes one
        // Coding@creatingUser for all codings, whoever selected. Codings of
        // one selection by different users keep their own.
        c.user_guid = coding_users_differ
                          ? FirstNonEmpty({&coding.creating_user, &selection.creating_user,
                                           &source.creating_user, &project.creating_user})
                          : FirstNonEmpty({&selection.creating_user, &coding.creating_user,
                                           &source.creating_user, &project.creating_user});
        c.start = converted[2 * i];
        c.end = converted[2 * i + 1];
        c.memo = selection_memo;
        if (c.memo.empty()) c.memo = note_texts(coding.note_refs);
        if (c.memo.empty()) c.memo = note_texts(selection.note_refs);
        planned.codings.push_back(std::move(c));
        ++plan.codings;
      }
    }
    for (const Coding& coding : source.whole_source_codings) {
      PlannedCoding c;
      c.selection_guid = source.guid;
      c.coding_guid = coding.guid;
      c.code_guid = coding.code_guid;
      c.user_guid =
          FirstNonEmpty({&coding.creating_user, &source.creating_user, &project.creating_user});
      c.start = 0;
      c.end = planned.length;
      c.memo = note_texts(coding.note_refs);
      planned.codings.push_back(std::move(c));
      ++plan.codings;
    }
    plan.sources.push_back(std::move(planned));
  }
  return plan;
}

}  // namespace icr::refi
