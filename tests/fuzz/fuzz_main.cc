// libFuzzer entry point; ICR_FUZZ_INPUT names the function of fuzz_inputs.h
// this binary feeds (see tests/fuzz/CMakeLists.txt).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  icr::fuzz::ICR_FUZZ_INPUT(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
