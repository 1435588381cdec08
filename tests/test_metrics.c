/* test_metrics.c: equity metrics (src/engine/metrics.c, docs/methods.md).
 *
 * Every expected value is worked by hand in the comment beside it, from
 * the definitions in docs/methods.md: f_i = a_i / p_i, n_i = p_i c_i,
 * R_i the population-weighted need rank, dev_i = R_i - mean R. */
#include "helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/metrics.h"

#define TOL 1e-12

/* Prepare and compute in one call; ws sized for n. */
static void run(size_t n, const double *p, const double *c, double thr,
                const vs_ore *a, const vs_ore *b, double *out)
{
    vs_metric_ws *ws = vs_metric_ws_alloc(n);
    assert_non_null(ws);
    vs_metrics_prepare(ws, n, p, c, NULL, thr);
    vs_metrics_compute(ws, a, b, out);
    vs_metric_ws_free(ws);
}

/* Totals of persons or need beyond a double (listed 1e300 x cni 1e8, twice:
 * N = inf) leave the metrics built on them undefined (NaN: an empty cell),
 * never 0 or inf; the others stay defined. */
static void test_totals_beyond_double(void **state)
{
    (void)state;
    double p[2] = {1e300, 1e300}, c[2] = {1e8, 1e8}, out[VS_M_COUNT];
    vs_ore a[2] = {100, 300};
    run(2, p, c, 1.1, a, NULL, out);
    assert_true(isnan(out[VS_M_GINI]));
    assert_true(isnan(out[VS_M_CI_NEED]));
    assert_true(isnan(out[VS_M_HI]));
    assert_true(isnan(out[VS_M_DISSIMILARITY]));
    assert_true(isnan(out[VS_M_THEIL]));
    assert_close(out[VS_M_HIGH_NEED_SHARE], 1.0, 0, 0);
    for (int k = 0; k < VS_M_COUNT; k++)
        assert_false(isinf(out[k]));
}

static void test_names(void **state)
{
    (void)state;
    const char *want[] = {"gini", "ci_need", "hi", "dissimilarity", "theil",
                          "high_need_share", "max_loss", "losers"};
    for (int m = 0; m < VS_M_COUNT; m++)
        assert_string_equal(vs_metric_name((vs_metric)m), want[m]);
    assert_null(vs_metric_name(VS_M_COUNT));
    assert_int_equal(vs_metric_better(VS_M_GINI), VS_BETTER_LOWER);
    assert_int_equal(vs_metric_better(VS_M_CI_NEED), VS_BETTER_HIGHER);
    assert_int_equal(vs_metric_better(VS_M_HI), VS_BETTER_ZERO);
    assert_int_equal(vs_metric_better(VS_M_DISSIMILARITY), VS_BETTER_LOWER);
    assert_int_equal(vs_metric_better(VS_M_THEIL), VS_BETTER_LOWER);
    assert_int_equal(vs_metric_better(VS_M_HIGH_NEED_SHARE), VS_BETTER_HIGHER);
    assert_int_equal(vs_metric_better(VS_M_MAX_LOSS), VS_BETTER_LOWER);
    assert_int_equal(vs_metric_better(VS_M_LOSERS), VS_BETTER_LOWER);
}

static void test_is_better(void **state)
{
    (void)state;
    assert_true(vs_metric_is_better(VS_M_GINI, 0.1, 0.2));
    assert_false(vs_metric_is_better(VS_M_GINI, 0.2, 0.1));
    assert_false(vs_metric_is_better(VS_M_GINI, 0.2, 0.2)); /* strict */
    assert_true(vs_metric_is_better(VS_M_CI_NEED, 0.05, -0.01));
    assert_false(vs_metric_is_better(VS_M_CI_NEED, -0.01, 0.05));
    assert_false(vs_metric_is_better(VS_M_CI_NEED, 0.05, 0.05));
    assert_true(vs_metric_is_better(VS_M_HIGH_NEED_SHARE, 0.3, 0.2));
    assert_true(vs_metric_is_better(VS_M_LOSERS, 2, 3));
    assert_true(vs_metric_is_better(VS_M_MAX_LOSS, 0.01, 0.02));
    assert_true(vs_metric_is_better(VS_M_THEIL, 0.01, 0.02));
    assert_true(vs_metric_is_better(VS_M_DISSIMILARITY, 0.01, 0.02));
    /* hi: closer to zero, |v| < |b| */
    assert_true(vs_metric_is_better(VS_M_HI, -0.01, 0.02));
    assert_true(vs_metric_is_better(VS_M_HI, 0.01, -0.02));
    assert_false(vs_metric_is_better(VS_M_HI, -0.03, 0.02)); /* lower, farther */
    assert_false(vs_metric_is_better(VS_M_HI, 0.02, -0.02)); /* equally far */
    /* undefined is never better */
    assert_false(vs_metric_is_better(VS_M_GINI, NAN, 0.2));
    assert_false(vs_metric_is_better(VS_M_CI_NEED, NAN, 0.2));
    assert_false(vs_metric_is_better(VS_M_HI, NAN, 0.2));
}

