/* dist.c: probability distributions for uncertain inputs and the
 * per-iteration random streams they draw from (see dist.h).
 *
 * Everything here is a pure function of its arguments plus the generator
 * passed in: no global state, nothing allocated.  GSL's random
 * distributions do not check their parameters, so vs_dist_validate is the
 * gate; the draw functions still never return NaN for a valid
 * distribution (results are clamped into the support where rounding could
 * step outside it). */
#include "engine/dist.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "vardsim/error.h"

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static double clamp(double x, double lo, double hi)
{
    if (x < lo)
        return lo;
    if (x > hi)
        return hi;
    return x;
}

/* Switch this thread's numeric locale to "C" for strtod / snprintf, so a
 * caller that ran setlocale(LC_ALL, "") under a Swedish locale still
 * reads and writes "2.5" (under a locale with a decimal comma "2.5" would read as 2).
 * uselocale is per thread, so this is safe in worker threads.  If the
 * locale object cannot be made (out of memory) we go on in the current
 * locale, which is "C" in the vardsim binary anyway. */
typedef struct c_locale_guard {
    locale_t c, old;
} c_locale_guard;

static c_locale_guard c_locale_enter(void)
{
    c_locale_guard g;
    g.c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    g.old = g.c ? uselocale(g.c) : (locale_t)0;
    return g;
}

static void c_locale_leave(c_locale_guard g)
{
    if (g.c) {
        uselocale(g.old);
        freelocale(g.c);
    }
}

/* Shortest text that reads back as exactly `x` ("0.1", not
 * "0.10000000000000001"): try %.1g .. %.17g.  Whole numbers below 1e17
 * are written in full ("2500000", as an analyst types a pot, rather than
 * "2.5e+06").  Infinities are written "inf" / "-inf", which strtod reads
 * back.  Assumes the C locale is active (callers enter it). */
