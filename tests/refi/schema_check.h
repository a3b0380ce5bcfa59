#ifndef ICR_TESTS_REFI_SCHEMA_CHECK_H_
#define ICR_TESTS_REFI_SCHEMA_CHECK_H_

// Test helpers: an entry of a zip file, and XML Schema validation with
// libxml2 against tests/data/refi/project_subset.xsd.

#include <libxml/xmlschemas.h>
#include <zip.h>

#include <string>

namespace icr::refi::testing {

// Validates `xml` against the schema at `xsd`; "" when valid, else the
// validator's messages.
inline std::string SchemaErrors(const std::string& xml, const std::string& xsd) {
  std::string errors;
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd.c_str());
  xmlSchemaPtr schema = xmlSchemaParse(parser);
  xmlSchemaFreeParserCtxt(parser);
  if (schema == nullptr) return "cannot read the schema";
  xmlSchemaValidCtxtPtr valid = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidStructuredErrors(
      valid,
      [](void* out, xmlErrorPtr error) {
        *static_cast<std::string*>(out) += std::to_string(error->line) + ": " + error->message;
      },
      &errors);
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "export.qde", nullptr,
                                XML_PARSE_NONET);
  if (doc == nullptr) {
    errors = "not well-formed";
  } else if (xmlSchemaValidateDoc(valid, doc) != 0 && errors.empty()) {
    errors = "invalid";
  }
  xmlFreeDoc(doc);
  xmlSchemaFreeValidCtxt(valid);
  xmlSchemaFree(schema);
  return errors;
}

// The bytes of `name` inside the zip at `path` ("" when absent).
inline std::string ZipEntry(const std::string& path, const std::string& name) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (archive == nullptr) return "";
  std::string data;
  if (zip_file_t* file = zip_fopen(archive, name.c_str(), 0); file != nullptr) {
    char buffer[4096];
    zip_int64_t n;
    while ((n = zip_fread(file, buffer, sizeof(buffer))) > 0) data.append(buffer, n);
    zip_fclose(file);
  }
  zip_discard(archive);
  return data;
}

}  // namespace icr::refi::testing

#endif  // ICR_TESTS_REFI_SCHEMA_CHECK_H_
