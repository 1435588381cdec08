/* helpers.h: shared test helpers (cmocka). */
#ifndef VARDSIM_TEST_HELPERS_H
#define VARDSIM_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* cmocka 1.1.5's assert_float_equal compares as float and there is no
 * double version: this one handles NaN (equal to NaN) and infinities, and
 * passes when |a - b| <= abs_tol or <= rel_tol * max(|a|, |b|). */
#define assert_close(a, b, rel, abs_) \
    vs_test_assert_close((a), (b), (rel), (abs_), #a, #b, __FILE__, __LINE__)

void vs_test_assert_close(double a, double b, double rel, double abs_tol,
                          const char *sa, const char *sb, const char *file,
                          int line);

/* A small reproducible PRNG (xorshift64*) for random tests without GSL:
 * the state is the caller's (seed it with any non-zero value). */
uint64_t vs_test_rnd_u64(uint64_t *state);
double vs_test_rnd_unif(uint64_t *state); /* [0, 1) */

struct vs_scenario;

/* Load scenario text that must be valid; fails the test (printing the
 * loader's problems) when it is not.  `name` stands for the file name. */
struct vs_scenario *vs_test_load(const char *text, const char *name);

#endif