/* Equal funding per person: p = {100, 300, 600}, c = {0.8, 1.0, 1.5},
 * a = 10 öre a head = {1000, 3000, 6000}. */
static void test_equal_per_capita(void **state)
{
    (void)state;
    const double p[] = {100, 300, 600}, c[] = {0.8, 1.0, 1.5};
    const vs_ore a[] = {1000, 3000, 6000};
    double out[VS_M_COUNT];
    run(3, p, c, 1.0, a, NULL, out); /* threshold 1.0 = centre 1's CNI */
    assert_close(out[VS_M_GINI], 0, 0, TOL);    /* every f_i = 10 */
    assert_close(out[VS_M_CI_NEED], 0, 0, TOL); /* f constant: cov 0 */
    /* Ranks: R = {50/1000, (100+150)/1000, (400+300)/1000} = {.05,.25,.7},
     * mean (5 + 75 + 420)/1000 = .5, dev = {-.45, -.25, .2}.
     * CI(c) = 2 sum n dev / N, n = {80, 300, 900}, N = 1280:
     * 2 (-36 - 75 + 180) / 1280 = 138/1280 = 0.1078125; hi = 0 - CI(c). */
    assert_close(out[VS_M_HI], -0.1078125, TOL, 0);
    /* a* = 10000 n / 1280 = {625, 2343.75, 7031.25};
     * sum |a - a*| = 375 + 656.25 + 1031.25 = 2062.5; / 20000 */
    assert_close(out[VS_M_DISSIMILARITY], 0.103125, TOL, 0);
    /* g = a/n = {12.5, 10, 6.666..}, gbar = 10000/1280 = 7.8125;
     * T = sum (a_i/A) ln(g_i/gbar) = .1 ln 1.6 + .3 ln 1.28 + .6 ln(0.8533..)
     * (6.666../7.8125 = 0.85333.. = 64/75) */
    assert_close(out[VS_M_THEIL],
                 0.1 * log(1.6) + 0.3 * log(1.28) + 0.6 * log(64.0 / 75), TOL,
                 0);
    /* strictly above 1.0: centre 2 only, 6000 / 10000 */
    assert_close(out[VS_M_HIGH_NEED_SHARE], 0.6, TOL, 0);
    assert_close(out[VS_M_MAX_LOSS], 0, 0, 0); /* baseline itself */
    assert_close(out[VS_M_LOSERS], 0, 0, 0);
}

/* Two centres: p = {1000, 3000}, c = {1, 2}, a = {100000, 500000}. */
static void test_two_centres(void **state)
{
    (void)state;
    const double p[] = {1000, 3000}, c[] = {1.0, 2.0};
    const vs_ore a[] = {100000, 500000}, b[] = {150000, 450000};
    double out[VS_M_COUNT];
    run(2, p, c, 1.1, a, b, out);
    /* f = {100, 166.67}, P = 4000, A = 600000, mu = 150.
     * gini = 2 * 1000 * 3000 * 66.67 / (2 * 4000^2 * 150) = 2e8 / 2.4e9 */
    assert_close(out[VS_M_GINI], 1.0 / 12, TOL, 0);
    /* R = {500/4000, (1000 + 1500)/4000} = {.125, .625}, mean .5,
     * dev = {-.375, .125}; cov_p(f, R) = (1000 (-50)(-.375) +
     * 3000 (16.67)(.125)) / 4000 = 6.25; ci = 2 * 6.25 / 150 = 1/12 */
    assert_close(out[VS_M_CI_NEED], 1.0 / 12, TOL, 0);
    /* CI(c): n = {1000, 6000}, 2 (-375 + 750) / 7000 = 3/28;
     * hi = 1/12 - 3/28 = -1/42 */
    assert_close(out[VS_M_HI], -1.0 / 42, TOL, 0);
    /* a* = 600000 {1/7, 6/7}; sum |a - a*| = 2 * 100000/7; / 1200000 */
    assert_close(out[VS_M_DISSIMILARITY], 1.0 / 42, TOL, 0);
    /* g = {100, 83.33}, gbar = 600000/7000 = 85.71:
     * T = (1/6) ln(7/6) + (5/6) ln(35/36) */
    assert_close(out[VS_M_THEIL], log(7.0 / 6) / 6 + 5 * log(35.0 / 36) / 6,
                 TOL, 0);
    assert_close(out[VS_M_HIGH_NEED_SHARE], 5.0 / 6, TOL, 0);
    /* centre 0 drops from 150000 to 100000: 1/3; centre 1 gains */
    assert_close(out[VS_M_MAX_LOSS], 1.0 / 3, TOL, 0);
    assert_close(out[VS_M_LOSERS], 1, 0, 0);
}

