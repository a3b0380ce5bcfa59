#include "server/catalog/catalog.h"

#include "server/catalog/catalog_internal.h"

namespace icr::catalog {

Catalog::Catalog(storage::Store& store, storage::Writer& writer, const CatalogOptions& options)
    : store_(store), writer_(writer), options_(options) {}

// --- Audit ------------------------------------------------------------------

absl::StatusOr<v1::ListEventsResponse> Catalog::ListEvents(std::string_view chain,
                                                           int32_t page_size,
                                                           std::string_view page_token) const {
  if (page_size < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (page_size == 0) page_size = kDefaultPageSize;
  page_size = std::min(page_size, kMaxPageSize);
  int64_t after_seq = 0;
  if (!page_token.empty()) {
    for (char c : page_token) {
      if (c < '0' || c > '9' || after_seq > (int64_t{1} << 50)) {
        return absl::InvalidArgumentError("page_token: not a token this server issued");
      }
      after_seq = after_seq * 10 + (c - '0');
    }
  }
  v1::ListEventsResponse response;
  const std::string prefix = storage::EventPrefix(chain);
  const std::string start_after = after_seq > 0 ? storage::EventKey(chain, after_seq) : "";
  absl::Status parse_status;
  bool more = false;
  ICR_RETURN_IF_ERROR(store_.Scan(
      Family::kEvents, prefix, start_after, [&](std::string_view, std::string_view value) {
        if (response.events_size() == page_size) {
          more = true;
          return false;
        }
        v1::StoredEvent stored;
        v1::EventRecord* record = response.add_events();
        if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
            !record->mutable_event()->ParseFromString(stored.event())) {
          parse_status = absl::DataLossError("unreadable audit event");
          return false;
        }
        record->set_seq(record->event().seq());
        record->set_event_bytes(stored.event());
        record->set_hash(stored.hash());
        return true;
      }));
  ICR_RETURN_IF_ERROR(parse_status);
  if (more) response.set_next_page_token(std::to_string(response.events().rbegin()->seq()));
  return response;
}

}  // namespace icr::catalog
