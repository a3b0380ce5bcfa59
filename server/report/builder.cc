#include "server/report/builder.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "icr/v1/agreement.pb.h"
#include "icr/v1/coding.pb.h"
#include "icr/v1/project.pb.h"
#include "server/audit/hash.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"

namespace icr::report {
namespace {

std::string Rfc3339(const google::protobuf::Timestamp& time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

// "CreateCode" from "/icr.v1.ProjectService/CreateCode".
std::string MethodName(const std::string& method) {
  const size_t slash = method.rfind('/');
  return slash == std::string::npos ? method : method.substr(slash + 1);
}

bool IsCodebookChange(const std::string& method) {
  for (const char* name : {rpc::project::kCreateCode, rpc::project::kUpdateCode,
                           rpc::project::kMergeCode, rpc::project::kCreateDomain}) {
    if (method == name) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<ReportData> BuildReport(const catalog::Catalog& catalog, audit::AuditLog& log,
                                       const BuildOptions& options) {
  ReportData data;
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Project> project, catalog.GetProject(options.project));
  if (!project) return absl::NotFoundError(absl::StrCat("project ", options.project));
  data.project = project->id();
  data.title = project->title();
  data.description = project->description();
  data.codebook_revision = project->codebook_revision();
  data.generated_time = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());

  // The head first: the events read below are exactly those it covers.
  ICR_ASSIGN_OR_RETURN(v1::SignedTreeHead head, log.SignedHead(options.project));
  data.head.project = head.project();
  data.head.tree_size = head.tree_size();
  data.head.root_hash_hex = audit::HexEncode(head.root_hash());
  data.head.timestamp_ms = head.timestamp_ms();
  data.head.signature_hex = audit::HexEncode(head.signature());
  data.head.key_id = head.key_id();
  data.head.public_key_pem = log.key().public_key().Pem();

  std::vector<v1::Member> members;
  for (std::string token;;) {
    v1::ListMembersRequest request;
    request.set_project(options.project);
    request.set_page_size(1000);
    request.set_page_token(token);
    ICR_ASSIGN_OR_RETURN(v1::ListMembersResponse page, catalog.ListMembers(request));
    members.insert(members.end(), page.members().begin(), page.members().end());
    token = page.next_page_token();
    if (token.empty()) break;
  }
  for (std::string token;;) {
    v1::ListCodesRequest request;
    request.set_project(options.project);
    request.set_page_size(1000);
    request.set_page_token(token);
    request.set_include_merged(true);
    ICR_ASSIGN_OR_RETURN(v1::ListCodesResponse page, catalog.ListCodes(request));
    for (const v1::Code& c : page.codes()) {
      std::string state = v1::CodeState_Name(c.state());
      if (state.rfind("CODE_", 0) == 0) state = state.substr(5);
      data.codes.push_back(
          {c.id(), c.name(), c.definition(), c.parent(), state, c.merged_into(), c.revision()});
    }
    token = page.next_page_token();
    if (token.empty()) break;
  }
  std::vector<v1::Round> rounds;
  for (std::string token;;) {
    v1::ListRoundsRequest request;
    request.set_project(options.project);
    request.set_page_size(1000);
    request.set_page_token(token);
    ICR_ASSIGN_OR_RETURN(v1::ListRoundsResponse page, catalog.ListRounds(request));
    for (const v1::Round& r : page.rounds()) {
      if (options.round.empty() || r.id() == options.round) rounds.push_back(r);
    }
    token = page.next_page_token();
    if (token.empty()) break;
  }
  if (!options.round.empty() && rounds.empty()) {
    return absl::NotFoundError(absl::StrCat("round ", options.round));
  }

  // What the trail says: codebook changes, round history, who coded what.
  std::map<std::string, std::vector<RoundEvent>> history;
  std::map<std::string, int64_t> codings;  // coder -> codings submitted
  struct Span {
    int64_t first = 0, last = 0;
    void Add(int64_t seq) {
      if (first == 0) first = seq;
      last = seq;
    }
  };
  std::map<std::string, Span> coding_events, resolution_events;  // by round
  std::map<std::string, std::set<std::string>> resolvers;        // by round
  int64_t revision = 0;
  ICR_RETURN_IF_ERROR(
      log.ReadEvents(options.project, head.tree_size(), [&](v1::EventRecord& record) {
        const v1::AuditEvent& event = record.event();
        const std::string time = Rfc3339(event.time());
        if (IsCodebookChange(event.method())) {
          data.codebook_changes.push_back({event.seq(), ++revision, time, event.actor(),
                                           MethodName(event.method()), event.result_summary()});
        } else if (event.method() == rpc::project::kCreateRound) {
          v1::CreateRoundRequest request;
          if (request.ParseFromString(event.request())) {
            history[request.id()].push_back(
                {time, "created: " + event.result_summary(), event.actor(), event.seq()});
          }
        } else if (event.method() == rpc::project::kAdvanceRound) {
          v1::AdvanceRoundRequest request;
          if (request.ParseFromString(event.request())) {
            history[request.round()].push_back(
                {time, event.result_summary(), event.actor(), event.seq()});
          }
        } else if (event.method() == rpc::coding::kSubmitCodings ||
                   event.method() == rpc::coding::kImportCodings) {
          // An import chunk (bulk and REFI imports) is stored as the
          // SubmitCodingsRequest it was committed as.
          v1::SubmitCodingsRequest request;
          if (request.ParseFromString(event.request())) {
            const std::string coder =
                !event.on_behalf_of().empty() ? event.on_behalf_of() : event.actor();
            codings[coder] += request.codings_size();
            coding_events[request.round()].Add(event.seq());
          }
        } else if (event.method() == rpc::coding::kSetDocumentProgress) {
          v1::SetDocumentProgressRequest request;
          if (request.ParseFromString(event.request()))
            coding_events[request.round()].Add(event.seq());
        } else if (event.method() == rpc::coding::kRetractCoding) {
          v1::RetractCodingRequest request;
          if (request.ParseFromString(event.request()))
            coding_events[request.round()].Add(event.seq());
        } else if (event.method() == rpc::agreement::kResolveDisagreement) {
          v1::ResolveDisagreementRequest request;
          if (request.ParseFromString(event.request())) {
            resolution_events[request.round()].Add(event.seq());
            resolvers[request.round()].insert(event.actor());
          }
        }
        return true;
      }));

  std::map<std::string, std::vector<std::string>> rounds_of;
  for (const v1::Round& r : rounds) {
    Round out;
    out.id = r.id();
    out.title = r.title();
    out.state = v1::RoundState_Name(r.state());
    out.blind = r.blind();
    out.codebook_revision = r.codebook_revision();
    out.documents.assign(r.documents().begin(), r.documents().end());
    out.coders.assign(r.coders().begin(), r.coders().end());
    out.speakers.assign(r.speakers().begin(), r.speakers().end());
    out.exclude_speakers.assign(r.exclude_speakers().begin(), r.exclude_speakers().end());
    out.history = history[r.id()];
    out.first_coding_seq = coding_events[r.id()].first;
    out.last_coding_seq = coding_events[r.id()].last;
    out.first_resolution_seq = resolution_events[r.id()].first;
    out.last_resolution_seq = resolution_events[r.id()].last;
    out.resolvers.assign(resolvers[r.id()].begin(), resolvers[r.id()].end());
    for (const std::string& coder : out.coders) rounds_of[coder].push_back(r.id());
    data.rounds.push_back(std::move(out));
  }
  for (const v1::Member& m : members) {
    data.team.push_back(
        {m.user(), v1::MemberRole_Name(m.role()), rounds_of[m.user()], codings[m.user()]});
  }
  return data;
}

}  // namespace icr::report
