#include "server/live/query.h"

#include <charconv>
#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "server/catalog/validation.h"
#include "server/common/status_macros.h"
#include "server/live/coefficient_proto.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"

namespace icr::live {

using storage::Family;
using storage::ReadProto;

// The blind rules of DESIGN §2 for derived views of the codings.
absl::Status CheckVisible(const common::Caller& caller, const v1::Round& round,
                          bool shows_codings) {
  if (!round.blind() || round.state() != v1::OPEN || caller.is_lead()) return absl::OkStatus();
  if (caller.role == v1::CODER) {
    return absl::PermissionDeniedError(
        absl::StrCat("round ", round.id(),
                     " is blind and OPEN; coders see agreement and disagreements once it has "
                     "left OPEN"));
  }
  if (caller.role == v1::REVIEWER && shows_codings) {
    return absl::PermissionDeniedError(
        absl::StrCat("round ", round.id(),
                     " is blind and OPEN; reviewers see disagreements once it has left OPEN"));
  }
  return absl::OkStatus();
}

v1::AgreementWarning Warning(std::string kind, std::string subject, std::string message) {
  v1::AgreementWarning w;
  w.set_kind(std::move(kind));
  w.set_subject(std::move(subject));
  w.set_message(std::move(message));
  return w;
}

std::string Fixed(double x, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, x);
  return buffer;
}

std::optional<double> FindValue(const agreement::Analysis& a, std::string_view name) {
  for (const auto& c : a.coefficients) {
    if (c.name == name) return c.value;
  }
  return std::nullopt;
}

void FillRow(const agreement::Analysis& a, v1::AgreementRow* row) {
  row->set_units(a.units);
  row->set_pairable_values(a.pairable_values);
  for (const auto& c : a.coefficients) *row->add_coefficients() = CoefficientToProto(c);
}

void FillPairwise(const agreement::Analysis& a, const std::vector<std::string>& coders,
                  v1::ComputeAgreementResponse* response) {
  for (const auto& p : a.pairwise) {
    v1::PairwiseRow* row = response->add_pairwise();
    row->set_coder_a(coders[p.coder_a]);
    row->set_coder_b(coders[p.coder_b]);
    row->set_units(p.units);
    if (p.percent_agreement) row->set_percent_agreement(*p.percent_agreement);
    *row->mutable_cohen_kappa() = CoefficientToProto(p.cohen_kappa);
  }
}

absl::StatusOr<Query> MakeQuery(const v1::ComputeAgreementRequest& request, const v1::Round& round,
                                const Codebook& book, const LiveOptions& options) {
  Query q;
  q.analysis = request.analysis().empty() ? "code" : request.analysis();
  if (q.analysis != "code" && q.analysis != "domain" && q.analysis != "set" &&
      q.analysis != "span") {
    return absl::InvalidArgumentError(absl::StrCat("analysis: unknown analysis \"",
                                                   request.analysis(),
                                                   "\" (known: code, domain, set, span)"));
  }
  q.coefficients.assign(request.coefficients().begin(), request.coefficients().end());
  for (const std::string& name : q.coefficients) {
    if (agreement::IsIccName(name) && q.first_icc_name.empty()) q.first_icc_name = name;
  }
  if (!q.first_icc_name.empty()) {
    if (q.analysis != "domain") {
      return absl::InvalidArgumentError(absl::StrCat(
          "coefficients: ", q.first_icc_name,
          " is an intraclass correlation of interval or ratio ratings: ask for it with the "
          "domain analysis on domains at interval or ratio level (the ",
          q.analysis, " analysis has no numeric ratings)"));
    }
    q.icc = agreement::RequestedIccForms(q.coefficients);
    q.coefficients = agreement::WithoutIccNames(q.coefficients);
    q.icc_only = q.coefficients.empty();
  }
  if (q.analysis != "span") {
    ICR_ASSIGN_OR_RETURN(q.names, RequestedCoefficients(q.coefficients));
  } else if (!q.coefficients.empty()) {
    return absl::InvalidArgumentError(
        "coefficients: the span analysis reports its own coefficients (unitizing_alpha, "
        "cu_alpha, Cu_alpha, overlap and character agreement); leave coefficients empty");
  }
  if (request.bootstrap() < 0 || request.bootstrap() > options.max_bootstrap) {
    return absl::InvalidArgumentError(
        absl::StrCat("bootstrap: must be between 0 and ", options.max_bootstrap));
  }
  q.bootstrap.samples = request.bootstrap();
  q.bootstrap.seed = request.seed();
  q.bootstrap.confidence = request.confidence() == 0 ? 0.95 : request.confidence();
  q.bootstrap.alpha_min = request.alpha_min() == 0 ? 0.667 : request.alpha_min();
  if (!(q.bootstrap.confidence > 0 && q.bootstrap.confidence < 1)) {
    return absl::InvalidArgumentError("confidence: must be between 0 and 1");
  }
  if (request.population() < 0) {
    return absl::InvalidArgumentError("population: must be 0 (infinite) or more");
  }
  q.analytic.confidence = q.bootstrap.confidence;
  q.analytic.population = request.population();
  if (request.rollup_depth() < 0) {
    return absl::InvalidArgumentError("rollup_depth: must be 0 (no roll-up) or more");
  }
  q.rollup = request.rollup_depth();
  q.include_unfinished = request.include_unfinished();
  ICR_ASSIGN_OR_RETURN(
      q.speakers, catalog::NarrowSpeakers(round, request.speakers(), request.exclude_speakers()));

  std::map<std::string, int> document_index;
  for (int d = 0; d < round.documents_size(); ++d) document_index[round.documents(d)] = d;
  if (request.documents().empty()) {
    for (int d = 0; d < round.documents_size(); ++d) q.documents.push_back(d);
  } else {
    std::set<int> chosen;
    for (const std::string& id : request.documents()) {
      auto it = document_index.find(id);
      if (it == document_index.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("documents: \"", id, "\" is not a document of round ", round.id()));
      }
      chosen.insert(it->second);
    }
    q.documents.assign(chosen.begin(), chosen.end());
    q.all_documents = static_cast<int>(q.documents.size()) == round.documents_size();
  }
  std::map<std::string, int> coder_index;
  for (int c = 0; c < round.coders_size(); ++c) coder_index[round.coders(c)] = c;
  if (request.coders().empty()) {
    for (int c = 0; c < round.coders_size(); ++c) q.coders.push_back(c);
  } else {
    std::set<int> chosen;
    for (const std::string& id : request.coders()) {
      auto it = coder_index.find(id);
      if (it == coder_index.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("coders: \"", id, "\" is not a coder of round ", round.id()));
      }
      chosen.insert(it->second);
    }
    q.coders.assign(chosen.begin(), chosen.end());
    q.all_coders = static_cast<int>(q.coders.size()) == round.coders_size();
  }
  for (int c : q.coders) q.coder_names.push_back(round.coders(c));

  for (const std::string& code : request.codes()) {
    if (q.analysis == "domain") {
      if (book.FindDomain(code) == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("codes: \"", code,
                         "\" is not a domain of the project (--by domain "
                         "filters by domain)"));
      }
    } else if (!book.HasCode(code)) {
      return absl::InvalidArgumentError(
          absl::StrCat("codes: \"", code, "\" is not in the codebook"));
    }
    q.codes.insert(q.analysis == "domain" ? code : book.Rollup(code, q.rollup));
  }
  if (!request.set_metric().empty()) {
    std::optional<agreement::Metric> metric = agreement::ParseMetric(request.set_metric());
    if (metric != agreement::Metric::kJaccard && metric != agreement::Metric::kMasi) {
      return absl::InvalidArgumentError(absl::StrCat(
          "set_metric: unknown metric \"", request.set_metric(), "\" (known: masi, jaccard)"));
    }
    q.set_metric = *metric;
  }
  if (!request.weights().empty()) {
    std::optional<agreement::Weights> weights = agreement::ParseWeights(request.weights());
    if (!weights) {
      return absl::InvalidArgumentError(
          absl::StrCat("weights: unknown weights \"", request.weights(),
                       "\" (known: ", agreement::KnownWeights(), ")"));
    }
    if (*weights != agreement::Weights::kNone && q.analysis != "domain") {
      return absl::InvalidArgumentError("weights: only the domain analysis has ordered values");
    }
    q.weights = *weights;
  }
  if (request.overlap() != 0) {
    if (!(request.overlap() > 0 && request.overlap() <= 1)) {
      return absl::InvalidArgumentError("overlap: must be in (0, 1]");
    }
    q.overlap = request.overlap();
  }
  return q;
}

