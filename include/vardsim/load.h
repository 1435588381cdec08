/* load.h: libconfig scenario file -> vs_scenario, with every check.
 *
 * Validation happens before anything runs and reports every problem it
 * finds, each as "FILE:LINE: message" in err->log (see error.h). */
#ifndef VARDSIM_LOAD_H
#define VARDSIM_LOAD_H

#include "vardsim/error.h"
#include "vardsim/scenario.h"

/* Files larger than this are refused before parsing: libconfig 1.5 parses
 * a long token in quadratic time. */
#define VS_LOAD_MAX_BYTES (4L * 1024 * 1024)

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
