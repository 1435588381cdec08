/* rule_bench.h: build small scenarios in C for the rule and property tests.
 *
 * Header-only (static functions) so that tests/test_rules.c and
 * tests/test_property.c share it without adding symbols to helpers.c.
 * A bench owns a vs_scenario made with the same ownership rules as the
 * loader's (every string and array on the heap, freed by
 * vs_scenario_free), one iteration's draw filled by hand (the point
 * values of fixed params; no noise), and the evaluation buffers. */
#ifndef VARDSIM_TEST_RULE_BENCH_H
#define VARDSIM_TEST_RULE_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eval.h"
#include "vardsim/scenario.h"

typedef struct bench {
    vs_scenario *sc;
    vs_draw in;
    vs_ws *ws;
    vs_outcome *out;
    vs_err err;
} bench;

static inline char *bench_strdup(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    assert_non_null(p);
    strcpy(p, s);
    return p;
}

/* A scenario with n centres "c0".."c{n-1}" (listed, cni), no variants. */
static inline vs_scenario *bench_scenario(size_t n, const double *listed,
                                   const double *cni)
{
    vs_scenario *sc = calloc(1, sizeof *sc);
    assert_non_null(sc);
    sc->file = bench_strdup("test.cfg");
    sc->name = bench_strdup("test");
    sc->deficit = VS_NONE;
    sc->n_centres = n;
    sc->centres = calloc(n ? n : 1, sizeof *sc->centres);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "c%zu", i);
        sc->centres[i].id = bench_strdup(id);
        sc->centres[i].name = bench_strdup(id);
        sc->centres[i].listed = listed[i];
        sc->centres[i].cni = cni[i];
        sc->centres[i].line = (int)(10 + i);
    }
    return sc;
}

/* A fixed param holding v (SEK for money); returns its index. */
static inline int bench_param(vs_scenario *sc, double v)
{
    sc->params = realloc(sc->params, (sc->n_params + 1) * sizeof *sc->params);
    assert_non_null(sc->params);
    vs_param *p = &sc->params[sc->n_params];
    char path[32];
    snprintf(path, sizeof path, "p%zu", sc->n_params);
    memset(p, 0, sizeof *p);
    p->path = bench_strdup(path);
    p->dist.kind = VS_DIST_FIXED;
    p->dist.p[0] = v;
    p->dist.lo = -INFINITY;
    p->dist.hi = INFINITY;
    return (int)sc->n_params++;
}

/* Attribute `name` with one value per centre; returns its index. */
static inline int bench_attr(vs_scenario *sc, const char *name, const double *v)
{
    size_t a = sc->n_attrs++;
    sc->attr_names = realloc(sc->attr_names, sc->n_attrs * sizeof *sc->attr_names);
    sc->attr_names[a] = bench_strdup(name);
    for (size_t i = 0; i < sc->n_centres; i++) {
        sc->centres[i].attrs = realloc(sc->centres[i].attrs,
                                       sc->n_attrs * sizeof(double));
        sc->centres[i].attrs[a] = v[i];
    }
    return (int)a;
}

/* Age bands with the given weights (params); per-centre rows are set
 * afterwards with bench_listed_by_age. */
static inline void bench_age_bands(vs_scenario *sc, size_t nb, const double *weights)
{
    sc->n_age_bands = nb;
    sc->age_bands = calloc(nb, sizeof *sc->age_bands);
    sc->age_weights = calloc(nb, sizeof *sc->age_weights);
    for (size_t b = 0; b < nb; b++) {
        char lab[32];
        snprintf(lab, sizeof lab, "band%zu", b);
        sc->age_bands[b] = bench_strdup(lab);
        sc->age_weights[b] = bench_param(sc, weights[b]);
    }
}

static inline void bench_listed_by_age(vs_scenario *sc, size_t i, const double *row)
{
    sc->centres[i].listed_by_age = malloc(sc->n_age_bands * sizeof(double));
    memcpy(sc->centres[i].listed_by_age, row, sc->n_age_bands * sizeof(double));
}

/* A variant (extends: index or VS_NONE); returns its index.  Variants are
 * evaluated in the order they are added. */
