#ifndef ICR_TESTS_TEXT_DOCUMENT_FILES_H_
#define ICR_TESTS_TEXT_DOCUMENT_FILES_H_

// Document files made at test time: office, HTML and Markdown files written
// by Debian's pandoc from one small transcript, PDFs written by hand (a text
// PDF and one with only a drawing, as a scan has), and a zip bomb dressed as
// a Word file.

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/subprocess.h"

namespace icr::testing {

// The transcript, in Markdown: a heading, speaker turns with emoji and
// non-Latin scripts, a line break within a turn, a list and a table.
inline constexpr char kTranscriptMarkdown[] =
    "# Interview 12\n\n"
    "Interviewer: How did you start? 🙂\n\n"
    "P12: Я начал в 2019 году. 我很高兴。\n\n"
    "Interviewer: And then?\\\nTake your time.\n\n"
    "P12: Then I moved — with my family.\n\n"
    "- first item\n- second item\n\n"
    "+------+-------+\n| Ana  | Lead  |\n+------+-------+\n| Bo   | Coder |\n"
    "+------+-------+\n";

// What every format gives: one paragraph per heading, turn, list item and
// table cell; the line break kept.
inline constexpr char kTranscriptText[] =
    "Interview 12\n\n"
    "Interviewer: How did you start? 🙂\n\n"
    "P12: Я начал в 2019 году. 我很高兴。\n\n"
    "Interviewer: And then?\nTake your time.\n\n"
    "P12: Then I moved — with my family.\n\n"
    "first item\n\nsecond item\n\n"
    "Ana\n\nLead\n\nBo\n\nCoder\n";

// kTranscriptText as `format` gives it: RTF has no lists, so pandoc writes a
// list item as a paragraph led by a bullet.
inline std::string ExpectedTranscriptText(const std::string& format) {
  std::string text = kTranscriptText;
  if (format != "rtf") return text;
  for (const std::string item : {"first item", "second item"}) {
    text.replace(text.find(item), item.size(), "\u2022 " + item);
  }
  return text;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The Markdown written as `format` (docx, odt, rtf, html, md) by pandoc.
inline std::string WriteWithPandoc(const std::string& markdown, const std::string& format,
                                   const std::string& dir) {
  const std::string source = dir + "/source.md";
  std::ofstream(source, std::ios::binary) << markdown;
  if (format == "md") return markdown;
  const std::string target = dir + "/written." + format;
  std::vector<std::string> args = {"/usr/bin/pandoc", "--from", "markdown", source, "-o", target};
  // A whole HTML page; its <title> is no paragraph of the text.
  if (format == "html")
    args.insert(args.end(), {"--standalone", "--metadata", "pagetitle=Interview"});
  CommandResult result = Run(args);
  if (result.exit_code != 0) return "";
  return ReadFile(target);
}

// A one-page PDF drawing `content` (a page description, e.g. BT ... ET).
inline std::string MakePdf(const std::string& content) {
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
      "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    std::string number = std::to_string(offset);
    pdf += std::string(10 - number.size(), '0') + number + " 00000 n \n";
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

// Three blocks of text: a heading, a turn of two lines, a turn.
inline std::string MakeTextPdf() {
  return MakePdf(
      "BT /F1 12 Tf 72 720 Td (Interview 12) Tj 0 -40 Td (Interviewer: How did you start?) Tj "
      "0 -14 Td (Take your time.) Tj 0 -40 Td (P12: I began in 2019.) Tj ET");
}
inline constexpr char kTextPdfText[] =
    "Interview 12\n\nInterviewer: How did you start?\nTake your time.\n\nP12: I began in 2019.\n";

// A page with only a filled rectangle: no text layer, as a scan has.
inline std::string MakeScannedPdf() { return MakePdf("0 0 1 rg 72 72 400 600 re f"); }

namespace internal {

inline void Put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>(v >> 8);
}
inline void Put32(std::string& out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v & 0xFFFF));
  Put16(out, static_cast<uint16_t>(v >> 16));
}

struct ZipEntry {
  std::string name;
  std::string deflated;
  uint32_t crc = 0;
  uint32_t size = 0;
};

// `chunk` repeated `times`, raw-deflated, without holding it whole.
inline ZipEntry Deflate(const std::string& name, const std::string& head, const std::string& chunk,
                        int times, const std::string& tail) {
  ZipEntry entry{name, "", 0, 0};
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  char buffer[1 << 16];
  auto feed = [&](const std::string& data, int flush) {
    entry.crc = crc32(entry.crc, reinterpret_cast<const Bytef*>(data.data()), data.size());
    entry.size += static_cast<uint32_t>(data.size());
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof buffer;
      deflate(&z, flush);
      entry.deflated.append(buffer, sizeof buffer - z.avail_out);
    } while (z.avail_out == 0);
  };
  feed(head, Z_NO_FLUSH);
  for (int i = 0; i < times; ++i) feed(chunk, Z_NO_FLUSH);
  feed(tail, Z_FINISH);
  deflateEnd(&z);
  return entry;
}

}  // namespace internal