static void fmt_num_c(double x, char *buf, size_t n)
{
    if (isnan(x)) {
        snprintf(buf, n, "nan");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, n, x < 0 ? "-inf" : "inf");
        return;
    }
    if (x == floor(x) && fabs(x) < 1e17) {
        snprintf(buf, n, "%.0f", x);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* fmt_num_c for messages: enters the C locale itself. */
static void fmt_num(double x, char *buf, size_t n)
{
    c_locale_guard g = c_locale_enter();
    fmt_num_c(x, buf, n);
    c_locale_leave(g);
}

/* ------------------------------------------------------------------ */
/* Names                                                                */

static const char *const kind_names[] = {
    [VS_DIST_FIXED] = "fixed",
    [VS_DIST_NORMAL] = "normal",
    [VS_DIST_LOGNORMAL] = "lognormal",
    [VS_DIST_UNIFORM] = "uniform",
    [VS_DIST_TRIANGULAR] = "triangular",
    [VS_DIST_PERT] = "pert",
};

/* Number of parameters in p[] that each kind uses. */
static int kind_nparams(vs_dist_kind k)
{
    switch (k) {
    case VS_DIST_FIXED:
        return 1;
    case VS_DIST_NORMAL:
    case VS_DIST_LOGNORMAL:
    case VS_DIST_UNIFORM:
        return 2;
    case VS_DIST_TRIANGULAR:
    case VS_DIST_PERT:
        return 3;
    }
    return 0;
}

vs_dist vs_dist_fixed(double value)
{
    vs_dist d;
    d.kind = VS_DIST_FIXED;
    d.p[0] = value;
    d.p[1] = d.p[2] = 0;
    d.lo = -INFINITY;
    d.hi = INFINITY;
    return d;
}

const char *vs_dist_kind_name(vs_dist_kind k)
{
    if ((unsigned)k < sizeof kind_names / sizeof kind_names[0])
        return kind_names[k];
    return "unknown";
}

/* Only the five names a user can write: "fixed" is how a plain number is
 * stored, not something one types in `dist = "..."`. */
int vs_dist_kind_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int k = VS_DIST_NORMAL; k <= VS_DIST_PERT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Validation                                                           */

/* Names of p[0..2] for each kind, used in messages. */
static const char *param_name(vs_dist_kind k, int i)
{
    static const char *const names[][3] = {
        [VS_DIST_FIXED] = {"value", "", ""},
        [VS_DIST_NORMAL] = {"mean", "sd", ""},
        [VS_DIST_LOGNORMAL] = {"median", "sigma", ""},
        [VS_DIST_UNIFORM] = {"min", "max", ""},
        [VS_DIST_TRIANGULAR] = {"min", "mode", "max"},
        [VS_DIST_PERT] = {"min", "mode", "max"},
    };
    return names[k][i];
}

/* Write a message into msg (when given) and return VS_EINPUT. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *msg, size_t n, const char *fmt, ...)
{
    if (msg && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, n, fmt, ap);
        va_end(ap);
    }
    return VS_EINPUT;
}

/* "distribution min (5) is greater than max (3)". */
static int check_order(double lo, const char *lo_name, double hi,
                       const char *hi_name, char *msg, size_t n)
{
    if (lo <= hi)
        return VS_OK;
    char a[32], b[32];
    fmt_num(lo, a, sizeof a);
    fmt_num(hi, b, sizeof b);
    return fail(msg, n, "distribution %s (%s) is greater than %s (%s)",
                lo_name, a, hi_name, b);
}

int vs_dist_validate(const vs_dist *d, char *msg, size_t n)
{
    if (msg && n)
        msg[0] = '\0';
    int np = kind_nparams(d->kind);
    if (np == 0)
        return fail(msg, n, "unknown distribution kind");
    for (int i = 0; i < np; i++)
        if (!isfinite(d->p[i]))
            return fail(msg, n, "%s must be a finite number",
                        param_name(d->kind, i));

    switch (d->kind) {
    case VS_DIST_FIXED:
        return VS_OK;
    case VS_DIST_NORMAL:
        if (d->p[1] < 0)
            return fail(msg, n, "sd must not be negative");
        if (isnan(d->lo) || d->lo == INFINITY)
            return fail(msg, n, "distribution min must be a finite number "
                        "or -inf");
        if (isnan(d->hi) || d->hi == -INFINITY)
            return fail(msg, n, "distribution max must be a finite number "
                        "or inf");
        return check_order(d->lo, "min", d->hi, "max", msg, n);
    case VS_DIST_LOGNORMAL:
        if (d->p[0] <= 0)
            return fail(msg, n, "median must be positive");
        if (d->p[1] < 0)
            return fail(msg, n, "sigma must not be negative");
        return VS_OK;
    case VS_DIST_UNIFORM:
        if (check_order(d->p[0], "min", d->p[1], "max", msg, n) != VS_OK)
            return VS_EINPUT;
        break;
    case VS_DIST_TRIANGULAR:
    case VS_DIST_PERT:
        if (check_order(d->p[0], "min", d->p[2], "max", msg, n) != VS_OK ||
            check_order(d->p[0], "min", d->p[1], "mode", msg, n) != VS_OK ||
            check_order(d->p[1], "mode", d->p[2], "max", msg, n) != VS_OK)
            return VS_EINPUT;
        break;
    }
    /* The width max - min enters every formula; keeping it finite means no
     * draw or moment overflows into inf - inf = NaN. */
    double lo = d->p[0], hi = d->p[np - 1];
    if (!isfinite(hi - lo))
        return fail(msg, n, "distribution range from min to max is too "
                    "wide");
    return VS_OK;
}

/* ------------------------------------------------------------------ */
/* Truncated normal                                                     */

/* Below this a normal tail probability is too close to the underflow
 * limit (about 1e-308, reached near 37.5 sd) to invert reliably; beyond
 * it the truncated normal is, to relative accuracy 1/a^2 < 1e-3, an
 * exponential distribution with rate a starting at the bound. */
#define TAIL_TINY 1e-280

/* Quantile of an exponential with rate `lam` truncated to [0, w]: the
 * shape of a normal far out in its tail, seen from the bound. */
static double exp_tail_quantile(double lam, double w, double u)
{
    if (!isfinite(lam))
        return 0; /* infinitely steep: all the mass sits at the bound */
    return -log1p(u * expm1(-lam * w)) / lam;
}

/* Quantile u of N(mu, sd^2) truncated to [lo, hi], by inversion of the
 * truncated CDF.  Works on whichever side of the mean keeps the tail
 * probabilities accurate: P(x) for x < 0 and Q(x) = 1 - P(x) for x > 0,
 * so a window like [5 sd, 6 sd] (P values 1 - 3e-7, where doubles have
 * only ~9 correct digits left) is inverted through Q values 3e-7 and
 * 1e-9, which are exact to the last digit. */
static double tn_quantile(double mu, double sd, double lo, double hi, double u)
{
    if (!(sd > 0) || lo == hi)
        return clamp(mu, lo, hi);
    double a = (lo - mu) / sd, b = (hi - mu) / sd;
    double x;
    if (a > 0) {
        /* Entirely above the mean: upper tail probabilities. */
        double qa = gsl_cdf_ugaussian_Q(a), qb = gsl_cdf_ugaussian_Q(b);
        if (qa < TAIL_TINY)
            x = lo + sd * exp_tail_quantile(a, (hi - lo) / sd, u);
        else
            x = mu + sd * gsl_cdf_ugaussian_Qinv(qa - u * (qa - qb));
    } else if (b < 0) {
        /* Entirely below the mean: the mirror image. */
        double pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b);
        if (pb < TAIL_TINY)
            x = hi - sd * exp_tail_quantile(-b, (hi - lo) / sd, 1 - u);
        else
            x = mu + sd * gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    } else {
        /* Straddles the mean: mass below is pa + u z, mass above is
         * qb + (1 - u) z; invert whichever is below one half. */
        double pa = gsl_cdf_ugaussian_P(a), qb = gsl_cdf_ugaussian_Q(b);
        double z = gsl_cdf_ugaussian_P(b) - pa;
        double below = pa + u * z;
        if (below <= 0.5)
            x = mu + sd * gsl_cdf_ugaussian_Pinv(below);
        else
            x = mu + sd * gsl_cdf_ugaussian_Qinv(qb + (1 - u) * z);
    }
    if (isnan(x)) /* cannot happen for sd > 0, lo < hi; belt and braces */
        x = clamp(mu, lo, hi);
    return clamp(x, lo, hi);
}

