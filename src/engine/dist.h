/* engine/dist.h: the random streams behind dist.h (GSL).  Not installed:
 * public headers expose no GSL types.
 *
 * Each uncertain input has its own generator, seeded from a hash of
 * (seed, iteration, the input's path), so iteration k's numbers depend only
 * on (seed, k) and turning one more number into a distribution leaves every
 * other input's draws unchanged. */
#ifndef VARDSIM_ENGINE_DIST_H
#define VARDSIM_ENGINE_DIST_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "vardsim/dist.h"

/* One draw from `r`.  The Monte Carlo loop does not use it: it draws by
 * inversion (vs_dist_quantile of a uniform), so that params sharing a
 * stream move together; this is the direct sampler for library users and
 * the distribution tests.  A truncated normal is drawn by inversion of the
 * truncated CDF, so it never loops.  Never returns NaN for a valid
 * distribution. */
double vs_dist_draw(const vs_dist *d, gsl_rng *r);

/* splitmix64-based hash of (seed, k, path): the seed of one stream. */
uint64_t vs_stream_key(uint64_t seed, uint64_t k, const char *path);

/* The GSL generator type every stream uses, and its name for the manifest. */
const gsl_rng_type *vs_stream_type(void);

/* Seed `r` (allocated with vs_stream_type()) for the stream of `path` in
 * iteration k.  Cheap: a few hash rounds and a state write. */
void vs_stream_seed(gsl_rng *r, uint64_t seed, uint64_t k, const char *path);

/* GSL's default error handler prints and calls abort(), which would end a
 * program that embeds vardsim (gsl_cdf_beta_Pinv reports a failure to
 * converge that way, at a pert's u = 1e-300 say).  vardsim checks every
 * result itself, so the library turns the handler off, once per process
 * (thread-safe), before its GSL calls that can report an error (the beta
 * quantile of a pert, gsl_rng_alloc in vs_draw_alloc).  A program
 * that installs its own handler after that keeps it. */
void vs_dist_gsl_errors_off(void);

#endif