// A small .docx whose word/document.xml inflates to ~`megabytes` MB of
// paragraphs: a zip bomb in a Word file's clothes.
inline std::string MakeZipBombDocx(int megabytes) {
  using internal::Put16;
  using internal::Put32;
  const std::string paragraph =
      "<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
  std::string chunk;
  while (chunk.size() < (1 << 20)) chunk += paragraph;
  std::vector<internal::ZipEntry> entries = {
      internal::Deflate(
          "[Content_Types].xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas."
          "openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\""
          " ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
          "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>",
          "", 0, ""),
      internal::Deflate("_rels/.rels",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://"
                        "schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
                        "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                        "relationships/officeDocument\" Target=\"word/document.xml\"/>"
                        "</Relationships>",
                        "", 0, ""),
      internal::Deflate("word/document.xml",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://"
                        "schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
                        chunk, megabytes, "</w:body></w:document>")};
  std::string zip;
  std::vector<uint32_t> offsets;
  for (const internal::ZipEntry& e : entries) {
    offsets.push_back(static_cast<uint32_t>(zip.size()));
    Put32(zip, 0x04034b50);
    Put16(zip, 20);
    Put16(zip, 0);
    Put16(zip, 8);
    Put32(zip, 0);
    Put32(zip, e.crc);
    Put32(zip, static_cast<uint32_t>(e.deflated.size()));
    Put32(zip, e.size);
    Put16(zip, static_cast<uint16_t>(e.name.size()));
    Put16(zip, 0);
    zip += e.name + e.deflated;
  }
  const uint32_t directory = static_cast<uint32_t>(zip.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const internal::ZipEntry& e = entries[i];
    Put32(zip, 0x02014b50);
    Put16(zip, 20);
    Put16(zip, 20);
    Put16(zip, 0);
    Put16(zip, 8);
    Put32(zip, 0);
    Put32(zip, e.crc);
    Put32(zip, static_cast<uint32_t>(e.deflated.size()));
    Put32(zip, e.size);
    Put16(zip, static_cast<uint16_t>(e.name.size()));
    Put16(zip, 0);
    Put16(zip, 0);
    Put16(zip, 0);
    Put16(zip, 0);
    Put32(zip, 0);
    Put32(zip, offsets[i]);
    zip += e.name;
  }
  const uint32_t directory_size = static_cast<uint32_t>(zip.size()) - directory;
  Put32(zip, 0x06054b50);
  Put16(zip, 0);
  Put16(zip, 0);
  Put16(zip, static_cast<uint16_t>(entries.size()));
  Put16(zip, static_cast<uint16_t>(entries.size()));
  Put32(zip, directory_size);
  Put32(zip, directory);
  Put16(zip, 0);
  return zip;
}

// WebVTT and SRT versions of the transcript's turns, with CRLF line ends.
inline constexpr char kTranscriptVtt[] =
    "WEBVTT\r\n\r\n00:00:01.000 --> 00:00:04.000\r\n<v Interviewer>How did you start? 🙂\r\n\r\n"
    "00:00:04.500 --> 00:00:09.000\r\n<v P12>Я начал в 2019 году. 我很高兴。\r\n\r\n"
    "00:00:09.000 --> 00:00:12.000\r\n<v Interviewer>And then?\r\n";
inline constexpr char kTranscriptSrt[] =
    "1\r\n00:00:01,000 --> 00:00:04,000\r\nInterviewer: How did you start? 🙂\r\n\r\n"
    "2\r\n00:00:04,500 --> 00:00:09,000\r\nP12: Я начал в 2019 году. 我很高兴。\r\n\r\n"
    "3\r\n00:00:09,000 --> 00:00:12,000\r\nInterviewer: And then?\r\n";
inline constexpr char kTimedTranscriptText[] =
    "Interviewer: How did you start? 🙂\n\nP12: Я начал в 2019 году. "
    "我很高兴。\n\n"
    "Interviewer: And then?\n";

}  // namespace icr::testing

#endif  // ICR_TESTS_TEXT_DOCUMENT_FILES_H_
