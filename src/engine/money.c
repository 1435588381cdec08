/* money.c: exact money in integer öre (see money.h).
 *
 * Two ideas carry this file.  First, a SEK amount is rounded to öre once,
 * where it enters, and everything after that is int64 arithmetic, so the
 * books balance to the öre.  Second, splitting an amount by weights uses
 * the largest remainder method, which gives each item the floor of its
 * quota and hands the few öre left over to the largest fractional parts,
 * so the parts sum to the whole exactly.  Both run inside the Monte Carlo
 * loop (tens of thousands of times a second on ~1,000 centres): nothing
 * here allocates, and the ranking of remainders is a selection (average
 * O(n)), not a sort. */
#include "engine/money.h"

#include <assert.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/vecmath.h"
#include "vardsim/error.h"

/* Bounds of magnitude beyond this many öre are treated as absent: no real
 * amount comes near (VS_MONEY_MAX_SEK is 9e15 öre) and it keeps every
 * conversion to int64 defined. */
#define BOUND_BIG 1e18

/* ------------------------------------------------------------------ */
/* Conversion and formatting                                           */

/* Rounding rule for the whole product: nearest öre, halves away from zero
 * (C's round).  The value rounded is the double sek * 100 as the machine
 * computes it, so a SEK amount that is not exact in binary rounds as its
 * product does: 0.125 SEK is 12.5 öre exactly and gives 13; 2.675 SEK is
 * 2.67499999999999982 in binary but its product rounds to 267.5 and gives
 * 268; 1.005 SEK gives 100.49999999999999 and so 100.  Amounts typed in
 * scenarios are whole SEK or whole öre in practice, where this never
 * matters. */
int vs_money_from_sek(double sek, vs_ore *out)
{
    if (!isfinite(sek) || fabs(sek) > VS_MONEY_MAX_SEK)
        return VS_ERUN;
    *out = (vs_ore)round(sek * 100.0);
    return VS_OK;
}

int vs_money_from_ore_double(double ore, vs_ore *out)
{
    if (!isfinite(ore) || fabs(ore) > VS_MONEY_MAX_SEK * 100.0)
        return VS_ERUN;
    *out = (vs_ore)round(ore);
    return VS_OK;
}

char *vs_money_format(vs_ore v, char decimal, char *buf, size_t n)
{
    /* Work on the magnitude as unsigned so INT64_MIN formats too; integer
     * division keeps every öre (a double holds whole öre only up to 2^53). */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    snprintf(buf, n, "%s%" PRIu64 "%c%02u", v < 0 ? "-" : "", mag / 100,
             decimal, (unsigned)(mag % 100));
    return buf;
}

char *vs_money_format_double(double ore, char decimal, char *buf, size_t n)
{
    if (!isfinite(ore) || n == 0) {
        if (n)
            buf[0] = '\0';
        return buf;
    }
    double r = round(ore);
    if (fabs(r) < 9.2e18)
        return vs_money_format((vs_ore)r, decimal, buf, n);
    /* Beyond int64 (never for real money): the best a double can say. */
    snprintf(buf, n, "%.2f", r / 100.0);
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = decimal;
    return buf;
}

/* ------------------------------------------------------------------ */
/* Ranking: quickselect with a heap sort fallback                      */

/* Item a ranks before item b: larger key first, equal keys to the lower
 * item number.  Because of the tie-break no two items rank equal, which
 * keeps the partitioning below simple. */
static inline int before(const double *key, size_t a, size_t b)
{
    return key[a] > key[b] || (key[a] == key[b] && a < b);
}

static inline void swap_idx(size_t *idx, ptrdiff_t i, ptrdiff_t j)
{
    size_t t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
}

/* Heap sort of idx[0..m) into rank order (best first): the guaranteed
 * O(m log m) fallback when quickselect keeps picking bad pivots. */
static void sift_down(const double *key, size_t *idx, size_t root, size_t m)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= m)
            return;
        /* A max-heap of "ranks last", so the worst item surfaces first
         * and is moved to the end. */
        if (c + 1 < m && before(key, idx[c], idx[c + 1]))
            c++;
        if (!before(key, idx[root], idx[c]))
            return;
        swap_idx(idx, (ptrdiff_t)root, (ptrdiff_t)c);
        root = c;
    }
}

static void heap_sort(const double *key, size_t *idx, size_t m)
{
    for (size_t i = m / 2; i-- > 0;)
        sift_down(key, idx, i, m);
    for (size_t end = m; end > 1; end--) {
        swap_idx(idx, 0, (ptrdiff_t)end - 1);
        sift_down(key, idx, 0, end - 1);
    }
}

void vs_money_rank_top(const double *key, size_t *idx, size_t m, size_t k)
{
    if (k == 0 || k >= m)
        return;
    /* Place the item of rank k (0-based) at position k with every better
     * item before it: then idx[0..k) is the top k. */
    ptrdiff_t lo = 0, hi = (ptrdiff_t)m - 1, p = (ptrdiff_t)k;
    int budget = 2;
    for (size_t s = m; s > 1; s >>= 1)
        budget += 2;
    while (hi > lo) {
        if (--budget < 0) {
            heap_sort(key, idx + lo, (size_t)(hi - lo + 1));
            return;
        }
        /* Median of three as the pivot: sorted and reverse-sorted keys
         * (equal remainders ranked by index) then partition evenly. */
        ptrdiff_t mid = lo + (hi - lo) / 2;
        if (before(key, idx[mid], idx[lo]))
            swap_idx(idx, mid, lo);
        if (before(key, idx[hi], idx[lo]))
            swap_idx(idx, hi, lo);
        if (before(key, idx[hi], idx[mid]))
            swap_idx(idx, hi, mid);
        size_t piv = idx[mid];
        /* Hoare partition: afterwards [lo..j] rank before or at the pivot
         * and [i..hi] after or at it; the inner loops stop at the pivot
         * itself at the latest, so they never run off the range. */
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (before(key, idx[i], piv))
                i++;
            while (before(key, piv, idx[j]))
                j--;
            if (i <= j) {
                swap_idx(idx, i, j);
                i++;
                j--;
            }
        }
        if (p <= j)
            hi = j;
        else if (p >= i)
            lo = i;
        else
            return; /* p sits between: it holds the pivot, in place */
    }
}

