#include "client/audit_commands.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/command.h"
#include "client/output.h"
#include "nlohmann/json.hpp"
#include "server/audit/export.h"
#include "server/audit/hash.h"

namespace icr::client {
namespace {

using nlohmann::json;

// The AuditEvent in `bytes` as the export shows it.
absl::StatusOr<json> DecodeEvent(std::string_view bytes) {
  v1::AuditEvent event;
  if (!event.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("the event bytes are not an AuditEvent");
  }
  return json::parse(MessageToJson(event));
}

audit::SignedTreeHead FromProto(const v1::SignedTreeHead& head) {
  audit::SignedTreeHead out;
  out.head.chain = head.project();
  out.head.tree_size = head.tree_size();
  out.head.timestamp_ms = head.timestamp_ms();
  out.head.root_hash = head.root_hash();
  out.signature = head.signature();
  out.key_id = head.key_id();
  return out;
}

absl::StatusOr<std::string> ReadText(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read ", what));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<audit::SignedTreeHead> ReadHeadFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadText(path, "the head");
  if (!text.ok()) return text.status();
  // The file holds one head: a saved head line, `icr audit head --output
  // json`, or a whole earlier export (its last line).
  std::string last;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    if (!absl::StripAsciiWhitespace(line).empty()) last = line;
  }
  json parsed = json::parse(last, nullptr, false);
  if (parsed.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, ": not JSON"));
  absl::StatusOr<audit::SignedTreeHead> head = audit::HeadFromJson(parsed);
  if (!head.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", head.status().message()));
  }
  return head;
}

void PrintHead(const GlobalOptions& globals, const audit::SignedTreeHead& head) {
  const json line = audit::HeadLine(head);
  if (globals.output == OutputFormat::kJson) {
    std::cout << line.dump() << "\n";
    return;
  }
  PrintRows(globals.output, std::cout,
            {{"project", "tree_size", "time", "root_hash", "key_id"},
             {head.head.chain, std::to_string(head.head.tree_size), line["time"].get<std::string>(),
              audit::HexEncode(head.head.root_hash), head.key_id}});
}

// `icr audit verify`: offline, so it neither connects nor needs a token.
int Verify(const GlobalOptions& globals, const std::string& file, const std::string& key_path,
           const std::string& head_path) {
  auto fail = [](int code, absl::string_view message) {
    std::cerr << "icr audit verify: " << message << std::endl;
    return code;
  };
  absl::StatusOr<std::string> pem = ReadText(key_path, "the public key");
  if (!pem.ok()) return fail(kExitUsageError, pem.status().message());
  absl::StatusOr<audit::PublicKey> key = audit::PublicKey::FromPem(*pem);
  if (!key.ok()) return fail(kExitUsageError, absl::StrCat(key_path, ": ", key.status().message()));
  audit::VerifyOptions options;
  options.decode = DecodeEvent;
  if (!head_path.empty()) {
    absl::StatusOr<audit::SignedTreeHead> old = ReadHeadFile(head_path);
    if (!old.ok()) return fail(kExitUsageError, old.status().message());
    options.old_head = *old;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(kExitUsageError, absl::StrCat(file, ": cannot read"));
  absl::StatusOr<audit::VerifiedExport> verified = audit::VerifyExport(in, *key, options);
  if (!verified.ok()) {
    const int code = verified.status().code() == absl::StatusCode::kInvalidArgument
                         ? kExitUsageError
                         : kExitServerError;
    return fail(code, absl::StrCat(file, ": ", code == kExitUsageError ? "" : "NOT VERIFIED: ",
                                   verified.status().message()));
  }
  const audit::TreeHead& head = verified->head.head;
  if (globals.output == OutputFormat::kJson) {
    json out = {{"verified", true},
                {"project", head.chain},
                {"events", verified->events},
                {"head", audit::HeadLine(verified->head)}};
    if (options.old_head) out["consistent_with"] = audit::HeadLine(*options.old_head);
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "verified: " << verified->events << " events of project " << head.chain
              << ", chain and Merkle root intact, head signed by key " << verified->head.key_id
              << "\nroot_hash " << audit::HexEncode(head.root_hash) << " at "
              << audit::HeadLine(verified->head)["time"].get<std::string>() << "\n";
    if (options.old_head) {
      std::cout << "consistent with the head of " << options.old_head->head.tree_size
                << " events in " << head_path << ": the log only grew\n";
    }
  }
  return kExitOk;
}

}  // namespace

void AddAuditCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "the audit trail and its verification");
  audit->require_subcommand(1);
  auto project = std::make_shared<std::string>();
  auto pages = std::make_shared<PageFlags>();
  CLI::App* e = audit->add_subcommand("events", "list a project's audit events");
  e->add_option("PROJECT", *project, "project id (_server for server-level events)")->required();
  pages->AddTo(e);
  e->callback([=, &globals] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::ListEventsRequest request;
      request.set_project(*project);
      auto response = ListPages<v1::ListEventsRequest, v1::ListEventsResponse>(
          *pages, request, [&](const v1::ListEventsRequest& r) {
            return connection.Call(&v1::AuditService::Stub::ListEvents, connection.audit(), r);
          });
      if (!response.ok()) return response.status();
      Rows rows = {{"seq", "time", "actor", "method", "summary"}};
      for (const v1::EventRecord& record : response->events()) {
        const v1::AuditEvent& event = record.event();
        std::string method = event.method();
        if (size_t slash = method.rfind('/'); slash != std::string::npos) {
          method = method.substr(slash + 1);
        }
        rows.push_back({std::to_string(event.seq()), FormatTime(event.time()), event.actor(),
                        method, event.result_summary()});
      }
      Print(globals, std::cout, *response, rows);
      return absl::OkStatus();
    });
  });

  CLI::App* h = audit->add_subcommand(
      "head", "print a signed tree head of a project's log (keep it to check later exports)");
  h->add_option("PROJECT", *project, "project id")->required();
  h->callback([=, &globals] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::GetSignedHeadRequest request;
      request.set_project(*project);
      auto response =
          connection.Call(&v1::AuditService::Stub::GetSignedHead, connection.audit(), request);
      if (!response.ok()) return response.status();
      PrintHead(globals, FromProto(response->head()));
      return absl::OkStatus();
    });
  });

  auto out = std::make_shared<std::string>();
  CLI::App* k = audit->add_subcommand("key", "the server's public key (PEM) that signs heads");
  k->add_option("--out", *out, "write it to this file (default: print it)");
  k->callback([=, &globals] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      auto response = connection.Call(&v1::AuditService::Stub::GetPublicKey, connection.audit(),
                                      v1::GetPublicKeyRequest());
      if (!response.ok()) return response.status();
      if (out->empty()) {
        std::cout << response->public_key_pem();
        return absl::OkStatus();
      }
      std::ofstream file(*out, std::ios::binary | std::ios::trunc);
      file << response->public_key_pem();
      if (!file.flush()) return absl::InvalidArgumentError(absl::StrCat(*out, ": cannot write"));
      std::cerr << "public key " << response->key_id() << " written to " << *out << "\n";
      return absl::OkStatus();
    });
  });

  CLI::App* x = audit->add_subcommand(
      "export", "write a project's events and a signed head as JSON Lines (see the README)");
  x->add_option("PROJECT", *project, "project id")->required();
  x->add_option("--out", *out, "the .jsonl file to write")->required();
  x->callback([=, &globals] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      std::ofstream file(*out, std::ios::binary | std::ios::trunc);
      if (!file) return absl::InvalidArgumentError(absl::StrCat(*out, ": cannot write"));
      v1::ExportAuditRequest request;
      request.set_project(*project);
      grpc::ClientContext context;
      connection.Prepare(context);
      auto reader = connection.audit().ExportAudit(&context, request);
      v1::ExportAuditResponse message;
      int64_t events = 0;
      std::optional<audit::SignedTreeHead> head;
      while (reader->Read(&message)) {
        for (const v1::EventRecord& record : message.events()) {
          file << audit::EventLine(*project, record.seq(), record.event_bytes(),
                                   record.event().prev_hash(), record.hash(),
                                   json::parse(MessageToJson(record.event())))
                      .dump()
               << "\n";
          ++events;
        }
        if (message.has_head()) head = FromProto(message.head());
      }
      grpc::Status status = reader->Finish();
      if (!status.ok() || !head.has_value()) {
        file.close();
        std::remove(out->c_str());
        if (!status.ok()) return ServerError(status);
        return ServerError(grpc::Status(grpc::StatusCode::DATA_LOSS, "the export had no head"));
      }
      file << audit::HeadLine(*head).dump() << "\n";
      if (!file.flush()) return absl::InvalidArgumentError(absl::StrCat(*out, ": cannot write"));
      std::cerr << "exported " << events << " events of " << *project << " to " << *out << " (root "
                << audit::HexEncode(head->head.root_hash) << ")\n";
      return absl::OkStatus();
    });
  });

  auto file = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  auto old_head = std::make_shared<std::string>();
  CLI::App* v = audit->add_subcommand(
      "verify",
      "check an export offline: hash chain, Merkle root, signature (exit 0 verified, 1 not, 2 "
      "bad input)");
  v->add_option("FILE", *file, "the export (.jsonl)")->required();
  v->add_option("--public_key", *key, "the server's public key (DATA_DIR/audit-public-key.pem)")
      ->required();
  v->add_option("--head", *old_head,
                "a head kept from earlier (a head line or an older export): the export must "
                "extend it");
  v->callback([=, &globals] { *exit_code = Verify(globals, *file, *key, *old_head); });
}

}  // namespace icr::client
