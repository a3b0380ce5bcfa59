// Requests of arbitrary bytes to a real in-process icr server.

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/stubs/logging.h"
#include "grpcpp/client_context.h"
#include "grpcpp/grpcpp.h"
#include "icr/v1/admin.grpc.pb.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/audit.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "icr/v1/project.grpc.pb.h"
#include "icr/v1/report.grpc.pb.h"
#include "server/catalog/validation.h"
#include "server/service/server.h"
#include "server/text/utf8.h"
#include "tests/fuzz/check.h"
#include "tests/fuzz/fuzz_inputs.h"

namespace icr::fuzz {
namespace {

constexpr size_t kMaxDocumentBytes = 4096;
// A fresh server (new data directory) after this many calls, so the state
// checked after each call stays small.
constexpr int kCallsPerServer = 500;

// Seeded state: users admin and alice (coder of p), project p with codes c1
// (and its child c2), document d (multi-byte text, paragraphs), round r of
// d coded by alice, one coding.
constexpr std::string_view kText = "Zoë said 👋 to\r\n\r\nher mentor ΣΣ\n\nthird\tline\n";

class Environment {
 public:
  Environment() {
    // Requests with invalid UTF-8 in string fields are refused by the parser
    // (as gRPC would); its log line for each would drown the fuzzer's output.
    google::protobuf::SetLogHandler(nullptr);
    Start();
  }
  ~Environment() { Stop(); }

  // Runs one input.
  void Run(std::string_view data) {
    if (data.size() < 2) return;
    if (++calls_ > kCallsPerServer) {
      Stop();
      Start();
    }
    const uint8_t method = static_cast<uint8_t>(data[0]);
    const uint8_t flags = static_cast<uint8_t>(data[1]);
    const std::string& token = (flags & 1) ? alice_ : admin_;
    const bool pin = flags & 2;
    data.remove_prefix(2);
    Dispatch(method, token, pin, data);
    CheckProject("p");
  }

 private:
  void Start() {
    char pattern[] = "/tmp/icr-fuzz-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    service::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_;
    options.sync = false;
    options.max_document_bytes = kMaxDocumentBytes;
    options.max_batch = 50;
    auto server = service::IcrServer::Start(options);
    FUZZ_CHECK(server.ok()) << server.status();
    server_ = *std::move(server);
    grpc::ChannelArguments arguments;
    channel_ = server_->grpc_server()->InProcessChannel(arguments);
    admin_stub_ = v1::AdminService::NewStub(channel_);
    project_stub_ = v1::ProjectService::NewStub(channel_);
    coding_stub_ = v1::CodingService::NewStub(channel_);
    audit_stub_ = v1::AuditService::NewStub(channel_);
    agreement_stub_ = v1::AgreementService::NewStub(channel_);
    report_stub_ = v1::ReportService::NewStub(channel_);
    std::ifstream in(dir_ + "/admin.token");
    std::getline(in, admin_);
    calls_ = 0;
    Seed();
  }

