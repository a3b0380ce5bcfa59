#ifndef ICR_SERVER_HTTP_RPC_CLIENT_H_
#define ICR_SERVER_HTTP_RPC_CLIENT_H_

// Calls any icr RPC by its descriptor over a channel (the server's in-process
// channel), with the caller's secret as "authorization: Bearer" metadata: the
// HTTP layer's one way into the services, so authentication, authorization,
// limits and audit are exactly those of gRPC.

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/status.h"

namespace icr::http {

class RpcClient {
 public:
  explicit RpcClient(std::shared_ptr<grpc::Channel> channel);

  // The method "icr.v1.ProjectService.GetRound", or nullptr.
  static const google::protobuf::MethodDescriptor* FindMethod(std::string_view rpc);
  // A new, empty message of `type`.
  static std::unique_ptr<google::protobuf::Message> NewMessage(
      const google::protobuf::Descriptor* type);

  // A unary call; `bearer` empty sends no credentials.
  grpc::Status Call(const google::protobuf::MethodDescriptor& method,
                    const google::protobuf::Message& request, const std::string& bearer,
                    absl::Duration timeout, google::protobuf::Message& response);

  // A server-streaming call: `on_message` for each answer, in order.
  grpc::Status CallStreaming(
      const google::protobuf::MethodDescriptor& method, const google::protobuf::Message& request,
      const std::string& bearer, absl::Duration timeout,
      const std::function<void(const google::protobuf::Message&)>& on_message);

 private:
  std::unique_ptr<grpc::GenericStub> stub_;
};

}  // namespace icr::http

#endif  // ICR_SERVER_HTTP_RPC_CLIENT_H_
