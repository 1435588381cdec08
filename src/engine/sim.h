/* engine/sim.h: the Monte Carlo loop's building blocks, for the
 * analyses (sweep, sensitivity) and bench/stages.  Not installed: these
 * take the engine's scratch types (eval.h, draw.h with its GSL generator);
 * the public half is include/vardsim/sim.h. */
#ifndef VARDSIM_ENGINE_SIM_H
#define VARDSIM_ENGINE_SIM_H

#include "engine/draw.h"
#include "engine/eval.h"
#include "vardsim/metrics.h"
#include "vardsim/sim.h"

/* One evaluation's row of region-level statistics, as the Monte Carlo loop
 * computes it for each iteration: evaluate every variant on the inputs
 * `in` (already filled, e.g. by vs_draw_fill or vs_draw_fill_with) into
 * `out`, then write VS_STAT_COUNT values per variant into row (metrics,
 * then total and unallocated in öre; NAN = undefined).  ws and mws are
 * the caller's scratch (sized for sc->n_centres).  Returns VS_OK or
 * VS_ERUN with err (a rule overflowed); allocates nothing. */
int vs_sim_eval_row(const vs_scenario *sc, vs_draw *in, vs_ws *ws,
                    vs_outcome *out, vs_metric_ws *mws, double *row,
                    vs_err *err);

/* The second half of vs_sim_eval_row: the row of `out`, already
 * evaluated on `in` (bench/stages times the two halves apart). */
void vs_sim_metrics_row(const vs_scenario *sc, const vs_draw *in,
                        const vs_outcome *out, vs_metric_ws *mws, double *row);

/* Summary of one statistic, for callers that have their own values (e.g.
 * sweeps): values[0..n) in iteration order (NAN = undefined), base likewise
 * or NULL for the baseline; point and base_point from iteration 0. */
void vs_sim_summarise(const double *values, const double *base, long n,
                      double point, double base_point, int stat_id,
                      double *scratch, vs_stat *out);

#endif
