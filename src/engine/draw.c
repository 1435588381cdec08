/* draw.c: the inputs of one Monte Carlo iteration (see draw.h). */
#include "engine/draw.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "engine/vecmath.h"

vs_draw *vs_draw_alloc(const vs_scenario *sc)
{
    vs_draw *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    size_t nc = sc->n_centres;
    d->vals = calloc(sc->n_params ? sc->n_params : 1, sizeof *d->vals);
    d->listed = calloc(nc ? nc : 1, sizeof *d->listed);
    d->cni = calloc(nc ? nc : 1, sizeof *d->cni);
    d->attrs = calloc(nc * sc->n_attrs + 1, sizeof *d->attrs);
    d->typed_listed = calloc(nc ? nc : 1, sizeof *d->typed_listed);
    d->typed_cni = calloc(nc ? nc : 1, sizeof *d->typed_cni);
    d->typed_attrs = calloc(nc * sc->n_attrs + 1, sizeof *d->typed_attrs);
    d->noise = calloc(nc ? nc : 1, sizeof *d->noise);
    d->need = calloc(nc ? nc : 1, sizeof *d->need);
    if (sc->n_age_bands)
        d->listed_by_age = calloc(nc * sc->n_age_bands, sizeof *d->listed_by_age);
    vs_dist_gsl_errors_off(); /* gsl_rng_alloc reports no memory so */
    d->rng = gsl_rng_alloc(vs_stream_type());
    if (!d->vals || !d->listed || !d->cni || !d->attrs || !d->rng ||
        !d->typed_listed || !d->typed_cni || !d->typed_attrs || !d->noise ||
        !d->need ||
        (sc->n_age_bands && !d->listed_by_age)) {
        vs_draw_free(d);
        return NULL;
    }
    vs_normals_init(&d->normals);
    for (size_t i = 0; i < nc; i++) {
        const vs_centre *c = &sc->centres[i];
        d->typed_listed[i] = c->listed;
        d->typed_cni[i] = c->cni;
        for (size_t a = 0; a < sc->n_attrs; a++)
            d->typed_attrs[i * sc->n_attrs + a] = c->attrs[a];
    }
    memcpy(d->attrs, d->typed_attrs, nc * sc->n_attrs * sizeof *d->attrs);
    for (size_t g = 0; g < sc->n_noise; g++)
        d->attr_noise |= sc->noise[g].target >= 0;
    return d;
}

void vs_draw_free(vs_draw *d)
{
    if (!d)
        return;
    free(d->vals);
    free(d->listed);
    free(d->cni);
    free(d->attrs);
    free(d->listed_by_age);
    free(d->typed_listed);
    free(d->typed_cni);
    free(d->typed_attrs);
    free(d->noise);
    free(d->need);
    if (d->rng)
        gsl_rng_free(d->rng);
    free(d);
}

/* Round halves away from zero (C's round), never below 0: a drawn listed
 * population is whole persons.  Written out rather than calling round
 * (a library call per centre and iteration): for 0 < x < 2^52 the
 * truncation t is exact, so is x - t, and round(x) is t + 1 exactly when
 * x - t >= 1/2; from 2^52 on x is whole; 0, below and NaN give 0, as
 * round's result would fail r > 0. */
static double whole_persons(double x)
{
    if (!(x > 0))
        return 0;
    if (x >= 0x1p52)
        return x;
    double t = (double)(int64_t)x;
    return t + (double)(x - t >= 0.5); /* no branch: a coin toss per centre */
}

/* A noise group's update of a contiguous target (stride 1: listed or
 * CNI), four centres at a time: the loops of apply_noise lane by lane
 * (kind 0: v x z, 1: v + scale v z, 2: v + scale z); returns how many it
 * did. */
VS_SIMD_CLONES
static size_t noise4(double *v, const double *z, double scale, int kind, size_t n)
{
    const vs_v4d k4 = {scale, scale, scale, scale};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4d x, y;
        memcpy(&x, v + i, sizeof x);
        memcpy(&y, z + i, sizeof y);
        x = kind == 0 ? x * y : kind == 1 ? x + k4 * x * y : x + k4 * y;
        memcpy(v + i, &x, sizeof x);
    }
    return i;
}

/* Apply one noise group with `d->rng` already seeded: centres drawn in
 * file order, so adding a group never shifts another group's draws.  The
 * normals are drawn first; a lognormal group then takes its factors
 * e^(scale z) four at a time (vecmath.h). */
static void apply_noise(const vs_scenario *sc, const vs_noise *g, vs_draw *d)
{
    size_t n = sc->n_centres, stride = 1;
    double *v, *z = d->noise;
    if (g->target == VS_ATTR_LISTED) {
        v = d->listed;
    } else if (g->target == VS_ATTR_CNI) {
        v = d->cni;
    } else {
        v = d->attrs + g->target;
        stride = sc->n_attrs;
    }
    vs_normals_fill(&d->normals, d->rng, z, n); /* gsl_ran_gaussian_ziggurat's */
    int kind = g->kind == VS_NOISE_LOGNORMAL ? 0 : g->relative ? 1 : 2;
    if (kind == 0) {
        for (size_t i = 0; i < n; i++)
            z[i] *= g->scale;
        vs_vecmath_exp(z, z, n);
    }
    size_t i0 = stride == 1 ? noise4(v, z, g->scale, kind, n) : 0;
    for (size_t i = i0; i < n; i++) {
        double *x = &v[i * stride];
        *x = kind == 0 ? *x * z[i] : kind == 1 ? *x + g->scale * *x * z[i] : *x + g->scale * z[i];
    }
}

