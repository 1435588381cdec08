/* metrics.c: equity metrics of docs/methods.md (see metrics.h).
 *
 * The Monte Carlo loop calls vs_metrics_prepare once per iteration and
 * vs_metrics_compute once per variant, on about a thousand centres,
 * thousands of times a second.  So both run in O(n log n) or better and
 * allocate nothing: every scratch array lives in the workspace.
 *
 * Notation (docs/methods.md, "Equity metrics"): listed p_i, CNI c_i, allocation a_i (öre),
 * need n_i = p_i c_i, totals P, N, A.  "Kept" centres are those with
 * p_i > 0; gini, ci_need, hi and theil use only them (with P, A, N and
 * the ranks recomputed over them), the other metrics use every centre. */
#include "vardsim/metrics.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/vecmath.h"

/* A sort key, the position it belongs to, and scratch for sort_items. */
typedef struct sort_item {
    uint64_t key;    /* double_key of the value */
    uint32_t idx;    /* position in the input (ties keep this order) */
    uint32_t digits; /* sort_items: top bits of key - min(key) */
} sort_item;

/* Centres a block of dense_blocks: its four arrays of terms (64 KB) stay
 * in the core's cache while they are written, taken logs of and added.
 * Blocks of 512 to 4,096 centres measured alike (make bench-metrics). */
enum { DENSE_BLOCK = 2048 };

struct vs_metric_ws {
    size_t cap; /* most centres prepare accepts */

    /* Set by vs_metrics_prepare for the current iteration. */
    size_t n;
    const double *listed, *cni, *need;
    double high_need_cni;
    /* Some centre has need but nobody listed, or people but no need:
     * theil (over the centres with need) cannot share the kept centres'
     * passes and is computed on its own (theil_by_need). */
    int need_apart;
    size_t m;            /* number of kept centres (listed > 0) */
    double P, N;         /* sum of listed over kept; sum of need (all) */
    double ci_cni;       /* concentration index of c by need rank */
    uint32_t *kept;      /* [m] centre index of each kept centre */
    double *kp;          /* [m] its listed */
    double *dev;         /* [m] its need rank R_i minus the mean rank */
    double *inv_need_share; /* [m] N / n_i, for theil */
    double *need_share;  /* [n] n_i / N for every centre (dissimilarity) */

    /* Scratch of vs_metrics_compute. */
    double *f;           /* [m] funding per capita */
    double *share, *ratio; /* [m] theil: s_i and s_i N / n_i, then the
                              terms s_i ln(s_i N / n_i) */
    double *cov_term, *dis_term; /* [n] dense_pass: a_i dev_i, and
                                    |a_i - A n_i / N| */
    double *ad;          /* [n] dense_pass: a_i as a double */
    double *block;       /* dense_blocks: 4 x DENSE_BLOCK terms of one block */
    sort_item *items, *tmp;
    uint64_t *fkey;      /* [m] double_key of f, by kept centre */
    uint64_t *base_fkey; /* [m] fkey of the call that set base_order */
    uint32_t *sorted;    /* [m] kept centres by f, when sort_items ran */

    /* Orders worth trying before sorting per-capita funding (see
     * sort_per_capita): kept centres by need, set by prepare, and the
     * order of the last call without a baseline (the baseline itself, in
     * the Monte Carlo loop) while base_order_ok. */
    uint32_t *need_order, *base_order;
    int base_order_ok;
};

/* ------------------------------------------------------------------ */
/* Names and directions                                                 */

static const struct {
    const char *name;
    vs_better better;
} metric_info[VS_M_COUNT] = {
    [VS_M_GINI] = {"gini", VS_BETTER_LOWER},
    [VS_M_CI_NEED] = {"ci_need", VS_BETTER_HIGHER},
    [VS_M_HI] = {"hi", VS_BETTER_ZERO},
    [VS_M_DISSIMILARITY] = {"dissimilarity", VS_BETTER_LOWER},
    [VS_M_THEIL] = {"theil", VS_BETTER_LOWER},
    [VS_M_HIGH_NEED_SHARE] = {"high_need_share", VS_BETTER_HIGHER},
    [VS_M_MAX_LOSS] = {"max_loss", VS_BETTER_LOWER},
    [VS_M_LOSERS] = {"losers", VS_BETTER_LOWER},
};

/* NULL for a value outside the enum. */
const char *vs_metric_name(vs_metric m)
{
    return (unsigned)m < VS_M_COUNT ? metric_info[m].name : NULL;
}

vs_better vs_metric_better(vs_metric m)
{
    return (unsigned)m < VS_M_COUNT ? metric_info[m].better : VS_BETTER_LOWER;
}

/* Strict (docs/methods.md, "Monte Carlo": P(better) counts strict wins); any NaN compares false, so an undefined
 * value is never better. */
