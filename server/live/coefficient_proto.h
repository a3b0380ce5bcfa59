#ifndef ICR_SERVER_LIVE_COEFFICIENT_PROTO_H_
#define ICR_SERVER_LIVE_COEFFICIENT_PROTO_H_

// agreement::Coefficient <-> icr.v1.Coefficient, losslessly, so that the
// server sends exactly what the engine computed and `icr agreement` prints
// it as `icr stats` does.

#include "icr/v1/agreement.pb.h"
#include "server/agreement/coefficient.h"

namespace icr::live {

v1::Coefficient CoefficientToProto(const agreement::Coefficient& c);
agreement::Coefficient CoefficientFromProto(const v1::Coefficient& c);

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_COEFFICIENT_PROTO_H_
