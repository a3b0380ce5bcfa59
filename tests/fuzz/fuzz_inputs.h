#ifndef ICR_TESTS_FUZZ_FUZZ_INPUTS_H_
#define ICR_TESTS_FUZZ_FUZZ_INPUTS_H_

// What each fuzz target does with one input. Shared by the libFuzzer
// binaries (fuzz_main.cc, built with -DICR_FUZZ=ON and clang) and by
// fuzz_regression_test, which replays every kept input in the default build.
// Each must return normally whatever `data` is; a broken invariant aborts.

#include <string_view>

namespace icr::fuzz {

// `icr stats` input: the CSV parsed in every layout, with and without sets;
// what parses is put in scale order and analysed.
void StatsCsvInput(std::string_view data);

// `icr coding submit` input: the coding CSV; every row accepted must be one
// the client may send (a document, a code, a segment or a span start < end).
void CodingCsvInput(std::string_view data);

// Document text: UTF-8 validation, measuring, each segmentation and offset
// conversion between code points, UTF-16 units and bytes (round trips must
// agree; offsets inside a character must be refused).
void TextInput(std::string_view data);

// A request to a real in-process server: the first byte picks the RPC, the
// second the caller and which ids to pin to the seeded project, the rest is
// parsed as the request message. No call may crash the server, and after
// every call the stored project must still be valid (ids, UTF-8, sizes,
// segments and spans inside their documents, codings of known codes).
void RequestInput(std::string_view data);

}  // namespace icr::fuzz

#endif  // ICR_TESTS_FUZZ_FUZZ_INPUTS_H_
