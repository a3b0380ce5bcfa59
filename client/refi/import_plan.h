#ifndef ICR_CLIENT_REFI_IMPORT_PLAN_H_
#define ICR_CLIENT_REFI_IMPORT_PLAN_H_

// The plan step of `icr import qdc|qdpx`: from an archive that has been read
// and checked (plan.h) and from what the server holds, every request the
// import will send, in the order it sends them, each with a request id
// derived from the file, so a re-run sends the same ids and stores nothing
// twice. No connection: the apply step (import_apply.h) sends the plan.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/refi/model.h"
#include "client/refi/plan.h"
#include "icr/v1/coding.pb.h"
#include "icr/v1/project.pb.h"
#include "icr/v1/resources.pb.h"

namespace icr::client {

// Codings per SubmitCodings batch (the server takes up to 10,000).
inline constexpr int kCodingsPerBatch = 1000;

// A request_id derived from the imported file and what the call does.
std::string DerivedRequestId(const std::string& file_sha256, const std::string& what);

// "#RGB" as "#RRGGBB", upper case; "" when not a colour.
std::string NormalizeColor(const std::string& color);

// What importing a REFI codebook into a project does, worked out from the
// project's codes before any change: which codes to create, which to update
// (and which fields), and the icr code id of every REFI code guid.
struct CodebookPlan {
  struct Step {
    bool create = false;
    v1::Code code;
    std::vector<std::string> mask;  // fields to update
    std::string request_id;
  };
  std::vector<Step> steps;
  std::map<std::string, std::string> code_of_guid;
  int unchanged = 0;
  int grouping = 0;  // grouping codes created
  // Names of non-codable codes the archive codes, kept applicable.
  std::vector<std::string> kept_applicable;
};

// A REFI code with isCodable="false" becomes a grouping code (the server
// refuses codings of it), unless the archive's own selections code it
// (`coded_guids`): the tool let it be applied, and its codings would be lost.
// A code matches an existing one by its guid (or the guid derived from its
// id); a match merged since counts as the code it was merged into.
absl::StatusOr<CodebookPlan> PlanCodebook(const std::vector<refi::Code>& codes,
                                          const std::vector<v1::Code>& existing,
                                          const std::string& project,
                                          const std::string& file_sha256, const std::string& where,
                                          const std::set<std::string>& coded_guids = {});

// Whose the archive's codings are: all of `coder`'s, or each its REFI user's
// (by guid, else by name) in `user_map`.
struct CoderChoice {
  std::string coder;
  std::map<std::string, std::string> user_map;
  std::string user_map_file;  // where user_map was read, for messages
  // More coders of a new round (--coders).
  std::vector<std::string> more_coders;
};

// What the server holds that an import depends on, read before any change.
struct ServerView {
  std::string caller;           // the importing user: others' codings go on_behalf_of
  std::vector<v1::Code> codes;  // merged ones included
  std::vector<v1::Document> documents;
  // The round the codings go into, when it exists.
  std::optional<v1::Round> round;
  // The project's default, for a round the import creates.
  bool blind_by_default = false;
};

// One coder's codings: the batches, then the documents they coded, marked
// DONE (an import is finished work, so live agreement counts them).
struct CoderImport {
  std::string coder;
  int64_t codings = 0;
  std::vector<v1::SubmitCodingsRequest> batches;
  std::vector<v1::SetDocumentProgressRequest> done;
};

struct QdpxImportPlan {
  CodebookPlan codebook;
  // Sources no document of the project holds (matched by the text's SHA-256).
  std::vector<v1::CreateDocumentRequest> new_documents;
  int matched_documents = 0;
  // The round, when the codings go into one that does not exist yet.
  std::optional<v1::CreateRoundRequest> new_round;
  // Those with codings, `coder`, the user map's users and the more coders.
  std::set<std::string> round_coders;
  // By coder id; duplicates (same coder, document, code and span) dropped.
  std::vector<CoderImport> coders;
  int64_t duplicates = 0;
};

// The import of `sources` (PlanImport of `archive`) into `project`, and of
// their codings into `round` (none when `round` is empty or there are no
// sources). INVALID_ARGUMENT for a coding whose user `choice` does not map
// (with the lines a --map-users file needs); FAILED_PRECONDITION when the
// round exists but is not OPEN, or lacks a document or coder of the codings.
absl::StatusOr<QdpxImportPlan> PlanQdpxImport(const refi::Project& archive,
                                              const refi::ImportPlan& sources,
                                              const std::string& project, const std::string& round,
                                              const CoderChoice& choice, const ServerView& server,
                                              const std::string& file_sha256,
                                              const std::string& where);

}  // namespace icr::client

#endif  // ICR_CLIENT_REFI_IMPORT_PLAN_H_