/* Typed centre values, before any noise. */
static void reset_centres(const vs_scenario *sc, vs_draw *d)
{
    size_t nc = sc->n_centres;
    memcpy(d->listed, d->typed_listed, nc * sizeof *d->listed);
    memcpy(d->cni, d->typed_cni, nc * sizeof *d->cni);
    if (d->attr_noise) /* else they were never moved (vs_draw_alloc) */
        memcpy(d->attrs, d->typed_attrs, nc * sc->n_attrs * sizeof *d->attrs);
}

/* The need of every centre from the iteration's values: base x ((1 - s)
 * + s x cni), a base drawn below 0 counting as 0.  With the default
 * (listed, s = 1) this is listed x cni to the bit: (1 - 1) + 1 x c = c. */
static void fill_need(const vs_scenario *sc, vs_draw *d)
{
    const vs_need *nd = &sc->need;
    double s = nd->cni_share >= 0 ? d->vals[nd->cni_share] : 1.0;
    for (size_t i = 0; i < sc->n_centres; i++) {
        double b = vs_draw_value(sc, d, i, nd->base);
        d->need[i] = (b > 0 ? b : 0.0) * ((1.0 - s) + s * d->cni[i]);
    }
}

/* finish_centres for the usual scenario (no attribute noise, no age
 * split, need based on listed), four centres at a time while every listed
 * of the block is below 2^51: each rounded as whole_persons does, CNI kept
 * at 1e-6 or above, and the need as fill_need computes it, lane by lane.
 * The truncation t of 0 < x < 2^51 is its floor: x + (2^52 + 2^51) - (2^52
 * + 2^51) rounds x to a whole number r exactly, and t = r - 1 where r > x;
 * x - t is then exact, as in whole_persons.  The total: every rounded
 * listed is a whole number >= 0, so while the sum stays below 2^52 every
 * partial sum, in any order, is a whole number a double holds exactly,
 * and four lane sums give the sum in index order to the bit; from 2^52 on
 * (never for people) it is added again in index order.  Returns the total
 * of the first *done centres (a multiple of four). */
VS_SIMD_CLONES
static double finish4(double *listed, double *cni, double *need, double s,
                      size_t n, size_t *done)
{
    const vs_v4d big = {6755399441055744.0, 6755399441055744.0,
                        6755399441055744.0, 6755399441055744.0}; /* 2^52 + 2^51 */
    const vs_v4d lim = {0x1p51, 0x1p51, 0x1p51, 0x1p51};
    const vs_v4d zero = {0, 0, 0, 0}, one = {1, 1, 1, 1}, half = {0.5, 0.5, 0.5, 0.5};
    const vs_v4d cmin = {1e-6, 1e-6, 1e-6, 1e-6};
    const double oms = 1.0 - s;
    const vs_v4d s4 = {s, s, s, s}, oms4 = {oms, oms, oms, oms};
    vs_v4d acc = zero;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4d x, c;
        memcpy(&x, listed + i, sizeof x);
        vs_v4i small = (vs_v4i)(x < lim);
        if ((small[0] & small[1] & small[2] & small[3]) == 0)
            break; /* a listed of 2^51 or more (or NaN): the loop */
        vs_v4d r = (x + big) - big;
        vs_v4d t = r - (vs_v4d)((vs_v4i)(r > x) & (vs_v4i)one);
        vs_v4d w = t + (vs_v4d)((vs_v4i)(x - t >= half) & (vs_v4i)one);
        w = (vs_v4d)((vs_v4i)(x > zero) & (vs_v4i)w); /* 0, below and NaN: 0 */
        memcpy(&c, cni + i, sizeof c);
        vs_v4i low = (vs_v4i)(c < cmin);
        c = (vs_v4d)((low & (vs_v4i)cmin) | (~low & (vs_v4i)c));
        vs_v4d b = (vs_v4d)((vs_v4i)(w > zero) & (vs_v4i)w);
        vs_v4d nd = b * (oms4 + s4 * c);
        memcpy(listed + i, &w, sizeof w);
        memcpy(cni + i, &c, sizeof c);
        memcpy(need + i, &nd, sizeof nd);
        acc += w;
    }
    *done = i;
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

/* finish_centres's work for that scenario; returns the total listed. */
static double finish_listed(double *listed, double *cni, double *need,
                            double s, size_t n)
{
    size_t i;
    double total = finish4(listed, cni, need, s, n, &i);
    for (; i < n; i++) {
        double r = whole_persons(listed[i]);
        if (cni[i] < 1e-6)
            cni[i] = 1e-6;
        listed[i] = r;
        need[i] = (r > 0 ? r : 0.0) * ((1.0 - s) + s * cni[i]);
        total += r;
    }
    if (!(total < 0x1p52)) { /* the order could matter: index order */
        total = 0;
        for (size_t k = 0; k < n; k++)
            total += listed[k];
    }
    return total;
}