/* x * phi(x), taken as 0 at +-infinity. */
static double x_phi(double x)
{
    return isfinite(x) ? x * gsl_ran_ugaussian_pdf(x) : 0.0;
}

/* Mean and variance of an exponential with rate lam truncated to [0, w]. */
static void exp_tail_moments(double lam, double w, double *m, double *v)
{
    double lw = lam * w;
    if (!isfinite(lam)) {
        *m = 0;
        *v = 0;
    } else if (lw > 700) { /* truncation irrelevant */
        *m = 1 / lam;
        *v = 1 / (lam * lam);
    } else if (lw < 1e-4) { /* nearly flat over a tiny window */
        *m = w / 2;
        *v = w * w / 12;
    } else {
        double e = expm1(lw);
        *m = 1 / lam - w / e;
        *v = 1 / (lam * lam) - w * w * (e + 1) / (e * e);
    }
}

/* Mean and variance of the truncated normal (standard formulas with
 * a = (lo - mu)/sd, b = (hi - mu)/sd, Z = P(b) - P(a):
 *   mean = mu + sd (phi(a) - phi(b)) / Z
 *   var  = sd^2 [1 + (a phi(a) - b phi(b)) / Z - ((phi(a) - phi(b)) / Z)^2]),
 * with Z taken from the accurate tail as in tn_quantile. */
static void tn_moments(double mu, double sd, double lo, double hi, double *mean,
                       double *var)
{
    if (!(sd > 0) || lo == hi) {
        *mean = clamp(mu, lo, hi);
        *var = 0;
        return;
    }
    double a = (lo - mu) / sd, b = (hi - mu) / sd;
    double z;
    if (a > 0) {
        double qa = gsl_cdf_ugaussian_Q(a);
        if (qa < TAIL_TINY) {
            double m, v;
            exp_tail_moments(a, (hi - lo) / sd, &m, &v);
            *mean = clamp(lo + sd * m, lo, hi);
            *var = sd * sd * v;
            return;
        }
        z = qa - gsl_cdf_ugaussian_Q(b);
    } else if (b < 0) {
        double pb = gsl_cdf_ugaussian_P(b);
        if (pb < TAIL_TINY) {
            double m, v;
            exp_tail_moments(-b, (hi - lo) / sd, &m, &v);
            *mean = clamp(hi - sd * m, lo, hi);
            *var = sd * sd * v;
            return;
        }
        z = pb - gsl_cdf_ugaussian_P(a);
    } else {
        z = gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    }
    double pa = isfinite(a) ? gsl_ran_ugaussian_pdf(a) : 0.0;
    double pb = isfinite(b) ? gsl_ran_ugaussian_pdf(b) : 0.0;
    double r = (pa - pb) / z;
    double s = (x_phi(a) - x_phi(b)) / z;
    double v = 1 + s - r * r;
    *mean = clamp(mu + sd * r, lo, hi);
    *var = sd * sd * (v > 0 ? v : 0); /* cancellation in far tails */
}

