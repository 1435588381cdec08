/* override.h: --set PATH=VALUE, changing one number of a loaded scenario.
 *
 * PATH names a number as in docs/scenario-format.md ("Paths"): region.deficit,
 * VARIANT.RULE.PARAM (a rule by its id; an inherited rule through the
 * variant that defines it, which reaches every variant extending it),
 * region.age_weights[I], VARIANT.RULE.amounts[I],
 * VARIANT.RULE.tiers[I].above|amount|per_listed, and
 * uncertainty.GROUP.sigma / uncertainty.GROUP.sd.  VALUE is a number or a
 * distribution such as triangular(3e8,3.5e8,4.2e8). */
#ifndef VARDSIM_OVERRIDE_H
#define VARDSIM_OVERRIDE_H

#include "vardsim/error.h"
#include "vardsim/scenario.h"

/* Apply "PATH=VALUE" to sc.  The value is checked against the same bounds
 * the loader enforces for that key.  Returns VS_OK, or VS_EINPUT with a
 * message (an unknown path lists the nearest valid paths). */
int vs_override_apply(vs_scenario *sc, const char *assignment, vs_err *err);

/* Set the param at `path` to the fixed number `value` (used by sweeps).
 * Same checks and errors as vs_override_apply. */
int vs_override_set_number(vs_scenario *sc, const char *path, double value,
                           vs_err *err);

/* What `path` holds now (used by sweeps to label charts): *point gets
 * its value as typed (a distribution's vs_dist_point; NAN for an optional
 * key the scenario leaves out) and *money 1 when it is an amount in SEK.
 * Same path errors as vs_override_set_number. */
int vs_override_get(const vs_scenario *sc, const char *path, double *point,
                    int *money, vs_err *err);

#endif