/* Ties in CNI share the mean rank.  p = {100, 200, 300, 400},
 * c = {1.2, 1.0, 1.2, 0.9}, a = {3000, 2000, 1500, 4000}. */
static void test_ties(void **state)
{
    (void)state;
    const double p[] = {100, 200, 300, 400}, c[] = {1.2, 1.0, 1.2, 0.9};
    const vs_ore a[] = {3000, 2000, 1500, 4000};
    double out[VS_M_COUNT];
    run(4, p, c, 1.1, a, NULL, out);
    /* Order by c: centre 3 (400), centre 1 (200), centres 0 and 2 tied
     * (100 + 300 = 400).  R3 = 200/1000 = .2, R1 = (400 + 100)/1000 = .5,
     * tied group R0 = R2 = (600 + 400/2)/1000 = .8; mean .5;
     * dev = {.3, 0, .3, -.3}.  ci = 2 sum a dev / A
     * = 2 (900 + 0 + 450 - 1200) / 10500 = 1/35.  (Without sharing,
     * 0 before 2 gives -3/70 and 2 before 0 gives 1/10.) */
    assert_close(out[VS_M_CI_NEED], 1.0 / 35, TOL, 0);
    /* CI(c): n = {120, 200, 360, 360}, N = 1040:
     * 2 (36 + 0 + 108 - 108) / 1040 = 9/130 */
    assert_close(out[VS_M_HI], 1.0 / 35 - 9.0 / 130, TOL, 0);
    /* f = {30, 10, 5, 10}, mu = 10.5.  Pairs p_i p_j |f_i - f_j|:
     * (5,10)a 300*200*5 = 300000, (5,10)b 300*400*5 = 600000,
     * (5,30) 300*100*25 = 750000, (10,10) 0, (10,30)a 200*100*20 = 400000,
     * (10,30)b 400*100*20 = 800000: 2850000, twice over i,j = 5.7e6;
     * gini = 5.7e6 / (2 * 1000^2 * 10.5) = 19/70 */
    assert_close(out[VS_M_GINI], 19.0 / 70, TOL, 0);
    /* the same centres in another order give the same values */
    const double p2[] = {300, 400, 100, 200}, c2[] = {1.2, 0.9, 1.2, 1.0};
    const vs_ore a2[] = {1500, 4000, 3000, 2000};
    double out2[VS_M_COUNT];
    run(4, p2, c2, 1.1, a2, NULL, out2);
    for (int m = 0; m < VS_M_COUNT; m++)
        assert_close(out2[m], out[m], TOL, TOL);
}

/* A centre with nobody listed but money (a grant) and baseline money:
 * the two-centre case plus p = 0, c = 1.5, a = 60000, b = 100000. */
static void test_zero_listed(void **state)
{
    (void)state;
    const double p[] = {1000, 3000, 0}, c[] = {1.0, 2.0, 1.5};
    const vs_ore a[] = {100000, 500000, 60000}, b[] = {150000, 450000, 100000};
    double out[VS_M_COUNT];
    run(3, p, c, 1.1, a, b, out);
    /* left out: the same as the two-centre case */
    assert_close(out[VS_M_GINI], 1.0 / 12, TOL, 0);
    assert_close(out[VS_M_CI_NEED], 1.0 / 12, TOL, 0);
    assert_close(out[VS_M_HI], -1.0 / 42, TOL, 0);
    assert_close(out[VS_M_THEIL], log(7.0 / 6) / 6 + 5 * log(35.0 / 36) / 6,
                 TOL, 0);
    /* kept in: A = 660000, a* = 660000 {1/7, 6/7, 0};
     * |100000 - 660000/7| = 40000/7, |500000 - 3960000/7| = 460000/7,
     * |60000 - 0| = 420000/7: 920000/7 / 1320000 = 23/231 */
    assert_close(out[VS_M_DISSIMILARITY], 23.0 / 231, TOL, 0);
    /* c > 1.1: centres 1 and 2: 560000 / 660000 */
    assert_close(out[VS_M_HIGH_NEED_SHARE], 28.0 / 33, TOL, 0);
    /* centre 2 loses 40000 of 100000 = .4 > centre 0's 1/3 */
    assert_close(out[VS_M_MAX_LOSS], 0.4, TOL, 0);
    assert_close(out[VS_M_LOSERS], 2, 0, 0);
}

