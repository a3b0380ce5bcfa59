#include "server/live/live_agreement.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/catalog/validation.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/common/timestamp.h"
#include "server/live/code_analysis.h"
#include "server/live/codebook.h"
#include "server/live/coefficient_proto.h"
#include "server/live/query.h"
#include "server/live/value_analysis.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"

namespace icr::live {

using storage::Family;
using storage::ReadProto;

namespace {

constexpr const char* kResolveMethod = rpc::agreement::kResolveDisagreement;
constexpr int32_t kDefaultPageSize = 100;
constexpr int32_t kMaxPageSize = 1000;

}  // namespace

LiveAgreement::LiveAgreement(storage::Store& store, storage::Writer& writer,
                             coding::Codings& codings, const LiveOptions& options)
    : store_(store), writer_(writer), rounds_(store, codings, options), options_(options) {}

int64_t LiveAgreement::ChangeCount(const std::string& project, const std::string& round) {
  return rounds_.ChangeCount(project, round);
}

void LiveAgreement::WaitForChange(const std::string& project, const std::string& round,
                                  int64_t seen, absl::Time deadline) {
  rounds_.WaitForChange(project, round, seen, deadline);
}

size_t LiveAgreement::RoundsInMemory() { return rounds_.RoundsInMemory(); }

// --- Disagreements, resolutions, consensus ----------------------------------------

absl::StatusOr<v1::ListDisagreementsResponse> LiveAgreement::ListDisagreements(
    const common::Caller& caller, const v1::ListDisagreementsRequest& request,
    const Interrupt& interrupt) {
  const std::string& project = request.project();
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, project, request.round()));
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (!request.kind().empty() && request.kind() != "code" && request.kind() != "domain") {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: unknown kind \"", request.kind(), "\" (known: code, domain)"));
  }
  ICR_ASSIGN_OR_RETURN(Codebook book, Codebook::Load(store_, project));
  if (!request.code().empty() && !book.HasCode(request.code())) {
    return absl::InvalidArgumentError(
        absl::StrCat("code: \"", request.code(), "\" is not in the codebook"));
  }
  if (!request.document().empty() && std::find(round.documents().begin(), round.documents().end(),
                                               request.document()) == round.documents().end()) {
    return absl::InvalidArgumentError(absl::StrCat("document: \"", request.document(),
                                                   "\" is not a document of round ", round.id()));
  }
  ICR_RETURN_IF_ERROR(CheckVisible(caller, round, /*shows_codings=*/true));
  ICR_ASSIGN_OR_RETURN(const RoundSnapshot snapshot,
                       rounds_.Acquire(project, round, /*with_resolutions=*/true));
  const RoundData& data = *snapshot.data;
  const UnitSelection units(data.layout(), catalog::RoundSpeakers(round));

  // The token is the id of the page's last disagreement: the next page
  // starts after it in document order.
  std::optional<ParsedId> after;
  int after_document = -1;
  if (!request.page_token().empty()) {
    after = ParseItemId(request.page_token());
    if (after) after_document = data.DocumentIndex(after->document);
    if (!after || after_document < 0) {
      return absl::InvalidArgumentError("page_token: not a token this server issued");
    }
  }
  const int32_t page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  const std::string filter_code = request.code().empty() ? "" : book.Effective(request.code());

  const ItemBuilder items(data, book);
  const ResolutionIndex resolutions(*snapshot.resolutions, book);
  v1::ListDisagreementsResponse response;
  {
    std::vector<int> documents, coders;
    for (int d = 0; d < data.num_documents(); ++d) {
      if (request.document().empty() || data.layout().documents[d].id == request.document()) {
        documents.push_back(d);
      }
    }
    for (int c = 0; c < data.num_coders(); ++c) coders.push_back(c);
    *response.mutable_work() = CountWork(data, documents, coders, request.include_unfinished());
  }
  std::vector<Item> unit_items;
  std::string last_id;
  const int first_document = after ? after_document : 0;
  for (int d = first_document; d < data.num_documents(); ++d) {
    const RoundLayout::Document& doc = data.layout().documents[d];
    if (!request.document().empty() && doc.id != request.document()) continue;
    const CoderMask counted = data.Counted(d, request.include_unfinished());
    const int64_t first_segment = after && d == after_document ? after->segment : 0;
    for (int64_t s = first_segment; s < static_cast<int64_t>(doc.segments.size()); ++s) {
      ICR_RETURN_IF_ERROR(interrupt.Poll());
      if (!units.Selects(d, s)) continue;
      items.Items(d, s, counted, &unit_items);
      for (const Item& item : unit_items) {
        if (item.agreed) continue;
        if (after && d == after_document && s == after->segment) {
          // Skip up to and including the token's item.
          const auto key = std::make_pair(item.is_domain, items.key(item));
          if (key <= std::make_pair(after->is_domain, after->key)) continue;
        }
        if (request.kind() == "code" && item.is_domain) continue;
        if (request.kind() == "domain" && !item.is_domain) continue;
        if (!filter_code.empty()) {
          if (!item.is_domain && items.code(item.key) != filter_code) continue;
          if (item.is_domain) {
            const int c = items.FindCode(filter_code);
            const auto& members = items.domain_codes(item.key);
            if (c < 0 || std::find(members.begin(), members.end(), c) == members.end()) continue;
          }
        }
        const std::string id = ItemId(doc.id, s, item.is_domain, items.key(item));
        if (request.unresolved_only() && resolutions.Find(id) != nullptr) continue;
        if (response.disagreements_size() == page_size) {
          response.set_next_page_token(last_id);
          return response;
        }
        FillDisagreement(items, data, d, s, item, resolutions, response.add_disagreements());
        last_id = id;
      }
    }
  }
  return response;
}

