/* dist.h: probability distributions for uncertain inputs, and the
 * per-iteration random streams they draw from (GSL).
 *
 * Each uncertain input has its own generator, seeded from a hash of
 * (seed, iteration, the input's path), so iteration k's numbers depend only
 * on (seed, k) and turning one more number into a distribution leaves every
 * other input's draws unchanged. */
#ifndef VARDSIM_DIST_H
#define VARDSIM_DIST_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef enum vs_dist_kind {
    VS_DIST_FIXED = 0,  /* p[0] = value */
    VS_DIST_NORMAL,     /* p[0] = mean, p[1] = sd; lo/hi truncate */
    VS_DIST_LOGNORMAL,  /* p[0] = median, p[1] = sigma */
    VS_DIST_UNIFORM,    /* p[0] = min, p[1] = max */
    VS_DIST_TRIANGULAR, /* p[0] = min, p[1] = mode, p[2] = max */
    VS_DIST_PERT        /* p[0] = min, p[1] = mode, p[2] = max */
} vs_dist_kind;

typedef struct vs_dist {
    vs_dist_kind kind;
    double p[3];
    double lo, hi; /* truncation of a normal: -INFINITY / INFINITY if none */
} vs_dist;

/* A fixed number. */
vs_dist vs_dist_fixed(double value);

/* Name of a kind ("normal", ...), and the reverse (returns -1 if unknown). */
const char *vs_dist_kind_name(vs_dist_kind k);
int vs_dist_kind_from_name(const char *name);

/* Check the parameters: finite, sd/sigma >= 0, min <= mode <= max, a
 * normal's lo <= hi, a lognormal's median > 0.  Returns VS_OK or
 * VS_EINPUT with a message in `msg` (no file or line: the caller adds them). */
int vs_dist_validate(const vs_dist *d, char *msg, size_t n);

/* The value an analyst would have typed (iteration 0): normal -> mean
 * (clamped into [lo, hi] when truncated), lognormal -> median, uniform ->
 * midpoint, triangular and pert -> mode, fixed -> value. */
double vs_dist_point(const vs_dist *d);

/* One draw from `r`.  The Monte Carlo loop does not use it: it draws by
 * inversion (vs_dist_quantile of a uniform), so that params sharing a
 * stream move together; this is the direct sampler for library users and
 * the distribution tests.  A truncated normal is drawn by inversion of the
 * truncated CDF, so it never loops.  Never returns NaN for a valid
 * distribution. */
double vs_dist_draw(const vs_dist *d, gsl_rng *r);

/* Quantile function (u in (0,1)), used by sensitivity analysis. */
double vs_dist_quantile(const vs_dist *d, double u);

/* Mean and variance in closed form (for tests and documentation). */
double vs_dist_mean(const vs_dist *d);
double vs_dist_variance(const vs_dist *d);

/* Write a distribution as it would be typed on the command line,
 * e.g. "triangular(1500000,2000000,2500000)" or "42". */
void vs_dist_format(const vs_dist *d, char *buf, size_t n);

/* Parse "normal(mean,sd)", "lognormal(median,sigma)", "uniform(min,max)",
 * "triangular(min,mode,max)", "pert(min,mode,max)" or a plain number.
 * Returns VS_OK or VS_EINPUT with a message in msg. */
int vs_dist_parse(const char *text, vs_dist *out, char *msg, size_t n);

/* splitmix64-based hash of (seed, k, path): the seed of one stream. */
uint64_t vs_stream_key(uint64_t seed, uint64_t k, const char *path);

/* The GSL generator type every stream uses, and its name for the manifest. */
const gsl_rng_type *vs_stream_type(void);

/* Seed `r` (allocated with vs_stream_type()) for the stream of `path` in
 * iteration k.  Cheap: a few hash rounds and a state write. */
void vs_stream_seed(gsl_rng *r, uint64_t seed, uint64_t k, const char *path);

#endif