/* Undefined values are NAN; max_loss and losers always have a value. */
static void test_undefined(void **state)
{
    (void)state;
    double out[VS_M_COUNT];
    /* every centre empty: no kept centre and N = 0 */
    const double p[] = {0, 0}, c[] = {1.0, 1.2};
    const vs_ore a[] = {500, 700};
    run(2, p, c, 1.1, a, NULL, out);
    assert_true(isnan(out[VS_M_GINI]));
    assert_true(isnan(out[VS_M_CI_NEED]));
    assert_true(isnan(out[VS_M_HI]));
    assert_true(isnan(out[VS_M_THEIL]));
    assert_true(isnan(out[VS_M_DISSIMILARITY]));
    assert_close(out[VS_M_HIGH_NEED_SHARE], 7.0 / 12, TOL, 0); /* 700/1200 */
    assert_close(out[VS_M_MAX_LOSS], 0, 0, 0);
    assert_close(out[VS_M_LOSERS], 0, 0, 0);

    /* no money at all: A = 0 divides everywhere */
    const double p2[] = {10, 20}, c2[] = {1.0, 1.2};
    const vs_ore zero[] = {0, 0}, b2[] = {0, 5};
    run(2, p2, c2, 1.1, zero, b2, out);
    for (int m = 0; m < VS_M_MAX_LOSS; m++)
        assert_true(isnan(out[m]));
    /* centre 0 has no baseline money: skipped; centre 1 loses all 5 öre */
    assert_close(out[VS_M_MAX_LOSS], 1, 0, 0);
    assert_close(out[VS_M_LOSERS], 1, 0, 0);

    /* no centres */
    run(0, p, c, 1.1, a, a, out);
    for (int m = 0; m < VS_M_MAX_LOSS; m++)
        assert_true(isnan(out[m]));
    assert_close(out[VS_M_MAX_LOSS], 0, 0, 0);
    assert_close(out[VS_M_LOSERS], 0, 0, 0);

    /* one kept centre: every person gets the same, ranks all .5 */
    const double p3[] = {50, 0}, c3[] = {1.3, 1.0};
    const vs_ore a3[] = {5000, 0};
    run(2, p3, c3, 1.1, a3, NULL, out);
    assert_close(out[VS_M_GINI], 0, 0, TOL);
    assert_close(out[VS_M_CI_NEED], 0, 0, TOL);
    assert_close(out[VS_M_HI], 0, 0, TOL);
    assert_close(out[VS_M_THEIL], 0, 0, TOL);
    assert_close(out[VS_M_DISSIMILARITY], 0, 0, TOL); /* a* = {5000, 0} */
    assert_close(out[VS_M_HIGH_NEED_SHARE], 1, TOL, 0);
}

/* Theil with a centre that gets nothing (0 ln 0 = 0):
 * p = {100, 100}, c = {1, 1}, a = {0, 1000}. */
static void test_theil_zero(void **state)
{
    (void)state;
    const double p[] = {100, 100}, c[] = {1, 1};
    const vs_ore a[] = {0, 1000};
    double out[VS_M_COUNT];
    run(2, p, c, 1.1, a, NULL, out);
    /* g = {0, 10}, gbar = 1000/200 = 5: T = 0 + (100/200)(10/5) ln 2 */
    assert_close(out[VS_M_THEIL], log(2), TOL, 0);
    /* f = {0, 10}, mu = 5: 2*100*100*10 / (2 * 200^2 * 5) = 1/2 */
    assert_close(out[VS_M_GINI], 0.5, TOL, 0);
    /* a* = {500, 500}: (500 + 500) / 2000 */
    assert_close(out[VS_M_DISSIMILARITY], 0.5, TOL, 0);
    assert_close(out[VS_M_HIGH_NEED_SHARE], 0, 0, 0); /* nobody above 1.1 */
    /* ties in c: both ranks .5, dev 0: ci_need = 0 and CI(c) = 0 */
    assert_close(out[VS_M_CI_NEED], 0, 0, TOL);
    assert_close(out[VS_M_HI], 0, 0, TOL);
}

/* Negative allocations are not produced by vardsim's rules, but the
 * functions stay well defined: p = {100, 100, 100}, c = {1, 1, 1},
 * a = {-100, 1100, 0}. */
