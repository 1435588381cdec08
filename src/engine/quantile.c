/* quantile.c: selection-based exact quantiles and a streaming histogram. */
#include "engine/quantile.h"

#include <math.h>
#include <string.h>

/* Hoare-style quickselect with median-of-three pivots: after it returns,
 * a[k] holds the k-th smallest and everything before is <= it.  O(n) on
 * average; Monte Carlo draws are not adversarial. */
#define DEFINE_SELECT(NAME, T)                                               \
    static void NAME(T *a, size_t n, size_t k)                               \
    {                                                                        \
        size_t lo = 0, hi = n - 1;                                           \
        while (hi > lo) {                                                    \
            size_t mid = lo + (hi - lo) / 2;                                 \
            T x = a[lo], y = a[mid], z = a[hi], pivot;                       \
            if (x < y)                                                       \
                pivot = y < z ? y : (x < z ? z : x);                         \
            else                                                             \
                pivot = x < z ? x : (y < z ? z : y);                         \
            /* Classic Hoare partition; with a median-of-three pivot it   \
             * returns lo <= j < hi, so both sides shrink. */              \
            size_t i = lo - 1, j = hi + 1;                                   \
            for (;;) {                                                       \
                do                                                           \
                    i++;                                                     \
                while (a[i] < pivot);                                        \
                do                                                           \
                    j--;                                                     \
                while (pivot < a[j]);                                        \
                if (i >= j)                                                  \
                    break;                                                   \
                T t = a[i];                                                  \
                a[i] = a[j];                                                 \
                a[j] = t;                                                    \
            }                                                                \
            /* a[lo..j] <= pivot <= a[j+1..hi] */                            \
            if (k <= j)                                                      \
                hi = j;                                                      \
            else                                                             \
                lo = j + 1;                                                  \
        }                                                                    \
    }

DEFINE_SELECT(select_double, double)
DEFINE_SELECT(select_int64, int64_t)

/* Type 7: h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]),
 * written exactly as GSL does so the two agree to the bit.  Quantiles are
 * taken in ascending order: after selecting position lhs everything before
 * it is no larger than everything after, so the next selection only works
 * on the part from lhs on. */
#define DEFINE_QUANTILES(NAME, T, SELECT)                                    \
    void NAME(T *a, size_t n, const double *ps, size_t k, double *out)       \
    {                                                                        \
        size_t from = 0;                                                     \
        for (size_t q = 0; q < k; q++) {                                     \
            double index = ps[q] * (double)(n - 1);                          \
            size_t lhs = (size_t)index;                                      \
            double delta = index - (double)lhs;                              \
            if (lhs < from) /* ps not ascending: start again */              \
                from = 0;                                                    \
            SELECT(a + from, n - from, lhs - from);                          \
            from = lhs;                                                      \
            double x = (double)a[lhs];                                       \
            if (n == 1 || delta == 0.0 || lhs + 1 >= n) {                    \
                out[q] = x;                                                  \
                continue;                                                    \
            }                                                                \
            T y = a[lhs + 1];                                                \
            for (size_t i = lhs + 2; i < n; i++)                             \
                if (a[i] < y)                                                \
                    y = a[i];                                                \
            out[q] = (1 - delta) * x + delta * (double)y;                    \
        }                                                                    \
    }

DEFINE_QUANTILES(vs_quantiles_double, double, select_double)
DEFINE_QUANTILES(vs_quantiles_int64, int64_t, select_int64)

double vs_quantile_double(double *a, size_t n, double p)
{
    double out;
    vs_quantiles_double(a, n, &p, 1, &out);
    return out;
}

double vs_quantile_int64(int64_t *a, size_t n, double p)
{
    double out;
    vs_quantiles_int64(a, n, &p, 1, &out);
    return out;
}

void vs_hist_range(double vmin, double vmax, double *lo, double *width,
                   double *inv_width)
{
    double spread = vmax - vmin;
    if (!(spread > 0)) /* a constant pilot: a narrow window around it */
        spread = fmax(1.0, 1e-6 * fabs(vmin));
    *lo = vmin - 0.5 * spread;
    *width = 2.0 * spread / VS_HIST_BUCKETS;
    *inv_width = 1.0 / *width;
}

void vs_hist_init(vs_hist *h, const double *v, size_t n)
{
    memset(h, 0, sizeof *h);
    double lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    vs_hist_range(lo, hi, &h->lo, &h->width, &h->inv_width);
}

/* The r-th smallest value (0-based), spreading a bucket's count evenly;
 * and the type-7 quantile from it, for counts of type T. */
#define DEFINE_HIST_QUANTILE(ORDER, QUANTILE, T)                             \
    static double ORDER(const T *b, size_t buckets, double lo, double width, \
                        uint64_t r)                                          \
    {                                                                        \
        if (r < b[0])                                                        \
            return lo;                                                       \
        uint64_t seen = b[0];                                                \
        for (size_t i = 0; i < buckets; i++) {                               \
            T c = b[i + 1];                                                  \
            if (r < seen + c)                                                \
                return lo + width * ((double)i + ((double)(r - seen) + 0.5) / \
                                                     (double)c);             \
            seen += c;                                                       \
        }                                                                    \
        return lo + width * (double)buckets;                                 \
    }                                                                        \
    double QUANTILE(const T *b, size_t buckets, double lo, double width,     \
                    double p)                                                \
    {                                                                        \
        uint64_t count = 0;                                                  \
        for (size_t i = 0; i < buckets + 2; i++)                             \
            count += b[i];                                                   \
        if (count == 0)                                                      \
            return NAN;                                                      \
        double index = p * (double)(count - 1);                              \
        uint64_t lhs = (uint64_t)index;                                      \
        double delta = index - (double)lhs;                                  \
        double x = ORDER(b, buckets, lo, width, lhs);                        \
        if (delta == 0.0 || lhs + 1 >= count)                                \
            return x;                                                        \
        return (1 - delta) * x + delta * ORDER(b, buckets, lo, width, lhs + 1); \
    }