static int is_truncated(const vs_dist *d)
{
    return d->lo > -INFINITY || d->hi < INFINITY;
}

/* ------------------------------------------------------------------ */
/* Point, draw, quantile, moments                                       */

/* The midpoint without overflow for huge same-sign bounds. */
static double midpoint(double lo, double hi)
{
    double s = lo + hi;
    return isfinite(s) ? s / 2 : lo / 2 + hi / 2;
}

double vs_dist_point(const vs_dist *d)
{
    switch (d->kind) {
    case VS_DIST_FIXED:
        return d->p[0];
    case VS_DIST_NORMAL:
        return clamp(d->p[0], d->lo, d->hi);
    case VS_DIST_LOGNORMAL:
        return d->p[0];
    case VS_DIST_UNIFORM:
        return midpoint(d->p[0], d->p[1]);
    case VS_DIST_TRIANGULAR:
    case VS_DIST_PERT:
        return d->p[1];
    }
    return NAN;
}

/* Triangular quantile, written with the width w = max - min outside the
 * square root so nothing overflows: F(mode) = fc; below it
 * x = min + w sqrt(u fc), above it x = max - w sqrt((1 - u)(1 - fc)). */
static double triangular_quantile(const double *p, double u)
{
    double a = p[0], c = p[1], b = p[2], w = b - a;
    if (!(w > 0))
        return a;
    double fc = (c - a) / w;
    double x = u < fc ? a + w * sqrt(u * fc) : b - w * sqrt((1 - u) * (1 - fc));
    return clamp(x, a, b);
}

/* PERT shape parameters: Beta(alpha, beta) on [min, max] with mean
 * (min + 4 mode + max) / 6. */
static void pert_shape(const double *p, double *alpha, double *beta)
{
    double w = p[2] - p[0];
    *alpha = 1 + 4 * (p[1] - p[0]) / w;
    *beta = 1 + 4 * (p[2] - p[1]) / w;
}

double vs_dist_draw(const vs_dist *d, gsl_rng *r)
{
    const double *p = d->p;
    switch (d->kind) {
    case VS_DIST_FIXED:
        return p[0];
    case VS_DIST_NORMAL:
        if (is_truncated(d))
            return tn_quantile(p[0], p[1], d->lo, d->hi, gsl_rng_uniform(r));
        if (!(p[1] > 0))
            return p[0];
        return p[0] + gsl_ran_gaussian_ziggurat(r, p[1]);
    case VS_DIST_LOGNORMAL:
        if (!(p[1] > 0))
            return p[0];
        return p[0] * exp(gsl_ran_gaussian_ziggurat(r, p[1]));
    case VS_DIST_UNIFORM:
        if (!(p[1] > p[0]))
            return p[0];
        return clamp(p[0] + (p[1] - p[0]) * gsl_rng_uniform(r), p[0], p[1]);
    case VS_DIST_TRIANGULAR:
        if (!(p[2] > p[0]))
            return p[0];
        return triangular_quantile(p, gsl_rng_uniform(r));
    case VS_DIST_PERT: {
        if (!(p[2] > p[0]))
            return p[0];
        double al, be;
        pert_shape(p, &al, &be);
        double x = p[0] + (p[2] - p[0]) * gsl_ran_beta(r, al, be);
        return clamp(x, p[0], p[2]);
    }
    }
    return NAN;
}

static void gsl_errors_off_once(void)
{
    gsl_set_error_handler_off();
}

void vs_dist_gsl_errors_off(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, gsl_errors_off_once);
}

/* Inverse of the Beta(al, be) CDF.  gsl_cdf_beta_Pinv returns NaN if its
 * Newton iteration fails (after calling the GSL error handler, which
 * vardsim turns off); fall back to bisection on the CDF then. */