static void test_negative(void **state)
{
    (void)state;
    const double p[] = {100, 100, 100}, c[] = {1, 1, 1};
    const vs_ore a[] = {-100, 1100, 0};
    double out[VS_M_COUNT];
    run(3, p, c, 1.1, a, NULL, out);
    /* f = {-1, 11, 0}, mu = 1000/300 = 10/3; pairs p p |df|:
     * 100*100*(12 + 1 + 11) = 240000, twice = 480000;
     * gini = 480000 / (2 * 300^2 * 10/3) = 0.8 */
    assert_close(out[VS_M_GINI], 0.8, TOL, 0);
    assert_true(isnan(out[VS_M_THEIL])); /* ln of a negative share */
    /* a* = {1000/3 each}: (433.3 + 766.7 + 333.3) / 2000 = 4600/3/2000 */
    assert_close(out[VS_M_DISSIMILARITY], 4600.0 / 6000, TOL, 0);
}

/* "More than 1 % below baseline", in integer öre: 100 a < 99 b. */
static void test_losers_boundary(void **state)
{
    (void)state;
    const double p[] = {1, 1, 1, 1, 1, 1, 1}, c[] = {1, 1, 1, 1, 1, 1, 1};
    const vs_ore b[] = {10000, 10000, 10000, 0, -5, INT64_C(100000000000000000),
                        INT64_C(100000000000000000)};
    /* 9900: exactly 1 % down, not a loser; 9899: a loser; 10001: gains;
     * b = 0 and b < 0: skipped whatever a is (even a < 0, which would
     * otherwise be a loss of 100/0); near the money limit 1e17
     * öre, where 100 a would overflow int64: 99e15 is exactly 1 %, and
     * 99e15 - 1 one öre more */
    const vs_ore a[] = {9900, 9899, 10001, -100, -100, INT64_C(99000000000000000),
                        INT64_C(98999999999999999)};
    double out[VS_M_COUNT];
    run(7, p, c, 1.1, a, b, out);
    assert_close(out[VS_M_LOSERS], 2, 0, 0);
    /* largest loss: (10000 - 9899)/10000 = 0.0101 (1e17 - 98999999999999999
     * over 1e17 is 0.01 + 1e-17) */
    assert_close(out[VS_M_MAX_LOSS], 0.0101, TOL, 0);

    /* a = 9900 alone: max_loss exactly 0.01, no loser */
    const vs_ore a1[] = {9900}, b1[] = {10000};
    run(1, p, c, 1.1, a1, b1, out);
    assert_close(out[VS_M_LOSERS], 0, 0, 0);
    assert_close(out[VS_M_MAX_LOSS], 0.01, TOL, 0);
    /* the boundary for every remainder of b mod 100 */
    for (vs_ore bb = 100; bb < 400; bb++)
        for (vs_ore aa = bb - 10; aa <= bb; aa++) {
            const vs_ore a2[] = {aa}, b2[] = {bb};
            run(1, p, c, 1.1, a2, b2, out);
            assert_close(out[VS_M_LOSERS], 100 * aa < 99 * bb, 0, 0);
        }
}

/* ------------------------------------------------------------------ */
/* Random cases against the definitions written out directly.          */

/* A small LCG: the test needs the same cases on every machine. */
static unsigned long rnd(unsigned long *s, unsigned long n)
{
    *s = *s * 6364136223846793005UL + 1442695040888963407UL;
    return (*s >> 33) % n;
}

/* The metrics straight from docs/methods.md, O(n^2). */
static void brute_force(size_t n, const double *p, const double *c,
                        const vs_ore *a, double *gini, double *ci, double *hi,
                        double *dis, double *theil)
{
    double P = 0, Ak = 0, N = 0, A = 0;
    for (size_t i = 0; i < n; i++) {
        A += (double)a[i];
        N += p[i] * c[i];
        if (p[i] > 0) {
            P += p[i];
            Ak += (double)a[i];
        }
    }
    double mu = Ak / P, g = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (p[i] > 0 && p[j] > 0)
                g += p[i] * p[j] * fabs(a[i] / p[i] - a[j] / p[j]);
    *gini = g / (2 * P * P * mu);
    /* R_i = (persons with lower c + half the persons with equal c) / P */
    double *R = malloc(n * sizeof *R);
    for (size_t i = 0; i < n; i++) {
        double lower = 0, equal = 0;
        for (size_t j = 0; j < n; j++) {
            if (!(p[j] > 0))
                continue;
            if (c[j] < c[i])
                lower += p[j];
            else if (c[j] == c[i])
                equal += p[j];
        }
        R[i] = (lower + equal / 2) / P;
    }
    /* covariances with population weights, means subtracted */
    double Rm = 0, fm = 0, cm = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] > 0) {
            Rm += p[i] * R[i] / P;
            fm += p[i] * (a[i] / p[i]) / P;
            cm += p[i] * c[i] / P;
        }
    double cf = 0, cc = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] > 0) {
            cf += p[i] * (a[i] / p[i] - fm) * (R[i] - Rm) / P;
            cc += p[i] * (c[i] - cm) * (R[i] - Rm) / P;
        }
    free(R);
    *ci = 2 * cf / mu;
    *hi = *ci - 2 * cc / cm;
    double d = 0, t = 0, gbar = Ak / N;
    for (size_t i = 0; i < n; i++) {
        d += fabs((double)a[i] - A * p[i] * c[i] / N);
        if (p[i] > 0 && a[i] > 0) {
            double gi = a[i] / (p[i] * c[i]);
            t += (p[i] * c[i] / N) * (gi / gbar) * log(gi / gbar);
        }
    }
    *dis = d / (2 * A);
    *theil = t;
}

