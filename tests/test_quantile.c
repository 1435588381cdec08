/* test_quantile.c: selection quantiles against GSL's sorted-data quantile,
 * and the streaming histogram's documented error bound. */
#include "helpers.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "engine/quantile.h"

/* Hand-computed type 7: x = 1..5, p = 0.3: h = 4 * 0.3 = 1.2 -> 2 + 0.2 * (3 - 2). */
static void test_type7_by_hand(void **state)
{
    (void)state;
    double a[] = {5, 3, 1, 4, 2};
    assert_close(vs_quantile_double(a, 5, 0.3), 2.2, 1e-15, 0);
    double b[] = {5, 3, 1, 4, 2};
    assert_close(vs_quantile_double(b, 5, 0.0), 1.0, 0, 0);
    double c[] = {5, 3, 1, 4, 2};
    assert_close(vs_quantile_double(c, 5, 1.0), 5.0, 0, 0);
    double d[] = {7};
    assert_close(vs_quantile_double(d, 1, 0.05), 7.0, 0, 0);
    int64_t e[] = {40, 10, 30, 20};
    /* h = 3 * 0.5 = 1.5 -> 20 + 0.5 * 10 */
    assert_close(vs_quantile_int64(e, 4, 0.5), 25.0, 0, 0);
}

/* Random arrays with many ties: bit-identical to GSL on sorted data. */
static void test_matches_gsl(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    double ps[] = {0.05, 0.5, 0.95, 0.01, 0.99};
    for (int rep = 0; rep < 300; rep++) {
        size_t n = 1 + gsl_rng_uniform_int(r, 500);
        double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
        int64_t *z = malloc(n * sizeof *z);
        for (size_t i = 0; i < n; i++) {
            x[i] = rep % 3 ? gsl_ran_gaussian(r, 1.0) : (double)gsl_rng_uniform_int(r, 5);
            z[i] = (int64_t)floor(x[i] * 1000);
        }
        for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
            for (size_t i = 0; i < n; i++)
                y[i] = x[i];
            gsl_sort(y, 1, n);
            double want = gsl_stats_quantile_from_sorted_data(y, 1, n, ps[k]);
            for (size_t i = 0; i < n; i++)
                y[i] = x[i];
            assert_true(vs_quantile_double(y, n, ps[k]) == want);
            int64_t *zz = malloc(n * sizeof *zz);
            for (size_t i = 0; i < n; i++) {
                zz[i] = z[i];
                y[i] = (double)z[i];
            }
            gsl_sort(y, 1, n);
            want = gsl_stats_quantile_from_sorted_data(y, 1, n, ps[k]);
            assert_true(vs_quantile_int64(zz, n, ps[k]) == want);
            free(zz);
        }
        free(x), free(y), free(z);
    }
    gsl_rng_free(r);
}

/* The histogram's quantiles are within one bucket width of the exact
 * ones, whatever order the values arrive in, for signed values too. */
static void test_hist_error_bound(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    size_t n = 100000, pilot = 200;
    double *x = malloc(n * sizeof *x);
    vs_hist *h = malloc(sizeof *h), *h2 = malloc(sizeof *h2);
    for (size_t i = 0; i < n; i++)
        x[i] = floor(3e5 * gsl_ran_gaussian(r, 1.0) - 1e5);
    vs_hist_init(h, x, pilot);
    vs_hist_init(h2, x, pilot);
    for (size_t i = 0; i < n; i++) {
        vs_hist_add(h, x[i]);
        vs_hist_add(h2, x[n - 1 - i]);
    }
    assert_memory_equal(h, h2, sizeof *h); /* order does not matter */
    double width = h->width;
    gsl_sort(x, 1, n);
    double ps[] = {0.05, 0.5, 0.95};
    for (int k = 0; k < 3; k++) {
        double exact = gsl_stats_quantile_from_sorted_data(x, 1, n, ps[k]);
        assert_close(vs_hist_quantile(h, ps[k]), exact, 0, width);
    }
    /* the documented bound is tight enough to matter: 2 x range / 512 */
    assert_true(width < 0.01 * (x[n - 1] - x[0]));
    /* the calibration from the pilot's extremes alone is vs_hist_init's
     * (sim.c calibrates so when it keeps only them) */
    double mn = x[0], mx = x[0];
    vs_hist_init(h2, x, pilot); /* x is sorted now: a new pilot */
    for (size_t i = 1; i < pilot; i++)
        mn = fmin(mn, x[i]), mx = fmax(mx, x[i]);
    double lo, w, inv;
    vs_hist_range(mn, mx, &lo, &w, &inv);
    assert_true(lo == h2->lo && w == h2->width && inv == h2->inv_width);
    /* 16-bit counts give the same quantiles as the same counts in 32
     * (h's counts scaled down to fit) */
    uint16_t *b16 = malloc(VS_HIST_SLOTS * sizeof *b16);
    for (size_t i = 0; i < VS_HIST_SLOTS; i++)
        b16[i] = (uint16_t)(h->b[i] = h->b[i] / 2);
    for (double p = 0; p <= 1.0; p += 0.0625)
        assert_true(vs_hist_quantile_of16(b16, VS_HIST_BUCKETS, h->lo, h->width, p) ==
                    vs_hist_quantile(h, p));
    free(b16);
    free(x), free(h), free(h2);
    gsl_rng_free(r);
}

