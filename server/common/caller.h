#ifndef ICR_SERVER_COMMON_CALLER_H_
#define ICR_SERVER_COMMON_CALLER_H_

#include <optional>
#include <string>

#include "icr/v1/resources.pb.h"

namespace icr::common {

// Who is calling: made once per call by the authorizer (server/service) and
// handed as it is to the catalog, the codings and the live agreement, which
// decide from it what the caller may see and do.
struct Caller {
  // The authenticated user's id; empty for a call whose request is its own
  // credential (a session exchange).
  std::string user;
  // A server ADMIN: manages users and acts as OWNER in any project.
  bool server_admin = false;
  // The caller's role in the request's project (OWNER for a server admin who
  // is not a member); nullopt for a call outside a project.
  std::optional<v1::MemberRole> role = std::nullopt;

  bool is_lead() const { return role == v1::OWNER || role == v1::LEAD; }
};

}  // namespace icr::common

#endif  // ICR_SERVER_COMMON_CALLER_H_