static void test_random_against_definitions(void **state)
{
    (void)state;
    enum { MAXN = 1200 };
    double p[MAXN], c[MAXN];
    vs_ore a[MAXN];
    vs_metric_ws *ws = vs_metric_ws_alloc(MAXN);
    assert_non_null(ws);
    unsigned long s = 20230101;
    for (int rep = 0; rep < 200; rep++) {
        /* mostly small cases; every 50th the size of a real region */
        size_t n = rep % 50 == 49 ? 1150 : 1 + rnd(&s, 60);
        int any = 0;
        for (size_t i = 0; i < n; i++) {
            /* some empty centres, CNI from a short list (ties), money
             * often proportional to listed (ties in f), sometimes 0 */
            p[i] = rnd(&s, 5) == 0 ? 0 : (double)(1 + rnd(&s, 20000));
            c[i] = 0.7 + 0.1 * (double)rnd(&s, 8);
            unsigned long kind = rnd(&s, 4);
            if (kind == 0)
                a[i] = 0;
            else if (kind == 1)
                a[i] = (vs_ore)p[i] * (vs_ore)(1 + rnd(&s, 3)) * 100000;
            else
                a[i] = (vs_ore)rnd(&s, 2000000000UL) * 10;
            any |= p[i] > 0 && a[i] > 0;
        }
        if (!any) { /* keep the case defined */
            p[0] = 100;
            a[0] = 12345;
        }
        if (rep % 4 == 3) {
            /* plain capitation: 1e11 öre by listed, rounded to the öre,
             * so every f_i agrees to about ten digits (the sort must
             * still order them exactly) */
            double P = 0;
            for (size_t i = 0; i < n; i++)
                P += p[i];
            for (size_t i = 0; i < n; i++)
                a[i] = (vs_ore)llround(1e11 * p[i] / P);
        }
        double g, ci, hi, dis, th, out[VS_M_COUNT];
        brute_force(n, p, c, a, &g, &ci, &hi, &dis, &th);
        vs_metrics_prepare(ws, n, p, c, NULL, 1.0);
        vs_metrics_compute(ws, a, NULL, out);
        assert_close(out[VS_M_GINI], g, 1e-11, 1e-13);
        assert_close(out[VS_M_CI_NEED], ci, 1e-9, 1e-12);
        assert_close(out[VS_M_HI], hi, 1e-9, 1e-12);
        assert_close(out[VS_M_DISSIMILARITY], dis, 1e-11, 1e-13);
        assert_close(out[VS_M_THEIL], th, 1e-9, 1e-12);
    }
    vs_metric_ws_free(ws);
}

/* Every centre kept, amounts in range: the four-lane first pass.  With
 * one more centre, empty and unfunded (which changes no metric: it adds 0
 * to every sum and is left out of the kept ones), the general pass runs
 * instead; the two must agree to the bit, and both with the definitions.
 * Sizes 1 to 40 cover every tail after the blocks of four; amounts past
 * 2^46 öre make the dense pass hand over to the general one. */
