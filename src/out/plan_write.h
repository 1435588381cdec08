/* plan_write.h: the plan's tables and warnings (docs/methods.md, Years).
 * Internal to the library. */
#ifndef VARDSIM_OUT_PLAN_WRITE_H
#define VARDSIM_OUT_PLAN_WRITE_H

#include "analysis/plan.h"
#include "vardsim/output.h"

/* plan.csv, plan_metrics.csv and plan_summary.csv into `set` (folder
 * `dir`), in the CSV dialect of `swedish` (--csv sv).  Returns VS_OK or
 * VS_EIO / VS_ENOMEM with err. */
int vs_plan_write(const vs_scenario *sc, const vs_plan_results *pr,
                  const char *dir, int swedish, vs_outset *set, vs_err *err);

/* The warnings of a plan, one line each ("warning: plan: YEAR: ..."),
 * for every year in which a floor or a cap binds or the floors or caps
 * are scaled, at the point estimate or in any draw: a malloc'd string
 * (the caller frees it; "" when there is nothing to say), or NULL when
 * out of memory. */
char *vs_plan_warnings(const vs_scenario *sc, const vs_plan_results *pr);

/* What `vardsim run` prints per centre: the year each reaches its target
 * at the point estimate (or not within the horizon) and the share of
 * draws at target in the last year, in the scenario's language.  A
 * malloc'd string, or NULL when out of memory. */
char *vs_plan_summary_text(const vs_scenario *sc, const vs_plan_results *pr);

#endif
