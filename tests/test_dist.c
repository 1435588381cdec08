/* test_dist.c: distributions and random streams (src/dist.c).
 *
 * Reference values marked "mpmath" were computed with mpmath at 40 digits
 * by numerical integration of the density (truncated normal moments) or
 * root finding on the CDF (quantiles); the others are worked by hand in
 * the comment beside them. */
#include "helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "engine/dist.h"
#include "engine/draw.h"
#include "vardsim/scenario.h"
#include "vardsim/error.h"

static vs_dist mk(vs_dist_kind k, double a, double b, double c)
{
    vs_dist d = vs_dist_fixed(0);
    d.kind = k;
    d.p[0] = a;
    d.p[1] = b;
    d.p[2] = c;
    return d;
}

static vs_dist tnorm(double mean, double sd, double lo, double hi)
{
    vs_dist d = mk(VS_DIST_NORMAL, mean, sd, 0);
    d.lo = lo;
    d.hi = hi;
    return d;
}

/* ------------------------------------------------------------------ */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(vs_dist_kind_name(VS_DIST_TRIANGULAR), "triangular");
    assert_string_equal(vs_dist_kind_name(VS_DIST_FIXED), "fixed");
    assert_int_equal(vs_dist_kind_from_name("pert"), VS_DIST_PERT);
    assert_int_equal(vs_dist_kind_from_name("lognormal"), VS_DIST_LOGNORMAL);
    assert_int_equal(vs_dist_kind_from_name("gauss"), -1);
    assert_int_equal(vs_dist_kind_from_name("Normal"), -1);
    /* "fixed" is not something a user types as dist = "..." */
    assert_int_equal(vs_dist_kind_from_name("fixed"), -1);
}

static void test_point(void **state)
{
    (void)state;
    vs_dist d = vs_dist_fixed(42.5);
    assert_close(vs_dist_point(&d), 42.5, 0, 0);
    d = mk(VS_DIST_NORMAL, 7, 3, 0);
    assert_close(vs_dist_point(&d), 7, 0, 0);
    d = mk(VS_DIST_LOGNORMAL, 1.2, 0.4, 0);
    assert_close(vs_dist_point(&d), 1.2, 0, 0);
    d = mk(VS_DIST_UNIFORM, 2, 10, 0); /* midpoint (2 + 10) / 2 */
    assert_close(vs_dist_point(&d), 6, 0, 0);
    d = mk(VS_DIST_UNIFORM, 0.1, 0.3, 0); /* (0.1 + 0.3) / 2, not 0.19999... */
    assert_close(vs_dist_point(&d), 0.2, 0, 0);
    d = mk(VS_DIST_TRIANGULAR, 1.5e6, 2.0e6, 2.5e6);
    assert_close(vs_dist_point(&d), 2.0e6, 0, 0);
    d = mk(VS_DIST_PERT, 0, 1, 4);
    assert_close(vs_dist_point(&d), 1, 0, 0);
    /* truncated normal: the mean when inside, else the nearest bound */
    d = tnorm(3, 1, 0, 5);
    assert_close(vs_dist_point(&d), 3, 0, 0);
    d = tnorm(10, 2, 0, 5);
    assert_close(vs_dist_point(&d), 5, 0, 0);
    d = tnorm(-4, 2, 0, 5);
    assert_close(vs_dist_point(&d), 0, 0, 0);
    d = tnorm(-4, 2, 1, INFINITY);
    assert_close(vs_dist_point(&d), 1, 0, 0);
}

/* Closed-form moments against hand or mpmath values. */
static void test_moments(void **state)
{
    (void)state;
    vs_dist d = mk(VS_DIST_UNIFORM, 2, 10, 0);
    assert_close(vs_dist_mean(&d), 6, 1e-15, 0);
    assert_close(vs_dist_variance(&d), 64.0 / 12, 1e-15, 0); /* 8^2 / 12 */
    d = mk(VS_DIST_TRIANGULAR, 0, 1, 4);
    assert_close(vs_dist_mean(&d), 5.0 / 3, 1e-15, 0); /* (0 + 1 + 4) / 3 */
    /* (0 + 1 + 16 - 0 - 0 - 4) / 18 */
    assert_close(vs_dist_variance(&d), 13.0 / 18, 1e-15, 0);
    d = mk(VS_DIST_PERT, 0, 1, 4);
    /* alpha = 1 + 4*1/4 = 2, beta = 1 + 4*3/4 = 4; mean = 4 * 2/6;
     * var = 16 * 2*4 / (36 * 7) = 128/252 */
    assert_close(vs_dist_mean(&d), 4.0 / 3, 1e-15, 0);
    assert_close(vs_dist_variance(&d), 128.0 / 252, 1e-15, 0);
    d = mk(VS_DIST_LOGNORMAL, 100, 0.5, 0);
    /* 100 e^{0.125}; 100^2 e^{0.25} (e^{0.25} - 1) */
    assert_close(vs_dist_mean(&d), 113.31484530668263, 1e-14, 0);
    assert_close(vs_dist_variance(&d), 3646.9585401238664, 1e-13, 0);
    d = mk(VS_DIST_NORMAL, 5, 2, 0);
    assert_close(vs_dist_mean(&d), 5, 0, 0);
    assert_close(vs_dist_variance(&d), 4, 0, 0);
    d = vs_dist_fixed(3);
    assert_close(vs_dist_variance(&d), 0, 0, 0);

    /* truncated normals (mpmath) */
    d = tnorm(0, 1, 5, 6);
    assert_close(vs_dist_mean(&d), 5.1831470904771735, 1e-12, 0);
    assert_close(vs_dist_variance(&d), 0.029452430768483057, 1e-8, 0);
    d = tnorm(0, 1, -6, -5);
    assert_close(vs_dist_mean(&d), -5.1831470904771735, 1e-12, 0);
    assert_close(vs_dist_variance(&d), 0.029452430768483057, 1e-8, 0);
    d = tnorm(10, 2, 0, 5);
    assert_close(vs_dist_mean(&d), 4.3547286472104559, 1e-12, 0);
    assert_close(vs_dist_variance(&d), 0.35487380447188521, 1e-10, 0);
    d = tnorm(0, 1, -1, 2);
    assert_close(vs_dist_mean(&d), 0.22963717909132897, 1e-12, 0);
    assert_close(vs_dist_variance(&d), 0.51976253921153394, 1e-12, 0);
    d = tnorm(3, 0.5, 3, INFINITY); /* half normal: 3 + 0.5 sqrt(2/pi) */
    assert_close(vs_dist_mean(&d), 3.3989422804014327, 1e-14, 0);
    assert_close(vs_dist_variance(&d), 0.090845056908104664, 1e-12, 0);
    /* beyond Q underflow, exponential tail: mean ~ 40 + 1/40 */
    d = tnorm(0, 1, 40, 41);
    assert_close(vs_dist_mean(&d), 40.025, 0, 2e-5);
    assert_close(vs_dist_variance(&d), 1.0 / 1600, 2e-3, 0);
    /* sd = 0 truncated: a constant at the clamped mean */
    d = tnorm(8, 0, 0, 5);
    assert_close(vs_dist_mean(&d), 5, 0, 0);
    assert_close(vs_dist_variance(&d), 0, 0, 0);
}

