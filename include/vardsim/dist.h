/* dist.h: probability distributions for uncertain inputs: their
 * parameters, typed values, quantiles and text forms.  No GSL here: the
 * random streams the engine draws them from are internal
 * (src/engine/dist.h). */
#ifndef VARDSIM_DIST_H
#define VARDSIM_DIST_H

#include <stddef.h>
#include <stdint.h>

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

#endif
