/* sim.c: the Monte Carlo loop, its threads and its summaries.
 *
 * Iterations run in blocks of VS_SIM_BLOCK, each in parts of at most
 * sim.rows iterations (the whole block unless the histogram slots of a
 * block would pass the work limit).  In each part the workers first
 * evaluate its iterations, taking the next one as they come free.  Each
 * adds its iterations' allocations to its own per-centre sums and loss
 * counts (integers, merged at the end, so the split does not matter).
 * While allocations are kept exactly it stores them at their iteration's
 * place; after that it writes one row of the part per iteration: the
 * histogram slot of each allocation and change, found while the
 * allocations are in cache.  After a barrier the workers fold the part's
 * slots into the histograms, taking tiles of (variant, centre) columns as
 * they come free.  Region-level values are kept per iteration and
 * summarised at the end in iteration order, so nothing depends on which
 * thread did what. */
/* madvise(MADV_HUGEPAGE) is outside POSIX (see big_alloc). */
#define _DEFAULT_SOURCE
#include "engine/sim.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/draw.h"
#include "engine/quantile.h"
#include "engine/vecmath.h"

/* The pilot is the first block: a shard that does not own it computes it
 * once to calibrate, and a block is all pilot or all histogram slots. */
_Static_assert(VS_SIM_PILOT == VS_SIM_BLOCK, "the pilot is the first block");
_Static_assert(VS_SIM_PRECISION_BLOCK % VS_SIM_BLOCK == 0,
               "precision checks fall on block ends");
/* Histogram slots are stored as uint16_t. */
_Static_assert(VS_HIST_SLOTS - 1 <= UINT16_MAX, "slots fit uint16_t");

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
    uint8_t *ploss; /* per column: losses of the part so far (record_fast;
                       a part has fewer than 256 iterations), added to
                       losses by flush_psum */
    int64_t *range; /* pilot computed twice (sim.rerun): per column the
                       smallest and largest allocation and change of this
                       worker's pilot iterations (RANGE_*), until calibrate */
    long *sf_draws;     /* per rule: this worker's draws with a shortfall */
    unsigned *sf_kinds; /* per rule: the kinds it saw */
    int *nodiff;        /* per variant: no difference so far (see
                           vs_results.no_difference) */
    long fail_k; /* lowest failing iteration in the block, or -1 */
    vs_err err;
} worker;

/* worker.range: column j's four values at 4 j + RANGE_*. */
enum { RANGE_AMIN, RANGE_AMAX, RANGE_DMIN, RANGE_DMAX, RANGE_N };

typedef struct sim {
    const vs_scenario *sc;
    const vs_sim_opts *opts;
    vs_sim_acc *acc;  /* what the run leaves (engine/sim.h) */
    size_t nv, nc, ncol, stride;
    size_t tpv;    /* slot tiles per variant (see slot_at) */
    int baseline;
    int threads;   /* workers taking part in blocks */
    int n_workers; /* workers allocated */
    worker *w;
    long k0;       /* the range's first iteration */

    /* region-level rows: acc->draws (exact), else the pilot's and the
     * current block's rows, folded into acc->rs (see row_at) */
    double *pilot_rows, *block_rows;
    int counting;   /* 0 while pilot_only computes the pilot to calibrate */
    int pilot_pass; /* pilot_only is running: rows go to pilot_rows */
    int rows_ready; /* pilot_only has left the pilot's rows in pilot_rows:
                       its iterations are evaluated again for the
                       per-centre values only */

    /* per-centre accumulators, one column per (variant, centre).  The
     * iterations kept_lo .. kept_lo + kept_n - 1 are kept exactly (the
     * range's when they fit, acc->cvals; else the pilot that calibrates
     * the histograms, while it takes at most the work limit). */
    int centre_stats; /* 0: region-level statistics only */
    int exact;
    int rerun;        /* histograms with a pilot too big to keep: pilot_only
                         finds each column's range (worker.range), then the
                         pilot's iterations run again to be counted (an
                         iteration's values depend only on seed and k) */
    int calibrated;   /* the histograms have their ranges */
    long kept_lo, kept_n;
    int64_t *kept;    /* column j at kept + j * kept_n */
    vs_chist *hist;   /* acc->hist */
    /* The histogram slots of `rows` iterations (a part of the block that
     * the fold takes at once), laid out as slot_at says. */
    uint16_t *block;
    long rows;
    long block_start, block_len; /* the block */
    long part_off, part_len;     /* its part being evaluated and folded */
    /* The next iteration of the part to evaluate and the next tile of
     * columns to fold: workers take them as they come free, so a worker
     * the machine slows does not hold the others at the barrier.  On
     * cache lines of their own: the fields above are read in every
     * iteration. */
    _Alignas(64) atomic_long next_iter;
    _Alignas(64) atomic_size_t next_tile;
    char next_pad[64 - sizeof(atomic_size_t)];
    pthread_barrier_t go, done;
    pthread_mutex_t gate_lock;
    pthread_cond_t gate_cond;
    int gate_open, started, quit;
    int block_failed; /* set between the phases: skip the fold */
} sim;

/* The histograms (14 MB for the national bench) and the block (7 MB) are
 * read and written all over in every block; in 4 KB pages that is
 * thousands of pages and a TLB miss on most accesses.  Ask Linux for 2 MB
 * pages (transparent huge pages, where set to "madvise") over the 2 MB
 * pages the block spans; elsewhere, or if refused, they are plain memory.
 * Zeroed by calloc: a block this large is fresh pages from the kernel,
 * zero already, so no memset runs on the main thread before the workers
 * start (it was most of the serial work of a run with threads); each page
 * is zeroed when first touched, by the worker that touches it. */
#define HUGE_PAGE ((size_t)2 << 20)

static void *big_alloc(size_t bytes)
{
    size_t size = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    char *p = size ? calloc(1, size) : NULL;
    if (!p)
        return NULL;
#ifdef MADV_HUGEPAGE
    uintptr_t at = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (at < (uintptr_t)p + size)
        (void)madvise((void *)at, (uintptr_t)p + size - at, MADV_HUGEPAGE); /* advice only */
#endif
    return p;
}

/* ---- per-centre histograms (engine/sim.h) ------------------------------ */

int vs_chist_alloc(vs_chist *h, size_t n, long iterations)
{
    memset(h, 0, sizeof *h);
    h->n = n;
    h->wide = iterations > VS_CHIST16_MAX;
    size_t m = n ? n : 1;
    h->lo = calloc(m, sizeof *h->lo);
    h->width = calloc(m, sizeof *h->width);
    h->inv = calloc(m, sizeof *h->inv);
    if (h->wide)
        h->c32 = big_alloc(m * VS_HIST_SLOTS * sizeof *h->c32);
    else
        h->c16 = big_alloc(m * VS_HIST_SLOTS * sizeof *h->c16);
    if (!h->lo || !h->width || !h->inv || (!h->c32 && !h->c16)) {
        vs_chist_free(h);
        return VS_ENOMEM;
    }
    return VS_OK;
}

void vs_chist_free(vs_chist *h)
{
    free(h->lo);
    free(h->width);
    free(h->inv);
    free(h->c16);
    free(h->c32);
    memset(h, 0, sizeof *h);
}

double vs_chist_quantile(const vs_chist *h, size_t k, double p)
{
    size_t at = k * VS_HIST_SLOTS;
    return h->wide
        ? vs_hist_quantile_of(h->c32 + at, VS_HIST_BUCKETS, h->lo[k], h->width[k], p)
        : vs_hist_quantile_of16(h->c16 + at, VS_HIST_BUCKETS, h->lo[k], h->width[k], p);
}

/* Counts of 32 bits from here on (a join past VS_CHIST16_MAX values). */
static int chist_widen(vs_chist *h)
{
    if (h->wide)
        return VS_OK;
    uint32_t *c = big_alloc((h->n ? h->n : 1) * VS_HIST_SLOTS * sizeof *c);
    if (!c)
        return VS_ENOMEM;
    for (size_t i = 0; i < h->n * VS_HIST_SLOTS; i++)
        c[i] = h->c16[i];
    free(h->c16);
    h->c16 = NULL;
    h->c32 = c;
    h->wide = 1;
    return VS_OK;
}

/* Add y's counts to x's (x's ranges taken from y when `take`), x wide
 * enough for `total` values; VS_ENOMEM. */