static double beta_quantile(double u, double al, double be)
{
    vs_dist_gsl_errors_off();
    double x = gsl_cdf_beta_Pinv(u, al, be);
    if (isfinite(x))
        return x;
    double lo = 0, hi = 1;
    for (int i = 0; i < 200 && hi - lo > 1e-16; i++) {
        double mid = (lo + hi) / 2;
        if (gsl_cdf_beta_P(mid, al, be) < u)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

double vs_dist_quantile(const vs_dist *d, double u)
{
    const double *p = d->p;
    if (isnan(u))
        return NAN;
    u = clamp(u, 0, 1);
    switch (d->kind) {
    case VS_DIST_FIXED:
        return p[0];
    case VS_DIST_NORMAL:
        if (is_truncated(d))
            return tn_quantile(p[0], p[1], d->lo, d->hi, u);
        if (!(p[1] > 0))
            return p[0];
        return p[0] + p[1] * gsl_cdf_ugaussian_Pinv(u);
    case VS_DIST_LOGNORMAL:
        if (!(p[1] > 0))
            return p[0];
        return p[0] * exp(p[1] * gsl_cdf_ugaussian_Pinv(u));
    case VS_DIST_UNIFORM:
        return clamp(p[0] + (p[1] - p[0]) * u, p[0], p[1]);
    case VS_DIST_TRIANGULAR:
        return triangular_quantile(p, u);
    case VS_DIST_PERT: {
        if (!(p[2] > p[0]))
            return p[0];
        double al, be;
        pert_shape(p, &al, &be);
        return clamp(p[0] + (p[2] - p[0]) * beta_quantile(u, al, be), p[0],
                     p[2]);
    }
    }
    return NAN;
}

double vs_dist_mean(const vs_dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case VS_DIST_FIXED:
        return p[0];
    case VS_DIST_NORMAL:
        if (is_truncated(d)) {
            double m, v;
            tn_moments(p[0], p[1], d->lo, d->hi, &m, &v);
            return m;
        }
        return p[0];
    case VS_DIST_LOGNORMAL:
        return p[0] * exp(p[1] * p[1] / 2);
    case VS_DIST_UNIFORM:
        return midpoint(p[0], p[1]);
    case VS_DIST_TRIANGULAR:
        return (p[0] + p[1] + p[2]) / 3;
    case VS_DIST_PERT:
        return (p[0] + 4 * p[1] + p[2]) / 6;
    }
    return NAN;
}

double vs_dist_variance(const vs_dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case VS_DIST_FIXED:
        return 0;
    case VS_DIST_NORMAL:
        if (is_truncated(d)) {
            double m, v;
            tn_moments(p[0], p[1], d->lo, d->hi, &m, &v);
            return v;
        }
        return p[1] * p[1];
    case VS_DIST_LOGNORMAL: {
        /* median^2 e^{s^2} (e^{s^2} - 1), expm1 for small sigma */
        double s2 = p[1] * p[1];
        return p[0] * p[0] * exp(s2) * expm1(s2);
    }
    case VS_DIST_UNIFORM: {
        double w = p[1] - p[0];
        return w * w / 12;
    }
    case VS_DIST_TRIANGULAR: {
        /* (a^2 + b^2 + c^2 - ab - ac - bc) / 18, written with offsets
         * from min so large amounts do not cancel catastrophically */
        double c = p[1] - p[0], b = p[2] - p[0];
        return (b * b + c * c - b * c) / 18;
    }
    case VS_DIST_PERT: {
        /* w^2 alpha beta / ((alpha + beta)^2 (alpha + beta + 1)), and
         * alpha + beta = 6 */
        double w = p[2] - p[0];
        if (!(w > 0))
            return 0;
        double al, be;
        pert_shape(p, &al, &be);
        return w * w * al * be / (36.0 * 7.0);
    }
    }
    return NAN;
}

/* ------------------------------------------------------------------ */
/* Text form                                                            */

void vs_dist_format(const vs_dist *d, char *buf, size_t n)
{
    if (!buf || n == 0)
        return;
    int np = kind_nparams(d->kind);
    if (np == 0) {
        snprintf(buf, n, "?");
        return;
    }
    c_locale_guard g = c_locale_enter();
    char num[4][40];
    for (int i = 0; i < np; i++)
        fmt_num_c(d->p[i], num[i], sizeof num[i]);
    if (d->kind == VS_DIST_FIXED) {
        snprintf(buf, n, "%s", num[0]);
    } else if (d->kind == VS_DIST_NORMAL && is_truncated(d)) {
        fmt_num_c(d->lo, num[2], sizeof num[2]);
        fmt_num_c(d->hi, num[3], sizeof num[3]);
        snprintf(buf, n, "normal(%s,%s,%s,%s)", num[0], num[1], num[2], num[3]);
    } else if (np == 2) {
        snprintf(buf, n, "%s(%s,%s)", kind_names[d->kind], num[0], num[1]);
    } else {
        snprintf(buf, n, "%s(%s,%s,%s)", kind_names[d->kind], num[0], num[1],
                 num[2]);
    }
    c_locale_leave(g);
}

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Parse one number with strtod at *s; advances *s.  Returns 0 on
 * failure (no number there). */
