/* xlsx.h: results.xlsx, the results of a run, a sweep or a sensitivity
 * analysis as an Excel workbook (libxlsxwriter), written through the
 * output set like every file.
 *
 * A run's sheets: a summary (each variant: every metric's mean, p05, p95
 * and P(better)); one committee table per variant ("N id": centre,
 * listed, CNI, baseline, variant and change in tkr, change %, kr per
 * listed, P(loss), a total row); the full metrics, centres and explain
 * tables; warnings; the manifest.  Cells are typed numbers holding exact
 * values (tkr = öre / 100,000, kr = öre / 100, per cent as a fraction
 * with a % format); headers frozen, in Swedish when the scenario's lang
 * is "sv".  No wall time, thread count or command line, and a fixed
 * creation time: the same bytes for any thread count and on every run.
 *
 * A sweep's: a summary (one row per point and variant: the swept values,
 * then the run summary's columns), sweep.csv as a sheet, warnings, the
 * manifest.  A sensitivity analysis's: a summary (one row per variant
 * and input: each section-4 metric's tornado swing, S1 and ST),
 * sensitivity.csv as a sheet, warnings, the manifest.  Money (total,
 * unallocated, an amount swept) in kr; every other number as the CSV
 * has it, unrounded. */
#ifndef VARDSIM_OUT_XLSX_H
#define VARDSIM_OUT_XLSX_H

#include "out/manifest.h"
#include "vardsim/output.h"
#include "vardsim/report.h"
#include "vardsim/scenario.h"
#include "vardsim/sim.h"

struct vs_plan_results;
struct vs_sweep_result;
struct vs_sensitivity_result;

/* Add ro->dir/results.xlsx to `set` (the warnings as warnings.txt has
 * them, from ro; with `plan` (NULL: none) two more sheets, plan.csv and
 * plan_summary.csv).  VS_OK, or VS_EIO / VS_ENOMEM. */
int vs_xlsx_write_run(const vs_scenario *sc, const vs_results *res,
                      const struct vs_plan_results *plan,
                      const vs_report_opts *ro, vs_outset *set, vs_err *err);

/* Add dir/results.xlsx of a sweep (or a sensitivity analysis) to `set`;
 * `details` (may be NULL) writes the analysis's own manifest lines, as
 * for manifest.txt, and swedish_csv names the CSV files' dialect there.
 * VS_OK, or VS_EIO / VS_ENOMEM. */
int vs_xlsx_write_sweep(const vs_scenario *sc, const struct vs_sweep_result *r,
                        const char *dir, int swedish_csv,
                        vs_manifest_details_fn details,
                        const void *details_ctx, vs_outset *set, vs_err *err);
int vs_xlsx_write_sensitivity(const vs_scenario *sc,
                              const struct vs_sensitivity_result *r,
                              const char *dir, int swedish_csv,
                              vs_manifest_details_fn details,
                              const void *details_ctx, vs_outset *set,
                              vs_err *err);

#endif
