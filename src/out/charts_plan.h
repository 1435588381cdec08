/* charts_plan.h: the plan's trajectory chart (plan.gp).  Internal. */
#ifndef VARDSIM_OUT_CHARTS_PLAN_H
#define VARDSIM_OUT_CHARTS_PLAN_H

#include "analysis/plan.h"
#include "out/gp.h"
#include "vardsim/output.h"

/* The centres a trajectory chart shows: up to VS_PLAN_CHART_MAX, those
 * furthest from target at the start ((A - T) / T at the point, largest
 * magnitude first, ties to the lower index; centres without a target
 * last), in order[0..*n).  Returns VS_OK or VS_ENOMEM. */
#define VS_PLAN_CHART_MAX 6
int vs_plan_chart_pick(const vs_plan_results *pr, size_t *order, size_t *n);

/* plan_chart.csv and plan.gp into `set` (folder `dir`, beside the style.gp
 * that vs_charts_write puts there), in the scenario's language.  Returns
 * VS_OK, or VS_EIO / VS_ENOMEM / VS_EINPUT (a name gnuplot cannot quote)
 * with err.  plan.gp is recorded in `list` (may be NULL) for vs_gp_render. */
int vs_plan_chart_write(const vs_scenario *sc, const vs_plan_results *pr,
                        const char *dir, vs_outset *set, vs_gp_list *list,
                        vs_err *err);

#endif
