// Writing the model (xml.h) as QDA-XML: .qde projects and .qdc codebooks.

#include <libxml/tree.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "client/refi/xml.h"
#include "client/refi/xml_internal.h"

namespace icr::refi {
namespace {

using xml_internal::Chars;
using xml_internal::DocPtr;
using xml_internal::XmlChars;

// Replaces what XML 1.0 cannot carry (control characters other than tab,
// newline and carriage return; U+FFFE, U+FFFF; ill-formed UTF-8) by U+FFFD.
std::string XmlSafe(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  constexpr char kReplacement[] = "\xEF\xBF\xBD";
  size_t i = 0;
  while (i < in.size()) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        out += kReplacement;
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    int length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (length == 0 || c > 0xF4 || i + length > in.size()) {
      out += kReplacement;
      ++i;
      continue;
    }
    uint32_t cp = c & (0xFF >> (length + 1));
    bool ok = true;
    for (int k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(in[i + k]);
      if ((next & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (!ok || cp < kMin[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp == 0xFFFE || cp == 0xFFFF) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(in.substr(i, length));
    i += length;
  }
  return out;
}

class Writer {
 public:
  explicit Writer(const char* root_name, const char* ns_href) {
    doc_.reset(xmlNewDoc(XmlChars("1.0")));
    root_ = xmlNewDocNode(doc_.get(), nullptr, XmlChars(root_name), nullptr);
    xmlDocSetRootElement(doc_.get(), root_);
    ns_ = xmlNewNs(root_, XmlChars(ns_href), nullptr);
    xmlSetNs(root_, ns_);
  }

  xmlNode* root() { return root_; }

  xmlNode* Child(xmlNode* parent, const char* name) {
    return xmlNewChild(parent, ns_, XmlChars(name), nullptr);
  }

  xmlNode* TextChild(xmlNode* parent, const char* name, std::string_view text) {
    xmlNode* node = Child(parent, name);
    std::string safe = XmlSafe(text);
    xmlNodeAddContentLen(node, XmlChars(safe.c_str()), static_cast<int>(safe.size()));
    return node;
  }

  void Attribute(xmlNode* node, const char* name, std::string_view value) {
    std::string safe = XmlSafe(value);
    xmlNewProp(node, XmlChars(name), XmlChars(safe.c_str()));
  }
  void OptionalAttribute(xmlNode* node, const char* name, std::string_view value) {
    if (!value.empty()) Attribute(node, name, value);
  }

  std::string Serialize() {
    xmlChar* buffer = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc_.get(), &buffer, &size, "UTF-8", 1);
    std::string out(Chars(buffer), size);
    xmlFree(buffer);
    return out;
  }

 private:
  DocPtr doc_;
  xmlNode* root_ = nullptr;
  xmlNs* ns_ = nullptr;
};

bool IsRgb(std::string_view color) {
  if (color.size() != 7 && color.size() != 4) return false;
  if (color[0] != '#') return false;
  for (char c : color.substr(1)) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void WriteCodes(Writer& w, xmlNode* parent, const std::vector<Code>& codes) {
  for (const Code& code : codes) {
    xmlNode* node = w.Child(parent, "Code");
    w.Attribute(node, "guid", code.guid);
    w.Attribute(node, "name", code.name);
    w.Attribute(node, "isCodable", code.codable ? "true" : "false");
    if (IsRgb(code.color)) w.Attribute(node, "color", code.color);
    if (!code.description.empty()) w.TextChild(node, "Description", code.description);
    WriteCodes(w, node, code.children);
  }
}

void WriteCoding(Writer& w, xmlNode* parent, const Coding& coding) {
  xmlNode* node = w.Child(parent, "Coding");
  w.Attribute(node, "guid", coding.guid);
  w.OptionalAttribute(node, "creatingUser", coding.creating_user);
  w.OptionalAttribute(node, "creationDateTime", coding.creation_date_time);
  xmlNode* ref = w.Child(node, "CodeRef");
  w.Attribute(ref, "targetGUID", coding.code_guid);
  for (const std::string& note : coding.note_refs) {
    w.Attribute(w.Child(node, "NoteRef"), "targetGUID", note);
  }
}

}  // namespace

std::string WriteProjectXml(const Project& project) {
  Writer w("Project", kProjectNamespace);
  xmlNode* root = w.root();
  w.Attribute(root, "name", project.name);
  w.OptionalAttribute(root, "origin", project.origin);
  w.OptionalAttribute(root, "creatingUserGUID", project.creating_user);
  if (!project.users.empty()) {
    xmlNode* users = w.Child(root, "Users");
    for (const User& user : project.users) {
      xmlNode* node = w.Child(users, "User");
      w.Attribute(node, "guid", user.guid);
      w.OptionalAttribute(node, "name", user.name);
      w.OptionalAttribute(node, "id", user.id);
    }
  }
  if (!project.codes.empty()) {
    xmlNode* codes = w.Child(w.Child(root, "CodeBook"), "Codes");
    WriteCodes(w, codes, project.codes);
  }
  if (!project.sources.empty()) {
    xmlNode* sources = w.Child(root, "Sources");
    for (const TextSource& source : project.sources) {
      xmlNode* node = w.Child(sources, "TextSource");
      w.Attribute(node, "guid", source.guid);
      w.OptionalAttribute(node, "name", source.name);
      w.OptionalAttribute(node, "richTextPath", source.rich_text_path);
      w.OptionalAttribute(node, "plainTextPath", source.plain_text_path);
      w.OptionalAttribute(node, "creatingUser", source.creating_user);
      if (!source.description.empty()) w.TextChild(node, "Description", source.description);
      if (source.plain_text_path.empty()) w.TextChild(node, "PlainTextContent", source.text);
      for (const TextSelection& selection : source.selections) {
        xmlNode* s = w.Child(node, "PlainTextSelection");
        w.Attribute(s, "guid", selection.guid);
        w.OptionalAttribute(s, "name", selection.name);
        w.Attribute(s, "startPosition", std::to_string(selection.start));
        w.Attribute(s, "endPosition", std::to_string(selection.end));
        w.OptionalAttribute(s, "creatingUser", selection.creating_user);
        if (!selection.description.empty()) w.TextChild(s, "Description", selection.description);
        for (const Coding& coding : selection.codings) WriteCoding(w, s, coding);
        for (const std::string& note : selection.note_refs) {
          w.Attribute(w.Child(s, "NoteRef"), "targetGUID", note);
        }
      }
      for (const Coding& coding : source.whole_source_codings) WriteCoding(w, node, coding);
    }
  }
  if (!project.notes.empty()) {
    xmlNode* notes = w.Child(root, "Notes");
    for (const Note& note : project.notes) {
      xmlNode* node = w.Child(notes, "Note");
      w.Attribute(node, "guid", note.guid);
      w.OptionalAttribute(node, "name", note.name);
      w.OptionalAttribute(node, "creatingUser", note.creating_user);
      w.TextChild(node, "PlainTextContent", note.text);
    }
  }
  return w.Serialize();
}

std::string WriteCodebookXml(const Codebook& codebook) {
  Writer w("CodeBook", kCodebookNamespace);
  w.OptionalAttribute(w.root(), "origin", codebook.origin);
  xmlNode* codes = w.Child(w.root(), "Codes");
  WriteCodes(w, codes, codebook.codes);
  return w.Serialize();
}

}  // namespace icr::refi
