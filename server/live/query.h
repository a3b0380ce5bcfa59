#ifndef ICR_SERVER_LIVE_QUERY_H_
#define ICR_SERVER_LIVE_QUERY_H_

// What an agreement request asks for, checked against the round and the
// codebook (each bad field named), and the helpers every analysis shares:
// the blind rules, warnings, rows, and which (coder, document) pairs count.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "icr/v1/agreement.pb.h"
#include "server/agreement/analysis.h"
#include "server/agreement/icc/icc_coefficient.h"
#include "server/agreement/variance.h"
#include "server/catalog/speakers.h"
#include "server/coding/codings.h"
#include "server/coding/round_access.h"
#include "server/common/caller.h"
#include "server/live/codebook.h"
#include "server/live/interrupt.h"
#include "server/live/live_options.h"
#include "server/live/pattern_analysis.h"
#include "server/live/round_data.h"
#include "server/live/units.h"
#include "server/storage/store.h"

namespace icr::live {

struct Query {
  std::string analysis;
  std::vector<std::string> coefficients;  // as asked (for Analyze), less the ICC names
  // The intraclass correlations asked for by name (icc_coefficient.h): the
  // domain analysis only, on domains at interval or ratio level.
  std::vector<agreement::IccForm> icc;
  std::string first_icc_name;  // as asked, for messages
  // Only ICC names were asked for: no chance-corrected coefficient is
  // reported (an empty `coefficients` would mean all of them).
  bool icc_only = false;
  std::vector<std::string> names;  // validated, report order
  agreement::BootstrapOptions bootstrap{.samples = 0};
  // Analytic standard errors: always computed (cheap), at the request's
  // confidence and population.
  agreement::VarianceOptions analytic;
  std::vector<int> documents;  // round document indices, round order
  bool all_documents = true;
  std::vector<int> coders;  // round coder indices, round order
  std::vector<std::string> coder_names;
  bool all_coders = true;
  std::set<std::string> codes;  // filter; for "domain": domain ids
  int rollup = 0;
  agreement::Metric set_metric = agreement::Metric::kMasi;
  agreement::Weights weights = agreement::Weights::kNone;
  double overlap = 0.9;
  // Count IN_PROGRESS documents as well as DONE ones.
  bool include_unfinished = false;
  // Units by speaker: the round's, narrowed by the request's.
  catalog::SpeakerFilter speakers;
};

absl::StatusOr<Query> MakeQuery(const v1::ComputeAgreementRequest& request, const v1::Round& round,
                                const Codebook& book, const LiveOptions& options);

// Everything an analysis reads, on an immutable snapshot of the round.
struct AnalysisInput {
  const RoundData& data;
  const Codebook& book;
  const Query& q;
  const LiveOptions& options;
  const Interrupt& interrupt;
  // Which selected coders count in each document (bit j: q.coders[j]).
  Presence presence;
  // Which segments are units (q.speakers).
  const UnitSelection& units;
};

// The presence of the selected coders in the selected documents, over
// their `units`.
Presence MakePresence(const RoundData& data, const UnitSelection& units,
                      const std::vector<int>& documents, const std::vector<int>& coders,
                      bool include_unfinished);

// The (coder, document) pairs of the selection: counted and left out.
v1::WorkCounted CountWork(const RoundData& data, const std::vector<int>& documents,
                          const std::vector<int>& coders, bool include_unfinished);

// RESOURCE_EXHAUSTED when `replicates` x `rows` exceeds the budget.
absl::Status CheckBootstrapBudget(int replicates, int64_t rows, const LiveOptions& options);

// What one unit of the domain and set analyses costs a bootstrap replicate,
// in pattern rows: agreement::Analyze redraws every unit for each
// coefficient (measured: about 4 times a pattern row of the code analysis).
inline constexpr int64_t kUnitRowCost = 4;

using coding::LoadRound;

// The blind rules of DESIGN §2 for derived views of the codings.
absl::Status CheckVisible(const common::Caller& caller, const v1::Round& round, bool shows_codings);

v1::AgreementWarning Warning(std::string kind, std::string subject, std::string message);
std::string Fixed(double x, int decimals = 3);
std::optional<double> FindValue(const agreement::Analysis& a, std::string_view name);
void FillRow(const agreement::Analysis& a, v1::AgreementRow* row);
void FillPairwise(const agreement::Analysis& a, const std::vector<std::string>& coders,
                  v1::ComputeAgreementResponse* response);
void InfluenceOf(const std::vector<std::optional<double>>& without, std::optional<double> alpha,
                 const std::vector<std::string>& coders, v1::AgreementRow* row);

// A number as a category label, exactly: the shortest text that reads back
// as the same double (0.1234567 and 0.1234568 stay apart; 1234567 is
// "1234567").
std::string NumberLabel(double value);

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_QUERY_H_
