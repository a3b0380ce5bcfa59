#include "server/coding/progress_records.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"

namespace icr::coding {

absl::StatusOr<std::optional<v1::DocumentProgress>> ReadProgressRecord(
    const storage::MutationContext& context, const std::string& project, const std::string& round,
    const std::string& coder, const std::string& document) {
  return storage::ReadProto<v1::DocumentProgress>(
      context, storage::Family::kCodings, storage::ProgressKey(project, round, coder, document));
}

void WriteProgressRecord(storage::MutationContext& context, const std::string& project,
                         const std::string& round, const v1::DocumentProgress& progress) {
  context.Put(storage::Family::kCodings,
              storage::ProgressKey(project, round, progress.coder(), progress.document()),
              progress.SerializeAsString());
}

namespace {

absl::Status DoneError(const std::string& field, const std::string& coder, const std::string& round,
                       const std::string& document) {
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": ", coder, " marked document ", document, " of round ", round,
      " done; reopen it first (icr coding reopen PROJECT ", round, " ", document, ")"));
}

}  // namespace

absl::StatusOr<std::vector<v1::DocumentProgress>> StartDocuments(
    storage::MutationContext& context, const std::string& project, const std::string& round,
    const std::string& coder, const v1::SubmitCodingsRequest& request) {
  std::vector<v1::DocumentProgress> started;
  std::set<std::string> seen;
  for (int i = 0; i < request.codings_size(); ++i) {
    const std::string& document = request.codings(i).document();
    if (!seen.insert(document).second) continue;
    ICR_ASSIGN_OR_RETURN(std::optional<v1::DocumentProgress> record,
                         ReadProgressRecord(context, project, round, coder, document));
    if (record && record->state() == v1::DONE) {
      return DoneError(absl::StrCat("codings[", i, "].document"), coder, round, document);
    }
    if (record) continue;
    v1::DocumentProgress& progress = started.emplace_back();
    progress.set_coder(coder);
    progress.set_document(document);
    progress.set_state(v1::IN_PROGRESS);
    WriteProgressRecord(context, project, round, progress);
  }
  return started;
}

absl::Status RequireNotDone(const storage::MutationContext& context, const std::string& project,
                            const std::string& round, const std::string& coder,
                            const std::string& document, const std::string& field) {
  ICR_ASSIGN_OR_RETURN(std::optional<v1::DocumentProgress> record,
                       ReadProgressRecord(context, project, round, coder, document));
  if (record && record->state() == v1::DONE) return DoneError(field, coder, round, document);
  return absl::OkStatus();
}

}  // namespace icr::coding
