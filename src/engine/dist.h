/* engine/dist.h: the random streams behind dist.h (GSL).  Not installed:
 * public headers expose no GSL types.
 *
 * Each uncertain input has its own generator, seeded from a hash of
 * (seed, iteration, the input's path), so iteration k's numbers depend only
 * on (seed, k) and turning one more number into a distribution leaves every
 * other input's draws unchanged. */
#ifndef VARDSIM_ENGINE_DIST_H
#define VARDSIM_ENGINE_DIST_H

#include <stddef.h>
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

/* One step of taus2 (L'Ecuyer 1996, the combined Tausworthe generator
 * GSL's gsl_rng_taus2 is): its three 32-bit state words advance and their
 * XOR is the output, the same 32 bits gsl_rng_get gives from that state. */
static inline uint32_t vs_taus2_next(uint32_t s[3])
{
    s[0] = ((s[0] & UINT32_C(0xfffffffe)) << 12) ^ (((s[0] << 13) ^ s[0]) >> 19);
    s[1] = ((s[1] & UINT32_C(0xfffffff8)) << 4) ^ (((s[1] << 2) ^ s[1]) >> 25);
    s[2] = ((s[2] & UINT32_C(0xfffffff0)) << 17) ^ (((s[2] << 3) ^ s[2]) >> 11);
    return s[0] ^ s[1] ^ s[2];
}

/* Standard normals exactly as gsl_ran_gaussian_ziggurat(r, 1.0) draws
 * them from a taus2 stream, and the stream left where GSL leaves it, but
 * without two calls through function pointers per draw.  GSL's ziggurat
 * (Marsaglia and Tsang's method, 128 strips) takes one 32-bit output u:
 * bits 0-6 choose a strip i, bit 7 the sign, bits 8-31 an integer j; when
 * j is below the strip's bound k[i] the draw is +-j x w[i], else it goes
 * on with further outputs (about one draw in a hundred).  vs_normals_init
 * reads k and w from the installed library itself, by feeding its
 * ziggurat chosen outputs, and then checks a few thousand draws of a real
 * stream against it bit for bit; only if all of that holds is `fast` set.
 * vs_normals_fill takes the common case itself and hands every other draw
 * to GSL from the state before it, so each draw is GSL's. */
typedef struct vs_normals {
    double w[128];
    uint32_t k[128];
    int fast; /* 0: every draw is a call of gsl_ran_gaussian_ziggurat */
} vs_normals;

void vs_normals_init(vs_normals *g);

/* z[0..n) = n standard normals from r (of vs_stream_type()), in order. */
void vs_normals_fill(const vs_normals *g, gsl_rng *r, double *z, size_t n);

/* GSL's default error handler prints and calls abort(), which would end a
 * program that embeds vardsim (gsl_cdf_beta_Pinv reports a failure to
 * converge that way, at a pert's u = 1e-300 say).  vardsim checks every
 * result itself, so the library turns the handler off, once per process
 * (thread-safe), before its GSL calls that can report an error (the beta
 * quantile of a pert, gsl_rng_alloc in vs_draw_alloc).  A program
 * that installs its own handler after that keeps it. */
void vs_dist_gsl_errors_off(void);

#endif
