/* plan.h: years, the pace of change towards a target (docs/methods.md,
 * "Years").  Internal to the library.
 *
 * A plan moves the allocation of one variant (`from`, year 0) towards the
 * shares of another (`target`) over `years` years: each year the budget
 * grows, every centre keeps at least its floor (last year's money times
 * 1 + min_growth), the rest goes to the centres furthest below target,
 * nobody passes its cap (times 1 + max_growth), and the year adds up to its
 * budget to the öre.  vs_plan_step is that one year, a pure function;
 * vs_plan_run runs it in every Monte Carlo iteration on the iteration's own
 * draws (common random numbers with the rest of the run).  Nothing here
 * writes a file: src/out/ does (plan_write.c, charts_plan.c). */
#ifndef VARDSIM_ANALYSIS_PLAN_H
#define VARDSIM_ANALYSIS_PLAN_H

#include <stddef.h>

#include "vardsim/error.h"
#include <signal.h>
#include <stdint.h>

#include "engine/money.h"
#include "vardsim/scenario.h"
#include "vardsim/sim.h"

/* ------------------------------------------------------------------ */
/* One year                                                            */

/* Scratch for vs_plan_step, n centres. */
typedef struct vs_plan_ws {
    size_t n;
    double *F, *T, *cap, *x, *w, *hi, *y, *rem;
    size_t *idx;
    unsigned char *clamped;
} vs_plan_ws;

vs_plan_ws *vs_plan_ws_alloc(size_t n);
void vs_plan_ws_free(vs_plan_ws *ws); /* accepts NULL */

/* What happened in a year (the return flags of vs_plan_step). */
#define VS_PLAN_FLOORS_SCALED 1u /* the floors alone exceeded the budget */
#define VS_PLAN_CAPS_SCALED 2u   /* the caps alone fell short of it */

/* Per centre (bind[i]): what held it this year. */
#define VS_PLAN_AT_FLOOR 1u /* its floor, which lies above its target */
#define VS_PLAN_AT_CAP 2u   /* its cap */

/* One year of the plan for n centres.
 *
 * prev: last year's öre A_i(t-1); share: the target shares (>= 0, summing
 * to 1, or all 0 when the target has no money); budget: B_t in öre (>= 0);
 * min_growth > -1 and max_growth >= min_growth (INFINITY: no cap).
 * Writes next[i] = A_i(t) in öre (summing to budget exactly), target[i] =
 * the unrounded T_i = B_t x share_i (may be NULL) and bind[i] (may be
 * NULL); returns VS_PLAN_ flags in *flags.  Returns VS_OK, or VS_ERUN
 * (with err) if the year could not be made to add up (never expected). */
int vs_plan_step(size_t n, const vs_ore *prev, const double *share,
                 vs_ore budget, double min_growth, double max_growth,
                 vs_plan_ws *ws, vs_ore *next, double *target,
                 unsigned char *bind, unsigned *flags, vs_err *err);

/* B_t = round_öre(B_0 x (1 + g_1) x ... x (1 + g_t)), multiplied in double
 * in year order from the left; growth[s - 1] = g_s.  Returns VS_OK, or
 * VS_ERUN (with err) when B_t is not a representable amount. */
int vs_plan_budget(vs_ore b0, const double *growth, size_t t, vs_ore *out,
                   vs_err *err);

/* ------------------------------------------------------------------ */
/* The plan in every iteration                                         */

/* Per-centre p05 and p95 of every year are exact while iterations x
 * (years + 1) x centres is at most this (80 MB of values); above it they
 * come from histograms calibrated on the first VS_PLAN_PILOT iterations
 * (quantile.h), fed in iteration order, so memory stays bounded
 * (vs_sim_opts.exact_limit, when set, replaces the limit: tests). */
#define VS_PLAN_EXACT_LIMIT 10000000L
#define VS_PLAN_PILOT 250L

/* Iterations evaluated at once, split among the threads; then folded
 * into the summaries in iteration order (so any thread count gives the
 * same bytes). */
#define VS_PLAN_BLOCK 250L

typedef struct vs_plan_results {
    size_t years, n_centres; /* rows t = 0..years */
    long iterations;         /* draws 1..N */
    long first_year;         /* calendar year of t = 1 */
    int exact;               /* 1: per-centre quantiles are exact */
    /* (years + 1) x n_centres, row t: */
    vs_ore *point;           /* iteration 0 */
    double *mean, *p05, *p95;/* öre, over the draws */
    double *target;          /* the point's T_i, unrounded */
    vs_ore *target_ore;      /* the same apportioned to öre (sums to B_t) */
    unsigned char *point_bind; /* VS_PLAN_AT_FLOOR / AT_CAP at the point */
    /* years + 1: */
    vs_ore *budget;          /* the point's B_t */
    unsigned *point_flags;   /* VS_PLAN_FLOORS_SCALED / CAPS_SCALED */
    long *draws_floor, *draws_cap;     /* draws in which some floor / cap binds */
    long *draws_fscaled, *draws_cscaled; /* draws with floors / caps scaled */
    vs_stat *metrics;        /* (years + 1) x VS_STAT_COUNT, as metrics.csv:
                                baseline-relative values against year 0 */
    /* per centre: */
    int *first_at_target;    /* t (0..years) first at target at the point, -1 */
    double *share_at_target; /* share of draws at target in the last year */
    vs_ore *largest_fall;    /* the point's largest A(t-1) - A(t), >= 0 */
    vs_ore *largest_fall_from; /* ... the A(t-1) it fell from (0: none) */
} vs_plan_results;

/* Run the plan of sc (sc->plan != NULL) on iterations 0..opts->iterations
 * with opts->seed, opts->threads and opts->stop: each iteration draws the
 * same inputs as the run's (vs_draw_fill), evaluates the variants, and
 * walks the years from `from` towards `target` with that iteration's
 * growth.  Returns VS_OK and *out (free with vs_plan_results_free),
 * VS_EINTR when *opts->stop was raised, VS_ENOMEM, or VS_ERUN with err. */
int vs_plan_run(const vs_scenario *sc, const vs_sim_opts *opts,
                vs_plan_results **out, vs_err *err);

void vs_plan_results_free(vs_plan_results *r); /* accepts NULL */

/* Whether amount a (öre) is at target T (unrounded) within tolerance:
 * |a - T| <= tol x T. */
int vs_plan_at_target(vs_ore a, double T, double tol);

#endif
