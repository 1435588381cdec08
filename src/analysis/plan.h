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

#endif