static void test_dense_and_general_paths(void **state)
{
    (void)state;
    enum { MAXN = 1200 };
    static double p[MAXN + 1], c[MAXN + 1];
    static vs_ore a[MAXN + 1], b[MAXN + 1];
    vs_metric_ws *ws = vs_metric_ws_alloc(MAXN + 1);
    assert_non_null(ws);
    unsigned long s = 77;
    for (int rep = 0; rep < 400; rep++) {
        size_t n = rep % 40 == 39 ? 1150 : 1 + (size_t)rep % 40;
        int huge = rep % 13 == 5;
        for (size_t i = 0; i < n; i++) {
            p[i] = (double)(1 + rnd(&s, 20000));
            c[i] = 0.5 + 0.05 * (double)rnd(&s, 30);
            unsigned long kind = rnd(&s, 5);
            a[i] = kind == 0 ? 0 : (vs_ore)rnd(&s, 3000000000UL) * 10;
            b[i] = kind == 1 ? 0 : a[i] + (vs_ore)rnd(&s, 400000000UL) - 200000000;
            if (b[i] < 0)
                b[i] = 0;
            if (huge && i == n / 2)
                a[i] = (INT64_C(1) << 46) + 12345; /* the general pass */
        }
        if (rep % 7 == 3) /* 100 a == 99 b exactly: not a loser */
            for (size_t i = 0; i < n; i++) {
                b[i] = 100 * (vs_ore)(1 + rnd(&s, 1000000));
                a[i] = b[i] / 100 * 99 + (vs_ore)rnd(&s, 2);
            }
        p[n] = 0, c[n] = 1.0, a[n] = 0, b[n] = 0;
        for (int with_base = 0; with_base < 2; with_base++) {
            double dense[VS_M_COUNT], general[VS_M_COUNT];
            vs_metrics_prepare(ws, n, p, c, NULL, 1.1);
            vs_metrics_compute(ws, a, with_base ? b : NULL, dense);
            vs_metrics_prepare(ws, n + 1, p, c, NULL, 1.1);
            vs_metrics_compute(ws, a, with_base ? b : NULL, general);
            for (int k = 0; k < VS_M_COUNT; k++)
                if (!(isnan(dense[k]) && isnan(general[k])) &&
                    memcmp(&dense[k], &general[k], sizeof dense[k]) != 0)
                    fail_msg("n %zu, %s: dense %.17g, general %.17g", n,
                             vs_metric_name((vs_metric)k), dense[k], general[k]);
            double g, ci, hi, dis, th;
            brute_force(n, p, c, a, &g, &ci, &hi, &dis, &th);
            if (!isnan(dense[VS_M_GINI])) {
                assert_close(dense[VS_M_GINI], g, 1e-11, 1e-13);
                assert_close(dense[VS_M_CI_NEED], ci, 1e-9, 1e-12);
                assert_close(dense[VS_M_THEIL], th, 1e-9, 1e-12);
            }
            assert_close(dense[VS_M_DISSIMILARITY], dis, 1e-11, 1e-13);
            if (with_base) { /* losses by hand */
                double ml = 0;
                int losers = 0;
                for (size_t i = 0; i < n; i++)
                    if (b[i] > 0) {
                        if (a[i] < b[i] && (double)(b[i] - a[i]) / (double)b[i] > ml)
                            ml = (double)(b[i] - a[i]) / (double)b[i];
                        losers += 100 * a[i] < 99 * b[i];
                    }
                assert_true(dense[VS_M_MAX_LOSS] == ml);
                assert_int_equal((int)dense[VS_M_LOSERS], losers);
            }
        }
    }
    vs_metric_ws_free(ws);
}

/* One workspace reused across iterations of different sizes, and one
 * prepare shared by several variants, gives the same as fresh ones. */
static void test_reuse(void **state)
{
    (void)state;
    const double p[] = {1000, 3000, 0}, c[] = {1.0, 2.0, 1.5};
    const vs_ore a[] = {100000, 500000, 60000}, b[] = {150000, 450000, 100000};
    double out1[VS_M_COUNT], out2[VS_M_COUNT];
    run(3, p, c, 1.1, b, NULL, out1);
    vs_metric_ws *ws = vs_metric_ws_alloc(10);
    const double pp[] = {5, 6, 7, 8, 9}, cc[] = {2, 1, 2, 1, 3};
    const vs_ore aa[] = {1, 2, 3, 4, 5};
    vs_metrics_prepare(ws, 5, pp, cc, NULL, 1.5);
    vs_metrics_compute(ws, aa, NULL, out2);
    vs_metrics_prepare(ws, 3, p, c, NULL, 1.1);
    vs_metrics_compute(ws, a, b, out2);
    vs_metrics_compute(ws, b, NULL, out2);
    for (int m = 0; m < VS_M_COUNT; m++)
        assert_close(out2[m], out1[m], 0, 0);
    vs_metric_ws_free(ws);
    vs_metric_ws_free(NULL);
}

/* The metrics try the need order and the baseline's order of the centres
 * before sorting (metrics.c, sort_per_capita).  Whichever path is taken,
 * every metric must come out bit for bit as from a fresh workspace: over
 * variants that keep the baseline's order (a proportional cut), that keep
 * it except among ties (where the stable order differs), and random ones. */
