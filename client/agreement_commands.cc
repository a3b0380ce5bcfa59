#include "client/agreement_commands.h"

#include <algorithm>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/agreement_output.h"
#include "client/command.h"
#include "client/output.h"
#include "server/agreement/analysis.h"
#include "server/agreement/icc/icc_coefficient.h"

namespace icr::client {
namespace {

struct AgreementFlags {
  std::string project, round;
  std::string by = "code";
  std::vector<std::string> coefficients, documents, codes, coders, speakers, exclude_speakers;
  int bootstrap = 0;
  uint64_t seed = 1;
  double confidence = 0.95;
  double alpha_min = 0.667;
  int rollup = 0;
  std::string metric, weights;
  double overlap = 0;
  bool watch = false;
  bool include_unfinished = false;
  int updates = 0;
  int interval_ms = 250;
};

absl::Status CheckCoefficients(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (name == "all" || name == "gwet_ac2" || agreement::IsIccName(name)) continue;
    if (std::find(std::begin(agreement::kCoefficientNames), std::end(agreement::kCoefficientNames),
                  name) == std::end(agreement::kCoefficientNames)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--coefficients: unknown coefficient '", name,
          "' (known: percent_agreement, cohen_kappa, scott_pi, fleiss_kappa, "
          "krippendorff_alpha, gwet_ac1, gwet_ac2, brennan_prediger, conger_kappa, light_kappa, "
          "all; with --by domain on interval or ratio domains also icc_1, icc_k, icc_c1, icc_ck, "
          "icc_a1, icc_ak or icc)"));
    }
  }
  return absl::OkStatus();
}

v1::ComputeAgreementRequest ToRequest(const AgreementFlags& f) {
  v1::ComputeAgreementRequest request;
  request.set_project(f.project);
  request.set_round(f.round);
  request.set_analysis(f.by);
  for (const auto& c : f.coefficients) request.add_coefficients(c);
  request.set_bootstrap(f.bootstrap);
  request.set_seed(f.seed);
  request.set_confidence(f.confidence);
  request.set_alpha_min(f.alpha_min);
  for (const auto& d : f.documents) request.add_documents(d);
  for (const auto& c : f.codes) request.add_codes(c);
  for (const auto& c : f.coders) request.add_coders(c);
  for (const auto& s : f.speakers) request.add_speakers(s);
  for (const auto& s : f.exclude_speakers) request.add_exclude_speakers(s);
  request.set_rollup_depth(f.rollup);
  request.set_set_metric(f.metric);
  request.set_weights(f.weights);
  request.set_overlap(f.overlap);
  request.set_include_unfinished(f.include_unfinished);
  return request;
}