static int chist_add(vs_chist *x, const vs_chist *y, int take, long total)
{
    if ((total > VS_CHIST16_MAX || y->wide) && chist_widen(x) != VS_OK)
        return VS_ENOMEM;
    if (take) {
        memcpy(x->lo, y->lo, x->n * sizeof *x->lo);
        memcpy(x->width, y->width, x->n * sizeof *x->width);
        memcpy(x->inv, y->inv, x->n * sizeof *x->inv);
    }
    size_t m = x->n * VS_HIST_SLOTS;
    if (x->wide && y->wide)
        for (size_t i = 0; i < m; i++)
            x->c32[i] += y->c32[i];
    else if (x->wide)
        for (size_t i = 0; i < m; i++)
            x->c32[i] += y->c16[i];
    else /* both narrow, and the sums fit (total) */
        for (size_t i = 0; i < m; i++)
            x->c16[i] = (uint16_t)(x->c16[i] + y->c16[i]);
    return VS_OK;
}

/* ---- one iteration ------------------------------------------------------ */

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
        vs_metrics_compute_total(mws, out->alloc + v * nc,
                                 (int)v == sc->baseline ? NULL : base,
                                 out->total[v], r);
        r[VS_STAT_TOTAL] = (double)out->total[v];
        r[VS_STAT_UNALLOC] = (double)out->unalloc[v];
    }
}

/* Evaluate iteration k into the worker's outcome and `row` (VS_STAT_COUNT
 * per variant).  When pilot_only has already computed the row (rows_ready)
 * only the evaluation runs, and the row is copied: the same values, since
 * they depend only on the iteration's inputs. */
static int eval_iteration(sim *s, worker *w, long k, double *row)
{
    vs_draw_fill(s->sc, s->opts->seed, (uint64_t)k, w->draw);
    if (!(s->rows_ready && k >= 1 && k <= VS_SIM_PILOT))
        return vs_sim_eval_row(s->sc, w->draw, w->ws, w->out, w->mws, row, &w->err);
    int st = vs_eval_run(s->sc, w->draw, w->ws, w->out, &w->err);
    const double *kept = s->pilot_rows + (size_t)(k - 1) * s->stride;
    if (st == VS_OK && row != kept)
        memcpy(row, kept, s->stride * sizeof *row);
    return st;
}

/* Histogram slots are stored in tiles of SLOT_TILE columns of one
 * variant (tpv = ceil(nc / SLOT_TILE) tiles a variant, the last one
 * partly used, so that four columns from a multiple of four never straddle
 * two tiles): a tile's `rows` rows follow one another, so the fold reads each tile front to
 * back (one cache line per row) and the worker writing an iteration writes
 * whole lines, one per tile.  Both slots of a column sit together (the
 * baseline's change slot is unused). */
enum { SLOT_TILE = 16 };

static size_t slot_at(const sim *s, size_t j, size_t i)
{
    size_t v = j / s->nc, c = j % s->nc;
    return (((v * s->tpv + c / SLOT_TILE) * (size_t)s->rows + i) * SLOT_TILE + c % SLOT_TILE) * 2;
}

static size_t block_slots(const sim *s)
{
    size_t n = s->nv * s->tpv * (size_t)s->rows * SLOT_TILE * 2;
    return n ? n : 1;
}

_Static_assert(VS_SIM_BLOCK < 256, "a part's losses fit worker.ploss");

/* Where variant v's change histograms' lo (or inv) are, indexed by column:
 * from ncol on, the baseline's columns left out (vs_sim_change_hist). */
static size_t change_off(const sim *s, size_t v)
{
    return s->ncol - (v > (size_t)s->baseline ? s->nc : 0);
}

/* Allocations below this take the fast path of record: a block's sums
 * fit int64 (250 x 2^51 < 2^63) and the vector lanes convert them to
 * double exactly (vs_v4_i2d). */
#define FAST_MAX VS_V4_I2D_MAX

