/* sim.c: the Monte Carlo loop, its threads and its summaries.
 *
 * Iterations run in blocks of VS_SIM_BLOCK.  In each block the workers
 * first evaluate their share of the iterations (a contiguous run of rows
 * each).  Each adds its iterations' allocations to its own per-centre
 * sums and loss counts (integers, merged at the end, so the split does
 * not matter).  While allocations are kept exactly it stores them at their
 * iteration's place; after that it writes one row of the block per
 * iteration: the histogram slot of each allocation and change, found
 * while the allocations are in cache.  After a barrier the workers fold
 * the block's slots into the histograms, each owning a range of (variant,
 * centre) columns.  Region-level values are kept per iteration and
 * summarised at the end in iteration order, so nothing depends on which
 * thread did what. */
/* madvise(MADV_HUGEPAGE) is outside POSIX (see big_alloc). */
#define _DEFAULT_SOURCE
#include "engine/sim.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/draw.h"
#include "engine/quantile.h"
#include "engine/vecmath.h"

#define VS_SIM_BLOCK 250L
/* A block is all pilot or all histogram slots, and --precision checks
 * fall on block ends. */
_Static_assert(VS_SIM_PILOT % VS_SIM_BLOCK == 0, "the pilot is whole blocks");
_Static_assert(VS_SIM_PRECISION_BLOCK % VS_SIM_BLOCK == 0,
               "precision checks fall on block ends");
/* Histogram slots are stored as uint16_t. */
_Static_assert(VS_HIST_SLOTS - 1 <= UINT16_MAX, "slots fit uint16_t");

/* Per-centre sums reach iterations x 1e17 öre: wider than int64. */
__extension__ typedef __int128 vs_i128;

struct sim;

typedef struct worker {
    struct sim *sim;
    int id;
    pthread_t thread;
    vs_draw *draw;
    vs_ws *ws;
    vs_outcome *out;
    vs_metric_ws *mws;
    vs_i128 *sums;  /* per column: this worker's iterations only */
    int64_t *psum;  /* per column: the sums of this block so far (see record) */
    int64_t *losses;
    long *sf_draws;     /* per rule: this worker's draws with a shortfall */
    unsigned *sf_kinds; /* per rule: the kinds it saw */
    int *nodiff;        /* per variant: no difference so far (see
                           vs_results.no_difference) */
    long fail_k; /* lowest failing iteration in the block, or -1 */
    vs_err err;
} worker;

typedef struct sim {
    const vs_scenario *sc;
    const vs_sim_opts *opts;
    size_t nv, nc, ncol;
    int baseline;
    int threads;   /* workers taking part in blocks */
    int n_workers; /* workers allocated */
    worker *w;

    /* region-level values: draws[(k-1) * nv * VS_STAT_COUNT + ...] */
    double *draws;
    long draws_cap;

    /* per-centre accumulators, one column per (variant, centre).  The
     * first exact_cap iterations are kept exactly (all of them when they
     * fit, else a pilot that calibrates the histograms). */
    int centre_stats; /* 0: region-level statistics only */
    int exact;
    long exact_cap;   /* rows kept per column */
    int64_t *cvals;   /* column j at cvals + j * exact_cap */
    vs_hist *hist;    /* streaming: allocation and change, 2 per column */
    double *scale;    /* lo and inv_width of both histograms of every
                         column, in four arrays of ncol (SCALE_*), copied
                         out of them so the evaluating workers read 32
                         contiguous bytes per column, not a line of each
                         2 KB histogram */
    vs_i128 *sums;    /* the workers' sums and losses, merged at the end */
    int64_t *losses;

    /* The current block's histogram slots, laid out as slot_at says. */
    uint16_t *block;
    long block_start, block_len;
    pthread_barrier_t go, done;
    pthread_mutex_t gate_lock;
    pthread_cond_t gate_cond;
    int gate_open, started, quit;
    int block_failed; /* set between the phases: skip the fold */
} sim;

/* The histograms (28 MB for the national bench) and the block (7 MB) are
 * read and written all over in every block; in 4 KB pages that is
 * thousands of pages and a TLB miss on most accesses.  Ask Linux for 2 MB
 * pages (transparent huge pages, where set to "madvise"); elsewhere, or if
 * refused, they are plain memory.  Zeroed, like calloc. */
#define HUGE_PAGE ((size_t)2 << 20)

static void *big_alloc(size_t bytes)
{
    size_t size = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = NULL;
    if (size == 0 || posix_memalign(&p, HUGE_PAGE, size) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, size, MADV_HUGEPAGE); /* advice only */
#endif
    memset(p, 0, size);
    return p;
}

int vs_sim_eval_row(const vs_scenario *sc, vs_draw *in, vs_ws *ws,
                    vs_outcome *out, vs_metric_ws *mws, double *row,
                    vs_err *err)
{
    int st = vs_eval_run(sc, in, ws, out, err);
    if (st == VS_OK)
        vs_sim_metrics_row(sc, in, out, mws, row);
    return st;
}

void vs_sim_metrics_row(const vs_scenario *sc, const vs_draw *in,
                        const vs_outcome *out, vs_metric_ws *mws, double *row)
{
    size_t nc = sc->n_centres;
    vs_metrics_prepare(mws, nc, in->listed, in->cni, in->need, sc->high_need_cni);
    const vs_ore *base = out->alloc + (size_t)sc->baseline * nc;
    /* The baseline first: the metrics try its ranking of the centres on
     * the other variants (see metrics.c); results do not depend on it. */
    for (size_t o = 0; o < sc->n_variants; o++) {
        size_t v = o == 0 ? (size_t)sc->baseline : o <= (size_t)sc->baseline ? o - 1 : o;
        double *r = row + v * VS_STAT_COUNT;
        vs_metrics_compute(mws, out->alloc + v * nc,
                           (int)v == sc->baseline ? NULL : base, r);
        r[VS_STAT_TOTAL] = (double)out->total[v];
        r[VS_STAT_UNALLOC] = (double)out->unalloc[v];
    }
}

