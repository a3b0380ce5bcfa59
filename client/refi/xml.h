#ifndef ICR_CLIENT_REFI_XML_H_
#define ICR_CLIENT_REFI_XML_H_

// QDA-XML 1.0 (REFI-QDA) reading and writing with libxml2.
//
// Reading is strict about what icr relies on and tolerant of the rest:
// the root element must be in the REFI namespace (`urn:QDA-XML:project:1.0`
// for a project, `urn:QDA-XML:codebook:1.0` or a variant tools write, such as
// `urn:QDA-XML:codebook:1:0` or `urn:QDA-XML:codebook:0:4`, for a codebook); elements of
// other namespaces and REFI elements icr has no use for (variables, cases,
// sets, graphs, links) are ignored. A document type declaration is refused
// (no entity expansion, no network). Every error is INVALID_ARGUMENT and
// reads "WHERE:LINE: reason", naming the element and its guid.
//
// The reader is xml_reader.cc, the writer xml_writer.cc.

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "client/refi/model.h"

namespace icr::refi {

inline constexpr char kProjectNamespace[] = "urn:QDA-XML:project:1.0";
inline constexpr char kCodebookNamespace[] = "urn:QDA-XML:codebook:1.0";
// Codebook namespaces tools write besides the standard's.
inline constexpr const char* kCodebookNamespaceVariants[] = {
    kCodebookNamespace, "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4"};

struct ProjectReadOptions {
  // False: the <Sources> section is not read (a codebook taken from a .qdpx).
  bool sources = true;
  // True: a TextSource whose file is not in the archive (the resolver says
  // NOT_FOUND) is left out and listed in Project::missing_sources instead of
  // failing the whole read.
  bool collect_missing_sources = false;
};

// Parses a `.qdc` codebook. `where` names the input in errors.
absl::StatusOr<Codebook> ParseCodebookXml(std::string_view xml, const std::string& where);

// Returns the UTF-8 text of the file a TextSource's plainTextPath names
// (e.g. "internal://1F2E....txt"), or an error that says why not.
using TextResolver = std::function<absl::StatusOr<std::string>(const std::string& path)>;

// Parses a `.qde` project. A TextSource takes its text from
// <PlainTextContent>, else from `resolve(plainTextPath)`. Checked here:
// required guids present, code guids unique, every CodeRef names a code of
// the codebook, 0 <= startPosition <= endPosition. Bounds against the text
// depend on the position unit and are checked by PlanImport (plan.h).
absl::StatusOr<Project> ParseProjectXml(std::string_view xml, const std::string& where,
                                        const TextResolver& resolve,
                                        const ProjectReadOptions& options = {});

// Serializes `project` as a `.qde` (UTF-8, REFI project namespace). A source
// with a plain_text_path is written with that attribute and no inline text
// (the archive writer stores the text); one without is written inline.
// Characters XML 1.0 cannot carry are replaced by U+FFFD (one code point
// for one, so positions do not move).
std::string WriteProjectXml(const Project& project);

// Serializes a `.qdc` codebook.
std::string WriteCodebookXml(const Codebook& codebook);

}  // namespace icr::refi

#endif  // ICR_CLIENT_REFI_XML_H_
