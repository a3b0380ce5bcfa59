// libFuzzer entry point for the REFI-QDA readers (build with -DICR_FUZZ=ON
// and clang; see tests/refi/CMakeLists.txt). Inputs that crashed once are
// kept in tests/data/refi/fuzz_regressions/ and replayed by refi_library_test.

#include <cstddef>
#include <cstdint>

#include "tests/refi/fuzz/refi_fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  icr::refi::FuzzOneInput(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
