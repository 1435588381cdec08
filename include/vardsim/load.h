/* load.h: libconfig scenario file -> vs_scenario, with every check.
 *
 * Validation happens before anything runs and reports every problem it
 * finds, each as "FILE:LINE: message" in err->log (see error.h). */
#ifndef VARDSIM_LOAD_H
#define VARDSIM_LOAD_H

#include "vardsim/error.h"
#include "vardsim/scenario.h"

/* Files larger than this are refused before parsing.  32 MiB holds the
 * 100,000-centre bench file (13 MB) with room for listed_by_age and
 * attributes on every centre (about 25 MB); libconfig parses that much in
 * a few seconds (docs/scenario-format.md, Limits). */
#define VS_LOAD_MAX_BYTES (32L * 1024 * 1024)

/* Sizes a file may ask for (each refused with a message beyond): */
#define VS_LOAD_MAX_CENTRES 200000L  /* entries of `centres` */
#define VS_LOAD_MAX_VARIANTS 10000L  /* entries of `variants` */
#define VS_LOAD_MAX_CELLS 2000000L   /* variants x centres: rows of centres.csv */
#define VS_LOAD_MAX_ITEMS 200000L    /* any other list, array or group */
#define VS_LOAD_MAX_ATTRS 64         /* distinct attribute names of the centres */
/* Problems listed in err->log; the rest are counted and said to exist. */
#define VS_LOAD_MAX_PROBLEMS 50

/* Load and validate the scenario file at `path`.  On success returns VS_OK
 * and sets *out (free with vs_scenario_free).  On failure returns
 * VS_EINPUT (bad scenario) or VS_EIO (unreadable file), sets *out = NULL
 * and records every problem in err. */
int vs_load_file(const char *path, vs_scenario **out, vs_err *err);

/* Same for scenario text held in memory; `name` stands for the file name in
 * messages.  @include is refused in text loaded this way. */
int vs_load_string(const char *text, const char *name, vs_scenario **out,
                   vs_err *err);

#endif