/* Round listed to whole persons, keep CNI positive, total the lists and
 * scale the age split: the same after any noise; then the need. */
static void finish_centres(const vs_scenario *sc, vs_draw *d)
{
    if (!d->attr_noise && sc->n_age_bands == 0 && sc->need.base == VS_ATTR_LISTED) {
        double s = sc->need.cni_share >= 0 ? d->vals[sc->need.cni_share] : 1.0;
        d->total_listed = finish_listed(d->listed, d->cni, d->need, s, sc->n_centres);
        return;
    }
    double total = 0; /* in a register: d->listed might alias it */
    for (size_t i = 0; i < sc->n_centres; i++) {
        const vs_centre *c = &sc->centres[i];
        d->listed[i] = whole_persons(d->listed[i]);
        if (d->cni[i] < 1e-6)
            d->cni[i] = 1e-6;
        /* Absolute normal noise can push a count below zero; an attribute
         * typed as non-negative stays non-negative, as listed does. */
        for (size_t a = 0; d->attr_noise && a < sc->n_attrs; a++)
            if (d->typed_attrs[i * sc->n_attrs + a] >= 0 &&
                d->attrs[i * sc->n_attrs + a] < 0)
                d->attrs[i * sc->n_attrs + a] = 0;
        total += d->listed[i];
        if (sc->n_age_bands) {
            double *row = &d->listed_by_age[i * sc->n_age_bands];
            /* listed_by_age follows the drawn listed in proportion; a
             * centre without its own split gets none (capitation then uses
             * plain listed). */
            double scale = c->listed > 0 ? d->listed[i] / c->listed : 0;
            for (size_t b = 0; b < sc->n_age_bands; b++)
                row[b] = c->listed_by_age ? c->listed_by_age[b] * scale : 0;
        }
    }
    d->total_listed = total;
    fill_need(sc, d);
}

/* An earlier param of the same shared stream and the same distribution
 * to the bit (two cuts' deficit_share on stream "share", say), whose
 * value this iteration param p takes as it is: the same quantile of the
 * same uniform.  -1 when there is none.  Looked up every iteration, not
 * once, since a sweep changes params between points; only params with a
 * stream are compared, a handful. */
static long same_draw(const vs_scenario *sc, size_t p)
{
    const vs_param *par = &sc->params[p];
    if (!par->stream)
        return -1;
    for (size_t q = 0; q < p; q++) {
        const vs_param *o = &sc->params[q];
        if (o->stream && o->dist.kind == par->dist.kind &&
            memcmp(o->dist.p, par->dist.p, sizeof o->dist.p) == 0 &&
            memcmp(&o->dist.lo, &par->dist.lo, sizeof o->dist.lo) == 0 &&
            memcmp(&o->dist.hi, &par->dist.hi, sizeof o->dist.hi) == 0 &&
            strcmp(o->stream, par->stream) == 0)
            return (long)q;
    }
    return -1;
}

void vs_draw_fill(const vs_scenario *sc, uint64_t seed, uint64_t k, vs_draw *d)
{
    for (size_t p = 0; p < sc->n_params; p++) {
        const vs_param *par = &sc->params[p];
        long q;
        if (k == 0 || par->dist.kind == VS_DIST_FIXED) {
            d->vals[p] = vs_dist_point(&par->dist);
        } else if ((q = same_draw(sc, p)) >= 0) {
            d->vals[p] = d->vals[q]; /* drawn above, not fixed (same kind) */
        } else {
            /* By inversion, so params that name one shared stream get the
             * same uniform and move together (common random numbers across
             * variants); others draw from their own stream. */
            vs_stream_seed(d->rng, seed, k, par->stream ? par->stream : par->path);
            d->vals[p] = vs_dist_quantile(&par->dist, gsl_rng_uniform_pos(d->rng));
        }
    }
    reset_centres(sc, d);
    if (k > 0)
        for (size_t g = 0; g < sc->n_noise; g++) {
            vs_stream_seed(d->rng, seed, k, sc->noise[g].path);
            apply_noise(sc, &sc->noise[g], d);
        }
    finish_centres(sc, d);
}

void vs_draw_fill_with(const vs_scenario *sc, const double *u,
                       const unsigned char *noise_on,
                       const uint64_t *noise_seed, vs_draw *d)
{
    for (size_t p = 0; p < sc->n_params; p++) {
        const vs_dist *dist = &sc->params[p].dist;
        d->vals[p] = u && !isnan(u[p]) && dist->kind != VS_DIST_FIXED
                         ? vs_dist_quantile(dist, u[p])
                         : vs_dist_point(dist);
    }
    reset_centres(sc, d);
    for (size_t g = 0; noise_on && g < sc->n_noise; g++)
        if (noise_on[g]) {
            vs_stream_seed(d->rng, noise_seed[g], 0, sc->noise[g].path);
            apply_noise(sc, &sc->noise[g], d);
        }
    finish_centres(sc, d);
}