/* Evaluate iteration k into the worker's outcome and `row` (VS_STAT_COUNT
 * per variant). */
static int eval_iteration(sim *s, worker *w, long k, double *row)
{
    vs_draw_fill(s->sc, s->opts->seed, (uint64_t)k, w->draw);
    return vs_sim_eval_row(s->sc, w->draw, w->ws, w->out, w->mws, row, &w->err);
}

/* Histogram slots are stored in tiles of SLOT_TILE columns: a tile's
 * rows follow one another, so the fold reads each tile front to back
 * (one cache line per row) and the worker writing an iteration writes
 * whole lines, one per tile.  Both slots of a column sit together. */
enum { SLOT_TILE = 16 };

static size_t slot_at(size_t j, size_t i)
{
    return ((j / SLOT_TILE * VS_SIM_BLOCK + i) * SLOT_TILE + j % SLOT_TILE) * 2;
}

static size_t block_slots(size_t ncol)
{
    return slot_at(ncol - 1, VS_SIM_BLOCK - 1) + 2;
}

/* The four arrays of sim.scale: lo and 1 / width of the allocation's
 * histogram, then of the change's. */
enum { SCALE_LO, SCALE_INV, SCALE_DLO, SCALE_DINV };

/* Allocations below this take the fast path of record: a block's sums
 * fit int64 (250 x 2^51 < 2^63) and the vector lanes convert them to
 * double exactly (vs_v4_i2d). */
#define FAST_MAX VS_V4_I2D_MAX

typedef vs_v4d v4d;
typedef vs_v4i v4i;
typedef int32_t v4s __attribute__((vector_size(16)));
typedef uint16_t v4h __attribute__((vector_size(8)));
typedef uint16_t v8h __attribute__((vector_size(16)));

static inline __attribute__((always_inline)) void v4i_load(v4i *v, const int64_t *p)
{
    memcpy(v, p, sizeof *v);
}

/* vs_hist_slot of four values: x = (v - lo) * inv_width; below 0 is slot
 * 0, from VS_HIST_BUCKETS on the top slot, else trunc(x) + 1.  Clamping x
 * to [-1, VS_HIST_BUCKETS] first gives exactly those with one truncation. */
static inline __attribute__((always_inline)) void slots4(const v4d *v, const double *lo,
                                                         const double *inv, v4s *out)
{
    v4d l, w;
    memcpy(&l, lo, sizeof l);
    memcpy(&w, inv, sizeof w);
    v4d x = (*v - l) * w;
    const v4d below = {-1.0, -1.0, -1.0, -1.0};
    const v4d top = {VS_HIST_BUCKETS, VS_HIST_BUCKETS, VS_HIST_BUCKETS, VS_HIST_BUCKETS};
    const v4d zero = {0.0, 0.0, 0.0, 0.0};
    v4i lt = (v4i)(x < zero), ge = (v4i)(x >= top), xb, bb, tb;
    memcpy(&xb, &x, sizeof xb);
    memcpy(&bb, &below, sizeof bb);
    memcpy(&tb, &top, sizeof tb);
    xb = (lt & bb) | (ge & tb) | (~(lt | ge) & xb);
    memcpy(&x, &xb, sizeof x);
    *out = __builtin_convertvector(x, v4s) + 1;
}

/* One iteration's allocations of every column, four columns at a time:
 * the block's sums (psum) and loss counts, and the histogram slots into
 * row i of the block.  Only for allocations in [0, FAST_MAX).  Same
 * results as the scalar loops of record, which finish each variant's last
 * columns. */
VS_SIMD_CLONES
static void record_fast(const sim *s, worker *w, size_t i)
{
    size_t nc = s->nc, ncol = s->ncol;
    const int64_t *alloc = w->out->alloc;
    const int64_t *base = alloc + (size_t)s->baseline * nc;
    const double *lo = s->scale + SCALE_LO * ncol, *inv = s->scale + SCALE_INV * ncol;
    const double *dlo = s->scale + SCALE_DLO * ncol, *dinv = s->scale + SCALE_DINV * ncol;
    for (size_t v = 0; v < s->nv; v++) {
        int is_base = (int)v == s->baseline;
        size_t c = 0, j = v * nc;
        for (; c + 4 <= nc; c += 4, j += 4) {
            v4i a, b, t;
            v4i_load(&a, alloc + j);
            v4i_load(&b, base + c);
            v4i_load(&t, w->psum + j);
            t += a;
            memcpy(w->psum + j, &t, sizeof t);
            v4i_load(&t, w->losses + j);
            t -= (v4i)(a < b); /* true is -1 */
            memcpy(w->losses + j, &t, sizeof t);
            v4d av, dv;
            v4s s0, s1 = {0, 0, 0, 0};
            vs_v4_i2d(&a, &av);
            slots4(&av, lo + j, inv + j, &s0);
            if (!is_base) {
                v4i d = a - b;
                vs_v4_i2d(&d, &dv);
                slots4(&dv, dlo + j, dinv + j, &s1);
            }
            if (j % SLOT_TILE <= SLOT_TILE - 4) {
                /* the four columns' slot pairs lie side by side in one
                 * tile row: interleave and store them at once */
                v4h h0 = __builtin_convertvector(s0, v4h);
                v4h h1 = __builtin_convertvector(s1, v4h);
                v8h pairs = __builtin_shufflevector(h0, h1, 0, 4, 1, 5, 2, 6, 3, 7);
                memcpy(s->block + slot_at(j, i), &pairs, sizeof pairs);
            } else {
                for (int l = 0; l < 4; l++) {
                    uint16_t *slot = s->block + slot_at(j + (size_t)l, i);
                    slot[0] = (uint16_t)s0[l];
                    slot[1] = (uint16_t)s1[l];
                }
            }
        }
        for (; c < nc; c++, j++) {
            int64_t a = alloc[j];
            w->psum[j] += a;
            w->losses[j] += a < base[c];
            uint16_t *slot = s->block + slot_at(j, i);
            slot[0] = (uint16_t)vs_hist_slot(lo[j], inv[j], (double)a);
            slot[1] = is_base ? 0 : (uint16_t)vs_hist_slot(dlo[j], dinv[j], (double)(a - base[c]));
        }
    }
}