void AddAgreement(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  auto f = std::make_shared<AgreementFlags>();
  CLI::App* c = app.add_subcommand(
      "agreement", "agreement of a round's coders: by code, domain, set of codes or free spans");
  c->add_option("PROJECT", f->project, "project id")->required();
  c->add_option("ROUND", f->round, "round id")->required();
  c->add_option("--by", f->by,
                "code (binary presence per segment, a row per code), domain (a row per "
                "domain at its level), set (the set of codes per segment), span (free spans)")
      ->check(CLI::IsMember({"code", "domain", "set", "span"}))
      ->capture_default_str();
  c->add_option("--coefficients", f->coefficients,
                "comma-separated, as icr stats: percent_agreement,cohen_kappa,scott_pi,"
                "fleiss_kappa,krippendorff_alpha,gwet_ac1,brennan_prediger or all (default); "
                "with --by domain on interval or ratio domains also the intraclass correlations "
                "icc_1,icc_k,icc_c1,icc_ck,icc_a1,icc_ak (McGraw & Wong's ICC(1) ... ICC(A,k)) "
                "or icc (all six)")
      ->delimiter(',');
  c->add_option("--bootstrap", f->bootstrap, "bootstrap replicates for intervals (0: none)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--seed", f->seed, "bootstrap seed")->capture_default_str();
  c->add_option("--confidence", f->confidence, "bootstrap interval confidence")
      ->capture_default_str();
  c->add_option("--alpha_min", f->alpha_min, "report P(alpha < alpha_min)")->capture_default_str();
  c->add_option("--rollup", f->rollup,
                "count codes as their ancestor at this depth (1: themes, 2: categories)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--documents", f->documents, "only these documents: D1,D2")->delimiter(',');
  c->add_option("--codes", f->codes, "only these codes (domains with --by domain): C1,C2")
      ->delimiter(',');
  c->add_option("--coders", f->coders, "only these coders: U1,U2")->delimiter(',');
  c->add_option("--speakers", f->speakers,
                "units by speaker: only these speakers' turns (within the round's own): S1,S2")
      ->delimiter(',');
  c->add_option("--exclude_speakers", f->exclude_speakers,
                "units by speaker: leave these speakers' turns out too: S1,S2")
      ->delimiter(',');
  c->add_option("--metric", f->metric, "--by set: masi (default) or jaccard")
      ->check(CLI::IsMember({"masi", "jaccard"}));
  c->add_option("--weights", f->weights,
                "--by domain, ordered levels: agreement weights of every coefficient, as irrCAC: "
                "unweighted|linear|quadratic|ordinal|radical|ratio|circular|bipolar")
      ->check(CLI::IsMember({"none", "unweighted", "identity", "linear", "quadratic", "ordinal",
                             "radical", "ratio", "circular", "bipolar"}));
  c->add_option("--overlap", f->overlap, "--by span: share of the longer span to match (0.9)");
  c->add_flag("--include_unfinished", f->include_unfinished,
              "count documents still in progress too (default: only those marked done)");
  c->add_flag("--watch", f->watch, "print the table again whenever codings change (Ctrl-C ends)");
  c->add_option("--updates", f->updates, "with --watch: stop after N tables (0: never)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--interval_ms", f->interval_ms, "with --watch: least time between two tables")
      ->capture_default_str();
  c->callback([f, &globals, exit_code] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      if (absl::Status s = CheckCoefficients(f->coefficients); !s.ok()) return s;
      const v1::ComputeAgreementRequest request = ToRequest(*f);
      if (!f->watch) {
        auto response = connection.Call(&v1::AgreementService::Stub::ComputeAgreement,
                                        connection.agreement(), request);
        if (!response.ok()) return response.status();
        PrintAgreement(globals, *response, false, std::cout);
        if (globals.output == OutputFormat::kTable) {
          std::cout << "\nnext: icr disagreements " << f->project << " " << f->round
                    << "   (each unit where the coders differ)\n";
        }
        return absl::OkStatus();
      }
      v1::WatchAgreementRequest watch;
      watch.set_project(f->project);
      watch.set_round(f->round);
      *watch.mutable_query() = request;
      watch.set_min_interval_ms(f->interval_ms);
      grpc::ClientContext context;
      connection.Prepare(context);
      context.set_deadline(std::chrono::system_clock::time_point::max());
      auto reader = connection.agreement().WatchAgreement(&context, watch);
      v1::ComputeAgreementResponse table;
      int seen = 0;
      while (reader->Read(&table)) {
        PrintAgreement(globals, table, true, std::cout);
        if (f->updates > 0 && ++seen >= f->updates) {
          context.TryCancel();
          break;
        }
      }
      grpc::Status status = reader->Finish();
      if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
        return ServerError(status);
      }
      return absl::OkStatus();
    });
  });
}

// With units by speaker, the round's units, for the disagreements and the
// consensus (whose answers do not carry the round's speakers).
void PrintRoundUnits(Connection& connection, const std::string& project, const std::string& round,
                     std::ostream& out) {
  v1::GetRoundRequest request;
  request.set_project(project);
  request.set_round(round);
  auto response =
      connection.Call(&v1::ProjectService::Stub::GetRound, connection.project(), request);
  if (!response.ok()) return;
  const v1::Round& r = response->round();
  if (r.speakers_size() + r.exclude_speakers_size() == 0) return;
  out << "units: " << UnitsText(r.speakers(), r.exclude_speakers()) << "\n";
}

