// FUZZ_CHECK(condition): a property every input must keep. A failure prints
// the condition and aborts, which libFuzzer reports as a crash and saves the
// input that caused it.
#ifndef ITP_TESTS_FUZZ_FUZZ_CHECK_H_
#define ITP_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                          \
  do {                                                                 \
    if (!(condition)) {                                                \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, \
                   __LINE__, #condition);                              \
      std::abort();                                                    \
    }                                                                  \
  } while (0)

#endif  // ITP_TESTS_FUZZ_FUZZ_CHECK_H_
