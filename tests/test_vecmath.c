/* test_vecmath.c: the four-lane log against glibc's log (at most 1 ulp
 * apart), its domain fallbacks and tails, and the AVX2 and plain x86-64
 * builds of it giving the same bits.
 *
 * The second build: src/vecmath.c is included again below with its clones
 * switched off and its function renamed, so this file holds the version
 * for the CPU baseline whatever CPU runs the test, while the library's
 * vs_vecmath_log picks AVX2 where the CPU has it. */
#include "helpers.h"

#include <float.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/vecmath.h"

#define VS_VECMATH_CLONES /* none: the baseline build only */
#define vs_vecmath_log vecmath_log_baseline
#define vs_vecmath_exp vecmath_exp_baseline
#define vs_vecmath_xlog vecmath_xlog_baseline
void vecmath_log_baseline(const double *x, double *y, size_t n);
void vecmath_exp_baseline(const double *x, double *y, size_t n);
void vecmath_xlog_baseline(const double *s, const double *x, double *y, size_t n);
#include "../src/engine/vecmath.c"
#undef vs_vecmath_log
#undef vs_vecmath_exp
#undef vs_vecmath_xlog

/* Distance in units in the last place between two finite doubles of one
 * sign: their bit patterns are ordered like the values. */
static uint64_t ulps(double a, double b)
{
    int64_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    if (ia < 0)
        ia = INT64_MIN - ia;
    if (ib < 0)
        ib = INT64_MIN - ib;
    return ia > ib ? (uint64_t)(ia - ib) : (uint64_t)(ib - ia);
}

/* Values of x: spread over every exponent of the normal range, crowded
 * near 1 (where ln x is small and relative error shows most) and inside
 * the Theil index's ratios (0.2 to 5). */
static double sample(gsl_rng *r, int kind)
{
    switch (kind) {
    case 0:
        return ldexp(1 + gsl_rng_uniform(r), (int)gsl_rng_uniform_int(r, 2044) - 1022);
    case 1:
        return 1 + (gsl_rng_uniform(r) - 0.5) * ldexp(1, -(int)gsl_rng_uniform_int(r, 50));
    default:
        return 0.2 + 4.8 * gsl_rng_uniform(r);
    }
}

static void test_within_one_ulp_of_glibc(void **state)
{
    (void)state;
    enum { N = 1000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    double x[N], y[N], z[N];
    uint64_t worst = 0, differ = 0, total = 0;
    for (int rep = 0; rep < 600; rep++) {
        for (int i = 0; i < N; i++)
            x[i] = sample(r, rep % 3);
        vs_vecmath_log(x, y, N);
        vecmath_log_baseline(x, z, N);
        for (int i = 0; i < N; i++) {
            uint64_t d = ulps(y[i], log(x[i]));
            if (d > worst)
                worst = d;
            differ += d != 0;
            total++;
            /* the library's version (AVX2 here, when the CPU has it) and
             * the baseline build agree bit for bit */
            if (memcmp(&y[i], &z[i], sizeof y[i]) != 0)
                fail_msg("x = %.17g: %.17g (library) != %.17g (baseline)", x[i], y[i], z[i]);
        }
    }
    gsl_rng_free(r);
    if (worst > 1)
        fail_msg("%llu ulp from glibc's log", (unsigned long long)worst);
    /* fdlibm and glibc are both good to a fraction of an ulp: most values
     * must agree exactly, or the algorithm is wrong somewhere */
    assert_true(differ * 20 < total);
}

/* Exact values: ln 1 = 0, ln 2^k = k ln 2 to the ulp, ln e. */
static void test_exact_points(void **state)
{
    (void)state;
    double x[] = {1.0, 2.0, 0.5, 1024.0, 0x1p-1000, 2.718281828459045, 10.0};
    double y[7];
    vs_vecmath_log(x, y, 7);
    assert_true(y[0] == 0.0 && !signbit(y[0]));
    for (int i = 1; i < 7; i++)
        assert_true(ulps(y[i], log(x[i])) <= 1);
    assert_close(y[1], 0.6931471805599453, 0, 0);
    assert_close(y[3], 10 * 0.6931471805599453, 2 * DBL_EPSILON, 0);
    assert_close(y[5], 1.0, 2 * DBL_EPSILON, 0);
}

/* Outside the positive normals every lane gets C's log, wherever it sits
 * in a block of four. */
static void test_domain_fallback(void **state)
{
    (void)state;
    double odd[] = {0.0, -0.0, -1.0, DBL_MIN / 4, INFINITY, NAN, DBL_MIN, DBL_MAX};
    size_t n_odd = sizeof odd / sizeof odd[0];
    for (size_t at = 0; at < 8; at++)
        for (size_t k = 0; k < n_odd; k++) {
            double x[8], y[8];
            for (int i = 0; i < 8; i++)
                x[i] = 1.5 + i;
            x[at] = odd[k];
            vs_vecmath_log(x, y, 8);
            for (int i = 0; i < 8; i++) {
                double want = log(x[i]);
                if (isnan(want))
                    assert_true(isnan(y[i]));
                else if (isinf(want))
                    assert_true(y[i] == want);
                else
                    assert_true(ulps(y[i], want) <= 1);
            }
        }
}

/* Every length up to 13 (whole blocks, tails of 1 to 3, none at all),
 * in place and not, touching nothing past n. */
static void test_tails_in_place(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 13; n++) {
        double x[16], y[16], in_place[16];
        for (size_t i = 0; i < 16; i++) {
            x[i] = 0.3 + 0.7 * (double)i;
            y[i] = -7.0;
            in_place[i] = x[i];
        }
        vs_vecmath_log(x, y, n);
        vs_vecmath_log(in_place, in_place, n);
        for (size_t i = 0; i < 16; i++) {
            if (i < n) {
                assert_true(ulps(y[i], log(x[i])) <= 1);
                assert_memory_equal(&y[i], &in_place[i], sizeof y[i]);
            } else {
                assert_true(y[i] == -7.0);
                assert_true(in_place[i] == x[i]);
            }
        }
    }
}

