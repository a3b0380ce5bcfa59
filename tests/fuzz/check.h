#ifndef ICR_TESTS_FUZZ_CHECK_H_
#define ICR_TESTS_FUZZ_CHECK_H_

// FUZZ_CHECK(condition) << "message": aborts with the message when an
// invariant breaks, in the fuzzers and in the regression test alike.

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace icr::fuzz {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition) {
    stream_ << file << ":" << line << ": invariant broken: " << condition << ": ";
  }
  ~CheckFailure() {
    std::cerr << stream_.str() << std::endl;
    std::abort();
  }
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

}  // namespace icr::fuzz

#define FUZZ_CHECK(condition) \
  if (condition) {            \
  } else                      \
    ::icr::fuzz::CheckFailure(__FILE__, __LINE__, #condition).stream()

#endif  // ICR_TESTS_FUZZ_CHECK_H_