/* Whether every allocation of the iteration is in [0, FAST_MAX): each is
 * at most its variant's total (allocations are never negative). */
static int allocations_small(const sim *s, const vs_outcome *out)
{
    for (size_t v = 0; v < s->nv; v++)
        if (out->total[v] >= FAST_MAX)
            return 0;
    return 1;
}

/* Move the worker's block sums into its 128-bit sums. */
static void flush_psum(sim *s, worker *w)
{
    for (size_t j = 0; j < s->ncol; j++) {
        w->sums[j] += w->psum[j];
        w->psum[j] = 0;
    }
}

/* Add iteration k's allocations to the worker's sums and loss counts, and
 * keep them exactly or write their slots into row i of the block. */
static void record(sim *s, worker *w, long i, long k)
{
    if (k > s->exact_cap && allocations_small(s, w->out)) {
        record_fast(s, w, (size_t)i);
        return;
    }
    size_t nc = s->nc;
    const int64_t *alloc = w->out->alloc;
    const int64_t *base = alloc + (size_t)s->baseline * nc;
    for (size_t v = 0; v < s->nv; v++)
        for (size_t c = 0, j = v * nc; c < nc; c++, j++) {
            w->sums[j] += alloc[j];
            w->losses[j] += alloc[j] < base[c];
        }
    if (k <= s->exact_cap) {
        /* A scattered write per column, but only for the pilot or a run
         * small enough to keep every value. */
        size_t cap = (size_t)s->exact_cap;
        for (size_t j = 0; j < s->ncol; j++)
            s->cvals[j * cap + (size_t)(k - 1)] = alloc[j];
        return;
    }
    size_t ncol = s->ncol;
    for (size_t v = 0; v < s->nv; v++) {
        int is_base = (int)v == s->baseline;
        for (size_t c = 0; c < nc; c++) {
            size_t j = v * nc + c;
            int64_t a = alloc[j];
            uint16_t *slot = s->block + slot_at(j, (size_t)i);
            slot[0] = (uint16_t)vs_hist_slot(s->scale[SCALE_LO * ncol + j],
                                             s->scale[SCALE_INV * ncol + j], (double)a);
            slot[1] = is_base ? 0
                : (uint16_t)vs_hist_slot(s->scale[SCALE_DLO * ncol + j],
                                         s->scale[SCALE_DINV * ncol + j], (double)(a - base[c]));
        }
    }
}

/* Clear flags[v] for every variant whose allocation in `out` is more than
 * 1 öre from the baseline's at some centre.  A variant already cleared is
 * skipped, so after the first iteration that tells them apart this costs
 * almost nothing. */
static void note_differences(const vs_outcome *out, size_t nv, size_t nc,
                             int baseline, int *flags)
{
    const vs_ore *base = out->alloc + (size_t)baseline * nc;
    for (size_t v = 0; v < nv; v++) {
        if (!flags[v] || (int)v == baseline)
            continue;
        const vs_ore *a = out->alloc + v * nc;
        for (size_t c = 0; c < nc; c++)
            if (a[c] - base[c] > 1 || base[c] - a[c] > 1) {
                flags[v] = 0;
                break;
            }
    }
}

/* Phase 1: this worker's iterations of the block. */
static void block_eval(sim *s, worker *w)
{
    size_t stride = s->nv * VS_STAT_COUNT;
    w->fail_k = -1;
    long i0 = s->block_len * w->id / s->threads;
    long i1 = s->block_len * (w->id + 1) / s->threads;
    for (long i = i0; i < i1; i++) {
        long k = s->block_start + i;
        if (eval_iteration(s, w, k, s->draws + (size_t)(k - 1) * stride) != VS_OK) {
            w->fail_k = k;
            break;
        }
        for (size_t r = 0; r < w->out->n_rules; r++) {
            unsigned kinds = w->out->shortfalls[r].kinds;
            w->sf_draws[r] += kinds != 0;
            w->sf_kinds[r] |= kinds;
        }
        note_differences(w->out, s->nv, s->nc, s->baseline, w->nodiff);
        if (s->centre_stats)
            record(s, w, i, k);
    }
    if (s->centre_stats)
        flush_psum(s, w); /* at most a block's sums: no int64 overflow */
}

/* Phase 2: count the block's slots into this worker's range of columns'
 * histograms, tile by tile (see slot_at).  A block is all exact or all
 * slots: the pilot is a whole number of blocks. */
static void block_fold(sim *s, worker *w)
{
    if (!s->centre_stats || s->block_start <= s->exact_cap)
        return;
    size_t j0 = s->ncol * (size_t)w->id / (size_t)s->threads;
    size_t j1 = s->ncol * (size_t)(w->id + 1) / (size_t)s->threads;
    size_t n = (size_t)s->block_len;
    const uint16_t *slots = s->block;
    size_t bj0 = (size_t)s->baseline * s->nc, bj1 = bj0 + s->nc;
    for (size_t jt = j0; jt < j1; jt = (jt / SLOT_TILE + 1) * SLOT_TILE) {
        size_t jend = (jt / SLOT_TILE + 1) * SLOT_TILE;
        jend = jend < j1 ? jend : j1;
        for (size_t i = 0; i < n; i++) {
            const uint16_t *row = slots + slot_at(jt, i);
            for (size_t j = jt; j < jend; j++, row += 2) {
                s->hist[2 * j].b[row[0]]++;
                if (j < bj0 || j >= bj1)
                    s->hist[2 * j + 1].b[row[1]]++;
            }
        }
    }
}

