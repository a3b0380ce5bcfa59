// icr-load: drives a running icr-server with concurrent simulated coders
// submitting batches of codings, and prints codings/s, RPCs/s and latency
// percentiles. It sets up its own project (users, codebook, a document, a
// round) with the admin token, so it needs nothing but a server.
//
//   icr-load --server 127.0.0.1:50051 --token_file ./icr-data/admin.token \
//            --clients 8 --batch 500 --seconds 10

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "icr/v1/admin.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "icr/v1/project.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "icr-server address");
ABSL_FLAG(std::string, token_file, "./icr-data/admin.token", "the admin's token file");
ABSL_FLAG(int, clients, 8, "concurrent coders, each with its own connection");
ABSL_FLAG(int, batch, 500, "codings per SubmitCodings request");
ABSL_FLAG(int, channels, 0,
          "connections shared round-robin by the clients (0: one per client, as separate "
          "machines would have)");
ABSL_FLAG(double, seconds, 10, "how long to run");
ABSL_FLAG(int, codes, 100, "codes in the codebook");
ABSL_FLAG(int, segments, 2000, "segments of the document");
ABSL_FLAG(std::string, csv, "", "append one result line to this CSV file");

namespace {

using Clock = std::chrono::steady_clock;

std::string g_admin_token;

template <typename Stub, typename Request, typename Response>
void MustCall(const std::string& token,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              Stub& stub, const Request& request, Response* response) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  grpc::Status status = (stub.*method)(&context, request, response);
  if (!status.ok()) {
    std::cerr << "icr-load: set-up failed: " << status.error_message() << std::endl;
    std::exit(1);
  }
}

struct Setup {
  std::string project;
  std::vector<std::string> coder_tokens;
};

