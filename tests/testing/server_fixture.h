#ifndef ICR_TESTS_TESTING_SERVER_FIXTURE_H_
#define ICR_TESTS_TESTING_SERVER_FIXTURE_H_

// A real icr server in the test process: gRPC on a free loopback port, a
// temporary RocksDB, and stubs that call it over the network stack with a
// chosen user's token.

#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "icr/v1/admin.grpc.pb.h"
#include "icr/v1/audit.grpc.pb.h"
#include "icr/v1/project.grpc.pb.h"
#include "server/service/server.h"
#include "tests/testing/temp_dir.h"

namespace icr::testing {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StartServer();
    std::ifstream in(dir_.path() + "/admin.token");
    std::getline(in, admin_token_);
    ASSERT_FALSE(admin_token_.empty()) << "no admin token written";
  }

  void StartServer() {
    service::ServerOptions options = options_;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.path();
    auto server = service::IcrServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
    admin_ = v1::AdminService::NewStub(channel_);
    project_ = v1::ProjectService::NewStub(channel_);
    audit_ = v1::AuditService::NewStub(channel_);
  }

  // Stops the server gracefully and starts it again on the same data.
  void RestartServer() {
    server_.reset();
    StartServer();
  }

  // Calls `method` on `stub` as the holder of `token` (empty: no token);
  // without `response`, only the status is kept.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(const std::string& token,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    Stub& stub, const Request& request, Response* response = nullptr) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    Response ignored;
    return (stub.*method)(&context, request, response != nullptr ? response : &ignored);
  }

  // Creates a user (as admin) and returns its token.
  std::string CreateUser(const std::string& id, bool admin = false) {
    v1::CreateUserRequest request;
    request.set_id(id);
    request.set_role(admin ? v1::ADMIN : v1::USER);
    v1::CreateUserResponse response;
    grpc::Status status =
        Call(admin_token_, &v1::AdminService::Stub::CreateUser, *admin_, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.token();
  }

  // The number of audit events of `chain`, read as admin.
  int64_t EventCount(const std::string& chain) {
    int64_t count = 0;
    v1::ListEventsRequest request;
    request.set_project(chain);
    request.set_page_size(1000);
    while (true) {
      v1::ListEventsResponse response;
      grpc::Status status =
          Call(admin_token_, &v1::AuditService::Stub::ListEvents, *audit_, request, &response);
      if (!status.ok()) return -1;
      count += response.events_size();
      if (response.next_page_token().empty()) return count;
      request.set_page_token(response.next_page_token());
    }
  }

  TempDir dir_;
  service::ServerOptions options_;
  std::unique_ptr<service::IcrServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::ProjectService::Stub> project_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::string admin_token_;
};

}  // namespace icr::testing

#endif  // ICR_TESTS_TESTING_SERVER_FIXTURE_H_
