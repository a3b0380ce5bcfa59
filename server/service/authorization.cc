#include "server/service/authorization.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/common/methods.h"
#include "server/common/string_view.h"

namespace icr::service {
namespace {

using v1::CODER;
using v1::LEAD;
using v1::OWNER;
using v1::REVIEWER;

}  // namespace

const std::vector<MethodRule>& AuthorizationTable() {
  static const std::vector<MethodRule>* const kTable = new std::vector<MethodRule>{
      {rpc::admin::kCreateUser, Access::kServerAdmin, {}},
      {rpc::admin::kListUsers, Access::kServerAdmin, {}},
      // Any user for their own tokens; the catalog lets only admins create
      // tokens for others.
      {rpc::admin::kCreateToken, Access::kAnyUser, {}},
      {rpc::admin::kGetCurrentUser, Access::kAnyUser, {}},
      // Any user for their own tokens; the catalog lets only admins see or
      // revoke other users' tokens.
      {rpc::admin::kListTokens, Access::kAnyUser, {}},
      {rpc::admin::kRevokeToken, Access::kAnyUser, {}},
      {rpc::admin::kBackup, Access::kServerAdmin, {}},
      // An admin, the user itself, or an owner or lead above the user in
      // every project the user belongs to: decided with the data (catalog.h).
      {rpc::admin::kCreateSigninLink, Access::kAnyUser, {}},
      // Signs in: the API token or sign-in code is in the request.
      {rpc::admin::kCreateSession, Access::kRequestCredential, {}},

      {rpc::project::kCreateProject, Access::kAnyUser, {}},
      {rpc::project::kListProjects, Access::kAnyUser, {}},
      {rpc::project::kGetProject, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      // A lead adds coders and reviewers; only an owner adds owners and leads.
      {rpc::project::kAddMember, Access::kProject, {OWNER, LEAD}},
      {rpc::project::kListMembers, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::project::kCreateCode, Access::kProject, {OWNER, LEAD}},
      {rpc::project::kUpdateCode, Access::kProject, {OWNER, LEAD}},
      {rpc::project::kMergeCode, Access::kProject, {OWNER, LEAD}},
      {rpc::project::kListCodes, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::project::kCreateDomain, Access::kProject, {OWNER, LEAD}},
      {rpc::project::kListDomains, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::project::kCreateDocument, Access::kProject, {OWNER, LEAD}},
      {rpc::project::kGetDocument, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::project::kListDocuments, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::project::kCreateRound, Access::kProject, {OWNER, LEAD}},
      {rpc::project::kGetRound, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::project::kListRounds, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::project::kAdvanceRound, Access::kProject, {OWNER, LEAD}},

      // Codings: the coder is the caller (a lead may submit for a coder);
      // who may retract or read which codings is decided with the data
      // (their own coding; the blind rules).
      {rpc::coding::kSubmitCodings, Access::kProject, {OWNER, LEAD, CODER}},
      {rpc::coding::kImportCodings, Access::kProject, {OWNER, LEAD, CODER}},
      {rpc::coding::kRetractCoding, Access::kProject, {OWNER, LEAD, CODER}},
      {rpc::coding::kListCodings, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      // Progress: a coder sets its own (a lead for a coder); everyone of the
      // project reads it, with the blind rules applied in the domain.
      {rpc::coding::kSetDocumentProgress, Access::kProject, {OWNER, LEAD, CODER}},
      {rpc::coding::kListProgress, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},

      // Agreement: what a coder or reviewer may see of a blind OPEN round is
      // decided with the data (live_agreement.h); resolving is for leads.
      {rpc::agreement::kComputeAgreement, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::agreement::kWatchAgreement, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::agreement::kListDisagreements, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {rpc::agreement::kResolveDisagreement, Access::kProject, {OWNER, LEAD}},
      {rpc::agreement::kGetConsensus, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},

      // Coders do not read the trail: during a blind round it would show
      // them the other coders' work.
      {rpc::audit::kListEvents, Access::kProject, {OWNER, LEAD, REVIEWER}},
      {rpc::audit::kExportAudit, Access::kProject, {OWNER, LEAD, REVIEWER}},
      {rpc::audit::kGetSignedHead, Access::kProject, {OWNER, LEAD, REVIEWER}},
      {rpc::audit::kGetInclusionProof, Access::kProject, {OWNER, LEAD, REVIEWER}},
      {rpc::audit::kGetConsistencyProof, Access::kProject, {OWNER, LEAD, REVIEWER}},
      // What changed, without content: every member, coders with the blind
      // rules applied in the domain (server/coding/changes.h).
      {rpc::audit::kListChanges, Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      // The key verifies heads; it is public.
      {rpc::audit::kGetPublicKey, Access::kAnyUser, {}},

      // The report shows every coder's work: not for coders.
      {rpc::report::kGetReport, Access::kProject, {OWNER, LEAD, REVIEWER}},
  };
  return *kTable;
}

const MethodRule* FindRule(std::string_view method) {
  for (const MethodRule& rule : AuthorizationTable()) {
    if (rule.method == method) return &rule;
  }
  return nullptr;
}

absl::Status Decide(std::string_view method, bool server_admin,
                    std::optional<v1::MemberRole> member_role, std::string_view project) {
  const MethodRule* rule = FindRule(method);
  if (rule == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(AbslView(method), " is not in the authorization table"));
  }
  switch (rule->access) {
    case Access::kAnyUser:
    case Access::kRequestCredential:
      return absl::OkStatus();
    case Access::kServerAdmin:
      if (server_admin) return absl::OkStatus();
      return absl::PermissionDeniedError("this needs the server ADMIN role");
    case Access::kProject: {
      if (server_admin) return absl::OkStatus();
      if (!member_role) return absl::NotFoundError(absl::StrCat("project ", AbslView(project)));
      if (std::find(rule->roles.begin(), rule->roles.end(), *member_role) != rule->roles.end()) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError(absl::StrCat(
          "a project ", v1::MemberRole_Name(*member_role), " may not call ", AbslView(method)));
    }
  }
  return absl::PermissionDeniedError("unknown access rule");
}

}  // namespace icr::service
