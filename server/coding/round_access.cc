#include "server/coding/round_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/catalog/validation.h"
#include "server/common/status_macros.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"

namespace icr::coding {

absl::StatusOr<v1::Round> LoadRound(const storage::Store& store, const std::string& project,
                                    const std::string& round) {
  ICR_RETURN_IF_ERROR(catalog::ValidateId("round", round));
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Round> stored,
                       storage::ReadProto<v1::Round>(store, storage::Family::kMetadata,
                                                     storage::RoundKey(project, round)));
  if (!stored) return absl::NotFoundError(absl::StrCat("round ", round));
  return *std::move(stored);
}

bool IsCoderOf(const v1::Round& round, std::string_view user) {
  return std::find(round.coders().begin(), round.coders().end(), user) != round.coders().end();
}

absl::Status RequireOpen(const v1::Round& round) {
  if (round.state() != v1::OPEN) {
    return absl::FailedPreconditionError(absl::StrCat("round ", round.id(), " is ",
                                                      v1::RoundState_Name(round.state()),
                                                      "; codings change only while it is OPEN"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CoderOfRequest(const common::Caller& caller, const v1::Round& round,
                                           const std::string& on_behalf_of,
                                           const std::string& action) {
  if (on_behalf_of.empty()) {
    if (!IsCoderOf(round, caller.user)) {
      return absl::PermissionDeniedError(
          absl::StrCat("you (", caller.user, ") are not a coder of round ", round.id()));
    }
    return caller.user;
  }
  if (!caller.is_lead()) {
    return absl::PermissionDeniedError(
        absl::StrCat("on_behalf_of: only a lead or owner may ", action, " for another coder"));
  }
  ICR_RETURN_IF_ERROR(catalog::ValidateId("on_behalf_of", on_behalf_of));
  if (!IsCoderOf(round, on_behalf_of)) {
    return absl::InvalidArgumentError(
        absl::StrCat("on_behalf_of: \"", on_behalf_of, "\" is not a coder of round ", round.id()));
  }
  return on_behalf_of;
}

storage::Mutation NewCodingMutation(const std::string& project, const common::Caller& caller,
                                    const std::string& on_behalf_of, const char* method,
                                    const std::string& request_id,
                                    const google::protobuf::Message& request) {
  storage::Mutation mutation;
  mutation.chain = project;
  mutation.event.set_project(project);
  mutation.event.set_actor(caller.user);
  mutation.event.set_on_behalf_of(on_behalf_of);
  mutation.event.set_method(method);
  mutation.event.set_request_id(request_id);
  mutation.event.set_request(request.SerializeAsString());
  return mutation;
}

}  // namespace icr::coding