absl::StatusOr<v1::ResolveDisagreementResponse> LiveAgreement::Resolve(
    const common::Caller& caller, const v1::ResolveDisagreementRequest& request) {
  const std::string& project = request.project();
  ICR_RETURN_IF_ERROR(catalog::ValidateId("round", request.round()));
  ICR_RETURN_IF_ERROR(catalog::ValidateRequestId(request.request_id()));
  const std::optional<ParsedId> id = ParseItemId(request.disagreement());
  if (!id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "disagreement: \"", request.disagreement(),
        "\" is not a disagreement id (DOCUMENT:SEGMENT:CODE or DOCUMENT:SEGMENT:domain:DOMAIN)"));
  }
  if (request.value().empty()) {
    return absl::InvalidArgumentError("value: required: a code, or none");
  }
  if (request.rationale().find_first_not_of(" \t\r\n") == std::string::npos) {
    return absl::InvalidArgumentError("rationale: required: say why this value is the consensus");
  }
  ICR_RETURN_IF_ERROR(catalog::ValidateText("rationale", request.rationale(), 10000));
  if (!caller.is_lead()) {
    return absl::PermissionDeniedError("only a lead or owner resolves disagreements");
  }
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, project, request.round()));
  if (round.state() != v1::RECONCILING) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", round.id(), " is ", v1::RoundState_Name(round.state()),
                     "; disagreements are resolved while it is RECONCILING"));
  }
  ICR_ASSIGN_OR_RETURN(Codebook book, Codebook::Load(store_, project));

  v1::Resolution resolution;
  {
    ICR_ASSIGN_OR_RETURN(const RoundSnapshot snapshot,
                         rounds_.Acquire(project, round, /*with_resolutions=*/false));
    const RoundData& data = *snapshot.data;
    const int document = data.DocumentIndex(id->document);
    const absl::Status not_found = absl::NotFoundError(
        absl::StrCat("disagreement ", request.disagreement(), " in round ", round.id()));
    if (document < 0 ||
        id->segment >= static_cast<int64_t>(data.layout().documents[document].segments.size())) {
      return not_found;
    }
    const UnitSelection units(data.layout(), catalog::RoundSpeakers(round));
    if (!units.Selects(document, id->segment)) {
      const std::string& speaker =
          data.layout().documents[document].segments[id->segment].speaker();
      return absl::NotFoundError(absl::StrCat(
          "disagreement ", request.disagreement(), " in round ", round.id(), ": segment ",
          id->segment, " (speaker \"", speaker, "\") is not a unit of the round: its units are ",
          catalog::UnitsText(units.filter())));
    }
    // Any disagreement a lead can list (unfinished work included) can be
    // resolved: among more coders, a disagreement of fewer stays one.
    const ItemBuilder items(data, book);
    std::vector<Item> unit_items;
    items.Items(document, id->segment, data.Counted(document, /*include_unfinished=*/true),
                &unit_items);
    const std::string key = id->is_domain ? id->key : book.Effective(id->key);
    const Item* found = nullptr;
    for (const Item& item : unit_items) {
      if (!item.agreed && item.is_domain == id->is_domain && items.key(item) == key) {
        found = &item;
      }
    }
    if (found == nullptr) return not_found;
    std::string value = request.value() == kNone ? kNone : book.Effective(request.value());
    if (value != kNone) {
      bool allowed = false;
      if (found->is_domain) {
        const int c = items.FindCode(value);
        const auto& members = items.domain_codes(found->key);
        allowed = c >= 0 && std::find(members.begin(), members.end(), c) != members.end();
      } else {
        allowed = value == items.code(found->key);
      }
      if (!allowed) {
        return absl::InvalidArgumentError(absl::StrCat(
            "value: \"", request.value(), "\" does not settle ", request.disagreement(),
            found->is_domain ? "; give one of the domain's codes, or none"
                             : absl::StrCat("; give ", items.code(found->key), " or none")));
      }
    }
    resolution.set_id(ItemId(id->document, id->segment, id->is_domain, key));
    resolution.set_document(id->document);
    resolution.set_segment(id->segment);
    (id->is_domain ? *resolution.mutable_domain() : *resolution.mutable_code()) = key;
    resolution.set_value(value);
    resolution.set_rationale(request.rationale());
    resolution.set_resolved_by(caller.user);
    for (int j = 0; j < data.num_coders(); ++j) {
      if (found->values[j] == kAbsent) continue;
      (*resolution.mutable_values())[data.layout().coders[j]] = items.value(found->values[j]);
    }
  }

  storage::Mutation mutation;
  mutation.chain = project;
  mutation.event.set_project(project);
  mutation.event.set_actor(caller.user);
  mutation.event.set_method(kResolveMethod);
  mutation.event.set_request_id(request.request_id());
  mutation.event.set_request(request.SerializeAsString());
  mutation.apply =
      [this, project, round_id = round.id(), resolution](
          storage::MutationContext& context) mutable -> absl::StatusOr<storage::MutationResult> {
    ICR_ASSIGN_OR_RETURN(
        std::optional<v1::Round> current,
        ReadProto<v1::Round>(context, Family::kMetadata, storage::RoundKey(project, round_id)));
    if (!current) return absl::NotFoundError(absl::StrCat("round ", round_id));
    if (current->state() != v1::RECONCILING) {
      return absl::FailedPreconditionError(
          absl::StrCat("round ", round_id, " is ", v1::RoundState_Name(current->state()),
                       "; disagreements are resolved while it is RECONCILING"));
    }
    const std::string key = storage::ResolutionKey(project, round_id, resolution.id());
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Resolution> previous,
                         ReadProto<v1::Resolution>(context, Family::kCodings, key));
    if (previous) resolution.set_replaces(previous->replaces() + 1);
    *resolution.mutable_resolve_time() = ToTimestamp();
    context.Put(Family::kCodings, key, resolution.SerializeAsString());
    v1::ResolveDisagreementResponse response;
    *response.mutable_resolution() = resolution;
    storage::MutationResult result;
    result.response = response.SerializeAsString();
    result.summary = absl::StrCat("resolved disagreement ", resolution.id(), " in round ", round_id,
                                  " as ", resolution.value(),
                                  previous ? absl::StrCat(" (replacing ", previous->value(), " by ",
                                                          previous->resolved_by(), ")")
                                           : "");
    // Runs on the writer thread: only queues (never waits for a reader).
    result.on_committed = [this, project, round_id, resolution] {
      rounds_.OnResolution(project, round_id, resolution);
    };
    return result;
  };
  ICR_ASSIGN_OR_RETURN(std::string bytes, writer_.Commit(std::move(mutation)));
  v1::ResolveDisagreementResponse response;
  if (!response.ParseFromString(bytes)) return absl::InternalError("unreadable response");
  return response;
}

