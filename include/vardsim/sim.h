/* sim.h: the Monte Carlo loop and its summaries (docs/methods.md, "Monte Carlo").
 *
 * Iteration 0 is the point estimate; iterations 1..N draw.  Iteration k's
 * inputs depend only on (seed, k), every variant of an iteration sees the
 * same inputs, and all summaries are computed in iteration order from
 * per-iteration values or from order-independent integer sums, so the
 * results are byte-identical for any thread count. */
#ifndef VARDSIM_SIM_H
#define VARDSIM_SIM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "vardsim/error.h"
#include "vardsim/metrics.h"
#include "vardsim/provenance.h"
#include "vardsim/scenario.h"

/* Region-level statistics per variant: the metrics of metrics.h, then
 * total and unallocated (in öre). */
#define VS_STAT_TOTAL VS_M_COUNT
#define VS_STAT_UNALLOC (VS_M_COUNT + 1)
#define VS_STAT_COUNT (VS_M_COUNT + 2)

/* Per-centre quantiles are exact while iterations x variants x centres is
 * at most this (32 MB of values); above it they come from histograms
 * calibrated on the first VS_SIM_PILOT iterations (see quantile.h), so
 * memory does not grow with iterations. */
#define VS_SIM_EXACT_LIMIT 4000000L
#define VS_SIM_PILOT 250L

/* Bytes of per-centre working memory the Monte Carlo loop may take beside
 * the histograms: the pilot's values are kept while they fit (else the
 * pilot is computed twice: once for each column's range, once to count),
 * and the histogram slots of at most this much of a block are folded at
 * once.  Results do not depend on it. */
#define VS_SIM_WORK_LIMIT (128L << 20)

/* Most Monte Carlo iterations a run may ask for, by -n or by `iterations`
 * in the file (10^8: hours on a national scenario; and iterations x sweep
 * points stays far inside a long). */
#define VS_SIM_MAX_ITERATIONS 100000000L

/* Blocks of iterations for --precision checks. */
#define VS_SIM_PRECISION_BLOCK 1000L

typedef void (*vs_progress_fn)(void *ctx, long done, long total);

typedef struct vs_sim_opts {
    uint64_t seed;
    long iterations;       /* N (the maximum with precision) */
    int threads;           /* >= 1 */
    double precision;      /* 0: off; else stop when every mcse < R |mean| */
    vs_progress_fn progress; /* may be NULL; called from the main thread */
    void *progress_ctx;
    volatile sig_atomic_t *stop; /* may be NULL; set to nonzero to stop */
    long exact_limit;      /* 0: VS_SIM_EXACT_LIMIT (tests lower it) */
    int region_only;       /* skip the per-centre draw statistics (sweeps
                              write none): centres get point, fair_share
                              and NAN elsewhere */
    long region_exact_limit; /* 0: keep region-level values exactly up to
                                the engine's documented size, then stream
                                them (docs/methods.md); tests lower it */
    long work_limit;       /* 0: VS_SIM_WORK_LIMIT (tests lower it) */
    int keep_draws;        /* keep every iteration's region-level values
                              (results.draws, for draws.csv) whatever N:
                              memory then grows with iterations */
} vs_sim_opts;

/* One summary (docs/methods.md, "Monte Carlo").  NAN marks an empty cell. */
typedef struct vs_stat {
    double point, mean, sd, p05, p50, p95, mcse, diff_mean, p_better;
    long n; /* iterations in which the value was defined */
} vs_stat;

typedef struct vs_centre_stat {
    vs_ore point;      /* iteration 0 */
    vs_ore fair_share; /* iteration 0, apportioned so the column sums to total */
    double mean, p05, p95; /* öre */
    double p_loss;     /* share of iterations below the baseline; NAN on it */
    double change_p05, change_p95; /* öre: quantiles of the per-iteration
                                      change against the baseline (common
                                      random numbers); NAN on the baseline */
} vs_centre_stat;

/* One rule's shortfalls over a run (vs_shortfall, eval.h): at the point
 * estimate, and how many draws had any.  Integer counts merged from the
 * workers, so they do not depend on the thread count. */
typedef struct vs_shortfall_sum {
    vs_ore point;          /* amount concerned at iteration 0 */
    unsigned point_kinds;  /* VS_SHORT_* bits at iteration 0 */
    long point_eligible;   /* eligible centres at iteration 0 (VS_SHORT_TOP) */
    unsigned kinds;        /* bits seen at iteration 0 or in any draw */
    long draws;            /* draws (iterations 1..N) with a shortfall */
} vs_shortfall_sum;

typedef struct vs_results {
    size_t n_variants, n_centres;
    long iterations;        /* iterations drawn (1..N) */
    int threads;
    int exact_centre_quantiles;
    int converged;          /* --precision: 1 when it was reached */
    int fair_share_defined; /* 0 when nobody is listed at the point: the
                               fair_share cells are then empty */
    double wall_seconds;
    vs_stat *stats;         /* n_variants * VS_STAT_COUNT */
    vs_centre_stat *centres;/* n_variants * n_centres */
    double *point_listed;   /* iteration 0 inputs, n_centres each */
    double *point_cni;
    double *point_need;     /* the scenario's need measure at the point
                               (NULL in results built without it: then
                               listed x cni) */
    double *draws;          /* iterations * n_variants * VS_STAT_COUNT,
                               row k-1 = iteration k; NAN = undefined;
                               NULL when they were streamed (long runs
                               without keep_draws, docs/methods.md) */
    size_t n_rules;         /* every variant's own rules, in file order */
    size_t *rule_base;      /* per variant: index of its first rule */
    vs_shortfall_sum *shortfalls; /* n_rules */
    vs_ore *steps;          /* n_rules * n_centres: each rule's change to
                               each centre at iteration 0 (explain.csv) */
    int *no_difference;     /* n_variants: 1 when the variant's allocation
                               is within 1 öre of the baseline's at every
                               centre in every iteration (0..N), else 0;
                               1 for the baseline itself (docs/methods.md,
                               "No difference").  An AND over iterations:
                               the same for any thread count or split. */
    vs_provenance prov;     /* seed, iterations, threads, wall time... (the
                               fields above repeat three of them) */
} vs_results;

/* Run the Monte Carlo simulation.  Returns VS_OK and sets *out (free with
 * vs_results_free), VS_EINTR when *opts->stop was raised, VS_ENOMEM, or
 * VS_ERUN (with err) when a rule failed. */
int vs_sim_run(const vs_scenario *sc, const vs_sim_opts *opts,
               vs_results **out, vs_err *err);

void vs_results_free(vs_results *r);

/* Centre i's need at the point estimate (the scenario's need measure;
 * listed x cni in results that do not carry it). */
static inline double vs_results_need(const vs_results *res, size_t i)
{
    return res->point_need ? res->point_need[i]
                           : res->point_listed[i] * res->point_cni[i];
}

#endif
