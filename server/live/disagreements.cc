#include "server/live/disagreements.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/common/status_macros.h"

namespace icr::live {

std::string ItemId(const std::string& document, int64_t segment, bool is_domain,
                   const std::string& key) {
  return is_domain ? absl::StrCat(document, ":", segment, ":domain:", key)
                   : absl::StrCat(document, ":", segment, ":", key);
}

std::optional<ParsedId> ParseItemId(std::string_view id) {
  std::vector<std::string> parts = absl::StrSplit(absl::string_view(id.data(), id.size()), ':');
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

ItemBuilder::ItemBuilder(const RoundData& data, const Codebook& book) : data_(data), book_(book) {
  auto intern = [&](const std::string& code) {
    auto [it, inserted] = index_.emplace(code, static_cast<int>(codes_.size()));
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

int ItemBuilder::FindCode(const std::string& id) const {
  auto it = index_.find(book_.Effective(id));
  return it == index_.end() ? -1 : it->second;
}

namespace {

bool Agreed(const std::vector<int>& values) {
  int first = kAbsent;
  for (int v : values) {
    if (v == kAbsent) continue;
    if (first == kAbsent) first = v;
    if (v != first) return false;
  }
  return true;
}

}  // namespace

void ItemBuilder::Items(int document, int64_t segment, CoderMask counted,
                        std::vector<Item>* out) const {
  out->clear();
  if (counted == 0) return;
  const int coders = data_.num_coders();
  std::map<int, CoderMask> codes;  // code index -> counted coders who applied it
  for (const RoundData::Entry& e : data_.unit(document, segment)) {
    if (e.total() > 0 && ((counted >> e.coder) & 1)) {
      codes[raw_to_code_[e.code]] |= CoderMask{1} << e.coder;
    }
  }
  auto blank = [&] {
    std::vector<int> values(coders, kAbsent);
    for (int j = 0; j < coders; ++j) {
      if ((counted >> j) & 1) values[j] = kNoValue;
    }
    return values;
  };
  for (const auto& [c, mask] : codes) {
    if (in_domain_[c]) continue;
    Item item;
    item.key = c;
    item.values = blank();
    for (int j = 0; j < coders; ++j) {
      if ((mask >> j) & 1) item.values[j] = c;
    }
    item.agreed = Agreed(item.values);
    out->push_back(std::move(item));
  }
  std::sort(out->begin(), out->end(),
            [&](const Item& a, const Item& b) { return codes_[a.key] < codes_[b.key]; });
  for (size_t d = 0; d < domain_codes_.size(); ++d) {
    Item item;
    item.is_domain = true;
    item.key = static_cast<int>(d);
    item.values = blank();
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
    item.agreed = Agreed(item.values);
    out->push_back(std::move(item));
  }
}

ResolutionIndex::ResolutionIndex(const ResolutionMap& stored, const Codebook& book) {
  auto later = [](const v1::Resolution& a, const v1::Resolution& b) {
    return std::make_tuple(a.resolve_time().seconds(), a.resolve_time().nanos(), a.replaces(),
                           a.id()) > std::make_tuple(b.resolve_time().seconds(),
                                                     b.resolve_time().nanos(), b.replaces(),
                                                     b.id());
  };
  for (const auto& [id, resolution] : stored) {
    const bool is_domain = !resolution.domain().empty();
    const std::string key =
        ItemId(resolution.document(), resolution.segment(), is_domain,
               is_domain ? resolution.domain() : book.Effective(resolution.code()));
    const v1::Resolution*& slot = by_item_[key];
    if (slot == nullptr || later(resolution, *slot)) slot = &resolution;
  }
}

const v1::Resolution* ResolutionIndex::Find(const std::string& item_id) const {
  auto it = by_item_.find(item_id);
  return it == by_item_.end() ? nullptr : it->second;
}

int ResolutionIndex::ValueOf(const v1::Resolution& resolution, const ItemBuilder& items,
                             const Codebook& book) {
  if (resolution.value() == kNone) return kNoValue;
  return items.FindCode(book.Effective(resolution.value()));
}

std::optional<int> Majority(const std::vector<int>& values) {
  std::map<int, int> count;
  int voters = 0;
  for (int v : values) {
    if (v == kAbsent) continue;
    ++count[v];
    ++voters;
  }
  for (const auto& [v, n] : count) {
    if (2 * n > voters) return v;
  }
  return std::nullopt;
}

void FillDisagreement(const ItemBuilder& items, const RoundData& data, int document,
                      int64_t segment, const Item& item, const ResolutionIndex& resolutions,
                      v1::Disagreement* out) {
  const RoundLayout::Document& doc = data.layout().documents[document];
  out->set_id(ItemId(doc.id, segment, item.is_domain, items.key(item)));
  out->set_document(doc.id);
  out->set_segment(segment);
  out->set_start(doc.segments[segment].start());
  out->set_end(doc.segments[segment].end());
  (item.is_domain ? *out->mutable_domain() : *out->mutable_code()) = items.key(item);
  for (int j = 0; j < data.num_coders(); ++j) {
    if (item.values[j] == kAbsent) continue;
    (*out->mutable_values())[data.layout().coders[j]] = items.value(item.values[j]);
  }
  if (const std::optional<int> majority = Majority(item.values)) {
    out->set_suggestion(items.value(*majority));
  }
  if (const v1::Resolution* r = resolutions.Find(out->id())) *out->mutable_resolution() = *r;
}

absl::StatusOr<ConsensusPass> WalkConsensus(const RoundData& data, const UnitSelection& units,
                                            const ItemBuilder& items, const Codebook& book,
                                            const ResolutionIndex& resolutions,
                                            bool include_unfinished, bool keep_codings,
                                            bool compare, const Interrupt& interrupt) {
  ConsensusPass pass;
  const int coders = data.num_coders();
  pass.tables.assign(coders, {0, 0, 0, 0});
  std::set<int> used;  // codes anyone applied
  // Per coder: units in the documents where the coder counts, and the
  // cells of those units the walk visited.
  std::vector<int64_t> coder_units(coders, 0), coder_cells(coders, 0);
  std::vector<Item> unit_items;
  for (int d = 0; d < data.num_documents(); ++d) {
    const RoundLayout::Document& doc = data.layout().documents[d];
    const CoderMask counted = data.Counted(d, include_unfinished);
    for (int j = 0; j < coders; ++j) {
      if ((counted >> j) & 1) coder_units[j] += units.count(d);
    }
    for (int64_t i = 0; i < units.count(d); ++i) {
      ICR_RETURN_IF_ERROR(interrupt.Poll());
      const int64_t s = units.segment(d, i);
      items.Items(d, s, counted, &unit_items);
      for (const Item& item : unit_items) {
        std::optional<int> value;  // the consensus: a code index or kNoValue
        const v1::Resolution* resolution = nullptr;
        const std::string id = ItemId(doc.id, s, item.is_domain, items.key(item));
        if (item.agreed) {
          for (int v : item.values) {
            if (v != kAbsent) value = v;
          }
        } else {
          ++pass.disagreements;
          resolution = resolutions.Find(id);
          if (resolution != nullptr) {
            ++pass.resolved;
            value = ResolutionIndex::ValueOf(*resolution, items, book);
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
        const std::vector<int> cell_codes =
            item.is_domain ? items.domain_codes(item.key) : std::vector<int>{item.key};
        for (int c : cell_codes) {
          used.insert(c);
          for (int j = 0; j < coders; ++j) {
            if (item.values[j] == kAbsent) continue;
            ++coder_cells[j];
            if (!value) continue;
            const int truth = *value == c ? 1 : 0;
            const int given = item.values[j] == c ? 1 : 0;
            ++pass.tables[j][given * 2 + truth];
          }
        }
      }
    }
  }
  if (compare) {
    // Cells nobody touched: the coder and the consensus agree on 0.
    for (int j = 0; j < coders; ++j) {
      const int64_t untouched = coder_units[j] * static_cast<int64_t>(used.size()) - coder_cells[j];
      pass.tables[j][0] += std::max<int64_t>(untouched, 0);
    }
  }
  return pass;
}

}  // namespace icr::live
