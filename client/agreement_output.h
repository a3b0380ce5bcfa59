#ifndef ICR_CLIENT_AGREEMENT_OUTPUT_H_
#define ICR_CLIENT_AGREEMENT_OUTPUT_H_

// What `icr agreement`, `icr disagreements` and `icr consensus` print: the
// JSON of DESIGN §10 for each answer, and the agreement table as text or CSV.

#include <ostream>
#include <string>

#include "client/global_options.h"
#include "icr/v1/agreement.pb.h"
#include "nlohmann/json.hpp"

namespace icr::client {

// The JSON of DESIGN §10 for each answer (numbers as numbers; coefficient
// objects exactly as `icr stats` prints them).
nlohmann::json AgreementToJson(const v1::ComputeAgreementResponse& response);
nlohmann::json DisagreementsToJson(const v1::ListDisagreementsResponse& response);
nlohmann::json ConsensusToJson(const v1::GetConsensusResponse& response);

// An agreement answer as --output asks: JSON (one line per update while
// `watching`), CSV, or a table with the pairwise, influence, revision and
// consensus tables and the warnings after it.
void PrintAgreement(const GlobalOptions& globals, const v1::ComputeAgreementResponse& response,
                    bool watching, std::ostream& out);

// Which (coder, document) pairs an answer counted: only finished work
// unless --include_unfinished.
std::string WorkLine(const v1::WorkCounted& work);

// Which segments were units (units by speaker): "the turns of P12, P13",
// "every segment but the turns of Interviewer" or "every segment".
std::string UnitsText(const google::protobuf::RepeatedPtrField<std::string>& speakers,
                      const google::protobuf::RepeatedPtrField<std::string>& exclude_speakers);

}  // namespace icr::client

#endif  // ICR_CLIENT_AGREEMENT_OUTPUT_H_
