/* xlsx.h: results.xlsx, the run's results as an Excel workbook
 * (libxlsxwriter), written through the output set like every file.
 *
 * Sheets: a summary (each variant: every metric's mean, p05, p95 and
 * P(better)); one committee table per variant ("N id": centre, listed,
 * CNI, baseline, variant and change in tkr, change %, kr per listed,
 * P(loss), a total row); the full metrics, centres and explain tables;
 * warnings; the manifest.  Cells are typed numbers holding exact values (tkr = öre
 * / 100,000, kr = öre / 100, per cent as a fraction with a % format);
 * headers frozen, in Swedish when the scenario's lang is "sv".  No wall
 * time, thread count or command line, and a fixed creation time: the
 * same bytes for any thread count and on every run. */
#ifndef VARDSIM_OUT_XLSX_H
#define VARDSIM_OUT_XLSX_H

#include "vardsim/output.h"
#include "vardsim/report.h"
#include "vardsim/scenario.h"
#include "vardsim/sim.h"

struct vs_plan_results;

/* Add ro->dir/results.xlsx to `set` (the warnings as warnings.txt has
 * them, from ro; with `plan` (NULL: none) two more sheets, plan.csv and
 * plan_summary.csv).  VS_OK, or VS_EIO / VS_ENOMEM. */
int vs_xlsx_write_run(const vs_scenario *sc, const vs_results *res,
                      const struct vs_plan_results *plan,
                      const vs_report_opts *ro, vs_outset *set, vs_err *err);

#endif