static void test_order_candidates(void **state)
{
    (void)state;
    enum { N = 60 };
    double p[N], c[N];
    vs_ore b[N], a[N];
    vs_metric_ws *ws = vs_metric_ws_alloc(N), *fresh = vs_metric_ws_alloc(N);
    assert_non_null(ws);
    assert_non_null(fresh);
    srand(7);
    for (int rep = 0; rep < 400; rep++) {
        for (size_t i = 0; i < N; i++) {
            p[i] = 100.0 * (1 + rand() % 5); /* few sizes: many equal f */
            c[i] = 0.5 + 0.25 * (rand() % 6);
            b[i] = (vs_ore)(p[i] * (rep % 2 ? c[i] * 100 : 100 + rand() % 3));
        }
        for (size_t i = 0; i < N; i++) {
            switch (rep % 4) {
            case 0: a[i] = b[i] - b[i] / 10; break;          /* keeps the order */
            case 1: a[i] = (vs_ore)(p[i] * 100); break;       /* all tied */
            case 2: a[i] = b[i] + (i % 7 == 0 ? 5000 : 0); break; /* a few move */
            default: a[i] = 1000 + rand() % 100000; break;    /* no relation */
            }
        }
        double want[VS_M_COUNT], got[VS_M_COUNT], base_out[VS_M_COUNT];
        vs_metrics_prepare(fresh, N, p, c, NULL, 1.0);
        vs_metrics_compute(fresh, a, b, want);
        vs_metrics_prepare(ws, N, p, c, NULL, 1.0);
        vs_metrics_compute(ws, b, NULL, base_out);
        vs_metrics_compute(ws, a, b, got);
        assert_memory_equal(got, want, sizeof want);
        vs_metrics_prepare(fresh, N, p, c, NULL, 1.0);
        vs_metrics_compute(fresh, b, NULL, want);
        assert_memory_equal(base_out, want, sizeof want);
    }
    vs_metric_ws_free(ws);
    vs_metric_ws_free(fresh);
}

/* vs_metrics_compute_total: the same bits as vs_metrics_compute when told
 * the right total (dense_pass then writes the terms dense_terms would),
 * and when told a wrong one (found out: dense_terms runs), and with an
 * unknown one (-1); for baselines and variants, on the dense path (every
 * centre listed) and the general one (some not). */
static void test_compute_total(void **state)
{
    (void)state;
    enum { MAXN = 1200 };
    static double p[MAXN], c[MAXN];
    static vs_ore a[MAXN], b[MAXN];
    vs_metric_ws *ws = vs_metric_ws_alloc(MAXN);
    assert_non_null(ws);
    unsigned long s = 5;
    for (int rep = 0; rep < 200; rep++) {
        size_t n = rep % 20 == 19 ? 1150 : 1 + rnd(&s, 50);
        vs_ore total = 0;
        for (size_t i = 0; i < n; i++) {
            p[i] = rep % 3 == 2 && rnd(&s, 6) == 0 ? 0 : (double)(1 + rnd(&s, 20000));
            c[i] = 0.5 + 0.01 * (double)rnd(&s, 150);
            a[i] = rnd(&s, 9) == 0 ? 0 : (vs_ore)rnd(&s, 3000000000UL);
            b[i] = (vs_ore)rnd(&s, 3000000000UL);
            total += a[i];
        }
        vs_metrics_prepare(ws, n, p, c, NULL, 1.1);
        const vs_ore told[3] = {total, total + 1 + (vs_ore)rnd(&s, 1000), -1};
        for (int with_base = 0; with_base < 2; with_base++) {
            double want[VS_M_COUNT], got[VS_M_COUNT];
            vs_metrics_compute(ws, a, with_base ? b : NULL, want);
            for (int t = 0; t < 3; t++) {
                vs_metrics_compute_total(ws, a, with_base ? b : NULL, told[t], got);
                for (int k = 0; k < VS_M_COUNT; k++)
                    if (!(isnan(want[k]) && isnan(got[k])) &&
                        memcmp(&want[k], &got[k], sizeof want[k]) != 0)
                        fail_msg("n %zu, total %lld (sum %lld), %s: %.17g, without the total %.17g",
                                 n, (long long)told[t], (long long)total,
                                 vs_metric_name((vs_metric)k), got[k], want[k]);
            }
        }
    }
    vs_metric_ws_free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_totals_beyond_double),
        cmocka_unit_test(test_is_better),
        cmocka_unit_test(test_equal_per_capita),
        cmocka_unit_test(test_two_centres),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_zero_listed),
        cmocka_unit_test(test_undefined),
        cmocka_unit_test(test_theil_zero),
        cmocka_unit_test(test_negative),
        cmocka_unit_test(test_losers_boundary),
        cmocka_unit_test(test_random_against_definitions),
        cmocka_unit_test(test_dense_and_general_paths),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_order_candidates),
        cmocka_unit_test(test_compute_total),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
