/* charts.h: the charts of a run, for committee material.
 *
 * vs_charts_write adds to the run's output set the small data files the
 * charts need beyond metrics.csv and centres.csv, and one standalone
 * gnuplot script per chart (`gnuplot NAME.gp` inside the output folder
 * re-renders it).  Rendering (gnuplot from PATH, after the set has been
 * committed) is the gnuplot writer's (src/out/gp.h). */
#ifndef VARDSIM_CHARTS_H
#define VARDSIM_CHARTS_H

#include "vardsim/error.h"
#include "vardsim/output.h"
#include "vardsim/scenario.h"
#include "vardsim/sim.h"

struct vs_gp_list;

/* What the allocation chart shows (`run` and `report`: --variants,
 * --all-centres). */
typedef struct vs_charts_opts {
    const char *variants; /* "a,b": these variants' panels, in this order;
                             NULL or "": every variant but the baseline */
    int all_centres;      /* 1: every centre in each panel; 0: only the
                             centres whose point change is not 0 öre */
} vs_charts_opts;

/* Check a --variants list against the scenario: every id one of its
 * variants, not the baseline (it has no change to show), none empty.
 * Returns VS_OK, or VS_EINPUT with err naming the id and the variants
 * there are. */
int vs_charts_check_variants(const vs_scenario *sc, const char *list,
                             vs_err *err);

/* Write the chart data files and scripts into `set` (folder `dir`), and
 * remove images left in `dir` by an earlier run (they would show old
 * numbers beside the new tables).  `opts` (may be NULL: the defaults)
 * chooses the allocation chart's panels and rows.  The scripts written, and any chart not
 * drawn because its page would be too tall, are recorded in `list` (may
 * be NULL).  Returns VS_OK, or VS_EIO / VS_ENOMEM with err, or VS_EINPUT
 * when a name holds a control character (the loader refuses those; this
 * is a second line of defence). */
int vs_charts_write(const vs_scenario *sc, const vs_results *res,
                    const vs_charts_opts *opts, const char *dir,
                    vs_outset *set, struct vs_gp_list *list, vs_err *err);

/* The allocation chart of a run folder again, with other options
 * (`vardsim report --variants ... --all-centres`): from the folder's
 * centres.csv, chart_allocation.csv and warnings.txt (the warning marks),
 * allocation.gp and chart_allocation.csv into `set`, and the folder's
 * allocation images removed at its commit.  Returns VS_OK, VS_EIO,
 * VS_ENOMEM, or VS_EINPUT naming a file that is not this scenario's. */
int vs_charts_rewrite_allocation(const vs_scenario *sc, const char *dir,
                                 const vs_charts_opts *opts, vs_outset *set,
                                 vs_err *err);

#endif