absl::StatusOr<v1::GetConsensusResponse> LiveAgreement::Consensus(
    const common::Caller& caller, const v1::GetConsensusRequest& request,
    const Interrupt& interrupt) {
  const std::string& project = request.project();
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, project, request.round()));
  ICR_RETURN_IF_ERROR(CheckVisible(caller, round, /*shows_codings=*/true));
  ICR_ASSIGN_OR_RETURN(Codebook book, Codebook::Load(store_, project));
  ICR_ASSIGN_OR_RETURN(const RoundSnapshot snapshot,
                       rounds_.Acquire(project, round, /*with_resolutions=*/true));
  const RoundData& data = *snapshot.data;
  const UnitSelection units(data.layout(), catalog::RoundSpeakers(round));
  const ItemBuilder items(data, book);
  const ResolutionIndex resolutions(*snapshot.resolutions, book);
  ICR_ASSIGN_OR_RETURN(
      ConsensusPass pass,
      WalkConsensus(data, units, items, book, resolutions, request.include_unfinished(),
                    /*keep_codings=*/true, /*compare=*/false, interrupt));
  v1::GetConsensusResponse response;
  response.set_round(round.id());
  for (auto& c : pass.codings) *response.add_codings() = std::move(c);
  for (auto& id : pass.unresolved) response.add_unresolved(std::move(id));
  response.set_resolved(pass.resolved);
  std::vector<int> documents, coders;
  for (int d = 0; d < data.num_documents(); ++d) documents.push_back(d);
  for (int c = 0; c < data.num_coders(); ++c) coders.push_back(c);
  *response.mutable_work() = CountWork(data, documents, coders, request.include_unfinished());
  return response;
}

