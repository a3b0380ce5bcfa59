#include "server/http/rpc_client.h"

#include <chrono>
#include <future>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/support/byte_buffer.h"
#include "server/http/route_table.h"

namespace icr::http {

namespace {

grpc::ByteBuffer Serialize(const google::protobuf::Message& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool Parse(const grpc::ByteBuffer& buffer, google::protobuf::Message& message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return message.ParseFromString(bytes);
}

void Prepare(grpc::ClientContext& context, const std::string& bearer, absl::Duration timeout) {
  if (!bearer.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", bearer));
  context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
}

}  // namespace

RpcClient::RpcClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(std::make_unique<grpc::GenericStub>(std::move(channel))) {}

const google::protobuf::MethodDescriptor* RpcClient::FindMethod(std::string_view rpc) {
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(std::string(rpc));
}

std::unique_ptr<google::protobuf::Message> RpcClient::NewMessage(
    const google::protobuf::Descriptor* type) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

grpc::Status RpcClient::Call(const google::protobuf::MethodDescriptor& method,
                             const google::protobuf::Message& request, const std::string& bearer,
                             absl::Duration timeout, google::protobuf::Message& response) {
  grpc::ClientContext context;
  Prepare(context, bearer, timeout);
  const grpc::ByteBuffer request_bytes = Serialize(request);
  grpc::ByteBuffer response_bytes;
  std::promise<grpc::Status> done;
  stub_->UnaryCall(&context, GrpcMethodName(method.full_name()), grpc::StubOptions(),
                   &request_bytes, &response_bytes,
                   [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  if (status.ok() && !Parse(response_bytes, response)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unreadable answer");
  }
  return status;
}

grpc::Status RpcClient::CallStreaming(
    const google::protobuf::MethodDescriptor& method, const google::protobuf::Message& request,
    const std::string& bearer, absl::Duration timeout,
    const std::function<void(const google::protobuf::Message&)>& on_message) {
  grpc::ClientContext context;
  Prepare(context, bearer, timeout);
  grpc::CompletionQueue queue;
  // Each step is started and then awaited before the next: one tag at a time.
  auto await = [&queue]() {
    void* tag = nullptr;
    bool ok = false;
    if (!queue.Next(&tag, &ok)) return false;
    return ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub_->PrepareCall(&context, GrpcMethodName(method.full_name()), &queue);
  call->StartCall(reinterpret_cast<void*>(1));
  bool ok = await();
  if (ok) {
    call->WriteLast(Serialize(request), grpc::WriteOptions(), reinterpret_cast<void*>(2));
    ok = await();
  }
  std::unique_ptr<google::protobuf::Message> answer = NewMessage(method.output_type());
  while (ok) {
    grpc::ByteBuffer bytes;
    call->Read(&bytes, reinterpret_cast<void*>(3));
    if (!await()) break;
    answer->Clear();
    if (!Parse(bytes, *answer)) break;
    on_message(*answer);
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  await();
  queue.Shutdown();
  void* tag;
  bool drained_ok;
  while (queue.Next(&tag, &drained_ok)) {
  }
  return status;
}

}  // namespace icr::http