static void test_hist_constant_and_empty(void **state)
{
    (void)state;
    vs_hist h;
    double pilot[] = {0, 0, 0};
    vs_hist_init(&h, pilot, 3);
    assert_true(isnan(vs_hist_quantile(&h, 0.5)));
    for (int i = 0; i < 100; i++)
        vs_hist_add(&h, 0.0);
    assert_close(vs_hist_quantile(&h, 0.05), 0.0, 0, h.width);
    assert_close(vs_hist_quantile(&h, 0.95), 0.0, 0, h.width);
    vs_hist_add(&h, 1e9); /* far outside: counted above the range */
    assert_int_equal(h.b[VS_HIST_SLOTS - 1], 1);
    vs_hist_add(&h, -1e9); /* and below it */
    assert_int_equal(h.b[0], 1);
    assert_int_equal(vs_hist_slot(h.lo, h.inv_width, h.lo), 1);
    assert_int_equal(vs_hist_slot(h.lo, h.inv_width, nextafter(h.lo, -INFINITY)), 0);
}

/* Exact sums: the same double however the values are grouped or ordered,
 * correctly rounded (checked against sums that are exact in double), and
 * cancellation that a double sum gets wrong. */
static void test_xsum(void **state)
{
    (void)state;
    vs_xsum a, b, c;
    vs_xsum_init(&a);
    assert_true(vs_xsum_value(&a) == 0.0);
    vs_xsum_add(&a, 1e100);
    vs_xsum_add(&a, 1.0);
    vs_xsum_add(&a, -1e100);
    assert_true(vs_xsum_value(&a) == 1.0); /* a double sum gives 0 */
    vs_xsum_init(&a);
    vs_xsum_add(&a, -5.0);
    vs_xsum_add(&a, 2.0);
    assert_true(vs_xsum_value(&a) == -3.0);
    vs_xsum_init(&a); /* ties to even: 1 + 2^-53 is 1, with 2^-100 more it is not */
    vs_xsum_add(&a, 1.0);
    vs_xsum_add(&a, ldexp(1, -53));
    assert_true(vs_xsum_value(&a) == 1.0);
    vs_xsum_add(&a, ldexp(1, -100));
    assert_true(vs_xsum_value(&a) == nextafter(1.0, 2.0));
    vs_xsum_init(&a);
    vs_xsum_add(&a, 4.9e-324);
    vs_xsum_add(&a, 4.9e-324);
    assert_true(vs_xsum_value(&a) == 2 * 4.9e-324);
    vs_xsum_init(&a);
    vs_xsum_add(&a, 1e308);
    vs_xsum_add(&a, 1e308);
    assert_true(isinf(vs_xsum_value(&a)));
    vs_xsum_add(&a, NAN);
    assert_true(isnan(vs_xsum_value(&a)));
    /* grouping: one sum, two interleaved sums merged, and reversed */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    vs_xsum_init(&a), vs_xsum_init(&b), vs_xsum_init(&c);
    enum { N = 20000 };
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    long double ld = 0;
    for (int i = 0; i < N; i++) {
        v[i] = ldexp(gsl_rng_uniform(r) - 0.5, (int)gsl_rng_uniform_int(r, 80) - 40);
        vs_xsum_add(&a, v[i]);
        vs_xsum_add(i % 3 ? &b : &c, v[i]);
        ld += v[i];
    }
    vs_xsum_merge(&b, &c);
    vs_xsum_init(&c);
    for (int i = N - 1; i >= 0; i--)
        vs_xsum_add(&c, v[i]);
    double x = vs_xsum_value(&a);
    assert_true(x == vs_xsum_value(&b));
    assert_true(x == vs_xsum_value(&c));
    assert_close(x, (double)ld, 1e-12 * fabs(x), 0);
    /* integers below 2^53 sum exactly */
    vs_xsum_init(&a);
    for (int i = 1; i <= 1000; i++)
        vs_xsum_add(&a, (double)i * 1e12);
    assert_true(vs_xsum_value(&a) == 500500.0 * 1e12);
    free(v);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type7_by_hand),
        cmocka_unit_test(test_matches_gsl),
        cmocka_unit_test(test_hist_error_bound),
        cmocka_unit_test(test_hist_constant_and_empty),
        cmocka_unit_test(test_xsum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