/* Draw n values from one stream; check every draw is finite and within
 * [lo, hi], and that the sample mean and variance are within 5 standard
 * errors of the closed forms.  SE(mean) = s / sqrt(n), SE(var) =
 * sqrt((m4 - s^4) / n) with m4 the sample fourth central moment. */
static void check_sample(const vs_dist *d, double lo, double hi, const char *path)
{
    enum { N = 200000 };
    static double x[N];
    gsl_rng *r = gsl_rng_alloc(vs_stream_type());
    assert_non_null(r);
    vs_stream_seed(r, 12345, 1, path);
    double sum = 0;
    for (int i = 0; i < N; i++) {
        x[i] = vs_dist_draw(d, r);
        if (!(x[i] >= lo && x[i] <= hi)) {
            print_error("%s: draw %d = %.17g outside [%g, %g]\n", path, i,
                        x[i], lo, hi);
            fail();
        }
        sum += x[i];
    }
    gsl_rng_free(r);
    double mean = sum / N, m2 = 0, m4 = 0;
    for (int i = 0; i < N; i++) {
        double e = x[i] - mean;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    m2 /= N;
    m4 /= N;
    double mu = vs_dist_mean(d), var = vs_dist_variance(d);
    double se_mean = sqrt(m2 / N), se_var = sqrt((m4 - m2 * m2) / N);
    if (fabs(mean - mu) > 5 * se_mean || fabs(m2 - var) > 5 * se_var) {
        print_error("%s: mean %.10g (expected %.10g, se %.3g), var %.10g "
                    "(expected %.10g, se %.3g)\n",
                    path, mean, mu, se_mean, m2, var, se_var);
        fail();
    }
}

static void test_sample_normal(void **state)
{
    (void)state;
    vs_dist d = mk(VS_DIST_NORMAL, 5, 2, 0);
    check_sample(&d, -INFINITY, INFINITY, "normal");
}

static void test_sample_truncated(void **state)
{
    (void)state;
    vs_dist d = tnorm(0, 1, -1, 2); /* straddles the mean */
    check_sample(&d, -1, 2, "tn.straddle");
    d = tnorm(0, 1, 5, 6); /* far upper tail */
    check_sample(&d, 5, 6, "tn.far");
    d = tnorm(0, 1, -6, -5); /* far lower tail */
    check_sample(&d, -6, -5, "tn.farlow");
    d = tnorm(10, 2, 0, 5); /* mean above the window */
    check_sample(&d, 0, 5, "tn.outside");
    d = tnorm(3, 0.5, 3, INFINITY); /* one-sided */
    check_sample(&d, 3, INFINITY, "tn.half");
    d = tnorm(0, 1, 40, 41); /* beyond where Q(40) underflows */
    check_sample(&d, 40, 41, "tn.extreme");
    d = tnorm(0, 1, -41, -40);
    check_sample(&d, -41, -40, "tn.extremelow");
}

static void test_sample_lognormal(void **state)
{
    (void)state;
    vs_dist d = mk(VS_DIST_LOGNORMAL, 100, 0.5, 0);
    check_sample(&d, 0, INFINITY, "lognormal");
    /* median: the share of draws below 100 is 1/2 within 5 SE, SE =
     * sqrt(0.25 / n) = 0.00112 */
    gsl_rng *r = gsl_rng_alloc(vs_stream_type());
    vs_stream_seed(r, 777, 3, "lognormal.median");
    int below = 0, n = 200000;
    for (int i = 0; i < n; i++)
        below += vs_dist_draw(&d, r) < 100;
    gsl_rng_free(r);
    assert_close((double)below / n, 0.5, 0, 5 * sqrt(0.25 / n));
}

static void test_sample_bounded(void **state)
{
    (void)state;
    vs_dist d = mk(VS_DIST_UNIFORM, 2, 10, 0);
    check_sample(&d, 2, 10, "uniform");
    d = mk(VS_DIST_TRIANGULAR, 0, 1, 4);
    check_sample(&d, 0, 4, "triangular");
    d = mk(VS_DIST_TRIANGULAR, 1.5e6, 1.5e6, 2.5e6); /* mode at min */
    check_sample(&d, 1.5e6, 2.5e6, "triangular.left");
    d = mk(VS_DIST_TRIANGULAR, -3, 2, 2); /* mode at max */
    check_sample(&d, -3, 2, "triangular.right");
    d = mk(VS_DIST_PERT, 0, 1, 4);
    check_sample(&d, 0, 4, "pert");
    d = mk(VS_DIST_PERT, 10, 10, 20); /* mode at min: Beta(1, 5) */
    check_sample(&d, 10, 20, "pert.left");
}

/* Degenerate distributions return their constant and never NaN. */
static void test_degenerate(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(vs_stream_type());
    vs_stream_seed(r, 1, 1, "degenerate");
    vs_dist ds[] = {
        mk(VS_DIST_UNIFORM, 3, 3, 0),     mk(VS_DIST_NORMAL, 4, 0, 0),
        mk(VS_DIST_TRIANGULAR, 2, 2, 2),  mk(VS_DIST_PERT, 2, 2, 2),
        mk(VS_DIST_LOGNORMAL, 7, 0, 0),   tnorm(8, 0, 0, 5),
        tnorm(1, 3, 2, 2),
    };
    double want[] = {3, 4, 2, 2, 7, 5, 2};
    for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        char msg[128];
        assert_int_equal(vs_dist_validate(&ds[i], msg, sizeof msg), VS_OK);
        for (int j = 0; j < 5; j++)
            assert_close(vs_dist_draw(&ds[i], r), want[i], 0, 0);
        assert_close(vs_dist_quantile(&ds[i], 0.3), want[i], 0, 0);
        assert_close(vs_dist_variance(&ds[i]), 0, 0, 0);
    }
    gsl_rng_free(r);
}