void InfluenceOf(const std::vector<std::optional<double>>& without, std::optional<double> alpha,
                 const std::vector<std::string>& coders, v1::AgreementRow* row) {
  for (size_t j = 0; j < without.size(); ++j) {
    v1::CoderInfluence* influence = row->add_influence();
    influence->set_coder(coders[j]);
    if (without[j]) influence->set_alpha_without(*without[j]);
    if (without[j] && alpha) influence->set_change(*without[j] - *alpha);
  }
}

Presence MakePresence(const RoundData& data, const UnitSelection& units,
                      const std::vector<int>& documents, const std::vector<int>& coders,
                      bool include_unfinished) {
  Presence p;
  p.keep = coders;
  p.all_coders = static_cast<int>(coders.size()) == data.num_coders();
  p.counted.assign(data.num_documents(), 0);
  p.units.assign(data.num_documents(), 0);
  for (int d = 0; d < data.num_documents(); ++d) {
    p.units[d] = units.count(d);
  }
  for (int d : documents) {
    const CoderMask counted = data.Counted(d, include_unfinished);
    p.counted[d] = p.all_coders ? counted : ProjectMask(counted, coders);
    p.total_units += p.units[d];
  }
  return p;
}

v1::WorkCounted CountWork(const RoundData& data, const std::vector<int>& documents,
                          const std::vector<int>& coders, bool include_unfinished) {
  v1::WorkCounted work;
  work.set_include_unfinished(include_unfinished);
  for (int d : documents) {
    for (int c : coders) {
      switch (data.Progress(d, c)) {
        case v1::DONE:
          work.set_pairs_counted(work.pairs_counted() + 1);
          break;
        case v1::IN_PROGRESS:
          if (include_unfinished) {
            work.set_pairs_counted(work.pairs_counted() + 1);
          } else {
            work.set_pairs_in_progress(work.pairs_in_progress() + 1);
          }
          break;
        default:
          work.set_pairs_not_started(work.pairs_not_started() + 1);
      }
    }
  }
  return work;
}

absl::Status CheckBootstrapBudget(int replicates, int64_t rows, const LiveOptions& options) {
  if (replicates <= 0) return absl::OkStatus();
  const double work = static_cast<double>(replicates) * static_cast<double>(rows);
  if (work <= static_cast<double>(options.max_bootstrap_work)) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("bootstrap: ", replicates, " replicates x ", rows,
                   " rows exceeds this server's bootstrap "
                   "budget of ",
                   options.max_bootstrap_work, " (replicates x rows); ask for at most ",
                   std::max<int64_t>(1, options.max_bootstrap_work / std::max<int64_t>(rows, 1)),
                   " replicates, or select fewer documents, codes or coders"));
}

std::string NumberLabel(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

}  // namespace icr::live