absl::StatusOr<v1::ComputeAgreementResponse> LiveAgreement::Compute(
    const common::Caller& caller, const v1::ComputeAgreementRequest& request,
    const Interrupt& interrupt) {
  const absl::Time start = absl::Now();
  const std::string& project = request.project();
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, project, request.round()));
  ICR_ASSIGN_OR_RETURN(Codebook book, Codebook::Load(store_, project));
  ICR_ASSIGN_OR_RETURN(Query q, MakeQuery(request, round, book, options_));
  ICR_RETURN_IF_ERROR(CheckVisible(caller, round, /*shows_codings=*/false));
  const bool after_open = round.state() != v1::OPEN;
  ICR_ASSIGN_OR_RETURN(const RoundSnapshot snapshot, rounds_.Acquire(project, round, after_open));
  const RoundData& data = *snapshot.data;
  if (request.speakers_size() > 0 || request.exclude_speakers_size() > 0) {
    ICR_RETURN_IF_ERROR(catalog::CheckSpeakersPresent(
        request.speakers(), request.exclude_speakers(), LayoutSpeakers(data.layout())));
  }
  const UnitSelection units(data.layout(), q.speakers);
  const AnalysisInput in{
      data,     book,      q,
      options_, interrupt, MakePresence(data, units, q.documents, q.coders, q.include_unfinished),
      units};

  v1::ComputeAgreementResponse response;
  response.set_round(round.id());
  response.set_analysis(q.analysis);
  response.set_round_state(v1::RoundState_Name(round.state()));
  response.set_level(q.analysis == "set" ? agreement::MetricName(q.set_metric) : "nominal");
  if (q.analysis == "domain" || q.analysis == "span") response.set_level("");
  for (const std::string& c : q.coder_names) response.add_coders(c);
  for (const std::string& s : q.speakers.speakers) response.add_speakers(s);
  for (const std::string& s : q.speakers.exclude) response.add_exclude_speakers(s);
  *response.mutable_work() = CountWork(data, q.documents, q.coders, q.include_unfinished);
  if (q.analysis == "code") {
    ICR_RETURN_IF_ERROR(CodeAnalysis(in, &response));
  } else if (q.analysis == "domain") {
    ICR_RETURN_IF_ERROR(DomainAnalysis(in, &response));
  } else if (q.analysis == "set") {
    ICR_RETURN_IF_ERROR(SetAnalysis(in, &response));
  } else {
    ICR_RETURN_IF_ERROR(SpanAnalysis(in, &response));
  }

  // After the round has left OPEN: how many disagreements, how many are
  // resolved, and ("negotiated") each coder against the consensus, over the
  // round's units (its own speakers, as the disagreements list them).
  if (after_open) {
    const UnitSelection round_units(data.layout(), catalog::RoundSpeakers(round));
    const ItemBuilder items(data, book);
    const ResolutionIndex resolutions(*snapshot.resolutions, book);
    const bool compare = !snapshot.resolutions->empty();
    ICR_ASSIGN_OR_RETURN(
        const ConsensusPass pass,
        WalkConsensus(data, round_units, items, book, resolutions, q.include_unfinished,
                      /*keep_codings=*/false, compare, interrupt));
    response.set_disagreements(pass.disagreements);
    response.set_resolved(pass.resolved);
    if (compare) {
      for (int j = 0; j < data.num_coders(); ++j) {
        const auto& t = pass.tables[j];
        v1::ConsensusAgreement* row = response.add_negotiated();
        row->set_coder(data.layout().coders[j]);
        const int64_t n = t[0] + t[1] + t[2] + t[3];
        row->set_units(n);
        if (n > 0) row->set_percent_agreement(static_cast<double>(t[0] + t[3]) / n);
        *row->mutable_cohen_kappa() = CoefficientToProto(agreement::CohenKappaFromTable(t, 2));
      }
    }
  }
  response.set_version(snapshot.version);
  const absl::Time now = absl::Now();
  response.mutable_compute_time()->set_seconds(absl::ToUnixSeconds(now));
  response.set_compute_micros(absl::ToInt64Microseconds(now - start));
  return response;
}

}  // namespace icr::live