static void test_quantile(void **state)
{
    (void)state;
    vs_dist d = mk(VS_DIST_NORMAL, 5, 2, 0);
    /* 5 + 2 * 1.9599639845400542 (z of 0.975) */
    assert_close(vs_dist_quantile(&d, 0.975), 8.919927969080108, 1e-12, 0);
    assert_close(vs_dist_quantile(&d, 0.5), 5, 0, 1e-14);
    d = mk(VS_DIST_LOGNORMAL, 100, 0.5, 0); /* 100 exp(0.5 * 1.95996...) */
    assert_close(vs_dist_quantile(&d, 0.975), 266.4408261552898, 1e-12, 0);
    assert_close(vs_dist_quantile(&d, 0.5), 100, 1e-15, 0);
    d = mk(VS_DIST_UNIFORM, 2, 10, 0); /* 2 + 8 * 0.25 */
    assert_close(vs_dist_quantile(&d, 0.25), 4, 1e-15, 0);
    d = mk(VS_DIST_TRIANGULAR, 0, 1, 4);
    /* F(mode) = 1/4, so u = 0.25 gives the mode; u = 0.1: 4 sqrt(0.1 *
     * 0.25) = 0.632455532...; u = 0.5: 4 - 4 sqrt(0.5 * 0.75) */
    assert_close(vs_dist_quantile(&d, 0.25), 1, 1e-15, 0);
    assert_close(vs_dist_quantile(&d, 0.1), 4 * sqrt(0.025), 1e-15, 0);
    assert_close(vs_dist_quantile(&d, 0.5), 4 - 4 * sqrt(0.375), 1e-15, 0);
    d = mk(VS_DIST_PERT, 0, 1, 4); /* 4 x Beta(2, 4) quantiles (mpmath) */
    assert_close(vs_dist_quantile(&d, 0.1), 0.44893983418343425, 1e-10, 0);
    assert_close(vs_dist_quantile(&d, 0.5), 1.2552406818227898, 1e-10, 0);
    assert_close(vs_dist_quantile(&d, 0.9), 2.3355614984781158, 1e-10, 0);
    d = tnorm(0, 1, 5, 6); /* mpmath */
    assert_close(vs_dist_quantile(&d, 0.1), 5.020202578936887, 1e-10, 0);
    assert_close(vs_dist_quantile(&d, 0.5), 5.1313717632839192, 1e-10, 0);
    assert_close(vs_dist_quantile(&d, 0.9), 5.4214843509379187, 1e-10, 0);
    assert_close(vs_dist_quantile(&d, 0), 5, 0, 1e-12);
    assert_close(vs_dist_quantile(&d, 1), 6, 0, 1e-12);
}

/* CDF(quantile(u)) == u, with the CDFs written out from GSL's. */
static void test_quantile_roundtrip(void **state)
{
    (void)state;
    const double us[] = {1e-6, 0.01, 0.2, 0.5, 0.77, 0.99, 1 - 1e-6};
    for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
        double u = us[i];
        /* truncated normal in the far tail: F(x) = (Q(a) - Q(x)) / (Q(a) - Q(b)) */
        vs_dist d = tnorm(0, 1, 5, 6);
        double x = vs_dist_quantile(&d, u);
        double qa = gsl_cdf_ugaussian_Q(5), qb = gsl_cdf_ugaussian_Q(6);
        assert_close((qa - gsl_cdf_ugaussian_Q(x)) / (qa - qb), u, 1e-8, 1e-12);
        /* straddling: F(x) = (P(x) - P(a)) / (P(b) - P(a)) */
        d = tnorm(1, 2, -1, 4);
        x = vs_dist_quantile(&d, u);
        double pa = gsl_cdf_ugaussian_P(-1), pb = gsl_cdf_ugaussian_P(1.5);
        assert_close((gsl_cdf_ugaussian_P((x - 1) / 2) - pa) / (pb - pa), u,
                     1e-9, 1e-13);
        /* straddling, far into the upper tail: 1 - F(x) =
         * (Q(x) - Q(b)) / (P(b) - P(a)) keeps its digits where 1 - F
         * would not */
        d = tnorm(0, 1, -1, 9);
        double uu = 1 - u * 1e-6; /* 1 - uu is exact (Sterbenz) */
        x = vs_dist_quantile(&d, uu);
        pa = gsl_cdf_ugaussian_P(-1);
        assert_close((gsl_cdf_ugaussian_Q(x) - gsl_cdf_ugaussian_Q(9)) /
                         (gsl_cdf_ugaussian_P(9) - pa),
                     1 - uu, 1e-8, 0);
        /* pert(0, 1, 4) = 4 Beta(2, 4) */
        d = mk(VS_DIST_PERT, 0, 1, 4);
        x = vs_dist_quantile(&d, u);
        assert_close(gsl_cdf_beta_P(x / 4, 2, 4), u, 1e-9, 1e-13);
        /* triangular(0, 1, 4): F = x^2/4 below 1, 1 - (4 - x)^2/12 above */
        d = mk(VS_DIST_TRIANGULAR, 0, 1, 4);
        x = vs_dist_quantile(&d, u);
        double f = x < 1 ? x * x / 4 : 1 - (4 - x) * (4 - x) / 12;
        assert_close(f, u, 1e-9, 1e-13);
        /* lognormal(2, 0.3): F = P(ln(x / 2) / 0.3) */
        d = mk(VS_DIST_LOGNORMAL, 2, 0.3, 0);
        x = vs_dist_quantile(&d, u);
        assert_close(gsl_cdf_ugaussian_P(log(x / 2) / 0.3), u, 1e-9, 1e-13);
    }
}