static int parse_num(const char **s, double *out)
{
    char *end;
    const char *t = skip_space(*s);
    *out = strtod(t, &end);
    if (end == t)
        return 0;
    *s = end;
    return 1;
}

/* Parse "name(v1,v2,...)" starting at s, where the name is `len`
 * letters followed by optional spaces and '(' at `open`.  Fills *d
 * (unvalidated). */
static int parse_call(const char *s, size_t len, const char *open, vs_dist *d,
                      char *msg, size_t n)
{
    static const char *const usage[] = {
        [VS_DIST_FIXED] = "a number",
        [VS_DIST_NORMAL] = "normal(mean,sd) or normal(mean,sd,min,max)",
        [VS_DIST_LOGNORMAL] = "lognormal(median,sigma)",
        [VS_DIST_UNIFORM] = "uniform(min,max)",
        [VS_DIST_TRIANGULAR] = "triangular(min,mode,max)",
        [VS_DIST_PERT] = "pert(min,mode,max)",
    };
    char name[32];
    if (len >= sizeof name)
        len = sizeof name - 1;
    memcpy(name, s, len);
    name[len] = '\0';
    int k = vs_dist_kind_from_name(name);
    if (k < 0)
        return fail(msg, n, "unknown distribution '%s' (expected normal, "
                    "lognormal, uniform, triangular or pert)", name);
    d->kind = (vs_dist_kind)k;

    /* Numbers separated by commas, spaces allowed around each. */
    double v[4];
    int count = 0;
    s = open + 1;
    for (;;) {
        if (count == 4)
            return fail(msg, n, "too many values: expected %s", usage[k]);
        if (!parse_num(&s, &v[count])) {
            s = skip_space(s);
            return fail(msg, n, "expected a number at '%s'",
                        *s ? s : "the end");
        }
        count++;
        s = skip_space(s);
        if (*s == ',') {
            s++;
            continue;
        }
        if (*s == ')')
            break;
        if (*s == '\0')
            return fail(msg, n, "missing ')' after %s(...", name);
        return fail(msg, n, "expected ',' or ')' at '%s'", s);
    }
    s = skip_space(s + 1);
    if (*s != '\0')
        return fail(msg, n, "unexpected text after ')': '%s'", s);

    int need = kind_nparams(d->kind);
    if (d->kind == VS_DIST_NORMAL && count == 4) {
        d->p[0] = v[0];
        d->p[1] = v[1];
        d->lo = v[2];
        d->hi = v[3];
    } else if (count == need) {
        for (int i = 0; i < need; i++)
            d->p[i] = v[i];
    } else {
        return fail(msg, n, "wrong number of values: expected %s", usage[k]);
    }
    return VS_OK;
}

/* The body of vs_dist_parse, run in the C locale. */
static int parse_c(const char *text, vs_dist *out, char *msg, size_t n)
{
    const char *s = skip_space(text);
    vs_dist d = vs_dist_fixed(0);
    if (*s == '\0')
        return fail(msg, n, "expected a number or a distribution such as "
                    "normal(mean,sd)");

    /* A name is a run of letters followed by '(': "inf" and "nan" without
     * a parenthesis stay numbers for strtod (and validation rejects them). */
    size_t len = 0;
    while ((s[len] >= 'a' && s[len] <= 'z') || (s[len] >= 'A' && s[len] <= 'Z'))
        len++;
    const char *open = skip_space(s + len);
    if (len > 0 && *open == '(') {
        if (parse_call(s, len, open, &d, msg, n) != VS_OK)
            return VS_EINPUT;
    } else {
        if (!parse_num(&s, &d.p[0]))
            return fail(msg, n, "expected a number or a distribution, got "
                        "'%s'", text);
        s = skip_space(s);
        if (*s != '\0')
            return fail(msg, n, "unexpected text after the number: '%s'", s);
    }
    int rc = vs_dist_validate(&d, msg, n);
    if (rc == VS_OK)
        *out = d;
    return rc;
}

