#ifndef ICR_SERVER_STORAGE_PROTO_IO_H_
#define ICR_SERVER_STORAGE_PROTO_IO_H_

// Reading stored protobuf values, from the database or through a pending
// mutation group.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"

namespace icr::storage {

// Parses `bytes` as a Message; nullopt stays nullopt. DATA_LOSS names `what`
// when the bytes do not parse.
template <typename Message>
absl::StatusOr<std::optional<Message>> ParseStored(absl::StatusOr<std::optional<std::string>> bytes,
                                                   const std::string& what) {
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::nullopt;
  Message message;
  if (!message.ParseFromString(**bytes)) return absl::DataLossError(absl::StrCat("unreadable ", what));
  return message;
}

template <typename Message>
absl::StatusOr<std::optional<Message>> ReadProto(const Store& store, Family family,
                                                 const std::string& key) {
  return ParseStored<Message>(store.Get(family, key), key);
}

template <typename Message>
absl::StatusOr<std::optional<Message>> ReadProto(const MutationContext& context, Family family,
                                                 const std::string& key) {
  return ParseStored<Message>(context.Get(family, key), key);
}

}  // namespace icr::storage

#endif  // ICR_SERVER_STORAGE_PROTO_IO_H_
