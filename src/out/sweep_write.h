/* sweep_write.h: the files of `vardsim sweep` (internal to vardsim).
 *
 * sweep.csv, the swept paths first (one column each, headed by the path)
 * and then exactly the columns of metrics.csv (report.h), one row per
 * point x variant x statistic; manifest.txt (from the result's provenance
 * record, out/manifest.c); and standalone gnuplot
 * scripts (charts_sweep.c): for a one-way sweep one chart per metric, for
 * a two-way sweep heat maps of the mean of ci_need and dissimilarity. */
#ifndef VS_OUT_SWEEP_WRITE_H
#define VS_OUT_SWEEP_WRITE_H

#include <stddef.h>

#include "out/gp.h"
#include "vardsim/error.h"
#include "vardsim/output.h"
#include "vardsim/scenario.h"
#include "analysis/sweep.h"

typedef struct vs_sweep_write_opts {
    const char *dir;          /* output folder (must exist) */
    int swedish_csv;          /* --csv sv */
    int xlsx;                 /* --xlsx: results.xlsx too (out/xlsx.h) */
} vs_sweep_write_opts;

/* Open sweep.csv, manifest.txt, the chart data files and scripts in `set`
 * and write them (the caller commits the set), after removing chart
 * images and scripts of an earlier sweep from `dir`.  `sc` is the
 * scenario as swept (its names and ids label the charts).  The scripts
 * are recorded in `list` for vs_gp_render.  Returns VS_OK, or VS_EIO /
 * VS_ENOMEM / VS_EINPUT (a control character in a name) with err. */
int vs_sweep_write(const vs_scenario *sc, const vs_sweep_result *r,
                   const vs_sweep_write_opts *opts, vs_outset *set,
                   vs_gp_list *list, vs_err *err);

/* The chart data files and scripts alone (charts_sweep.c). */
int vs_sweep_charts_write(const vs_scenario *sc, const vs_sweep_result *r,
                          const char *dir, vs_outset *set, vs_gp_list *list,
                          vs_err *err);

/* Script k (without .gp) of a result into buf; 0 when there is none. */
int vs_sweep_chart_name(const vs_sweep_result *r, size_t k, char *buf,
                        size_t n);

#endif
