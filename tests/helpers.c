/* helpers.c: shared test helpers. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>

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