/* ------------------------------------------------------------------ */
/* Largest remainder                                                   */

#define BINS 256
#define GIVE_FEW 64 /* boundary bins up to this size go on the stack */

/* Give one öre to each of the k items of idx[0..m) with the largest
 * remainders, ties to the lower index.  Remainders lie in [0, 1), so a
 * histogram over BINS equal bins (count, made by the caller as it found
 * the remainders) finds, in one linear pass, the bin
 * that holds the k-th largest: every item in a higher bin has a strictly
 * larger remainder and gets its öre at once, and only the few items of
 * that one bin need an exact ranking.  This is several times faster than
 * quickselect on all m (whose comparisons are unpredictable branches);
 * equal remainders all land in one bin, where the ranking by index is
 * cheap.  idx is reordered; the bins live on the stack. */
static inline size_t bin_of(double r)
{
    /* r in [0, 1): r * BINS fits an int, whose conversion is one
     * instruction (to size_t it takes a test for values past 2^63) */
    int b = (int)(r * BINS);
    return b < BINS ? (size_t)b : BINS - 1;
}

/* give_top's usual pass when idx is 0..m-1 (every item has weight, no
 * list), four items at a time: out[i] += 1 above the boundary bin b and
 * the boundary bin's items listed in few[*c], in item order, as the loop
 * in give_top does them.  bin_of(r) > b is r >= (b + 1) / BINS (r BINS
 * is exact, BINS a power of two, and the conversion truncates r BINS >= 0;
 * never for b = BINS - 1, the clamp), and bin_of(r) == b is b / BINS <= r
 * and not above.  Returns how many items it did; few holds at most
 * GIVE_FEW + 1 (the caller counted the bin). */
VS_SIMD_CLONES
static size_t give_top4(const double *rem, size_t m, size_t b, vs_ore *out,
                        size_t *few, size_t *c_io)
{
    double hi = b < BINS - 1 ? (double)(b + 1) / BINS : INFINITY;
    double lo = (double)b / BINS;
    const vs_v4d hi4 = {hi, hi, hi, hi}, lo4 = {lo, lo, lo, lo};
    size_t c = *c_io, j = 0;
    for (; j + 4 <= m; j += 4) {
        vs_v4d r;
        vs_v4i o;
        memcpy(&r, rem + j, sizeof r);
        memcpy(&o, out + j, sizeof o);
        vs_v4i above = (vs_v4i)(r >= hi4), at = (vs_v4i)(r >= lo4) & ~above;
        o -= above; /* true is -1 */
        memcpy(out + j, &o, sizeof o);
        if ((at[0] | at[1] | at[2] | at[3]) != 0)
            for (int l = 0; l < 4; l++) {
                few[c] = j + (size_t)l;
                c += at[l] != 0;
            }
    }
    *c_io = c;
    return j;
}

/* contiguous: idx[j] == j for j < m (see give_top4). */
static void give_top(const double *rem, size_t *idx, size_t m, size_t k,
                     const size_t *count, vs_ore *out, int contiguous)
{
    if (k == 0)
        return;
    if (k >= m) {
        for (size_t j = 0; j < m; j++)
            out[idx[j]] += 1;
        return;
    }
    size_t above = 0, b = BINS - 1;
    while (above + count[b] < k)
        above += count[b--];
    if (count[b] <= GIVE_FEW) {
        /* The usual case, a handful of items in the boundary bin: list
         * them on the stack.  The append is unconditional (a slot past the
         * list is overwritten next time) and only the count moves, so no
         * store waits on a load as in the swap below, and idx is left as
         * it was. */
        size_t few[GIVE_FEW + 1], c = 0, j0 = 0;
        if (contiguous)
            j0 = give_top4(rem, m, b, out, few, &c);
        for (size_t j = j0; j < m; j++) {
            size_t i = idx[j], bi = bin_of(rem[i]);
            out[i] += bi > b;
            few[c] = i;
            c += bi == b;
        }
        vs_money_rank_top(rem, few, c, k - above);
        for (size_t j = 0; j < k - above; j++)
            out[few[j]] += 1;
        return;
    }
    /* The boundary bin's items are swapped to the front, so idx stays a
     * permutation of the m items (apportion_core and the water-filling
     * walk it afterwards).  Written without branches: whether an item is
     * above the boundary is a coin toss for the branch predictor (about
     * half of them are), and the mispredictions cost more than the
     * unconditional stores.  Each step swaps positions c and j (c <= j)
     * and c only moves past an item of the boundary bin, so idx[0..c)
     * holds exactly the boundary items seen so far. */
    size_t c = 0;
    for (size_t j = 0; j < m; j++) {
        size_t i = idx[j], bi = bin_of(rem[i]);
        out[i] += bi > b;
        idx[j] = idx[c];
        idx[c] = i;
        c += bi == b;
    }
    vs_money_rank_top(rem, idx, c, k - above);
    for (size_t j = 0; j < k - above; j++)
        out[idx[j]] += 1;
}

/* Weights are scaled (exactly, by a power of two) when their sum lies
 * outside [2^-500, 2^500]: there A w_i / W and the water level t w_i can
 * neither overflow nor sink into subnormals, and no real weight (persons,
 * öre, CNI products) comes anywhere near either end.  Scaling by 2^-k
 * changes no quota, so any finite weights work, however large (a listed
 * of 1e305) or small, even when their sum overflows to infinity. */
#define W_SAFE_LO 0x1p-500
#define W_SAFE_HI 0x1p500

static inline int weights_unsafe(double W)
{
    return !(W >= W_SAFE_LO && W <= W_SAFE_HI);
}

/* Weight i scaled by 2^-k; k == 0 (a constant in the usual instance of
 * the loops below) compiles to the plain load. */
static inline double wk(const double *w, size_t i, int k)
{
    return k ? ldexp(w[i], -k) : w[i];
}

/* The exponent k (never 0) that brings the largest of the listed weights
 * to about 1, and their sum scaled by 2^-k in list order (below 2^41 for
 * any n, and at least 1/2 when a weight is positive). */
