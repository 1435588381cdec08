/* charts.h: gnuplot scripts for committee material, and rendering them.
 *
 * vs_charts_write adds to the run's output set the small data files the
 * charts need beyond metrics.csv and centres.csv, and one standalone
 * gnuplot script per chart (`gnuplot NAME.gp` inside the output folder
 * re-renders it).  vs_charts_render runs gnuplot from PATH on every script
 * for each requested format, after the set has been committed. */
#ifndef VARDSIM_CHARTS_H
#define VARDSIM_CHARTS_H

#include "vardsim/error.h"
#include "vardsim/output.h"
#include "vardsim/scenario.h"
#include "vardsim/sim.h"

/* Write the chart data files and scripts into `set` (folder `dir`).
 * Returns VS_OK, or VS_EIO / VS_ENOMEM with err. */
int vs_charts_write(const vs_scenario *sc, const vs_results *res,
                    const char *dir, vs_outset *set, vs_err *err);

/* Check a --render list such as "png,svg,pdf".  Returns VS_OK or
 * VS_EINPUT with a message. */
int vs_charts_check_formats(const char *formats, vs_err *err);

/* Render every chart script in `dir` to each format of `formats` with the
 * gnuplot found on PATH.  Images appear atomically (temporary name, then
 * rename).  Returns VS_OK, or VS_ERUN with a clear message when gnuplot is
 * missing or fails (naming the script and quoting gnuplot's error). */
int vs_charts_render(const char *dir, const char *formats, vs_err *err);

#endif
