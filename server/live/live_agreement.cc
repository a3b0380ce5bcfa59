#include "server/live/live_agreement.h"

#include <algorithm>
#include <array>
#include <bit>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/agreement/analysis.h"
#include "server/agreement/spans/span_agreement.h"
#include "server/catalog/validation.h"
#include "server/common/status_macros.h"
#include "server/live/codebook.h"
#include "server/live/coefficient_proto.h"
#include "server/live/pattern_analysis.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"

namespace icr::live {

using storage::Family;
using storage::ReadProto;

namespace {

constexpr char kResolveMethod[] = "/icr.v1.AgreementService/ResolveDisagreement";
constexpr int32_t kDefaultPageSize = 100;
constexpr int32_t kMaxPageSize = 1000;
constexpr char kNone[] = "none";

absl::string_view V(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::StatusOr<v1::Round> LoadRound(const storage::Store& store, const std::string& project,
                                    const std::string& round) {
  ICR_RETURN_IF_ERROR(catalog::ValidateId("round", round));
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Round> stored,
                       ReadProto<v1::Round>(store, Family::kMetadata,
                                            storage::RoundKey(project, round)));
  if (!stored) return absl::NotFoundError(absl::StrCat("round ", round));
  return *std::move(stored);
}

// The blind rules of DESIGN §2 for derived views of the codings.
absl::Status CheckVisible(const coding::Caller& caller, const v1::Round& round,
                          bool shows_codings) {
  if (!round.blind() || round.state() != v1::OPEN || caller.is_lead()) return absl::OkStatus();
  if (caller.role == v1::CODER) {
    return absl::PermissionDeniedError(
        absl::StrCat("round ", round.id(),
                     " is blind and OPEN; coders see agreement and disagreements once it has "
                     "left OPEN"));
  }
  if (caller.role == v1::REVIEWER && shows_codings) {
    return absl::PermissionDeniedError(absl::StrCat(
        "round ", round.id(), " is blind and OPEN; reviewers see disagreements once it has left OPEN"));
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

std::string Fixed(double x, int decimals = 3) {
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

// Disagreement ids: "{document}:{segment}:{code}" and
// "{document}:{segment}:domain:{domain}" (ids never hold ':').
std::string ItemId(const std::string& document, int64_t segment, bool is_domain,
                   const std::string& key) {
  return is_domain ? absl::StrCat(document, ":", segment, ":domain:", key)
                   : absl::StrCat(document, ":", segment, ":", key);
}

struct ParsedId {
  std::string document;
  int64_t segment = 0;
  bool is_domain = false;
  std::string key;
};

std::optional<ParsedId> ParseItemId(std::string_view id) {
  std::vector<std::string> parts = absl::StrSplit(V(id), ':');
  ParsedId out;
  if (parts.size() == 3) {
    out.key = parts[2];
  } else if (parts.size() == 4 && parts[2] == "domain") {
    out.is_domain = true;
    out.key = parts[3];
  } else {
    return std::nullopt;
  }
  out.document = parts[0];
  if (out.document.empty() || out.key.empty() || !absl::SimpleAtoi(parts[1], &out.segment) ||
      out.segment < 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

// --- Round state -------------------------------------------------------------

struct LiveAgreement::RoundEntry {
  // Guards data and applied; held while a request reads the state.
  std::mutex data_mutex;
  std::optional<RoundData> data;
  int64_t applied = 0;  // changes applied to data

  // Changes delivered by the listener, not yet applied. Short critical
  // sections only: the listener runs on the writer thread.
  std::mutex pending_mutex;
  std::vector<std::shared_ptr<const coding::CodingsChange>> pending;
  std::atomic<int64_t> received{0};

  std::mutex resolutions_mutex;
  bool resolutions_loaded = false;
  std::map<std::string, v1::Resolution> resolutions;
  std::atomic<int64_t> resolution_changes{0};

  // Applies queued changes; data_mutex must be held and data loaded.
  void Drain() {
    std::vector<std::shared_ptr<const coding::CodingsChange>> changes;
    {
      std::lock_guard<std::mutex> lock(pending_mutex);
      changes.swap(pending);
    }
    for (const auto& change : changes) {
      for (const v1::Coding& c : change->added) data->Add(c);
      for (const v1::Coding& c : change->retracted) data->Retract(c);
      ++applied;
    }
  }
};

// A round's state, loaded, current, and held for reading.
class LiveAgreement::Locked {
 public:
  Locked(std::shared_ptr<RoundEntry> entry, std::unique_lock<std::mutex> lock)
      : entry_(std::move(entry)), lock_(std::move(lock)) {}
  RoundEntry& entry() { return *entry_; }
  const RoundData& data() const { return *entry_->data; }

 private:
  std::shared_ptr<RoundEntry> entry_;
  std::unique_lock<std::mutex> lock_;
};

LiveAgreement::LiveAgreement(storage::Store& store, storage::Writer& writer,
                             coding::Codings& codings, const LiveOptions& options)
    : store_(store), writer_(writer), codings_(codings), options_(options) {
  codings_.AddListener([this](const coding::CodingsChange& change) { OnCodings(change); });
}

void LiveAgreement::OnCodings(const coding::CodingsChange& change) {
  std::shared_ptr<RoundEntry> entry;
  {
    std::lock_guard<std::mutex> lock(registry_mutex_);
    auto it = rounds_.find({change.project, change.round});
    // A round nobody asked about yet: its first reader scans the codings,
    // this change among them (it is durable before listeners run).
    if (it == rounds_.end()) return;
    entry = it->second;
  }
  {
    std::lock_guard<std::mutex> lock(entry->pending_mutex);
    entry->pending.push_back(std::make_shared<const coding::CodingsChange>(change));
  }
  ++entry->received;
  // Keep the queue short when nobody is reading; never wait for a reader.
  std::unique_lock<std::mutex> data_lock(entry->data_mutex, std::try_to_lock);
  if (data_lock.owns_lock() && entry->data) entry->Drain();
  data_lock.unlock();
  std::lock_guard<std::mutex> lock(changed_mutex_);
  changed_.notify_all();
}

absl::StatusOr<LiveAgreement::Locked> LiveAgreement::Acquire(const std::string& project,
                                                             const v1::Round& round) {
  std::shared_ptr<RoundEntry> entry;
  {
    std::lock_guard<std::mutex> lock(registry_mutex_);
    auto& slot = rounds_[{project, round.id()}];
    if (slot == nullptr) slot = std::make_shared<RoundEntry>();
    entry = slot;
  }
  std::unique_lock<std::mutex> lock(entry->data_mutex);
  if (!entry->data) {
    // Changes committed from now on are queued in `pending`; the scan below
    // sees everything committed before it starts. Add/Retract are
    // idempotent, so a change both scanned and queued counts once.
    RoundLayout layout;
    layout.coders.assign(round.coders().begin(), round.coders().end());
    for (const std::string& id : round.documents()) {
      ICR_ASSIGN_OR_RETURN(std::optional<v1::Document> document,
                           ReadProto<v1::Document>(store_, Family::kMetadata,
                                                   storage::DocumentKey(project, id)));
      if (!document) return absl::DataLossError(absl::StrCat("document ", id, " of the round is missing"));
      RoundLayout::Document& d = layout.documents.emplace_back();
      d.id = id;
      d.length = document->length_code_points();
      d.segments.assign(document->segments().begin(), document->segments().end());
    }
    ICR_ASSIGN_OR_RETURN(RoundData data, RoundData::Create(std::move(layout), options_.span_rule));
    ICR_RETURN_IF_ERROR(codings_.ForEach(project, round.id(), [&](const v1::Coding& coding) {
      data.Add(coding);
      return true;
    }));
    entry->data.emplace(std::move(data));
  }
  entry->Drain();
  return Locked(std::move(entry), std::move(lock));
}

absl::Status LiveAgreement::LoadResolutions(const std::string& project, const std::string& round,
                                            RoundEntry& entry) {
  std::lock_guard<std::mutex> lock(entry.resolutions_mutex);
  if (entry.resolutions_loaded) return absl::OkStatus();
  absl::Status failure;
  ICR_RETURN_IF_ERROR(store_.Scan(Family::kCodings, storage::ResolutionPrefix(project, round), "",
                                  [&](std::string_view, std::string_view value) {
                                    v1::Resolution r;
                                    if (!r.ParseFromArray(value.data(),
                                                          static_cast<int>(value.size()))) {
                                      failure = absl::DataLossError("unreadable resolution");
                                      return false;
                                    }
                                    std::string id = r.id();
                                    entry.resolutions[id] = std::move(r);
                                    return true;
                                  }));
  ICR_RETURN_IF_ERROR(failure);
  entry.resolutions_loaded = true;
  return absl::OkStatus();
}

int64_t LiveAgreement::ChangeCount(const std::string& project, const std::string& round) {
  std::lock_guard<std::mutex> lock(registry_mutex_);
  auto it = rounds_.find({project, round});
  if (it == rounds_.end()) return 0;
  return it->second->received + it->second->resolution_changes;
}

void LiveAgreement::WaitForChange(const std::string& project, const std::string& round,
                                  int64_t seen, absl::Time deadline) {
  std::unique_lock<std::mutex> lock(changed_mutex_);
  // Lock order: changed_mutex_ before registry_mutex_ (nobody takes them
  // the other way round).
  changed_.wait_until(lock, absl::ToChronoTime(deadline),
                      [&] { return ChangeCount(project, round) != seen; });
}

// --- Queries -------------------------------------------------------------------

namespace {

struct Query {
  std::string analysis;
  std::vector<std::string> coefficients;  // as asked (for Analyze)
  std::vector<std::string> names;         // validated, report order
  agreement::BootstrapOptions bootstrap{.samples = 0};
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
};

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
  if (request.bootstrap() > 0 && q.analysis == "span") {
    return absl::InvalidArgumentError("bootstrap: not available for the span analysis");
  }
  q.bootstrap.samples = request.bootstrap();
  q.bootstrap.seed = request.seed();
  q.bootstrap.confidence = request.confidence() == 0 ? 0.95 : request.confidence();
  q.bootstrap.alpha_min = request.alpha_min() == 0 ? 0.667 : request.alpha_min();
  if (!(q.bootstrap.confidence > 0 && q.bootstrap.confidence < 1)) {
    return absl::InvalidArgumentError("confidence: must be between 0 and 1");
  }
  if (request.rollup_depth() < 0) {
    return absl::InvalidArgumentError("rollup_depth: must be 0 (no roll-up) or more");
  }
  q.rollup = request.rollup_depth();

  std::map<std::string, int> document_index;
  for (int d = 0; d < round.documents_size(); ++d) document_index[round.documents(d)] = d;
  if (request.documents().empty()) {
    for (int d = 0; d < round.documents_size(); ++d) q.documents.push_back(d);
  } else {
    std::set<int> chosen;
    for (const std::string& id : request.documents()) {
      auto it = document_index.find(id);
      if (it == document_index.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "documents: \"", id, "\" is not a document of round ", round.id()));
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
            absl::StrCat("codes: \"", code, "\" is not a domain of the project (--by domain "
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
      return absl::InvalidArgumentError(absl::StrCat("set_metric: unknown metric \"",
                                                     request.set_metric(),
                                                     "\" (known: masi, jaccard)"));
    }
    q.set_metric = *metric;
  }
  if (!request.weights().empty()) {
    std::optional<agreement::Weights> weights = agreement::ParseWeights(request.weights());
    if (!weights) {
      return absl::InvalidArgumentError(absl::StrCat(
          "weights: unknown weights \"", request.weights(), "\" (known: none, linear, quadratic)"));
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

CoderMask ProjectMask(CoderMask mask, const std::vector<int>& coders) {
  CoderMask out = 0;
  for (size_t j = 0; j < coders.size(); ++j) {
    if ((mask >> coders[j]) & 1) out |= CoderMask{1} << j;
  }
  return out;
}

int64_t UnitsIn(const RoundData& data, const std::vector<int>& documents) {
  int64_t units = 0;
  for (int d : documents) units += static_cast<int64_t>(data.layout().documents[d].segments.size());
  return units;
}

// --- By code ---------------------------------------------------------------------

// The rows of the code analysis and which stored codes feed each.
struct CodeRows {
  std::vector<std::string> keys;  // sorted
  std::vector<int> of_raw;        // RoundData code id -> row, or -1
  std::vector<std::vector<int32_t>> raws;  // row -> RoundData code ids
};

CodeRows MapCodes(const RoundData& data, const Codebook& book, const Query& q) {
  std::map<std::string, std::vector<int32_t>> by_key;
  for (int32_t raw = 0; raw < data.num_codes(); ++raw) {
    if (data.patterns(raw).empty()) continue;  // every coding of it retracted
    std::string key = book.Rollup(data.code(raw), q.rollup);
    if (!q.codes.empty() && !q.codes.count(key)) continue;
    by_key[key].push_back(raw);
  }
  for (const std::string& code : q.codes) by_key[code];  // asked for: a row even if unused
  CodeRows rows;
  rows.of_raw.assign(data.num_codes(), -1);
  for (auto& [key, raws] : by_key) {
    for (int32_t raw : raws) rows.of_raw[raw] = static_cast<int>(rows.keys.size());
    rows.keys.push_back(key);
    rows.raws.push_back(std::move(raws));
  }
  return rows;
}

// Sparse binary columns: per row, the units (index among the selected
// units) where some selected coder applied it, with who.
using Column = std::vector<std::pair<int64_t, CoderMask>>;

// Pattern tables of every row over `documents`, from the units (merges,
// roll-ups and document filters need the units; see FastTables).
std::vector<PatternTable> UnitTables(const RoundData& data, const CodeRows& rows, const Query& q,
                                     const std::vector<int>& documents,
                                     std::vector<Column>* columns) {
  const int64_t units = UnitsIn(data, documents);
  std::vector<PatternTable> tables(rows.keys.size());
  for (PatternTable& t : tables) {
    t.coders = static_cast<int>(q.coders.size());
    t.units = units;
  }
  if (columns != nullptr) columns->assign(rows.keys.size(), {});
  std::vector<CoderMask> acc(rows.keys.size(), 0);
  std::vector<int> touched;
  int64_t unit_index = 0;
  for (int d : documents) {
    const int64_t segments = static_cast<int64_t>(data.layout().documents[d].segments.size());
    for (int64_t s = 0; s < segments; ++s, ++unit_index) {
      for (const RoundData::Entry& e : data.unit(d, s)) {
        if (e.total() == 0) continue;
        const int r = rows.of_raw[e.code];
        if (r < 0) continue;
        if (acc[r] == 0) touched.push_back(r);
        acc[r] |= CoderMask{1} << e.coder;
      }
      for (int r : touched) {
        const CoderMask mask = q.all_coders ? acc[r] : ProjectMask(acc[r], q.coders);
        acc[r] = 0;
        if (mask == 0) continue;
        ++tables[r].applied[mask];
        if (columns != nullptr) (*columns)[r].emplace_back(unit_index, mask);
      }
      touched.clear();
    }
  }
  return tables;
}

// The same tables straight from the per-code patterns kept incrementally:
// no unit is read. Only when every row is one stored code over every
// document.
std::vector<PatternTable> FastTables(const RoundData& data, const CodeRows& rows, const Query& q) {
  std::vector<PatternTable> tables;
  tables.reserve(rows.keys.size());
  for (const auto& raws : rows.raws) {
    if (raws.empty()) {
      PatternTable empty;
      empty.coders = static_cast<int>(q.coders.size());
      empty.units = data.num_units();
      tables.push_back(std::move(empty));
    } else {
      tables.push_back(ProjectPatterns(data.patterns(raws[0]), data.num_units(), q.coders));
    }
  }
  return tables;
}

// Appends one binary column as units x coders cells, interning "0" and "1"
// in order of first appearance (as `icr stats` reads the same data from a
// CSV written in this order).
void AppendBinary(const Column& column, int64_t units, int coders, int64_t first_unit,
                  agreement::ReliabilityData& data) {
  size_t next = 0;
  for (int64_t u = 0; u < units; ++u) {
    CoderMask mask = 0;
    if (next < column.size() && column[next].first == u) mask = column[next++].second;
    for (int c = 0; c < coders; ++c) {
      data.set_value(first_unit + u, c, data.InternValue((mask >> c) & 1 ? "1" : "0"));
    }
  }
}

absl::StatusOr<agreement::Analysis> AnalyzeBinary(const std::vector<const Column*>& columns,
                                                  int64_t units, const Query& q, bool pairwise) {
  agreement::ReliabilityData data(units * static_cast<int64_t>(columns.size()), q.coder_names);
  for (size_t i = 0; i < columns.size(); ++i) {
    AppendBinary(*columns[i], units, static_cast<int>(q.coders.size()),
                 units * static_cast<int64_t>(i), data);
  }
  agreement::AnalysisOptions options;
  options.coefficients = q.coefficients;
  options.bootstrap = q.bootstrap;
  options.pairwise = pairwise;
  return agreement::Analyze(data, options);
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

// Diagnostics of one binary row (DESIGN §3; the list).
void BinaryWarnings(const PatternTable& table, const std::string& key,
                    const std::vector<std::string>& coders, const LiveOptions& options,
                    v1::AgreementRow* row) {
  const agreement::Analysis diag =
      AnalyzePatterns(table, {"krippendorff_alpha", "gwet_ac1"}, /*pairwise=*/false);
  const std::optional<double> alpha = FindValue(diag, "krippendorff_alpha");
  const std::optional<double> ac1 = FindValue(diag, "gwet_ac1");
  const double prevalence = table.Prevalence();
  if (table.coders >= 2 && table.units > 0 && prevalence > 0 && prevalence < 1 &&
      (prevalence < options.rare_prevalence || prevalence > 1 - options.rare_prevalence) &&
      // Where kappa and alpha stay close to AC1 the paradox does not bite.
      (!alpha || !ac1 || *ac1 - *alpha >= 0.05)) {
    *row->add_warnings() = Warning(
        "kappa_paradox", key,
        absl::StrCat(key, " is applied in ", Fixed(100 * prevalence, 1), "% of the values: ",
                     "kappa and alpha are unstable at so ",
                     prevalence < 0.5 ? "rare" : "common", " a code (the kappa paradox); ",
                     "Gwet's AC1 = ", ac1 ? Fixed(*ac1) : "undefined", " beside alpha = ",
                     alpha ? Fixed(*alpha) : "undefined"));
  }
  const std::vector<std::optional<double>> without = AlphaWithoutEachCoder(table);
  InfluenceOf(without, alpha, coders, row);
  for (size_t j = 0; j < without.size(); ++j) {
    if (alpha && without[j] && *without[j] - *alpha >= options.influence_change) {
      *row->add_warnings() = Warning(
          "coder_influence", key,
          absl::StrCat("without ", coders[j], " alpha on ", key, " rises from ", Fixed(*alpha),
                       " to ", Fixed(*without[j]), ": ", coders[j],
                       " applies it differently from the others"));
    }
  }
}

absl::Status CodeAnalysis(const RoundData& data, const Codebook& book, const Query& q,
                          const LiveOptions& options, v1::ComputeAgreementResponse* response) {
  const CodeRows rows = MapCodes(data, book, q);
  bool one_to_one = q.all_documents;
  for (const auto& raws : rows.raws) one_to_one = one_to_one && raws.size() <= 1;
  const bool bootstrap = q.bootstrap.samples > 0;
  std::vector<Column> columns;
  const std::vector<PatternTable> tables =
      one_to_one && !bootstrap ? FastTables(data, rows, q)
                               : UnitTables(data, rows, q, q.documents, bootstrap ? &columns : nullptr);
  const int64_t units = UnitsIn(data, q.documents);
  response->set_units(units);
  // Every row has the same units: one warning for the table.
  if (q.coders.size() >= 2 && units < options.few_units) {
    *response->add_warnings() = Warning(
        "too_few_units", "",
        absl::StrCat("only ", units, " units: too few for a stable alpha (aim for ",
                     options.few_units, " or more; --bootstrap shows the interval)"));
  }
  PatternTable pooled;
  pooled.coders = static_cast<int>(q.coders.size());
  for (size_t r = 0; r < rows.keys.size(); ++r) {
    v1::AgreementRow* row = response->add_rows();
    row->set_key(rows.keys[r]);
    auto code = book.codes().find(rows.keys[r]);
    if (code != book.codes().end()) row->set_name(code->second.name());
    if (bootstrap) {
      ICR_ASSIGN_OR_RETURN(agreement::Analysis a, AnalyzeBinary({&columns[r]}, units, q, false));
      FillRow(a, row);
    } else {
      FillRow(AnalyzePatterns(tables[r], q.names, /*pairwise=*/false), row);
    }
    BinaryWarnings(tables[r], rows.keys[r], q.coder_names, options, row);
    pooled.Add(tables[r]);
  }
  // The overall row pools every row's units (unit = code x segment).
  v1::AgreementRow* overall = response->mutable_overall();
  overall->set_key("overall");
  agreement::Analysis all;
  if (bootstrap) {
    std::vector<const Column*> every;
    for (const Column& c : columns) every.push_back(&c);
    ICR_ASSIGN_OR_RETURN(all, AnalyzeBinary(every, units, q, true));
  } else {
    all = AnalyzePatterns(pooled, q.names, /*pairwise=*/true);
  }
  FillRow(all, overall);
  FillPairwise(all, q.coder_names, response);
  if (!rows.keys.empty()) {
    const agreement::Analysis diag = AnalyzePatterns(pooled, {"krippendorff_alpha"}, false);
    const std::optional<double> alpha = FindValue(diag, "krippendorff_alpha");
    const std::vector<std::optional<double>> without = AlphaWithoutEachCoder(pooled);
    InfluenceOf(without, alpha, q.coder_names, overall);
    for (size_t j = 0; j < without.size(); ++j) {
      if (alpha && without[j] && *without[j] - *alpha >= options.influence_change) {
        *response->add_warnings() = Warning(
            "coder_influence", q.coder_names[j],
            absl::StrCat("without ", q.coder_names[j], " overall alpha rises from ", Fixed(*alpha),
                         " to ", Fixed(*without[j]), ": look at ", q.coder_names[j],
                         "'s codings and the codebook definitions they rely on"));
      }
    }
  }

  // Agreement by codebook revision: a document counts under the latest
  // revision its codings were made under.
  std::map<int64_t, std::vector<int>> by_revision;
  for (int d : q.documents) {
    const auto& revisions = data.revisions(d);
    if (!revisions.empty()) by_revision[revisions.rbegin()->first].push_back(d);
  }
  if (by_revision.size() > 1) {
    std::vector<std::string> listed;
    for (const auto& [revision, documents] : by_revision) {
      const std::vector<PatternTable> part = UnitTables(data, rows, q, documents, nullptr);
      PatternTable sum;
      sum.coders = static_cast<int>(q.coders.size());
      for (const PatternTable& t : part) sum.Add(t);
      v1::RevisionAgreement* r = response->add_by_revision();
      r->set_codebook_revision(revision);
      r->set_documents(static_cast<int64_t>(documents.size()));
      r->mutable_overall()->set_key(absl::StrCat("revision ", revision));
      const agreement::Analysis a = AnalyzePatterns(sum, q.names, false);
      FillRow(a, r->mutable_overall());
      const std::optional<double> alpha = FindValue(
          AnalyzePatterns(sum, {"krippendorff_alpha"}, false), "krippendorff_alpha");
      listed.push_back(absl::StrCat("revision ", revision, " (", documents.size(),
                                    " documents): alpha ", alpha ? Fixed(*alpha) : "undefined"));
    }
    *response->add_warnings() = Warning(
        "codebook_revisions", "",
        absl::StrCat("the codings were made under ", by_revision.size(),
                     " codebook revisions: ", absl::StrJoin(listed, "; "),
                     " (see by_revision)"));
  }
  return absl::OkStatus();
}

// --- By domain, set, span -------------------------------------------------------

agreement::ReliabilityData DropCoder(const agreement::ReliabilityData& data, int drop) {
  std::vector<std::string> names;
  for (int c = 0; c < data.num_coders(); ++c) {
    if (c != drop) names.push_back(data.coder_names()[c]);
  }
  agreement::ReliabilityData out(data.num_units(), names);
  for (int64_t u = 0; u < data.num_units(); ++u) {
    int j = 0;
    for (int c = 0; c < data.num_coders(); ++c) {
      if (c == drop) continue;
      const int32_t v = data.value(u, c);
      if (v != agreement::ReliabilityData::kMissing) {
        const agreement::Category& cat = data.category(v);
        if (cat.is_set) {
          std::vector<std::string_view> members;
          for (int32_t m : cat.members) members.push_back(data.elements()[m]);
          out.set_value(u, j, out.InternSet(members));
        } else {
          out.set_value(u, j, out.InternValue(cat.label));
        }
      }
      ++j;
    }
  }
  return out;
}

// Analyze() plus the alpha-without-each-coder diagnostics of one row.
absl::Status AnalyzeRow(const agreement::ReliabilityData& data,
                        const agreement::AnalysisOptions& options,
                        const std::vector<std::string>& order, const std::string& key,
                        const LiveOptions& live, v1::AgreementRow* row,
                        agreement::Analysis* analysis) {
  ICR_ASSIGN_OR_RETURN(*analysis, agreement::Analyze(data, options));
  FillRow(*analysis, row);
  if (data.num_units() < live.few_units) {
    *row->add_warnings() = Warning(
        "too_few_units", key,
        absl::StrCat("only ", data.num_units(), " units with values: too few for a stable alpha"));
  }
  if (data.num_coders() < 3) return absl::OkStatus();
  agreement::AnalysisOptions alpha_only = options;
  alpha_only.coefficients = {"krippendorff_alpha"};
  alpha_only.bootstrap.samples = 0;
  alpha_only.pairwise = false;
  ICR_ASSIGN_OR_RETURN(agreement::Analysis full, agreement::Analyze(data, alpha_only));
  const std::optional<double> alpha = FindValue(full, "krippendorff_alpha");
  std::vector<std::optional<double>> without;
  for (int c = 0; c < data.num_coders(); ++c) {
    agreement::ReliabilityData reduced = DropCoder(data, c);
    if (!reduced.set_valued()) ICR_RETURN_IF_ERROR(reduced.OrderCategories(order));
    ICR_ASSIGN_OR_RETURN(agreement::Analysis a, agreement::Analyze(reduced, alpha_only));
    without.push_back(FindValue(a, "krippendorff_alpha"));
  }
  InfluenceOf(without, alpha, data.coder_names(), row);
  for (size_t j = 0; j < without.size(); ++j) {
    if (alpha && without[j] && *without[j] - *alpha >= live.influence_change) {
      *row->add_warnings() = Warning(
          "coder_influence", key,
          absl::StrCat("without ", data.coder_names()[j], " alpha on ", key, " rises from ",
                       Fixed(*alpha), " to ", Fixed(*without[j])));
    }
  }
  return absl::OkStatus();
}

agreement::Level LevelOf(v1::MeasurementLevel level) {
  switch (level) {
    case v1::ORDINAL:
      return agreement::Level::kOrdinal;
    case v1::INTERVAL:
      return agreement::Level::kInterval;
    case v1::RATIO:
      return agreement::Level::kRatio;
    default:
      return agreement::Level::kNominal;
  }
}

// What each selected coder gave a unit from one domain: the position of the
// first of its codes (in domain order) the coder applied, or -1.
struct DomainCells {
  std::vector<int64_t> units;            // selected-unit index of each row
  std::vector<std::vector<int>> values;  // row -> per coder position or -1
  int64_t several = 0;                   // cells where a coder gave several codes
};

DomainCells CollectDomain(const RoundData& data, const std::vector<int>& raw_position,
                          const Query& q) {
  DomainCells out;
  std::vector<int> round_to_selected(data.num_coders(), -1);
  for (size_t j = 0; j < q.coders.size(); ++j) round_to_selected[q.coders[j]] = static_cast<int>(j);
  int64_t unit_index = 0;
  std::vector<int> cell(q.coders.size());
  for (int d : q.documents) {
    const int64_t segments = static_cast<int64_t>(data.layout().documents[d].segments.size());
    for (int64_t s = 0; s < segments; ++s, ++unit_index) {
      std::fill(cell.begin(), cell.end(), -1);
      bool any = false;
      for (const RoundData::Entry& e : data.unit(d, s)) {
        if (e.total() == 0) continue;
        const int position = raw_position[e.code];
        const int j = round_to_selected[e.coder];
        if (position < 0 || j < 0) continue;
        if (cell[j] >= 0 && cell[j] != position) ++out.several;
        if (cell[j] < 0 || position < cell[j]) cell[j] = position;
        any = true;
      }
      if (any) {
        out.units.push_back(unit_index);
        out.values.push_back(cell);
      }
    }
  }
  return out;
}

absl::Status DomainAnalysis(const RoundData& data, const Codebook& book, const Query& q,
                            const LiveOptions& live, v1::ComputeAgreementResponse* response) {
  response->set_units(UnitsIn(data, q.documents));
  // Pooled over domains at the nominal level: unit = domain x segment.
  std::vector<std::pair<std::vector<int>, std::vector<std::string>>> pooled_rows;
  for (const v1::Domain& domain : book.domains()) {
    if (!q.codes.empty() && !q.codes.count(domain.id())) continue;
    const agreement::Level level = LevelOf(domain.level());
    const bool numeric = level == agreement::Level::kInterval || level == agreement::Level::kRatio;
    std::vector<std::string> members, labels;
    for (const std::string& code : domain.codes()) {
      std::string effective = book.Effective(code);
      if (std::find(members.begin(), members.end(), effective) != members.end()) continue;
      if (numeric) {
        auto it = book.codes().find(effective);
        if (it == book.codes().end() || !it->second.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "domain ", domain.id(), " is ", v1::MeasurementLevel_Name(domain.level()),
              " but code ", effective, " has no value"));
        }
        labels.push_back(absl::StrCat(it->second.value()));
      } else {
        labels.push_back(effective);
      }
      members.push_back(std::move(effective));
    }
    std::vector<int> raw_position(data.num_codes(), -1);
    for (int32_t raw = 0; raw < data.num_codes(); ++raw) {
      auto it = std::find(members.begin(), members.end(), book.Effective(data.code(raw)));
      if (it != members.end()) raw_position[raw] = static_cast<int>(it - members.begin());
    }
    const DomainCells cells = CollectDomain(data, raw_position, q);
    agreement::ReliabilityData table(static_cast<int64_t>(cells.units.size()), q.coder_names);
    for (size_t u = 0; u < cells.values.size(); ++u) {
      for (size_t j = 0; j < q.coders.size(); ++j) {
        const int p = cells.values[u][j];
        if (p >= 0) table.set_value(static_cast<int64_t>(u), static_cast<int>(j),
                                    table.InternValue(labels[p]));
      }
    }
    // Categories in the domain's order (numbers: ascending), unused codes
    // included: as `icr stats --order A,B,C` (or without --order for
    // numbers).
    const std::vector<std::string> order = numeric ? std::vector<std::string>{} : labels;
    ICR_RETURN_IF_ERROR(table.OrderCategories(order));
    agreement::AnalysisOptions options;
    options.level = level;
    options.weights = level == agreement::Level::kNominal ? agreement::Weights::kNone : q.weights;
    options.coefficients = q.coefficients;
    options.bootstrap = q.bootstrap;
    options.pairwise = false;
    v1::AgreementRow* row = response->add_rows();
    row->set_key(domain.id());
    row->set_name(domain.name());
    agreement::Analysis analysis;
    ICR_RETURN_IF_ERROR(AnalyzeRow(table, options, order, domain.id(), live, row, &analysis));
    if (cells.several > 0) {
      *row->add_warnings() = Warning(
          "several_domain_codes", domain.id(),
          absl::StrCat(cells.several, " times a coder gave a unit more than one code of ",
                       domain.id(), " (its codes exclude each other); the first in domain "
                                    "order counts"));
    }
    for (const auto& values : cells.values) {
      std::vector<std::string> named;
      for (int p : values) named.push_back(p < 0 ? "" : members[p]);
      pooled_rows.emplace_back(values, std::move(named));
    }
  }
  agreement::ReliabilityData pooled(static_cast<int64_t>(pooled_rows.size()), q.coder_names);
  for (size_t u = 0; u < pooled_rows.size(); ++u) {
    for (size_t j = 0; j < q.coders.size(); ++j) {
      if (pooled_rows[u].first[j] >= 0) {
        pooled.set_value(static_cast<int64_t>(u), static_cast<int>(j),
                         pooled.InternValue(pooled_rows[u].second[j]));
      }
    }
  }
  agreement::AnalysisOptions options;
  options.coefficients = q.coefficients;
  options.bootstrap = q.bootstrap;
  ICR_ASSIGN_OR_RETURN(agreement::Analysis all, agreement::Analyze(pooled, options));
  response->mutable_overall()->set_key("overall");
  FillRow(all, response->mutable_overall());
  FillPairwise(all, q.coder_names, response);
  return absl::OkStatus();
}

absl::Status SetAnalysis(const RoundData& data, const Codebook& book, const Query& q,
                         const LiveOptions& live, v1::ComputeAgreementResponse* response) {
  response->set_units(UnitsIn(data, q.documents));
  std::vector<std::string> key_of_raw(data.num_codes());
  for (int32_t raw = 0; raw < data.num_codes(); ++raw) {
    std::string key = book.Rollup(data.code(raw), q.rollup);
    if (q.codes.empty() || q.codes.count(key)) key_of_raw[raw] = std::move(key);
  }
  std::vector<int> round_to_selected(data.num_coders(), -1);
  for (size_t j = 0; j < q.coders.size(); ++j) round_to_selected[q.coders[j]] = static_cast<int>(j);
  // A coder who applied no code to a unit gives no value there (as a CSV
  // for `icr stats` cannot hold an empty set).
  std::vector<std::vector<std::vector<std::string>>> rows;
  for (int d : q.documents) {
    const int64_t segments = static_cast<int64_t>(data.layout().documents[d].segments.size());
    for (int64_t s = 0; s < segments; ++s) {
      std::vector<std::vector<std::string>> sets(q.coders.size());
      bool any = false;
      for (const RoundData::Entry& e : data.unit(d, s)) {
        const int j = round_to_selected[e.coder];
        if (e.total() == 0 || j < 0 || key_of_raw[e.code].empty()) continue;
        sets[j].push_back(key_of_raw[e.code]);
        any = true;
      }
      if (any) rows.push_back(std::move(sets));
    }
  }
  agreement::ReliabilityData table(static_cast<int64_t>(rows.size()), q.coder_names);
  for (size_t u = 0; u < rows.size(); ++u) {
    for (size_t j = 0; j < q.coders.size(); ++j) {
      std::vector<std::string>& set = rows[u][j];
      if (set.empty()) continue;
      std::sort(set.begin(), set.end());
      std::vector<std::string_view> members(set.begin(), set.end());
      table.set_value(static_cast<int64_t>(u), static_cast<int>(j), table.InternSet(members));
    }
  }
  agreement::AnalysisOptions options;
  options.set_metric = q.set_metric;
  options.coefficients = q.coefficients;
  options.bootstrap = q.bootstrap;
  v1::AgreementRow* row = response->add_rows();
  row->set_key("set");
  row->set_name(absl::StrCat("set of codes per segment (", agreement::MetricName(q.set_metric), ")"));
  agreement::Analysis analysis;
  ICR_RETURN_IF_ERROR(AnalyzeRow(table, options, {}, "set", live, row, &analysis));
  *response->mutable_overall() = *row;
  response->mutable_overall()->set_key("overall");
  FillPairwise(analysis, q.coder_names, response);
  return absl::OkStatus();
}

absl::Status SpanAnalysis(const RoundData& data, const Codebook& book, const Query& q,
                          v1::ComputeAgreementResponse* response) {
  response->set_units(UnitsIn(data, q.documents));
  agreement::spans::SpanSet set;
  std::vector<int> document_slot(data.num_documents(), -1);
  for (int d : q.documents) {
    document_slot[d] = static_cast<int>(set.documents.size());
    set.documents.push_back(data.layout().documents[d].id);
    set.lengths.push_back(data.layout().documents[d].length);
  }
  set.coders = q.coder_names;
  std::vector<int> round_to_selected(data.num_coders(), -1);
  for (size_t j = 0; j < q.coders.size(); ++j) round_to_selected[q.coders[j]] = static_cast<int>(j);
  std::map<std::string, int> code_slot;
  std::vector<int> slot_of_raw(data.num_codes(), -1);
  for (int32_t raw = 0; raw < data.num_codes(); ++raw) {
    std::string key = book.Rollup(data.code(raw), q.rollup);
    if (!q.codes.empty() && !q.codes.count(key)) continue;
    auto [it, inserted] = code_slot.emplace(key, static_cast<int>(code_slot.size()));
    if (inserted) set.codes.push_back(key);
    slot_of_raw[raw] = it->second;
  }
  for (const auto& [id, span] : data.spans()) {
    const int doc = document_slot[span.document], coder = round_to_selected[span.coder];
    const int code = slot_of_raw[span.code];
    if (doc < 0 || coder < 0 || code < 0) continue;
    set.spans.push_back({doc, coder, code, span.start, span.end});
  }
  // Segment codings are spans over their segment.
  for (int d : q.documents) {
    const auto& segments = data.layout().documents[d].segments;
    for (size_t s = 0; s < segments.size(); ++s) {
      for (const RoundData::Entry& e : data.unit(d, static_cast<int64_t>(s))) {
        const int coder = round_to_selected[e.coder], code = slot_of_raw[e.code];
        if (e.segment == 0 || coder < 0 || code < 0) continue;
        set.spans.push_back({document_slot[d], coder, code, segments[s].start(), segments[s].end()});
      }
    }
  }
  std::sort(set.spans.begin(), set.spans.end(), [](const auto& a, const auto& b) {
    return std::tie(a.document, a.coder, a.code, a.start, a.end) <
           std::tie(b.document, b.coder, b.code, b.start, b.end);
  });
  agreement::spans::SpanAgreementOptions options;
  options.matching.threshold = q.overlap;
  ICR_ASSIGN_OR_RETURN(agreement::spans::SpanAgreement result,
                       agreement::spans::ComputeSpanAgreement(set, options));
  for (const auto& code : result.per_code) {
    v1::AgreementRow* row = response->add_rows();
    row->set_key(code.code);
    auto it = book.codes().find(code.code);
    if (it != book.codes().end()) row->set_name(it->second.name());
    row->set_units(code.spans);
    for (const auto& c : code.coefficients) *row->add_coefficients() = CoefficientToProto(c);
  }
  v1::AgreementRow* overall = response->mutable_overall();
  overall->set_key("overall");
  overall->set_units(result.input_spans);
  for (const auto& c : result.coefficients) *overall->add_coefficients() = CoefficientToProto(c);
  for (const std::string& note : result.notes) *response->add_warnings() = Warning("note", "", note);
  return absl::OkStatus();
}

}  // namespace

// --- Disagreements ----------------------------------------------------------------

namespace {

// One (unit, code) or (unit, domain) where some coder gave something.
struct Item {
  bool is_domain = false;
  int key = 0;                // code index (ItemBuilder::code) or domain index
  std::vector<int> values;    // per round coder: code index, or -1 for none
  bool agreed = false;
};

// Turns a unit's entries into items: codes outside every domain one by one
// (applied or not), each domain as one value (the first of its codes in
// domain order, or none). Codes are taken after merges, without roll-up.
class ItemBuilder {
 public:
  ItemBuilder(const RoundData& data, const Codebook& book) : data_(data), book_(book) {
    std::map<std::string, int> index;
    auto intern = [&](const std::string& code) {
      auto [it, inserted] = index.emplace(code, static_cast<int>(codes_.size()));
      if (inserted) codes_.push_back(code);
      return it->second;
    };
    for (const v1::Domain& domain : book.domains()) {
      std::vector<int>& members = domain_codes_.emplace_back();
      for (const std::string& code : domain.codes()) {
        const int c = intern(book.Effective(code));
        if (std::find(members.begin(), members.end(), c) == members.end()) members.push_back(c);
      }
    }
    in_domain_.assign(codes_.size(), true);
    for (int32_t raw = 0; raw < data.num_codes(); ++raw) {
      raw_to_code_.push_back(intern(book.Effective(data.code(raw))));
    }
    in_domain_.resize(codes_.size(), false);
    // Position of each code in each domain (-1: not a member).
    position_.assign(domain_codes_.size(), std::vector<int>(codes_.size(), -1));
    for (size_t d = 0; d < domain_codes_.size(); ++d) {
      for (size_t p = 0; p < domain_codes_[d].size(); ++p) {
        position_[d][domain_codes_[d][p]] = static_cast<int>(p);
      }
    }
  }

  const std::string& code(int c) const { return codes_[c]; }
  const v1::Domain& domain(int d) const { return book_.domains()[d]; }
  std::string key(const Item& item) const {
    return item.is_domain ? domain(item.key).id() : code(item.key);
  }
  std::string value(int v) const { return v < 0 ? kNone : codes_[v]; }
  int FindCode(const std::string& id) const {
    auto it = std::find(codes_.begin(), codes_.end(), id);
    return it == codes_.end() ? -1 : static_cast<int>(it - codes_.begin());
  }
  bool in_domain(int c) const { return in_domain_[c]; }
  const std::vector<int>& domain_codes(int d) const { return domain_codes_[d]; }
  int num_codes() const { return static_cast<int>(codes_.size()); }

  // The items of a unit, sorted: codes by id, then domains by id.
  void Items(int document, int64_t segment, std::vector<Item>* out) const {
    out->clear();
    const int coders = data_.num_coders();
    const CoderMask all = coders == 64 ? ~CoderMask{0} : (CoderMask{1} << coders) - 1;
    std::map<int, CoderMask> codes;  // code index -> who applied it
    for (const RoundData::Entry& e : data_.unit(document, segment)) {
      if (e.total() > 0) codes[raw_to_code_[e.code]] |= CoderMask{1} << e.coder;
    }
    std::vector<std::pair<std::string, size_t>> code_items;
    for (const auto& [c, mask] : codes) {
      if (in_domain_[c]) continue;
      Item item;
      item.key = c;
      item.agreed = mask == all;
      item.values.resize(coders);
      for (int j = 0; j < coders; ++j) item.values[j] = (mask >> j) & 1 ? c : -1;
      code_items.emplace_back(codes_[c], out->size());
      out->push_back(std::move(item));
    }
    std::sort(out->begin(), out->end(),
              [&](const Item& a, const Item& b) { return codes_[a.key] < codes_[b.key]; });
    for (size_t d = 0; d < domain_codes_.size(); ++d) {
      Item item;
      item.is_domain = true;
      item.key = static_cast<int>(d);
      item.values.assign(coders, -1);
      bool any = false;
      for (const auto& [c, mask] : codes) {
        const int p = position_[d][c];
        if (p < 0) continue;
        any = true;
        for (int j = 0; j < coders; ++j) {
          if (!((mask >> j) & 1)) continue;
          int& v = item.values[j];
          if (v < 0 || p < position_[d][v]) v = c;
        }
      }
      if (!any) continue;
      item.agreed = std::all_of(item.values.begin(), item.values.end(),
                                [&](int v) { return v == item.values[0]; });
      out->push_back(std::move(item));
    }
  }

 private:
  const RoundData& data_;
  const Codebook& book_;
  std::vector<std::string> codes_;
  std::vector<int> raw_to_code_;
  std::vector<bool> in_domain_;
  std::vector<std::vector<int>> domain_codes_;
  std::vector<std::vector<int>> position_;
};

// The value a strict majority of the coders gave, or -2.
int Majority(const std::vector<int>& values) {
  std::map<int, int> count;
  for (int v : values) ++count[v];
  for (const auto& [v, n] : count) {
    if (2 * n > static_cast<int>(values.size())) return v;
  }
  return -2;
}

void FillDisagreement(const ItemBuilder& items, const RoundData& data, int document,
                      int64_t segment, const Item& item,
                      const std::map<std::string, v1::Resolution>& resolutions,
                      v1::Disagreement* out) {
  const RoundLayout::Document& doc = data.layout().documents[document];
  out->set_id(ItemId(doc.id, segment, item.is_domain, items.key(item)));
  out->set_document(doc.id);
  out->set_segment(segment);
  out->set_start(doc.segments[segment].start());
  out->set_end(doc.segments[segment].end());
  (item.is_domain ? *out->mutable_domain() : *out->mutable_code()) = items.key(item);
  for (int j = 0; j < data.num_coders(); ++j) {
    (*out->mutable_values())[data.layout().coders[j]] = items.value(item.values[j]);
  }
  const int majority = Majority(item.values);
  if (majority != -2) out->set_suggestion(items.value(majority));
  auto it = resolutions.find(out->id());
  if (it != resolutions.end()) *out->mutable_resolution() = it->second;
}

}  // namespace

absl::StatusOr<v1::ListDisagreementsResponse> LiveAgreement::ListDisagreements(
    const coding::Caller& caller, const v1::ListDisagreementsRequest& request) {
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
  if (!request.document().empty() &&
      std::find(round.documents().begin(), round.documents().end(), request.document()) ==
          round.documents().end()) {
    return absl::InvalidArgumentError(absl::StrCat("document: \"", request.document(),
                                                   "\" is not a document of round ", round.id()));
  }
  ICR_RETURN_IF_ERROR(CheckVisible(caller, round, /*shows_codings=*/true));
  ICR_ASSIGN_OR_RETURN(Locked locked, Acquire(project, round));
  ICR_RETURN_IF_ERROR(LoadResolutions(project, round.id(), locked.entry()));
  const RoundData& data = locked.data();

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
  v1::ListDisagreementsResponse response;
  std::lock_guard<std::mutex> resolutions_lock(locked.entry().resolutions_mutex);
  const auto& resolutions = locked.entry().resolutions;
  std::vector<Item> unit_items;
  std::string last_id;
  const int first_document = after ? after_document : 0;
  for (int d = first_document; d < data.num_documents(); ++d) {
    const RoundLayout::Document& doc = data.layout().documents[d];
    if (!request.document().empty() && doc.id != request.document()) continue;
    const int64_t first_segment = after && d == after_document ? after->segment : 0;
    for (int64_t s = first_segment; s < static_cast<int64_t>(doc.segments.size()); ++s) {
      items.Items(d, s, &unit_items);
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
        if (request.unresolved_only() && resolutions.count(id)) continue;
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
    const coding::Caller& caller, const v1::ResolveDisagreementRequest& request) {
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
    return absl::InvalidArgumentError(
        "rationale: required: say why this value is the consensus");
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
  std::shared_ptr<RoundEntry> entry;
  {
    ICR_ASSIGN_OR_RETURN(Locked locked, Acquire(project, round));
    const RoundData& data = locked.data();
    const int document = data.DocumentIndex(id->document);
    const absl::Status not_found = absl::NotFoundError(
        absl::StrCat("disagreement ", request.disagreement(), " in round ", round.id()));
    if (document < 0 ||
        id->segment >= static_cast<int64_t>(data.layout().documents[document].segments.size())) {
      return not_found;
    }
    const ItemBuilder items(data, book);
    std::vector<Item> unit_items;
    items.Items(document, id->segment, &unit_items);
    const Item* found = nullptr;
    for (const Item& item : unit_items) {
      if (!item.agreed && item.is_domain == id->is_domain && items.key(item) == id->key) {
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
    resolution.set_id(request.disagreement());
    resolution.set_document(id->document);
    resolution.set_segment(id->segment);
    (id->is_domain ? *resolution.mutable_domain() : *resolution.mutable_code()) = id->key;
    resolution.set_value(value);
    resolution.set_rationale(request.rationale());
    resolution.set_resolved_by(caller.actor.user);
    for (int j = 0; j < data.num_coders(); ++j) {
      (*resolution.mutable_values())[data.layout().coders[j]] = items.value(found->values[j]);
    }
  }
  {
    std::lock_guard<std::mutex> lock(registry_mutex_);
    entry = rounds_[{project, round.id()}];
  }
  ICR_RETURN_IF_ERROR(LoadResolutions(project, round.id(), *entry));

  storage::Mutation mutation;
  mutation.chain = project;
  mutation.event.set_project(project);
  mutation.event.set_actor(caller.actor.user);
  mutation.event.set_method(kResolveMethod);
  mutation.event.set_request_id(request.request_id());
  mutation.event.set_request(request.SerializeAsString());
  mutation.apply = [this, project, round_id = round.id(), resolution,
                    entry](storage::MutationContext& context) mutable
      -> absl::StatusOr<storage::MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Round> current,
                         ReadProto<v1::Round>(context, Family::kMetadata,
                                              storage::RoundKey(project, round_id)));
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
    const absl::Time time = absl::Now();
    resolution.mutable_resolve_time()->set_seconds(absl::ToUnixSeconds(time));
    resolution.mutable_resolve_time()->set_nanos(
        static_cast<int32_t>(absl::ToUnixNanos(time) % 1000000000));
    context.Put(Family::kCodings, key, resolution.SerializeAsString());
    v1::ResolveDisagreementResponse response;
    *response.mutable_resolution() = resolution;
    storage::MutationResult result;
    result.response = response.SerializeAsString();
    result.summary = absl::StrCat("resolved disagreement ", resolution.id(), " in round ",
                                  round_id, " as ", resolution.value(),
                                  previous ? absl::StrCat(" (replacing ", previous->value(),
                                                          " by ", previous->resolved_by(), ")")
                                           : "");
    result.on_committed = [this, entry, resolution] {
      {
        std::lock_guard<std::mutex> lock(entry->resolutions_mutex);
        entry->resolutions[resolution.id()] = resolution;
      }
      ++entry->resolution_changes;
      std::lock_guard<std::mutex> lock(changed_mutex_);
      changed_.notify_all();
    };
    return result;
  };
  ICR_ASSIGN_OR_RETURN(std::string bytes, writer_.Commit(std::move(mutation)));
  v1::ResolveDisagreementResponse response;
  if (!response.ParseFromString(bytes)) return absl::InternalError("unreadable response");
  return response;
}

namespace {

struct ConsensusPass {
  std::vector<v1::ConsensusCoding> codings;
  std::vector<std::string> unresolved;
  int64_t disagreements = 0;
  int64_t resolved = 0;
  // Per coder, 2x2 counts (coder value x consensus value) over every
  // (unit, code) cell the consensus settles among the codes used.
  std::vector<std::array<int64_t, 4>> tables;
};

// Walks every unit once: agreed values, resolutions, and (when
// `compare`) each coder against the consensus.
ConsensusPass WalkConsensus(const RoundData& data, const ItemBuilder& items,
                            const std::map<std::string, v1::Resolution>& resolutions,
                            bool keep_codings, bool compare) {
  ConsensusPass pass;
  const int coders = data.num_coders();
  pass.tables.assign(coders, {0, 0, 0, 0});
  std::set<int> used;  // codes anyone applied
  int64_t settled_cells = 0, unsettled_cells = 0;
  std::vector<Item> unit_items;
  for (int d = 0; d < data.num_documents(); ++d) {
    const RoundLayout::Document& doc = data.layout().documents[d];
    for (int64_t s = 0; s < static_cast<int64_t>(doc.segments.size()); ++s) {
      items.Items(d, s, &unit_items);
      for (const Item& item : unit_items) {
        std::optional<int> value;  // the consensus: a code index or -1
        const v1::Resolution* resolution = nullptr;
        std::string id;
        if (item.agreed) {
          value = item.values[0];
        } else {
          ++pass.disagreements;
          id = ItemId(doc.id, s, item.is_domain, items.key(item));
          auto it = resolutions.find(id);
          if (it != resolutions.end()) {
            ++pass.resolved;
            resolution = &it->second;
            value = resolution->value() == kNone ? -1 : items.FindCode(resolution->value());
          } else if (keep_codings) {
            pass.unresolved.push_back(id);
          }
        }
        if (keep_codings && value && *value >= 0) {
          v1::ConsensusCoding& c = pass.codings.emplace_back();
          c.set_document(doc.id);
          c.set_segment(s);
          c.set_code(items.code(*value));
          c.set_source(resolution ? "resolved" : "agreed");
          if (resolution) {
            c.set_rationale(resolution->rationale());
            c.set_resolved_by(resolution->resolved_by());
            c.set_disagreement(resolution->id());
          }
        }
        if (!compare) continue;
        // The binary cells of this item: the code itself, or each code of
        // the domain.
        std::vector<int> cell_codes = item.is_domain ? items.domain_codes(item.key)
                                                     : std::vector<int>{item.key};
        for (int c : cell_codes) {
          used.insert(c);
          if (!value) {
            ++unsettled_cells;
            continue;
          }
          ++settled_cells;
          const int truth = *value == c ? 1 : 0;
          for (int j = 0; j < coders; ++j) {
            const int given = item.values[j] == c ? 1 : 0;
            ++pass.tables[j][given * 2 + truth];
          }
        }
      }
    }
  }
  if (compare) {
    // Cells nobody touched: every coder and the consensus agree on 0.
    int64_t untouched = data.num_units() * static_cast<int64_t>(used.size()) - settled_cells -
                        unsettled_cells;
    for (auto& t : pass.tables) t[0] += std::max<int64_t>(untouched, 0);
  }
  return pass;
}

}  // namespace

absl::StatusOr<v1::GetConsensusResponse> LiveAgreement::Consensus(
    const coding::Caller& caller, const v1::GetConsensusRequest& request) {
  const std::string& project = request.project();
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, project, request.round()));
  ICR_RETURN_IF_ERROR(CheckVisible(caller, round, /*shows_codings=*/true));
  ICR_ASSIGN_OR_RETURN(Codebook book, Codebook::Load(store_, project));
  ICR_ASSIGN_OR_RETURN(Locked locked, Acquire(project, round));
  ICR_RETURN_IF_ERROR(LoadResolutions(project, round.id(), locked.entry()));
  std::lock_guard<std::mutex> lock(locked.entry().resolutions_mutex);
  const ItemBuilder items(locked.data(), book);
  ConsensusPass pass = WalkConsensus(locked.data(), items, locked.entry().resolutions,
                                     /*keep_codings=*/true, /*compare=*/false);
  v1::GetConsensusResponse response;
  response.set_round(round.id());
  for (auto& c : pass.codings) *response.add_codings() = std::move(c);
  for (auto& id : pass.unresolved) response.add_unresolved(std::move(id));
  response.set_resolved(pass.resolved);
  return response;
}

absl::StatusOr<v1::ComputeAgreementResponse> LiveAgreement::Compute(
    const coding::Caller& caller, const v1::ComputeAgreementRequest& request) {
  const absl::Time start = absl::Now();
  const std::string& project = request.project();
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, project, request.round()));
  ICR_ASSIGN_OR_RETURN(Codebook book, Codebook::Load(store_, project));
  ICR_ASSIGN_OR_RETURN(Query q, MakeQuery(request, round, book, options_));
  ICR_RETURN_IF_ERROR(CheckVisible(caller, round, /*shows_codings=*/false));
  ICR_ASSIGN_OR_RETURN(Locked locked, Acquire(project, round));
  const RoundData& data = locked.data();

  v1::ComputeAgreementResponse response;
  response.set_round(round.id());
  response.set_analysis(q.analysis);
  response.set_round_state(v1::RoundState_Name(round.state()));
  response.set_level(q.analysis == "set" ? agreement::MetricName(q.set_metric) : "nominal");
  if (q.analysis == "domain" || q.analysis == "span") response.set_level("");
  for (const std::string& c : q.coder_names) response.add_coders(c);
  if (q.analysis == "code") {
    ICR_RETURN_IF_ERROR(CodeAnalysis(data, book, q, options_, &response));
  } else if (q.analysis == "domain") {
    ICR_RETURN_IF_ERROR(DomainAnalysis(data, book, q, options_, &response));
  } else if (q.analysis == "set") {
    ICR_RETURN_IF_ERROR(SetAnalysis(data, book, q, options_, &response));
  } else {
    ICR_RETURN_IF_ERROR(SpanAnalysis(data, book, q, &response));
  }

  // After the round has left OPEN: how many disagreements, how many are
  // resolved, and ("negotiated") each coder against the consensus.
  if (round.state() != v1::OPEN) {
    ICR_RETURN_IF_ERROR(LoadResolutions(project, round.id(), locked.entry()));
    std::lock_guard<std::mutex> lock(locked.entry().resolutions_mutex);
    const auto& resolutions = locked.entry().resolutions;
    const ItemBuilder items(data, book);
    const ConsensusPass pass = WalkConsensus(data, items, resolutions, /*keep_codings=*/false,
                                             /*compare=*/!resolutions.empty());
    response.set_disagreements(pass.disagreements);
    response.set_resolved(pass.resolved);
    if (!resolutions.empty()) {
      for (int j = 0; j < data.num_coders(); ++j) {
        const auto& t = pass.tables[j];
        v1::ConsensusAgreement* row = response.add_negotiated();
        row->set_coder(data.layout().coders[j]);
        const int64_t n = t[0] + t[1] + t[2] + t[3];
        row->set_units(n);
        if (n > 0) row->set_percent_agreement(static_cast<double>(t[0] + t[3]) / n);
        *row->mutable_cohen_kappa() =
            CoefficientToProto(agreement::CohenKappaFromTable(t, 2));
      }
    }
  }
  response.set_version(locked.entry().applied + locked.entry().resolution_changes);
  const absl::Time now = absl::Now();
  response.mutable_compute_time()->set_seconds(absl::ToUnixSeconds(now));
  response.set_compute_micros(absl::ToInt64Microseconds(now - start));
  return response;
}

}  // namespace icr::live
