#ifndef ICR_CLIENT_AGREEMENT_COMMANDS_H_
#define ICR_CLIENT_AGREEMENT_COMMANDS_H_

// `icr agreement`, `icr disagreements`, `icr resolve`, `icr consensus`
// (DESIGN §10): live agreement on a round, its disagreements, their
// resolution, and the consensus coding.

#include <string>

#include "CLI/CLI.hpp"
#include "client/global_options.h"
#include "icr/v1/agreement.pb.h"
#include "nlohmann/json.hpp"

namespace icr::client {

void AddAgreementCommands(CLI::App& app, GlobalOptions& globals, int* exit_code);

// The JSON of DESIGN §10 for each answer (numbers as numbers; coefficient
// objects exactly as `icr stats` prints them).
nlohmann::json AgreementToJson(const v1::ComputeAgreementResponse& response);
nlohmann::json DisagreementsToJson(const v1::ListDisagreementsResponse& response);
nlohmann::json ConsensusToJson(const v1::GetConsensusResponse& response);

}  // namespace icr::client

#endif  // ICR_CLIENT_AGREEMENT_COMMANDS_H_
