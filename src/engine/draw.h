/* draw.h: the inputs of one Monte Carlo iteration.
 *
 * Iteration 0 is the point estimate (every number at its typed value, no
 * per-centre noise); iterations 1..N draw every param from its own stream
 * and apply the per-centre noise groups.  A vs_draw is allocated once per
 * worker and refilled each iteration: the Monte Carlo loop allocates
 * nothing. */
#ifndef VARDSIM_DRAW_H
#define VARDSIM_DRAW_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "engine/dist.h"
#include "vardsim/error.h"
#include "vardsim/scenario.h"

typedef struct vs_draw {
    double *vals;          /* n_params values (SEK for money) */
    double *listed;        /* n_centres, whole persons, >= 0 */
    double *cni;           /* n_centres, >= 1e-6 */
    double *attrs;         /* n_centres * n_attrs, row per centre */
    double *listed_by_age; /* n_centres * n_age_bands, or NULL */
    double total_listed;
    double *need;          /* n_centres: the scenario's need measure,
                              base x ((1 - s) + s x cni), >= 0 */
    gsl_rng *rng;          /* scratch generator, reseeded per stream */
    vs_normals normals;    /* draws GSL's ziggurat normals from rng */
    /* The typed centre values in the layout above, copied from the
     * scenario once, so each iteration starts from three flat copies. */
    double *typed_listed, *typed_cni, *typed_attrs;
    double *noise;         /* n_centres: one noise group's draws (scratch) */
    int attr_noise;        /* some noise group moves an attribute: attrs
                              are reset and clamped each fill (otherwise
                              they hold the typed values throughout) */
} vs_draw;

vs_draw *vs_draw_alloc(const vs_scenario *sc);
void vs_draw_free(vs_draw *d);

/* Fill `d` with iteration k's inputs for `seed`.  Never fails for a
 * validated scenario. */
void vs_draw_fill(const vs_scenario *sc, uint64_t seed, uint64_t k, vs_draw *d);

/* Fill `d` with inputs chosen one by one (sensitivity analysis): param p
 * takes the quantile u[p] of its distribution, or its point when u is NULL
 * or u[p] is NAN; noise group g draws from the stream `noise_seed[g]`
 * seeds (via vs_stream_seed(rng, noise_seed[g], 0, path)), or is off when
 * noise_on is NULL or noise_on[g] is 0. */
void vs_draw_fill_with(const vs_scenario *sc, const double *u,
                       const unsigned char *noise_on,
                       const uint64_t *noise_seed, vs_draw *d);

/* Centre i's age-weighted listed: sum_b listed_by_age[b] x age_weights[b]
 * (in band order, as capitation has always added them), or its listed
 * when the scenario has no age data. */
static inline double vs_draw_age(const vs_scenario *sc, const vs_draw *d,
                                 size_t i)
{
    size_t nb = sc->n_age_bands;
    if (nb == 0 || !d->listed_by_age || !sc->centres[i].listed_by_age)
        return d->listed[i];
    const double *row = &d->listed_by_age[i * nb];
    double s = 0;
    for (size_t b = 0; b < nb; b++)
        s += row[b] * d->vals[sc->age_weights[b]];
    return s;
}

/* Any value reference of centre i: listed, cni, age, 1 for "centre", or
 * an attribute. */
static inline double vs_draw_value(const vs_scenario *sc, const vs_draw *d,
                                   size_t i, int ref)
{
    switch (ref) {
    case VS_ATTR_LISTED: return d->listed[i];
    case VS_ATTR_CNI: return d->cni[i];
    case VS_ATTR_AGE: return vs_draw_age(sc, d, i);
    case VS_ATTR_CENTRE: return 1.0;
    default: return d->attrs[i * sc->n_attrs + (size_t)ref];
    }
}

/* Attribute reference (VS_ATTR_LISTED, VS_ATTR_CNI or index) of centre i.
 * Inline: rules call it per centre in every iteration. */
static inline double vs_draw_attr(const vs_scenario *sc, const vs_draw *d,
                                  size_t i, int ref)
{
    if (ref == VS_ATTR_LISTED)
        return d->listed[i];
    if (ref == VS_ATTR_CNI)
        return d->cni[i];
    return d->attrs[i * sc->n_attrs + (size_t)ref];
}

#endif
