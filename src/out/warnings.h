/* warnings.h: the lines that say what a run could not do
 * (docs/methods.md, "Warnings: never a silent shortfall").
 *
 * One warning per rule whose own shortfall (eval.h: nobody eligible, a
 * pot not placed, a cut not taken, a limit that cannot restore the total,
 * targeted's top above the eligible count, a tie at its cut-off) is not
 * zero at the point estimate or in any draw, on the variant that defines
 * the rule, ordered by variant (file order) and then rule order:
 *
 *   warning: variant 'V': rule 'R': REASON: X kr at the point estimate,
 *   in P % of draws; total Y kr
 *
 * (one line; English; whole kr with a space between thousands; P with
 * one decimal; Y the variant's total at the point estimate). */
#ifndef VARDSIM_OUT_WARNINGS_H
#define VARDSIM_OUT_WARNINGS_H

#include <stdio.h>

#include "vardsim/scenario.h"
#include "vardsim/sim.h"

typedef struct vs_warn_src {
    const vs_scenario *sc;
    const vs_shortfall_sum *sf; /* sc's rules in file order */
    const vs_stat *stats;       /* n_variants x VS_STAT_COUNT: the point
                                   totals (vs_results.stats) */
    long draws;                 /* iterations drawn (the share's base) */
    int point_only;             /* 1: no draws were meant (check): leave
                                   the share of draws out of the line */
} vs_warn_src;

/* The warnings of a simulation result (point_only 0). */
vs_warn_src vs_warn_src_of(const vs_scenario *sc, const vs_results *res);

/* The number of warnings on variant v (its own rules), for a chart
 * legend or a report that marks the variants that fall short. */
size_t vs_warnings_of_variant(const vs_warn_src *w, size_t v);

/* The mark a chart shows with variant v wherever the variant is drawn
 * (panel title, legend entry) when a rule of its chain fell short: its
 * own rules and those it inherits through `extends` (an extending
 * variant carries its parent's shortfall in its money, so a chart marks
 * it too, although warnings.txt names only the defining variant).  One
 * line in the chart's language, e.g.
 *   "⚠ Varning: besparingen togs inte fullt ut (18 MSEK vid
 *    punktskattningen; i 100,0 % av dragningarna)"
 *   "⚠ Warning: cut not taken in full (18 MSEK at the point estimate;
 *    in 100.0 % of draws)"
 * The reasons of every kind seen, in a fixed order, joined by ", "; the
 * amount is the money not placed or not taken at the point estimate
 * (nobody eligible, pot, cut, limit; left out when 0); the share is the
 * largest share of draws of any of those rules (left out with
 * point_only or when no draw fell short).  Chart scripts quote it as any
 * other text (out/gp.h).  Returns buf: "" when the variant has nothing to
 * say.  256 bytes always suffice. */
char *vs_warnings_mark(const vs_warn_src *w, size_t v, int swedish,
                       char *buf, size_t n);

/* warnings.txt's lines back into shortfall records, as far as a mark
 * needs them (for a folder's report and charts, which have no results in
 * memory): into sf (sc's rules in file order, zeroed by the caller) the
 * kinds (from the reason's words), the amount at the point estimate in
 * whole kr, and the share of draws in tenths of a per cent, so a
 * vs_warn_src with draws = 1000 gives the run's marks.  Lines that name
 * no rule of sc (plan, --precision, a sweep's) are skipped. */
void vs_warnings_read(const vs_scenario *sc, const char *text,
                      vs_shortfall_sum *sf);

/* The mark of the warnings that name no variant, for where their
 * results are shown (the report, the workbook): kind 'p' the plan's
 * (floors or caps bind), 'r' --precision's (not reached), in the
 * language's words.  Returns buf: "" when `text` (warnings.txt's lines,
 * may be NULL) has no such line.  512 bytes always suffice. */
char *vs_warnings_other_mark(const vs_scenario *sc, const char *text, char kind,
                             int swedish, char *buf, size_t n);

/* Write each warning as one line to `f` (NULL: only count them), each
 * line beginning with `prefix` (NULL or "" for none; a sweep gives
 * "PATH=VALUE: ").  Returns the number of warnings. */
size_t vs_warnings_print(FILE *f, const char *prefix, const vs_warn_src *w);

struct vs_sweep_result;
struct vs_sensitivity_result;

/* The warnings of a sensitivity analysis: the point evaluation, and its
 * other evaluations (tornado and Sobol) as the draws. */
vs_warn_src vs_warn_src_of_sensitivity(const vs_scenario *sc,
                                       const struct vs_sensitivity_result *r);

/* The warnings of every point of a sweep, point by point, each line
 * beginning "PATH=VALUE: " (", " between two swept paths).  To f (NULL:
 * count only); returns how many. */
size_t vs_warnings_sweep(FILE *f, const vs_scenario *sc,
                         const struct vs_sweep_result *r);

/* The warning of --precision R not reached within `iterations`, as one
 * line (to f, after prefix). */
void vs_warnings_precision(FILE *f, const char *prefix, double precision,
                           long iterations);

/* Whole kronor of `ore` (halves away from zero) with a space between
 * thousands: "-18 000 000".  buf holds at least 40 bytes.  Returns buf. */
char *vs_warnings_kronor(vs_ore ore, char *buf, size_t n);

#endif
