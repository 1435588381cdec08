/* report.h: the tables of a run (docs/outputs.md): metrics.csv,
 * centres.csv, explain.csv, draws.csv (optional), warnings.txt and
 * manifest.txt (from the result's provenance record). */
#ifndef VARDSIM_REPORT_H
#define VARDSIM_REPORT_H

#include <stdint.h>

#include "vardsim/error.h"
#include "vardsim/output.h"
#include "vardsim/scenario.h"
#include "vardsim/sim.h"

typedef struct vs_report_opts {
    const char *dir;          /* output folder (must exist) */
    int swedish_csv;          /* --csv sv */
    int draws;                /* --draws */
    double precision;         /* 0 when off */
    const char *more_warnings;/* further warning lines (the plan's), each
                                 ending in '\n', or NULL */
} vs_report_opts;

/* Open the run's files in `set` and write them.  The caller commits the
 * set (after adding charts), so nothing appears until everything is
 * written.  Returns VS_OK or VS_EIO/VS_ENOMEM with err. */
int vs_report_write(const vs_scenario *sc, const vs_results *res,
                    const vs_report_opts *opts, vs_outset *set, vs_err *err);

/* Every row of explain.csv in its order: variant v, centre i, the step
 * (DEFINING_VARIANT.RULE_ID) and what that rule gave the centre at the
 * point estimate, in öre.  VS_OK or VS_ENOMEM. */
typedef void (*vs_report_explain_fn)(void *ctx, size_t v, size_t i,
                                     const char *step, vs_ore amount);
int vs_report_explain_each(const vs_scenario *sc, const vs_results *res,
                           vs_report_explain_fn fn, void *ctx, vs_err *err);

/* Write the run's warnings (one line each: every rule's shortfall, and
 * --precision not reached), as in warnings.txt, to `f` (NULL: count
 * only).  Returns how many there are; the manifest counts the same. */
size_t vs_report_print_warnings(const vs_scenario *sc, const vs_results *res,
                                const vs_report_opts *opts, FILE *f);

/* The cells of metrics.csv, for tables that repeat its columns (sweep.csv
 * puts the swept values first): the header cells "variant" to "p_better",
 * and the cells of one row: variant id, statistic name, then the summary
 * `s` of statistic `stat` (a vs_metric, VS_STAT_TOTAL or VS_STAT_UNALLOC)
 * in metrics.csv's formats.  Neither ends the row. */
void vs_report_metrics_header(vs_csv *c);
/* The same header with `first` instead of "variant" (plan_metrics.csv:
 * "year"). */
void vs_report_metrics_header_as(vs_csv *c, const char *first);
void vs_report_metrics_cells(vs_csv *c, const char *variant, int stat,
                             const vs_stat *s);

/* "gini", "ci_need", ..., "total", "unallocated". */
const char *vs_report_stat_name(int stat);

/* change_pct in hundredths of a percent, rounded half away from zero:
 * 10000 * change / base exactly in integers.  Returns 0 and leaves *out
 * alone when base is 0. */
int vs_report_change_pct(vs_ore change, vs_ore base, int64_t *out);

#endif