static double weights_rescale(const double *w, const size_t *list,
                              size_t count, int *k)
{
    double mx = 0;
    for (size_t j = 0; j < count; j++) {
        double v = w[list ? list[j] : j];
        if (v > mx)
            mx = v;
    }
    *k = mx > 0 ? ilogb(mx) : 1;
    if (*k == 0)
        *k = 1; /* 0 would mean "not scaled" to wk; 2^-1 is as good */
    double W = 0;
    for (size_t j = 0; j < count; j++)
        W += wk(w, list ? list[j] : j, *k);
    return W;
}

/* The first step of apportion_body, four items at a time, for unscaled
 * weights (k == 0) and amounts A < VS_V4_I2D_MAX: for each item of
 * positive weight its quota's floor in out[i] and remainder in rem[i],
 * its remainder's bin counted, the floors added to *sum and the item
 * appended to idx[*m]; out[i] = rem[i] = 0 for the others.  Returns how
 * many of the `count` items it did (whole blocks of four; the caller does
 * the rest one by one).
 *
 * The same values to the bit as the loop in apportion_body: q = A w / W
 * is the same two IEEE operations; q >= 0 is below 2^51, where rounding
 * to an integer by adding and taking away 2^52 + 2^51 is exact, and one
 * taken off where that rounded up gives the floor, i.e. the truncation
 * (vs_ore)q; rem = q - floor is the same subtraction; the bin is the floor
 * of rem * BINS (exact: BINS is a power of two) the same way.  Why: the
 * division and the two conversions of each item were a long chain the
 * scalar loop ran once per item (a quarter of the time of an
 * apportionment); here four lanes share each instruction.  Four bin
 * counts, one per lane, so that no increment waits on the one before it
 * (items in a row often share a bin); the caller adds them up. */
/* Lane l of a quotas4 block: item i's floor f and remainder bin b,
 * counted when p (its weight is positive: 1, else 0). */
static inline __attribute__((always_inline)) void
quota_lane(size_t i, int64_t p, int64_t b, uint32_t *bins, size_t *idx,
           size_t *m)
{
    bins[b] += (uint32_t)p;
    idx[*m] = i;
    *m += (size_t)p;
}

VS_SIMD_CLONES
static size_t quotas4(double A, const double *w, const size_t *list,
                      size_t count, double W, vs_ore *out, double *rem,
                      size_t *idx, uint32_t (*bins4)[BINS], vs_ore *sum,
                      size_t *m_io)
{
    const vs_v4d big = {6755399441055744.0, 6755399441055744.0,
                        6755399441055744.0, 6755399441055744.0}; /* 2^52 + 2^51 */
    const vs_v4d zero = {0, 0, 0, 0};
    const vs_v4i ione = {1, 1, 1, 1}, bigbits = (vs_v4i)big;
    const vs_v4d A4 = {A, A, A, A}, W4 = {W, W, W, W};
    const vs_v4d nb = {BINS, BINS, BINS, BINS};
    const vs_v4i topb = {BINS - 1, BINS - 1, BINS - 1, BINS - 1};
    size_t m = *m_io, j = 0;
    vs_v4i s4 = {0, 0, 0, 0};
    for (; j + 4 <= count; j += 4) {
        size_t i0 = j, i1 = j + 1, i2 = j + 2, i3 = j + 3;
        vs_v4d wv;
        if (list) {
            i0 = list[j], i1 = list[j + 1], i2 = list[j + 2], i3 = list[j + 3];
            wv = (vs_v4d){w[i0], w[i1], w[i2], w[i3]};
        } else {
            memcpy(&wv, w + j, sizeof wv);
        }
        vs_v4i pos = (vs_v4i)(wv > zero) & ione;
        vs_v4d q = A4 * wv / W4;
        vs_v4d r = (q + big) - big;
        vs_v4i fi = ((vs_v4i)(r + big) - bigbits) + (vs_v4i)(r > q); /* true is -1 */
        vs_v4d fl;
        vs_v4_i2d(&fi, &fl);
        vs_v4d re = q - fl;
        vs_v4d bq = re * nb;
        vs_v4d br = (bq + big) - big;
        vs_v4i bi = ((vs_v4i)(br + big) - bigbits) + (vs_v4i)(br > bq);
        vs_v4i btop = (vs_v4i)(bi > topb); /* bin_of's clamp */
        bi = (btop & topb) | (~btop & bi);
        /* weight 0 (or, never, below): 0, 0 and bin 0 */
        vs_v4i mask = -pos;
        fi &= mask;
        bi &= mask;
        re = (vs_v4d)((vs_v4i)re & mask);
        s4 += fi;
        if (list) {
            out[i0] = fi[0], out[i1] = fi[1], out[i2] = fi[2], out[i3] = fi[3];
            rem[i0] = re[0], rem[i1] = re[1], rem[i2] = re[2], rem[i3] = re[3];
        } else {
            memcpy(out + j, &fi, sizeof fi);
            memcpy(rem + j, &re, sizeof re);
        }
        quota_lane(i0, pos[0], bi[0], bins4[0], idx, &m);
        quota_lane(i1, pos[1], bi[1], bins4[1], idx, &m);
        quota_lane(i2, pos[2], bi[2], bins4[2], idx, &m);
        quota_lane(i3, pos[3], bi[3], bins4[3], idx, &m);
    }
    *sum += s4[0] + s4[1] + s4[2] + s4[3];
    *m_io = m;
    return j;
}

/* apportion_core's work once W is known and safe (see there).  Inlined
 * twice: with k == 0, the usual case, and with a scale. */
