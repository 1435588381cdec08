/* sensitivity.h: which uncertain input moves which metric
 * (`vardsim sensitivity`).
 *
 * The inputs of a scenario are its uncertain params (every param whose
 * dist is not fixed; params that name one shared stream move together and
 * are ONE input, named by the stream) and its per-centre noise groups
 * (named by their path, "uncertainty.cni").  Two analyses per variant and
 * statistic (the metrics of metrics.h, then total and unallocated):
 *
 * - a tornado, one input at a time with every other input at its point:
 *   a param at its 5 % and 95 % quantiles; a noise group drawn
 *   `tornado_reps` times alone (stream keys hashed from (seed, replicate,
 *   group path)), low and high being the p05 and p95 (type 7) of the
 *   statistic over those draws.  swing = high - low.
 * - Sobol indices (sobol.h): first order S1 and total ST with bootstrap
 *   intervals, a param entering a row as its quantile u, a noise group as
 *   a stream key.
 *
 * Every evaluation is independent and written to its own slot, so the
 * results are byte-identical for any thread count.  The files
 * (sensitivity.csv, tornado.gp, manifest.txt) are written by
 * src/out/sensitivity_write.c. */
#ifndef VARDSIM_SENSITIVITY_H
#define VARDSIM_SENSITIVITY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "vardsim/error.h"
#include "vardsim/provenance.h"
#include "vardsim/scenario.h"
#include "vardsim/sim.h"
#include "analysis/sobol.h"

#define VS_SENSITIVITY_LOW_U 0.05
#define VS_SENSITIVITY_HIGH_U 0.95
#define VS_SENSITIVITY_TORNADO_REPS 200
#define VS_SENSITIVITY_DEFAULT_N 1024
#define VS_SENSITIVITY_DEFAULT_BOOTSTRAP 200

typedef enum vs_sensitivity_kind {
    VS_SENSITIVITY_PARAM = 0, /* one or more params on one stream */
    VS_SENSITIVITY_NOISE      /* one per-centre noise group */
} vs_sensitivity_kind;

typedef struct vs_sensitivity_input {
    const char *name;  /* the param's path, its shared stream, or the
                          noise group's path: points into the scenario */
    vs_sensitivity_kind kind;
    size_t index;      /* PARAM: its first param; NOISE: the group */
    size_t n_params;   /* PARAM: params it moves (> 1 on a shared stream) */
} vs_sensitivity_input;

/* Every input of `sc`: params in param order, then noise groups in file
 * order.  Sets *out (free with free(); NULL when there is none) and *n.
 * Returns VS_OK or VS_ENOMEM. */
int vs_sensitivity_inputs(const vs_scenario *sc, vs_sensitivity_input **out,
                          size_t *n);

typedef struct vs_sensitivity_opts {
    uint64_t seed;
    long n;             /* Sobol base sample N; 0: tornado only */
    int bootstrap;      /* resamples for the Sobol intervals; 0: none */
    int tornado_reps;   /* draws per noise group; 0: the default (200) */
    int threads;        /* >= 1 */
    vs_sobol_progress_fn progress; /* may be NULL; evaluations done/total */
    void *progress_ctx;
    volatile sig_atomic_t *stop;   /* may be NULL; nonzero stops early */
    /* Shards (docs/partial-format.md; a block is one Sobol base row with
     * its runs): rows_only skips the tornado and evaluates Sobol rows
     * [row_lo, row_hi) into f_out (see vs_sobol_opts), leaving the indices
     * NAN; f_in gives every row's values instead of evaluating them. */
    int rows_only;
    size_t row_lo, row_hi;
    double *f_out;
    const double *f_in;
} vs_sensitivity_opts;

/* One variant x statistic x input.  Statistics total and unallocated are
 * in öre.  NAN = undefined (an empty cell). */
typedef struct vs_sensitivity_cell {
    double point;            /* every input at its point (iteration 0) */
    double low, high, swing; /* tornado */
    vs_sobol_index sobol;    /* NAN everywhere when N = 0 */
} vs_sensitivity_cell;

typedef struct vs_sensitivity_result {
    size_t n_inputs, n_variants;
    vs_sensitivity_input *inputs;
    vs_sensitivity_cell *cells; /* [(v * VS_STAT_COUNT + stat) * n_inputs + i] */
    long n;                     /* Sobol base sample */
    int bootstrap, tornado_reps, threads;
    int quasi_random;           /* Sobol rows from the quasi-random sequence */
    long evaluations;           /* tornado and Sobol together */
    double wall_seconds;
    /* Shortfalls (warnings.txt): "point" is the analysis's point
     * evaluation, "draws" every other evaluation (tornado and Sobol). */
    size_t n_rules;
    vs_shortfall_sum *shortfalls; /* n_rules, in file order */
    vs_stat *point_stats;       /* n_variants x VS_STAT_COUNT: only .point
                                   is set, from the point evaluation */
    vs_provenance prov;         /* seed, N asked and done, threads, wall
                                   time... (repeated above in part) */
} vs_sensitivity_result;

/* Run the tornado and (N > 0) the Sobol analysis.  Returns VS_OK and sets
 * *out (free with vs_sensitivity_free); VS_EINPUT when the scenario has no
 * uncertain input; VS_EINTR when *stop was raised; VS_ENOMEM; VS_ERUN with
 * err when a rule failed.  `sc` must outlive the result (input names
 * point into it). */
int vs_sensitivity_run(const vs_scenario *sc, const vs_sensitivity_opts *o,
                       vs_sensitivity_result **out, vs_err *err);

/* Accepts NULL. */
void vs_sensitivity_free(vs_sensitivity_result *r);

#endif
