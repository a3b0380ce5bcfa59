#ifndef ICR_TESTS_REFI_FUZZ_REFI_FUZZ_INPUT_H_
#define ICR_TESTS_REFI_FUZZ_REFI_FUZZ_INPUT_H_

// What the REFI-QDA fuzzer does with one input, shared by the libFuzzer
// target and the regression test that replays kept inputs.

#include <string_view>

namespace icr::refi {

// Feeds `data` to every reader: as a .qdpx archive (then plans the import
// in both position units), as a .qde project, and as a .qdc codebook; and
// writes back what was read. Must never crash, whatever `data` is.
void FuzzOneInput(std::string_view data);

}  // namespace icr::refi

#endif  // ICR_TESTS_REFI_FUZZ_REFI_FUZZ_INPUT_H_
