/* sensitivity_write.h: the files of `vardsim sensitivity` (internal to
 * vardsim): sensitivity.csv (tornado swings and Sobol indices per variant,
 * statistic and input), tornado.dat and tornado.gp (charts_sensitivity.c)
 * and manifest.txt. */
#ifndef VS_OUT_SENSITIVITY_WRITE_H
#define VS_OUT_SENSITIVITY_WRITE_H

#include <stdint.h>

#include "out/gp.h"
#include "vardsim/error.h"
#include "vardsim/output.h"
#include "vardsim/scenario.h"
#include "analysis/sensitivity.h"

typedef struct vs_sensitivity_write_opts {
    const char *dir;          /* output folder (must exist) */
    int swedish_csv;          /* --csv sv */
    int xlsx;                 /* --xlsx: results.xlsx too (out/xlsx.h) */
} vs_sensitivity_write_opts;

/* Open sensitivity.csv, tornado.dat, tornado.gp and manifest.txt in `set`
 * and write them; the caller commits the set.  tornado.gp is recorded in
 * `list` (may be NULL).  Returns VS_OK, or VS_EIO / VS_ENOMEM / VS_EINPUT
 * (a control character in a name) with err. */
int vs_sensitivity_write(const vs_scenario *sc, const vs_sensitivity_result *r,
                         const vs_sensitivity_write_opts *o, vs_outset *set,
                         vs_gp_list *list, vs_err *err);

/* tornado.dat and tornado.gp alone (charts_sensitivity.c). */
int vs_sensitivity_charts_write(const vs_scenario *sc,
                                const vs_sensitivity_result *r,
                                const char *dir, vs_outset *set,
                                vs_gp_list *list, vs_err *err);

#endif
