#ifndef ICR_CLIENT_REFI_XML_INTERNAL_H_
#define ICR_CLIENT_REFI_XML_INTERNAL_H_

// What the QDA-XML reader (xml_reader.cc) and writer (xml_writer.cc) share:
// the owning pointer to a libxml2 tree and the casts between libxml2's
// xmlChar and char. Not part of the library's interface (xml.h).

#include <libxml/tree.h>

#include <memory>

namespace icr::refi::xml_internal {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

inline const char* Chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }
inline const xmlChar* XmlChars(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

}  // namespace icr::refi::xml_internal

#endif  // ICR_CLIENT_REFI_XML_INTERNAL_H_
