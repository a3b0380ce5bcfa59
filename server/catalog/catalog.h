#ifndef ICR_SERVER_CATALOG_CATALOG_H_
#define ICR_SERVER_CATALOG_CATALOG_H_

// The project catalog: users, projects, members, the codebook (codes and
// domains), documents and rounds (DESIGN §2). Each mutation validates its
// input (naming the field), then commits through the Writer, so the change,
// its audit event and its idempotency record are one atomic write. Callers
// are authorized by the service layer before they get here; the catalog
// enforces only rules that depend on the data (a lead may not make owners nor
// change an owner's or another lead's role; a project keeps an owner).

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "icr/v1/admin.pb.h"
#include "icr/v1/audit.pb.h"
#include "icr/v1/project.pb.h"
#include "server/common/caller.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"
#include "server/text/sandbox.h"

namespace icr::catalog {

// Who holds a bearer token, and what kind of token it is.
struct TokenHolder {
  v1::User user;
  v1::TokenKind kind = v1::TOKEN_KIND_API;  // API, SESSION or SIGNIN
};

struct CatalogOptions {
  // Largest document text accepted, in bytes of UTF-8.
  size_t max_document_bytes = 16 << 20;
  // Limits of the tool that extracts a document's text from a file.
  text::SandboxLimits extraction;
};

class Catalog {
 public:
  Catalog(storage::Store& store, storage::Writer& writer, const CatalogOptions& options);
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // --- Users and tokens -------------------------------------------------
  // The token is in the first answer only; a retry with the same request_id
  // answers the user without it (the server keeps only the token's hash).
  absl::StatusOr<v1::CreateUserResponse> CreateUser(const common::Caller& actor,
                                                    const v1::CreateUserRequest& request);
  absl::StatusOr<v1::CreateTokenResponse> CreateToken(const common::Caller& actor,
                                                      const v1::CreateTokenRequest& request);
  absl::StatusOr<v1::ListUsersResponse> ListUsers(const v1::ListUsersRequest& request) const;
  absl::StatusOr<std::optional<v1::User>> GetUser(std::string_view user) const;
  // Who holds a bearer token, or nullopt for an unknown, revoked, spent or
  // expired token (or one of a user that does not exist). A SIGNIN code is
  // returned as such: the caller refuses it as a bearer token.
  absl::StatusOr<std::optional<TokenHolder>> UserForToken(std::string_view token) const;
  // A user's tokens of every kind (ADMIN, or the user itself), never their
  // secrets.
  absl::StatusOr<v1::ListTokensResponse> ListTokens(const common::Caller& actor,
                                                    const v1::ListTokensRequest& request) const;
  // Revokes a token of any kind (API, session, sign-in link); a user may
  // revoke their own, an admin anyone's.
  absl::StatusOr<v1::RevokeTokenResponse> RevokeToken(const common::Caller& actor,
                                                      const v1::RevokeTokenRequest& request);
  // A single-use sign-in code for `request.user` (default TTL 7 days, at most
  // 30). Made by an admin, by the user itself, or by someone who is OWNER or
  // LEAD of every project the user belongs to and above the user's role in
  // each (so no one gains, by signing in as the user, a right they lack); not
  // for a server admin unless by an admin. Else PERMISSION_DENIED. Like a
  // token, the code is in the first answer only.
  absl::StatusOr<v1::CreateSigninLinkResponse> CreateSigninLink(
      const common::Caller& actor, const v1::CreateSigninLinkRequest& request);
  // A browser session (default 12 hours, at most 7 days) for the holder of
  // an API token or of a sign-in code, carried in the request: the request
  // is its own credential. A sign-in code is spent by the exchange, in the
  // same write as the session; a second use is UNAUTHENTICATED. A session
  // made from an API token ends no later than that token. The audit event
  // records the request without its secrets.
  absl::StatusOr<v1::CreateSessionResponse> CreateSession(const v1::CreateSessionRequest& request);
  // Appends a server-level audit event for an action done outside a
  // mutation of state (a backup).
  absl::Status RecordServerEvent(const common::Caller& actor, std::string method,
                                 const google::protobuf::Message& request, std::string summary);
  // On a database without users: creates the ADMIN user `admin` and returns
  // its token. Otherwise nullopt.
  absl::StatusOr<std::optional<std::string>> BootstrapAdmin();

