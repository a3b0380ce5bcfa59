#include "client/span_stats/span_stats.h"

namespace icr::client {

int RunSpanStats(const SpanStatsOptions& options, const GlobalOptions& globals,
                 std::ostream& out, std::ostream& err) {
  err << "icr stats --spans: not implemented yet\n";
  return kExitUsageError;
}

}  // namespace icr::client
