#include "server/service/authorization.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
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
      {"/icr.v1.AdminService/CreateUser", Access::kServerAdmin, {}},
      {"/icr.v1.AdminService/ListUsers", Access::kServerAdmin, {}},
      // Any user for their own tokens; the catalog lets only admins create
      // tokens for others.
      {"/icr.v1.AdminService/CreateToken", Access::kAnyUser, {}},
      {"/icr.v1.AdminService/GetCurrentUser", Access::kAnyUser, {}},
      // Any user for their own tokens; the catalog lets only admins see or
      // revoke other users' tokens.
      {"/icr.v1.AdminService/ListTokens", Access::kAnyUser, {}},
      {"/icr.v1.AdminService/RevokeToken", Access::kAnyUser, {}},
      {"/icr.v1.AdminService/Backup", Access::kServerAdmin, {}},
      // An admin, the user itself, or an owner or lead above the user in
      // every project the user belongs to: decided with the data (catalog.h).
      {"/icr.v1.AdminService/CreateSigninLink", Access::kAnyUser, {}},
      // Signs in: the API token or sign-in code is in the request.
      {"/icr.v1.AdminService/CreateSession", Access::kRequestCredential, {}},

      {"/icr.v1.ProjectService/CreateProject", Access::kAnyUser, {}},
      {"/icr.v1.ProjectService/ListProjects", Access::kAnyUser, {}},
      {"/icr.v1.ProjectService/GetProject", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      // A lead adds coders and reviewers; only an owner adds owners and leads.
      {"/icr.v1.ProjectService/AddMember", Access::kProject, {OWNER, LEAD}},
      {"/icr.v1.ProjectService/ListMembers", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.ProjectService/CreateCode", Access::kProject, {OWNER, LEAD}},
      {"/icr.v1.ProjectService/UpdateCode", Access::kProject, {OWNER, LEAD}},
      {"/icr.v1.ProjectService/MergeCode", Access::kProject, {OWNER, LEAD}},
      {"/icr.v1.ProjectService/ListCodes", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.ProjectService/CreateDomain", Access::kProject, {OWNER, LEAD}},
      {"/icr.v1.ProjectService/ListDomains", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.ProjectService/CreateDocument", Access::kProject, {OWNER, LEAD}},
      {"/icr.v1.ProjectService/GetDocument", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.ProjectService/ListDocuments", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.ProjectService/CreateRound", Access::kProject, {OWNER, LEAD}},
      {"/icr.v1.ProjectService/GetRound", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.ProjectService/ListRounds", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.ProjectService/AdvanceRound", Access::kProject, {OWNER, LEAD}},

      // Codings: the coder is the caller (a lead may submit for a coder);
      // who may retract or read which codings is decided with the data
      // (their own coding; the blind rules).
      {"/icr.v1.CodingService/SubmitCodings", Access::kProject, {OWNER, LEAD, CODER}},
      {"/icr.v1.CodingService/ImportCodings", Access::kProject, {OWNER, LEAD, CODER}},
      {"/icr.v1.CodingService/RetractCoding", Access::kProject, {OWNER, LEAD, CODER}},
      {"/icr.v1.CodingService/ListCodings", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      // Progress: a coder sets its own (a lead for a coder); everyone of the
      // project reads it, with the blind rules applied in the domain.
      {"/icr.v1.CodingService/SetDocumentProgress", Access::kProject, {OWNER, LEAD, CODER}},
      {"/icr.v1.CodingService/ListProgress", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},

      // Agreement: what a coder or reviewer may see of a blind OPEN round is
      // decided with the data (live_agreement.h); resolving is for leads.
      {"/icr.v1.AgreementService/ComputeAgreement",
       Access::kProject,
       {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.AgreementService/WatchAgreement", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.AgreementService/ListDisagreements",
       Access::kProject,
       {OWNER, LEAD, CODER, REVIEWER}},
      {"/icr.v1.AgreementService/ResolveDisagreement", Access::kProject, {OWNER, LEAD}},
      {"/icr.v1.AgreementService/GetConsensus", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},

      // Coders do not read the trail: during a blind round it would show
      // them the other coders' work.
      {"/icr.v1.AuditService/ListEvents", Access::kProject, {OWNER, LEAD, REVIEWER}},
      {"/icr.v1.AuditService/ExportAudit", Access::kProject, {OWNER, LEAD, REVIEWER}},
      {"/icr.v1.AuditService/GetSignedHead", Access::kProject, {OWNER, LEAD, REVIEWER}},
      {"/icr.v1.AuditService/GetInclusionProof", Access::kProject, {OWNER, LEAD, REVIEWER}},
      {"/icr.v1.AuditService/GetConsistencyProof", Access::kProject, {OWNER, LEAD, REVIEWER}},
      // What changed, without content: every member, coders with the blind
      // rules applied in the domain (server/coding/changes.h).
      {"/icr.v1.AuditService/ListChanges", Access::kProject, {OWNER, LEAD, CODER, REVIEWER}},
      // The key verifies heads; it is public.
      {"/icr.v1.AuditService/GetPublicKey", Access::kAnyUser, {}},

      // The report shows every coder's work: not for coders.
      {"/icr.v1.ReportService/GetReport", Access::kProject, {OWNER, LEAD, REVIEWER}},
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
