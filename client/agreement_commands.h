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

// Which segments were units (units by speaker): "the turns of P12, P13",
// "every segment but the turns of Interviewer" or "every segment".
std::string UnitsText(const google::protobuf::RepeatedPtrField<std::string>& speakers,
                      const google::protobuf::RepeatedPtrField<std::string>& exclude_speakers);

}  // namespace icr::client

#endif  // ICR_CLIENT_AGREEMENT_COMMANDS_H_