  void Stop() {
    admin_stub_.reset();
    project_stub_.reset();
    coding_stub_.reset();
    audit_stub_.reset();
    agreement_stub_.reset();
    report_stub_.reset();
    channel_.reset();
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(const std::string& token,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    Stub& stub, const Request& request, Response* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return (stub.*method)(&context, request, response);
  }

  template <typename Stub, typename Request, typename Response>
  Response MustCall(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    Stub& stub, const Request& request) {
    Response response;
    grpc::Status status = Call(admin_, method, stub, request, &response);
    FUZZ_CHECK(status.ok()) << status.error_code() << " " << status.error_message();
    return response;
  }

  void Seed() {
    v1::CreateUserRequest user;
    user.set_id("alice");
    alice_ = MustCall(&v1::AdminService::Stub::CreateUser, *admin_stub_, user).token();
    v1::CreateProjectRequest project;
    project.set_id("p");
    project.set_title("P");
    MustCall(&v1::ProjectService::Stub::CreateProject, *project_stub_, project);
    v1::AddMemberRequest member;
    member.set_project("p");
    member.set_user("alice");
    member.set_role(v1::CODER);
    MustCall(&v1::ProjectService::Stub::AddMember, *project_stub_, member);
    for (const char* id : {"c1", "c2"}) {
      v1::CreateCodeRequest code;
      code.set_project("p");
      code.mutable_code()->set_id(id);
      code.mutable_code()->set_name(id);
      if (std::string_view(id) == "c2") code.mutable_code()->set_parent("c1");
      MustCall(&v1::ProjectService::Stub::CreateCode, *project_stub_, code);
    }
    v1::CreateDocumentRequest document;
    document.set_project("p");
    document.set_id("d");
    document.set_text(std::string(kText));
    document.set_segmentation(v1::SEGMENT_PARAGRAPH);
    MustCall(&v1::ProjectService::Stub::CreateDocument, *project_stub_, document);
    v1::CreateRoundRequest round;
    round.set_project("p");
    round.set_id("r");
    round.add_documents("d");
    round.add_coders("alice");
    MustCall(&v1::ProjectService::Stub::CreateRound, *project_stub_, round);
    v1::SubmitCodingsRequest submit;
    submit.set_project("p");
    submit.set_round("r");
    v1::CodingInput* coding = submit.add_codings();
    coding->set_document("d");
    coding->set_code("c1");
    coding->set_segment(0);
    v1::SubmitCodingsResponse response;
    grpc::Status status =
        Call(alice_, &v1::CodingService::Stub::SubmitCodings, *coding_stub_, submit, &response);
    FUZZ_CHECK(status.ok()) << status.error_message();
  }

  // Points the request's project, round and document fields (where it has
  // them) at the seeded ones, so the fuzzer reaches past "not found".
  static void Pin(google::protobuf::Message& message) {
    const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
    const google::protobuf::Reflection* reflection = message.GetReflection();
    for (auto [field, value] : {std::pair{"project", "p"}, {"round", "r"}, {"document", "d"}}) {
      const google::protobuf::FieldDescriptor* f = descriptor->FindFieldByName(field);
      if (f != nullptr && !f->is_repeated() &&
          f->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
        reflection->SetString(&message, f, value);
      }
    }
  }

  // Parses `bytes` as `Request` and calls `method` with it.
  template <typename Stub, typename Request, typename Response>
  void Unary(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
             Stub& stub, const std::string& token, bool pin, std::string_view bytes) {
    Request request;
    if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
    if (pin) Pin(request);
    Response response;
    CheckAnswer(request.GetDescriptor()->name(), Call(token, method, stub, request, &response));
  }

  // No answer may be INTERNAL or UNKNOWN: every refusal is a client error.
  // ICR_FUZZ_VERBOSE=1 prints each answer.
  static void CheckAnswer(const std::string& request, const grpc::Status& status) {
    static const bool verbose = std::getenv("ICR_FUZZ_VERBOSE") != nullptr;
    if (verbose) {
      std::cerr << request << ": " << status.error_code() << " " << status.error_message() << "\n";
    }
    FUZZ_CHECK(status.error_code() != grpc::StatusCode::INTERNAL &&
               status.error_code() != grpc::StatusCode::UNKNOWN)
        << request << ": " << status.error_code() << " " << status.error_message();
  }

  void Import(const std::string& token, bool pin, std::string_view bytes) {
    // Several messages, separated by a 0xFF byte.
    std::vector<v1::ImportCodingsRequest> messages;
    size_t start = 0;
    while (start <= bytes.size() && messages.size() < 4) {
      size_t end = bytes.find('\xff', start);
      if (end == std::string_view::npos) end = bytes.size();
      v1::ImportCodingsRequest message;
      if (!message.ParseFromArray(bytes.data() + start, static_cast<int>(end - start))) return;
      if (pin) Pin(message);
      messages.push_back(std::move(message));
      start = end + 1;
    }
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::ImportCodingsResponse response;
    auto writer = coding_stub_->ImportCodings(&context, &response);
    for (const auto& message : messages) {
      if (!writer->Write(message)) break;
    }
    writer->WritesDone();
    CheckAnswer("ImportCodingsRequest", writer->Finish());
  }

  template <typename Stub, typename Request, typename Response>
  void Stream(std::unique_ptr<grpc::ClientReader<Response>> (Stub::*method)(grpc::ClientContext*,
                                                                            const Request&),
              Stub& stub, const std::string& token, bool pin, std::string_view bytes) {
    Request request;
    if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
    if (pin) Pin(request);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    // A watch stays open: read what comes within a short time.
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    auto reader = (stub.*method)(&context, request);
    Response response;
    for (int i = 0; i < 1000 && reader->Read(&response); ++i) {
    }
    CheckAnswer(request.GetDescriptor()->name(), reader->Finish());
  }

  void Dispatch(uint8_t method, const std::string& token, bool pin, std::string_view bytes) {
    using A = v1::AdminService::Stub;
    using P = v1::ProjectService::Stub;
    using C = v1::CodingService::Stub;
    using U = v1::AuditService::Stub;
    using G = v1::AgreementService::Stub;
    using R = v1::ReportService::Stub;
    auto& a = *admin_stub_;
    auto& p = *project_stub_;
    auto& c = *coding_stub_;
    auto& u = *audit_stub_;
    auto& g = *agreement_stub_;
    auto& r = *report_stub_;
    const std::vector<std::function<void()>> calls = {
        [&] { Unary(&A::CreateUser, a, token, pin, bytes); },
        [&] { Unary(&A::CreateToken, a, token, pin, bytes); },
        [&] { Unary(&A::RevokeToken, a, token, pin, bytes); },
        [&] { Unary(&A::ListTokens, a, token, pin, bytes); },
        [&] { Unary(&A::ListUsers, a, token, pin, bytes); },
        [&] { Unary(&P::CreateProject, p, token, pin, bytes); },
        [&] { Unary(&P::GetProject, p, token, pin, bytes); },
        [&] { Unary(&P::ListProjects, p, token, pin, bytes); },
        [&] { Unary(&P::AddMember, p, token, pin, bytes); },
        [&] { Unary(&P::ListMembers, p, token, pin, bytes); },
        [&] { Unary(&P::CreateCode, p, token, pin, bytes); },
        [&] { Unary(&P::UpdateCode, p, token, pin, bytes); },
        [&] { Unary(&P::MergeCode, p, token, pin, bytes); },
        [&] { Unary(&P::ListCodes, p, token, pin, bytes); },
        [&] { Unary(&P::CreateDomain, p, token, pin, bytes); },
        [&] { Unary(&P::ListDomains, p, token, pin, bytes); },
        [&] { Unary(&P::CreateDocument, p, token, pin, bytes); },
        [&] { Unary(&P::GetDocument, p, token, pin, bytes); },
        [&] { Unary(&P::ListDocuments, p, token, pin, bytes); },
        [&] { Unary(&P::CreateRound, p, token, pin, bytes); },
        [&] { Unary(&P::GetRound, p, token, pin, bytes); },
        [&] { Unary(&P::ListRounds, p, token, pin, bytes); },
        [&] { Unary(&P::AdvanceRound, p, token, pin, bytes); },
        [&] { Unary(&C::SubmitCodings, c, token, pin, bytes); },
        [&] { Import(token, pin, bytes); },
        [&] { Unary(&C::RetractCoding, c, token, pin, bytes); },
        [&] { Unary(&C::ListCodings, c, token, pin, bytes); },
        [&] { Unary(&U::ListEvents, u, token, pin, bytes); },
        [&] { Unary(&U::GetSignedHead, u, token, pin, bytes); },
        [&] { Unary(&U::GetInclusionProof, u, token, pin, bytes); },
        [&] { Unary(&U::GetConsistencyProof, u, token, pin, bytes); },
        [&] { Stream(&U::ExportAudit, u, token, pin, bytes); },
        [&] { Unary(&G::ComputeAgreement, g, token, pin, bytes); },
        [&] { Unary(&G::ListDisagreements, g, token, pin, bytes); },
        [&] { Unary(&G::ResolveDisagreement, g, token, pin, bytes); },
        [&] { Unary(&G::GetConsensus, g, token, pin, bytes); },
        [&] { Unary(&R::GetReport, r, token, pin, bytes); },
    };
    calls[method % calls.size()]();
  }

  // Reads every page of a List call as admin.
  template <typename Request, typename Response, typename Stub, typename Item>
  std::vector<Item> All(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*), Stub& stub,
      Request request, const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const) {
    std::vector<Item> all;
    request.set_page_size(1000);
    for (int page = 0; page < 100; ++page) {
      Response response = MustCall(method, stub, request);
      for (const Item& item : (response.*items)()) all.push_back(item);
      if (response.next_page_token().empty()) return all;
      request.set_page_token(response.next_page_token());
    }
    FUZZ_CHECK(false) << "more than 100 pages";
    return all;
  }