int vs_dist_parse(const char *text, vs_dist *out, char *msg, size_t n)
{
    if (msg && n)
        msg[0] = '\0';
    if (!text)
        return fail(msg, n, "expected a number or a distribution");
    c_locale_guard g = c_locale_enter();
    int rc = parse_c(text, out, msg, n);
    c_locale_leave(g);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Random streams                                                       */

#define GOLDEN_GAMMA UINT64_C(0x9e3779b97f4a7c15)

/* splitmix64's output function (Stafford's Mix13): a bijection on 64-bit
 * words in which every input bit flips about half the output bits. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* FNV-1a over the bytes of the path: cheap and good enough as an input
 * to mix64, which does the avalanching. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/* Each component goes through the mixer before the next is folded in, so
 * seed 0 is an ordinary seed, and (seed, k) and (seed, k + 1) or
 * (seed + 1, k) give unrelated keys. */
uint64_t vs_stream_key(uint64_t seed, uint64_t k, const char *path)
{
    uint64_t h = mix64(seed + GOLDEN_GAMMA);
    h = mix64(h ^ mix64(k + 2 * GOLDEN_GAMMA));
    h = mix64(h ^ mix64(fnv1a(path) + 3 * GOLDEN_GAMMA));
    return h;
}

/* taus2: seeding is a state write (nanoseconds), whereas mt19937 fills 624
 * words per seed, and vardsim reseeds once per input and iteration. */
const gsl_rng_type *vs_stream_type(void)
{
    return gsl_rng_taus2;
}

/* Why write taus2's state ourselves: gsl_rng_set(r, s) for taus2 seeds
 * through the LCG s1 = 69069 s mod 2^32, s2 = 69069 s1, ..., so only the
 * low 32 bits of s matter and there are at most 2^32 distinct streams.  A
 * run makes iterations x inputs streams (a million is ordinary), and by the
 * birthday bound about a million 32-bit seeds already collide with
 * probability ~ 1 - exp(-10^12 / 2^33) ~ 1: two inputs would then draw the
 * same numbers.  Writing three 32-bit words taken from the 64-bit key
 * keeps streams distinct up to 64-bit collisions.
 *
 * The state layout is GSL's taus.c: struct { unsigned long s1, s2, s3; },
 * each word used modulo 2^32 and required to have a bit set above the
 * bits the recurrence discards (s1 > 1, s2 > 7, s3 > 15).  We check the
 * type and size first and fall back to gsl_rng_set if they ever differ. */
void vs_stream_seed(gsl_rng *r, uint64_t seed, uint64_t k, const char *path)
{
    uint64_t key = vs_stream_key(seed, k, path);
    if (r->type != gsl_rng_taus2 || gsl_rng_size(r) != 3 * sizeof(unsigned long)) {
        gsl_rng_set(r, (unsigned long)key);
        return;
    }
    uint64_t w01 = mix64(key + GOLDEN_GAMMA);
    uint64_t w2 = mix64(key + 2 * GOLDEN_GAMMA);
    unsigned long s1 = (unsigned long)(w01 & 0xffffffffUL);
    unsigned long s2 = (unsigned long)(w01 >> 32);
    unsigned long s3 = (unsigned long)(w2 & 0xffffffffUL);
    /* same repair as taus2_set: a word with no significant bits would
     * make that component stuck at zero */
    if (s1 < 2)
        s1 += 2;
    if (s2 < 8)
        s2 += 8;
    if (s3 < 16)
        s3 += 16;
    unsigned long *st = (unsigned long *)gsl_rng_state(r);
    st[0] = s1;
    st[1] = s2;
    st[2] = s3;
    /* warm up as taus2_set does (six steps), the steps inline */
    uint32_t w[3] = {(uint32_t)s1, (uint32_t)s2, (uint32_t)s3};
    for (int i = 0; i < 6; i++)
        (void)vs_taus2_next(w);
    st[0] = w[0];
    st[1] = w[1];
    st[2] = w[2];
}

/* ------------------------------------------------------------------ */
/* Standard normals (dist.h)                                           */

/* The probe: a generator type with taus2's range whose first output is
 * `first` and every later one 0 (0.0 as a double), counting the calls.
 * GSL's ziggurat then returns at once when it accepts `first` (one call),
 * and otherwise ends soon after: u = 0 is strip 0 with j = 0. */
typedef struct probe {
    unsigned long first;
    long calls;
} probe;

static void probe_set(void *st, unsigned long seed)
{
    (void)seed;
    memset(st, 0, sizeof(probe));
}

static unsigned long probe_get(void *st)
{
    probe *p = st;
    return p->calls++ == 0 ? p->first : 0;
}

static double probe_get_double(void *st)
{
    probe *p = st;
    p->calls++;
    return 0.0;
}

/* GSL's normal for the first output u; *one: it took only u. */
static double probe_draw(const gsl_rng_type *type, uint32_t u, int *one)
{
    probe st = {u, 0};
    gsl_rng r = {type, &st};
    double x = gsl_ran_gaussian_ziggurat(&r, 1.0);
    *one = st.calls == 1;
    return x;
}

/* Strip i's w and k from GSL's answers: u = (j << 8) | 0x80 | i is strip
 * i with a plus sign; j = 1 accepted gives w[i] = 1 x w[i]; k[i] is the
 * least j it does not accept at once, found by bisection (acceptance is
 * j < k[i]).  A strip that does not accept j = 1 gets k = 0: every draw
 * in it goes to GSL. */
static void probe_strip(const gsl_rng_type *type, uint32_t i, double *w,
                        uint32_t *k)
{
    int one;
    double x = probe_draw(type, (UINT32_C(1) << 8) | 0x80 | i, &one);
    if (!one) {
        *w = 0;
        *k = 0;
        return;
    }
    uint32_t lo = 1, hi = UINT32_C(1) << 24; /* lo accepted; hi = no j left */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        (void)probe_draw(type, (mid << 8) | 0x80 | i, &one);
        if (one)
            lo = mid;
        else
            hi = mid;
    }
    *w = x;
    *k = hi;
}