static inline __attribute__((always_inline)) vs_ore
apportion_body(vs_ore amount, const double *w, int k, const size_t *list,
               size_t count, double W, vs_ore *out, double *rem,
               size_t *idx, size_t *m_out)
{
#define ITEM(j) (list ? list[j] : (j))
    *m_out = 0;
    if (amount == 0 || !(W > 0)) {
        for (size_t j = 0; j < count; j++)
            out[ITEM(j)] = 0;
        return 0;
    }
    assert(amount != INT64_MIN);
    vs_ore a = amount < 0 ? -amount : amount;
    double A = (double)a;

    /* Floors of the quotas, remainders, and the list of items that may
     * receive a leftover öre (positive weight: weight 0 always gets 0). */
    vs_ore sum = 0;
    size_t m = 0, bins[BINS] = {0}, j0 = 0;
    if (k == 0 && A < (double)VS_V4_I2D_MAX) {
        uint32_t bins4[4][BINS];
        memset(bins4, 0, sizeof bins4);
        j0 = quotas4(A, w, list, count, W, out, rem, idx, bins4, &sum, &m);
        for (size_t b = 0; b < BINS; b++)
            bins[b] = (size_t)bins4[0][b] + bins4[1][b] + bins4[2][b] + bins4[3][b];
    }
    for (size_t j = j0; j < count; j++) {
        size_t i = ITEM(j);
        if (w[i] > 0) {
            /* q >= 0, so truncation is the floor (and much cheaper than
             * floor() where the CPU baseline lacks a rounding instruction) */
            double q = A * wk(w, i, k) / W;
            out[i] = (vs_ore)q;
            rem[i] = q - (double)out[i];
            bins[bin_of(rem[i])]++; /* give_top's histogram */
            sum += out[i];
            idx[m++] = i;
        } else {
            out[i] = 0;
            rem[i] = 0;
        }
    }
#undef ITEM
    *m_out = m;

    vs_ore left = a - sum;
    if (left > 0) {
        /* Normally fewer than m öre are left.  Only a gross rounding error
         * (quotas near 2^53) could leave more: hand out whole rounds. */
        if ((uint64_t)left > m) {
            vs_ore per = left / (vs_ore)m;
            for (size_t j = 0; j < m; j++)
                out[idx[j]] += per;
            left -= per * (vs_ore)m;
        }
        give_top(rem, idx, m, (size_t)left, bins, out, !list && m == count);
    }
    /* Floors beyond the amount by more than one round (only adversarial
     * weights at the largest amounts come near): whole rounds back first,
     * each at most what an item holds, so the scan below runs < m times.
     * The items hold more than -left in all, so every round takes some. */
    while (left < 0 && (uint64_t)-left > m) {
        vs_ore per = -left / (vs_ore)m;
        for (size_t j = 0; j < m && left < 0; j++) {
            size_t i = idx[j];
            vs_ore t = out[i] < per ? out[i] : per;
            out[i] -= t;
            rem[i] += (double)t;
            left += t;
        }
    }
    /* Rounding made the floors exceed the amount (a quota rounded up to
     * the next integer): take one öre back at a time from the smallest
     * remainder, ties from the higher index, i.e. from the end of the
     * ranking above.  Taking an öre raises that item's remainder by one,
     * so it is not picked again until every other item has given one.
     * This is rare and involves one or two öre, so a scan will do. */
    while (left < 0) {
        size_t pick = SIZE_MAX;
        for (size_t j = 0; j < m; j++) {
            size_t i = idx[j];
            if (out[i] <= 0)
                continue;
            if (pick == SIZE_MAX || rem[i] < rem[pick] ||
                (rem[i] == rem[pick] && i > pick))
                pick = i;
        }
        assert(pick != SIZE_MAX);
        out[pick] -= 1;
        rem[pick] += 1.0;
        left += 1;
    }

    /* Items of weight 0 hold 0 already: only idx[0..m) need a sign. */
    if (amount < 0)
        for (size_t j = 0; j < m; j++)
            out[idx[j]] = -out[idx[j]];
#ifndef NDEBUG
    /* The items of weight 0 hold 0, so the sum over all items is the sum
     * over idx[0..m); in item order it reads memory in sequence (idx was
     * shuffled by the ranking).  When list is idx, idx is all there is. */
    vs_ore check = 0;
    if (list == idx)
        for (size_t j = 0; j < m; j++)
            check += out[idx[j]];
    else if (list)
        for (size_t j = 0; j < count; j++)
            check += out[list[j]];
    else /* a plain sum, which the compiler runs in vector lanes */
        for (size_t j = 0; j < count; j++)
            check += out[j];
    assert(check == amount);
#endif
    return amount;
}

/* The largest remainder method over the `count` items list[0..count), in
 * increasing index order (items 0..count-1 when list is NULL); out[i] of
 * the other items is left alone.  list may be idx itself: entry j is read
 * before idx[j] or anything after it is written.  Shared by
 * vs_money_apportion and the free items of vs_money_waterfill, so that
 * water-filling with no bound binding is apportionment, bit for bit.  The
 * water-filling passes the list of its free items rather than flags over
 * all n, which saves it a pass over the fixed ones and a branch the
 * predictor misses where free and fixed items alternate.  w[i] is read
 * as w[i] x 2^-k (k = 0: as is); weights whose sum is out of the safe
 * range are rescaled here.
 * Returns amount, or 0 when the weights sum to 0; on return idx[0..m)
 * lists (in no particular order) the m items of positive weight. */
static vs_ore apportion_core(vs_ore amount, const double *w, int k,
                             const size_t *list, size_t count, double W_sum,
                             vs_ore *out, double *rem, size_t *idx,
                             size_t *m_out)
{
    /* W_sum: the caller's sum of the weights in list order when it has
     * one (the water-filling does, from step 1), else NAN */
    double W = W_sum;
    if (isnan(W)) {
        /* The sum is a chain of additions in list order; the weights'
         * check (for the assert) is kept off it, without a branch. */
        W = 0;
        int ok = 1;
        for (size_t j = 0; j < count; j++) {
            size_t i = list ? list[j] : j;
            ok &= (w[i] >= 0) & (w[i] <= DBL_MAX);
            W += wk(w, i, k);
        }
        assert(ok);
        (void)ok;
    }
    if (W != 0 && weights_unsafe(W)) {
        W = weights_rescale(w, list, count, &k);
        return apportion_body(amount, w, k, list, count, W, out, rem, idx,
                              m_out);
    }
    if (k == 0)
        return apportion_body(amount, w, 0, list, count, W, out, rem, idx,
                              m_out);
    return apportion_body(amount, w, k, list, count, W, out, rem, idx, m_out);
}