/* s ln x in one pass: the same bits as vs_vecmath_log followed by
 * s > 0 ? s y : 0 (the Theil terms' two steps it replaces), in both
 * builds, for every tail length, in place, with s of 0, negative, NaN
 * and x out of the vector domain among the lanes. */
static void test_xlog_is_log_times_s(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 29; n++) {
        double s[32], x[32], y[32], yb[32], in_place[32], ref[32];
        for (size_t i = 0; i < 32; i++) {
            s[i] = i % 5 == 1 ? 0.0 : i % 7 == 3 ? -0.25 : i % 11 == 4 ? NAN
                                                 : 1e-3 * (double)(i + 1);
            x[i] = i % 9 == 2 ? 0.0 : i % 13 == 6 ? 1e-310 : 0.37 + 1.9 * (double)i;
            y[i] = yb[i] = -7.0;
            in_place[i] = x[i];
        }
        vs_vecmath_log(x, ref, n);
        for (size_t i = 0; i < n; i++)
            ref[i] = s[i] > 0 ? s[i] * ref[i] : 0.0;
        vs_vecmath_xlog(s, x, y, n);
        vecmath_xlog_baseline(s, x, yb, n);
        vs_vecmath_xlog(s, in_place, in_place, n);
        for (size_t i = 0; i < 32; i++) {
            if (i < n) {
                assert_memory_equal(&y[i], &ref[i], sizeof y[i]);
                assert_memory_equal(&yb[i], &ref[i], sizeof y[i]);
                assert_memory_equal(&in_place[i], &ref[i], sizeof y[i]);
            } else {
                assert_true(y[i] == -7.0 && yb[i] == -7.0);
                assert_true(in_place[i] == x[i] || (isnan(x[i]) && isnan(in_place[i])));
            }
        }
    }
}

/* e^x within 1 ulp of glibc's exp, mostly equal, and the same bits from
 * both builds: noise exponents (a normal times a small sigma), tiny ones,
 * and the whole range the vector lanes take. */
static void test_exp_within_one_ulp_of_glibc(void **state)
{
    (void)state;
    enum { N = 1000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    double x[N], y[N], z[N];
    uint64_t worst = 0, differ = 0, total = 0;
    for (int rep = 0; rep < 600; rep++) {
        for (int i = 0; i < N; i++) {
            double u = gsl_rng_uniform(r) - 0.5;
            switch (rep % 4) {
            case 0: x[i] = 0.3 * gsl_ran_gaussian_ziggurat(r, 1.0); break;
            case 1: x[i] = u * ldexp(1, -(int)gsl_rng_uniform_int(r, 60)); break;
            case 2: x[i] = 40 * u; break;
            default: x[i] = 1400 * u; break;
            }
        }
        vs_vecmath_exp(x, y, N);
        vecmath_exp_baseline(x, z, N);
        for (int i = 0; i < N; i++) {
            uint64_t d = ulps(y[i], exp(x[i]));
            if (d > worst)
                worst = d;
            differ += d != 0;
            total++;
            if (memcmp(&y[i], &z[i], sizeof y[i]) != 0)
                fail_msg("x = %.17g: %.17g (library) != %.17g (baseline)", x[i], y[i], z[i]);
        }
    }
    gsl_rng_free(r);
    if (worst > 1)
        fail_msg("%llu ulp from glibc's exp", (unsigned long long)worst);
    /* fdlibm's exp rounds less well than its log: about 7 % of values
     * differ from glibc's (by 1 ulp) */
    assert_true(differ * 10 < total);
}

/* Exact points, C's exp outside |x| <= 700, and tails in place. */
static void test_exp_edges(void **state)
{
    (void)state;
    double x[] = {0.0, -0.0, 1.0, -1.0, 700.0, -700.0, 700.5, -745.5, 710.0,
                  -800.0, INFINITY, -INFINITY, NAN};
    size_t n = sizeof x / sizeof x[0];
    double y[13];
    for (size_t len = 0; len <= n; len++) {
        for (size_t i = 0; i < n; i++)
            y[i] = -7.0;
        vs_vecmath_exp(x, y, len);
        for (size_t i = 0; i < n; i++) {
            if (i >= len) {
                assert_true(y[i] == -7.0);
                continue;
            }
            double want = exp(x[i]);
            if (isnan(want))
                assert_true(isnan(y[i]));
            else if (isinf(want) || want == 0)
                assert_true(y[i] == want);
            else
                assert_true(ulps(y[i], want) <= 1);
        }
    }
    assert_true(y[0] == 1.0 && y[1] == 1.0);
    double in_place[5] = {0.1, 0.2, 0.3, 0.4, 0.5}, sep[5];
    vs_vecmath_exp(in_place, sep, 5);
    vs_vecmath_exp(in_place, in_place, 5);
    assert_memory_equal(in_place, sep, sizeof sep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_within_one_ulp_of_glibc),
        cmocka_unit_test(test_exact_points),
        cmocka_unit_test(test_domain_fallback),
        cmocka_unit_test(test_tails_in_place),
        cmocka_unit_test(test_xlog_is_log_times_s),
        cmocka_unit_test(test_exp_within_one_ulp_of_glibc),
        cmocka_unit_test(test_exp_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
