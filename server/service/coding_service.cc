#include "server/service/coding_service.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/methods.h"
#include "server/service/handler.h"

namespace icr::service {

grpc::Status CodingServiceImpl::SubmitCodings(grpc::ServerContext* context,
                                              const v1::SubmitCodingsRequest* request,
                                              v1::SubmitCodingsResponse* response) {
  return Handle(authorizer_, context, rpc::coding::kSubmitCodings, request->project(), response,
                [&](const common::Caller& c) { return codings_.Submit(c, *request); });
}

grpc::Status CodingServiceImpl::ImportCodings(grpc::ServerContext* context,
                                              grpc::ServerReader<v1::ImportCodingsRequest>* reader,
                                              v1::ImportCodingsResponse* response) {
  // The stream holds a handler thread from now until the client closes it:
  // the token and the stream limits are checked before waiting for data.
  absl::StatusOr<RateLimiter::StreamSlot> slot = authorizer_.OpenStream(*context);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  v1::ImportCodingsRequest message;
  if (!reader->Read(&message)) return grpc::Status::OK;  // an empty import stores nothing
  absl::StatusOr<common::Caller> caller =
      authorizer_.Check(*context, rpc::coding::kImportCodings, message.project());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  v1::SubmitCodingsRequest chunk;
  chunk.set_project(message.project());
  chunk.set_round(message.round());
  chunk.set_on_behalf_of(message.on_behalf_of());
  const std::string request_id = message.request_id();
  // Chunk k is stored under "{request_id}/{k}", which must itself be a
  // valid request id: leave room for the suffix.
  if (request_id.size() > kMaxImportRequestId) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("request_id: at most ", kMaxImportRequestId,
                     " characters for ImportCodings (each chunk adds \"/{index}\")")));
  }
  std::vector<std::string> documents;
  std::set<std::string> seen_documents;
  int64_t index = 0;
  int64_t messages = 0;
  do {
    // Every message after the first is one more request: charged to the
    // token's rate and authorized again (a token revoked mid-stream ends it).
    if (messages++ > 0) {
      caller = authorizer_.Check(*context, rpc::coding::kImportCodings, chunk.project());
      if (!caller.ok()) {
        return ToGrpcStatus(absl::Status(
            caller.status().code(),
            absl::StrCat("message ", messages - 1, " (after ", response->stored(),
                         " codings stored in ", index, " chunks): ", caller.status().message())));
      }
    }
    if (message.codings_size() == 0) continue;
    for (const v1::CodingInput& input : message.codings()) {
      if (seen_documents.insert(input.document()).second) documents.push_back(input.document());
    }
    *chunk.mutable_codings() = std::move(*message.mutable_codings());
    chunk.set_request_id(request_id.empty() ? "" : absl::StrCat(request_id, "/", index));
    absl::StatusOr<v1::SubmitCodingsResponse> stored = codings_.ImportChunk(*caller, chunk);
    if (!stored.ok()) {
      // Chunks before this one are stored; say how far the import got.
      return ToGrpcStatus(absl::Status(
          stored.status().code(),
          absl::StrCat("chunk ", index, " (after ", response->stored(), " codings stored in ",
                       index, " chunks): ", stored.status().message())));
    }
    response->set_stored(response->stored() + stored->coding_ids_size());
    response->set_chunks(++index);
  } while (reader->Read(&message));
  // A whole import is finished work: its documents are DONE for the coder.
  if (index > 0) {
    absl::StatusOr<std::vector<std::string>> marked = codings_.MarkImportedDone(
        *caller, chunk.project(), chunk.round(), chunk.on_behalf_of(), documents);
    if (!marked.ok()) {
      return ToGrpcStatus(absl::Status(marked.status().code(),
                                       absl::StrCat("all ", response->stored(),
                                                    " codings stored; marking their documents "
                                                    "done failed: ",
                                                    marked.status().message())));
    }
    for (const std::string& document : documents) response->add_documents_done(document);
  }
  return grpc::Status::OK;
}

grpc::Status CodingServiceImpl::SetDocumentProgress(grpc::ServerContext* context,
                                                    const v1::SetDocumentProgressRequest* request,
                                                    v1::SetDocumentProgressResponse* response) {
  return Handle(authorizer_, context, rpc::coding::kSetDocumentProgress, request->project(),
                response,
                [&](const common::Caller& c) { return codings_.SetProgress(c, *request); });
}

grpc::Status CodingServiceImpl::ListProgress(grpc::ServerContext* context,
                                             const v1::ListProgressRequest* request,
                                             v1::ListProgressResponse* response) {
  return Handle(authorizer_, context, rpc::coding::kListProgress, request->project(), response,
                [&](const common::Caller& c) { return codings_.ListProgress(c, *request); });
}

grpc::Status CodingServiceImpl::RetractCoding(grpc::ServerContext* context,
                                              const v1::RetractCodingRequest* request,
                                              v1::RetractCodingResponse* response) {
  return Handle(authorizer_, context, rpc::coding::kRetractCoding, request->project(), response,
                [&](const common::Caller& c) { return codings_.Retract(c, *request); });
}

grpc::Status CodingServiceImpl::ListCodings(grpc::ServerContext* context,
                                            const v1::ListCodingsRequest* request,
                                            v1::ListCodingsResponse* response) {
  return Handle(authorizer_, context, rpc::coding::kListCodings, request->project(), response,
                [&](const common::Caller& c) { return codings_.List(c, *request); });
}

}  // namespace icr::service
