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

/* Write the chart data files and scripts into `set` (folder `dir`), and
 * remove images left in `dir` by an earlier run (they would show old
 * numbers beside the new tables).  Returns VS_OK, or VS_EIO / VS_ENOMEM
 * with err, or VS_EINPUT when a name holds a control character (the loader
 * refuses those; this is a second line of defence). */
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

/* Helpers shared by the chart writer and its tests. */

/* `text` as a gnuplot string expression of single-quoted literals, each '
 * spliced in as "\047": it's -> 'it' . "\047" . 's', and "" -> ''.  Inside
 * single quotes gnuplot expands neither backquotes nor @macros and takes
 * \ and " literally, so the text stays data.  (Doubling, 'it''s', trips
 * gnuplot 5.4's scanner when quotes are adjacent.)
 * Returns a malloc'd string (the caller frees it), or NULL with err:
 * VS_EINPUT when text holds a byte below 0x20 (a newline would end the
 * command), VS_ENOMEM. */
char *vs_charts_quote(const char *text, vs_err *err);

/* Unit for amounts whose largest magnitude is max_abs_sek: below 10 000
 * "kr" (English "SEK"), below 1 000 000 "tkr" ("kSEK"), else "MSEK".
 * Sets *divisor to 1, 1e3 or 1e6.  NaN counts as 0. */
const char *vs_charts_money_unit(double max_abs_sek, int swedish,
                                 double *divisor);

/* `v` rounded to `decimals` (0..9) as a chart label.  Swedish: decimal
 * comma and a space between thousands ("1 234 567,89"); English: "." and
 * "," ("1,234,567.89"); thousands are grouped from four integer digits on.
 * A negative number starts with U+2212 (the typographic minus); a value
 * that rounds to zero never prints as minus zero.  NaN and infinities
 * give "".  A 64-byte buf always suffices.  Returns buf. */
char *vs_charts_format_number(double v, int decimals, int swedish, char *buf,
                              size_t n);

/* Copy of UTF-8 `text` in buf, shortened to at most max_chars characters
 * (the last one "…" when something was cut); never splits a character.
 * max_chars >= 2; buf needs 4 * max_chars + 1 bytes.  Returns buf. */
char *vs_charts_shorten(const char *text, size_t max_chars, char *buf,
                        size_t n);

/* Render the scripts `charts[0..n)` (names without .gp) in `dir` to each
 * format of `formats`, exactly as vs_charts_render does for a run's
 * charts (sweeps use it for theirs). */
int vs_charts_render_named(const char *dir, const char *const *charts,
                           size_t n, const char *formats, vs_err *err);

/* The house style (plots/vardsim.gp), for scripts that embed it. */
const char *vs_charts_style(void);

/* A number for a script or data file: %.10g, '.' as decimal mark whatever
 * the locale, NaN for an undefined value (gnuplot skips it). */
void vs_charts_put_num(FILE *f, double v);

/* Write `text` as a gnuplot string expression that only ever prints it
 * (vs_charts_quote).  Returns VS_OK, or the error of vs_charts_quote. */
int vs_charts_put_quoted(FILE *f, const char *text, vs_err *err);

/* " at screen X, screen Y" for a point given in cm from the bottom left of
 * a w x h cm page. */
void vs_charts_put_at(FILE *f, double w, double h, double x, double y);

/* The chart title (variable t_title) and the scenario name (t_scenario)
 * centred at the top of the page, as labels 101 and 102: gnuplot would
 * centre `set title` over the plot area instead.  A multiplot unsets them
 * after its first plot so they are drawn once. */
void vs_charts_put_titles(FILE *f, double w, double h);

#endif
