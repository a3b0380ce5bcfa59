#ifndef ICR_CLIENT_REFI_MODEL_H_
#define ICR_CLIENT_REFI_MODEL_H_

// The part of a REFI-QDA project (QDA-XML 1.0: the `.qde` inside a `.qdpx`
// archive, or a `.qdc` codebook) that icr reads and writes, as plain structs.
// Positions are kept as the file states them (characters, in whatever unit the
// producing tool counts); converting them is the importer's job (plan.h).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace icr::refi {

// A code of the codebook, with its sub-codes (the hierarchy).
struct Code {
  std::string guid;
  std::string name;
  std::string color;        // "#RRGGBB" or "#RGB" as written; may be empty
  std::string description;  // the <Description> text
  bool codable = true;      // isCodable
  std::vector<Code> children;
  int line = 0;  // line of the <Code> element in the XML (0 when written by us)
};

struct Codebook {
  std::string origin;
  std::vector<Code> codes;  // top-level codes
};

struct User {
  std::string guid;
  std::string name;
  std::string id;  // the optional `id` attribute (a tool's own user id)
};

// A <Coding>: one code applied to the enclosing selection.
struct Coding {
  std::string guid;
  std::string code_guid;           // <CodeRef targetGUID>
  std::string creating_user;       // user guid; may be empty
  std::string creation_date_time;  // xsd:dateTime as written; may be empty
  std::vector<std::string> note_refs;
  int line = 0;
};

// A <PlainTextSelection>: [start, end) in characters of the source's text.
struct TextSelection {
  std::string guid;
  std::string name;
  int64_t start = 0;
  int64_t end = 0;
  std::string creating_user;  // user guid; may be empty
  std::string description;
  std::vector<Coding> codings;
  std::vector<std::string> note_refs;
  int line = 0;
};

// A <TextSource> with its text resolved: inline <PlainTextContent>, or the
// file its plainTextPath names inside the archive.
struct TextSource {
  std::string guid;
  std::string name;
  std::string plain_text_path;  // as written; empty for inline text
  std::string text;             // UTF-8
  // The richTextPath (REFI-QDA's rich text is a DOCX) as written; when
  // writing an archive, `rich_text` holds that file's bytes (never read
  // from an archive: icr imports the plain text).
  std::string rich_text_path;
  std::string rich_text;
  std::string description;  // the <Description> text
  std::string creating_user;
  std::vector<TextSelection> selections;
  // <Coding>s of the source itself: the whole text coded.
  std::vector<Coding> whole_source_codings;
  int line = 0;
};

// A TextSource whose plainTextPath names no file of the archive.
struct MissingSource {
  std::string guid;
  std::string name;
  std::string path;  // the plainTextPath as written
  int64_t selections = 0;
  int64_t codings = 0;
  int line = 0;
};

// A <Note> (a text memo); icr writes resolution rationales as notes.
struct Note {
  std::string guid;
  std::string name;
  std::string text;
  std::string creating_user;
};

struct Project {
  std::string qde_path;  // the .qde's name inside the archive, when read from one
  std::string name;
  std::string origin;
  std::string creating_user;  // creatingUserGUID
  std::vector<User> users;
  std::vector<Code> codes;  // the codebook's top-level codes
  std::vector<TextSource> sources;
  std::vector<Note> notes;
  // Selections on sources icr does not take (PDF, picture, audio, video,
  // transcripts), counted by element name, e.g. {"PDFSelection", 3}.
  std::map<std::string, int64_t> skipped_selections;
  // Non-text sources, counted by element name ("PDFSource", ...).
  std::map<std::string, int64_t> skipped_sources;
  // Text sources left out because their file is not in the archive (only
  // when reading with ProjectReadOptions::collect_missing_sources).
  std::vector<MissingSource> missing_sources;
};

}  // namespace icr::refi

#endif  // ICR_CLIENT_REFI_MODEL_H_