vs_ore vs_money_apportion(vs_ore amount, const double *w, size_t n,
                          vs_ore *out, double *rem, size_t *idx)
{
    if (n == 0)
        return 0;
    size_t m;
    return apportion_core(amount, w, 0, NULL, n, NAN, out, rem, idx, &m);
}

vs_ore vs_money_apportion_summed(vs_ore amount, const double *w, double W,
                                 size_t n, vs_ore *out, double *rem,
                                 size_t *idx)
{
    if (n == 0)
        return 0;
    size_t m;
    return apportion_core(amount, w, 0, NULL, n, W, out, rem, idx, &m);
}

/* ------------------------------------------------------------------ */
/* Water-filling                                                       */

/* Bounds in whole öre: a lower bound rounded up, an upper bound rounded
 * down (docs/methods.md, "Water-filling"), absent or huge ones infinite. */
/* floor and ceil, through a conversion to int64 where that is exact
 * (0 <= x < BOUND_BIG, where truncation is the floor): the CPU baseline
 * has no rounding instruction, and libm's took a fifth of the
 * water-filling.  Same values as floor() and ceil(). */
static inline double floor_ore(double x)
{
    return x >= 0 && x < BOUND_BIG ? (double)(int64_t)x : floor(x);
}

static inline double ceil_ore(double x)
{
    if (!(x >= 0 && x < BOUND_BIG))
        return ceil(x);
    double t = (double)(int64_t)x;
    return t < x ? t + 1 : t;
}

static inline double lower_ore(const double *lo, size_t i)
{
    if (!lo || !(lo[i] > -BOUND_BIG))
        return -INFINITY;
    double l = ceil_ore(lo[i]);
    return l < BOUND_BIG ? l : BOUND_BIG;
}

static inline double upper_ore(const double *hi, size_t i)
{
    if (!hi || !(hi[i] < BOUND_BIG))
        return INFINITY;
    double h = floor_ore(hi[i]);
    return h > -BOUND_BIG ? h : -BOUND_BIG;
}

/* The set-up of vs_money_waterfill with upper bounds only (see there),
 * four items at a time, as long as every bound of the block is in
 * [0, VS_V4_I2D_MAX) öre (a cut's bounds are what the centres hold);
 * returns how many items it did, from 0, for the scalar loop to go on
 * from.  There H = upper_ore(hi, i) is floor(hi[i]) >= 0, computed as in
 * quotas4 (round by adding and taking away 2^52 + 2^51, one off where
 * that rounded up), so an item is free exactly when it has weight, and
 * out[i] = 0 and `fixed` gains nothing; WF adds the free weights one by
 * one in item order, as the scalar loop does. */
VS_SIMD_CLONES
static size_t caps_setup4(const double *w, const double *hi, size_t n,
                          vs_ore *out, double *x, double *rem, size_t *idx,
                          unsigned char *clamped, size_t *nf_io, double *WF_io,
                          int *ok)
{
    const vs_v4d big = {6755399441055744.0, 6755399441055744.0,
                        6755399441055744.0, 6755399441055744.0}; /* 2^52 + 2^51 */
    const vs_v4d zero = {0, 0, 0, 0};
    const vs_v4d top = {(double)VS_V4_I2D_MAX, (double)VS_V4_I2D_MAX,
                        (double)VS_V4_I2D_MAX, (double)VS_V4_I2D_MAX};
    const vs_v4d ninf = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    const vs_v4d one = {1, 1, 1, 1};
    const vs_v4d wmax = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
    size_t nf = *nf_io, i = 0;
    double WF = *WF_io;
    vs_v4i good = {-1, -1, -1, -1};
    for (; i + 4 <= n; i += 4) {
        vs_v4d h, wv;
        memcpy(&h, hi + i, sizeof h);
        vs_v4i in = (vs_v4i)(h >= zero) & (vs_v4i)(h < top);
        if ((in[0] & in[1] & in[2] & in[3]) == 0)
            break; /* a bound out of the fast range (or NaN): scalar */
        memcpy(&wv, w + i, sizeof wv);
        good &= (vs_v4i)(wv >= zero) & (vs_v4i)(wv <= wmax);
        vs_v4d r = (h + big) - big;
        vs_v4d H = r - (vs_v4d)((vs_v4i)(r > h) & (vs_v4i)one);
        vs_v4i has = (vs_v4i)(wv > zero);
        vs_v4d xv = (vs_v4d)(~has & (vs_v4i)ninf); /* 0 with weight, else -inf */
        memcpy(x + i, &xv, sizeof xv);
        memcpy(rem + i, &H, sizeof H);
        const vs_v4i izero = {0, 0, 0, 0};
        memcpy(out + i, &izero, sizeof izero);
        if ((has[0] & has[1] & has[2] & has[3]) != 0) {
            /* the usual block, four free items: the same as the loop below */
            memset(clamped + i, 0, 4);
            for (int l = 0; l < 4; l++) {
                idx[nf + (size_t)l] = i + (size_t)l;
                WF += wv[l];
            }
            nf += 4;
            continue;
        }
        for (int l = 0; l < 4; l++) {
            int f = has[l] != 0;
            clamped[i + (size_t)l] = (unsigned char)!f;
            idx[nf] = i + (size_t)l;
            nf += (size_t)f;
            WF += f ? wv[l] : 0.0;
        }
    }
    *ok &= (good[0] & good[1] & good[2] & good[3]) != 0;
    *nf_io = nf;
    *WF_io = WF;
    return i;
}

/* Whether some item i < n (every item free, idx the identity) is out of
 * [x_i, rem_i] at level t: step 1's test (v < x or v > rem, v = t w_i)
 * four items at a time.  When none is, step 1's sums VL and VU are both
 * 0 and it stops; otherwise the scalar round runs as before. */