void AddDisagreements(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  struct Flags {
    std::string project, round, code, document, kind;
    bool unresolved = false;
    bool include_unfinished = false;
    PageFlags pages;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand("disagreements",
                                   "every unit and code (or domain) where a round's coders differ");
  c->add_option("PROJECT", f->project, "project id")->required();
  c->add_option("ROUND", f->round, "round id")->required();
  c->add_option("--code", f->code, "only this code (and domains holding it)");
  c->add_option("--document", f->document, "only this document");
  c->add_option("--kind", f->kind, "only code or only domain disagreements")
      ->check(CLI::IsMember({"code", "domain"}));
  c->add_flag("--unresolved", f->unresolved, "only those without a resolution");
  c->add_flag("--include_unfinished", f->include_unfinished,
              "count documents still in progress too (default: only those marked done)");
  f->pages.AddTo(c);
  c->callback([f, &globals, exit_code] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::ListDisagreementsRequest request;
      request.set_project(f->project);
      request.set_round(f->round);
      request.set_code(f->code);
      request.set_document(f->document);
      request.set_kind(f->kind);
      request.set_unresolved_only(f->unresolved);
      request.set_include_unfinished(f->include_unfinished);
      auto response = ListPages<v1::ListDisagreementsRequest, v1::ListDisagreementsResponse>(
          f->pages, request, [&](const v1::ListDisagreementsRequest& r) {
            return connection.Call(&v1::AgreementService::Stub::ListDisagreements,
                                   connection.agreement(), r);
          });
      if (!response.ok()) return response.status();
      if (globals.output == OutputFormat::kJson) {
        std::cout << DisagreementsToJson(*response).dump(2) << "\n";
        return absl::OkStatus();
      }
      Rows rows = {{"id", "document", "segment", "code", "values", "suggestion", "resolution"}};
      for (const auto& d : response->disagreements()) {
        std::vector<std::pair<std::string, std::string>> values(d.values().begin(),
                                                                d.values().end());
        std::sort(values.begin(), values.end());
        std::vector<std::string> shown;
        for (const auto& [coder, value] : values) shown.push_back(coder + "=" + value);
        rows.push_back({d.id(), d.document(), std::to_string(d.segment()),
                        d.code().empty() ? "domain " + d.domain() : d.code(),
                        absl::StrJoin(shown, " "), d.suggestion(),
                        d.has_resolution() ? d.resolution().value() : ""});
      }
      if (globals.output == OutputFormat::kTable) {
        PrintRoundUnits(connection, f->project, f->round, std::cout);
        std::cout << WorkLine(response->work()) << "\n";
      }
      PrintRows(globals.output, std::cout, rows);
      if (globals.output == OutputFormat::kTable && !response->next_page_token().empty()) {
        std::cout << "next page: --page_token " << response->next_page_token() << "\n";
      }
      return absl::OkStatus();
    });
  });
}

void AddResolve(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  struct Flags {
    std::string project, round, id, value, rationale;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand(
      "resolve", "settle a disagreement (lead or owner, round RECONCILING); again replaces it");
  c->add_option("PROJECT", f->project, "project id")->required();
  c->add_option("ROUND", f->round, "round id")->required();
  c->add_option("DISAGREEMENT_ID", f->id, "from icr disagreements")->required();
  c->add_option("--value", f->value, "the consensus: a code, or none")->required();
  c->add_option("--rationale", f->rationale, "why (required; kept in the audit trail)")->required();
  c->callback([f, &globals, exit_code] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::ResolveDisagreementRequest request;
      request.set_project(f->project);
      request.set_round(f->round);
      request.set_disagreement(f->id);
      request.set_value(f->value);
      request.set_rationale(f->rationale);
      request.set_request_id(NewRequestId());
      auto response = connection.Call(&v1::AgreementService::Stub::ResolveDisagreement,
                                      connection.agreement(), request);
      if (!response.ok()) return response.status();
      const v1::Resolution& r = response->resolution();
      Print(globals, std::cout, r,
            {{"disagreement", "value", "resolved_by", "replaces", "rationale"},
             {r.id(), r.value(), r.resolved_by(), std::to_string(r.replaces()), r.rationale()}});
      return absl::OkStatus();
    });
  });
}

void AddConsensus(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  struct Flags {
    std::string project, round;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand(
      "consensus", "the consensus coding of a round: agreed values plus resolutions");
  c->add_option("PROJECT", f->project, "project id")->required();
  c->add_option("ROUND", f->round, "round id")->required();
  c->callback([f, &globals, exit_code] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::GetConsensusRequest request;
      request.set_project(f->project);
      request.set_round(f->round);
      auto response = connection.Call(&v1::AgreementService::Stub::GetConsensus,
                                      connection.agreement(), request);
      if (!response.ok()) return response.status();
      if (globals.output == OutputFormat::kJson) {
        std::cout << ConsensusToJson(*response).dump(2) << "\n";
        return absl::OkStatus();
      }
      // The CSV has the columns `icr coding submit` reads first.
      Rows rows = {{"document", "code", "segment", "source", "rationale", "resolved_by"}};
      for (const auto& coding : response->codings()) {
        rows.push_back({coding.document(), coding.code(), std::to_string(coding.segment()),
                        coding.source(), coding.rationale(), coding.resolved_by()});
      }
      PrintRows(globals.output, std::cout, rows);
      if (globals.output == OutputFormat::kTable) {
        PrintRoundUnits(connection, f->project, f->round, std::cout);
        std::cout << response->codings_size() << " consensus codings; " << response->resolved()
                  << " resolved, " << response->unresolved_size() << " unresolved\n";
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace

void AddAgreementCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  AddAgreement(app, globals, exit_code);
  AddDisagreements(app, globals, exit_code);
  AddResolve(app, globals, exit_code);
  AddConsensus(app, globals, exit_code);
}

}  // namespace icr::client