static inline size_t bench_variant(vs_scenario *sc, const char *id, int extends)
{
    size_t v = sc->n_variants++;
    sc->variants = realloc(sc->variants, sc->n_variants * sizeof *sc->variants);
    vs_variant *var = &sc->variants[v];
    memset(var, 0, sizeof *var);
    var->id = bench_strdup(id);
    var->name = bench_strdup(id);
    var->extends = extends;
    var->line = (int)(50 + v);
    return v;
}

/* A rule of type t appended to variant v, defaults applied; its line is
 * 100 + its number in the scenario.  The pointer is valid until the next
 * rule is added to the same variant. */
static inline vs_rule *bench_rule(vs_scenario *sc, size_t v, vs_rule_type t)
{
    static int line = 100;
    vs_variant *var = &sc->variants[v];
    var->rules = realloc(var->rules, (var->n_rules + 1) * sizeof *var->rules);
    vs_rule *r = &var->rules[var->n_rules++];
    vs_rule_init(r, t);
    r->id = bench_strdup(vs_rule_type_name(t));
    r->line = line++;
    return r;
}

static inline void bench_grant(vs_scenario *sc, vs_rule *r, size_t n,
                        const int *centres, const double *sek)
{
    r->n_grants = n;
    r->grant_centre = malloc(n * sizeof *r->grant_centre);
    r->grant_amount = malloc(n * sizeof *r->grant_amount);
    for (size_t g = 0; g < n; g++) {
        r->grant_centre[g] = centres[g];
        r->grant_amount[g] = bench_param(sc, sek[g]);
    }
}

/* Fill the iteration's draw from the scenario (point values, no noise)
 * and allocate the evaluation buffers. */
static inline void bench_ready(bench *b, vs_scenario *sc)
{
    memset(b, 0, sizeof *b);
    b->sc = sc;
    size_t n = sc->n_centres, nb = sc->n_age_bands;
    sc->order = malloc((sc->n_variants ? sc->n_variants : 1) * sizeof *sc->order);
    for (size_t v = 0; v < sc->n_variants; v++)
        sc->order[v] = v;
    b->in.vals = calloc(sc->n_params + 1, sizeof(double));
    for (size_t p = 0; p < sc->n_params; p++)
        b->in.vals[p] = sc->params[p].dist.p[0];
    b->in.listed = calloc(n + 1, sizeof(double));
    b->in.cni = calloc(n + 1, sizeof(double));
    b->in.attrs = calloc(n * sc->n_attrs + 1, sizeof(double));
    b->in.listed_by_age = nb ? calloc(n * nb, sizeof(double)) : NULL;
    b->in.total_listed = 0;
    for (size_t i = 0; i < n; i++) {
        b->in.listed[i] = sc->centres[i].listed;
        b->in.cni[i] = sc->centres[i].cni;
        b->in.total_listed += sc->centres[i].listed;
        for (size_t a = 0; a < sc->n_attrs; a++)
            b->in.attrs[i * sc->n_attrs + a] = sc->centres[i].attrs[a];
        for (size_t k = 0; k < nb && sc->centres[i].listed_by_age; k++)
            b->in.listed_by_age[i * nb + k] = sc->centres[i].listed_by_age[k];
    }
    b->ws = vs_ws_alloc(n);
    b->out = vs_outcome_alloc(sc);
    assert_non_null(b->ws);
    assert_non_null(b->out);
    vs_err_init(&b->err);
}

static inline int bench_run(bench *b)
{
    return vs_eval_run(b->sc, &b->in, b->ws, b->out, &b->err);
}

static inline const vs_ore *bench_row(const bench *b, size_t v)
{
    return b->out->alloc + v * b->sc->n_centres;
}

static inline void bench_free(bench *b)
{
    free(b->in.vals);
    free(b->in.listed);
    free(b->in.cni);
    free(b->in.attrs);
    free(b->in.listed_by_age);
    vs_ws_free(b->ws);
    vs_outcome_free(b->out);
    vs_err_free(&b->err);
    vs_scenario_free(b->sc);
    memset(b, 0, sizeof *b);
}

#endif