static void expect_invalid(vs_dist d, const char *want)
{
    char msg[256];
    assert_int_equal(vs_dist_validate(&d, msg, sizeof msg), VS_EINPUT);
    assert_string_equal(msg, want);
}

static void test_validate(void **state)
{
    (void)state;
    char msg[256];
    vs_dist ok[] = {
        vs_dist_fixed(-3),          mk(VS_DIST_NORMAL, -1, 0, 0),
        tnorm(0, 0, -1, 1),         tnorm(9, 1, 0, 5),
        tnorm(0, 1, -INFINITY, 2),  mk(VS_DIST_LOGNORMAL, 1, 0.1, 0),
        mk(VS_DIST_UNIFORM, 1, 1, 0), mk(VS_DIST_TRIANGULAR, 1, 1, 2),
        mk(VS_DIST_PERT, 1, 2, 2),
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_int_equal(vs_dist_validate(&ok[i], msg, sizeof msg), VS_OK);

    expect_invalid(mk(VS_DIST_UNIFORM, 5, 3, 0),
                   "distribution min (5) is greater than max (3)");
    expect_invalid(mk(VS_DIST_TRIANGULAR, 5, 4, 3),
                   "distribution min (5) is greater than max (3)");
    expect_invalid(mk(VS_DIST_TRIANGULAR, 1, 0.5, 3),
                   "distribution min (1) is greater than mode (0.5)");
    expect_invalid(mk(VS_DIST_PERT, 1, 3.25, 3),
                   "distribution mode (3.25) is greater than max (3)");
    expect_invalid(tnorm(0, 1, 2, 1),
                   "distribution min (2) is greater than max (1)");
    expect_invalid(mk(VS_DIST_NORMAL, 0, -1, 0), "sd must not be negative");
    expect_invalid(tnorm(0, -0.5, 0, 1), "sd must not be negative");
    expect_invalid(mk(VS_DIST_LOGNORMAL, 1, -0.1, 0), "sigma must not be negative");
    expect_invalid(mk(VS_DIST_LOGNORMAL, 0, 0.1, 0), "median must be positive");
    expect_invalid(mk(VS_DIST_LOGNORMAL, -2, 0.1, 0), "median must be positive");
    expect_invalid(vs_dist_fixed(NAN), "value must be a finite number");
    expect_invalid(mk(VS_DIST_NORMAL, INFINITY, 1, 0), "mean must be a finite number");
    expect_invalid(mk(VS_DIST_NORMAL, 0, NAN, 0), "sd must be a finite number");
    expect_invalid(mk(VS_DIST_PERT, 0, 1, INFINITY), "max must be a finite number");
    expect_invalid(tnorm(0, 1, NAN, 1),
                   "distribution min must be a finite number or -inf");
    expect_invalid(tnorm(0, 1, INFINITY, INFINITY),
                   "distribution min must be a finite number or -inf");
    expect_invalid(tnorm(0, 1, -INFINITY, -INFINITY),
                   "distribution max must be a finite number or inf");
    expect_invalid(mk(VS_DIST_UNIFORM, -1e308, 1e308, 0),
                   "distribution range from min to max is too wide");
    /* msg may be NULL */
    vs_dist bad = mk(VS_DIST_UNIFORM, 5, 3, 0);
    assert_int_equal(vs_dist_validate(&bad, NULL, 0), VS_EINPUT);
}

static void expect_format(vs_dist d, const char *want)
{
    char buf[128];
    vs_dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, want);
    /* ... and it reads back as the same distribution */
    vs_dist back;
    char msg[256];
    assert_int_equal(vs_dist_parse(buf, &back, msg, sizeof msg), VS_OK);
    assert_int_equal(back.kind, d.kind);
    int np = d.kind == VS_DIST_FIXED ? 1 : d.kind <= VS_DIST_UNIFORM ? 2 : 3;
    for (int i = 0; i < np; i++)
        assert_true(back.p[i] == d.p[i]);
    assert_true(back.lo == d.lo && back.hi == d.hi);
}

static void test_format(void **state)
{
    (void)state;
    expect_format(vs_dist_fixed(42), "42");
    expect_format(vs_dist_fixed(0.1), "0.1");
    expect_format(vs_dist_fixed(-2.5e-7), "-2.5e-07");
    expect_format(vs_dist_fixed(1.0 / 3), "0.3333333333333333");
    expect_format(mk(VS_DIST_TRIANGULAR, 1.5e6, 2.0e6, 2.5e6),
                  "triangular(1500000,2000000,2500000)");
    expect_format(mk(VS_DIST_NORMAL, 1, 0.05, 0), "normal(1,0.05)");
    expect_format(tnorm(1, 0.05, 0.9, 1.2), "normal(1,0.05,0.9,1.2)");
    expect_format(tnorm(0, 1, 0, INFINITY), "normal(0,1,0,inf)");
    expect_format(mk(VS_DIST_LOGNORMAL, 1, 0.05, 0), "lognormal(1,0.05)");
    expect_format(mk(VS_DIST_UNIFORM, 0.95, 1.05, 0), "uniform(0.95,1.05)");
    expect_format(mk(VS_DIST_PERT, 1e6, 2e6, 4.5e6), "pert(1000000,2000000,4500000)");
    expect_format(mk(VS_DIST_PERT, 0.1, 0.2, 0.30000000000000004),
                  "pert(0.1,0.2,0.30000000000000004)");
}

