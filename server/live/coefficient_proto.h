#ifndef ICR_SERVER_LIVE_COEFFICIENT_PROTO_H_
#define ICR_SERVER_LIVE_COEFFICIENT_PROTO_H_

// agreement::Coefficient <-> icr.v1.Coefficient, losslessly, so that the
// server sends exactly what the engine computed and `icr agreement` prints
// it as `icr stats` does. An intraclass correlation's F interval and test
// travel as ci_low, ci_high, p_value and se_confidence with se_method
// "f_distribution" and no se; its F statistic and degrees of freedom do not
// travel.

#include "icr/v1/agreement.pb.h"
#include "server/agreement/coefficient.h"

namespace icr::live {

v1::Coefficient CoefficientToProto(const agreement::Coefficient& c);
agreement::Coefficient CoefficientFromProto(const v1::Coefficient& c);

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_COEFFICIENT_PROTO_H_
