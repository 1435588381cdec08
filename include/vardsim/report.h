/* report.h: the tables of a run (DESIGN section 6): metrics.csv,
 * centres.csv, draws.csv (optional) and manifest.txt. */
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
    const char *command_line; /* for the manifest */
    uint64_t seed;
    long iterations_asked;
    double precision;         /* 0 when off */
} vs_report_opts;

/* Open the run's files in `set` and write them.  The caller commits the
 * set (after adding charts), so nothing appears until everything is
 * written.  Returns VS_OK or VS_EIO/VS_ENOMEM with err. */
int vs_report_write(const vs_scenario *sc, const vs_results *res,
                    const vs_report_opts *opts, vs_outset *set, vs_err *err);

/* change_pct in hundredths of a percent, rounded half away from zero:
 * 10000 * change / base exactly in integers.  Returns 0 and leaves *out
 * alone when base is 0. */
int vs_report_change_pct(vs_ore change, vs_ore base, int64_t *out);

#endif
