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

std::vector<FlatCode> FlattenCodes(const std::vector<Code>& codes) {
  std::vector<FlatCode> out;
  Flatten(codes, "", 0, out);
  return out;
}

absl::StatusOr<ImportPlan> PlanImport(const Project& project, PositionUnit unit,
                                      const std::string& where) {
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

    std::vector<int64_t> offsets;
    for (const TextSelection& selection : source.selections) {
      if (selection.end > limit) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ":", selection.line, ": PlainTextSelection ", selection.guid, ": endPosition ",
            selection.end, " is past the end of source \"", source.name, "\" (", source.guid, ", ",
            limit, " ", unit_name, "; try --offsets ",
            unit == PositionUnit::kUtf16 ? "codepoint" : "utf16", " if the tool counts so)"));
      }
      offsets.push_back(selection.start);
      offsets.push_back(selection.end);
    }
    std::vector<int64_t> converted = offsets;
    if (unit == PositionUnit::kUtf16 && !offsets.empty()) {
      absl::StatusOr<std::vector<int64_t>> all =
          text::ConvertOffsets(source.text, from, text::OffsetUnit::kCodePoints, offsets);
      if (!all.ok()) {
        // Name the selection at fault.
        for (const TextSelection& selection : source.selections) {
          absl::StatusOr<std::vector<int64_t>> one = text::ConvertOffsets(
              source.text, from, text::OffsetUnit::kCodePoints, {selection.start, selection.end});
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
      for (const Coding& coding : selection.codings) {
        PlannedCoding c;
        c.selection_guid = selection.guid;
        c.coding_guid = coding.guid;
        c.code_guid = coding.code_guid;
        c.user_guid = FirstNonEmpty({&coding.creating_user, &selection.creating_user,
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
