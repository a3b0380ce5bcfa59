#include "tests/refi/fuzz/refi_fuzz_input.h"

#include <string>

#include "client/refi/archive.h"
#include "client/refi/plan.h"
#include "client/refi/xml.h"

namespace icr::refi {
namespace {

void Exercise(const Project& project) {
  for (PositionUnit unit : {PositionUnit::kCodePoints, PositionUnit::kUtf16}) {
    PlanImport(project, unit, "fuzz").status().IgnoreError();
  }
  // What was read can be written again and read back.
  std::string xml = WriteProjectXml(project);
  TextResolver none = [](const std::string&) -> absl::StatusOr<std::string> {
    return absl::NotFoundError("none");
  };
  ParseProjectXml(xml, "rewrite", none).status().IgnoreError();
}

}  // namespace

void FuzzOneInput(std::string_view data) {
  if (absl::StatusOr<Project> project = ReadQdpx(data, "fuzz.qdpx"); project.ok()) {
    Exercise(*project);
  }
  TextResolver resolve = [](const std::string& path) -> absl::StatusOr<std::string> {
    if (path.size() % 2 == 0) return std::string("Emoji \xF0\x9F\x98\x80 text \xF0\x9D\x84\x9E.");
    return absl::NotFoundError("absent");
  };
  if (absl::StatusOr<Project> project = ParseProjectXml(data, "fuzz.qde", resolve); project.ok()) {
    Exercise(*project);
  }
  if (absl::StatusOr<Codebook> codebook = ParseCodebookXml(data, "fuzz.qdc"); codebook.ok()) {
    std::string xml = WriteCodebookXml(*codebook);
    ParseCodebookXml(xml, "rewrite").status().IgnoreError();
    FlattenCodes(codebook->codes);
  }
}

}  // namespace icr::refi
