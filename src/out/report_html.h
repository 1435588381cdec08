/* report_html.h: report.html, the committee report of one output folder.
 *
 * The report is built from the files a run left in its folder
 * (metrics.csv, centres.csv, explain.csv, warnings.txt, manifest.txt and
 * the SVG charts) and from the scenario the manifest names, loaded again
 * with the run's --set values and checked against the manifest's SHA-256.
 * So `vardsim report OUTDIR` and `run --report` are one code path, and a
 * report always describes exactly the numbers beside it.
 *
 * It is one self-contained HTML file: charts inline as SVG, no external
 * resource and no script, in the scenario's language, printable on A4,
 * and written for WCAG 2.1 AA (a document language, real tables with
 * header cells and captions, alt text on every chart, dark text on light
 * backgrounds).  It holds no wall time and no thread count, so it is
 * byte-identical across runs and thread counts. */
#ifndef VS_OUT_REPORT_HTML_H
#define VS_OUT_REPORT_HTML_H

#include "vardsim/error.h"
#include "vardsim/scenario.h"

/* Write `dir`/report.html (atomically) for the output folder `dir`, whose
 * scenario `sc` the caller has loaded (vs_report_html_scenario).  Renders
 * the SVG charts first when the folder has chart scripts but no SVG. */
int vs_report_html_write(const char *dir, const vs_scenario *sc, vs_err *err);

/* Load the scenario the folder's manifest names, apply the --set values
 * recorded there, and check its SHA-256 against the manifest's (VS_EINPUT
 * naming the folder when the folder is not a vardsim run or the scenario
 * changed since). */
int vs_report_html_scenario(const char *dir, vs_scenario **out, vs_err *err);

/* Print `dir`/report.html to `dir`/report.pdf (A4) with headless
 * Chromium.  VS_ERUN with a clear message when no Chromium is installed
 * (the HTML stays). */
int vs_report_html_pdf(const char *dir, vs_err *err);

#endif