/* After the pilot: calibrate each column's histograms on the pilot's
 * values, feed them in and free the pilot.  Depends only on the first
 * VS_SIM_PILOT iterations, never on the thread count. */
static int calibrate(sim *s)
{
    size_t P = (size_t)s->exact_cap;
    double *tmp = malloc(P * sizeof *tmp);
    if (!tmp)
        return VS_ENOMEM;
    size_t b = (size_t)s->baseline;
    for (size_t j = 0; j < s->ncol; j++) {
        size_t v = j / s->nc, c = j % s->nc;
        const int64_t *a = s->cvals + j * P, *base = s->cvals + (b * s->nc + c) * P;
        for (size_t k = 0; k < P; k++)
            tmp[k] = (double)a[k];
        vs_hist_init(&s->hist[2 * j], tmp, P);
        for (size_t k = 0; k < P; k++)
            vs_hist_add(&s->hist[2 * j], tmp[k]);
        s->scale[SCALE_LO * s->ncol + j] = s->hist[2 * j].lo;
        s->scale[SCALE_INV * s->ncol + j] = s->hist[2 * j].inv_width;
        if (v == b)
            continue;
        for (size_t k = 0; k < P; k++)
            tmp[k] = (double)(a[k] - base[k]);
        vs_hist_init(&s->hist[2 * j + 1], tmp, P);
        for (size_t k = 0; k < P; k++)
            vs_hist_add(&s->hist[2 * j + 1], tmp[k]);
        s->scale[SCALE_DLO * s->ncol + j] = s->hist[2 * j + 1].lo;
        s->scale[SCALE_DINV * s->ncol + j] = s->hist[2 * j + 1].inv_width;
    }
    free(tmp);
    /* The pilot has done its job: every later value goes to the
     * histograms, and the summaries read them (n > exact_cap). */
    free(s->cvals);
    s->cvals = NULL;
    return VS_OK;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    sim *s = w->sim;
    pthread_mutex_lock(&s->gate_lock);
    while (!s->gate_open)
        pthread_cond_wait(&s->gate_cond, &s->gate_lock);
    pthread_mutex_unlock(&s->gate_lock);
    for (;;) {
        pthread_barrier_wait(&s->go);
        if (s->quit)
            return NULL;
        block_eval(s, w);
        pthread_barrier_wait(&s->done);
        pthread_barrier_wait(&s->go);
        if (!s->block_failed)
            block_fold(s, w);
        pthread_barrier_wait(&s->done);
    }
}

/* Whether an iteration of the block failed: its worker stopped there, so
 * its later rows hold no slots, and the block must not be folded (the run
 * ends with the error anyway). */
static int any_failed(const sim *s)
{
    for (int t = 0; t < s->threads; t++)
        if (s->w[t].fail_k >= 0)
            return 1;
    return 0;
}

/* Run one block on every worker (the main thread is worker 0). */
static void run_block(sim *s)
{
    worker *w0 = &s->w[0];
    pthread_barrier_wait(&s->go);
    block_eval(s, w0);
    pthread_barrier_wait(&s->done);
    s->block_failed = any_failed(s); /* the others wait at go */
    pthread_barrier_wait(&s->go);
    if (!s->block_failed)
        block_fold(s, w0);
    pthread_barrier_wait(&s->done);
}

static void worker_free(worker *w)
{
    vs_draw_free(w->draw);
    vs_ws_free(w->ws);
    vs_outcome_free(w->out);
    vs_metric_ws_free(w->mws);
    free(w->sums);
    free(w->psum);
    free(w->losses);
    free(w->sf_draws);
    free(w->sf_kinds);
    free(w->nodiff);
    vs_err_free(&w->err);
}

static int worker_init(sim *s, worker *w, int id)
{
    w->sim = s;
    w->id = id;
    vs_err_init(&w->err);
    w->draw = vs_draw_alloc(s->sc);
    w->ws = vs_ws_alloc(s->nc);
    w->out = vs_outcome_alloc(s->sc);
    w->mws = vs_metric_ws_alloc(s->nc);
    w->sums = calloc(s->ncol ? s->ncol : 1, sizeof *w->sums);
    w->psum = calloc(s->ncol ? s->ncol : 1, sizeof *w->psum);
    w->losses = calloc(s->ncol ? s->ncol : 1, sizeof *w->losses);
    size_t nr = w->out && w->out->n_rules ? w->out->n_rules : 1;
    w->sf_draws = calloc(nr, sizeof *w->sf_draws);
    w->sf_kinds = calloc(nr, sizeof *w->sf_kinds);
    w->nodiff = malloc((s->nv ? s->nv : 1) * sizeof *w->nodiff);
    if (w->nodiff)
        for (size_t v = 0; v < s->nv; v++)
            w->nodiff[v] = 1;
    return w->draw && w->ws && w->out && w->mws && w->sums && w->psum &&
                   w->losses && w->sf_draws && w->sf_kinds && w->nodiff
               ? VS_OK : VS_ENOMEM;
}

/* Move iteration 0's rule records from worker w (its steps, which later
 * iterations need not keep, and its shortfalls) into res. */
