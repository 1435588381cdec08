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

void vs_hist_init(vs_hist *h, const double *v, size_t n)
{
    memset(h, 0, sizeof *h);
    double lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    double spread = hi - lo;
    if (!(spread > 0)) /* a constant pilot: a narrow window around it */
        spread = fmax(1.0, 1e-6 * fabs(lo));
    h->lo = lo - 0.5 * spread;
    h->width = 2.0 * spread / VS_HIST_BUCKETS;
    h->inv_width = 1.0 / h->width;
}

/* The r-th smallest value (0-based), spreading a bucket's count evenly. */
static double order_stat(const vs_hist *h, uint64_t r)
{
    if (r < h->b[0])
        return h->lo;
    uint64_t seen = h->b[0];
    for (size_t i = 0; i < VS_HIST_BUCKETS; i++) {
        uint32_t c = h->b[i + 1];
        if (r < seen + c)
            return h->lo + h->width * ((double)i + ((double)(r - seen) + 0.5) /
                                                      (double)c);
        seen += c;
    }
    return h->lo + h->width * VS_HIST_BUCKETS;
}

double vs_hist_quantile(const vs_hist *h, double p)
{
    uint64_t count = 0;
    for (size_t i = 0; i < VS_HIST_SLOTS; i++)
        count += h->b[i];
    if (count == 0)
        return NAN;
    double index = p * (double)(count - 1);
    uint64_t lhs = (uint64_t)index;
    double delta = index - (double)lhs;
    double x = order_stat(h, lhs);
    if (delta == 0.0 || lhs + 1 >= count)
        return x;
    return (1 - delta) * x + delta * order_stat(h, lhs + 1);
}