typedef vs_v4d v4d;
typedef vs_v4i v4i;
typedef int32_t v4s __attribute__((vector_size(16)));
typedef uint16_t v4h __attribute__((vector_size(8)));
typedef uint16_t v8h __attribute__((vector_size(16)));
typedef uint8_t v4b __attribute__((vector_size(4)));

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
    /* Everything in locals: the stores below (through memcpy) could alias
     * the structs, and the pointers would be loaded again after each. */
    size_t nc = s->nc, nv = s->nv, b = (size_t)s->baseline;
    size_t tile_step = (size_t)s->rows * SLOT_TILE * 2; /* one tile to the next */
    const int64_t *alloc = w->out->alloc;
    const int64_t *base = alloc + b * nc;
    int64_t *psum = w->psum;
    uint8_t *ploss = w->ploss;
    const double *lo = s->hist->lo, *inv = s->hist->inv;
    uint16_t *rowv = s->block + i * SLOT_TILE * 2; /* row i of variant 0's first tile */
    for (size_t v = 0; v < nv; v++, rowv += s->tpv * tile_step) {
        int is_base = v == b;
        const double *dlo = lo + change_off(s, v), *dinv = inv + change_off(s, v);
        size_t c = 0, j = v * nc;
        for (; c + 4 <= nc; c += 4, j += 4) {
            v4i a, bv, t;
            v4i_load(&a, alloc + j);
            v4i_load(&bv, base + c);
            v4i_load(&t, psum + j);
            t += a;
            memcpy(psum + j, &t, sizeof t);
            v4b l;
            memcpy(&l, ploss + j, sizeof l);
            l -= __builtin_convertvector(a < bv, v4b); /* true is -1: 255 */
            memcpy(ploss + j, &l, sizeof l);
            v4d av, dv;
            v4s s0, s1 = {0, 0, 0, 0};
            vs_v4_i2d(&a, &av);
            slots4(&av, lo + j, inv + j, &s0);
            if (!is_base) {
                v4i d = a - bv;
                vs_v4_i2d(&d, &dv);
                slots4(&dv, dlo + j, dinv + j, &s1);
            }
            /* the four columns' slot pairs lie side by side in one tile
             * row (c is a multiple of 4): interleave, store at once */
            v4h h0 = __builtin_convertvector(s0, v4h);
            v4h h1 = __builtin_convertvector(s1, v4h);
            v8h pairs = __builtin_shufflevector(h0, h1, 0, 4, 1, 5, 2, 6, 3, 7);
            memcpy(rowv + c / SLOT_TILE * tile_step + c % SLOT_TILE * 2, &pairs, sizeof pairs);
        }
        for (; c < nc; c++, j++) {
            int64_t a = alloc[j];
            psum[j] += a;
            ploss[j] += a < base[c];
            uint16_t *slot = rowv + c / SLOT_TILE * tile_step + c % SLOT_TILE * 2;
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

/* Move the worker's block sums into its 128-bit sums, and the part's
 * loss counts into its counts. */
static void flush_psum(sim *s, worker *w)
{
    for (size_t j = 0; j < s->ncol; j++) {
        w->sums[j] += w->psum[j];
        w->psum[j] = 0;
    }
    for (size_t j = 0; j < s->ncol; j++) {
        w->losses[j] += w->ploss[j];
        w->ploss[j] = 0;
    }
}

/* A pilot iteration computed twice (sim.rerun), first time: widen each
 * column's range of allocations and changes in the worker's w->range. */
static void record_range(const sim *s, worker *w)
{
    const int64_t *alloc = w->out->alloc;
    const int64_t *base = alloc + (size_t)s->baseline * s->nc;
    for (size_t v = 0; v < s->nv; v++)
        for (size_t c = 0, j = v * s->nc; c < s->nc; c++, j++) {
            int64_t a = alloc[j], d = a - base[c], *r = w->range + RANGE_N * j;
            r[RANGE_AMIN] = a < r[RANGE_AMIN] ? a : r[RANGE_AMIN];
            r[RANGE_AMAX] = a > r[RANGE_AMAX] ? a : r[RANGE_AMAX];
            r[RANGE_DMIN] = d < r[RANGE_DMIN] ? d : r[RANGE_DMIN];
            r[RANGE_DMAX] = d > r[RANGE_DMAX] ? d : r[RANGE_DMAX];
        }
}

/* Add iteration k's allocations to the worker's sums and loss counts, and
 * keep them exactly (or their range) until the histograms are calibrated,
 * else write their slots into row i of the block's part. */
static void record(sim *s, worker *w, long i, long k)
{
    if (s->calibrated && allocations_small(s, w->out)) {
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
    if (!s->calibrated && s->rerun) {
        record_range(s, w);
        return;
    }
    if (!s->calibrated) {
        /* A scattered write per column, but only for the pilot or a run
         * small enough to keep every value. */
        size_t cap = (size_t)s->kept_n;
        for (size_t j = 0; j < s->ncol; j++)
            s->kept[j * cap + (size_t)(k - s->kept_lo)] = alloc[j];
        return;
    }
    const double *lo = s->hist->lo, *inv = s->hist->inv;
    for (size_t v = 0; v < s->nv; v++) {
        int is_base = (int)v == s->baseline;
        const double *dlo = lo + change_off(s, v), *dinv = inv + change_off(s, v);
        for (size_t c = 0; c < nc; c++) {
            size_t j = v * nc + c;
            int64_t a = alloc[j];
            uint16_t *slot = s->block + slot_at(s, j, (size_t)i);
            slot[0] = (uint16_t)vs_hist_slot(lo[j], inv[j], (double)a);
            slot[1] = is_base ? 0
                : (uint16_t)vs_hist_slot(dlo[j], dinv[j], (double)(a - base[c]));
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

/* Where iteration k's region-level row goes: the run's rows while they
 * are kept exactly (from the range's first iteration), else the pilot's
 * rows (which calibrate the histograms) or the current block's. */
static double *row_at(const sim *s, long k)
{
    if (k <= VS_SIM_PILOT && (s->pilot_pass || !s->acc->exact_region || k < s->k0))
        return s->pilot_rows + (size_t)(k - 1) * s->stride;
    if (s->acc->exact_region)
        return s->acc->draws + (size_t)(k - s->k0) * s->stride;
    return s->block_rows + (size_t)(k - s->block_start) * s->stride;
}

/* Phase 1: iterations of the block's part, taken one at a time (where an
 * iteration's values go depends only on it; the worker's sums and counts
 * are integers merged at the end).  A worker stops at its first failing
 * iteration; it takes them in increasing order, so the lowest of the
 * workers' failures is the lowest failing iteration, and every one below
 * it was evaluated. */
static void block_eval(sim *s, worker *w)
{
    w->fail_k = -1;
    long end = s->part_off + s->part_len;
    for (;;) {
        long i = atomic_fetch_add_explicit(&s->next_iter, 1, memory_order_relaxed);
        if (i >= end)
            break;
        long k = s->block_start + i;
        if (eval_iteration(s, w, k, row_at(s, k)) != VS_OK) {
            w->fail_k = k;
            break;
        }
        for (size_t r = 0; r < w->out->n_rules; r++) {
            unsigned kinds = w->out->shortfalls[r].kinds;
            w->sf_draws[r] += kinds != 0;
            w->sf_kinds[r] |= kinds;
        }
        note_differences(w->out, s->nv, s->nc, s->baseline, w->nodiff);
        /* a pilot computed only to calibrate keeps no exact values */
        if (s->centre_stats && (s->counting || !s->exact))
            record(s, w, i - s->part_off, k);
    }
    if (s->centre_stats)
        flush_psum(s, w); /* at most a block's sums: no int64 overflow */
}

/* Count tile t's slots (its columns jt..jend of the part's n rows) into
 * the histograms' counts of type T: column by column, so one column's two
 * histograms are hot at a time (a row of a tile is one cache line, and
 * the tile's rows stay in cache while its columns are counted). */
#define DEFINE_FOLD_TILE(NAME, T)                                            \
    static void NAME(const sim *s, T *counts, size_t t, size_t jt,          \
                     size_t jend, size_t n)                                  \
    {                                                                        \
        size_t b = (size_t)s->baseline, nc = s->nc;                          \
        const uint16_t *tile = s->block + t * (size_t)s->rows * SLOT_TILE * 2; \
        for (size_t j = jt; j < jend; j++) {                                 \
            const uint16_t *slot = tile + 2 * (j - jt);                      \
            T *a = counts + j * VS_HIST_SLOTS;                               \
            if (j / nc == b) {                                               \
                for (size_t i = 0; i < n; i++)                               \
                    a[slot[2 * SLOT_TILE * i]]++;                            \
                continue;                                                    \
            }                                                                \
            T *d = counts + (s->ncol + vs_sim_change_hist(j, nc, b)) * VS_HIST_SLOTS; \
            for (size_t i = 0; i < n; i++) {                                 \
                a[slot[2 * SLOT_TILE * i]]++;                                \
                d[slot[2 * SLOT_TILE * i + 1]]++;                            \
            }                                                                \
        }                                                                    \
    }

DEFINE_FOLD_TILE(fold_tile16, uint16_t)
DEFINE_FOLD_TILE(fold_tile32, uint32_t)

/* Tiles a worker takes at once in the fold (64 columns). */
enum { FOLD_TILES = 4 };

static void calibrate_column(sim *s, size_t j);

/* Phase 2: count the part's slots into the histograms, FOLD_TILES tiles
 * (see slot_at) at a time as the workers come free: each column's
 * histograms are counted by one worker, and counts are integers, so who
 * counts which does not matter.  In the pilot's block, when its values are
 * kept (a block of one part, see sim_init), the workers calibrate the
 * columns instead; a pilot computed twice is not counted the first time. */
static void block_fold(sim *s, worker *w)
{
    (void)w;
    if (!s->centre_stats || s->exact || (!s->calibrated && s->rerun))
        return;
    if (!s->calibrated && s->block_start + s->part_off + s->part_len <= VS_SIM_PILOT)
        return; /* not the part that completes the pilot */
    size_t n = (size_t)s->part_len, tiles = s->nv * s->tpv;
    for (;;) {
        size_t t0 = atomic_fetch_add_explicit(&s->next_tile, FOLD_TILES, memory_order_relaxed);
        if (t0 >= tiles)
            break;
        size_t t1 = t0 + FOLD_TILES < tiles ? t0 + FOLD_TILES : tiles;
        for (size_t t = t0; t < t1; t++) {
            size_t c0 = t % s->tpv * SLOT_TILE, jt = t / s->tpv * s->nc + c0;
            size_t jend = jt + (c0 + SLOT_TILE < s->nc ? SLOT_TILE : s->nc - c0);
            if (!s->calibrated)
                for (size_t j = jt; j < jend; j++)
                    calibrate_column(s, j);
            else if (s->hist->wide)
                fold_tile32(s, s->hist->c32, t, jt, jend, n);
            else
                fold_tile16(s, s->hist->c16, t, jt, jend, n);
        }
    }
}

/* Set histogram k's range from the pilot's smallest and largest values. */
static void hist_range(vs_chist *h, size_t k, double vmin, double vmax)
{
    vs_hist_range(vmin, vmax, &h->lo[k], &h->width[k], &h->inv[k]);
}

static void hist_add(vs_chist *h, size_t k, double v)
{
    size_t at = k * VS_HIST_SLOTS + vs_hist_slot(h->lo[k], h->inv[k], v);
    if (h->wide)
        h->c32[at]++;
    else
        h->c16[at]++;
}

/* Calibrate from the workers' ranges of the pilot (sim.rerun). */
static void calibrate_ranges(sim *s)
{
    size_t b = (size_t)s->baseline;
    for (size_t j = 0; j < s->ncol; j++) {
        int64_t r[RANGE_N];
        memcpy(r, s->w[0].range + RANGE_N * j, sizeof r);
        for (int t = 1; t < s->n_workers; t++) {
            const int64_t *x = s->w[t].range + RANGE_N * j;
            r[RANGE_AMIN] = x[RANGE_AMIN] < r[RANGE_AMIN] ? x[RANGE_AMIN] : r[RANGE_AMIN];
            r[RANGE_AMAX] = x[RANGE_AMAX] > r[RANGE_AMAX] ? x[RANGE_AMAX] : r[RANGE_AMAX];
            r[RANGE_DMIN] = x[RANGE_DMIN] < r[RANGE_DMIN] ? x[RANGE_DMIN] : r[RANGE_DMIN];
            r[RANGE_DMAX] = x[RANGE_DMAX] > r[RANGE_DMAX] ? x[RANGE_DMAX] : r[RANGE_DMAX];
        }
        /* (double) is monotonic: the extremes of the converted values are
         * the converted extremes, as vs_hist_init would find them */
        hist_range(s->hist, j, (double)r[RANGE_AMIN], (double)r[RANGE_AMAX]);
        if (j / s->nc != b)
            hist_range(s->hist, s->ncol + vs_sim_change_hist(j, s->nc, b),
                       (double)r[RANGE_DMIN], (double)r[RANGE_DMAX]);
    }
    for (int t = 0; t < s->n_workers; t++) {
        free(s->w[t].range);
        s->w[t].range = NULL;
    }
}

/* Calibrate column j's histograms from the kept pilot, and count it
 * unless the pilot is not the range's (block_fold runs it on the
 * workers). */
static void calibrate_column(sim *s, size_t j)
{
    size_t P = (size_t)s->kept_n, b = (size_t)s->baseline;
    size_t v = j / s->nc, c = j % s->nc;
    const int64_t *a = s->kept + j * P, *base = s->kept + (b * s->nc + c) * P;
    double lo = (double)a[0], hi = lo;
    for (size_t k = 1; k < P; k++) {
        lo = (double)a[k] < lo ? (double)a[k] : lo;
        hi = (double)a[k] > hi ? (double)a[k] : hi;
    }
    hist_range(s->hist, j, lo, hi);
    for (size_t k = 0; k < P && s->counting; k++)
        hist_add(s->hist, j, (double)a[k]);
    if (v == b)
        return;
    size_t h = s->ncol + vs_sim_change_hist(j, s->nc, b);
    lo = hi = (double)(a[0] - base[0]);
    for (size_t k = 1; k < P; k++) {
        double d = (double)(a[k] - base[k]);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    hist_range(s->hist, h, lo, hi);
    for (size_t k = 0; k < P && s->counting; k++)
        hist_add(s->hist, h, (double)(a[k] - base[k]));
}

/* After the pilot: calibrate each column's histograms on the pilot's
 * values.  Depends only on the first VS_SIM_PILOT iterations, never on the
 * thread count or the shard. */
static void calibrate(sim *s)
{
    if (s->rerun)
        calibrate_ranges(s);
    /* The kept pilot has done its job (block_fold calibrated from it):
     * every later value goes to the histograms, and the summaries read
     * them. */
    free(s->kept);
    s->kept = NULL;
    s->kept_n = 0;
    s->calibrated = 1;
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
    free(w->ploss);
    free(w->range);
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
    w->ploss = calloc(s->ncol ? s->ncol : 1, sizeof *w->ploss);
    size_t nr = w->out && w->out->n_rules ? w->out->n_rules : 1;
    w->sf_draws = calloc(nr, sizeof *w->sf_draws);
    w->sf_kinds = calloc(nr, sizeof *w->sf_kinds);
    w->nodiff = malloc((s->nv ? s->nv : 1) * sizeof *w->nodiff);
    if (w->nodiff)
        for (size_t v = 0; v < s->nv; v++)
            w->nodiff[v] = 1;
    if (s->rerun && (w->range = malloc(RANGE_N * s->ncol * sizeof *w->range)))
        for (size_t j = 0; j < s->ncol; j++) {
            int64_t *r = w->range + RANGE_N * j;
            r[RANGE_AMIN] = r[RANGE_DMIN] = INT64_MAX;
            r[RANGE_AMAX] = r[RANGE_DMAX] = INT64_MIN;
        }
    return w->draw && w->ws && w->out && w->mws && w->sums && w->psum &&
                   w->losses && w->ploss && w->sf_draws && w->sf_kinds && w->nodiff &&
                   (w->range || !s->rerun)
               ? VS_OK : VS_ENOMEM;
}

/* Move iteration 0's rule records from worker w (its steps, which later
 * iterations need not keep, and its shortfalls) into the accumulator. */
static int keep_point_rules(worker *w, vs_sim_acc *acc)
{
    const vs_outcome *o = w->out;
    size_t nr = o->n_rules, nv = o->n_variants ? o->n_variants : 1;
    acc->n_rules = nr;
    acc->rule_base = malloc(nv * sizeof *acc->rule_base);
    acc->shortfalls = calloc(nr ? nr : 1, sizeof *acc->shortfalls);
    if (!acc->rule_base || !acc->shortfalls)
        return VS_ENOMEM;
    memcpy(acc->rule_base, o->rule_base, nv * sizeof *acc->rule_base);
    for (size_t r = 0; r < nr; r++) {
        const vs_shortfall *sf = &o->shortfalls[r];
        acc->shortfalls[r] = (vs_shortfall_sum){sf->amount, sf->kinds,
                                                sf->eligible, sf->kinds, 0};
    }
    acc->steps = w->out->steps;
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

/* ---- region-level values, streamed ------------------------------------ */

/* Calibrate every statistic's vs_rstat on the pilot's rows, and feed
 * them in when the pilot is part of the range (s->counting). */
static void region_calibrate(sim *s)
{
    vs_sim_acc *a = s->acc;
    for (size_t it = 0; it < s->nv * VS_STAT_COUNT; it++) {
        vs_rstat *r = &a->rs[it];
        double lo = NAN, hi = NAN;
        for (long k = 0; k < VS_SIM_PILOT; k++) {
            double v = s->pilot_rows[(size_t)k * s->stride + it];
            if (isnan(v))
                continue;
            if (isnan(lo))
                r->x0 = lo = hi = v;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (isnan(lo)) /* never defined in the pilot: a window around 0 */
            lo = hi = 0;
        double spread = hi - lo;
        if (!(spread > 0))
            spread = fmax(1.0, 1e-6 * fabs(lo));
        r->lo = lo - 0.5 * spread;
        r->width = 2.0 * spread / VS_RHIST_BUCKETS;
        r->inv_width = 1.0 / r->width;
    }
}

/* Add rows[0..n) (iterations in order) to the streamed statistics. */
static void region_fold(sim *s, const double *rows, long n)
{
    vs_sim_acc *a = s->acc;
    size_t b = (size_t)s->baseline;
    for (long k = 0; k < n; k++) {
        const double *row = rows + (size_t)k * s->stride;
        for (size_t v = 0; v < s->nv; v++)
            for (int m = 0; m < VS_STAT_COUNT; m++) {
                vs_rstat *r = &a->rs[v * VS_STAT_COUNT + (size_t)m];
                double x = row[v * VS_STAT_COUNT + (size_t)m];
                double y = row[b * VS_STAT_COUNT + (size_t)m];
                if (isnan(x))
                    continue;
                double d = x - r->x0;
                r->n++;
                vs_xsum_add(&r->s, d);
                vs_xsum_add(&r->q, d * d);
                double u = (x - r->lo) * r->inv_width;
                size_t slot = u < 0 ? 0 : u >= VS_RHIST_BUCKETS ? VS_RHIST_BUCKETS + 1
                                                                 : (size_t)u + 1;
                r->b[slot]++;
                if (v == b || isnan(y))
                    continue;
                r->both++;
                vs_xsum_add(&r->d, x - y);
                if (m < VS_M_COUNT && vs_metric_is_better((vs_metric)m, x, y))
                    r->better++;
            }
    }
}

/* Mean and sd of a streamed statistic (NAN when undefined). */
static void rstat_moments(const vs_rstat *r, double *mean, double *sd)
{
    *mean = *sd = NAN;
    if (r->n == 0)
        return;
    double m = (double)r->n, S = vs_xsum_value(&r->s), Q = vs_xsum_value(&r->q);
    *mean = r->x0 + S / m;
    if (r->n > 1) {
        double ss = Q - S * (S / m);
        *sd = sqrt((ss > 0 ? ss : 0) / (m - 1));
    }
}

/* The summary of a streamed statistic (as vs_sim_summarise gives one of
 * kept values; quantiles from the histogram). */
static void rstat_summary(const vs_rstat *r, int has_base, double point,
                          int stat_id, vs_stat *out)
{
    int money = stat_id >= VS_M_COUNT;
    out->point = point;
    out->diff_mean = out->p_better = NAN;
    out->n = r->n;
    rstat_moments(r, &out->mean, &out->sd);
    out->mcse = r->n > 1 ? out->sd / sqrt((double)r->n) : NAN;
    if (r->n == 0) {
        out->p05 = out->p50 = out->p95 = NAN;
    } else {
        out->p05 = vs_hist_quantile_of(r->b, VS_RHIST_BUCKETS, r->lo, r->width, 0.05);
        out->p50 = vs_hist_quantile_of(r->b, VS_RHIST_BUCKETS, r->lo, r->width, 0.50);
        out->p95 = vs_hist_quantile_of(r->b, VS_RHIST_BUCKETS, r->lo, r->width, 0.95);
    }
    if (has_base && r->both > 0) {
        out->diff_mean = vs_xsum_value(&r->d) / (double)r->both;
        if (!money)
            out->p_better = (double)r->better / (double)r->both;
    }
}

/* True when every statistic's mcse is below R |mean| (means of 0 ignored). */
static int converged(sim *s, long n, double r, double *col, double *scratch)
{
    for (size_t v = 0; v < s->nv; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            size_t it = v * VS_STAT_COUNT + (size_t)m;
            vs_stat st;
            if (s->acc->exact_region) {
                for (long k = 0; k < n; k++)
                    col[k] = s->acc->draws[(size_t)k * s->stride + it];
                vs_sim_summarise(col, NULL, n, NAN, NAN, m, scratch, &st);
            } else {
                rstat_moments(&s->acc->rs[it], &st.mean, &st.sd);
                st.mcse = s->acc->rs[it].n > 1
                    ? st.sd / sqrt((double)s->acc->rs[it].n) : NAN;
            }
            if (isnan(st.mean) || st.mean == 0.0)
                continue;
            if (isnan(st.mcse) || !(st.mcse < r * fabs(st.mean)))
                return 0;
        }
    return 1;
}

/* Room for `need` kept rows of the range (exact region values). */
static int grow_draws(sim *s, long need, long range)
{
    vs_sim_acc *a = s->acc;
    if (need <= a->draws_cap)
        return VS_OK;
    long cap = a->draws_cap ? a->draws_cap : VS_SIM_PRECISION_BLOCK;
    while (cap < need)
        cap *= 2;
    if (cap > range)
        cap = range;
    double *p = realloc(a->draws, (size_t)cap * s->stride * sizeof *p);
    if (!p)
        return VS_ENOMEM;
    a->draws = p;
    a->draws_cap = cap;
    return VS_OK;
}

/* ---- summaries --------------------------------------------------------- */

/* What the summary jobs share. */
typedef struct sum_ctx {
    const vs_sim_acc *a;
    size_t b; /* the baseline */
    vs_results *res;
} sum_ctx;

/* Region-level summaries of items [lo, hi) (item = variant x stat). */
static int summarise_stats(sum_ctx *x, size_t lo, size_t hi)
{
    const vs_sim_acc *a = x->a;
    size_t stride = a->nv * VS_STAT_COUNT, b = x->b;
    long n = a->n, len = n > 0 ? n : 1;
    if (!a->exact_region) {
        for (size_t it = lo; it < hi; it++) {
            size_t v = it / VS_STAT_COUNT, m = it % VS_STAT_COUNT;
            rstat_summary(&a->rs[it], v != b, a->prow[it], (int)m,
                          &x->res->stats[it]);
        }
        return VS_OK;
    }
    double *col = malloc((size_t)len * 3 * sizeof *col);
    if (!col)
        return VS_ENOMEM;
    double *bcol = col + len, *scratch = col + 2 * len;
    for (size_t it = lo; it < hi; it++) {
        size_t v = it / VS_STAT_COUNT, m = it % VS_STAT_COUNT;
        for (long k = 0; k < n; k++) {
            col[k] = a->draws[(size_t)k * stride + v * VS_STAT_COUNT + m];
            bcol[k] = a->draws[(size_t)k * stride + b * VS_STAT_COUNT + m];
        }
        vs_sim_summarise(col, v == b ? NULL : bcol, n,
                         a->prow[v * VS_STAT_COUNT + m],
                         a->prow[b * VS_STAT_COUNT + m], (int)m, scratch,
                         &x->res->stats[it]);
    }
    free(col);
    return VS_OK;
}

/* Per-centre summaries of columns [lo, hi) (column = variant x centre). */
static int summarise_centres(sum_ctx *x, size_t lo, size_t hi)
{
    static const double ps[2] = {0.05, 0.95};
    const vs_sim_acc *a = x->a;
    size_t nc = a->nc, b = x->b;
    long n = a->n;
    int64_t *ibuf = malloc((size_t)(n > 0 ? n : 1) * sizeof *ibuf);
    if (!ibuf)
        return VS_ENOMEM;
    for (size_t j = lo; j < hi; j++) {
        size_t v = j / nc, c = j % nc;
        vs_centre_stat *cs = &x->res->centres[j];
        vs_ore a0 = a->pt_alloc[j], b0 = a->pt_alloc[b * nc + c];
        double q[2];
        cs->point = a0;
        if (!a->centre_stats) {
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
        cs->mean = (double)a->sums[j] / (double)n;
        cs->p_loss = v == b ? NAN : (double)a->losses[j] / (double)n;
        cs->change_p05 = cs->change_p95 = NAN;
        if (a->exact_centres) {
            const int64_t *vals = a->cvals + j * (size_t)a->cvals_cap;
            const int64_t *bvals = a->cvals + (b * nc + c) * (size_t)a->cvals_cap;
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
            cs->p05 = vs_chist_quantile(&a->hist, j, 0.05);
            cs->p95 = vs_chist_quantile(&a->hist, j, 0.95);
            if (v != b) {
                size_t h = a->ncol + vs_sim_change_hist(j, nc, b);
                cs->change_p05 = vs_chist_quantile(&a->hist, h, 0.05);
                cs->change_p95 = vs_chist_quantile(&a->hist, h, 0.95);
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
    const vs_sim_acc *a = jb->x->a;
    size_t ns = a->nv * VS_STAT_COUNT;
    size_t p = (size_t)jb->part, P = (size_t)jb->parts;
    jb->status = summarise_stats(jb->x, ns * p / P, ns * (p + 1) / P);
    if (jb->status == VS_OK)
        jb->status = summarise_centres(jb->x, a->ncol * p / P, a->ncol * (p + 1) / P);
    return NULL;
}

/* Both summary loops, spread over `parts` threads. */
static int summarise_parallel(sum_ctx *x, int parts)
{
    sum_job *jobs = calloc((size_t)parts, sizeof *jobs);
    if (!jobs)
        return VS_ENOMEM;
    for (int t = 0; t < parts; t++)
        jobs[t] = (sum_job){x, t, parts, VS_OK, 0};
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
    int st = VS_OK;
    for (int t = 0; t < parts; t++)
        if (jobs[t].status != VS_OK)
            st = jobs[t].status;
    free(jobs);
    return st;
}

/* Fair shares: the variant's total by the scenario's need, to the öre;
 * undefined (empty cells) when no centre has need, or when a need is
 * beyond a double (no share of it means anything then). */
static int fair_shares(const vs_sim_acc *a, vs_results *res)
{
    size_t nv = a->nv, nc = a->nc;
    double *rem = malloc((nc ? nc : 1) * sizeof *rem);
    size_t *idx = malloc((nc ? nc : 1) * sizeof *idx);
    double *need = malloc((nc ? nc : 1) * sizeof *need);
    vs_ore *fair = malloc((nc ? nc : 1) * sizeof *fair);
    int st = VS_ENOMEM;
    if (rem && idx && need && fair) {
        double N = 0;
        int finite = 1;
        for (size_t c = 0; c < nc; c++) {
            need[c] = a->pt_need[c];
            finite &= need[c] <= DBL_MAX;
            N += need[c];
        }
        res->fair_share_defined = N > 0 && finite;
        for (size_t v = 0; v < nv; v++) {
            if (!res->fair_share_defined)
                memset(fair, 0, nc * sizeof *fair);
            else
                vs_money_apportion(a->pt_total[v], need, nc, fair, rem, idx);
            for (size_t c = 0; c < nc; c++)
                res->centres[v * nc + c].fair_share = fair[c];
        }
        st = VS_OK;
    }
    free(rem), free(idx), free(need), free(fair);
    return st;
}

/* ---- the accumulator --------------------------------------------------- */

long vs_sim_blocks(long n)
{
    return n > 0 ? (n + VS_SIM_BLOCK - 1) / VS_SIM_BLOCK : 0;
}

void vs_sim_acc_free(vs_sim_acc *a)
{
    if (!a)
        return;
    free(a->prow);
    free(a->pt_alloc);
    free(a->pt_total);
    free(a->pt_listed);
    free(a->pt_cni);
    free(a->pt_need);
    free(a->rule_base);
    free(a->steps);
    free(a->shortfalls);
    free(a->nodiff);
    free(a->sums);
    free(a->losses);
    free(a->cvals);
    vs_chist_free(&a->hist);
    free(a->draws);
    free(a->rs);
    free(a);
}

/* The point-estimate and accumulator arrays of an accumulator whose
 * sizes and modes are set (everything zeroed; the caller fills). */
static int acc_alloc(vs_sim_acc *a, long range)
{
    size_t nv = a->nv ? a->nv : 1, nc = a->nc ? a->nc : 1, ncol = a->ncol ? a->ncol : 1;
    a->prow = calloc(nv * VS_STAT_COUNT, sizeof *a->prow);
    a->pt_alloc = calloc(ncol, sizeof *a->pt_alloc);
    a->pt_total = calloc(nv, sizeof *a->pt_total);
    a->pt_listed = calloc(nc, sizeof *a->pt_listed);
    a->pt_cni = calloc(nc, sizeof *a->pt_cni);
    a->pt_need = calloc(nc, sizeof *a->pt_need);
    a->nodiff = calloc(nv, sizeof *a->nodiff);
    a->sums = calloc(ncol, sizeof *a->sums);
    a->losses = calloc(ncol, sizeof *a->losses);
    if (!a->prow || !a->pt_alloc || !a->pt_total || !a->pt_listed ||
        !a->pt_cni || !a->pt_need || !a->nodiff || !a->sums || !a->losses)
        return VS_ENOMEM;
    if (!a->exact_region && !(a->rs = calloc(nv * VS_STAT_COUNT, sizeof *a->rs)))
        return VS_ENOMEM;
    if (a->centre_stats && !a->exact_centres && a->ncol > 0 &&
        vs_chist_alloc(&a->hist, a->ncol + (a->nv - 1) * a->nc, range) != VS_OK)
        return VS_ENOMEM;
    return VS_OK;
}

/* ---- one range of blocks ----------------------------------------------- */

static void sim_free(sim *s)
{
    pthread_mutex_destroy(&s->gate_lock);
    pthread_cond_destroy(&s->gate_cond);
    if (s->w) {
        for (int t = 0; t < s->n_workers; t++)
            worker_free(&s->w[t]);
        free(s->w);
    }
    if (!s->exact)
        free(s->kept); /* the pilot (exact: acc->cvals) */
    free(s->pilot_rows);
    free(s->block_rows);
    free(s->block);
}

/* Iteration 0 into the accumulator, on worker 0's buffers; it records
 * each rule's change (explain.csv). */
static int sim_point(sim *s, vs_err *err)
{
    vs_sim_acc *a = s->acc;
    worker *w = &s->w[0];
    int st = vs_outcome_keep_steps(w->out);
    if (st == VS_OK)
        st = eval_iteration(s, w, 0, a->prow);
    if (st == VS_OK)
        st = keep_point_rules(w, a);
    if (st == VS_ERUN)
        vs_err_merge(err, &w->err);
    if (st != VS_OK)
        return st;
    note_differences(w->out, s->nv, s->nc, s->baseline, w->nodiff);
    memcpy(a->pt_alloc, w->out->alloc, s->ncol * sizeof *a->pt_alloc);
    memcpy(a->pt_total, w->out->total, s->nv * sizeof *a->pt_total);
    for (size_t c = 0; c < s->nc; c++) {
        a->pt_listed[c] = w->draw->listed[c];
        a->pt_cni[c] = w->draw->cni[c];
        a->pt_need[c] = w->draw->need[c];
    }
    return VS_OK;
}

/* Start the helper threads (the main thread is worker 0).  They wait at
 * a gate until the number that really started is known, so the barriers
 * can count them exactly; results do not depend on it. */
static void start_workers(sim *s)
{
    if (s->threads <= 1)
        return;
    int asked = s->threads, started = 0;
    for (int t = 1; t < asked; t++) {
        if (pthread_create(&s->w[t].thread, NULL, worker_main, &s->w[t]) != 0)
            break;
        started++;
    }
    pthread_mutex_lock(&s->gate_lock);
    s->threads = started + 1;
    if (s->threads > 1) {
        pthread_barrier_init(&s->go, NULL, (unsigned)s->threads);
        pthread_barrier_init(&s->done, NULL, (unsigned)s->threads);
    }
    s->gate_open = 1;
    pthread_cond_broadcast(&s->gate_cond);
    pthread_mutex_unlock(&s->gate_lock);
    s->started = started;
}

static void stop_workers(sim *s)
{
    if (s->started == 0)
        return;
    s->quit = 1;
    pthread_barrier_wait(&s->go);
    for (int t = 1; t <= s->started; t++)
        pthread_join(s->w[t].thread, NULL);
    pthread_barrier_destroy(&s->go);
    pthread_barrier_destroy(&s->done);
    s->started = 0;
}

/* Run the block of iterations start .. start + len - 1 on every worker,
 * in parts of at most `rows` iterations (each evaluated, then folded);
 * VS_ERUN (with err) when an iteration failed: the lowest, since the
 * parts run in order and each worker's share of a part is contiguous. */
static int sim_block(sim *s, long start, long len, vs_err *err)
{
    s->block_start = start;
    s->block_len = len;
    long fail_k = -1;
    int fail_t = -1;
    for (long off = 0; off < len && fail_k < 0; off += s->rows) {
        s->part_off = off;
        s->part_len = len - off < s->rows ? len - off : s->rows;
        /* set before the workers pass the barrier that starts the part */
        atomic_store(&s->next_iter, off);
        atomic_store(&s->next_tile, 0);
        if (s->threads > 1)
            run_block(s);
        else {
            block_eval(s, &s->w[0]);
            if (!any_failed(s))
                block_fold(s, &s->w[0]);
        }
        for (int t = 0; t < s->threads; t++)
            if (s->w[t].fail_k >= 0 && (fail_k < 0 || s->w[t].fail_k < fail_k)) {
                fail_k = s->w[t].fail_k;
                fail_t = t;
            }
    }
    if (fail_k < 0)
        return VS_OK;
    vs_err_merge(err, &s->w[fail_t].err);
    return vs_err_set(err, VS_ERUN, NULL, 0, "in Monte Carlo iteration %ld", fail_k);
}

/* After the pilot block: calibrate the streaming histograms (once: a
 * pilot computed twice calibrates in pilot_only). */
static void after_pilot(sim *s)
{
    if (s->centre_stats && !s->exact && !s->calibrated)
        calibrate(s);
    if (!s->acc->exact_region) {
        region_calibrate(s);
        if (s->counting)
            region_fold(s, s->pilot_rows, VS_SIM_PILOT);
    }
}

/* Compute the pilot only to calibrate: for a shard that does not own it
 * (to calibrate its histograms as the whole run does), and for a pilot
 * too big to keep (sim.rerun: the range's blocks then evaluate its
 * iterations again, to count them).  Then forget its counts. */
static int pilot_only(sim *s, vs_err *err)
{
    s->counting = 0;
    s->pilot_pass = 1;
    int st = sim_block(s, 1, VS_SIM_PILOT, err);
    if (st == VS_OK)
        after_pilot(s);
    for (int t = 0; t < s->n_workers; t++) {
        worker *w = &s->w[t];
        memset(w->sums, 0, s->ncol * sizeof *w->sums);
        memset(w->losses, 0, s->ncol * sizeof *w->losses);
        memset(w->sf_draws, 0, s->acc->n_rules * sizeof *w->sf_draws);
        /* sf_kinds and nodiff are an OR and an AND: the pilot's own
         * shard brings the same bits, so they may stay. */
    }
    s->counting = 1;
    s->pilot_pass = 0;
    s->rows_ready = st == VS_OK;
    return st;
}

/* The blocks of iterations k0 .. k0 + range - 1. */
static int sim_blocks(sim *s, long range, vs_err *err)
{
    const vs_sim_opts *opts = s->opts;
    vs_sim_acc *a = s->acc;
    long done = 0;
    while (done < range) {
        long len = range - done < VS_SIM_BLOCK ? range - done : VS_SIM_BLOCK;
        long start = s->k0 + done;
        if (a->exact_region && grow_draws(s, done + len, range) != VS_OK)
            return VS_ENOMEM;
        int st = sim_block(s, start, len, err);
        if (st != VS_OK)
            return st;
        done += len;
        a->n = done;
        if (!a->exact_region && start > VS_SIM_PILOT)
            region_fold(s, s->block_rows, len);
        if (start == 1 && ((s->centre_stats && !s->exact) || !a->exact_region))
            after_pilot(s);
        if (opts->progress)
            opts->progress(opts->progress_ctx, done, range);
        if (opts->stop && *opts->stop)
            return VS_EINTR;
        if (opts->precision > 0 && done % VS_SIM_PRECISION_BLOCK == 0) {
            double *tmp = malloc((size_t)done * 2 * sizeof *tmp);
            if (!tmp)
                return VS_ENOMEM;
            int ok = converged(s, done, opts->precision, tmp, tmp + done);
            free(tmp);
            if (ok) {
                a->converged = 1;
                return VS_OK;
            }
        }
    }
    return VS_OK;
}

/* The sizes and modes of a run of opts->iterations on sc, blocks
 * [b0, b1): the per-centre and region-level modes depend only on N. */
static void acc_shape(vs_sim_acc *a, const vs_scenario *sc,
                      const vs_sim_opts *opts, long b0, long b1)
{
    long N = opts->iterations > 0 ? opts->iterations : 0;
    a->nv = sc->n_variants;
    a->nc = sc->n_centres;
    a->ncol = a->nv * a->nc;
    a->baseline = (size_t)sc->baseline;
    a->n_total = N;
    a->b0 = b0;
    a->b1 = b1;
    a->centre_stats = !opts->region_only;
    long limit = opts->exact_limit > 0 ? opts->exact_limit : VS_SIM_EXACT_LIMIT;
    a->exact_centres = (double)N * (double)a->ncol <= (double)limit || N <= VS_SIM_PILOT;
    long rlimit = opts->region_exact_limit > 0 ? opts->region_exact_limit
                                               : VS_SIM_REGION_EXACT;
    long rlimit_iter = opts->region_exact_limit > 0 ? VS_SIM_PILOT
                                                    : VS_SIM_REGION_EXACT_ITER;
    a->exact_region = opts->keep_draws || N <= rlimit_iter ||
        (double)N * (double)a->nv * VS_STAT_COUNT <= (double)rlimit;
}

/* Set up the run's state (zeroed, its lock and condition initialised)
 * for `range` iterations of the accumulator's blocks. */
static int sim_init(sim *s, const vs_scenario *sc, const vs_sim_opts *opts,
                    vs_sim_acc *a, long range)
{
    s->sc = sc;
    s->opts = opts;
    s->acc = a;
    s->nv = a->nv;
    s->nc = a->nc;
    s->ncol = a->ncol;
    s->tpv = (s->nc + SLOT_TILE - 1) / SLOT_TILE;
    s->stride = s->nv * VS_STAT_COUNT;
    s->baseline = sc->baseline;
    s->k0 = a->b0 * VS_SIM_BLOCK + 1;
    s->counting = 1;
    s->threads = opts->threads > 0 ? opts->threads : 1;
    if (s->threads > 1 && range < s->threads)
        s->threads = range > 0 ? (int)range : 1;
    s->centre_stats = a->centre_stats;
    s->exact = a->exact_centres;
    s->hist = &a->hist;
    long N = a->n_total;
    int hist = N > 0 && range > 0 && s->ncol > 0 && s->centre_stats && !s->exact;
    /* The pilot's values (8 bytes a column and iteration) are kept while
     * they fit the work limit, and so are the histogram slots of a whole
     * block (4 bytes a column and iteration): else parts of it, of 8
     * iterations at least. */
    double limit = (double)(opts->work_limit > 0 ? opts->work_limit : VS_SIM_WORK_LIMIT);
    s->rerun = hist && (double)s->ncol * VS_SIM_PILOT * 8 > limit;
    s->rows = VS_SIM_BLOCK;
    if (hist && (double)s->ncol * VS_SIM_BLOCK * 4 > limit) {
        s->rows = (long)(limit / ((double)s->ncol * 4));
        s->rows = s->rows < 8 ? 8 : s->rows;
    }
    s->w = calloc((size_t)s->threads, sizeof *s->w);
    if (!s->w)
        return VS_ENOMEM;
    s->n_workers = s->threads;
    for (int t = 0; t < s->threads; t++)
        if (worker_init(s, &s->w[t], t) != VS_OK)
            return VS_ENOMEM;
    int pilot = range > 0 && ((s->centre_stats && !s->exact) || !a->exact_region);
    if (pilot && (!(s->pilot_rows = malloc((size_t)VS_SIM_PILOT * s->stride * sizeof(double))) ||
                  (!a->exact_region &&
                   !(s->block_rows = malloc((size_t)VS_SIM_BLOCK * s->stride * sizeof(double))))))
        return VS_ENOMEM;
    if (N > 0 && range > 0 && s->ncol > 0 && s->centre_stats && !s->rerun) {
        s->kept_lo = s->exact ? s->k0 : 1;
        s->kept_n = s->exact ? range : VS_SIM_PILOT;
        if (!(s->kept = malloc((size_t)s->kept_n * s->ncol * sizeof *s->kept)))
            return VS_ENOMEM;
        if (s->exact) {
            a->cvals = s->kept;
            a->cvals_cap = s->kept_n;
        }
    }
    if (hist && !(s->block = big_alloc(block_slots(s) * sizeof *s->block)))
        return VS_ENOMEM;
    return VS_OK;
}

/* Move the workers' integer accumulators into the accumulator. */
static void collect(sim *s)
{
    vs_sim_acc *a = s->acc;
    for (int t = 0; t < s->n_workers; t++) {
        const worker *w = &s->w[t];
        if (a->centre_stats)
            for (size_t j = 0; j < s->ncol; j++) {
                a->sums[j] += w->sums[j];
                a->losses[j] += w->losses[j];
            }
        for (size_t r = 0; r < a->n_rules; r++) {
            a->shortfalls[r].draws += w->sf_draws[r];
            a->shortfalls[r].kinds |= w->sf_kinds[r];
        }
    }
    for (size_t v = 0; v < s->nv; v++) {
        a->nodiff[v] = 1;
        for (int t = 0; t < s->n_workers; t++)
            a->nodiff[v] &= s->w[t].nodiff[v];
    }
}

int vs_sim_compute(const vs_scenario *sc, const vs_sim_opts *opts, long b0,
                   long b1, vs_sim_acc **out, vs_err *err)
{
    *out = NULL;
    if (opts->iterations > VS_SIM_MAX_ITERATIONS)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "%ld iterations asked for; at most %ld", opts->iterations,
                          VS_SIM_MAX_ITERATIONS);
    long M = vs_sim_blocks(opts->iterations);
    if (b1 < 0 || b1 > M)
        b1 = M;
    if (b0 < 0 || b0 > b1)
        b0 = b1;
    vs_sim_acc *a = calloc(1, sizeof *a);
    if (!a)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    a->t0 = vs_provenance_begin(&a->prov, sc->file, opts->seed, opts->iterations, 0);
    acc_shape(a, sc, opts, b0, b1);
    long first = b0 * VS_SIM_BLOCK, last = b1 * VS_SIM_BLOCK;
    long range = (last < a->n_total ? last : a->n_total) - first;
    if (range < 0)
        range = 0;
    sim s;
    memset(&s, 0, sizeof s);
    atomic_init(&s.next_iter, 0);
    atomic_init(&s.next_tile, 0);
    pthread_mutex_init(&s.gate_lock, NULL);
    pthread_cond_init(&s.gate_cond, NULL);
    int st = acc_alloc(a, range);
    if (st == VS_OK)
        st = sim_init(&s, sc, opts, a, range);
    if (st == VS_OK)
        st = sim_point(&s, err);
    if (st == VS_OK) {
        start_workers(&s);
        a->threads = s.threads;
        int pilot = (s.centre_stats && !s.exact) || !a->exact_region;
        if (range > 0 && pilot && (b0 > 0 || s.rerun))
            st = pilot_only(&s, err);
        if (st == VS_OK)
            st = sim_blocks(&s, range, err);
        stop_workers(&s);
    }
    if (st == VS_OK)
        collect(&s);
    if (s.exact)
        s.kept = NULL; /* acc->cvals owns it */
    sim_free(&s);
    if (st != VS_OK) {
        if (st == VS_ENOMEM)
            vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        vs_sim_acc_free(a);
        return st;
    }
    *out = a;
    return VS_OK;
}

/* ---- joining ranges, and the results ---------------------------------- */

/* Concatenate per-column values: a's n1 then b's n2 in each column. */
static int64_t *join_columns(const int64_t *x, long capx, long n1,
                             const int64_t *y, long capy, long n2, size_t ncol)
{
    long n = n1 + n2;
    int64_t *r = malloc((size_t)(n > 0 ? n : 1) * (ncol ? ncol : 1) * sizeof *r);
    if (!r)
        return NULL;
    for (size_t j = 0; j < ncol; j++) {
        if (n1)
            memcpy(r + j * (size_t)n, x + j * (size_t)capx, (size_t)n1 * sizeof *r);
        if (n2)
            memcpy(r + j * (size_t)n + n1, y + j * (size_t)capy, (size_t)n2 * sizeof *r);
    }
    return r;
}

/* Whether two accumulators have the same point estimate and shape. */
static int same_point(const vs_sim_acc *a, const vs_sim_acc *b)
{
    return a->nv == b->nv && a->nc == b->nc && a->n_rules == b->n_rules &&
           a->n_total == b->n_total && a->centre_stats == b->centre_stats &&
           a->exact_centres == b->exact_centres &&
           a->exact_region == b->exact_region &&
           !memcmp(a->prow, b->prow, a->nv * VS_STAT_COUNT * sizeof *a->prow) &&
           !memcmp(a->pt_alloc, b->pt_alloc, a->ncol * sizeof *a->pt_alloc) &&
           !memcmp(a->pt_total, b->pt_total, a->nv * sizeof *a->pt_total) &&
           (a->n_rules * a->nc < 1 ||
            !memcmp(a->steps, b->steps, a->n_rules * a->nc * sizeof *a->steps));
}

int vs_sim_acc_append(vs_sim_acc *a, const vs_sim_acc *b, vs_err *err)
{
    if (!same_point(a, b))
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "the parts were not computed from the same run "
                          "(their point estimates or sizes differ)");
    if (a->b1 != b->b0 || a->converged || b->converged)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "blocks %ld..%ld do not follow blocks %ld..%ld",
                          b->b0, b->b1 - 1, a->b0, a->b1 - 1);
    if (a->centre_stats && a->exact_centres && b->n > 0) {
        int64_t *c = join_columns(a->cvals, a->cvals_cap, a->n, b->cvals,
                                  b->cvals_cap, b->n, a->ncol);
        if (!c)
            return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        free(a->cvals);
        a->cvals = c;
        a->cvals_cap = a->n + b->n;
    }
    if (a->exact_region && b->n > 0) {
        size_t stride = a->nv * VS_STAT_COUNT;
        double *d = realloc(a->draws, (size_t)(a->n + b->n) * stride * sizeof *d);
        if (!d)
            return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        memcpy(d + (size_t)a->n * stride, b->draws, (size_t)b->n * stride * sizeof *d);
        a->draws = d;
        a->draws_cap = a->n + b->n;
    }
    if (!a->exact_region)
        for (size_t it = 0; it < a->nv * VS_STAT_COUNT; it++) {
            vs_rstat *x = &a->rs[it];
            const vs_rstat *y = &b->rs[it];
            if (a->n == 0) { /* a shard of no block: take the calibration */
                x->x0 = y->x0, x->lo = y->lo, x->width = y->width;
                x->inv_width = y->inv_width;
            }
            x->n += y->n, x->both += y->both, x->better += y->better;
            vs_xsum_merge(&x->s, &y->s);
            vs_xsum_merge(&x->q, &y->q);
            vs_xsum_merge(&x->d, &y->d);
            for (size_t i = 0; i < VS_RHIST_BUCKETS + 2; i++)
                x->b[i] += y->b[i];
        }
    if (a->centre_stats) {
        for (size_t j = 0; j < a->ncol; j++) {
            a->sums[j] += b->sums[j];
            a->losses[j] += b->losses[j];
        }
        /* a shard of no block takes the calibration */
        if (!a->exact_centres && chist_add(&a->hist, &b->hist, a->n == 0, a->n + b->n) != VS_OK)
            return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t r = 0; r < a->n_rules; r++) {
        a->shortfalls[r].draws += b->shortfalls[r].draws;
        a->shortfalls[r].kinds |= b->shortfalls[r].kinds;
    }
    for (size_t v = 0; v < a->nv; v++)
        a->nodiff[v] &= b->nodiff[v];
    a->n += b->n;
    a->b1 = b->b1;
    return VS_OK;
}

int vs_sim_finish(const vs_scenario *sc, vs_sim_acc *a, int threads,
                  vs_results **out, vs_err *err)
{
    *out = NULL;
    if (a->b0 != 0 || (a->n != a->n_total && !a->converged))
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "%ld of %ld iterations: the run is not whole",
                          a->n, a->n_total);
    vs_results *res = calloc(1, sizeof *res);
    int st = VS_ENOMEM;
    if (!res)
        goto fail;
    size_t nv = a->nv, nc = a->nc, ncol = a->ncol;
    res->n_variants = nv;
    res->n_centres = nc;
    res->threads = a->threads;
    res->iterations = a->n;
    res->converged = a->converged;
    res->exact_centre_quantiles = a->exact_centres;
    res->stats = calloc(nv * VS_STAT_COUNT, sizeof *res->stats);
    res->centres = calloc(ncol ? ncol : 1, sizeof *res->centres);
    res->point_listed = malloc((nc ? nc : 1) * sizeof(double));
    res->point_cni = malloc((nc ? nc : 1) * sizeof(double));
    res->point_need = malloc((nc ? nc : 1) * sizeof(double));
    res->no_difference = malloc((nv ? nv : 1) * sizeof *res->no_difference);
    res->rule_base = malloc((nv ? nv : 1) * sizeof *res->rule_base);
    res->shortfalls = malloc((a->n_rules ? a->n_rules : 1) * sizeof *res->shortfalls);
    res->steps = malloc((a->n_rules * nc > 0 ? a->n_rules * nc : 1) * sizeof *res->steps);
    if (!res->stats || !res->centres || !res->point_listed || !res->point_cni ||
        !res->point_need || !res->no_difference || !res->rule_base ||
        !res->shortfalls || !res->steps)
        goto fail;
    memcpy(res->point_listed, a->pt_listed, nc * sizeof(double));
    memcpy(res->point_cni, a->pt_cni, nc * sizeof(double));
    memcpy(res->point_need, a->pt_need, nc * sizeof(double));
    memcpy(res->no_difference, a->nodiff, nv * sizeof *res->no_difference);
    res->n_rules = a->n_rules;
    memcpy(res->rule_base, a->rule_base, nv * sizeof *res->rule_base);
    memcpy(res->shortfalls, a->shortfalls, a->n_rules * sizeof *res->shortfalls);
    if (a->steps && a->n_rules * nc > 0)
        memcpy(res->steps, a->steps, a->n_rules * nc * sizeof *res->steps);
    sum_ctx x = {a, (size_t)sc->baseline, res};
    if ((st = summarise_parallel(&x, threads > 0 ? threads : 1)) != VS_OK ||
        (st = fair_shares(a, res)) != VS_OK)
        goto fail;
    if (a->exact_region && a->n > 0) { /* moved: the run's peak of memory */
        res->draws = a->draws;
        a->draws = NULL;
        a->draws_cap = 0;
    }
    res->prov = a->prov;
    res->prov.threads = a->threads;
    vs_provenance_end(&res->prov, a->t0, a->n);
    res->wall_seconds = res->prov.wall_seconds;
    *out = res;
    return VS_OK;
fail:
    vs_results_free(res);
    return vs_err_set(err, st, NULL, 0, "out of memory");
}

int vs_sim_run(const vs_scenario *sc, const vs_sim_opts *opts,
               vs_results **out, vs_err *err)
{
    vs_sim_acc *a = NULL;
    *out = NULL;
    int st = vs_sim_compute(sc, opts, 0, -1, &a, err);
    if (st == VS_OK)
        st = vs_sim_finish(sc, a, opts->threads, out, err);
    vs_sim_acc_free(a);
    return st;
}
