// Projects and their members (with the rules on who may change whose role).
#include "server/catalog/catalog.h"
#include "server/catalog/catalog_internal.h"
#include "server/common/methods.h"

namespace icr::catalog {

// --- Projects and members ---------------------------------------------------

absl::StatusOr<v1::CreateProjectResponse> Catalog::CreateProject(
    const common::Caller& actor, const v1::CreateProjectRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("id", request.id()));
  ICR_RETURN_IF_ERROR(ValidateName("title", request.title()));
  ICR_RETURN_IF_ERROR(ValidateText("description", request.description()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  v1::Project project;
  project.set_id(request.id());
  project.set_title(request.title());
  project.set_description(request.description());
  project.set_blind_by_default(request.blind_by_default());
  project.set_etag("1");
  SetNow(project.mutable_create_time());
  v1::Member owner;
  owner.set_project(request.id());
  owner.set_user(actor.user);
  owner.set_role(v1::OWNER);

  storage::Mutation mutation =
      NewMutation(request.id(), actor, rpc::project::kCreateProject, request, request.request_id());
  mutation.apply = [project, owner](MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                         context.Get(Family::kMetadata, storage::ProjectKey(project.id())));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("project ", project.id()));
    context.Put(Family::kMetadata, storage::ProjectKey(project.id()), project.SerializeAsString());
    context.Put(Family::kMetadata, storage::MemberKey(project.id(), owner.user()),
                owner.SerializeAsString());
    v1::CreateProjectResponse response;
    *response.mutable_project() = project;
    return MutationResult{
        response.SerializeAsString(),
        absl::StrCat("created project ", project.id(), " owned by ", owner.user()), std::nullopt};
  };
  return CommitAndParse<v1::CreateProjectResponse>(writer_, std::move(mutation));
}

absl::StatusOr<std::optional<v1::Project>> Catalog::GetProject(std::string_view project) const {
  return Read<v1::Project>(store_, Family::kMetadata, storage::ProjectKey(project));
}

absl::StatusOr<v1::ListProjectsResponse> Catalog::ListProjects(
    const common::Caller& actor, const v1::ListProjectsRequest& request) const {
  v1::ListProjectsResponse response;
  absl::Status role_status;
  auto visible = [&](const v1::Project& project) {
    if (actor.server_admin) return true;
    absl::StatusOr<std::optional<v1::MemberRole>> role = RoleOf(project.id(), actor.user);
    if (!role.ok()) {
      role_status = role.status();
      return false;
    }
    return role->has_value();
  };
  ICR_ASSIGN_OR_RETURN(
      std::string next,
      ListPage<v1::Project>(store_, Family::kMetadata, "project/", request.page_size(),
                            request.page_token(), visible, response.mutable_projects()));
  ICR_RETURN_IF_ERROR(role_status);
  response.set_next_page_token(next);
  return response;
}

absl::StatusOr<std::optional<v1::MemberRole>> Catalog::RoleOf(std::string_view project,
                                                              std::string_view user) const {
  ICR_ASSIGN_OR_RETURN(
      std::optional<v1::Member> member,
      Read<v1::Member>(store_, Family::kMetadata, storage::MemberKey(project, user)));
  if (!member) return std::nullopt;
  return member->role();
}

absl::StatusOr<v1::AddMemberResponse> Catalog::AddMember(const common::Caller& actor,
                                                         const v1::AddMemberRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("user", request.user()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!v1::MemberRole_IsValid(request.role()) || request.role() == v1::MEMBER_ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError("role: one of OWNER, LEAD, CODER, REVIEWER is required");
  }
  // A server admin acts with an owner's powers in every project.
  const bool acts_as_lead = !actor.server_admin && actor.role == v1::LEAD;
  if (acts_as_lead && (request.role() == v1::OWNER || request.role() == v1::LEAD)) {
    return absl::PermissionDeniedError("role: a lead may add only coders and reviewers");
  }
  v1::Member member;
  member.set_project(request.project());
  member.set_user(request.user());
  member.set_role(request.role());
  storage::Mutation mutation = NewMutation(request.project(), actor, rpc::project::kAddMember,
                                           request, request.request_id());
  mutation.apply = [member, acts_as_lead, actor_user = actor.user](
                       MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> user,
                         context.Get(Family::kMetadata, storage::UserKey(member.user())));
    if (!user) {
      return absl::InvalidArgumentError(absl::StrCat("user: unknown user \"", member.user(), "\""));
    }
    // The rules that depend on the member's current role are read inside
    // the mutation, so two concurrent changes cannot both pass them.
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Member> existing,
                         Read<v1::Member>(context, Family::kMetadata,
                                          storage::MemberKey(member.project(), member.user())));
    if (existing && acts_as_lead && member.user() != actor_user &&
        (existing->role() == v1::OWNER || existing->role() == v1::LEAD)) {
      return absl::PermissionDeniedError(
          absl::StrCat("user: ", member.user(), " is a ", v1::MemberRole_Name(existing->role()),
                       "; a lead may change only coders, reviewers and itself"));
    }
    if (existing && existing->role() == v1::OWNER && member.role() != v1::OWNER) {
      ICR_ASSIGN_OR_RETURN(int owners, CountOwners(context, member.project()));
      if (owners <= 1) {
        return absl::FailedPreconditionError(
            absl::StrCat("user: ", member.user(),
                         " is the project's last owner; make another member OWNER first"));
      }
    }
    context.Put(Family::kMetadata, storage::MemberKey(member.project(), member.user()),
                member.SerializeAsString());
    v1::AddMemberResponse response;
    *response.mutable_member() = member;
    return MutationResult{
        response.SerializeAsString(),
        absl::StrCat("member ", member.user(), " is ", v1::MemberRole_Name(member.role())),
        std::nullopt};
  };
  return CommitAndParse<v1::AddMemberResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::ListMembersResponse> Catalog::ListMembers(
    const v1::ListMembersRequest& request) const {
  v1::ListMembersResponse response;
  // Members are keyed by user; ListPage's token is the message id, which a
  // Member does not have, so page by hand on the user.
  google::protobuf::RepeatedPtrField<v1::Member>* out = response.mutable_members();
  int32_t page_size =
      request.page_size() <= 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  if (!request.page_token().empty())
    ICR_RETURN_IF_ERROR(ValidateId("page_token", request.page_token()));
  const std::string prefix = storage::ProjectScopedPrefix("member", request.project());
  const std::string start_after =
      request.page_token().empty() ? "" : absl::StrCat(prefix, request.page_token());
  std::string next;
  ICR_RETURN_IF_ERROR(store_.Scan(
      Family::kMetadata, prefix, start_after, [&](std::string_view, std::string_view value) {
        if (out->size() == page_size) {
          next = out->rbegin()->user();
          return false;
        }
        out->Add()->ParseFromArray(value.data(), static_cast<int>(value.size()));
        return true;
      }));
  response.set_next_page_token(next);
  return response;
}

}  // namespace icr::catalog