static int keep_point_rules(worker *w, vs_results *res)
{
    const vs_outcome *o = w->out;
    size_t nr = o->n_rules, nv = o->n_variants ? o->n_variants : 1;
    res->n_rules = nr;
    res->rule_base = malloc(nv * sizeof *res->rule_base);
    res->shortfalls = calloc(nr ? nr : 1, sizeof *res->shortfalls);
    if (!res->rule_base || !res->shortfalls)
        return VS_ENOMEM;
    memcpy(res->rule_base, o->rule_base, nv * sizeof *res->rule_base);
    for (size_t r = 0; r < nr; r++) {
        const vs_shortfall *sf = &o->shortfalls[r];
        res->shortfalls[r] = (vs_shortfall_sum){sf->amount, sf->kinds,
                                                sf->eligible, sf->kinds, 0};
    }
    res->steps = w->out->steps;
    w->out->steps = NULL;
    return VS_OK;
}

void vs_results_free(vs_results *r)
{
    if (!r)
        return;
    free(r->stats);
    free(r->centres);
    free(r->point_listed);
    free(r->point_cni);
    free(r->point_need);
    free(r->draws);
    free(r->rule_base);
    free(r->shortfalls);
    free(r->steps);
    free(r->no_difference);
    free(r);
}

static int cmp_stat_better(int stat_id, double v, double b)
{
    return vs_metric_is_better((vs_metric)stat_id, v, b);
}

void vs_sim_summarise(const double *values, const double *base, long n,
                      double point, double base_point, int stat_id,
                      double *scratch, vs_stat *out)
{
    int money = stat_id >= VS_M_COUNT;
    out->point = point;
    out->diff_mean = out->p_better = NAN;
    if (n == 0) {
        /* -n 0: the summaries repeat the point estimate. */
        out->n = isnan(point) ? 0 : 1;
        out->mean = out->p05 = out->p50 = out->p95 = point;
        out->sd = out->mcse = isnan(point) ? NAN : 0.0;
        if (base && !isnan(point) && !isnan(base_point)) {
            out->diff_mean = point - base_point;
            if (!money)
                out->p_better = cmp_stat_better(stat_id, point, base_point);
        }
        return;
    }
    long m = 0;
    double sum = 0, x0 = NAN;
    for (long k = 0; k < n; k++)
        if (!isnan(values[k])) {
            if (m == 0)
                x0 = values[k];
            scratch[m++] = values[k];
            sum += values[k] - x0;
        }
    out->n = m;
    if (m == 0) {
        out->mean = out->sd = out->p05 = out->p50 = out->p95 = out->mcse = NAN;
    } else {
        /* Summed as offsets from the first value: a metric that never
         * changes then has exactly its value as mean and sd 0, not a
         * rounding residue of 1e-22 that reads as uncertainty. */
        double mean = x0 + sum / (double)m, ss = 0;
        for (long k = 0; k < m; k++)
            ss += (scratch[k] - mean) * (scratch[k] - mean);
        out->mean = mean;
        out->sd = m > 1 ? sqrt(ss / (double)(m - 1)) : NAN;
        out->mcse = m > 1 ? out->sd / sqrt((double)m) : NAN;
        static const double ps[3] = {0.05, 0.50, 0.95};
        double q[3];
        vs_quantiles_double(scratch, (size_t)m, ps, 3, q);
        out->p05 = q[0], out->p50 = q[1], out->p95 = q[2];
    }
    if (base) {
        long both = 0, better = 0;
        double dsum = 0;
        for (long k = 0; k < n; k++) {
            if (isnan(values[k]) || isnan(base[k]))
                continue;
            both++;
            dsum += values[k] - base[k];
            if (!money && cmp_stat_better(stat_id, values[k], base[k]))
                better++;
        }
        if (both > 0) {
            out->diff_mean = dsum / (double)both;
            if (!money)
                out->p_better = (double)better / (double)both;
        }
    }
}

/* True when every statistic's mcse is below R |mean| (means of 0 ignored). */
static int converged(sim *s, long n, double r, double *col, double *scratch)
{
    size_t stride = s->nv * VS_STAT_COUNT;
    for (size_t v = 0; v < s->nv; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            for (long k = 0; k < n; k++)
                col[k] = s->draws[(size_t)k * stride + v * VS_STAT_COUNT + (size_t)m];
            vs_stat st;
            vs_sim_summarise(col, NULL, n, NAN, NAN, m, scratch, &st);
            if (isnan(st.mean) || st.mean == 0.0)
                continue;
            if (isnan(st.mcse) || !(st.mcse < r * fabs(st.mean)))
                return 0;
        }
    return 1;
}

static int grow_draws(sim *s, long need)
{
    if (need <= s->draws_cap)
        return VS_OK;
    long cap = s->draws_cap ? s->draws_cap : VS_SIM_PRECISION_BLOCK;
    while (cap < need)
        cap *= 2;
    if (cap > s->opts->iterations)
        cap = s->opts->iterations;
    double *p = realloc(s->draws, (size_t)cap * s->nv * VS_STAT_COUNT * sizeof *p);
    if (!p)
        return VS_ENOMEM;
    s->draws = p;
    s->draws_cap = cap;
    return VS_OK;
}

/* What the summary jobs share. */
typedef struct sum_ctx {
    sim *s;
    const vs_outcome *pt;
    const double *prow;
    long n;
    vs_results *res;
    int status;
} sum_ctx;

