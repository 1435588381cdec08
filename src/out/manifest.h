/* manifest.h: manifest.txt, the one writer for every result (internal).
 *
 * "key: value" lines (report.html reads them back): the provenance record
 * (vardsim/provenance.h) in one fixed order, the analysis's own lines in
 * the middle, then the CSV dialect and the command line. */
#ifndef VS_OUT_MANIFEST_H
#define VS_OUT_MANIFEST_H

#include <stdio.h>

#include "vardsim/provenance.h"
#include "vardsim/scenario.h"

/* Lines of one analysis (over:, sobol_n:, centre_quantiles: ...). */
typedef void (*vs_manifest_details_fn)(FILE *f, const void *ctx);

/* Write the manifest of a result of `analysis` ("run", "sweep",
 * "sensitivity") on scenario `sc` to f.  `details` may be NULL. */
void vs_manifest_write(FILE *f, const char *analysis, const vs_scenario *sc,
                       const vs_provenance *p, int swedish_csv,
                       vs_manifest_details_fn details, const void *ctx);

#endif