  // --- Projects and members -----------------------------------------------
  // The creator becomes the project's OWNER.
  absl::StatusOr<v1::CreateProjectResponse> CreateProject(const common::Caller& actor,
                                                          const v1::CreateProjectRequest& request);
  absl::StatusOr<std::optional<v1::Project>> GetProject(std::string_view project) const;
  // The projects `actor` is a member of (all of them for a server admin).
  absl::StatusOr<v1::ListProjectsResponse> ListProjects(
      const common::Caller& actor, const v1::ListProjectsRequest& request) const;
  // The member's role, or nullopt for a non-member.
  absl::StatusOr<std::optional<v1::MemberRole>> RoleOf(std::string_view project,
                                                       std::string_view user) const;
  // Adds a member or changes a member's role, by `actor` in the role it has
  // in the project (a server admin acts as an OWNER). A LEAD may grant only CODER
  // and REVIEWER and may not change an OWNER's or another LEAD's membership
  // (PERMISSION_DENIED); the last OWNER is never demoted
  // (FAILED_PRECONDITION). There is no removal: demotion is the only way a
  // membership loses rights.
  absl::StatusOr<v1::AddMemberResponse> AddMember(const common::Caller& actor,
                                                  const v1::AddMemberRequest& request);
  absl::StatusOr<v1::ListMembersResponse> ListMembers(const v1::ListMembersRequest& request) const;

  // --- Codebook ------------------------------------------------------------
  absl::StatusOr<v1::CreateCodeResponse> CreateCode(const common::Caller& actor,
                                                    const v1::CreateCodeRequest& request);
  absl::StatusOr<v1::UpdateCodeResponse> UpdateCode(const common::Caller& actor,
                                                    const v1::UpdateCodeRequest& request);
  // FROM becomes MERGED into INTO; FROM's children move under INTO.
  absl::StatusOr<v1::MergeCodeResponse> MergeCode(const common::Caller& actor,
                                                  const v1::MergeCodeRequest& request);
  absl::StatusOr<v1::ListCodesResponse> ListCodes(const v1::ListCodesRequest& request) const;
  absl::StatusOr<v1::CreateDomainResponse> CreateDomain(const common::Caller& actor,
                                                        const v1::CreateDomainRequest& request);
  absl::StatusOr<v1::ListDomainsResponse> ListDomains(const v1::ListDomainsRequest& request) const;

  // --- Documents -----------------------------------------------------------
  absl::StatusOr<v1::CreateDocumentResponse> CreateDocument(
      const common::Caller& actor, const v1::CreateDocumentRequest& request);
  absl::StatusOr<v1::GetDocumentResponse> GetDocument(const v1::GetDocumentRequest& request) const;
  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(
      const v1::ListDocumentsRequest& request) const;

  // --- Rounds --------------------------------------------------------------
  absl::StatusOr<v1::CreateRoundResponse> CreateRound(const common::Caller& actor,
                                                      const v1::CreateRoundRequest& request);
  absl::StatusOr<v1::GetRoundResponse> GetRound(const v1::GetRoundRequest& request) const;
  absl::StatusOr<v1::ListRoundsResponse> ListRounds(const v1::ListRoundsRequest& request) const;
  absl::StatusOr<v1::AdvanceRoundResponse> AdvanceRound(const common::Caller& actor,
                                                        const v1::AdvanceRoundRequest& request);

  // --- Audit ---------------------------------------------------------------
  // `chain` is a project id, or storage::kServerChain.
  absl::StatusOr<v1::ListEventsResponse> ListEvents(std::string_view chain, int32_t page_size,
                                                    std::string_view page_token) const;

 private:
  storage::Store& store_;
  storage::Writer& writer_;
  const CatalogOptions options_;
};

// A new token, session or sign-in code: 256 random bits, printed as "icr_"
// and 64 hex digits.
std::string NewToken();
// What the server keeps of a token: hex SHA-256.
std::string TokenHash(std::string_view token);

}  // namespace icr::catalog

#endif  // ICR_SERVER_CATALOG_CATALOG_H_