/* Region-level summaries of items [lo, hi) (item = variant x stat). */
static int summarise_stats(sum_ctx *x, size_t lo, size_t hi)
{
    sim *s = x->s;
    size_t stride = s->nv * VS_STAT_COUNT, b = (size_t)s->baseline;
    long n = x->n, len = n > 0 ? n : 1;
    double *col = malloc((size_t)len * 3 * sizeof *col);
    if (!col)
        return VS_ENOMEM;
    double *bcol = col + len, *scratch = col + 2 * len;
    for (size_t it = lo; it < hi; it++) {
        size_t v = it / VS_STAT_COUNT, m = it % VS_STAT_COUNT;
        for (long k = 0; k < n; k++) {
            col[k] = s->draws[(size_t)k * stride + v * VS_STAT_COUNT + m];
            bcol[k] = s->draws[(size_t)k * stride + b * VS_STAT_COUNT + m];
        }
        vs_sim_summarise(col, v == b ? NULL : bcol, n,
                         x->prow[v * VS_STAT_COUNT + m],
                         x->prow[b * VS_STAT_COUNT + m], (int)m, scratch,
                         &x->res->stats[it]);
    }
    free(col);
    return VS_OK;
}

/* Per-centre summaries of columns [lo, hi) (column = variant x centre). */
static int summarise_centres(sum_ctx *x, size_t lo, size_t hi)
{
    static const double ps[2] = {0.05, 0.95};
    sim *s = x->s;
    size_t nc = s->nc, b = (size_t)s->baseline;
    long n = x->n;
    int64_t *ibuf = malloc((size_t)(n > 0 ? n : 1) * sizeof *ibuf);
    if (!ibuf)
        return VS_ENOMEM;
    for (size_t j = lo; j < hi; j++) {
        size_t v = j / nc, c = j % nc;
        vs_centre_stat *cs = &x->res->centres[j];
        vs_ore a0 = x->pt->alloc[j], b0 = x->pt->alloc[b * nc + c];
        double q[2];
        cs->point = a0;
        if (!s->centre_stats) {
            cs->mean = cs->p05 = cs->p95 = cs->p_loss = NAN;
            cs->change_p05 = cs->change_p95 = NAN;
            continue;
        }
        if (n == 0) {
            cs->mean = cs->p05 = cs->p95 = (double)a0;
            cs->p_loss = v == b ? NAN : (a0 < b0 ? 1.0 : 0.0);
            cs->change_p05 = cs->change_p95 = v == b ? NAN : (double)(a0 - b0);
            continue;
        }
        cs->mean = (double)s->sums[j] / (double)n;
        cs->p_loss = v == b ? NAN : (double)s->losses[j] / (double)n;
        cs->change_p05 = cs->change_p95 = NAN;
        if (n <= s->exact_cap) {
            const int64_t *vals = s->cvals + j * (size_t)s->exact_cap;
            const int64_t *bvals = s->cvals + (b * nc + c) * (size_t)s->exact_cap;
            memcpy(ibuf, vals, (size_t)n * sizeof *ibuf);
            vs_quantiles_int64(ibuf, (size_t)n, ps, 2, q);
            cs->p05 = q[0], cs->p95 = q[1];
            if (v != b) {
                for (long k = 0; k < n; k++)
                    ibuf[k] = vals[k] - bvals[k];
                vs_quantiles_int64(ibuf, (size_t)n, ps, 2, q);
                cs->change_p05 = q[0], cs->change_p95 = q[1];
            }
        } else {
            cs->p05 = vs_hist_quantile(&s->hist[2 * j], 0.05);
            cs->p95 = vs_hist_quantile(&s->hist[2 * j], 0.95);
            if (v != b) {
                cs->change_p05 = vs_hist_quantile(&s->hist[2 * j + 1], 0.05);
                cs->change_p95 = vs_hist_quantile(&s->hist[2 * j + 1], 0.95);
            }
        }
    }
    free(ibuf);
    return VS_OK;
}

typedef struct sum_job {
    sum_ctx *x;
    int part, parts;
    int status;
    pthread_t thread;
} sum_job;

/* One thread's share of both summary loops.  Every item is computed from
 * its own column only, so the split does not change any result. */
static void *sum_job_main(void *arg)
{
    sum_job *jb = arg;
    sim *s = jb->x->s;
    size_t ns = s->nv * VS_STAT_COUNT;
    size_t p = (size_t)jb->part, P = (size_t)jb->parts;
    jb->status = summarise_stats(jb->x, ns * p / P, ns * (p + 1) / P);
    if (jb->status == VS_OK)
        jb->status = summarise_centres(jb->x, s->ncol * p / P, s->ncol * (p + 1) / P);
    return NULL;
}

/* Fill the results from the point outcome and the accumulators, spreading
 * the quantile selections over the run's threads. */
static int summarise(sim *s, const vs_outcome *pt, const double *prow,
                     const vs_draw *pin, long n, vs_results *res)
{
    size_t nv = s->nv, nc = s->nc;
    sum_ctx x = {s, pt, prow, n, res, VS_OK};
    int parts = s->threads;
    sum_job *jobs = calloc((size_t)parts, sizeof *jobs);
    double *rem = malloc((nc ? nc : 1) * sizeof *rem);
    size_t *idx = malloc((nc ? nc : 1) * sizeof *idx);
    double *need = malloc((nc ? nc : 1) * sizeof *need);
    vs_ore *fair = malloc((nc ? nc : 1) * sizeof *fair);
    int st = VS_OK;
    if (!jobs || !rem || !idx || !need || !fair) {
        st = VS_ENOMEM;
        goto out;
    }
    for (int t = 0; t < parts; t++)
        jobs[t] = (sum_job){&x, t, parts, VS_OK, 0};
    int started = 0; /* jobs 1..started run on their own threads */
    while (started + 1 < parts &&
           pthread_create(&jobs[started + 1].thread, NULL, sum_job_main,
                          &jobs[started + 1]) == 0)
        started++;
    for (int t = started + 1; t < parts; t++) /* threads refused: run here */
        sum_job_main(&jobs[t]);
    sum_job_main(&jobs[0]);
    for (int t = 1; t <= started; t++)
        pthread_join(jobs[t].thread, NULL);
    for (int t = 0; t < parts; t++)
        if (jobs[t].status != VS_OK)
            st = jobs[t].status;

    /* Fair shares: the variant's total by the scenario's need, to the
     * öre; undefined (empty cells) when no centre has need, or when a
     * need is beyond a double (no share of it means anything then). */
    double N = 0;
    int finite = 1;
    for (size_t c = 0; c < nc; c++) {
        need[c] = pin->need[c];
        finite &= need[c] <= DBL_MAX;
        N += need[c];
    }
    res->fair_share_defined = N > 0 && finite;
    for (size_t v = 0; v < nv; v++) {
        if (!res->fair_share_defined)
            memset(fair, 0, nc * sizeof *fair);
        else
            vs_money_apportion(pt->total[v], need, nc, fair, rem, idx);
        for (size_t c = 0; c < nc; c++)
            res->centres[v * nc + c].fair_share = fair[c];
    }
    for (size_t c = 0; c < nc; c++) {
        res->point_listed[c] = pin->listed[c];
        res->point_cni[c] = pin->cni[c];
        res->point_need[c] = pin->need[c];
    }
out:
    free(jobs), free(rem), free(idx), free(need), free(fair);
    return st;
}

