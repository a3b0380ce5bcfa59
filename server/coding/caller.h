#ifndef ICR_SERVER_CODING_CALLER_H_
#define ICR_SERVER_CODING_CALLER_H_

#include "icr/v1/resources.pb.h"
#include "server/catalog/catalog.h"

namespace icr::coding {

// Who is calling and with which project role (from the authorization step).
struct Caller {
  catalog::Actor actor;
  v1::MemberRole role = v1::MEMBER_ROLE_UNSPECIFIED;
  bool is_lead() const { return role == v1::OWNER || role == v1::LEAD; }
};

}  // namespace icr::coding

#endif  // ICR_SERVER_CODING_CALLER_H_