Setup CreateStudy(const std::shared_ptr<grpc::Channel>& channel, int clients, int codes,
                  int segments) {
  auto admin = icr::v1::AdminService::NewStub(channel);
  auto project = icr::v1::ProjectService::NewStub(channel);
  Setup setup;
  const std::string run = absl::StrCat(std::chrono::system_clock::now().time_since_epoch().count());
  setup.project = "load-" + run;
  icr::v1::CreateProjectRequest create;
  create.set_id(setup.project);
  create.set_title("icr-load " + run);
  icr::v1::CreateProjectResponse created;
  MustCall(g_admin_token, &icr::v1::ProjectService::Stub::CreateProject, *project, create, &created);
  icr::v1::CreateRoundRequest round;
  round.set_project(setup.project);
  round.set_id("r1");
  for (int c = 0; c < clients; ++c) {
    icr::v1::CreateUserRequest user;
    user.set_id(absl::StrCat("coder", c, "-", run));
    icr::v1::CreateUserResponse made;
    MustCall(g_admin_token, &icr::v1::AdminService::Stub::CreateUser, *admin, user, &made);
    setup.coder_tokens.push_back(made.token());
    icr::v1::AddMemberRequest member;
    member.set_project(setup.project);
    member.set_user(user.id());
    member.set_role(icr::v1::CODER);
    icr::v1::AddMemberResponse added;
    MustCall(g_admin_token, &icr::v1::ProjectService::Stub::AddMember, *project, member, &added);
    round.add_coders(user.id());
  }
  for (int k = 0; k < codes; ++k) {
    icr::v1::CreateCodeRequest code;
    code.set_project(setup.project);
    code.mutable_code()->set_id(absl::StrCat("k", k));
    code.mutable_code()->set_name(absl::StrCat("Code ", k));
    icr::v1::CreateCodeResponse made;
    MustCall(g_admin_token, &icr::v1::ProjectService::Stub::CreateCode, *project, code, &made);
  }
  std::string text;
  for (int s = 0; s < segments; ++s) text += absl::StrCat("Segment ", s, " of the transcript.\n");
  icr::v1::CreateDocumentRequest document;
  document.set_project(setup.project);
  document.set_id("doc");
  document.set_text(text);
  document.set_segmentation(icr::v1::SEGMENT_LINE);
  icr::v1::CreateDocumentResponse made_document;
  MustCall(g_admin_token, &icr::v1::ProjectService::Stub::CreateDocument, *project, document,
           &made_document);
  round.add_documents("doc");
  icr::v1::CreateRoundResponse made_round;
  MustCall(g_admin_token, &icr::v1::ProjectService::Stub::CreateRound, *project, round, &made_round);
  return setup;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("icr-load: load generator for icr-server (CodingService)");
  absl::ParseCommandLine(argc, argv);
  {
    std::ifstream in(absl::GetFlag(FLAGS_token_file));
    std::getline(in, g_admin_token);
    if (g_admin_token.empty()) {
      std::cerr << "icr-load: no token in " << absl::GetFlag(FLAGS_token_file) << std::endl;
      return 2;
    }
  }
  const int clients = absl::GetFlag(FLAGS_clients);
  const int batch = absl::GetFlag(FLAGS_batch);
  const int codes = absl::GetFlag(FLAGS_codes);
  const int segments = absl::GetFlag(FLAGS_segments);
  const double seconds = absl::GetFlag(FLAGS_seconds);
  if (clients < 1 || batch < 1 || batch > 10000 || static_cast<int64_t>(codes) * segments < batch) {
    std::cerr << "icr-load: need clients >= 1, 1 <= batch <= 10000, codes*segments >= batch\n";
    return 2;
  }
  auto setup_channel = grpc::CreateChannel(absl::GetFlag(FLAGS_server),
                                           grpc::InsecureChannelCredentials());
  Setup setup = CreateStudy(setup_channel, clients, codes, segments);

  std::atomic<int64_t> codings{0}, rpcs{0}, failures{0};
  std::vector<std::vector<double>> latencies(clients);
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  const int channel_count =
      absl::GetFlag(FLAGS_channels) > 0 ? std::min(absl::GetFlag(FLAGS_channels), clients) : clients;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < channel_count; ++c) {
    grpc::ChannelArguments arguments;
    arguments.SetInt("icr-load-channel", c);  // distinct connections, not one shared subchannel
    channels.push_back(grpc::CreateCustomChannel(absl::GetFlag(FLAGS_server),
                                                 grpc::InsecureChannelCredentials(), arguments));
  }
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = icr::v1::CodingService::NewStub(channels[c % channel_count]);
      int64_t next = static_cast<int64_t>(c) * 7919;  // spread coders over the units
      icr::v1::SubmitCodingsRequest request;
      request.set_project(setup.project);
      request.set_round("r1");
      while (Clock::now() < deadline) {
        request.clear_codings();
        for (int i = 0; i < batch; ++i, ++next) {
          icr::v1::CodingInput* input = request.add_codings();
          const int64_t unit = next % (static_cast<int64_t>(codes) * segments);
          input->set_document("doc");
          input->set_segment(unit / codes);
          input->set_code(absl::StrCat("k", unit % codes));
        }
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + setup.coder_tokens[c]);
        icr::v1::SubmitCodingsResponse response;
        const auto sent = Clock::now();
        grpc::Status status = stub->SubmitCodings(&context, request, &response);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        if (!status.ok()) {
          if (failures++ == 0) std::cerr << "icr-load: " << status.error_message() << std::endl;
          continue;
        }
        latencies[c].push_back(ms);
        rpcs++;
        codings += response.coding_ids_size();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  const double codings_per_s = codings / elapsed;
  const double rpcs_per_s = rpcs / elapsed;
  std::printf("clients=%d channels=%d batch=%d seconds=%.1f\n", clients, channel_count, batch,
              elapsed);
  std::printf("codings/s=%.0f rpcs/s=%.0f failures=%lld\n", codings_per_s, rpcs_per_s,
              static_cast<long long>(failures.load()));
  std::printf("latency_ms p50=%.2f p99=%.2f max=%.2f\n", percentile(0.50), percentile(0.99),
              all.empty() ? 0.0 : all.back());
  if (const std::string csv = absl::GetFlag(FLAGS_csv); !csv.empty()) {
    std::ofstream out(csv, std::ios::app);
    out << clients << "," << batch << "," << elapsed << "," << codings_per_s << "," << rpcs_per_s
        << "," << percentile(0.50) << "," << percentile(0.99) << "," << all.back() << ","
        << failures << "\n";
  }
  return failures > 0 ? 1 : 0;
}