int vs_metric_is_better(vs_metric m, double v, double b)
{
    switch (vs_metric_better(m)) {
    case VS_BETTER_LOWER:
        return v < b;
    case VS_BETTER_HIGHER:
        return v > b;
    case VS_BETTER_ZERO:
        return fabs(v) < fabs(b);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Workspace                                                            */

vs_metric_ws *vs_metric_ws_alloc(size_t n)
{
    if (n > UINT32_MAX)
        return NULL;
    size_t k = n ? n : 1; /* malloc(0) may return NULL */
    vs_metric_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->cap = n;
    ws->kept = malloc(k * sizeof *ws->kept);
    ws->kp = malloc(k * sizeof *ws->kp);
    ws->dev = malloc(k * sizeof *ws->dev);
    ws->inv_need_share = malloc(k * sizeof *ws->inv_need_share);
    ws->need_share = malloc(k * sizeof *ws->need_share);
    ws->f = malloc(k * sizeof *ws->f);
    ws->share = malloc(k * sizeof *ws->share);
    ws->ratio = malloc(k * sizeof *ws->ratio);
    ws->cov_term = malloc(k * sizeof *ws->cov_term);
    ws->dis_term = malloc(k * sizeof *ws->dis_term);
    ws->ad = malloc(k * sizeof *ws->ad);
    ws->block = malloc(4 * DENSE_BLOCK * sizeof *ws->block);
    ws->items = malloc(k * sizeof *ws->items);
    ws->fkey = malloc(k * sizeof *ws->fkey);
    ws->base_fkey = malloc(k * sizeof *ws->base_fkey);
    ws->sorted = malloc(k * sizeof *ws->sorted);
    ws->tmp = malloc(k * sizeof *ws->tmp);
    ws->need_order = malloc(k * sizeof *ws->need_order);
    ws->base_order = malloc(k * sizeof *ws->base_order);
    if (!ws->kept || !ws->kp || !ws->dev || !ws->inv_need_share ||
        !ws->need_share || !ws->f || !ws->share || !ws->ratio || !ws->cov_term || !ws->dis_term || !ws->ad || !ws->block || !ws->items || !ws->tmp ||
        !ws->fkey || !ws->base_fkey || !ws->sorted ||
        !ws->need_order || !ws->base_order) {
        vs_metric_ws_free(ws);
        return NULL;
    }
    return ws;
}

void vs_metric_ws_free(vs_metric_ws *ws)
{
    if (!ws)
        return;
    free(ws->kept);
    free(ws->kp);
    free(ws->dev);
    free(ws->inv_need_share);
    free(ws->need_share);
    free(ws->f);
    free(ws->share);
    free(ws->ratio);
    free(ws->cov_term);
    free(ws->dis_term);
    free(ws->ad);
    free(ws->block);
    free(ws->items);
    free(ws->fkey);
    free(ws->base_fkey);
    free(ws->sorted);
    free(ws->tmp);
    free(ws->need_order);
    free(ws->base_order);
    free(ws);
}

/* ------------------------------------------------------------------ */
/* Sorting                                                              */

/* An unsigned key that sorts like the double: for x >= 0 the IEEE bits
 * already order correctly once the sign bit is set; for x < 0 flipping
 * every bit reverses their order and puts them below the positives. */
static uint64_t double_key(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : u | UINT64_C(0x8000000000000000);
}

/* Stable insertion sort by key, for short runs. */
static void insertion_sort(sort_item *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        sort_item x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1].key > x.key; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

enum { SORT_BITS = 8, SORT_BUCKETS = 1 << SORT_BITS, SORT_SMALL = 48 };

/* The smallest key in *lo, and how many bits the range max - min needs
 * (0 when every key is equal). */
static int key_span(const sort_item *a, size_t n, uint64_t *lo)
{
    uint64_t l = a[0].key, h = a[0].key;
    for (size_t i = 1; i < n; i++) {
        if (a[i].key < l)
            l = a[i].key;
        if (a[i].key > h)
            h = a[i].key;
    }
    *lo = l;
    int width = 0;
    for (uint64_t range = h - l; range; range >>= 1)
        width++;
    return width;
}

/* The start both radix sorts share: a short run is sorted by insertion,
 * and equal keys need nothing; else the keys' span (smallest key *lo,
 * significant bits *width).  Returns 0 when the items are sorted. */
static int sort_start(sort_item *a, size_t n, uint64_t *lo, int *width)
{
    if (n <= SORT_SMALL) {
        insertion_sort(a, n);
        return 0;
    }
    *width = key_span(a, n, lo);
    return *width != 0;
}

/* Sort n items by key (stably), with tmp[n] as scratch: the fallback of
 * sort_items for long runs of nearly equal keys.
 *
 * A most-significant-digit radix sort.  Keys are taken relative to the
 * smallest and cut into SORT_BUCKETS buckets by the top bits of
 * (key - min), so the buckets follow the spread of the data whatever its
 * magnitude; small buckets are finished by insertion sort.  A bucket with
 * many items (values alike to many digits, say every centre funded the
 * same to the öre) is sorted again by the next bits, so each level
 * resolves SORT_BITS more bits and no input is quadratic. */
static void sort_msd(sort_item *a, sort_item *tmp, size_t n)
{
    uint64_t lo;
    int width;
    if (!sort_start(a, n, &lo, &width))
        return;
    int shift = width > SORT_BITS ? width - SORT_BITS : 0;

    uint32_t start[SORT_BUCKETS + 1];
    memset(start, 0, sizeof start);
    for (size_t i = 0; i < n; i++)
        start[((a[i].key - lo) >> shift) + 1]++;
    for (int d = 0; d < SORT_BUCKETS; d++)
        start[d + 1] += start[d];
    uint32_t next[SORT_BUCKETS];
    memcpy(next, start, sizeof next);
    for (size_t i = 0; i < n; i++)
        tmp[next[(a[i].key - lo) >> shift]++] = a[i];
    memcpy(a, tmp, n * sizeof *a);
    if (shift == 0)
        return; /* each bucket holds one key value */
    for (int d = 0; d < SORT_BUCKETS; d++) {
        size_t len = start[d + 1] - start[d];
        if (len > 1)
            sort_msd(a + start[d], tmp + start[d], len);
    }
}

/* Least-significant-digit passes: LSD_PASSES digits of LSD_BITS bits,
 * or LSD_PASSES digits of LSD_BITS_MANY bits for more than LSD_MANY keys.
 * Two bytes measured fastest for ~1,150 keys: wider digits (2 x 10 or 11
 * bits) or a third pass cost more in histograms and moves than they save
 * in the few runs left for step 2 below.  With 100,000 keys two bytes
 * leave runs of equal digits everywhere (the CNIs crowd around 1), and
 * step 2 then sorts thousands of them.  Two digits of 11 bits leave few
 * (22 bits of spread), and their 2,048 buckets (16 KB of counts, 128 KB of
 * lines being written) still fit the cache: measured 3-5 % less time in
 * the metrics of 100,000 centres than three bytes, whose third pass over
 * 1.6 MB of items cost more than the runs it saved. */
enum {
    LSD_BITS = 8, LSD_PASSES = 2, LSD_BITS_MANY = 11,
    LSD_BUCKETS_MAX = 1 << LSD_BITS_MANY, LSD_MANY = 16384
};

/* Sort n items by key (stably), with tmp[n] as scratch, in LSD_PASSES
 * digits of `bits` bits (see sort_items).
 *
 * This is the cost of the metrics (one sort per variant and iteration, on
 * about a thousand keys), so it is a radix sort rather than qsort with a
 * comparator callback.  Two steps:
 *  1. Each item gets `digits`, the top LSD_PASSES * bits bits of
 *     key - min(key): a coarse key that never orders two items against
 *     their keys (it is a monotone function of the key, whatever the
 *     doubles are).  A stable LSD radix sort on it costs a fixed few
 *     passes with predictable branches (the recursive MSD sort spent most
 *     of its time in insertion sorts of its buckets).
 *  2. Items are now in key order except inside runs of equal digits (keys
 *     within 1/2^16, or 1/2^22, of the spread of each other), which
 *     still hold their input order; each such run that is out of order is sorted by the
 *     full key.  For a thousand values spread over a range the runs are
 *     few and short; data that crowd into one run (equal to the öre, one
 *     outlier) go to sort_msd all the same, so no input is quadratic.
 * Stable sorts on the same key give the same order, so the result is that
 * of any stable sort by key: ties keep their input order. */
static inline __attribute__((always_inline)) void
sort_lsd(sort_item *a, sort_item *tmp, size_t n, uint64_t lo, int width,
         int bits)
{
    const int passes = LSD_PASSES;
    int shift = width > bits * passes ? width - bits * passes : 0;
    const uint32_t mask = (UINT32_C(1) << bits) - 1;

    uint32_t count[LSD_PASSES][LSD_BUCKETS_MAX];
    for (int p = 0; p < passes; p++)
        memset(count[p], 0, ((size_t)mask + 1) * sizeof count[p][0]);
    for (size_t i = 0; i < n; i++) {
        uint32_t d = (uint32_t)((a[i].key - lo) >> shift);
        a[i].digits = d;
        for (int p = 0; p < passes; p++)
            count[p][(d >> (p * bits)) & mask]++;
    }
    sort_item *src = a, *dst = tmp;
    for (int p = 0; p < passes; p++) {
        uint32_t *c = count[p];
        uint32_t sum = 0;
        for (uint32_t d = 0; d <= mask; d++) { /* counts to start offsets */
            uint32_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            dst[c[(src[i].digits >> (p * bits)) & mask]++] = src[i];
        sort_item *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
    if (shift == 0)
        return; /* digits are the whole of key - min: no ties left to break */

    /* Items out of order share digits, so each inversion found by the
     * scan lies in a run of equal digits: sort that run by the full key
     * and go on after it.  Inversions are few (a thousand keys give a
     * handful of shared digits), so this is one pass with a branch that
     * is seldom taken. */
    for (size_t i = 1; i < n; i++) {
        if (a[i].key >= a[i - 1].key)
            continue;
        size_t lo_run = i - 1, hi_run = i + 1;
        while (lo_run > 0 && a[lo_run - 1].digits == a[i].digits)
            lo_run--;
        while (hi_run < n && a[hi_run].digits == a[i].digits)
            hi_run++;
        sort_msd(a + lo_run, tmp + lo_run, hi_run - lo_run);
        i = hi_run; /* a[hi_run] has larger digits, so larger key */
    }
}

/* Sort n items by key (stably), with tmp[n] as scratch: sort_lsd in two
 * digits of a byte, or of 11 bits for more than LSD_MANY keys.  The result is the one
 * order a stable sort by key gives, whichever way it is found. */
static void sort_items(sort_item *a, sort_item *tmp, size_t n)
{
    uint64_t lo;
    int width;
    if (!sort_start(a, n, &lo, &width))
        return;
    if (n > LSD_MANY)
        sort_lsd(a, tmp, n, lo, width, LSD_BITS_MANY);
    else
        sort_lsd(a, tmp, n, lo, width, LSD_BITS);
}

/* ------------------------------------------------------------------ */
/* Per iteration                                                        */

/* The part of vs_metrics_prepare after the totals: need shares, the need
 * ranks and their deviations.  Inlined twice: with every centre kept
 * (dense, kept[j] == j, the usual case), where the loops read the
 * centres' arrays directly, and in general; the same operations in the
 * same order either way. */
static inline __attribute__((always_inline)) void
prepare_ranks(vs_metric_ws *ws, const double *listed, const double *cni,
              const double *need, double Npc, int dense)
{
    const size_t n = ws->n, m = ws->m;
    const double N = ws->N, P = ws->P;
    const uint32_t *kept = ws->kept;
    const double *kp = ws->kp;
    double *dev = ws->dev;
#define KEPT(j) (dense ? (j) : kept[j])
    double inv_n = N > 0 ? 1 / N : 0;
    double *ns = ws->need_share, *ins = ws->inv_need_share;
    for (size_t i = 0; i < n; i++)
        ns[i] = (need ? need[i] : listed[i] * cni[i]) * inv_n;
    for (size_t j = 0; j < m; j++) {
        double nj = need ? need[KEPT(j)] : kp[j] * cni[KEPT(j)];
        ins[j] = nj > 0 ? N / nj : 0;
    }

    /* Need ranks: R_i = (persons in centres of lower CNI + half the
     * persons of centres with this CNI) / P.  For a group of equal CNI
     * this is the population-weighted mean of the ranks the group would
     * get in any order, so ties share one rank and the order in the file
     * does not matter. */
    sort_item *it = ws->items;
    for (size_t j = 0; j < m; j++) {
        it[j].key = double_key(cni[KEPT(j)]);
        it[j].idx = (uint32_t)j;
    }
    sort_items(it, ws->tmp, m);
    uint32_t *need_order = ws->need_order;
    for (size_t j = 0; j < m; j++)
        need_order[j] = it[j].idx;
    ws->base_order_ok = 0;
    double below = 0;
    for (size_t j = 0; j < m;) {
        if (j + 1 == m || it[j + 1].key != it[j].key) {
            /* a CNI of its own (the usual case): the group's sum is
             * 0 + p = p exactly, as the loop below would add it */
            double group = kp[it[j].idx];
            dev[it[j].idx] = (below + group / 2) / P;
            below += group;
            j++;
            continue;
        }
        size_t g = j;
        double group = 0;
        while (g < m && it[g].key == it[j].key)
            group += kp[it[g++].idx];
        double r = (below + group / 2) / P;
        for (size_t t = j; t < g; t++)
            dev[it[t].idx] = r;
        below += group;
        j = g;
    }
    /* Mean rank (1/2 in exact arithmetic), then deviations from it: with
     * them a concentration index is 2 sum w_i dev_i / sum w_i for any
     * weight w_i = p_i x_i, since sum p_i dev_i = 0. */
    double rbar = 0;
    for (size_t j = 0; j < m; j++)
        rbar += kp[j] * dev[j];
    rbar = m ? rbar / P : 0;
    double cov = 0;
    for (size_t j = 0; j < m; j++) {
        dev[j] -= rbar;
        cov += kp[j] * cni[KEPT(j)] * dev[j];
    }
#undef KEPT
    /* The concentration index of c itself, weighted by persons whatever
     * the need measure (Npc: the sum over every centre, which adds the
     * same as the kept ones do). */
    ws->ci_cni = Npc > 0 ? 2 * cov / Npc : NAN;
}

void vs_metrics_prepare(vs_metric_ws *ws, size_t n, const double *listed,
                        const double *cni, const double *need,
                        double high_need_cni)
{
    assert(n <= ws->cap);
    ws->n = n;
    ws->listed = listed;
    ws->cni = cni;
    ws->need = need;
    ws->high_need_cni = high_need_cni;

    size_t m = 0;
    double P = 0, N = 0, Npc = 0;
    int apart = 0;
    uint32_t *kept = ws->kept;
    double *kp = ws->kp;
    for (size_t i = 0; i < n; i++) {
        double p = listed[i], pc = p * cni[i];
        double ni = need ? need[i] : pc;
        N += ni;
        Npc += pc;
        apart |= need && (p > 0) != (ni > 0);
        /* appended always, counted when kept: no branch on p */
        kept[m] = (uint32_t)i;
        kp[m] = p;
        P += p > 0 ? p : 0.0; /* adding 0 leaves P (never -0) as it was */
        m += p > 0;
    }
    ws->need_apart = apart;
    ws->m = m;
    ws->P = P;
    ws->N = N;
    if (m == n)
        prepare_ranks(ws, listed, cni, need, Npc, 1);
    else
        prepare_ranks(ws, listed, cni, need, Npc, 0);
}

/* Theil T of money per need unit over the centres with need (n_i > 0),
 * with A and N recomputed over them: sum s_i ln(s_i N / n_i), s_i = a_i /
 * A, 0 ln 0 = 0.  Undefined (NAN) when no centre has need, their money is
 * not positive, or one of them has a negative amount. */
static double theil_by_need(const vs_metric_ws *ws, const vs_ore *alloc)
{
    double A = 0, N = 0;
    for (size_t i = 0; i < ws->n; i++)
        if (ws->need[i] > 0) {
            if (alloc[i] < 0)
                return NAN;
            A += (double)alloc[i];
            N += ws->need[i];
        }
    if (!(A > 0) || !(N > 0))
        return NAN;
    double t = 0;
    for (size_t i = 0; i < ws->n; i++)
        if (ws->need[i] > 0 && alloc[i] > 0) {
            double s = (double)alloc[i] / A;
            t += s * log(s * N / ws->need[i]);
        }
    return t;
}

/* 100 a < 99 b in exact integer arithmetic, for b > 0.  Amounts up to
 * 9.2e16 öre (9.2e14 SEK: every real budget) take the direct product.
 * Above that 100 a would overflow int64, so write b = 100 q + r:
 * 99 b / 100 = 99 q + 99 r / 100, and the test is 100 (a - 99 q) < 99 r,
 * which only needs the product when 0 <= a - 99 q < 99. */
static int below_99_percent(vs_ore a, vs_ore b)
{
    if (a >= b)
        return 0;
    if (a < 0)
        return 1;
    if (b <= INT64_MAX / 100)
        return 100 * a < 99 * b;
    vs_ore q = b / 100, r = b % 100;
    vs_ore d = a - 99 * q; /* a >= 0 and 99 q >= 0: no overflow */
    if (d < 0)
        return 1;
    if (d >= 99)
        return 0;
    return 100 * d < 99 * r;
}

/* Whether `order` is the order a stable sort of the keys would give
 * (keys ascending, equal keys by position): one pass over the keys in
 * that order, stopping at the first out of place.  Only the keys are
 * read, eight bytes each, and nothing is copied: the order itself is the
 * result when it holds. */
static int in_order(const uint64_t *key, const uint32_t *order, size_t m)
{
    for (size_t t = 1; t < m; t++) {
        uint64_t a = key[order[t - 1]], b = key[order[t]];
        if (b < a || (b == a && order[t] < order[t - 1]))
            return 0;
    }
    return 1;
}

/* `start` (a permutation of 0..m) sorted by (key, position) into out, by
 * insertion, when that takes at most REPAIR_MOVES moves an item (and a
 * few more, for short lists, which sort_items sorts by insertion too); returns
 * 0 (out is scratch then) beyond that.  The order by (key, position) is
 * the one order a stable sort by key gives, whatever order the items
 * came in, so this is sort_items' result whenever it finishes.  A
 * capitation funds nearly in need order: its per-capita amounts follow
 * need but for the öre of rounding, which swap a few neighbours, and
 * putting those back is a pass, where a sort is several. */
enum { REPAIR_MOVES = 2 };

static int repair_order(const uint64_t *key, const uint32_t *start, size_t m,
                        uint32_t *out)
{
    if (m == 0)
        return 1;
    size_t budget = REPAIR_MOVES * m + SORT_SMALL;
    /* The last item placed and its key, in registers: an item moved back
     * leaves the last one last, and an item that goes after it (nearly
     * every one) is placed on one comparison, without loading the keys
     * of out at random. */
    uint32_t last = start[0];
    uint64_t klast = key[last];
    out[0] = last;
    for (size_t t = 1; t < m; t++) {
        uint32_t x = start[t];
        uint64_t kx = key[x];
        if (klast < kx || (klast == kx && last < x)) {
            out[t] = last = x;
            klast = kx;
            continue;
        }
        size_t u = t;
        while (u > 0 && (key[out[u - 1]] > kx ||
                         (key[out[u - 1]] == kx && out[u - 1] > x))) {
            if (budget-- == 0)
                return 0;
            out[u] = out[u - 1];
            u--;
        }
        out[u] = x;
    }
    return 1;
}

/* The order by (key, position) from the one of an earlier call: `prev`
 * sorts the keys prev_key that way, and where key[j] == prev_key[j] (a
 * centre whose amount the variant left as the baseline had it) the old
 * order of those items still holds; the others (at most half, else 0 is
 * returned) are sorted with sort_items in items/tmp and merged in, into
 * out.  A targeted pot or a top-up moves a fifth of the centres, and
 * sorting a fifth and merging is a few passes less than sorting all. */
static int merge_changed(const uint64_t *key, const uint64_t *prev_key,
                         const uint32_t *prev, size_t m, sort_item *items,
                         sort_item *tmp, uint32_t *out)
{
    /* the changed ones listed and counted in one pass (a variant that
     * moves more than half, which then goes elsewhere, is rare) */
    size_t c = 0, half = m / 2;
    for (size_t j = 0; j < m; j++) {
        items[c] = (sort_item){key[j], (uint32_t)j, 0};
        c += key[j] != prev_key[j];
        if (c > half) /* a cut moves every centre: no need to go on */
            return 0;
    }
    sort_items(items, tmp, c); /* stable: ties by position */
    /* The next unchanged centre of prev and its key are held while the
     * changed ones before it go out, so each centre's keys are loaded
     * once (they are at random, a miss in the cache for many centres);
     * the changed ones carry theirs. */
    size_t u = 0, k = 0, t = 0;
    for (;; u++) {
        while (u < m && key[prev[u]] != prev_key[prev[u]])
            u++;
        if (u == m)
            break;
        uint32_t a = prev[u];
        uint64_t ka = key[a];
        while (k < c && (items[k].key < ka || (items[k].key == ka && items[k].idx < a)))
            out[t++] = items[k++].idx;
        out[t++] = a;
    }
    while (k < c)
        out[t++] = items[k++].idx;
    return 1;
}

/* Candidate orders of sort_per_capita, as bits of its `tried` argument:
 * the caller has found that one is not the sorted order (or chose not to
 * check it). */
enum { TRIED_BASE = 1, TRIED_NEED = 2 };

/* Above this many kept centres the candidates are not checked as they
 * stand (dense_sums, sort_per_capita): with 100,000 centres a few
 * neighbours somewhere are always swapped by the öre of rounding, so the
 * baseline's order and the need order never hold as they are, and
 * finding that out cost a fifth to three quarters of a pass each.  The
 * merge and the repair start from them all the same. */
enum { CANDIDATES_MAX = 16384 };

/* Whether sort_per_capita would try the baseline's order first. */
static int base_candidate(const vs_metric_ws *ws, int is_base)
{
    return !is_base && ws->base_order_ok;
}

/* After the baseline's call: its order and keys, for the other variants
 * (see sort_per_capita). */
static void keep_base_order(vs_metric_ws *ws, const uint32_t *order)
{
    size_t m = ws->m;
    if (order != ws->base_order)
        memcpy(ws->base_order, order, m * sizeof *order);
    memcpy(ws->base_fkey, ws->fkey, m * sizeof *ws->fkey);
    ws->base_order_ok = 1;
}

/* The kept centres in ascending order of per-capita funding (keys
 * ws->fkey), as the order of a stable sort by key gives them.
 *
 * Variants of one iteration tend to rank centres alike: a proportional or
 * need-protected cut keeps the baseline's order, and a capitation without
 * age weights funds in need order.  So before sorting, the baseline's
 * order and the need order are tried (one pass each, stopping at the
 * first item out of place); when one of them is the sorted order it is
 * used; failing that, the baseline's order with the centres the variant
 * moved sorted and merged in (merge_changed), or the need order repaired
 * (repair_order).  An order is accepted only if it is exactly what the
 * stable sort gives, so the result never depends on which path was taken.
 * `tried` (TRIED_ bits) names candidates the caller already found out of
 * order (dense_chains checks them as it goes): they are not checked again. */
static const uint32_t *sort_per_capita(vs_metric_ws *ws, int is_base, int tried)
{
    size_t m = ws->m;
    const uint32_t *order = NULL;
    if (base_candidate(ws, is_base) && !(tried & TRIED_BASE) &&
        in_order(ws->fkey, ws->base_order, m))
        order = ws->base_order;
    else if (!(tried & TRIED_NEED) && in_order(ws->fkey, ws->need_order, m))
        order = ws->need_order;
    if (!order && base_candidate(ws, is_base) &&
        merge_changed(ws->fkey, ws->base_fkey, ws->base_order, m, ws->items,
                      ws->tmp, ws->sorted))
        order = ws->sorted;
    if (!order && repair_order(ws->fkey, ws->need_order, m, ws->sorted))
        order = ws->sorted;
    if (!order) {
        sort_item *it = ws->items;
        for (size_t j = 0; j < m; j++) {
            it[j].key = ws->fkey[j];
            it[j].idx = (uint32_t)j;
        }
        sort_items(it, ws->tmp, m);
        for (size_t t = 0; t < m; t++)
            ws->sorted[t] = it[t].idx;
        order = ws->sorted;
    }
    if (is_base)
        keep_base_order(ws, order);
    return order;
}

/* Pass 3's sums (see vs_metrics_compute) in the dense case with every
 * term defined: kept[j] == j, and a_j as a double in ws->ad, the
 * covariance's, dissimilarity's and Theil's terms in cov_term, dis_term
 * and ratio.  With `check`, `order` is only a candidate: it is checked
 * item by item as in_order does (keys ascending, ties by position), and
 * 0 is returned at the first item out of place (the sums are then
 * unfinished, and the caller starts again with another order).  So a
 * candidate that holds costs no pass of its own; the sums are those of
 * the general loop, the same additions in the same order. */
typedef struct chains {
    double g, t, cov, d;
} chains;

static inline __attribute__((always_inline)) int
chains_loop(const vs_metric_ws *ws, const uint32_t *order, int check,
            int sums, double cov, chains *out)
{
    const size_t m = ws->m;
    const double *kp = ws->kp, *f = ws->f, *ad = ws->ad, *ra = ws->ratio;
    const double *ct = ws->cov_term, *dt = ws->dis_term;
    const uint64_t *key = ws->fkey;
    double W = 0, S = 0, g = 0, t = 0, d = 0;
    /* the first item compares with itself, which passes */
    uint32_t jprev = m ? order[0] : 0;
    uint64_t kprev = m ? key[jprev] : 0;
    for (size_t k = 0; k < m; k++) {
        uint32_t j = order[k];
        if (check) {
            uint64_t kj = key[j];
            if (kj < kprev || (kj == kprev && j < jprev))
                return 0;
            kprev = kj;
            jprev = j;
        }
        double pj = kp[j];
        g += pj * (f[j] * W - S);
        W += pj;
        S += ad[j];
        if (sums) {
            t += ra[k];
            cov += ct[k];
            d += dt[k];
        }
    }
    *out = (chains){g, t, cov, d};
    return 1;
}

/* One copy of the loop with the check and one without. */
static int dense_chains(const vs_metric_ws *ws, const uint32_t *order,
                        int check, double cov, chains *out)
{
    return check ? chains_loop(ws, order, 1, 1, cov, out)
                 : chains_loop(ws, order, 0, 1, cov, out);
}

/* The dense case's pass 3 with its order: the candidates of
 * sort_per_capita checked inside the sums (dense_chains), and only when
 * both fail the rest of sort_per_capita and the sums again.  With
 * `blocked` (more than CANDIDATES_MAX centres, dense_blocks has added
 * theil's, the covariance's and the dissimilarity's terms) only the Gini
 * chain. */
static void dense_sums(vs_metric_ws *ws, int is_base, int blocked, chains *out)
{
    if (ws->m > CANDIDATES_MAX) { /* see CANDIDATES_MAX */
        const uint32_t *order = sort_per_capita(ws, is_base, TRIED_BASE | TRIED_NEED);
        if (blocked)
            chains_loop(ws, order, 0, 0, 0, out);
        else
            chains_loop(ws, order, 0, 1, 0, out);
        return;
    }
    int tried = 0;
    if (base_candidate(ws, is_base)) {
        if (dense_chains(ws, ws->base_order, 1, 0, out))
            return;
        tried |= TRIED_BASE;
    }
    if (dense_chains(ws, ws->need_order, 1, 0, out)) {
        if (is_base)
            keep_base_order(ws, ws->need_order);
        return;
    }
    tried |= TRIED_NEED;
    dense_chains(ws, sort_per_capita(ws, is_base, tried), 0, 0, out);
}

/* ------------------------------------------------------------------ */
/* One variant                                                          */

/* What the first pass over the centres finds. */
typedef struct pass1 {
    double A, high, Ak, cov; /* cov: general path only (dense: cov_term) */
    double max_loss;
    int losers, negative;
} pass1;

/* The first pass, any centres and amounts: every centre's total,
 * high-need money and losses; the kept centres' total, covariance with the
 * need rank, per-capita funding and its sort keys.  Each sum adds its
 * terms in centre order; the kept centres are met in the same order,
 * kept[j] == i. */
static void general_pass(vs_metric_ws *ws, const vs_ore *alloc,
                         const vs_ore *base, pass1 *r)
{
    const size_t n = ws->n, m = ws->m;
    double A = 0, high = 0, max_loss = 0, Ak = 0, cov = 0;
    int losers = 0, negative = 0;
    for (size_t i = 0, j = 0; i < n; i++) {
        double a = (double)alloc[i];
        A += a;
        /* Adding 0 leaves the sum as it was (it starts at +0, so it is
         * never -0): a select rather than a branch the predictor would
         * miss for centres scattered around the threshold. */
        high += ws->cni[i] > ws->high_need_cni ? a : 0.0;
        if (base) {
            vs_ore b = base[i], ai = alloc[i];
            if (b > 0) {
                /* |amounts| <= 1e17 öre (VS_MONEY_MAX_SEK): b - a fits.
                 * The division only where the loss can beat the largest so
                 * far: fl(x / y) > m needs x > m y exactly, hence
                 * x >= fl(m y) (rounding is monotone, x is a double), so
                 * the test skips no candidate and max_loss is what dividing
                 * at every centre gives. */
                double x = (double)(b - ai), y = (double)b;
                if (ai < b && x >= max_loss * y) {
                    double loss = x / y;
                    if (loss > max_loss)
                        max_loss = loss;
                }
                losers += below_99_percent(ai, b);
            }
        }
        if (j < m && ws->kept[j] == i) {
            Ak += a;
            cov += a * ws->dev[j];
            negative |= a < 0;
            ws->f[j] = a / ws->kp[j];
            ws->fkey[j] = double_key(ws->f[j]);
            j++;
        }
    }
    *r = (pass1){A, high, Ak, cov, max_loss, losers, negative};
}

/* Amounts below this (7e11 SEK a centre) keep 100 a and 99 b exact in a
 * double, for losers in vector lanes. */
#define DENSE_MAX (INT64_C(1) << 46)

/* The arrays the dense pass reads and writes, from the first centre of
 * the range it is given (see dense_range). */
typedef struct dense_io {
    const vs_ore *alloc, *base;                /* base: NULL for the baseline */
    const double *cni, *dev, *kp, *ins, *ns;   /* ns, ins: need shares and N / n_i */
    double *ad, *ct, *f, *share, *ratio, *dis; /* share, ratio, dis: with a total */
    uint64_t *fkey;
} dense_io;

/* What the dense pass finds over a range: sums of integers, a count, a
 * bitwise or and a maximum, so ranges combine in any grouping. */
typedef struct dense_part {
    int64_t A, high, losers;
    uint64_t used;
    double max_loss;
} dense_part;

/* The first pass four centres at a time, over n centres from io's
 * pointers, when every centre is kept (m == n, the usual case).  Whether
 * every amount is in [0, DENSE_MAX) with a total below 2^53 is for
 * dense_finish to say, from part->used and part->A.
 *
 * The same results to the bit as general_pass: A and high are summed as
 * integers, exact, which equals the double sums in centre order because
 * no partial sum reaches 2^53; max_loss is a maximum (order-free) and
 * losers a count; the covariance's terms a_i dev_i go to ct, for a later
 * pass to add in centre order.  The funding per capita and its key are
 * the same expressions, lane by lane.
 *
 * With `total` >= 0 (the caller's sum of alloc) the pass also writes
 * dense_terms' terms for that total, as dense_terms would (the same
 * expressions): the second pass over the amounts is then not needed when
 * the total is the sum the pass finds. */
VS_SIMD_CLONES
static void dense_range(const dense_io *io, size_t n, double thr, vs_ore total,
                        dense_part *part)
{
    /* the arrays in locals: the vector stores (memcpy) may alias any
     * object, so io->x would be loaded again after every store */
    const vs_ore *alloc = io->alloc, *base = io->base;
    const double *cni = io->cni, *devs = io->dev, *kps = io->kp;
    double *ad = io->ad, *ct = io->ct, *fs = io->f;
    uint64_t *fkey = io->fkey;
    const double *ins_a = io->ins, *ns_a = io->ns;
    double *share = io->share, *ratio = io->ratio, *dis = io->dis;
    const int with_terms = total >= 0;
    const double At = (double)total, inv_t = total > 0 ? 1 / At : 0;
    const vs_v4d At4 = {At, At, At, At}, inv4 = {inv_t, inv_t, inv_t, inv_t};
    const vs_v4d zero = {0, 0, 0, 0}, thr4 = {thr, thr, thr, thr};
    const vs_v4d h100 = {100, 100, 100, 100}, n99 = {99, 99, 99, 99};
    const vs_v4i izero = {0, 0, 0, 0};
    vs_v4i A4 = izero, high4 = izero, losers4 = izero, used4 = izero;
    vs_v4d max4 = zero;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4i a, fb;
        vs_v4d av, c, dev, kp, f;
        memcpy(&a, alloc + i, sizeof a);
        memcpy(&c, cni + i, sizeof c);
        memcpy(&dev, devs + i, sizeof dev);
        memcpy(&kp, kps + i, sizeof kp);
        used4 |= a;
        vs_v4_i2d(&a, &av);
        memcpy(ad + i, &av, sizeof av);
        A4 += a;
        high4 += (vs_v4i)(c > thr4) & a;
        vs_v4d cv = av * dev;
        memcpy(ct + i, &cv, sizeof cv);
        f = av / kp;
        memcpy(fs + i, &f, sizeof f);
        /* double_key of f >= 0: its bits with the sign bit set */
        memcpy(&fb, &f, sizeof fb);
        fb |= INT64_MIN;
        memcpy(fkey + i, &fb, sizeof fb);
        if (with_terms) { /* dense_terms' expressions */
            vs_v4d ins, ns, sh, dv;
            vs_v4i db;
            memcpy(&ins, ins_a + i, sizeof ins);
            sh = av * inv4;
            memcpy(share + i, &sh, sizeof sh);
            sh = sh * ins;
            memcpy(ratio + i, &sh, sizeof sh);
            memcpy(&ns, ns_a + i, sizeof ns);
            dv = av - At4 * ns;
            memcpy(&db, &dv, sizeof db);
            db &= INT64_MAX; /* fabs */
            memcpy(dis + i, &db, sizeof db);
        }
        if (base) {
            vs_v4i b, lose, loss_bits, max_bits;
            vs_v4d bv, loss;
            memcpy(&b, base + i, sizeof b);
            used4 |= b;
            vs_v4_i2d(&b, &bv);
            /* (b - a) / b where b > 0 (b = 0 lanes divide for nothing);
             * where a >= b it is <= 0 and never raises the maximum */
            lose = (vs_v4i)(b > izero);
            loss = (bv - av) / bv;
            memcpy(&loss_bits, &loss, sizeof loss_bits);
            loss_bits &= lose;
            memcpy(&loss, &loss_bits, sizeof loss);
            vs_v4i up = (vs_v4i)(loss > max4);
            memcpy(&max_bits, &max4, sizeof max_bits);
            max_bits = (up & loss_bits) | (~up & max_bits);
            memcpy(&max4, &max_bits, sizeof max4);
            /* below_99_percent: 100 a < 99 b, exact for amounts < 2^46 */
            losers4 -= (vs_v4i)(b > izero) & (vs_v4i)(h100 * av < n99 * bv);
        }
    }
    int64_t A = A4[0] + A4[1] + A4[2] + A4[3], high = high4[0] + high4[1] + high4[2] + high4[3];
    int64_t losers = losers4[0] + losers4[1] + losers4[2] + losers4[3];
    uint64_t used = (uint64_t)(used4[0] | used4[1] | used4[2] | used4[3]);
    double max_loss = 0;
    for (int l = 0; l < 4; l++)
        max_loss = max4[l] > max_loss ? max4[l] : max_loss;
    for (; i < n; i++) { /* the last centres, the same way one by one */
        vs_ore a = alloc[i];
        used |= (uint64_t)a;
        A += a;
        high += cni[i] > thr ? a : 0;
        double av = (double)a;
        ad[i] = av;
        ct[i] = av * devs[i];
        fs[i] = av / kps[i];
        fkey[i] = double_key(fs[i]);
        if (with_terms) {
            share[i] = av * inv_t;
            ratio[i] = share[i] * ins_a[i];
            dis[i] = fabs(av - At * ns_a[i]);
        }
        if (base && base[i] > 0) {
            vs_ore b = base[i];
            used |= (uint64_t)b;
            double loss = ((double)b - av) / (double)b;
            max_loss = loss > max_loss ? loss : max_loss;
            losers += 100.0 * av < 99.0 * (double)b;
        }
    }
    *part = (dense_part){A, high, losers, used, max_loss};
}

/* Whether a dense pass's findings hold (every amount in [0, DENSE_MAX),
 * the total below 2^53); if so, pass 1's results in r, and in *terms
 * whether the terms it wrote were for the total it found. */
static int dense_finish(const dense_part *q, vs_ore total, pass1 *r, int *terms)
{
    if (q->used >> 46 != 0 || q->A >= INT64_C(1) << 53)
        return 0;
    *r = (pass1){(double)q->A, (double)q->high, (double)q->A, 0, q->max_loss,
                 (int)q->losers, 0};
    *terms = total >= 0 && q->A == total;
    return 1;
}

/* The dense pass over every centre, into the workspace's arrays; returns
 * 0 (and the general pass must run) when its findings do not hold. */
static int dense_pass(vs_metric_ws *ws, const vs_ore *alloc,
                      const vs_ore *base, vs_ore total, pass1 *r, int *terms)
{
    dense_io io = {alloc, base, ws->cni, ws->dev, ws->kp, ws->inv_need_share,
                   ws->need_share, ws->ad, ws->cov_term, ws->f, ws->share,
                   ws->ratio, ws->dis_term, ws->fkey};
    dense_part q;
    dense_range(&io, ws->n, ws->high_need_cni, total, &q);
    return dense_finish(&q, total, r, terms);
}

/* Sums dense_blocks adds, each in centre order. */
typedef struct block_sums {
    double t, cov, d;
} block_sums;

/* The dense pass for many centres with the caller's total, a block of
 * DENSE_BLOCK centres at a time: each block's terms of theil, the
 * covariance and the dissimilarity go to scratch of one block, have their
 * logarithms taken (theil) and are added on, block after block, so every
 * sum adds the same terms in the same centre order as pass 3 would, to
 * the bit.  Whole arrays of them, 800 KB each for 100,000 centres, would
 * leave the cache between the pass that writes them and the one that
 * reads them.  Returns 0 when the findings do not hold or the total is not
 * the sum of the amounts (the caller then runs the passes as usual). */
static int dense_blocks(vs_metric_ws *ws, const vs_ore *alloc,
                        const vs_ore *base, vs_ore total, pass1 *r,
                        block_sums *sums)
{
    const size_t n = ws->n;
    double *b_ct = ws->block, *b_sh = b_ct + DENSE_BLOCK;
    double *b_ra = b_sh + DENSE_BLOCK, *b_dis = b_ra + DENSE_BLOCK;
    dense_part acc = {0, 0, 0, 0, 0};
    double t = 0, cov = 0, d = 0;
    for (size_t i0 = 0; i0 < n; i0 += DENSE_BLOCK) {
        size_t len = n - i0 < DENSE_BLOCK ? n - i0 : DENSE_BLOCK;
        dense_io io = {alloc + i0, base ? base + i0 : NULL, ws->cni + i0,
                       ws->dev + i0, ws->kp + i0, ws->inv_need_share + i0,
                       ws->need_share + i0, ws->ad + i0, b_ct, ws->f + i0,
                       b_sh, b_ra, b_dis, ws->fkey + i0};
        dense_part q;
        dense_range(&io, len, ws->high_need_cni, total, &q);
        /* integers added as unsigned, wrapping like the vector lanes do;
         * dense_finish refuses any total that could have wrapped */
        acc.A = (int64_t)((uint64_t)acc.A + (uint64_t)q.A);
        acc.high = (int64_t)((uint64_t)acc.high + (uint64_t)q.high);
        acc.losers += q.losers;
        acc.used |= q.used;
        acc.max_loss = q.max_loss > acc.max_loss ? q.max_loss : acc.max_loss;
        /* DENSE_BLOCK is a multiple of four: the blocks' lanes are the
         * whole array's, and only the last block has a tail */
        vs_vecmath_xlog(b_sh, b_ra, b_ra, len);
        for (size_t k = 0; k < len; k++) {
            t += b_ra[k];
            cov += b_ct[k];
            d += b_dis[k];
        }
    }
    int terms;
    if (!dense_finish(&acc, total, r, &terms) || !terms)
        return 0;
    *sums = (block_sums){t, cov, d};
    return 1;
}

/* Theil's ratios s_i N / n_i (s_i = a_i / Ak) and, in the dense case, the
 * dissimilarity's terms |a_i - A n_i / N|: four centres at a time, the same
 * expressions as one by one. */
VS_SIMD_CLONES
static void dense_terms(vs_metric_ws *ws, const vs_ore *alloc, double A,
                        double inv_ak, int with_t, int with_d)
{
    const size_t n = ws->n;
    /* the arrays in locals (see dense_pass) */
    const double *ins_a = ws->inv_need_share, *ns_a = ws->need_share;
    double *share = ws->share, *ratio = ws->ratio, *dis = ws->dis_term;
    const vs_v4d A4 = {A, A, A, A}, inv4 = {inv_ak, inv_ak, inv_ak, inv_ak};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4i a;
        vs_v4d av;
        memcpy(&a, alloc + i, sizeof a);
        vs_v4_i2d(&a, &av);
        if (with_t) {
            vs_v4d ins, sh;
            memcpy(&ins, ins_a + i, sizeof ins);
            sh = av * inv4;
            memcpy(share + i, &sh, sizeof sh);
            sh = sh * ins;
            memcpy(ratio + i, &sh, sizeof sh);
        }
        if (with_d) {
            vs_v4d ns, dv;
            vs_v4i db;
            memcpy(&ns, ns_a + i, sizeof ns);
            dv = av - A4 * ns;
            memcpy(&db, &dv, sizeof db);
            db &= INT64_MAX; /* fabs */
            memcpy(dis + i, &db, sizeof db);
        }
    }
    for (; i < n; i++) {
        double av = (double)alloc[i];
        if (with_t) {
            share[i] = av * inv_ak;
            ratio[i] = share[i] * ins_a[i];
        }
        if (with_d)
            dis[i] = fabs(av - A * ns_a[i]);
    }
}

void vs_metrics_compute(vs_metric_ws *ws, const vs_ore *alloc,
                        const vs_ore *base, double *out)
{
    vs_metrics_compute_total(ws, alloc, base, -1, out);
}

void vs_metrics_compute_total(vs_metric_ws *ws, const vs_ore *alloc,
                              const vs_ore *base, vs_ore total, double *out)
{
    const size_t n = ws->n, m = ws->m;
    for (int k = 0; k < VS_M_COUNT; k++)
        out[k] = NAN;

    /* A few passes over the centres rather than one per metric.  Each sum
     * adds its terms in centre order, whichever path computed them. */
    pass1 p;
    block_sums bs = {0, 0, 0};
    int terms = 0, dense = 0;
    /* many centres: passes 1 and 2 and three of pass 3's sums a block at a
     * time (dense_blocks), when the total is the caller's */
    int blocked = m == n && m > CANDIDATES_MAX && total >= 0 &&
                  dense_blocks(ws, alloc, base, total, &p, &bs);
    if (blocked)
        dense = terms = 1;
    else
        dense = m == n && dense_pass(ws, alloc, base, total, &p, &terms);
    if (!dense)
        general_pass(ws, alloc, base, &p);
    out[VS_M_MAX_LOSS] = p.max_loss;
    out[VS_M_LOSERS] = p.losers;

    /* high_need_share and dissimilarity are defined when there is money
     * to share (A == 0 divides; allocations are never negative in
     * vardsim, so A < 0 is treated alike).  gini, ci_need, hi and theil
     * need kept centres with money; theil also no negative amount. */
    double A = p.A, Ak = p.Ak;
    /* Totals of persons or need beyond a double (listed near 1e308, say)
     * leave the metrics built on them undefined too, not 0 or inf. */
    int finite = ws->N <= DBL_MAX && ws->P <= DBL_MAX;
    int with_d = A > 0 && ws->N > 0 && finite;
    int with_k = m > 0 && Ak > 0 && finite;
    int with_t = with_k && !p.negative;
    if (A > 0)
        out[VS_M_HIGH_NEED_SHARE] = p.high / A;

    /* Pass 2, the terms that need the totals.  Theil's: the ratios, their
     * logs four at a time (vecmath.h), then s_i ln(ratio_i) in place.
     * The dissimilarity's: in the dense case as terms for pass 3, else its
     * own sum over every centre. */
    double *sh = ws->share, *ra = ws->ratio, d = 0;
    if (dense) {
        /* dense_pass wrote the terms when told the right total: its A,
         * and 1 / A for 1 / Ak (dense: Ak == A); terms a metric leaves
         * undefined are written and never read */
        if (!terms)
            dense_terms(ws, alloc, A, with_t ? 1 / Ak : 0, with_t, with_d);
    } else {
        if (with_t) {
            double inv = 1 / Ak;
            for (size_t j = 0; j < m; j++) {
                sh[j] = (double)alloc[ws->kept[j]] * inv;
                ra[j] = sh[j] * ws->inv_need_share[j];
            }
        }
        if (with_d)
            for (size_t i = 0; i < n; i++)
                d += fabs((double)alloc[i] - A * ws->need_share[i]);
    }
    if (with_t && !blocked) {
        vs_vecmath_xlog(sh, ra, ra, m); /* 0 ln 0 = 0; t is never -0 */
    }
    if (!with_k) {
        if (with_d) {
            for (size_t i = 0; dense && !blocked && i < n; i++)
                d += ws->dis_term[i];
            if (blocked)
                d = bs.d;
            out[VS_M_DISSIMILARITY] = d / (2 * A);
        }
        if (ws->need_apart)
            out[VS_M_THEIL] = theil_by_need(ws, alloc);
        return;
    }
    /* Pass 3, the sums that must add their terms in a fixed order, each a
     * chain of additions that waits on the one before:
     *   gini = sum_i sum_j p_i p_j |f_i - f_j| / (2 P^2 mu)
     *        = sum_j p_j (f_j W_j - S_j) / (P^2 mu), centres by f
     *     ascending, W_j and S_j the persons and money before j;
     *   theil = sum (n_i/N)(g_i/gbar) ln(g_i/gbar) = sum s_i ln(s_i N / n_i)
     *     over the kept centres (terms from pass 2);
     *   dense only: cov = sum a_i dev_i and dissimilarity = sum |a_i - A
     *     n_i / N| / 2A (terms from the passes before, kept[j] == j).
     * One loop runs the chains side by side, so each one's additions wait
     * out the others' latency rather than their own: the same sums in the
     * same order, bit for bit, in about the time of one.  The dense case
     * with every term defined (the usual one) is dense_sums. */
    double g = 0, t = 0, cov = p.cov;
    if (dense && with_t && with_d) {
        chains c;
        dense_sums(ws, base == NULL, blocked, &c);
        g = c.g, t = c.t, cov = c.cov, d = c.d;
    } else {
        const uint32_t *sorted = sort_per_capita(ws, base == NULL, 0);
        double W = 0, S = 0;
        for (size_t k = 0; k < m; k++) {
            uint32_t j = sorted[k];
            double pj = ws->kp[j];
            g += pj * (ws->f[j] * W - S);
            W += pj;
            S += (double)alloc[ws->kept[j]];
            if (with_t && !blocked)
                t += ra[k];
            if (dense && !blocked) {
                cov += ws->cov_term[k];
                if (with_d)
                    d += ws->dis_term[k];
            }
        }
    }
    if (blocked) /* the same sums, added by dense_blocks */
        t = bs.t, cov = bs.cov, d = bs.d;
    if (with_d)
        out[VS_M_DISSIMILARITY] = d / (2 * A);
    if (with_t)
        out[VS_M_THEIL] = t;
    if (ws->need_apart)
        out[VS_M_THEIL] = theil_by_need(ws, alloc);
    /* a ratio s_i N / n_i can overflow: undefined then, not inf */
    if (!isfinite(out[VS_M_THEIL]))
        out[VS_M_THEIL] = NAN;
    /* ci_need = 2 cov_p(f, R) / mu = 2 sum a_i dev_i / Ak (see prepare) */
    out[VS_M_CI_NEED] = 2 * cov / Ak;
    out[VS_M_HI] = out[VS_M_CI_NEED] - ws->ci_cni;
    /* g / (P^2 mu) with mu = Ak / P; rounding can leave a tiny negative
     * value when every f is equal, and a Gini is never negative */
    g = g / (ws->P * Ak);
    out[VS_M_GINI] = g > 0 ? g : 0;
}
