// Reading QDA-XML (.qdc codebooks, .qde projects) into the model (xml.h).

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/refi/xml.h"
#include "client/refi/xml_internal.h"

namespace icr::refi {
namespace {

using xml_internal::Chars;
using xml_internal::DocPtr;
using xml_internal::XmlChars;

struct ParserDeleter {
  void operator()(xmlParserCtxt* context) const { xmlFreeParserCtxt(context); }
};

void IgnoreGenericError(void*, const char*, ...) {}

// Set on a parser context (as its _private) while it reads: whether the
// document declared a document type.
struct ReadState {
  bool saw_doctype = false;
};

// libxml2 calls this at "<!DOCTYPE name ...", before the internal subset's
// declarations are read: stopping here means no entity or DTD is ever
// parsed, and nothing after it either.
void StopAtDoctype(void* user_data, const xmlChar*, const xmlChar*, const xmlChar*) {
  auto* context = static_cast<xmlParserCtxtPtr>(user_data);
  static_cast<ReadState*>(context->_private)->saw_doctype = true;
  xmlStopParser(context);
}

// Reads a whole XML document into a tree. No DTD, no network, no entity
// substitution; libxml2's messages are kept, not printed.
absl::StatusOr<DocPtr> ReadXml(std::string_view xml, const std::string& where) {
  // Encoding errors bypass the context's options and go to the generic
  // handler (stderr by default); the context's last error still has them.
  xmlSetGenericErrorFunc(nullptr, IgnoreGenericError);
  if (xml.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": too large for an XML document"));
  }
  std::unique_ptr<xmlParserCtxt, ParserDeleter> context(xmlNewParserCtxt());
  if (context == nullptr || context->sax == nullptr) {
    return absl::ResourceExhaustedError("libxml2: out of memory");
  }
  ReadState state;
  context->_private = &state;
  context->sax->internalSubset = StopAtDoctype;
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  DocPtr doc(xmlCtxtReadMemory(context.get(), xml.data(), static_cast<int>(xml.size()), nullptr,
                               nullptr, options));
  // Refused as soon as it is seen, whatever follows it.
  if (state.saw_doctype) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ":", xmlSAX2GetLineNumber(context.get()),
                     ": a document type declaration (DOCTYPE) is not allowed"));
  }
  if (doc == nullptr || !context->wellFormed) {
    const xmlError* error = xmlCtxtGetLastError(context.get());
    std::string reason = "not well-formed XML";
    int line = 0;
    if (error != nullptr && error->message != nullptr) {
      reason =
          absl::StrCat("not well-formed XML: ", absl::StripTrailingAsciiWhitespace(error->message));
      line = error->line;
    }
    return absl::InvalidArgumentError(absl::StrCat(where, ":", line, ": ", reason));
  }
  // Unreachable while the handler above is installed; kept so that no tree
  // with a DTD is ever walked.
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ":1: a document type declaration (DOCTYPE) is not allowed"));
  }
  return doc;
}

// Walks elements of one namespace.
class Walker {
 public:
  Walker(std::string where, const char* ns) : where_(std::move(where)), ns_(ns) {}

  // True when `node` is an element of the namespace named `name`.
  bool Is(const xmlNode* node, const char* name) const {
    return node->type == XML_ELEMENT_NODE && InNamespace(node) &&
           std::strcmp(Chars(node->name), name) == 0;
  }
  bool InNamespace(const xmlNode* node) const {
    return node->ns != nullptr && node->ns->href != nullptr &&
           std::strcmp(Chars(node->ns->href), ns_) == 0;
  }

  std::string Attribute(const xmlNode* node, const char* name) const {
    xmlChar* value = xmlGetNoNsProp(node, XmlChars(name));
    if (value == nullptr) return "";
    std::string result = Chars(value);
    xmlFree(value);
    return result;
  }

  std::string Text(const xmlNode* node) const {
    xmlChar* value = xmlNodeGetContent(node);
    if (value == nullptr) return "";
    std::string result = Chars(value);
    xmlFree(value);
    return result;
  }

  int Line(const xmlNode* node) const { return static_cast<int>(xmlGetLineNo(node)); }