static void sim_free(sim *s)
{
    pthread_mutex_destroy(&s->gate_lock);
    pthread_cond_destroy(&s->gate_cond);
    if (s->w) {
        for (int t = 0; t < s->n_workers; t++)
            worker_free(&s->w[t]);
        free(s->w);
    }
    free(s->draws);
    free(s->cvals);
    free(s->hist);
    free(s->scale);
    free(s->sums);
    free(s->losses);
    free(s->block);
}

int vs_sim_run(const vs_scenario *sc, const vs_sim_opts *opts,
               vs_results **out, vs_err *err)
{
    vs_provenance prov;
    double t0 = vs_provenance_begin(&prov, sc->file, opts->seed,
                                    opts->iterations, 0);
    *out = NULL;
    if (opts->iterations > VS_SIM_MAX_ITERATIONS)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "%ld iterations asked for; at most %ld", opts->iterations,
                          VS_SIM_MAX_ITERATIONS);
    sim s;
    memset(&s, 0, sizeof s);
    s.sc = sc;
    s.opts = opts;
    s.nv = sc->n_variants;
    s.nc = sc->n_centres;
    s.ncol = s.nv * s.nc;
    s.baseline = sc->baseline;
    s.threads = opts->threads > 0 ? opts->threads : 1;
    pthread_mutex_init(&s.gate_lock, NULL);
    pthread_cond_init(&s.gate_cond, NULL);
    long nmax = opts->iterations > 0 ? opts->iterations : 0;
    if (s.threads > 1 && nmax < s.threads)
        s.threads = nmax > 0 ? (int)nmax : 1;

    int st = VS_ENOMEM;
    vs_results *res = calloc(1, sizeof *res);
    s.w = calloc((size_t)s.threads, sizeof *s.w);
    if (!res || !s.w)
        goto fail;
    s.n_workers = s.threads;
    for (int t = 0; t < s.threads; t++)
        if (worker_init(&s, &s.w[t], t) != VS_OK)
            goto fail;
    res->n_variants = s.nv;
    res->n_centres = s.nc;
    res->threads = s.threads;
    res->stats = calloc(s.nv * VS_STAT_COUNT, sizeof *res->stats);
    res->centres = calloc(s.ncol ? s.ncol : 1, sizeof *res->centres);
    res->point_listed = calloc(s.nc ? s.nc : 1, sizeof(double));
    res->point_cni = calloc(s.nc ? s.nc : 1, sizeof(double));
    res->point_need = calloc(s.nc ? s.nc : 1, sizeof(double));
    res->no_difference = calloc(s.nv ? s.nv : 1, sizeof *res->no_difference);
    s.sums = calloc(s.ncol ? s.ncol : 1, sizeof *s.sums);
    s.losses = calloc(s.ncol ? s.ncol : 1, sizeof *s.losses);
    if (!res->stats || !res->centres || !res->point_listed || !res->point_cni ||
        !res->point_need || !res->no_difference || !s.sums || !s.losses)
        goto fail;

    /* Iteration 0: the point estimate, on worker 0's buffers. */
    double *prow = calloc(s.nv * VS_STAT_COUNT, sizeof *prow);
    vs_outcome *pt = vs_outcome_alloc(sc);
    vs_draw *pin = vs_draw_alloc(sc);
    if (!prow || !pt || !pin) {
        free(prow), vs_outcome_free(pt), vs_draw_free(pin);
        goto fail;
    }
    /* Its evaluation records each rule's change (explain.csv). */
    if (vs_outcome_keep_steps(s.w[0].out) != VS_OK) {
        free(prow), vs_outcome_free(pt), vs_draw_free(pin);
        goto fail;
    }
    st = eval_iteration(&s, &s.w[0], 0, prow);
    if (st == VS_OK)
        st = keep_point_rules(&s.w[0], res);
    if (st != VS_OK) {
        vs_err_merge(err, &s.w[0].err);
        free(prow), vs_outcome_free(pt), vs_draw_free(pin);
        goto fail;
    }
    note_differences(s.w[0].out, s.nv, s.nc, s.baseline, s.w[0].nodiff);
    memcpy(pt->alloc, s.w[0].out->alloc, s.ncol * sizeof *pt->alloc);
    memcpy(pt->total, s.w[0].out->total, s.nv * sizeof *pt->total);
    vs_draw_fill(sc, opts->seed, 0, pin);

    /* Per-centre quantiles: exact while iterations x columns fit the
     * limit (or the run is no longer than the pilot, kept exactly anyway);
     * else the first VS_SIM_PILOT iterations are kept exactly and
     * calibrate one histogram per column (see quantile.h). */
    long limit = opts->exact_limit > 0 ? opts->exact_limit : VS_SIM_EXACT_LIMIT;
    s.exact = (double)nmax * (double)s.ncol <= (double)limit || nmax <= VS_SIM_PILOT;
    s.exact_cap = s.exact ? nmax : VS_SIM_PILOT;
    st = VS_ENOMEM;
    s.centre_stats = !opts->region_only;
    if (nmax > 0 && s.ncol > 0 && s.centre_stats) {
        s.cvals = malloc((size_t)s.exact_cap * s.ncol * sizeof *s.cvals);
        if (!s.cvals)
            goto fail_point;
        if (!s.exact && (!(s.hist = big_alloc(2 * s.ncol * sizeof *s.hist)) ||
                         !(s.scale = calloc(4 * s.ncol, sizeof *s.scale)) ||
                         !(s.block = big_alloc(block_slots(s.ncol) * sizeof *s.block))))
            goto fail_point;
    }

    /* Start the helper threads (the main thread is worker 0).  They wait
     * at a gate until the number that really started is known, so the
     * barriers can count them exactly; results do not depend on it. */
    if (s.threads > 1) {
        int asked = s.threads, started = 0;
        for (int t = 1; t < asked; t++) {
            if (pthread_create(&s.w[t].thread, NULL, worker_main, &s.w[t]) != 0)
                break;
            started++;
        }
        pthread_mutex_lock(&s.gate_lock);
        s.threads = started + 1;
        if (s.threads > 1) {
            pthread_barrier_init(&s.go, NULL, (unsigned)s.threads);
            pthread_barrier_init(&s.done, NULL, (unsigned)s.threads);
        }
        s.gate_open = 1;
        pthread_cond_broadcast(&s.gate_cond);
        pthread_mutex_unlock(&s.gate_lock);
        res->threads = s.threads;
        s.started = started;
    }

    long done = 0;
    st = VS_OK;
    while (done < nmax) {
        long len = nmax - done < VS_SIM_BLOCK ? nmax - done : VS_SIM_BLOCK;
        if (grow_draws(&s, done + len) != VS_OK) {
            st = VS_ENOMEM;
            break;
        }
        s.block_start = done + 1;
        s.block_len = len;
        if (s.threads > 1)
            run_block(&s);
        else {
            block_eval(&s, &s.w[0]);
            if (!any_failed(&s))
                block_fold(&s, &s.w[0]);
        }
        long fail_k = -1;
        int fail_t = -1;
        for (int t = 0; t < s.threads; t++)
            if (s.w[t].fail_k >= 0 && (fail_k < 0 || s.w[t].fail_k < fail_k)) {
                fail_k = s.w[t].fail_k;
                fail_t = t;
            }
        if (fail_k >= 0) {
            vs_err_merge(err, &s.w[fail_t].err);
            vs_err_set(err, VS_ERUN, NULL, 0, "in Monte Carlo iteration %ld",
                       fail_k);
            st = VS_ERUN;
            break;
        }
        done += len;
        if (s.centre_stats && !s.exact && done == s.exact_cap && done < nmax &&
            calibrate(&s) != VS_OK) {
            st = VS_ENOMEM;
            break;
        }
        if (opts->progress)
            opts->progress(opts->progress_ctx, done, nmax);
        if (opts->stop && *opts->stop) {
            st = VS_EINTR;
            break;
        }
        if (opts->precision > 0 && done % VS_SIM_PRECISION_BLOCK == 0) {
            double *tmp = malloc((size_t)done * 2 * sizeof *tmp);
            if (!tmp) {
                st = VS_ENOMEM;
                break;
            }
            int ok = converged(&s, done, opts->precision, tmp, tmp + done);
            free(tmp);
            if (ok) {
                res->converged = 1;
                break;
            }
        }
    }
    if (s.started > 0) {
        s.quit = 1;
        pthread_barrier_wait(&s.go);
        for (int t = 1; t <= s.started; t++)
            pthread_join(s.w[t].thread, NULL);
        pthread_barrier_destroy(&s.go);
        pthread_barrier_destroy(&s.done);
    }
    if (st != VS_OK)
        goto fail_point;

    free(s.block); /* before the summaries, the run's peak of memory */
    s.block = NULL;
    for (int t = 0; t < s.n_workers; t++)
        for (size_t j = 0; j < s.ncol; j++) {
            s.sums[j] += s.w[t].sums[j];
            s.losses[j] += s.w[t].losses[j];
        }
    for (int t = 0; t < s.n_workers; t++)
        for (size_t r = 0; r < res->n_rules; r++) {
            res->shortfalls[r].draws += s.w[t].sf_draws[r];
            res->shortfalls[r].kinds |= s.w[t].sf_kinds[r];
        }
    for (size_t v = 0; v < s.nv; v++) {
        res->no_difference[v] = 1;
        for (int t = 0; t < s.n_workers; t++)
            res->no_difference[v] &= s.w[t].nodiff[v];
    }
    res->iterations = done;
    res->exact_centre_quantiles = done <= s.exact_cap;
    st = summarise(&s, pt, prow, pin, done, res);
    if (st != VS_OK)
        goto fail_point;
    res->draws = s.draws;
    s.draws = NULL;
    prov.threads = s.threads;
    vs_provenance_end(&prov, t0, done);
    res->prov = prov;
    res->wall_seconds = prov.wall_seconds;
    free(prow), vs_outcome_free(pt), vs_draw_free(pin);
    sim_free(&s);
    *out = res;
    return VS_OK;

fail_point:
    free(prow), vs_outcome_free(pt), vs_draw_free(pin);
fail:
    if (st == VS_ENOMEM)
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    sim_free(&s);
    vs_results_free(res);
    return st;
}
