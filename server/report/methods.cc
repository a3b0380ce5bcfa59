#include "server/report/methods.h"

#include <algorithm>
#include <map>
#include <set>

#include "server/report/apa.h"

namespace icr::report {
namespace {

std::string Plural(int64_t n, const std::string& one, const std::string& many) {
  return ApaCount(n) + " " + (n == 1 ? one : many);
}

// "a, b and c".
std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

// APA 7 §6.33: a number that begins a sentence is written as a word.
std::string SentenceStart(int64_t n, const std::string& one, const std::string& many) {
  static const char* const kWords[] = {"No",   "One", "Two",   "Three", "Four",
                                       "Five", "Six", "Seven", "Eight", "Nine"};
  if (n >= 0 && n < 10) return std::string(kWords[n]) + " " + (n == 1 ? one : many);
  return Plural(n, one, many);
}

// The codebook's shape: its active codes, and how the hierarchy groups
// them (codes under categories, categories under themes).
std::string CodebookText(const ReportData& data) {
  std::map<std::string, const Code*> by_id;
  std::map<std::string, int64_t> children;
  for (const Code& c : data.codes) {
    if (c.state != "ACTIVE") continue;
    by_id[c.id] = &c;
  }
  for (const auto& [id, c] : by_id) {
    if (!c->parent.empty() && by_id.count(c->parent)) ++children[c->parent];
  }
  auto depth_of = [&](const Code* c) {
    int depth = 1;
    while (!c->parent.empty() && by_id.count(c->parent) && depth < 16) {
      c = by_id[c->parent];
      ++depth;
    }
    return depth;
  };
  int deepest = 1;
  for (const auto& [id, c] : by_id) deepest = std::max(deepest, depth_of(c));
  // Grouped codes sit at the deepest level; their parents are categories,
  // and the parents of categories themes. Codes outside the tree stand alone.
  int64_t grouped = 0, categories = 0, themes = 0, alone = 0;
  for (const auto& [id, c] : by_id) {
    const int depth = depth_of(c);
    const bool parent = children.count(id) > 0;
    if (depth == deepest && depth > 1) {
      ++grouped;
    } else if (parent && depth == deepest - 1) {
      ++categories;
    } else if (parent && depth == deepest - 2) {
      ++themes;
    } else if (!parent) {
      ++alone;
    }
  }
  std::string text =
      "a shared codebook of " + Plural(static_cast<int64_t>(by_id.size()), "code", "codes");
  if (deepest >= 2) {
    text += " (" + Plural(grouped, "code", "codes") + " grouped into " +
            Plural(categories, "category", "categories");
    if (themes > 0) text += " under " + Plural(themes, "theme", "themes");
    if (alone > 0) text += ", and " + ApaCount(alone) + " ungrouped";
    text += ")";
  }
  return text + ", codebook revision " + std::to_string(data.codebook_revision);
}

const agreement::Coefficient* Find(const std::optional<AgreementRow>& row,
                                   const std::string& name) {
  if (!row) return nullptr;
  for (const agreement::Coefficient& c : row->coefficients) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

std::string UnitsPhrase(const std::vector<std::string>& speakers,
                        const std::vector<std::string>& exclude_speakers) {
  if (!speakers.empty()) return "the speaker turns of " + List(speakers);
  if (!exclude_speakers.empty()) {
    return "the documents' segments other than the turns of " + List(exclude_speakers);
  }
  return "the documents' segments";
}

std::string MethodsSection::Paragraph() const {
  std::string out;
  for (const MethodsSentence& s : sentences) out += (out.empty() ? "" : " ") + s.text;
  return out;
}

MethodsSection BuildMethods(const ReportData& data, const Round& round,
                            const RoundAgreement& agreement) {
  MethodsSection section;
  section.round = round.id;
  std::set<std::string> references = {"oconnor2020", "krippendorff2019"};
  const int64_t created = round.history.empty() ? 1 : round.history.front().seq;
  const int64_t coded_until = std::max(created, round.last_coding_seq);

  // Who coded what, how.
  {
    std::string text =
        SentenceStart(static_cast<int64_t>(round.coders.size()), "coder", "coders") + " (" +
        List(round.coders) + ") independently coded " +
        Plural(static_cast<int64_t>(round.documents.size()), "document", "documents") + " (" +
        Plural(agreement.units, "unit", "units") +
        " of analysis: " + UnitsPhrase(agreement.speakers, agreement.exclude_speakers) + ") with " +
        CodebookText(data) + ".";
    if (!agreement.speakers.empty()) {
      text +=
          " Only these speakers' turns were units: the other turns (such as an "
          "interviewer's questions) are not coded, and counting them would have inflated "
          "agreement on the absence of every code.";
    } else if (!agreement.exclude_speakers.empty()) {
      text += " The turns of " + List(agreement.exclude_speakers) +
              " were not units: they are not coded, and counting them would have inflated "
              "agreement on the absence of every code.";
    }
    if (round.blind) {
      text += " Coding was blind: while the round was open, no coder could see another's codings.";
    }
    section.sentences.push_back({text, created, coded_until});
  }
  if (agreement.pairs_in_progress + agreement.pairs_not_started > 0) {
    const int64_t total =
        agreement.pairs_counted + agreement.pairs_in_progress + agreement.pairs_not_started;
    section.sentences.push_back(
        {"Agreement counts only the documents each coder had marked finished (" +
             ApaCount(agreement.pairs_counted) + " of " + ApaCount(total) +
             " coder\u2013document pairs); unfinished documents are treated as missing data.",
         created, coded_until});
  }

  // The coefficients chosen, with their values on the pooled overall row.
  {
    std::vector<std::string> parts;
    for (const std::string& name : agreement.coefficients) {
      const CoefficientInfo info = InfoFor(name);
      for (const std::string& key : info.references) references.insert(key);
      const agreement::Coefficient* c = Find(agreement.independent_overall, name);
      if (c == nullptr) continue;
      std::string part = info.label;
      if (!info.citation.empty()) part += " (" + info.citation + ")";
      if (!c->value) {
        part += " was undefined (" + c->reason + ")";
      } else {
        part += " was " + ApaCoefficient(*c->value);
        if (c->ci && c->ci->defined()) {
          part += ", " + std::to_string(static_cast<int>(c->ci->confidence * 100 + 0.5)) + "% CI " +
                  ApaInterval(c->ci->low, c->ci->high);
        }
      }
      parts.push_back(part);
    }
    std::string text =
        "Agreement was assessed for each code as its presence or absence on each unit (nominal "
        "level of measurement) and pooled over all codes (" +
        Plural(agreement.independent_overall ? agreement.independent_overall->units : 0,
               "code\u2013unit pair", "code\u2013unit pairs") +
        "): " + List(parts) + ".";
    if (agreement.interval == "bootstrap" && agreement.bootstrap_samples > 0) {
      references.insert("hayes2007");
      text +=
          " Intervals are percentile bootstrap intervals over units (Hayes & Krippendorff, "
          "2007; " +
          ApaCount(agreement.bootstrap_samples) + " replicates, seed " +
          std::to_string(agreement.seed) + ").";
    } else if (agreement.interval == "analytic") {
      references.insert("gwet2008");
      references.insert("gwet2014");
      text +=
          " Intervals are from analytic standard errors (Gwet, 2008, 2014), computed as the "
          "irrCAC package computes them, with the t distribution on n \u2212 1 degrees of "
          "freedom.";
    } else if (!agreement.interval_note.empty()) {
      text += " No interval is reported: " + agreement.interval_note + ".";
    }
    section.sentences.push_back({text, created, coded_until});
  }

  // The threshold, and how many codes met it.
  {
    const std::string headline =
        agreement.coefficients.empty() ? "krippendorff_alpha" : agreement.coefficients.front();
    int64_t reliable = 0, tentative = 0, defined = 0;
    for (const AgreementRow& row : agreement.independent) {
      for (const agreement::Coefficient& c : row.coefficients) {
        if (c.name != headline || !c.value) continue;
        ++defined;
        if (*c.value >= 0.8) {
          ++reliable;
        } else if (*c.value >= 0.667) {
          ++tentative;
        }
      }
    }
    const std::string symbol = InfoFor(headline).symbol;
    std::string text =
        "Following Krippendorff (2019), " + symbol + " \u2265 .800 was taken as reliable and " +
        symbol + " \u2265 .667 as acceptable for tentative conclusions; " + ApaCount(reliable) +
        " of the " + Plural(static_cast<int64_t>(agreement.independent.size()), "code", "codes") +
        " applied in the round reached .800 and " + ApaCount(tentative) + " more reached .667";
    if (defined < static_cast<int64_t>(agreement.independent.size())) {
      text += " (" + ApaCount(static_cast<int64_t>(agreement.independent.size()) - defined) +
              " undefined)";
    }
    section.sentences.push_back({text + ".", created, coded_until});
  }

  // Disagreements and their resolution.
  {
    std::string text = "The coders disagreed on " +
                       Plural(agreement.disagreements, "code\u2013unit (or domain\u2013unit) pair",
                              "code\u2013unit (or domain\u2013unit) pairs");
    if (round.state == "OPEN") {
      text =
          "The round is still open for coding; disagreements are counted and resolved into a "
          "consensus once it has left coding";
    } else if (agreement.resolved > 0) {
      text += "; " + ApaCount(agreement.resolved) + " of them " +
              (agreement.resolved == 1 ? "was" : "were") + " resolved into a consensus coding by " +
              (round.resolvers.empty() ? std::string("the lead") : List(round.resolvers)) +
              ", each with a recorded rationale";
      const int64_t open = agreement.disagreements - agreement.resolved;
      if (open > 0)
        text += ", and " + ApaCount(open) + (open == 1 ? " remains" : " remain") + " unresolved";
    } else {
      text += "; none has been resolved yet";
    }
    section.sentences.push_back(
        {text + ".", round.first_resolution_seq > 0 ? round.first_resolution_seq : created,
         std::max(coded_until, round.last_resolution_seq)});
  }

  // The trail.
  {
    references.insert("laurie2021");
    section.sentences.push_back(
        {"Every step is recorded in an append-only, tamper-evident audit trail (a hash chain "
         "under a Merkle tree whose head is signed with Ed25519; Laurie et al., 2021); these "
         "results were generated from the signed head of " +
             Plural(data.head.tree_size, "event", "events") + " (root hash " +
             data.head.root_hash_hex.substr(0, 16) +
             "\u2026), which a reader can verify offline with the command icr audit verify.",
         1, data.head.tree_size});
  }
  for (const Reference& r : References()) {
    if (references.count(r.key)) section.references.push_back(r.key);
  }
  return section;
}

}  // namespace icr::report
