/* metrics_ab.c: two versions of src/engine/metrics.c in one process.
 *
 * On a shared machine the speed of a whole run drifts by a fifth from
 * minute to minute, so a change of a few per cent in the metrics never
 * shows in end-to-end runs.  Here both versions compute the metrics of
 * the same iterations (drawn and evaluated once, beforehand), alternating
 * which goes first at every iteration, and each iteration's time is the
 * least of ROUNDS rounds of thread CPU time: what the neighbours take
 * falls on both alike.  Then both compute every metric once more and the
 * bits are compared, so a faster version that changes a result shows.
 *
 * bench/metrics-ab.sh builds it: metrics.c of an older revision with its
 * symbols renamed old_*, the working tree's renamed new_*.
 *
 *   metrics_ab SCENARIO [ITERATIONS [ROUNDS]] [--new-first]
 *
 * --new-first allocates the new version's workspace first (where the
 * allocator puts the arrays changes their speed a little); metrics-ab.sh
 * runs both ways and prints the geometric mean. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/draw.h"
#include "engine/eval.h"
#include "vardsim/load.h"
#include "vardsim/metrics.h"

/* The two versions, renamed by the compiler's -D (metrics-ab.sh). */
vs_metric_ws *old_alloc(size_t n);
void old_free(vs_metric_ws *ws);
void old_prepare(vs_metric_ws *ws, size_t n, const double *listed,
                 const double *cni, const double *need, double high_need_cni);
void old_compute_total(vs_metric_ws *ws, const vs_ore *alloc,
                       const vs_ore *base, vs_ore total, double *out);
vs_metric_ws *new_alloc(size_t n);
void new_free(vs_metric_ws *ws);
void new_prepare(vs_metric_ws *ws, size_t n, const double *listed,
                 const double *cni, const double *need, double high_need_cni);
void new_compute_total(vs_metric_ws *ws, const vs_ore *alloc,
                       const vs_ore *base, vs_ore total, double *out);

typedef struct side {
    vs_metric_ws *ws;
    void (*prepare)(vs_metric_ws *, size_t, const double *, const double *,
                    const double *, double);
    void (*compute)(vs_metric_ws *, const vs_ore *, const vs_ore *, vs_ore,
                    double *);
} side;

/* What one iteration gives the metrics, kept for every iteration. */
typedef struct inputs {
    size_t nc, nv, baseline;
    long k;
    double *listed, *cni, *need; /* [k][nc]; need NULL: listed x CNI */
    vs_ore *alloc, *total;       /* [k][nv][nc], [k][nv] */
    double high_need_cni;
} inputs;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Iteration k's metrics of every variant with one version, as sim.c
 * computes them (the baseline first, the others against it); rows[v]
 * gets variant v's VS_M_COUNT metrics. */
static void one_iteration(const side *s, const inputs *in, long k, double *rows)
{
    size_t nc = in->nc, nv = in->nv, bl = in->baseline;
    const double *need = in->need ? in->need + (size_t)k * nc : NULL;
    const vs_ore *al = in->alloc + (size_t)k * nv * nc, *base = al + bl * nc;
    s->prepare(s->ws, nc, in->listed + (size_t)k * nc, in->cni + (size_t)k * nc,
               need, in->high_need_cni);
    for (size_t o = 0; o < nv; o++) {
        size_t v = o == 0 ? bl : o <= bl ? o - 1 : o;
        s->compute(s->ws, al + v * nc, v == bl ? NULL : base,
                   in->total[(size_t)k * nv + v], rows + v * VS_M_COUNT);
    }
}

