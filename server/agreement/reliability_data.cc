#include "server/agreement/reliability_data.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace icr::agreement {
namespace {

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

const char* LevelName(Level level) {
  switch (level) {
    case Level::kNominal:
      return "nominal";
    case Level::kOrdinal:
      return "ordinal";
    case Level::kInterval:
      return "interval";
    case Level::kRatio:
      return "ratio";
  }
  return "nominal";
}

std::optional<Level> ParseLevel(std::string_view name) {
  if (name == "nominal") return Level::kNominal;
  if (name == "ordinal") return Level::kOrdinal;
  if (name == "interval") return Level::kInterval;
  if (name == "ratio") return Level::kRatio;
  return std::nullopt;
}

std::optional<double> ParseNumber(std::string_view label) {
  if (label.empty()) return std::nullopt;
  const char* begin = label.data();
  const char* end = begin + label.size();
  if (*begin == '+') ++begin;  // from_chars does not take a leading '+'
  double value = 0;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

ReliabilityData::ReliabilityData(std::vector<std::string> unit_names,
                                 std::vector<std::string> coder_names)
    : num_units_(static_cast<int64_t>(unit_names.size())),
      unit_names_(std::move(unit_names)),
      coder_names_(std::move(coder_names)),
      cells_(num_units_ * coder_names_.size(), kMissing) {}

ReliabilityData::ReliabilityData(int64_t num_units, std::vector<std::string> coder_names)
    : num_units_(num_units),
      coder_names_(std::move(coder_names)),
      cells_(num_units_ * coder_names_.size(), kMissing) {}

std::string ReliabilityData::unit_name(int64_t unit) const {
  if (unit < static_cast<int64_t>(unit_names_.size())) return unit_names_[unit];
  return absl::StrCat("#", unit + 1);
}

int32_t ReliabilityData::AddCategory(Category category) {
  categories_.push_back(std::move(category));
  return static_cast<int32_t>(categories_.size() - 1);
}

int32_t ReliabilityData::InternValue(std::string_view label) {
  auto it = category_ids_.find(AbslView(label));
  if (it != category_ids_.end()) return it->second;
  Category category;
  category.label = std::string(label);
  category.number = ParseNumber(label);
  int32_t id = AddCategory(std::move(category));
  category_ids_.emplace(std::string(label), id);
  return id;
}

int32_t ReliabilityData::InternSet(const std::vector<std::string_view>& element_labels) {
  std::vector<int32_t> members;
  members.reserve(element_labels.size());
  for (std::string_view label : element_labels) {
    auto it = element_ids_.find(AbslView(label));
    if (it == element_ids_.end()) {
      it = element_ids_.emplace(std::string(label), static_cast<int32_t>(elements_.size())).first;
      elements_.emplace_back(label);
    }
    members.push_back(it->second);
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  auto it = set_ids_.find(members);
  if (it != set_ids_.end()) return it->second;
  std::vector<std::string> names;
  for (int32_t m : members) names.push_back(elements_[m]);
  std::sort(names.begin(), names.end());
  Category category;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) category.label += ";";
    category.label += names[i];
  }
  category.members = members;
  category.is_set = true;
  set_valued_ = true;
  int32_t id = AddCategory(std::move(category));
  set_ids_.emplace(std::move(members), id);
  return id;
}

std::optional<int32_t> ReliabilityData::FindCategory(std::string_view label) const {
  auto it = category_ids_.find(AbslView(label));
  if (it != category_ids_.end()) return it->second;
  for (size_t i = 0; i < categories_.size(); ++i) {
    if (categories_[i].label == label) return static_cast<int32_t>(i);
  }
  return std::nullopt;
}

bool ReliabilityData::all_numeric() const {
  return std::all_of(categories_.begin(), categories_.end(),
                     [](const Category& c) { return !c.is_set && c.number.has_value(); });
}

void ReliabilityData::AddUnusedCategories(const std::vector<std::string>& labels) {
  for (const std::string& label : labels) {
    if (!FindCategory(label)) InternValue(label);
  }
}

absl::Status ReliabilityData::OrderCategories(const std::vector<std::string>& order) {
  const int k = num_categories();
  std::vector<int32_t> by_rank;  // by_rank[r] = old id
  if (!order.empty()) {
    std::vector<bool> listed(k, false);
    absl::flat_hash_map<std::string, int> seen;
    for (const std::string& label : order) {
      if (!seen.emplace(label, 0).second) {
        return absl::InvalidArgumentError(absl::StrCat("--order lists '", label, "' twice"));
      }
    }
    std::vector<int32_t> used(k, 0);
    for (int32_t id : cells_) {
      if (id != kMissing) used[id] = 1;
    }
    for (int c = 0; c < k; ++c) {
      if (used[c] && !seen.contains(categories_[c].label)) {
        return absl::InvalidArgumentError(
            absl::StrCat("value '", categories_[c].label, "' is not in --order"));
      }
    }
    AddUnusedCategories(order);
    for (const std::string& label : order) by_rank.push_back(*FindCategory(label));
    // Declared-but-unused categories that --order does not list keep their
    // place after the listed ones (they carry no values, so no weight).
    std::vector<bool> placed(categories_.size(), false);
    for (int32_t id : by_rank) placed[id] = true;
    for (size_t id = 0; id < categories_.size(); ++id) {
      if (!placed[id]) by_rank.push_back(static_cast<int32_t>(id));
    }
  } else if (all_numeric()) {
    by_rank.resize(k);
    std::iota(by_rank.begin(), by_rank.end(), 0);
    std::stable_sort(by_rank.begin(), by_rank.end(), [this](int32_t a, int32_t b) {
      return *categories_[a].number < *categories_[b].number;
    });
  } else {
    return absl::OkStatus();
  }
  const int total = static_cast<int>(by_rank.size());
  std::vector<int32_t> new_id(total);
  bool identity = true;
  for (int r = 0; r < total; ++r) {
    new_id[by_rank[r]] = r;
    identity = identity && by_rank[r] == r;
  }
  if (identity) return absl::OkStatus();
  std::vector<Category> reordered(total);
  for (int r = 0; r < total; ++r) reordered[r] = std::move(categories_[by_rank[r]]);
  categories_ = std::move(reordered);
  category_ids_.clear();
  set_ids_.clear();
  for (int r = 0; r < total; ++r) {
    if (categories_[r].is_set) {
      set_ids_.emplace(categories_[r].members, r);
    } else {
      category_ids_.emplace(categories_[r].label, r);
    }
  }
  for (int32_t& id : cells_) {
    if (id != kMissing) id = new_id[id];
  }
  return absl::OkStatus();
}

}  // namespace icr::agreement