  absl::Status Error(const xmlNode* node, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(where_, ":", Line(node), ": ", what));
  }

  // An element's label for errors: `PlainTextSelection 8A1...` or the name.
  std::string Label(const xmlNode* node) const {
    std::string guid = Attribute(node, "guid");
    std::string label = Chars(node->name);
    if (!guid.empty()) absl::StrAppend(&label, " ", guid);
    return label;
  }

  absl::StatusOr<std::string> RequiredGuid(const xmlNode* node) const {
    std::string guid(absl::StripAsciiWhitespace(Attribute(node, "guid")));
    if (guid.empty()) return Error(node, absl::StrCat(Chars(node->name), ": missing guid"));
    return guid;
  }

  absl::StatusOr<int64_t> RequiredInteger(const xmlNode* node, const char* name) const {
    std::string text = Attribute(node, name);
    int64_t value = 0;
    if (text.empty()) return Error(node, absl::StrCat(Label(node), ": missing ", name));
    if (!absl::SimpleAtoi(text, &value)) {
      return Error(node,
                   absl::StrCat(Label(node), ": ", name, " \"", text, "\" is not an integer"));
    }
    return value;
  }

  const std::string& where() const { return where_; }

 private:
  std::string where_;
  const char* ns_;
};

// Element children of `node` (in any namespace).
template <typename F>
absl::Status ForEachChild(const xmlNode* node, F&& f) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    absl::Status status = f(child);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

bool ParseBool(const std::string& text, bool fallback) {
  std::string t(absl::StripAsciiWhitespace(text));
  if (t == "true" || t == "1") return true;
  if (t == "false" || t == "0") return false;
  return fallback;
}