/* Draw and evaluate `k` iterations of the scenario into in. */
static int fill_inputs(const vs_scenario *sc, long k, inputs *in, vs_err *err)
{
    size_t nc = sc->n_centres, nv = sc->n_variants;
    *in = (inputs){nc, nv, (size_t)sc->baseline, k, NULL, NULL, NULL, NULL,
                   NULL, sc->high_need_cni};
    vs_draw *d = vs_draw_alloc(sc);
    vs_ws *ws = vs_ws_alloc(nc);
    vs_outcome *out = vs_outcome_alloc(sc);
    size_t per = (size_t)k * nc;
    in->listed = malloc(per * sizeof *in->listed);
    in->cni = malloc(per * sizeof *in->cni);
    in->need = malloc(per * sizeof *in->need);
    in->alloc = malloc(per * nv * sizeof *in->alloc);
    in->total = malloc((size_t)k * nv * sizeof *in->total);
    int st = !d || !ws || !out || !in->listed || !in->cni || !in->need ||
                     !in->alloc || !in->total
                 ? vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory")
                 : VS_OK;
    int has_need = 0;
    for (long i = 0; st == VS_OK && i < k; i++) {
        vs_draw_fill(sc, sc->seed, (uint64_t)(i + 1), d);
        st = vs_eval_run(sc, d, ws, out, err);
        if (st != VS_OK)
            break;
        memcpy(in->listed + (size_t)i * nc, d->listed, nc * sizeof *d->listed);
        memcpy(in->cni + (size_t)i * nc, d->cni, nc * sizeof *d->cni);
        if (d->need) {
            has_need = 1;
            memcpy(in->need + (size_t)i * nc, d->need, nc * sizeof *d->need);
        }
        memcpy(in->alloc + (size_t)i * nv * nc, out->alloc, nv * nc * sizeof *out->alloc);
        memcpy(in->total + (size_t)i * nv, out->total, nv * sizeof *out->total);
    }
    if (!has_need) {
        free(in->need);
        in->need = NULL;
    }
    vs_outcome_free(out);
    vs_ws_free(ws);
    vs_draw_free(d);
    return st;
}

static void free_inputs(inputs *in)
{
    free(in->listed);
    free(in->cni);
    free(in->need);
    free(in->alloc);
    free(in->total);
}

int main(int argc, char **argv)
{
    int new_first = 0, npos = 0;
    const char *pos[3] = {NULL, "10", "3"}; /* SCENARIO ITERATIONS ROUNDS */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--new-first") == 0)
            new_first = 1;
        else if (npos < 3)
            pos[npos++] = argv[i];
    }
    const char *path = pos[0];
    long k = atol(pos[1]), rounds = atol(pos[2]);
    if (!path || k < 1 || rounds < 1) {
        fprintf(stderr, "usage: metrics_ab SCENARIO [ITERATIONS [ROUNDS]] [--new-first]\n");
        return 2;
    }
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc;
    inputs in;
    if (vs_load_file(path, &sc, &err) != VS_OK || fill_inputs(sc, k, &in, &err) != VS_OK) {
        fprintf(stderr, "%s\n", err.log ? err.log : err.msg);
        return 2;
    }
    side sd[2] = {{NULL, old_prepare, old_compute_total},
                  {NULL, new_prepare, new_compute_total}};
    sd[new_first].ws = new_first ? new_alloc(in.nc) : old_alloc(in.nc);
    sd[!new_first].ws = new_first ? old_alloc(in.nc) : new_alloc(in.nc);
    size_t nrow = in.nv * VS_M_COUNT;
    double *rows[2] = {malloc(nrow * sizeof(double)), malloc(nrow * sizeof(double))};
    double *best = malloc(2 * (size_t)k * sizeof *best);
    if (!sd[0].ws || !sd[1].ws || !rows[0] || !rows[1] || !best) {
        fprintf(stderr, "metrics_ab: out of memory\n");
        return 2;
    }
    for (long i = 0; i < 2 * k; i++)
        best[i] = 1e300;
    for (long r = 0; r < rounds; r++)
        for (long i = 0; i < k; i++)
            for (int w = 0; w < 2; w++) {
                int which = (int)((w + r + i) % 2); /* who goes first alternates */
                double t0 = cpu_now();
                one_iteration(&sd[which], &in, i, rows[which]);
                double t = cpu_now() - t0;
                if (t < best[which * k + i])
                    best[which * k + i] = t;
            }
    double sum[2] = {0, 0};
    for (long i = 0; i < k; i++)
        sum[0] += best[i], sum[1] += best[k + i];
    long differ = 0;
    for (long i = 0; i < k; i++) {
        one_iteration(&sd[0], &in, i, rows[0]);
        one_iteration(&sd[1], &in, i, rows[1]);
        for (size_t j = 0; j < nrow; j++) {
            double a = rows[0][j], b = rows[1][j];
            differ += memcmp(&a, &b, sizeof a) != 0 && !(a != a && b != b);
        }
    }
    printf("%zu centres, %zu variants, %ld iterations x %ld rounds: old %.1f us, "
           "new %.1f us an iteration, new/old %.3f, metric values differing %ld\n",
           in.nc, in.nv, k, rounds, sum[0] * 1e6 / (double)k, sum[1] * 1e6 / (double)k,
           sum[1] / sum[0], differ);
    free(best);
    free(rows[0]);
    free(rows[1]);
    old_free(sd[0].ws);
    new_free(sd[1].ws);
    free_inputs(&in);
    vs_scenario_free(sc);
    return differ != 0;
}