VS_SIMD_CLONES
static int level_violated4(double t, const double *w, const double *x,
                           const double *rem, size_t n)
{
    const vs_v4d t4 = {t, t, t, t};
    vs_v4i bad = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4d wv, xv, rv;
        memcpy(&wv, w + i, sizeof wv);
        memcpy(&xv, x + i, sizeof xv);
        memcpy(&rv, rem + i, sizeof rv);
        vs_v4d v = t4 * wv;
        bad |= (vs_v4i)(v < xv) | (vs_v4i)(v > rv);
    }
    int any = (bad[0] | bad[1] | bad[2] | bad[3]) != 0;
    for (; i < n; i++) {
        double v = t * w[i];
        any |= (v < x[i]) | (v > rem[i]);
    }
    return any;
}

/* Whether some item i < n (every item free) is placed outside its bounds
 * after the apportionment: step 2's test (o < x, or above hi, o = out_i)
 * four at a time, for parts in [0, VS_V4_I2D_MAX) (converted exactly);
 * 1 (the scalar check runs) for any other part.  An item not above hi
 * needs no rounding of the bound (o <= hi), as in step 2. */
VS_SIMD_CLONES
static int placed_outside4(const vs_ore *out, const double *x, const double *hi,
                           size_t n)
{
    const vs_v4i izero = {0, 0, 0, 0};
    const vs_v4i top = {VS_V4_I2D_MAX, VS_V4_I2D_MAX, VS_V4_I2D_MAX, VS_V4_I2D_MAX};
    vs_v4i bad = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4i o;
        vs_v4d ov, xv, hv;
        memcpy(&o, out + i, sizeof o);
        bad |= ~((o >= izero) & (o < top));
        vs_v4_i2d(&o, &ov);
        memcpy(&xv, x + i, sizeof xv);
        bad |= (vs_v4i)(ov < xv);
        if (hi) {
            memcpy(&hv, hi + i, sizeof hv);
            bad |= ~(vs_v4i)(ov <= hv);
        }
    }
    int any = (bad[0] | bad[1] | bad[2] | bad[3]) != 0;
    for (; i < n; i++) {
        double o = (double)out[i];
        any |= (o < x[i]) | (hi && !(o <= hi[i]));
    }
    return any;
}

/* The first pass of caps_all_free, four items at a time: while every
 * item of a block has a weight in (0, DBL_MAX] and a bound in
 * [0, VS_V4_I2D_MAX), rem[i] = H = floor(hi[i]) as caps_setup4 computes
 * it and the weights added to *WF_io one by one in item order; returns
 * how many items it did (fewer than n - 3: a block failed). */
VS_SIMD_CLONES
static size_t caps_free4(const double *w, const double *hi, size_t n,
                         double *rem, double *WF_io)
{
    const vs_v4d big = {6755399441055744.0, 6755399441055744.0,
                        6755399441055744.0, 6755399441055744.0}; /* 2^52 + 2^51 */
    const vs_v4d zero = {0, 0, 0, 0}, one = {1, 1, 1, 1};
    const vs_v4d top = {(double)VS_V4_I2D_MAX, (double)VS_V4_I2D_MAX,
                        (double)VS_V4_I2D_MAX, (double)VS_V4_I2D_MAX};
    const vs_v4d wmax = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
    double WF = *WF_io;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4d h, wv;
        memcpy(&h, hi + i, sizeof h);
        memcpy(&wv, w + i, sizeof wv);
        vs_v4i in = (vs_v4i)(h >= zero) & (vs_v4i)(h < top) &
                    (vs_v4i)(wv > zero) & (vs_v4i)(wv <= wmax);
        if ((in[0] & in[1] & in[2] & in[3]) == 0)
            break;
        vs_v4d r = (h + big) - big;
        vs_v4d H = r - (vs_v4d)((vs_v4i)(r > h) & (vs_v4i)one);
        memcpy(rem + i, &H, sizeof H);
        WF += wv[0];
        WF += wv[1];
        WF += wv[2];
        WF += wv[3];
    }
    *WF_io = WF;
    return i;
}

/* Whether some item i < n is out of [0, rem_i] at level t (t w_i < 0 or
 * above), or placed outside [0, hi_i] (out_i < 0, not below
 * VS_V4_I2D_MAX, or above hi_i): level_violated4 and placed_outside4 with
 * every lower bound 0, for caps_all_free; `placed` chooses the test. */
VS_SIMD_CLONES
static int caps_outside4(int placed, double t, const double *w,
                         const double *rem, const vs_ore *out,
                         const double *hi, size_t n)
{
    const vs_v4d t4 = {t, t, t, t}, zero = {0, 0, 0, 0};
    const vs_v4i izero = {0, 0, 0, 0};
    const vs_v4i top = {VS_V4_I2D_MAX, VS_V4_I2D_MAX, VS_V4_I2D_MAX, VS_V4_I2D_MAX};
    vs_v4i bad = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        if (placed) {
            vs_v4i o;
            vs_v4d ov, hv;
            memcpy(&o, out + i, sizeof o);
            bad |= ~((o >= izero) & (o < top));
            vs_v4_i2d(&o, &ov);
            memcpy(&hv, hi + i, sizeof hv);
            bad |= ~(vs_v4i)(ov <= hv);
        } else {
            vs_v4d wv, rv;
            memcpy(&wv, w + i, sizeof wv);
            memcpy(&rv, rem + i, sizeof rv);
            vs_v4d v = t4 * wv;
            bad |= (vs_v4i)(v < zero) | (vs_v4i)(v > rv);
        }
    }
    int any = (bad[0] | bad[1] | bad[2] | bad[3]) != 0;
    for (; i < n; i++) {
        if (placed) {
            any |= !(out[i] >= 0 && out[i] < VS_V4_I2D_MAX) ||
                   !((double)out[i] <= hi[i]);
        } else {
            double v = t * w[i];
            any |= (v < 0) | (v > rem[i]);
        }
    }
    return any;
}

