/* helpers.c: shared test helpers. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>

#include "vardsim/load.h"

void vs_test_assert_close(double a, double b, double rel, double abs_tol,
                          const char *sa, const char *sb, const char *file,
                          int line)
{
    int ok;
    if (isnan(a) || isnan(b))
        ok = isnan(a) && isnan(b);
    else if (isinf(a) || isinf(b))
        ok = a == b;
    else {
        double d = fabs(a - b);
        double m = fmax(fabs(a), fabs(b));
        ok = d <= abs_tol || d <= rel * m;
    }
    if (!ok) {
        print_error("%s (%.17g) != %s (%.17g) within rel %g abs %g\n", sa, a,
                    sb, b, rel, abs_tol);
        _fail(file, line);
    }
}

struct vs_scenario *vs_test_load(const char *text, const char *name)
{
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    int st = vs_load_string(text, name, &sc, &err);
    if (st != VS_OK)
        print_message("unexpected problems:\n%s", err.log ? err.log : err.msg);
    assert_int_equal(st, VS_OK);
    assert_non_null(sc);
    assert_int_equal(err.count, 0);
    vs_err_free(&err);
    return sc;
}

uint64_t vs_test_rnd_u64(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ULL;
}

double vs_test_rnd_unif(uint64_t *state)
{
    return (double)(vs_test_rnd_u64(state) >> 11) * 0x1.0p-53;
}
