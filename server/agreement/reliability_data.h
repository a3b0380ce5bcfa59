#ifndef ICR_SERVER_AGREEMENT_RELIABILITY_DATA_H_
#define ICR_SERVER_AGREEMENT_RELIABILITY_DATA_H_

// Reliability data (Krippendorff 2011, section A): a units x coders table
// whose cells hold a value, a set of values, or nothing (missing).
//
// Values are interned to dense category ids 0..k-1. Every computation in this
// library reads the ids only; labels are for output. When the data is
// set-valued (several codes per unit and coder), each distinct set is one
// category whose `members` list its elements, so a set distance (Jaccard,
// MASI) is a distance between categories and the coincidence machinery is the
// same as for single values.
//
// Category ids are in scale order: after `OrderCategories()` the ordinal
// metric and the weighted kappas read the order from the ids.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace icr::agreement {

// Measurement level of the values (Krippendorff 2011, section E).
enum class Level { kNominal, kOrdinal, kInterval, kRatio };

// "nominal", "ordinal", "interval", "ratio".
const char* LevelName(Level level);
std::optional<Level> ParseLevel(std::string_view name);

// Parses a whole label as a finite decimal number ("3", "-2.5", "1e3");
// nullopt for anything else ("", "3a", "nan", "inf").
std::optional<double> ParseNumber(std::string_view label);

struct Category {
  std::string label;
  // The label read as a number, when it is one.
  std::optional<double> number;
  // For a set-valued category: the ids of its elements in `Elements()`,
  // sorted ascending and distinct. Empty for a plain value (and for the empty
  // set, which `is_set` tells apart).
  std::vector<int32_t> members;
  bool is_set = false;
};

class ReliabilityData {
 public:
  static constexpr int32_t kMissing = -1;

  ReliabilityData() = default;
  // An all-missing table; cells are filled with set_value().
  ReliabilityData(std::vector<std::string> unit_names, std::vector<std::string> coder_names);
  // A table over `num_units` unnamed units (benchmarks, generated data).
  ReliabilityData(int64_t num_units, std::vector<std::string> coder_names);

  int64_t num_units() const { return num_units_; }
  int num_coders() const { return static_cast<int>(coder_names_.size()); }
  int num_categories() const { return static_cast<int>(categories_.size()); }

  // Unit names may be empty (unnamed units); unit_name() then gives "#<index>".
  std::string unit_name(int64_t unit) const;
  const std::vector<std::string>& coder_names() const { return coder_names_; }
  const Category& category(int32_t id) const { return categories_[id]; }
  const std::vector<Category>& categories() const { return categories_; }

  // The category id in a cell, or kMissing.
  int32_t value(int64_t unit, int coder) const { return cells_[unit * num_coders() + coder]; }
  void set_value(int64_t unit, int coder, int32_t category) {
    cells_[unit * num_coders() + coder] = category;
  }
  // The cells of one unit: num_coders() ids, row-major storage.
  const int32_t* unit_row(int64_t unit) const { return cells_.data() + unit * num_coders(); }
  // The same for filling a table in place (rows of different units may be
  // written from different threads).
  int32_t* mutable_unit_row(int64_t unit) { return cells_.data() + unit * num_coders(); }
  const std::vector<int32_t>& cells() const { return cells_; }

  // The id of the value `label`, interned on first use.
  int32_t InternValue(std::string_view label);
  // The id of the set of values with the given element labels (order and
  // repetition do not matter), interned on first use. Its label is the
  // elements joined with ";" in element-id order.
  int32_t InternSet(const std::vector<std::string_view>& element_labels);
  // The id of the category labelled `label`, or nullopt.
  std::optional<int32_t> FindCategory(std::string_view label) const;

  // True when some category is a set (several codes per unit and coder).
  bool set_valued() const { return set_valued_; }
  // The distinct elements of the set-valued categories.
  const std::vector<std::string>& elements() const { return elements_; }

  // True when every category label is a number.
  bool all_numeric() const;

  // Puts the categories in scale order and renumbers every cell:
  //  - with `order` (labels, low to high): that order; every used category
  //    must be listed (else INVALID_ARGUMENT naming the first that is not);
  //    listed labels not in the data are added as unused categories;
  //  - else, when every label is a number: ascending numeric order;
  //  - else: first-appearance order (the ids stay as they are).
  absl::Status OrderCategories(const std::vector<std::string>& order = {});

  // Adds each label that is not a category yet as an unused category (a
  // declared value domain).
  void AddUnusedCategories(const std::vector<std::string>& labels);

 private:
  int32_t AddCategory(Category category);

  int64_t num_units_ = 0;
  std::vector<std::string> unit_names_;
  std::vector<std::string> coder_names_;
  std::vector<Category> categories_;
  absl::flat_hash_map<std::string, int32_t> category_ids_;
  std::vector<std::string> elements_;
  absl::flat_hash_map<std::string, int32_t> element_ids_;
  absl::flat_hash_map<std::vector<int32_t>, int32_t> set_ids_;
  bool set_valued_ = false;
  std::vector<int32_t> cells_;
};

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_RELIABILITY_DATA_H_