/* The common case of one draw from state s, as dist.h describes;
 * 0 when the draw must go to GSL (s then already advanced: the caller
 * keeps the state before). */
static inline int normal_fast(const vs_normals *g, uint32_t s[3], double *z)
{
    uint32_t u = vs_taus2_next(s);
    uint32_t i = u & 0x7f, j = u >> 8;
    if (j >= g->k[i])
        return 0;
    double x = (double)j * g->w[i];
    /* -x where bit 7 is clear, by its sign bit: a branch here would be a
     * coin toss for the predictor */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    bits ^= (uint64_t)(~u & 0x80) << 56;
    memcpy(z, &bits, sizeof bits);
    return 1;
}

static void fill_from(const vs_normals *g, unsigned long *st, gsl_rng *r,
                      double *z, size_t n)
{
    uint32_t s[3] = {(uint32_t)st[0], (uint32_t)st[1], (uint32_t)st[2]};
    for (size_t i = 0; i < n; i++) {
        uint32_t t[3] = {s[0], s[1], s[2]};
        if (normal_fast(g, t, &z[i])) {
            memcpy(s, t, sizeof s);
            continue;
        }
        /* GSL from the state before this draw, and on from where it ends */
        st[0] = s[0];
        st[1] = s[1];
        st[2] = s[2];
        z[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
        s[0] = (uint32_t)st[0];
        s[1] = (uint32_t)st[1];
        s[2] = (uint32_t)st[2];
    }
    st[0] = s[0];
    st[1] = s[1];
    st[2] = s[2];
}

/* Whether r is a taus2 generator whose state is the three words. */
static unsigned long *taus2_state(gsl_rng *r)
{
    if (r->type != gsl_rng_taus2 || gsl_rng_size(r) != 3 * sizeof(unsigned long))
        return NULL;
    return (unsigned long *)gsl_rng_state(r);
}

/* Draws the check compares with GSL's, on one stream: with about one in a
 * hundred going to GSL, some hundred of those too. */
#define NORMALS_CHECK 8192

void vs_normals_init(vs_normals *g)
{
    memset(g, 0, sizeof *g);
    const gsl_rng_type *taus = gsl_rng_taus2;
    gsl_rng_type type = {"vardsim-probe", taus->max, taus->min, sizeof(probe),
                         probe_set, probe_get, probe_get_double};
    for (uint32_t i = 0; i < 128; i++)
        probe_strip(&type, i, &g->w[i], &g->k[i]);
    /* The check: the same stream drawn both ways (generators on the
     * stack: taus2's state is the three words). */
    unsigned long sa[3], sb[3];
    gsl_rng a = {taus, sa}, b = {taus, sb};
    int same = taus->size == sizeof sa;
    if (same) {
        vs_stream_seed(&a, 1, 2, "vs_normals_init");
        vs_stream_seed(&b, 1, 2, "vs_normals_init");
        g->fast = 1;
        for (int c = 0; c < NORMALS_CHECK && same; c++) {
            double x = gsl_ran_gaussian_ziggurat(&a, 1.0), y;
            fill_from(g, sb, &b, &y, 1);
            same = memcmp(&x, &y, sizeof x) == 0 && memcmp(sa, sb, sizeof sa) == 0;
        }
    }
    g->fast = same;
}

void vs_normals_fill(const vs_normals *g, gsl_rng *r, double *z, size_t n)
{
    unsigned long *st = g->fast ? taus2_state(r) : NULL;
    if (st) {
        fill_from(g, st, r, z, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        z[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
}