  // What is stored in `project` is valid: what the validators accept, the
  // codebook a tree of known codes, documents valid UTF-8 within the size
  // limit with segments inside them, rounds of known documents and members,
  // codings of known codes inside their documents.
  void CheckProject(const std::string& project) {
    using P = v1::ProjectService::Stub;
    v1::ListCodesRequest codes_request;
    codes_request.set_project(project);
    codes_request.set_include_merged(true);
    const std::vector<v1::Code> codes =
        All(&P::ListCodes, *project_stub_, codes_request, &v1::ListCodesResponse::codes);
    std::set<std::string> code_ids;
    for (const v1::Code& code : codes) code_ids.insert(code.id());
    for (const v1::Code& code : codes) {
      FUZZ_CHECK(catalog::ValidateId("id", code.id()).ok()) << code.ShortDebugString();
      FUZZ_CHECK(catalog::ValidateName("name", code.name()).ok()) << code.ShortDebugString();
      for (const std::string* text : {&code.definition(), &code.inclusion_criteria(),
                                      &code.exclusion_criteria(), &code.example()}) {
        FUZZ_CHECK(catalog::ValidateText("text", *text).ok()) << code.ShortDebugString();
      }
      FUZZ_CHECK(code.parent().empty() || code_ids.count(code.parent())) << code.ShortDebugString();
      FUZZ_CHECK(code.parent() != code.id()) << code.ShortDebugString();
      FUZZ_CHECK(code.merged_into().empty() || code_ids.count(code.merged_into()))
          << code.ShortDebugString();
    }

    v1::ListMembersRequest members_request;
    members_request.set_project(project);
    std::set<std::string> members;
    for (const v1::Member& member :
         All(&P::ListMembers, *project_stub_, members_request, &v1::ListMembersResponse::members)) {
      FUZZ_CHECK(catalog::ValidateId("user", member.user()).ok()) << member.ShortDebugString();
      members.insert(member.user());
    }

    v1::ListDocumentsRequest documents_request;
    documents_request.set_project(project);
    std::map<std::string, v1::Document> documents;
    for (const v1::Document& listed : All(&P::ListDocuments, *project_stub_, documents_request,
                                          &v1::ListDocumentsResponse::documents)) {
      v1::GetDocumentRequest get;
      get.set_project(project);
      get.set_document(listed.id());
      get.set_include_text(true);
      const v1::Document document = MustCall(&P::GetDocument, *project_stub_, get).document();
      FUZZ_CHECK(catalog::ValidateId("id", document.id()).ok()) << document.id();
      FUZZ_CHECK(text::IsValidUtf8(document.text())) << document.id();
      FUZZ_CHECK(document.text().size() <= kMaxDocumentBytes) << document.id();
      const text::TextLengths lengths = text::MeasureUtf8(document.text());
      FUZZ_CHECK(lengths.code_points == document.length_code_points()) << document.id();
      int64_t previous_end = 0;
      for (const v1::Segment& segment : document.segments()) {
        FUZZ_CHECK(segment.start() >= previous_end && segment.start() < segment.end() &&
                   segment.end() <= lengths.code_points)
            << document.id() << " " << segment.ShortDebugString();
        previous_end = segment.end();
      }
      documents[document.id()] = document;
    }

    v1::ListRoundsRequest rounds_request;
    rounds_request.set_project(project);
    for (const v1::Round& round :
         All(&P::ListRounds, *project_stub_, rounds_request, &v1::ListRoundsResponse::rounds)) {
      FUZZ_CHECK(catalog::ValidateId("id", round.id()).ok()) << round.ShortDebugString();
      FUZZ_CHECK(round.documents_size() > 0 && round.coders_size() > 0) << round.ShortDebugString();
      std::set<std::string> round_documents;
      for (const std::string& document : round.documents()) {
        FUZZ_CHECK(documents.count(document)) << round.ShortDebugString();
        round_documents.insert(document);
      }
      std::set<std::string> coders(round.coders().begin(), round.coders().end());
      for (const std::string& coder : round.coders()) {
        FUZZ_CHECK(members.count(coder)) << round.ShortDebugString();
      }
      v1::ListCodingsRequest codings_request;
      codings_request.set_project(project);
      codings_request.set_round(round.id());
      codings_request.set_include_retracted(true);
      for (const v1::Coding& coding : All(&v1::CodingService::Stub::ListCodings, *coding_stub_,
                                          codings_request, &v1::ListCodingsResponse::codings)) {
        FUZZ_CHECK(round_documents.count(coding.document()) && code_ids.count(coding.code()) &&
                   coders.count(coding.coder()))
            << coding.ShortDebugString();
        FUZZ_CHECK(text::IsValidUtf8(coding.memo())) << coding.ShortDebugString();
        const v1::Document& document = documents[coding.document()];
        if (coding.has_span()) {
          FUZZ_CHECK(coding.span().start() >= 0 && coding.span().start() < coding.span().end() &&
                     coding.span().end() <= document.length_code_points())
              << coding.ShortDebugString();
        } else {
          FUZZ_CHECK(coding.segment() >= 0 && coding.segment() < document.segments_size())
              << coding.ShortDebugString();
        }
      }
    }
  }

  std::string dir_;
  std::unique_ptr<service::IcrServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AdminService::Stub> admin_stub_;
  std::unique_ptr<v1::ProjectService::Stub> project_stub_;
  std::unique_ptr<v1::CodingService::Stub> coding_stub_;
  std::unique_ptr<v1::AuditService::Stub> audit_stub_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_stub_;
  std::unique_ptr<v1::ReportService::Stub> report_stub_;
  std::string admin_;
  std::string alice_;
  int calls_ = 0;
};

}  // namespace

void RequestInput(std::string_view data) {
  // Started once per process, torn down at exit.
  static Environment* environment = [] {
    static Environment instance;
    return &instance;
  }();
  environment->Run(data);
}

}  // namespace icr::fuzz