/* vs_money_waterfill with upper bounds only when every item is free from
 * the start to the end (the usual cut, and a pot whose cap binds nobody):
 * every weight positive and every bound in [0, VS_V4_I2D_MAX) öre, no
 * item past its bound at the real water level, none placed outside its
 * bound in öre.  Then the general path (set-up, step 1, step 2) does
 * exactly this: with every item free, idx is the identity, x is 0, fixed
 * is 0 and WF the weights' sum in item order; step 1's test finds nothing
 * and step 2 is one apportionment without a list, whose check finds
 * nothing; so the parts are these, to the bit.  What this skips is the
 * set-up of the scratch arrays (x, out, idx, clamped) that only a bound
 * that binds would read.  Returns 1 with out[] placed (all of amount),
 * or 0 when any of it fails: the caller then runs the general path,
 * which writes every output again (it depends on the inputs alone). */
static int caps_all_free(vs_ore amount, const double *w, const double *hi,
                         size_t n, vs_ore *out, double *rem, size_t *idx)
{
    if (n == 0)
        return 0;
    double WF = 0;
    size_t i = caps_free4(w, hi, n, rem, &WF);
    if (i + 4 <= n)
        return 0;
    for (; i < n; i++) {
        if (!(w[i] > 0 && w[i] <= DBL_MAX && hi[i] >= 0 &&
              hi[i] < (double)VS_V4_I2D_MAX))
            return 0;
        rem[i] = upper_ore(hi, i);
        WF += w[i];
    }
    if (weights_unsafe(WF))
        return 0;
    double t = (double)amount / WF;
    if (caps_outside4(0, t, w, rem, out, hi, n))
        return 0;
    size_t m;
    apportion_core(amount, w, 0, NULL, n, WF, out, rem, idx, &m);
    assert(m == n || m == 0);
    return !caps_outside4(1, t, w, rem, out, hi, n);
}

/* Steps 1 and 2 of vs_money_waterfill (see there) once the items are set
 * up: nf free ones listed in idx with weight sum WF, `fixed` placed.  w[i]
 * is read as w[i] x 2^-k; inlined with k == 0, the usual case, and with a
 * scale for weights out of the safe range. */
static inline __attribute__((always_inline)) vs_ore
waterfill_solve(vs_ore amount, const double *w, int k, const double *hi,
                size_t n, vs_ore *out, double *x, double *rem, size_t *idx,
                unsigned char *clamped, vs_ore fixed, size_t nf, double WF)
{
    /* Step 1: fix the items whose bounds bind at the real water level. */
    while (nf > 0) {
        double t = (double)(amount - fixed) / WF;
        /* every item free and none out of bounds: VL = VU = 0 below */
        if (k == 0 && nf == n && !level_violated4(t, w, x, rem, n))
            break;
        double VL = 0, VU = 0;
        for (size_t j = 0; j < nf; j++) {
            size_t i = idx[j];
            double v = t * wk(w, i, k);
            if (v < x[i])
                VL += x[i] - v;
            else if (v > rem[i])
                VU += v - rem[i];
        }
        if (VL == 0 && VU == 0)
            break;
        int fix_low = VL >= VU, fix_high = VU >= VL;
        size_t still = 0;
        WF = 0;
        for (size_t j = 0; j < nf; j++) {
            size_t i = idx[j];
            double v = t * wk(w, i, k);
            if (fix_low && v < x[i]) {
                out[i] = (vs_ore)x[i];
            } else if (fix_high && v > rem[i]) {
                out[i] = (vs_ore)rem[i];
            } else {
                idx[still++] = i;
                WF += wk(w, i, k);
                continue;
            }
            clamped[i] = 1;
            fixed += out[i];
        }
        nf = still;
    }
    size_t nfree = nf;

    /* Step 2: the free items share the rest in whole öre.  idx[0..nfree)
     * lists them in index order (step 1 kept that order), and WF is their
     * weights' sum in that order: the W the apportionment would add up. */
    while (nfree > 0) {
        size_t m;
        /* Every item free (a cut that binds no cap): idx is 0..n-1, and
         * the apportionment without a list reads the same items in the
         * same order, in vector lanes rather than gathered. */
        const size_t *list = nfree == n ? NULL : idx;
        apportion_core(amount - fixed, w, k, list, nfree, WF, out, rem, idx, &m);
        /* Every free item has weight > 0, so idx[0..nfree) still lists
         * them (reordered, or untouched when there was nothing to share).
         * The order of this check does not matter: it only moves items to
         * their bounds and adds whole öre. */
        assert(m == nfree || m == 0);
        if (nfree == n && !placed_outside4(out, x, hi, n))
            return amount; /* every item within its bounds: nothing moves */
        size_t moved = 0;
        for (size_t j = 0; j < nfree; j++) {
            size_t i = idx[j];
            double o = (double)out[i];
            if (o < x[i]) {
                out[i] = (vs_ore)x[i];
            } else if (hi && !(o <= hi[i]) && o > upper_ore(hi, i)) {
                /* o is a whole number, so o <= hi means o <= floor(hi):
                 * the usual case skips rounding the bound again */
                out[i] = (vs_ore)upper_ore(hi, i);
            } else {
                continue;
            }
            clamped[i] = 1;
            fixed += out[i];
            moved++;
        }
        if (moved == 0)
            return amount;
        /* Rare (floating-point noise at a bound): list the rest again. */
        nfree = 0;
        for (size_t i = 0; i < n; i++)
            if (!clamped[i])
                idx[nfree++] = i;
        WF = NAN; /* apportion_core sums them */
    }
    return fixed;
}