static void test_parse(void **state)
{
    (void)state;
    vs_dist d;
    char msg[256];
    assert_int_equal(vs_dist_parse("triangular(1.5e6, 2e6,  2.5e6)", &d, msg,
                                   sizeof msg), VS_OK);
    assert_int_equal(d.kind, VS_DIST_TRIANGULAR);
    assert_close(d.p[0], 1.5e6, 0, 0);
    assert_close(d.p[1], 2e6, 0, 0);
    assert_close(d.p[2], 2.5e6, 0, 0);
    assert_int_equal(vs_dist_parse("  7.25 ", &d, msg, sizeof msg), VS_OK);
    assert_int_equal(d.kind, VS_DIST_FIXED);
    assert_close(d.p[0], 7.25, 0, 0);
    assert_int_equal(vs_dist_parse("normal(1,0.1)", &d, msg, sizeof msg), VS_OK);
    assert_true(d.lo == -INFINITY && d.hi == INFINITY);
    assert_int_equal(vs_dist_parse("normal(1, 0.1, 0.8, 1.1)", &d, msg,
                                   sizeof msg), VS_OK);
    assert_close(d.lo, 0.8, 0, 0);
    assert_close(d.hi, 1.1, 0, 0);
    assert_int_equal(vs_dist_parse("normal(1,0.1,-inf,1.1)", &d, msg,
                                   sizeof msg), VS_OK);
    assert_true(d.lo == -INFINITY);

    /* errors, with their messages */
    struct { const char *text, *msg; } bad[] = {
        {"", "expected a number or a distribution such as normal(mean,sd)"},
        {"12abc", "unexpected text after the number: 'abc'"},
        {"abc", "expected a number or a distribution, got 'abc'"},
        {"nan", "value must be a finite number"},
        {"1e999", "value must be a finite number"},
        {"gauss(1,2)", "unknown distribution 'gauss' (expected normal, "
                       "lognormal, uniform, triangular or pert)"},
        {"normal(1,2", "missing ')' after normal(..."},
        {"normal(1,2)x", "unexpected text after ')': 'x'"},
        {"normal(1;2)", "expected ',' or ')' at ';2)'"},
        {"normal(1,)", "expected a number at ')'"},
        {"normal(1)", "wrong number of values: expected normal(mean,sd) or "
                      "normal(mean,sd,min,max)"},
        {"normal(1,2,3)", "wrong number of values: expected normal(mean,sd) or "
                          "normal(mean,sd,min,max)"},
        {"pert(1,2,3,4,5)", "too many values: expected pert(min,mode,max)"},
        {"triangular(1,2)", "wrong number of values: expected "
                            "triangular(min,mode,max)"},
        {"uniform(5, 3)", "distribution min (5) is greater than max (3)"},
        {"lognormal(1,-0.5)", "sigma must not be negative"},
        {"normal(1,-0.5)", "sd must not be negative"},
        {"uniform(1,inf)", "max must be a finite number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vs_dist keep = vs_dist_fixed(99);
        int rc = vs_dist_parse(bad[i].text, &keep, msg, sizeof msg);
        if (rc != VS_EINPUT || strcmp(msg, bad[i].msg) != 0) {
            print_error("parse '%s': rc %d msg '%s', expected '%s'\n",
                        bad[i].text, rc, msg, bad[i].msg);
            fail();
        }
        assert_close(keep.p[0], 99, 0, 0); /* output untouched on error */
    }
}

/* ------------------------------------------------------------------ */
/* Streams                                                              */

static void first_outputs(uint64_t seed, uint64_t k, const char *path,
                          unsigned long *out, int n)
{
    gsl_rng *r = gsl_rng_alloc(vs_stream_type());
    assert_non_null(r);
    vs_stream_seed(r, seed, k, path);
    for (int i = 0; i < n; i++)
        out[i] = gsl_rng_get(r);
    gsl_rng_free(r);
}

/* vs_taus2_next is gsl_rng_get of taus2 from any valid state: states
 * from gsl_rng_set, from vs_stream_seed, and written word by word. */
static void test_taus2_as_gsl(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    assert_non_null(r);
    unsigned long *st = gsl_rng_state(r);
    uint64_t x = 88172645463325252ULL;
    for (int seed = 0; seed < 300; seed++) {
        if (seed % 3 == 0) {
            gsl_rng_set(r, (unsigned long)seed * 2654435761UL);
        } else if (seed % 3 == 1) {
            vs_stream_seed(r, (uint64_t)seed, 7, "centres.cni");
        } else { /* any words with a bit above the discarded ones */
            for (int w = 0; w < 3; w++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                st[w] = (unsigned long)(x & 0xffffffffu) | 16u;
            }
        }
        uint32_t s[3] = {(uint32_t)st[0], (uint32_t)st[1], (uint32_t)st[2]};
        for (int i = 0; i < 2000; i++) {
            unsigned long want = gsl_rng_get(r);
            assert_true(vs_taus2_next(s) == want);
        }
        assert_true(s[0] == st[0] && s[1] == st[1] && s[2] == st[2]);
    }
    gsl_rng_free(r);
}

/* A taus2 state whose next output is u.  One step is linear over GF(2)
 * in the 96 state bits, so solve the 32 equations (Gauss-Jordan; free
 * bits 0); returns 0 if u is out of reach (never: the rank is 32). */
static int taus2_state_for(uint32_t u, unsigned long out[3])
{
    uint32_t row[32][3], rhs = u; /* row r: the state bits output bit r reads */
    memset(row, 0, sizeof row);
    for (int b = 0; b < 96; b++) {
        uint32_t s[3] = {0, 0, 0};
        s[b / 32] = UINT32_C(1) << (b % 32);
        uint32_t y = vs_taus2_next(s);
        for (int r = 0; r < 32; r++)
            if (y >> r & 1)
                row[r][b / 32] |= UINT32_C(1) << (b % 32);
    }
    int pivot[32], rank = 0;
    uint32_t bits = rhs, rb[32];
    for (int r = 0; r < 32; r++)
        rb[r] = bits >> r & 1;
    for (int b = 0; b < 96 && rank < 32; b++) {
        int p = -1;
        for (int r = rank; r < 32 && p < 0; r++)
            if (row[r][b / 32] >> (b % 32) & 1)
                p = r;
        if (p < 0)
            continue;
        uint32_t t[3];
        memcpy(t, row[p], sizeof t);
        memcpy(row[p], row[rank], sizeof t);
        memcpy(row[rank], t, sizeof t);
        uint32_t tb = rb[p];
        rb[p] = rb[rank];
        rb[rank] = tb;
        for (int r = 0; r < 32; r++)
            if (r != rank && (row[r][b / 32] >> (b % 32) & 1)) {
                for (int w = 0; w < 3; w++)
                    row[r][w] ^= row[rank][w];
                rb[r] ^= rb[rank];
            }
        pivot[rank++] = b;
    }
    if (rank < 32)
        return 0;
    uint32_t s[3] = {0, 0, 0};
    for (int r = 0; r < 32; r++)
        if (rb[r])
            s[pivot[r] / 32] |= UINT32_C(1) << (pivot[r] % 32);
    for (int w = 0; w < 3; w++)
        out[w] = s[w];
    uint32_t c[3] = {s[0], s[1], s[2]};
    return vs_taus2_next(c) == u;
}

/* At every strip's bound, where the fast path hands over to GSL: the
 * last j it takes (k - 1) and the first it leaves to GSL (k), with either
 * sign, each from a state made to give that output. */
static void test_normals_at_bounds(void **state)
{
    (void)state;
    vs_normals g;
    vs_normals_init(&g);
    assert_true(g.fast);
    gsl_rng *a = gsl_rng_alloc(vs_stream_type()), *b = gsl_rng_alloc(vs_stream_type());
    assert_non_null(a);
    assert_non_null(b);
    int fast_strips = 0;
    for (uint32_t i = 0; i < 128; i++) {
        fast_strips += g.k[i] > 1;
        for (uint32_t d = 0; d < 2; d++)
            for (uint32_t sign = 0; sign < 2; sign++) {
                uint32_t j = g.k[i] - 1 + d;
                if (g.k[i] == 0 || j >= (UINT32_C(1) << 24))
                    continue;
                uint32_t u = j << 8 | sign << 7 | i;
                unsigned long st[3];
                assert_true(taus2_state_for(u, st));
                memcpy(gsl_rng_state(a), st, sizeof st);
                memcpy(gsl_rng_state(b), st, sizeof st);
                double want = gsl_ran_gaussian_ziggurat(a, 1.0), got;
                vs_normals_fill(&g, b, &got, 1);
                assert_memory_equal(&want, &got, sizeof want);
                assert_memory_equal(gsl_rng_state(a), gsl_rng_state(b), sizeof st);
            }
    }
    /* GSL 2.7's strip 0 takes no j at once (k = 0: all of it goes to
     * GSL); the others all have a fast part */
    assert_true(fast_strips >= 100);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* vs_normals_fill gives gsl_ran_gaussian_ziggurat's normals to the bit,
 * and leaves the stream where GSL does, over a few million draws (tens of
 * thousands of them off the fast path: strip bounds, the tail strip),
 * in runs of any length; with `fast` off it is GSL's loop. */
static void test_normals_as_gsl(void **state)
{
    (void)state;
    vs_normals g;
    vs_normals_init(&g);
    assert_true(g.fast); /* the installed GSL's ziggurat was read */
    gsl_rng *a = gsl_rng_alloc(vs_stream_type()), *b = gsl_rng_alloc(vs_stream_type());
    assert_non_null(a);
    assert_non_null(b);
    enum { N = 1500 };
    double want[N], got[N];
    size_t slow = 0;
    for (int off = 0; off < 2; off++) {
        vs_normals h = g;
        h.fast = off == 0;
        for (uint64_t k = 0; k < (off ? 50 : 2000); k++) {
            vs_stream_seed(a, 20231203, k, "noise.cni");
            vs_stream_seed(b, 20231203, k, "noise.cni");
            size_t n = 1 + (size_t)(k * 37 % N);
            for (size_t i = 0; i < n; i++) {
                want[i] = gsl_ran_gaussian_ziggurat(a, 1.0);
                /* what the fast path would not take */
                uint32_t u = (uint32_t)gsl_rng_get(b);
                slow += (u >> 8) >= g.k[u & 0x7f];
                (void)u;
            }
            vs_stream_seed(b, 20231203, k, "noise.cni");
            /* in two calls: the state is carried between them */
            vs_normals_fill(&h, b, got, n / 3);
            vs_normals_fill(&h, b, got + n / 3, n - n / 3);
            assert_memory_equal(want, got, n * sizeof *want);
            assert_memory_equal(gsl_rng_state(a), gsl_rng_state(b), 3 * sizeof(unsigned long));
        }
    }
    assert_true(slow > 10000);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_stream_identity(void **state)
{
    (void)state;
    assert_string_equal(vs_stream_type()->name, "taus2");
    unsigned long a[8], b[8];
    first_outputs(20230101, 17, "region.deficit", a, 8);
    first_outputs(20230101, 17, "region.deficit", b, 8);
    assert_memory_equal(a, b, sizeof a);

    /* reseeding a used generator gives the same sequence again */
    gsl_rng *r = gsl_rng_alloc(vs_stream_type());
    vs_stream_seed(r, 5, 5, "x");
    for (int i = 0; i < 100; i++)
        (void)gsl_rng_get(r);
    vs_stream_seed(r, 20230101, 17, "region.deficit");
    for (int i = 0; i < 8; i++)
        assert_true(gsl_rng_get(r) == a[i]);
    gsl_rng_free(r);

    /* any change of seed, k or path gives another sequence */
    first_outputs(20230101, 18, "region.deficit", b, 8);
    assert_memory_not_equal(a, b, sizeof a);
    first_outputs(20230102, 17, "region.deficit", b, 8);
    assert_memory_not_equal(a, b, sizeof a);
    first_outputs(20230101, 17, "region.deficiT", b, 8);
    assert_memory_not_equal(a, b, sizeof a);
    first_outputs(20230101, 17, "", b, 8);
    assert_memory_not_equal(a, b, sizeof a);

    /* seed 0 is an ordinary seed (mt19937 maps it to 4357) */
    assert_true(vs_stream_key(0, 1, "p") != vs_stream_key(4357, 1, "p"));
    first_outputs(0, 1, "p", a, 8);
    first_outputs(4357, 1, "p", b, 8);
    assert_memory_not_equal(a, b, sizeof a);
    assert_true(vs_stream_key(0, 0, "") != vs_stream_key(0, 1, ""));
    assert_true(vs_stream_key(1, 0, "") != vs_stream_key(0, 1, ""));
}

/* Pearson correlation of two arrays. */
static double correlation(const double *x, const double *y, int n)
{
    double mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

/* The first uniform of consecutive iterations (and of consecutive seeds)
 * must look independent: with n = 10000 independent pairs the correlation
 * has sd 1/sqrt(n) = 0.01, so |r| < 0.05 is 5 sd. */
static void test_stream_independence(void **state)
{
    (void)state;
    enum { N = 10000 };
    static double u[N + 1], v[N + 1], w[N];
    gsl_rng *r = gsl_rng_alloc(vs_stream_type());
    double sum = 0;
    for (int k = 0; k <= N; k++) {
        vs_stream_seed(r, 42, (uint64_t)k, "uncertainty.cni");
        u[k] = gsl_rng_uniform(r);
        sum += u[k];
        vs_stream_seed(r, (uint64_t)k, 1, "uncertainty.cni");
        v[k] = gsl_rng_uniform(r);
    }
    for (int k = 0; k < N; k++) {
        vs_stream_seed(r, 42, (uint64_t)k, "uncertainty.listed");
        w[k] = gsl_rng_uniform(r);
    }
    gsl_rng_free(r);
    assert_true(fabs(correlation(u, u + 1, N)) < 0.05); /* k vs k + 1 */
    assert_true(fabs(correlation(v, v + 1, N)) < 0.05); /* seed vs seed + 1 */
    assert_true(fabs(correlation(u, w, N)) < 0.05);     /* path vs path */
    /* and they are uniform: mean 1/2 within 5 SE (SE = sqrt(1/12/N)) */
    assert_close(sum / (N + 1), 0.5, 0, 5 * sqrt(1.0 / 12 / N));
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* A million streams (one input over a million iterations) never start
 * alike.  Seeding taus2 through gsl_rng_set would keep only 32 bits of
 * the key and give about 10^12 / 2^33 ~ 116 colliding pairs here. */
static void test_stream_no_collisions(void **state)
{
    (void)state;
    enum { N = 1000000 };
    uint64_t *first = malloc(N * sizeof *first);
    assert_non_null(first);
    gsl_rng *r = gsl_rng_alloc(vs_stream_type());
    for (int k = 0; k < N; k++) {
        vs_stream_seed(r, 1, (uint64_t)k, "VARIANT.cut.amount");
        uint64_t hi = gsl_rng_get(r);
        first[k] = hi << 32 | gsl_rng_get(r);
    }
    gsl_rng_free(r);
    qsort(first, N, sizeof *first, cmp_u64);
    int dup = 0;
    for (int k = 1; k < N; k++)
        dup += first[k] == first[k - 1];
    free(first);
    assert_int_equal(dup, 0);
}

/* Params on one shared stream with the same distribution take one value
 * (draw.c, same_draw): the quantile of the stream's uniform, as each
 * would compute it; one with another distribution on that stream takes
 * its own quantile of the same uniform, and one without a stream its own
 * stream's. */
/* The usual scenario's finish (listed rounded four centres at a time,
 * the total from four lane sums) gives what the general loop gives: the
 * same inputs drawn with attr_noise forced on take the general path
 * (attributes reset and clamped, unchanged here).  Listed noise of 30 %
 * sends some centres below 0 and CNI noise some below 1e-6; the second
 * draws' lists (set past the scenario's bounds; the lanes take those
 * below 2^51) pass 2^53 in total, where lane sums round differently
 * from index order. */
static void test_finish_fast_as_general(void **state)
{
    (void)state;
    enum { NC = 11 };
    const char *lists[2][NC] = {
        {"1001", "2", "0", "333", "4444", "55", "6666", "77", "8", "909", "10"},
        {"1500000000000001", "1300000000000003", "1700000000000005", "1100000000000007",
         "1600000000000009", "1200000000000011", "1400000000000013", "1000000000000015",
         "3.1e15", "3", "1500000000000017"}};
    for (int sc_i = 0; sc_i < 2; sc_i++) {
        char text[4096];
        int len = snprintf(text, sizeof text,
                           "scenario = { name = \"f\"; need = { base = \"listed\";"
                           " cni_share = { dist = \"uniform\"; min = 0.2; max = 0.7; }; }; };\n"
                           "centres = (\n");
        for (int c = 0; c < NC; c++)
            len += snprintf(text + len, sizeof text - (size_t)len,
                            "  { id = \"c%d\"; name = \"C%d\"; listed = %s; cni = %s;"
                            " attrs = { a = 2.5; }; }%s\n",
                            c, c, lists[0][c], c == 3 ? "0.000001" : "1.1",
                            c < NC - 1 ? "," : "");
        snprintf(text + len, sizeof text - (size_t)len,
                 ");\nuncertainty = {\n"
                 "  cni = { dist = \"lognormal\"; sigma = 3.0; };\n"
                 "  listed = { dist = \"normal\"; sd = 0.3; relative = true; };\n};\n"
                 "variants = ( { id = \"a\"; name = \"A\"; rules = ( { type = \"capitation\";"
                 " pot = 1000000.0; } ); } );\n");
        vs_scenario *sc = vs_test_load(text, "f.cfg");
        assert_non_null(sc);
        vs_draw *fast = vs_draw_alloc(sc), *gen = vs_draw_alloc(sc);
        assert_non_null(fast);
        assert_non_null(gen);
        assert_false(fast->attr_noise);
        gen->attr_noise = 1;
        size_t n = sc->n_centres;
        /* lists past the scenario's bounds, set after loading */
        for (size_t i = 0; i < n; i++)
            fast->typed_listed[i] = gen->typed_listed[i] = strtod(lists[sc_i][i], NULL);
        int zeros = 0, floors = 0;
        for (uint64_t k = 0; k < 400; k++) {
            vs_draw_fill(sc, 11, k, fast);
            vs_draw_fill(sc, 11, k, gen);
            assert_memory_equal(fast->listed, gen->listed, n * sizeof *fast->listed);
            assert_memory_equal(fast->cni, gen->cni, n * sizeof *fast->cni);
            assert_memory_equal(fast->need, gen->need, n * sizeof *fast->need);
            assert_memory_equal(&fast->total_listed, &gen->total_listed, sizeof(double));
            for (size_t i = 0; i < n; i++) {
                zeros += fast->listed[i] == 0;
                floors += fast->cni[i] == 1e-6;
            }
        }
        assert_true(zeros > 0 && floors > 0);
        vs_draw_free(fast);
        vs_draw_free(gen);
        vs_scenario_free(sc);
    }
}

/* A noise group on a contiguous target takes its update four centres at
 * a time (draw.c, noise4), on a strided one the loop: the same attribute
 * noise with one attribute (stride 1) and with a second, untouched one
 * (stride 2) gives the attribute the same values to the bit, for each
 * kind (lognormal, relative and absolute normal), over 9 centres (two
 * blocks of four and one more). */
static void test_noise_lanes_as_loop(void **state)
{
    (void)state;
    static const char *noise[3] = {
        "{ dist = \"lognormal\"; sigma = 0.4; }",
        "{ dist = \"normal\"; sd = 0.2; relative = true; }",
        "{ dist = \"normal\"; sd = 7.5; }"};
    for (int kind = 0; kind < 3; kind++) {
        vs_draw *d[2];
        vs_scenario *sc[2];
        for (int two = 0; two < 2; two++) {
            char text[4096];
            int len = snprintf(text, sizeof text, "scenario = { name = \"n\"; };\ncentres = (\n");
            for (int c = 0; c < 9; c++)
                len += snprintf(text + len, sizeof text - (size_t)len,
                                "  { id = \"c%d\"; name = \"C%d\"; listed = %d; cni = 1.0;"
                                " attrs = { x = %d.25;%s }; }%s\n",
                                c, c, 100 + c, 10 + 3 * c, two ? " y = 1.0;" : "",
                                c < 8 ? "," : "");
            snprintf(text + len, sizeof text - (size_t)len,
                     ");\nuncertainty = { x = %s; };\n"
                     "variants = ( { id = \"a\"; name = \"A\"; rules = ( { type = \"capitation\";"
                     " pot = 1000000.0; } ); } );\n", noise[kind]);
            sc[two] = vs_test_load(text, "n.cfg");
            d[two] = vs_draw_alloc(sc[two]);
            assert_non_null(d[two]);
        }
        assert_int_equal(sc[0]->n_attrs, 1);
        assert_int_equal(sc[1]->n_attrs, 2);
        for (uint64_t k = 1; k < 60; k++) {
            vs_draw_fill(sc[0], 5, k, d[0]);
            vs_draw_fill(sc[1], 5, k, d[1]);
            for (size_t i = 0; i < 9; i++) {
                assert_memory_equal(&d[0]->attrs[i], &d[1]->attrs[2 * i], sizeof(double));
                assert_true(d[0]->attrs[i] != sc[0]->centres[i].attrs[0]);
            }
        }
        for (int two = 0; two < 2; two++) {
            vs_draw_free(d[two]);
            vs_scenario_free(sc[two]);
        }
    }
}

static void test_shared_stream_params(void **state)
{
    (void)state;
#define CUT(id, mode, max, stream)                                              \
    "  { id = \"" id "\"; name = \"" id "\"; extends = \"a\"; rules = ( { type = \"cut\";"  \
    " method = \"proportional\"; deficit_share = { dist = \"pert\"; min = 0.1;"       \
    " mode = " mode "; max = " max ";" stream " }; } ); },\n"
    vs_scenario *sc = vs_test_load(
        "scenario = { name = \"s\"; };\n"
        "region = { deficit = 1000000.0; };\n"
        "centres = ( { id = \"c1\"; name = \"C1\"; listed = 100; cni = 1.0; },\n"
        "            { id = \"c2\"; name = \"C2\"; listed = 200; cni = 1.2; } );\n"
        "variants = (\n"
        "  { id = \"a\"; name = \"A\"; rules = ( { type = \"capitation\"; pot = 1000000.0; } ); },\n"
        CUT("b", "0.15", "0.25", " stream = \"share\";")
        CUT("c", "0.15", "0.25", " stream = \"share\";")
        CUT("d", "0.2", "0.3", " stream = \"share\";")
        CUT("e", "0.15", "0.25", "")
        "  { id = \"f\"; name = \"f\"; extends = \"a\"; rules = ( { type = \"cut\";"
        " method = \"proportional\"; deficit_share = 0.15; } ); }\n"
        ");\n", "s.cfg");
#undef CUT
    int pb = vs_scenario_find_param(sc, "b.cut.deficit_share");
    int pc = vs_scenario_find_param(sc, "c.cut.deficit_share");
    int pd = vs_scenario_find_param(sc, "d.cut.deficit_share");
    int pe = vs_scenario_find_param(sc, "e.cut.deficit_share");
    assert_true(pb >= 0 && pc >= 0 && pd >= 0 && pe >= 0);
    vs_draw *in = vs_draw_alloc(sc);
    assert_non_null(in);
    gsl_rng *r = gsl_rng_alloc(vs_stream_type());
    for (uint64_t k = 1; k < 30; k++) {
        vs_draw_fill(sc, 7, k, in);
        vs_stream_seed(r, 7, k, "share");
        double u = gsl_rng_uniform_pos(r);
        vs_stream_seed(r, 7, k, "e.cut.deficit_share");
        double ue = gsl_rng_uniform_pos(r);
        double want_b = vs_dist_quantile(&sc->params[pb].dist, u);
        double want_d = vs_dist_quantile(&sc->params[pd].dist, u);
        double want_e = vs_dist_quantile(&sc->params[pe].dist, ue);
        assert_memory_equal(&in->vals[pb], &want_b, sizeof want_b);
        assert_memory_equal(&in->vals[pc], &want_b, sizeof want_b);
        assert_memory_equal(&in->vals[pd], &want_d, sizeof want_d);
        assert_memory_equal(&in->vals[pe], &want_e, sizeof want_e);
        assert_true(want_d != want_b);
    }
    gsl_rng_free(r);
    vs_draw_free(in);
    vs_scenario_free(sc);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_point),
        cmocka_unit_test(test_shared_stream_params),
        cmocka_unit_test(test_noise_lanes_as_loop),
        cmocka_unit_test(test_finish_fast_as_general),
        cmocka_unit_test(test_moments),
        cmocka_unit_test(test_sample_normal),
        cmocka_unit_test(test_sample_truncated),
        cmocka_unit_test(test_sample_lognormal),
        cmocka_unit_test(test_sample_bounded),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_quantile_roundtrip),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_stream_identity),
        cmocka_unit_test(test_taus2_as_gsl),
        cmocka_unit_test(test_normals_as_gsl),
        cmocka_unit_test(test_normals_at_bounds),
        cmocka_unit_test(test_stream_independence),
        cmocka_unit_test(test_stream_no_collisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