absl::StatusOr<Code> ParseCode(const Walker& w, const xmlNode* node, int depth,
                               std::set<std::string>& guids) {
  if (depth > 64) return w.Error(node, "Code: nested more than 64 levels deep");
  Code code;
  code.line = w.Line(node);
  absl::StatusOr<std::string> guid = w.RequiredGuid(node);
  if (!guid.ok()) return guid.status();
  code.guid = *guid;
  if (!guids.insert(code.guid).second) {
    return w.Error(node, absl::StrCat("Code ", code.guid, ": guid used by another code"));
  }
  code.name = w.Attribute(node, "name");
  if (absl::StripAsciiWhitespace(code.name).empty()) {
    return w.Error(node, absl::StrCat("Code ", code.guid, ": missing name"));
  }
  code.color = std::string(absl::StripAsciiWhitespace(w.Attribute(node, "color")));
  code.codable = ParseBool(w.Attribute(node, "isCodable"), true);
  absl::Status status = ForEachChild(node, [&](const xmlNode* child) -> absl::Status {
    if (w.Is(child, "Description")) {
      code.description = w.Text(child);
    } else if (w.Is(child, "Code")) {
      absl::StatusOr<Code> sub = ParseCode(w, child, depth + 1, guids);
      if (!sub.ok()) return sub.status();
      code.children.push_back(*std::move(sub));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return code;
}

absl::Status ParseCodes(const Walker& w, const xmlNode* codes_node, std::vector<Code>& out,
                        std::set<std::string>& guids) {
  return ForEachChild(codes_node, [&](const xmlNode* child) -> absl::Status {
    if (!w.Is(child, "Code")) return absl::OkStatus();
    absl::StatusOr<Code> code = ParseCode(w, child, 0, guids);
    if (!code.ok()) return code.status();
    out.push_back(*std::move(code));
    return absl::OkStatus();
  });
}

absl::StatusOr<Coding> ParseCoding(const Walker& w, const xmlNode* node) {
  Coding coding;
  coding.line = w.Line(node);
  absl::StatusOr<std::string> guid = w.RequiredGuid(node);
  if (!guid.ok()) return guid.status();
  coding.guid = *guid;
  coding.creating_user = std::string(absl::StripAsciiWhitespace(w.Attribute(node, "creatingUser")));
  coding.creation_date_time = w.Attribute(node, "creationDateTime");
  absl::Status status = ForEachChild(node, [&](const xmlNode* child) -> absl::Status {
    if (w.Is(child, "CodeRef")) {
      coding.code_guid = std::string(absl::StripAsciiWhitespace(w.Attribute(child, "targetGUID")));
    } else if (w.Is(child, "NoteRef")) {
      coding.note_refs.push_back(
          std::string(absl::StripAsciiWhitespace(w.Attribute(child, "targetGUID"))));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (coding.code_guid.empty()) {
    return w.Error(node, absl::StrCat("Coding ", coding.guid, ": no CodeRef with a targetGUID"));
  }
  return coding;
}

absl::StatusOr<TextSelection> ParseSelection(const Walker& w, const xmlNode* node) {
  TextSelection selection;
  selection.line = w.Line(node);
  absl::StatusOr<std::string> guid = w.RequiredGuid(node);
  if (!guid.ok()) return guid.status();
  selection.guid = *guid;
  selection.name = w.Attribute(node, "name");
  selection.creating_user =
      std::string(absl::StripAsciiWhitespace(w.Attribute(node, "creatingUser")));
  absl::StatusOr<int64_t> start = w.RequiredInteger(node, "startPosition");
  if (!start.ok()) return start.status();
  absl::StatusOr<int64_t> end = w.RequiredInteger(node, "endPosition");
  if (!end.ok()) return end.status();
  selection.start = *start;
  selection.end = *end;
  if (selection.start < 0) {
    return w.Error(node, absl::StrCat("PlainTextSelection ", selection.guid, ": startPosition ",
                                      selection.start, " < 0"));
  }
  if (selection.start > selection.end) {
    return w.Error(node, absl::StrCat("PlainTextSelection ", selection.guid, ": startPosition ",
                                      selection.start, " > endPosition ", selection.end));
  }
  absl::Status status = ForEachChild(node, [&](const xmlNode* child) -> absl::Status {
    if (w.Is(child, "Description")) {
      selection.description = w.Text(child);
    } else if (w.Is(child, "Coding")) {
      absl::StatusOr<Coding> coding = ParseCoding(w, child);
      if (!coding.ok()) return coding.status();
      selection.codings.push_back(*std::move(coding));
    } else if (w.Is(child, "NoteRef")) {
      selection.note_refs.push_back(
          std::string(absl::StripAsciiWhitespace(w.Attribute(child, "targetGUID"))));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return selection;
}

// Parses a TextSource. With `missing` set, a file the resolver does not find
// (NOT_FOUND) is reported there, with the source's guid, name and counts,
// and the source comes back without text.
absl::StatusOr<TextSource> ParseTextSource(const Walker& w, const xmlNode* node,
                                           const TextResolver& resolve,
                                           std::optional<MissingSource>* missing) {
  TextSource source;
  source.line = w.Line(node);
  absl::StatusOr<std::string> guid = w.RequiredGuid(node);
  if (!guid.ok()) return guid.status();
  source.guid = *guid;
  source.name = w.Attribute(node, "name");
  source.creating_user = std::string(absl::StripAsciiWhitespace(w.Attribute(node, "creatingUser")));
  source.plain_text_path =
      std::string(absl::StripAsciiWhitespace(w.Attribute(node, "plainTextPath")));
  bool has_content = false;
  source.rich_text_path =
      std::string(absl::StripAsciiWhitespace(w.Attribute(node, "richTextPath")));
  absl::Status status = ForEachChild(node, [&](const xmlNode* child) -> absl::Status {
    if (w.Is(child, "Description")) {
      source.description = w.Text(child);
    } else if (w.Is(child, "PlainTextContent")) {
      source.text = w.Text(child);
      has_content = true;
    } else if (w.Is(child, "PlainTextSelection")) {
      absl::StatusOr<TextSelection> selection = ParseSelection(w, child);
      if (!selection.ok()) return selection.status();
      source.selections.push_back(*std::move(selection));
    } else if (w.Is(child, "Coding")) {
      absl::StatusOr<Coding> coding = ParseCoding(w, child);
      if (!coding.ok()) return coding.status();
      source.whole_source_codings.push_back(*std::move(coding));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!has_content) {
    if (source.plain_text_path.empty()) {
      std::string rich(absl::StripAsciiWhitespace(w.Attribute(node, "richTextPath")));
      if (!rich.empty()) {
        return w.Error(node, absl::StrCat("TextSource ", source.guid, " (\"", source.name,
                                          "\"): only a richTextPath (\"", rich,
                                          "\"), no plain text; icr imports a source's plain "
                                          "text: export the project with plain-text sources"));
      }
      return w.Error(node, absl::StrCat("TextSource ", source.guid,
                                        ": neither PlainTextContent nor plainTextPath"));
    }
    absl::StatusOr<std::string> text = resolve(source.plain_text_path);
    if (!text.ok() && missing != nullptr && text.status().code() == absl::StatusCode::kNotFound) {
      MissingSource gone;
      gone.guid = source.guid;
      gone.name = source.name;
      gone.path = source.plain_text_path;
      gone.line = source.line;
      gone.selections = static_cast<int64_t>(source.selections.size());
      for (const TextSelection& selection : source.selections) {
        gone.codings += static_cast<int64_t>(selection.codings.size());
      }
      gone.codings += static_cast<int64_t>(source.whole_source_codings.size());
      *missing = std::move(gone);
      return source;
    }
    if (!text.ok()) {
      absl::Status error =
          w.Error(node, absl::StrCat("TextSource ", source.guid, ": plainTextPath \"",
                                     source.plain_text_path, "\": ", text.status().message()));
      // An archive over its size limits stays RESOURCE_EXHAUSTED.
      if (text.status().code() == absl::StatusCode::kResourceExhausted) {
        return absl::ResourceExhaustedError(error.message());
      }
      return error;
    }
    source.text = *std::move(text);
  } else {
    source.plain_text_path.clear();
  }
  return source;
}

// Counts the selections under a source icr does not import.
void CountSkipped(const xmlNode* node, std::map<std::string, int64_t>& counts, int depth = 0) {
  if (depth > 32) return;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    std::string_view name = Chars(child->name);
    if (name.size() >= 9 && name.substr(name.size() - 9) == "Selection") {
      ++counts[std::string(name)];
    }
    CountSkipped(child, counts, depth + 1);
  }
}

absl::Status CheckRoot(const Walker& w, const xmlNode* root, const char* name, const char* ns) {
  if (root == nullptr) return absl::InvalidArgumentError(absl::StrCat(w.where(), ":1: empty"));
  if (!w.InNamespace(root)) {
    std::string found = root->ns != nullptr && root->ns->href != nullptr
                            ? absl::StrCat("\"", Chars(root->ns->href), "\"")
                            : std::string("no namespace");
    return w.Error(root, absl::StrCat("root element <", Chars(root->name), "> is in ", found,
                                      ", not the REFI-QDA namespace \"", ns, "\""));
  }
  if (std::strcmp(Chars(root->name), name) != 0) {
    return w.Error(root,
                   absl::StrCat("root element is <", Chars(root->name), ">, not <", name, ">"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Codebook> ParseCodebookXml(std::string_view xml, const std::string& where) {
  absl::StatusOr<DocPtr> doc = ReadXml(xml, where);
  if (!doc.ok()) return doc.status();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  // The namespace the file uses, when it is one of the known ones.
  const char* ns = kCodebookNamespace;
  if (root != nullptr && root->ns != nullptr && root->ns->href != nullptr) {
    for (const char* variant : kCodebookNamespaceVariants) {
      if (std::strcmp(Chars(root->ns->href), variant) == 0) ns = variant;
    }
  }
  Walker w(where, ns);
  absl::Status status = CheckRoot(w, root, "CodeBook", kCodebookNamespace);
  if (!status.ok()) return status;
  Codebook codebook;
  codebook.origin = w.Attribute(root, "origin");
  std::set<std::string> guids;
  bool has_codes = false;
  status = ForEachChild(root, [&](const xmlNode* child) -> absl::Status {
    if (!w.Is(child, "Codes")) return absl::OkStatus();
    has_codes = true;
    return ParseCodes(w, child, codebook.codes, guids);
  });
  if (!status.ok()) return status;
  if (!has_codes) return w.Error(root, "CodeBook: no <Codes> element");
  return codebook;
}

absl::StatusOr<Project> ParseProjectXml(std::string_view xml, const std::string& where,
                                        const TextResolver& resolve,
                                        const ProjectReadOptions& options) {
  absl::StatusOr<DocPtr> doc = ReadXml(xml, where);
  if (!doc.ok()) return doc.status();
  Walker w(where, kProjectNamespace);
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  absl::Status status = CheckRoot(w, root, "Project", kProjectNamespace);
  if (!status.ok()) return status;
  Project project;
  project.name = w.Attribute(root, "name");
  project.origin = w.Attribute(root, "origin");
  project.creating_user =
      std::string(absl::StripAsciiWhitespace(w.Attribute(root, "creatingUserGUID")));
  std::set<std::string> code_guids;
  std::set<std::string> source_guids;
  status = ForEachChild(root, [&](const xmlNode* section) -> absl::Status {
    if (w.Is(section, "Users")) {
      return ForEachChild(section, [&](const xmlNode* node) -> absl::Status {
        if (!w.Is(node, "User")) return absl::OkStatus();
        absl::StatusOr<std::string> guid = w.RequiredGuid(node);
        if (!guid.ok()) return guid.status();
        project.users.push_back({*guid, w.Attribute(node, "name"), w.Attribute(node, "id")});
        return absl::OkStatus();
      });
    }
    if (w.Is(section, "CodeBook")) {
      return ForEachChild(section, [&](const xmlNode* node) -> absl::Status {
        if (!w.Is(node, "Codes")) return absl::OkStatus();
        return ParseCodes(w, node, project.codes, code_guids);
      });
    }
    if (w.Is(section, "Sources") && options.sources) {
      return ForEachChild(section, [&](const xmlNode* node) -> absl::Status {
        if (!w.InNamespace(node)) return absl::OkStatus();
        if (w.Is(node, "TextSource")) {
          std::optional<MissingSource> missing;
          absl::StatusOr<TextSource> source = ParseTextSource(
              w, node, resolve, options.collect_missing_sources ? &missing : nullptr);
          if (!source.ok()) return source.status();
          if (!source_guids.insert(source->guid).second) {
            return w.Error(
                node, absl::StrCat("TextSource ", source->guid, ": guid used by another source"));
          }
          if (missing.has_value()) {
            project.missing_sources.push_back(*std::move(missing));
          } else {
            project.sources.push_back(*std::move(source));
          }
        } else {
          ++project.skipped_sources[Chars(node->name)];
          CountSkipped(node, project.skipped_selections);
        }
        return absl::OkStatus();
      });
    }
    if (w.Is(section, "Notes")) {
      return ForEachChild(section, [&](const xmlNode* node) -> absl::Status {
        if (!w.Is(node, "Note")) return absl::OkStatus();
        Note note;
        note.guid = std::string(absl::StripAsciiWhitespace(w.Attribute(node, "guid")));
        note.name = w.Attribute(node, "name");
        note.creating_user = w.Attribute(node, "creatingUser");
        ForEachChild(node, [&](const xmlNode* child) -> absl::Status {
          if (w.Is(child, "PlainTextContent")) note.text = w.Text(child);
          return absl::OkStatus();
        }).IgnoreError();
        project.notes.push_back(std::move(note));
        return absl::OkStatus();
      });
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;

  // Every CodeRef must resolve within the file's codebook.
  for (const TextSource& source : project.sources) {
    auto check = [&](const Coding& coding, const std::string& selection) -> absl::Status {
      if (code_guids.count(coding.code_guid) > 0) return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat(where, ":", coding.line, ": ", selection, "Coding ", coding.guid,
                       ": CodeRef \"", coding.code_guid, "\" names no code of the codebook"));
    };
    for (const TextSelection& selection : source.selections) {
      for (const Coding& coding : selection.codings) {
        status = check(coding, absl::StrCat("PlainTextSelection ", selection.guid, ": "));
        if (!status.ok()) return status;
      }
    }
    for (const Coding& coding : source.whole_source_codings) {
      status = check(coding, absl::StrCat("TextSource ", source.guid, ": "));
      if (!status.ok()) return status;
    }
  }
  return project;
}

}  // namespace icr::refi
