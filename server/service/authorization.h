#ifndef ICR_SERVER_SERVICE_AUTHORIZATION_H_
#define ICR_SERVER_SERVICE_AUTHORIZATION_H_

// The authorization table of DESIGN §7: for every RPC, who may call it.
// Every handler starts with one call to Authorizer::Check, driven by this
// table, and a test walks it row by row.

#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "icr/v1/resources.pb.h"

namespace icr::service {

enum class Access {
  kAnyUser,      // any authenticated user
  kServerAdmin,  // users with the server ADMIN role
  kProject,      // members of the request's project with one of `roles`
  // No bearer token: the request carries its own credential, which the
  // domain checks (CreateSession's API token or sign-in code).
  kRequestCredential,
};

struct MethodRule {
  std::string_view method;  // "/icr.v1.ProjectService/CreateCode"
  Access access;
  std::vector<v1::MemberRole> roles;  // for kProject
};

// Every RPC of the API but health, in one table.
const std::vector<MethodRule>& AuthorizationTable();

// The rule for `method`, or nullptr for a method missing from the table
// (which no one may call).
const MethodRule* FindRule(std::string_view method);

// The decision for an authenticated caller. `member_role` is the caller's role
// in the request's project, nullopt for a non-member (or a project that does
// not exist: the two are indistinguishable to the caller, so project names do
// not leak). A server admin acts as OWNER in every project.
// Returns OK, PERMISSION_DENIED, or NOT_FOUND naming the project.
absl::Status Decide(std::string_view method, bool server_admin,
                    std::optional<v1::MemberRole> member_role, std::string_view project);

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_AUTHORIZATION_H_
