/* sweep.h: parameter sweeps (`vardsim sweep`): the whole Monte Carlo run
 * repeated at every point of a grid of values for one or more paths
 * (override.h), on the same seed at every point (common random numbers:
 * a difference between two points is never noise from different draws).
 *
 * The sweep writes nothing: its files (sweep.csv, manifest.txt, charts)
 * are written by src/out/sweep_write.c. */
#ifndef VARDSIM_SWEEP_H
#define VARDSIM_SWEEP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "vardsim/error.h"
#include "vardsim/provenance.h"
#include "vardsim/scenario.h"
#include "vardsim/sim.h"

/* Limits that catch a mistyped step before it runs for days. */
#define VS_SWEEP_MAX_VALUES 10000L  /* per path */
#define VS_SWEEP_MAX_POINTS 10000L  /* in the whole grid */

/* One swept path and its values. */
typedef struct vs_sweep_axis {
    char *path;
    double *values;
    size_t n;
} vs_sweep_axis;

/* The values FROM + i STEP for i = 0 .. floor((TO - FROM) / STEP + 1e-9),
 * so the end point is included despite rounding (1.0:1.5:0.05 gives 11
 * values).  Each is computed from i, never by accumulation, and then
 * rounded to 15 significant digits, so that it is the double of the
 * decimal an analyst would type: 1.0 + 36 * 0.01 is 1.3599999999999999,
 * but the value is 1.36, and a centre with CNI 1.36 is not "above" it.
 * STEP must be > 0 and TO >= FROM.  Sets *out (free with free()) and *n.
 * Returns VS_OK, VS_EINPUT with a message, or VS_ENOMEM. */
int vs_sweep_range(double from, double to, double step, double **out,
                   size_t *n, vs_err *err);

/* Parse "PATH=FROM:TO:STEP" or "PATH=v1,v2,..." (at least one value;
 * numbers in C syntax).  The path is not checked here (vs_sweep_run does
 * that against the scenario).  Returns VS_OK (free *out with
 * vs_sweep_axis_free), VS_EINPUT with a message, or VS_ENOMEM. */
int vs_sweep_axis_parse(const char *spec, vs_sweep_axis *out, vs_err *err);

void vs_sweep_axis_free(vs_sweep_axis *a);

/* Points of the grid over n_axes axes (their product; 0 when an axis is
 * empty), and the values of point p into x[0..n_axes): the first axis is
 * outermost, the last changes fastest. */
size_t vs_sweep_points(const vs_sweep_axis *axes, size_t n_axes);
void vs_sweep_point(const vs_sweep_axis *axes, size_t n_axes, size_t p,
                    double *x);

typedef struct vs_sweep_opts {
    uint64_t seed;           /* the same seed at every point */
    long iterations;         /* per point */
    int threads;             /* per point, as vs_sim_run */
    vs_progress_fn progress; /* may be NULL: (done, total) over the whole
                                sweep, total = points x iterations */
    void *progress_ctx;
    volatile sig_atomic_t *stop; /* may be NULL */
    int some;                /* 1: simulate only points [first, last) (a
                                shard, docs/partial-format.md); the other
                                points' stats and shortfalls stay zero */
    size_t first, last;
} vs_sweep_opts;

typedef struct vs_sweep_result {
    size_t n_axes;
    vs_sweep_axis *axes;  /* copies of the axes swept */
    double *before;       /* n_axes: each path's value before the sweep
                             (its point when uncertain; NAN for a key the
                             scenario leaves out), marked on the charts */
    unsigned char *money; /* n_axes: 1 when the path is an amount in SEK */
    size_t n_points, n_variants;
    double *x;            /* n_points x n_axes: each point's values */
    vs_stat *stats;       /* n_points x n_variants x VS_STAT_COUNT */
    size_t n_rules;       /* every variant's own rules, in file order */
    vs_shortfall_sum *shortfalls; /* n_points x n_rules (warnings.txt) */
    long iterations;
    int threads;
    double wall_seconds;
    vs_provenance prov;   /* seed, iterations per point, threads, wall
                             time... (the three fields above repeat them) */
} vs_sweep_result;

/* Run the sweep: every value of every axis is checked first (unknown
 * paths, bounds: the errors of vs_override_set_number), then each point
 * is set with vs_override_set_number and simulated with vs_sim_run.  sc
 * is changed: it is left at the last point's values.  Returns VS_OK and
 * sets *out (free with vs_sweep_free), VS_EINPUT (a bad path or value),
 * VS_EINTR when *opts->stop was raised, VS_ERUN or VS_ENOMEM, with err. */
int vs_sweep_run(vs_scenario *sc, const vs_sweep_axis *axes, size_t n_axes,
                 const vs_sweep_opts *opts, vs_sweep_result **out,
                 vs_err *err);

void vs_sweep_free(vs_sweep_result *r);

#endif