/* The water level solved in two steps.
 *
 * 1. Real numbers.  x_i(t) = clamp(t w_i, L_i, H_i) for t >= 0, with the
 *    bounds already in whole öre (L = ceil(lo), H = floor(hi)); their sum
 *    S(t) is continuous and nondecreasing, and we want S(t) = amount.
 *    Variable fixing (Kiwiel 2008): with the free items F and the fixed
 *    sum, t = (amount - fixed) / W_F; add up how far the free items fall
 *    below their lower bounds (VL) and above their upper bounds (VU).  If
 *    VL > VU then S(t) > amount, so the true level is lower and every item
 *    below its lower bound stays there: fix those.  If VU > VL, fix the
 *    ones above their upper bound.  Equal: t is the level, fix both.
 *    Stop when nothing is violated.  Every round fixes at least one item;
 *    in practice a handful of rounds.  For one-sided bounds this is the
 *    "clamp, hand the excess to the rest, repeat" of docs/methods.md.
 * 2. Öre.  Fixed items hold their bound (already whole öre); the free
 *    items share amount - fixed by largest remainder on w.  Their quotas
 *    equal t w_i, inside whole-öre bounds, so floor and ceiling stay
 *    inside too; only floating-point noise at a bound could push one out,
 *    and then that item is fixed at the bound and the rest re-shared.
 *
 * Rounding the bounds before solving (rather than after) is what makes
 * "every item within its bounds, to the öre" hold whenever the amount is
 * feasible; it moves no item by more than the öre the rounding of its own
 * bound moves it anyway.
 *
 * Items with w_i = 0 sit at clamp(0, L_i, H_i).  Items with w_i > 0 have
 * t w_i >= 0, so a negative lower bound never binds: their lower bound is
 * max(L_i, 0) and nobody with weight is ever placed below zero.  When the
 * amount is below S(0) every item sits at its lower bound, above S(inf)
 * at its upper bound: the bounds win and the return value says what was
 * placed.  x holds the effective lower bounds, clamped marks fixed items. */
vs_ore vs_money_waterfill(vs_ore amount, const double *w, const double *lo,
                          const double *hi, size_t n, vs_ore *out,
                          double *x, double *rem, size_t *idx,
                          unsigned char *clamped)
{
    assert(amount >= 0);
    if (!lo && !hi)
        return vs_money_apportion(amount, w, n, out, rem, idx);

    /* Effective bounds, the items fixed from the start, and the list of
     * the free ones for step 1: idx[0..nf) in index order, their total
     * weight WF, and rem caching their upper bounds (idx and rem are free
     * until step 2), so the rounds below only touch the items still free
     * and round no bound twice. */
    if (!lo && caps_all_free(amount, w, hi, n, out, rem, idx))
        return amount;
    vs_ore fixed = 0;
    size_t nf = 0;
    double WF = 0;
    if (!lo) {
        int ok = 1;
        /* Upper bounds only (the cuts): the loop below with L = -inf, so
         * an item with weight is free unless its cap is negative, and one
         * without sits at min(H, 0).  Same results, fewer branches.  The
         * usual blocks of four (bounds of [0, 2^51) öre) go through
         * caps_setup4 first. */
        size_t i0 = caps_setup4(w, hi, n, out, x, rem, idx, clamped, &nf, &WF, &ok);
        for (size_t i = i0; i < n; i++) {
            /* Without branches: where free and fixed items alternate (a
             * pot for some centres) the predictor would miss half the
             * time.  A free item's out is set in step 1 or 2; its rem
             * caches H; adding 0 leaves WF as it was (it is never -0). */
            double H = upper_ore(hi, i);
            ok &= (w[i] >= 0) & (w[i] <= DBL_MAX);
            int has_w = w[i] > 0, is_free = has_w & (H >= 0);
            x[i] = has_w ? 0 : -INFINITY;
            rem[i] = H;
            out[i] = (vs_ore)(H < 0 ? H : 0);
            clamped[i] = (unsigned char)!is_free;
            fixed += is_free ? 0 : out[i];
            idx[nf] = i;
            nf += (size_t)is_free;
            WF += is_free ? w[i] : 0.0;
        }
        assert(ok); /* every weight finite and >= 0 (tested off the chain) */
        (void)ok;
    }
    for (size_t i = 0; lo && i < n; i++) {
        double L = lower_ore(lo, i), H = upper_ore(hi, i);
        /* No whole öre between lo and hi (both inside one öre, or lo > hi):
         * the upper bound wins, so a cap is never exceeded. */
        if (L > H)
            L = H;
        assert(w[i] >= 0 && isfinite(w[i]));
        if (w[i] > 0) {
            if (L < 0)
                L = 0;
            x[i] = L;
            if (H < L) { /* a negative upper bound: held from t = 0 on */
                out[i] = (vs_ore)H;
                clamped[i] = 1;
                fixed += out[i];
            } else {
                clamped[i] = 0;
                idx[nf++] = i;
                rem[i] = H;
                WF += w[i];
            }
        } else {
            double v = L > 0 ? L : H < 0 ? H : 0;
            x[i] = L;
            out[i] = (vs_ore)v;
            clamped[i] = 1;
            fixed += out[i];
        }
    }

    if (nf > 0 && weights_unsafe(WF)) {
        int k;
        WF = weights_rescale(w, idx, nf, &k);
        return waterfill_solve(amount, w, k, hi, n, out, x, rem, idx, clamped,
                               fixed, nf, WF);
    }
    return waterfill_solve(amount, w, 0, hi, n, out, x, rem, idx, clamped,
                           fixed, nf, WF);
}

/* ------------------------------------------------------------------ */
/* Water level in real numbers                                         */

/* The items still free at level t are those with t w_i <= hi_i; fixing
 * the ones past their bound only raises the level of the rest (what they
 * give up exceeds nothing the others lose), so each round t grows, every
 * round fixes an item or ends, and at most n rounds run. */
double vs_money_waterlevel(double amount, const double *w, const double *hi,
                           size_t n, double *y, size_t *idx,
                           unsigned char *clamped)
{
    assert(amount >= 0);
    size_t nf = 0;
    double fixed = 0;
    for (size_t i = 0; i < n; i++) {
        assert(w[i] >= 0 && isfinite(w[i]) && hi[i] >= 0);
        y[i] = 0;
        clamped[i] = 0;
        if (w[i] > 0)
            idx[nf++] = i;
    }
    while (nf > 0) {
        double W = 0;
        for (size_t j = 0; j < nf; j++)
            W += w[idx[j]];
        double t = (amount - fixed) / W;
        size_t still = 0;
        for (size_t j = 0; j < nf; j++) {
            size_t i = idx[j];
            if (t * w[i] > hi[i]) {
                y[i] = hi[i];
                clamped[i] = 1;
                fixed += hi[i];
            } else {
                idx[still++] = i;
            }
        }
        if (still == nf) {
            for (size_t j = 0; j < nf; j++)
                y[idx[j]] = t * w[idx[j]];
            return amount;
        }
        nf = still;
    }
    return fixed;
}
