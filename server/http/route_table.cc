#include "server/http/route_table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "server/common/string_view.h"

namespace icr::http {

const std::vector<Route>& RouteTable() {
  static const std::vector<Route>* const kRoutes = new std::vector<Route>{
      {"POST", "/v1/sessions", "icr.v1.AdminService.CreateSession", RouteKind::kCreateSession},
      {"DELETE", "/v1/sessions/current", "icr.v1.AdminService.RevokeToken", RouteKind::kEndSession},
      {"GET", "/v1/users/me", "icr.v1.AdminService.GetCurrentUser"},
      {"GET", "/v1/users", "icr.v1.AdminService.ListUsers"},
      {"POST", "/v1/users", "icr.v1.AdminService.CreateUser"},
      {"GET", "/v1/users/{user}/tokens", "icr.v1.AdminService.ListTokens"},
      {"POST", "/v1/users/{user}/tokens", "icr.v1.AdminService.CreateToken"},
      {"POST", "/v1/tokens/{token_id}:revoke", "icr.v1.AdminService.RevokeToken"},
      {"POST", "/v1/users/{user}/signin-links", "icr.v1.AdminService.CreateSigninLink"},
      {"POST", "/v1/backups", "icr.v1.AdminService.Backup"},
      {"GET", "/v1/public-key", "icr.v1.AuditService.GetPublicKey"},

      {"GET", "/v1/projects", "icr.v1.ProjectService.ListProjects"},
      {"POST", "/v1/projects", "icr.v1.ProjectService.CreateProject"},
      {"GET", "/v1/projects/{project}", "icr.v1.ProjectService.GetProject"},
      {"GET", "/v1/projects/{project}/members", "icr.v1.ProjectService.ListMembers"},
      {"POST", "/v1/projects/{project}/members", "icr.v1.ProjectService.AddMember"},
      {"GET", "/v1/projects/{project}/codes", "icr.v1.ProjectService.ListCodes"},
      {"POST", "/v1/projects/{project}/codes", "icr.v1.ProjectService.CreateCode"},
      {"PATCH", "/v1/projects/{project}/codes/{code.id}", "icr.v1.ProjectService.UpdateCode"},
      {"POST", "/v1/projects/{project}/codes/{from_code}:merge", "icr.v1.ProjectService.MergeCode"},
      {"GET", "/v1/projects/{project}/domains", "icr.v1.ProjectService.ListDomains"},
      {"POST", "/v1/projects/{project}/domains", "icr.v1.ProjectService.CreateDomain"},
      {"GET", "/v1/projects/{project}/documents", "icr.v1.ProjectService.ListDocuments"},
      {"POST", "/v1/projects/{project}/documents", "icr.v1.ProjectService.CreateDocument"},
      {"GET", "/v1/projects/{project}/documents/{document}", "icr.v1.ProjectService.GetDocument"},
      {"GET", "/v1/projects/{project}/rounds", "icr.v1.ProjectService.ListRounds"},
      {"POST", "/v1/projects/{project}/rounds", "icr.v1.ProjectService.CreateRound"},
      {"GET", "/v1/projects/{project}/rounds/{round}", "icr.v1.ProjectService.GetRound"},
      {"POST", "/v1/projects/{project}/rounds/{round}:advance",
       "icr.v1.ProjectService.AdvanceRound"},

      {"GET", "/v1/projects/{project}/rounds/{round}/codings", "icr.v1.CodingService.ListCodings"},
      {"POST", "/v1/projects/{project}/rounds/{round}/codings",
       "icr.v1.CodingService.SubmitCodings"},
      {"POST", "/v1/projects/{project}/rounds/{round}/codings/{coding}:retract",
       "icr.v1.CodingService.RetractCoding"},
      {"GET", "/v1/projects/{project}/rounds/{round}/progress",
       "icr.v1.CodingService.ListProgress"},
      {"POST", "/v1/projects/{project}/rounds/{round}/documents/{document}/progress",
       "icr.v1.CodingService.SetDocumentProgress"},

      {"GET", "/v1/projects/{project}/rounds/{round}/agreement",
       "icr.v1.AgreementService.ComputeAgreement"},
      {"GET", "/v1/projects/{project}/rounds/{round}/disagreements",
       "icr.v1.AgreementService.ListDisagreements"},
      {"POST", "/v1/projects/{project}/rounds/{round}/disagreements/{disagreement}:resolve",
       "icr.v1.AgreementService.ResolveDisagreement"},
      {"GET", "/v1/projects/{project}/rounds/{round}/consensus",
       "icr.v1.AgreementService.GetConsensus"},

      {"GET", "/v1/projects/{project}/report", "icr.v1.ReportService.GetReport"},

      {"GET", "/v1/projects/{project}/events", "icr.v1.AuditService.ListEvents"},
      {"GET", "/v1/projects/{project}/events:export", "icr.v1.AuditService.ExportAudit"},
      {"GET", "/v1/projects/{project}/head", "icr.v1.AuditService.GetSignedHead"},
      {"GET", "/v1/projects/{project}/events/{seq}/proof", "icr.v1.AuditService.GetInclusionProof"},
      {"GET", "/v1/projects/{project}/consistency", "icr.v1.AuditService.GetConsistencyProof"},
      {"GET", "/v1/projects/{project}/changes", "icr.v1.AuditService.ListChanges"},
      {"GET", "/v1/projects/{project}/stream", "icr.v1.AuditService.ListChanges",
       RouteKind::kEventStream},
  };
  return *kRoutes;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of one path segment ("+" stays "+": it is a query
// convention only). nullopt for a malformed escape.
std::optional<std::string> DecodeSegment(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out.push_back(segment[i]);
      continue;
    }
    if (i + 2 >= segment.size()) return std::nullopt;
    const int high = HexValue(segment[i + 1]);
    const int low = HexValue(segment[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// Matches one template segment; appends its binding, if any.
bool MatchSegment(std::string_view pattern, std::string_view segment,
                  std::vector<std::pair<std::string, std::string>>& bindings) {
  if (pattern.empty() || pattern.front() != '{') return pattern == segment;
  const size_t close = pattern.find('}');
  const std::string_view field = pattern.substr(1, close - 1);
  const std::string_view verb = pattern.substr(close + 1);  // ":merge" or empty
  if (segment.size() <= verb.size() || !absl::EndsWith(AbslView(segment), AbslView(verb)))
    return false;
  const std::string_view raw = segment.substr(0, segment.size() - verb.size());
  // A verb-less variable never swallows a verb: "r1:advance" is not a round.
  if (verb.empty() && raw.find(':') != std::string_view::npos) return false;
  std::optional<std::string> value = DecodeSegment(raw);
  if (!value || value->empty()) return false;
  bindings.emplace_back(std::string(field), *std::move(value));
  return true;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      segments.push_back(path.substr(start));
      return segments;
    }
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

}  // namespace

RouteLookup FindRoute(std::string_view http_method, std::string_view path) {
  RouteLookup lookup;
  const std::vector<std::string_view> segments = SplitPath(path);
  for (const Route& route : RouteTable()) {
    const std::vector<std::string_view> pattern = SplitPath(route.path);
    if (pattern.size() != segments.size()) continue;
    RouteMatch match{&route, {}};
    bool matched = true;
    for (size_t i = 0; i < pattern.size() && matched; ++i) {
      matched = MatchSegment(pattern[i], segments[i], match.bindings);
    }
    if (!matched) continue;
    if (route.http_method != http_method) {
      lookup.path_known = true;
      continue;
    }
    lookup.match = std::move(match);
    lookup.path_known = true;
    return lookup;
  }
  return lookup;
}

std::string GrpcMethodName(std::string_view rpc) {
  const size_t dot = rpc.rfind('.');
  return absl::StrCat("/", AbslView(rpc.substr(0, dot)), "/", AbslView(rpc.substr(dot + 1)));
}

}  // namespace icr::http
