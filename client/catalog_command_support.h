#ifndef ICR_CLIENT_CATALOG_COMMAND_SUPPORT_H_
#define ICR_CLIENT_CATALOG_COMMAND_SUPPORT_H_

// What the catalog commands (one file per noun: users, projects and members,
// codebook, documents, rounds) share: their registration context, enum words,
// and the one shape of a list command (read its pages, print its rows).

#include <cctype>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/command.h"
#include "client/connection.h"
#include "client/global_options.h"
#include "client/output.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace icr::client::catalog {

// A command's registration context.
struct Context {
  GlobalOptions& globals;
  int* exit_code;
  void Run(const std::function<absl::Status(Connection&)>& body) const {
    RunRemote(globals, exit_code, body);
  }
};

// The CLI words of a word -> enum map, for CLI::IsMember checks.
template <typename Enum>
std::vector<std::string> Keys(const std::map<std::string, Enum>& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  return keys;
}

inline std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One message as a repeated field, for the rows helpers that print lists.
template <typename Message>
google::protobuf::RepeatedPtrField<Message> One(const Message& message) {
  google::protobuf::RepeatedPtrField<Message> one;
  *one.Add() = message;
  return one;
}

// Calls one RPC and prints its response: JSON as it is, else
// `rows(response)`.
template <typename Stub, typename Request, typename Response, typename RowsOf>
absl::Status CallAndPrint(const Context& ctx, Connection& connection,
                          grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                       Response*),
                          Stub& stub, const Request& request, const RowsOf& rows) {
  absl::StatusOr<Response> response = connection.Call(method, stub, request);
  if (!response.ok()) return response.status();
  Print(ctx.globals, std::cout, *response, rows(*response));
  return absl::OkStatus();
}

// Reads every page of a List RPC (or the one page `pages` asks for) and
// prints the response: JSON as it is, else `rows(response)`.
template <typename Stub, typename Request, typename Response, typename RowsOf>
absl::Status ListAndPrint(const Context& ctx, Connection& connection,
                          grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                       Response*),
                          Stub& stub, const PageFlags& pages, const Request& request,
                          const RowsOf& rows) {
  absl::StatusOr<Response> response = ListPages<Request, Response>(
      pages, request, [&](const Request& r) { return connection.Call(method, stub, r); });
  if (!response.ok()) return response.status();
  Print(ctx.globals, std::cout, *response, rows(*response));
  return absl::OkStatus();
}

// Registers `parent list PROJECT [--page_size N] [--page_token T]`, which
// lists one project's items with `method` and prints `rows(response)`.
template <typename Request, typename Response, typename RowsOf>
void AddProjectListCommand(CLI::App& parent, const Context& ctx, const std::string& description,
                           grpc::Status (v1::ProjectService::Stub::*method)(grpc::ClientContext*,
                                                                            const Request&,
                                                                            Response*),
                           RowsOf rows) {
  auto project = std::make_shared<std::string>();
  auto pages = std::make_shared<PageFlags>();
  CLI::App* list = parent.add_subcommand("list", description);
  list->add_option("PROJECT", *project, "project id")->required();
  pages->AddTo(list);
  list->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      Request request;
      request.set_project(*project);
      return ListAndPrint(ctx, connection, method, connection.project(), *pages, request, rows);
    });
  });
}

// `icr user`, `icr admin` and `icr whoami`.
void AddUserCommands(CLI::App& app, const Context& ctx);
// `icr project` and `icr member`.
void AddProjectCommands(CLI::App& app, const Context& ctx);
// `icr code` and `icr domain`.
void AddCodebookCommands(CLI::App& app, const Context& ctx);
// `icr doc`.
void AddDocumentCommands(CLI::App& app, const Context& ctx);
// `icr round`.
void AddRoundCommands(CLI::App& app, const Context& ctx);

}  // namespace icr::client::catalog

#endif  // ICR_CLIENT_CATALOG_COMMAND_SUPPORT_H_