DEFINE_HIST_QUANTILE(order_stat, vs_hist_quantile_of, uint32_t)
DEFINE_HIST_QUANTILE(order_stat16, vs_hist_quantile_of16, uint16_t)

double vs_hist_quantile(const vs_hist *h, double p)
{
    return vs_hist_quantile_of(h->b, VS_HIST_BUCKETS, h->lo, h->width, p);
}

/* ---- exact sums ------------------------------------------------------ */

__extension__ typedef unsigned __int128 u128;

#define XSUM_MASK 0xffffffffLL
/* 2^30 adds of at most 2^32 - 1 each stay inside an int64 limb. */
#define XSUM_MAX_PENDING (1 << 30)

void vs_xsum_init(vs_xsum *x)
{
    memset(x, 0, sizeof *x);
}

void vs_xsum_normalise(vs_xsum *x)
{
    int64_t carry = 0;
    for (size_t i = 0; i + 1 < VS_XSUM_LIMBS; i++) {
        int64_t v = x->limb[i] + carry;
        /* floor division by 2^32, for negative v too */
        carry = v >> 32;
        x->limb[i] = v & XSUM_MASK;
    }
    x->limb[VS_XSUM_LIMBS - 1] += carry;
    x->pending = 0;
}

void vs_xsum_add(vs_xsum *x, double v)
{
    if (!isfinite(v)) {
        x->nonfinite = 1;
        return;
    }
    if (v == 0)
        return;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int neg = (int)(bits >> 63);
    int e = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    if (e == 0)
        e = 1; /* subnormal: m x 2^-1074 */
    else
        m |= UINT64_C(1) << 52;
    /* v = m x 2^(e - 1075); bit 0 of limb 0 is 2^-1074 */
    unsigned p = (unsigned)(e - 1);
    size_t i = p / 32;
    u128 w = (u128)m << (p % 32);
    int64_t part[3] = {(int64_t)(w & XSUM_MASK), (int64_t)((w >> 32) & XSUM_MASK),
                       (int64_t)(w >> 64)};
    for (size_t t = 0; t < 3 && i + t < VS_XSUM_LIMBS; t++)
        x->limb[i + t] += neg ? -part[t] : part[t];
    if (++x->pending >= XSUM_MAX_PENDING)
        vs_xsum_normalise(x);
}

void vs_xsum_merge(vs_xsum *x, const vs_xsum *y)
{
    vs_xsum t = *y;
    vs_xsum_normalise(&t);
    vs_xsum_normalise(x);
    for (size_t i = 0; i < VS_XSUM_LIMBS; i++)
        x->limb[i] += t.limb[i];
    x->nonfinite |= t.nonfinite;
    vs_xsum_normalise(x);
}

double vs_xsum_value(const vs_xsum *in)
{
    if (in->nonfinite)
        return NAN;
    vs_xsum x = *in;
    vs_xsum_normalise(&x);
    int neg = x.limb[VS_XSUM_LIMBS - 1] < 0;
    if (neg) { /* two's complement over the limbs: the magnitude */
        int64_t carry = 1;
        for (size_t i = 0; i < VS_XSUM_LIMBS; i++) {
            int64_t v = (~x.limb[i] & XSUM_MASK) + carry;
            carry = v >> 32;
            x.limb[i] = v & XSUM_MASK;
        }
    }
    int top = VS_XSUM_LIMBS - 1;
    while (top >= 0 && x.limb[top] == 0)
        top--;
    if (top < 0)
        return 0.0;
    /* The top 64 bits from the highest limbs, every lower bit folded into
     * a sticky bit: converting that to double rounds exactly as the whole
     * integer would (64 > 53 + 2 bits). */
    uint64_t hi = 0;
    int taken = 0, used = 0; /* bits in hi; limbs used */
    int lz = __builtin_clzll((unsigned long long)x.limb[top]) - 32;
    u128 acc = 0;
    for (int i = top; i >= 0 && used < 3; i--, used++)
        acc = (acc << 32) | (uint64_t)x.limb[i];
    taken = used * 32 - lz;          /* significant bits in acc */
    int shift = taken > 64 ? taken - 64 : 0;
    hi = (uint64_t)(acc >> shift);
    int sticky = shift > 0 && (acc & (((u128)1 << shift) - 1)) != 0;
    for (int i = top - used; i >= 0 && !sticky; i--)
        sticky = x.limb[i] != 0;
    hi |= (uint64_t)sticky;
    /* hi x 2^(bit of acc's lowest kept bit) */
    int low_limb = top - used + 1;
    int exp2 = low_limb * 32 - 1074 + shift;
    double r = ldexp((double)hi, exp2);
    return neg ? -r : r;
}
