// The codebook: codes, their hierarchy and merges, domains; each change bumps the revision.
#include "server/catalog/catalog.h"
#include "server/catalog/catalog_internal.h"
#include "server/common/methods.h"

namespace icr::catalog {

// --- Codebook ---------------------------------------------------------------

absl::StatusOr<v1::CreateCodeResponse> Catalog::CreateCode(const common::Caller& actor,
                                                           const v1::CreateCodeRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("code.id", request.code().id()));
  ICR_RETURN_IF_ERROR(ValidateCodeFields(request.code(), /*check_name=*/true));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string project = request.project();
  v1::Code code = request.code();
  code.set_state(v1::CODE_ACTIVE);
  code.clear_merged_into();
  code.set_etag("1");
  storage::Mutation mutation =
      NewMutation(project, actor, rpc::project::kCreateCode, request, request.request_id());
  mutation.apply = [project,
                    code](MutationContext& context) mutable -> absl::StatusOr<MutationResult> {
    const std::string key = storage::CodeKey(project, code.id());
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing, context.Get(Family::kMetadata, key));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("code ", code.id()));
    if (!code.parent().empty()) {
      ICR_RETURN_IF_ERROR(ActiveCode(context, project, "code.parent", code.parent()).status());
    }
    ICR_ASSIGN_OR_RETURN(int64_t revision, BumpCodebookRevision(context, project));
    code.set_revision(revision);
    context.Put(Family::kMetadata, key, code.SerializeAsString());
    v1::CreateCodeResponse response;
    *response.mutable_code() = code;
    response.set_codebook_revision(revision);
    return MutationResult{
        response.SerializeAsString(),
        absl::StrCat("created ", code.grouping_only() ? "grouping code " : "code ", code.id(),
                     code.parent().empty() ? "" : " under ", code.parent(), "; codebook revision ",
                     revision),
        std::nullopt};
  };
  return CommitAndParse<v1::CreateCodeResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::UpdateCodeResponse> Catalog::UpdateCode(const common::Caller& actor,
                                                           const v1::UpdateCodeRequest& request) {
  static const std::set<std::string> kEditable = {"name",
                                                  "definition",
                                                  "inclusion_criteria",
                                                  "exclusion_criteria",
                                                  "example",
                                                  "parent",
                                                  "value",
                                                  "guid",
                                                  "color",
                                                  "grouping_only"};
  ICR_RETURN_IF_ERROR(ValidateId("code.id", request.code().id()));
  std::set<std::string> mask(request.update_mask().begin(), request.update_mask().end());
  for (const std::string& field : mask) {
    if (!kEditable.count(field)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", field, "\" is not an editable field of a code"));
    }
  }
  if (mask.empty()) mask = kEditable;
  ICR_RETURN_IF_ERROR(ValidateCodeFields(request.code(), /*check_name=*/mask.count("name") > 0));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string project = request.project();
  const v1::Code edit = request.code();
  const std::string etag = request.etag();
  storage::Mutation mutation =
      NewMutation(project, actor, rpc::project::kUpdateCode, request, request.request_id());
  mutation.apply = [project, edit, etag,
                    mask](MutationContext& context) -> absl::StatusOr<MutationResult> {
    const std::string key = storage::CodeKey(project, edit.id());
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Code> stored,
                         Read<v1::Code>(context, Family::kMetadata, key));
    if (!stored) return absl::NotFoundError(absl::StrCat("code ", edit.id()));
    if (stored->state() == v1::CODE_MERGED) {
      return absl::FailedPreconditionError(
          absl::StrCat("code ", edit.id(), " was merged into ", stored->merged_into()));
    }
    if (!etag.empty() && etag != stored->etag()) {
      return absl::AbortedError(absl::StrCat("etag: code ", edit.id(), " changed since etag ", etag,
                                             " (now ", stored->etag(), ")"));
    }
    v1::Code code = *stored;
    if (mask.count("name")) code.set_name(edit.name());
    if (mask.count("definition")) code.set_definition(edit.definition());
    if (mask.count("inclusion_criteria")) code.set_inclusion_criteria(edit.inclusion_criteria());
    if (mask.count("exclusion_criteria")) code.set_exclusion_criteria(edit.exclusion_criteria());
    if (mask.count("example")) code.set_example(edit.example());
    if (mask.count("guid")) code.set_guid(edit.guid());
    if (mask.count("color")) code.set_color(edit.color());
    if (mask.count("grouping_only")) code.set_grouping_only(edit.grouping_only());
    if (mask.count("value")) {
      code.set_has_value(edit.has_value());
      code.set_value(edit.value());
    }
    if (mask.count("parent") && edit.parent() != stored->parent()) {
      if (!edit.parent().empty()) {
        ICR_RETURN_IF_ERROR(ActiveCode(context, project, "code.parent", edit.parent()).status());
        ICR_ASSIGN_OR_RETURN(bool cycle,
                             IsAncestorOrSelf(context, project, edit.id(), edit.parent()));
        if (cycle) {
          return absl::InvalidArgumentError(absl::StrCat("code.parent: \"", edit.parent(), "\" is ",
                                                         edit.id(),
                                                         " or under it; that would make a cycle"));
        }
      }
      code.set_parent(edit.parent());
    }
    ICR_ASSIGN_OR_RETURN(int64_t revision, BumpCodebookRevision(context, project));
    code.set_revision(revision);
    code.set_etag(NextEtag(stored->etag()));
    context.Put(Family::kMetadata, key, code.SerializeAsString());
    v1::UpdateCodeResponse response;
    *response.mutable_code() = code;
    response.set_codebook_revision(revision);
    std::vector<std::string> fields(mask.begin(), mask.end());
    // Whether the code may be applied is said in words: the trail's reader
    // should not have to decode the request to see it.
    const std::string grouping =
        mask.count("grouping_only") && code.grouping_only() != stored->grouping_only()
            ? (code.grouping_only() ? "; now only groups other codes (not applicable)"
                                    : "; now applicable")
            : "";
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("edited code ", code.id(), " (", absl::StrJoin(fields, ", "),
                                       ")", grouping, "; codebook revision ", revision),
                          std::nullopt};
  };
  return CommitAndParse<v1::UpdateCodeResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::MergeCodeResponse> Catalog::MergeCode(const common::Caller& actor,
                                                         const v1::MergeCodeRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("from_code", request.from_code()));
  ICR_RETURN_IF_ERROR(ValidateId("into_code", request.into_code()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (request.from_code() == request.into_code()) {
    return absl::InvalidArgumentError("into_code: a code cannot be merged into itself");
  }
  const std::string project = request.project();
  const std::string from_id = request.from_code();
  const std::string into_id = request.into_code();
  storage::Mutation mutation =
      NewMutation(project, actor, rpc::project::kMergeCode, request, request.request_id());
  mutation.apply = [this, project, from_id,
                    into_id](MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(v1::Code from, ActiveCode(context, project, "from_code", from_id));
    ICR_ASSIGN_OR_RETURN(v1::Code into, ActiveCode(context, project, "into_code", into_id));
    ICR_ASSIGN_OR_RETURN(bool under, IsAncestorOrSelf(context, project, from_id, into_id));
    if (under) {
      return absl::InvalidArgumentError(absl::StrCat("into_code: \"", into_id, "\" is under \"",
                                                     from_id, "\"; merge it upwards instead"));
    }
    ICR_ASSIGN_OR_RETURN(int64_t revision, BumpCodebookRevision(context, project));
    // FROM's children move under INTO. Children are found in the database;
    // no other mutation of this group can have created one under FROM since
    // FROM is checked active above and merges are serialized here.
    std::vector<v1::Code> children;
    ICR_RETURN_IF_ERROR(
        store_.Scan(Family::kMetadata, storage::ProjectScopedPrefix("code", project), "",
                    [&](std::string_view, std::string_view value) {
                      v1::Code code;
                      if (code.ParseFromArray(value.data(), static_cast<int>(value.size())) &&
                          code.parent() == from_id) {
                        children.push_back(std::move(code));
                      }
                      return true;
                    }));
    for (v1::Code& child : children) {
      ICR_ASSIGN_OR_RETURN(
          std::optional<v1::Code> current,
          Read<v1::Code>(context, Family::kMetadata, storage::CodeKey(project, child.id())));
      if (!current || current->parent() != from_id) continue;
      current->set_parent(into_id);
      current->set_revision(revision);
      current->set_etag(NextEtag(current->etag()));
      context.Put(Family::kMetadata, storage::CodeKey(project, current->id()),
                  current->SerializeAsString());
    }
    from.set_state(v1::CODE_MERGED);
    from.set_merged_into(into_id);
    from.set_revision(revision);
    from.set_etag(NextEtag(from.etag()));
    context.Put(Family::kMetadata, storage::CodeKey(project, from_id), from.SerializeAsString());
    v1::MergeCodeResponse response;
    *response.mutable_from_code() = from;
    *response.mutable_into_code() = into;
    response.set_codebook_revision(revision);
    return MutationResult{
        response.SerializeAsString(),
        absl::StrCat("merged code ", from_id, " into ", into_id, " (", children.size(),
                     " child codes moved); codebook revision ", revision),
        std::nullopt};
  };
  return CommitAndParse<v1::MergeCodeResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::ListCodesResponse> Catalog::ListCodes(
    const v1::ListCodesRequest& request) const {
  v1::ListCodesResponse response;
  const bool include_merged = request.include_merged();
  ICR_ASSIGN_OR_RETURN(
      std::string next,
      ListPage<v1::Code>(
          store_, Family::kMetadata, storage::ProjectScopedPrefix("code", request.project()),
          request.page_size(), request.page_token(),
          [include_merged](const v1::Code& code) {
            return include_merged || code.state() != v1::CODE_MERGED;
          },
          response.mutable_codes()));
  response.set_next_page_token(next);
  return response;
}

absl::StatusOr<v1::CreateDomainResponse> Catalog::CreateDomain(
    const common::Caller& actor, const v1::CreateDomainRequest& request) {
  const v1::Domain& domain = request.domain();
  ICR_RETURN_IF_ERROR(ValidateId("domain.id", domain.id()));
  ICR_RETURN_IF_ERROR(ValidateText("domain.name", domain.name(), kMaxNameLength));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (domain.level() == v1::LEVEL_UNSPECIFIED || !v1::MeasurementLevel_IsValid(domain.level())) {
    return absl::InvalidArgumentError(
        "domain.level: one of NOMINAL, ORDINAL, INTERVAL, RATIO is required");
  }
  if (domain.codes_size() < 2) {
    return absl::InvalidArgumentError("domain.codes: a domain needs at least two codes");
  }
  std::set<std::string> seen;
  for (int i = 0; i < domain.codes_size(); ++i) {
    const std::string field = absl::StrCat("domain.codes[", i, "]");
    ICR_RETURN_IF_ERROR(ValidateId(field, domain.codes(i)));
    if (!seen.insert(domain.codes(i)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", domain.codes(i), "\" is listed twice"));
    }
  }
  const std::string project = request.project();
  v1::Domain stored_domain = domain;
  if (stored_domain.name().empty()) stored_domain.set_name(domain.id());
  storage::Mutation mutation =
      NewMutation(project, actor, rpc::project::kCreateDomain, request, request.request_id());
  mutation.apply =
      [project, stored_domain](MutationContext& context) mutable -> absl::StatusOr<MutationResult> {
    const std::string key = storage::DomainKey(project, stored_domain.id());
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing, context.Get(Family::kMetadata, key));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("domain ", stored_domain.id()));
    const bool numeric =
        stored_domain.level() == v1::INTERVAL || stored_domain.level() == v1::RATIO;
    for (int i = 0; i < stored_domain.codes_size(); ++i) {
      const std::string field = absl::StrCat("domain.codes[", i, "]");
      ICR_ASSIGN_OR_RETURN(v1::Code code,
                           ActiveCode(context, project, field, stored_domain.codes(i)));
      if (code.grouping_only()) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": code \"", code.id(),
                         "\" only groups other codes; a domain's codes are applied to units"));
      }
      if (numeric && !code.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": code \"", code.id(), "\" has no numeric value, which ",
                         v1::MeasurementLevel_Name(stored_domain.level()), " level needs"));
      }
    }
    ICR_ASSIGN_OR_RETURN(int64_t revision, BumpCodebookRevision(context, project));
    stored_domain.set_revision(revision);
    context.Put(Family::kMetadata, key, stored_domain.SerializeAsString());
    v1::CreateDomainResponse response;
    *response.mutable_domain() = stored_domain;
    response.set_codebook_revision(revision);
    return MutationResult{
        response.SerializeAsString(),
        absl::StrCat("created ", v1::MeasurementLevel_Name(stored_domain.level()), " domain ",
                     stored_domain.id(), " of ", stored_domain.codes_size(),
                     " codes; codebook revision ", revision),
        std::nullopt};
  };
  return CommitAndParse<v1::CreateDomainResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::ListDomainsResponse> Catalog::ListDomains(
    const v1::ListDomainsRequest& request) const {
  v1::ListDomainsResponse response;
  ICR_ASSIGN_OR_RETURN(
      std::string next,
      ListPage<v1::Domain>(store_, Family::kMetadata,
                           storage::ProjectScopedPrefix("domain", request.project()),
                           request.page_size(), request.page_token(), KeepAll<v1::Domain>,
                           response.mutable_domains()));
  response.set_next_page_token(next);
  return response;
}

}  // namespace icr::catalog
