#ifndef ICR_SERVER_COMMON_STATUS_MACROS_H_
#define ICR_SERVER_COMMON_STATUS_MACROS_H_

// Debian 12's Abseil (20220623) ships neither ABSL_RETURN_IF_ERROR nor
// ABSL_ASSIGN_OR_RETURN; these are the project's one definition of both.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ICR_RETURN_IF_ERROR(expr)                  \
  do {                                             \
    ::absl::Status icr_status_ = (expr);           \
    if (!icr_status_.ok()) return icr_status_;     \
  } while (false)

#define ICR_STATUS_CONCAT_INNER_(a, b) a##b
#define ICR_STATUS_CONCAT_(a, b) ICR_STATUS_CONCAT_INNER_(a, b)

#define ICR_ASSIGN_OR_RETURN(lhs, expr) \
  ICR_ASSIGN_OR_RETURN_IMPL_(ICR_STATUS_CONCAT_(icr_statusor_, __LINE__), lhs, expr)

#define ICR_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                               \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

#endif  // ICR_SERVER_COMMON_STATUS_MACROS_H_
