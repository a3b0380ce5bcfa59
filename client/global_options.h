#ifndef ICR_CLIENT_GLOBAL_OPTIONS_H_
#define ICR_CLIENT_GLOBAL_OPTIONS_H_

// The `icr` command line's global flags (DESIGN §10), shared by every command.

#include <string>

namespace icr::client {

// Exit codes every command uses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitServerError = 1;  // the server answered with an error
inline constexpr int kExitUsageError = 2;   // bad flags or bad input file

enum class OutputFormat { kTable, kJson, kCsv };

struct GlobalOptions {
  std::string server = "127.0.0.1:50051";  // --server, env ICR_SERVER
  std::string token_file;                  // --token_file
  std::string token;                       // read from token_file, or env ICR_TOKEN
  std::string token_source;                // where `token` came from, for `icr whoami`
  OutputFormat output = OutputFormat::kTable;  // --output table|json|csv
  // TLS (DESIGN §7).
  std::string tls_ca;      // --tls_ca: trust this CA; enables TLS
  std::string tls_cert;    // --tls_cert / --tls_key: client certificate for mTLS
  std::string tls_key;
};

}  // namespace icr::client

#endif  // ICR_CLIENT_GLOBAL_OPTIONS_H_
