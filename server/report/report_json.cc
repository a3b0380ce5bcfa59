// The report as JSON: the same numbers, for machines.

#include "server/report/report.h"
#include "server/report/report_internal.h"

namespace icr::report {
namespace {

json CoefficientJson(const Coefficient& c) {
  json out = {{"name", c.name},           {"value", c.value ? json(*c.value) : json(nullptr)},
              {"defined", c.defined()},   {"reason", c.reason},
              {"observed", c.observed},   {"expected", c.expected},
              {"units", c.units},         {"pairable_values", c.pairable_values},
              {"interpretation", Band(c)}};
  if (c.ci && !c.ci->defined()) {
    out["ci"] = {{"defined", false},
                 {"undefined_reason", c.ci->undefined_reason},
                 {"confidence", c.ci->confidence},
                 {"samples", 0}};
  } else if (c.ci) {
    out["ci"] = {{"defined", true},
                 {"low", c.ci->low},
                 {"high", c.ci->high},
                 {"confidence", c.ci->confidence},
                 {"samples", c.ci->samples}};
  }
  if (c.p_below_min) out["p_below_min"] = *c.p_below_min;
  if (c.analytic && c.analytic->defined()) {
    // Analytic intervals: "ci" is the analytic interval (samples 0).
    if (out.contains("ci")) out["ci"]["method"] = "analytic";
    out["se"] = c.analytic->se;
    out["se_method"] = "analytic";
    if (c.analytic->p_value) out["p_value"] = *c.analytic->p_value;
    out["se_degrees_of_freedom"] = c.analytic->degrees_of_freedom;
  } else if (c.analytic) {
    out["se"] = nullptr;
    out["se_method"] = "analytic";
    out["se_reason"] = c.analytic->undefined_reason;
  }
  return out;
}

json RowJson(const AgreementRow& row) {
  json coefficients = json::array();
  for (const Coefficient& c : row.coefficients) coefficients.push_back(CoefficientJson(c));
  return {{"label", row.label}, {"units", row.units}, {"coefficients", coefficients}};
}

json RowsJson(const std::vector<AgreementRow>& rows) {
  json out = json::array();
  for (const AgreementRow& row : rows) out.push_back(RowJson(row));
  return out;
}

json AgreementJson(const RoundAgreement& a) {
  json pairwise = json::array();
  for (const PairCell& cell : a.pairwise) {
    pairwise.push_back({{"coder_a", cell.coder_a},
                        {"coder_b", cell.coder_b},
                        {"units", cell.units},
                        {"value", cell.value ? json(*cell.value) : json(nullptr)}});
  }
  json resolutions = json::array();
  for (const DisagreementResolution& r : a.resolutions) {
    resolutions.push_back({{"document", r.document},
                           {"unit", r.unit},
                           {"code", r.code},
                           {"values", r.values},
                           {"final_value", r.final_value},
                           {"rationale", r.rationale},
                           {"resolved_by", r.resolved_by},
                           {"time", r.time}});
  }
  return {{"headline", a.headline},
          {"coefficients", a.coefficients},
          {"interval", a.interval},
          {"bootstrap", a.bootstrap_samples},
          {"seed", a.seed},
          {"interval_note", a.interval_note},
          {"units", a.units},
          {"disagreements", a.disagreements},
          {"resolved", a.resolved},
          {"work",
           {{"pairs_counted", a.pairs_counted},
            {"pairs_in_progress", a.pairs_in_progress},
            {"pairs_not_started", a.pairs_not_started}}},
          {"independent",
           {{"rows", RowsJson(a.independent)},
            {"overall", a.independent_overall ? RowJson(*a.independent_overall) : json(nullptr)}}},
          {"negotiated",
           {{"rows", RowsJson(a.negotiated)},
            {"overall", a.negotiated_overall ? RowJson(*a.negotiated_overall) : json(nullptr)}}},
          {"pairwise_coefficient", a.pairwise_coefficient},
          {"pairwise", pairwise},
          {"resolutions", resolutions}};
}

json MethodsJson(const MethodsSection& methods) {
  json sentences = json::array();
  for (const MethodsSentence& s : methods.sentences) {
    sentences.push_back({{"text", s.text}, {"events", {s.first_event, s.last_event}}});
  }
  json references = json::array();
  for (const Reference& r : References()) {
    if (std::count(methods.references.begin(), methods.references.end(), r.key)) {
      references.push_back({{"key", r.key}, {"apa", r.apa}});
    }
  }
  return {{"paragraph", methods.Paragraph()}, {"sentences", sentences}, {"references", references}};
}

}  // namespace

std::string RenderJson(const ReportData& d) {
  json team = json::array();
  for (const TeamMember& m : d.team) {
    team.push_back({{"user", m.user},
                    {"role", m.role},
                    {"rounds", m.rounds},
                    {"codings_submitted", m.codings_submitted}});
  }
  json codes = json::array();
  for (const Code& c : d.codes) {
    codes.push_back({{"id", c.id},
                     {"name", c.name},
                     {"definition", c.definition},
                     {"parent", c.parent},
                     {"state", c.state},
                     {"merged_into", c.merged_into},
                     {"revision", c.revision}});
  }
  json changes = json::array();
  for (const CodebookChange& c : d.codebook_changes) {
    changes.push_back({{"seq", c.seq},
                       {"revision", c.revision},
                       {"time", c.time},
                       {"actor", c.actor},
                       {"action", c.action},
                       {"summary", c.summary}});
  }
  json rounds = json::array();
  for (const Round& r : d.rounds) {
    json history = json::array();
    for (const RoundEvent& e : r.history) {
      history.push_back({{"time", e.time}, {"what", e.what}, {"actor", e.actor}, {"seq", e.seq}});
    }
    auto it = d.agreement.find(r.id);
    json methods = nullptr;
    if (it != d.agreement.end()) methods = MethodsJson(BuildMethods(d, r, it->second));
    rounds.push_back(
        {{"id", r.id},
         {"title", r.title},
         {"state", r.state},
         {"blind", r.blind},
         {"codebook_revision", r.codebook_revision},
         {"documents", r.documents},
         {"coders", r.coders},
         {"speakers", r.speakers},
         {"exclude_speakers", r.exclude_speakers},
         {"history", history},
         {"agreement", it == d.agreement.end() ? json(nullptr) : AgreementJson(it->second)},
         {"methods", methods}});
  }
  const AuditHead& h = d.head;
  json out = {
      {"project", d.project},
      {"title", d.title},
      {"description", d.description},
      {"generated_time", d.generated_time},
      {"team", team},
      {"codebook", {{"revision", d.codebook_revision}, {"codes", codes}, {"changes", changes}}},
      {"rounds", rounds},
      {"audit_head",
       {{"project", h.project},
        {"tree_size", h.tree_size},
        {"root_hash", h.root_hash_hex},
        {"timestamp_ms", h.timestamp_ms},
        {"time", MillisText(h.timestamp_ms)},
        {"signature", h.signature_hex},
        {"key_id", h.key_id},
        {"public_key_pem", h.public_key_pem},
        {"line", HeadLineJson(h)}}},
      {"verification", kVerifyText}};
  return out.dump(2) + "\n";
}

}  // namespace icr::report
