/* quantile.h: quantiles without a full sort.
 *
 * Exact type-7 quantiles (R's default, GSL's
 * gsl_stats_quantile_from_sorted_data) by selection, and a streaming
 * equal-width histogram (calibrated on a pilot sample) for per-centre
 * quantiles when storing every value would take too much memory. */
#ifndef VARDSIM_QUANTILE_H
#define VARDSIM_QUANTILE_H

#include <stddef.h>
#include <stdint.h>

/* Type-7 quantile p of a[0..n) (n >= 1, no NaN); reorders a.  Result equals
 * gsl_stats_quantile_from_sorted_data on the sorted array. */
double vs_quantile_double(double *a, size_t n, double p);
double vs_quantile_int64(int64_t *a, size_t n, double p);

/* Several quantiles at once (cheaper than one call each when ps ascend). */
void vs_quantiles_double(double *a, size_t n, const double *ps, size_t k,
                         double *out);
void vs_quantiles_int64(int64_t *a, size_t n, const double *ps, size_t k,
                        double *out);

/* Streaming histogram for per-centre quantiles when storing every value
 * would take too much memory.  Its range is calibrated on a pilot sample
 * (the first iterations, kept exactly): the pilot's min..max widened by
 * half its spread on each side, cut into VS_HIST_BUCKETS equal buckets, with
 * one bucket below and one above for values outside.  A quantile is
 * estimated by spreading each bucket's count evenly over its width, so its
 * error is at most one bucket width (2 x pilot range / VS_HIST_BUCKETS)
 * while it falls inside the range.  Counts are integers and the range
 * depends only on the pilot, so the result does not depend on the order
 * values arrive in. */
#define VS_HIST_BUCKETS 512

/* Counts: b[0] below the range, b[1 + i] bucket i, b[VS_HIST_BUCKETS + 1]
 * at or above its top. */
#define VS_HIST_SLOTS (VS_HIST_BUCKETS + 2)

typedef struct vs_hist {
    double lo, width;    /* bucket i covers [lo + i w, lo + (i + 1) w) */
    double inv_width;    /* 1 / width: the hot path multiplies */
    uint32_t b[VS_HIST_SLOTS];
} vs_hist;

/* Calibrate an empty histogram on pilot values v[0..n) (n >= 1). */
void vs_hist_init(vs_hist *h, const double *v, size_t n);

/* The calibration of vs_hist_init from the pilot's smallest and largest
 * values alone (all it uses): lo and width of the buckets, and 1 / width.
 * vs_hist_init(h, v, n) sets h->lo, h->width, h->inv_width to exactly
 * these of min(v), max(v). */
void vs_hist_range(double vmin, double vmax, double *lo, double *width,
                   double *inv_width);

/* The slot of b that value v counts in, for a histogram with this lo and
 * inv_width.  Split from vs_hist_add so the Monte Carlo loop can find the
 * slots where the values are in cache (a few bytes per value) and count
 * them later where the histograms are (see sim.c). */
static inline unsigned vs_hist_slot(double lo, double inv_width, double v)
{
    double x = (v - lo) * inv_width;
    if (x < 0)
        return 0;
    if (x >= VS_HIST_BUCKETS)
        return VS_HIST_BUCKETS + 1;
    return (unsigned)x + 1;
}

static inline void vs_hist_add(vs_hist *h, double v)
{
    h->b[vs_hist_slot(h->lo, h->inv_width, v)]++;
}

/* Type-7 quantile estimate (NAN when empty).  When the rank falls among
 * the values outside the range, the nearest edge is returned. */
double vs_hist_quantile(const vs_hist *h, double p);

/* The same estimate on any equal-width histogram: counts b[0] below,
 * b[1 + i] bucket i of `buckets`, b[buckets + 1] at or above the top. */
double vs_hist_quantile_of(const uint32_t *b, size_t buckets, double lo,
                           double width, double p);
/* The same on 16-bit counts (histograms of at most 65,535 values). */
double vs_hist_quantile_of16(const uint16_t *b, size_t buckets, double lo,
                             double width, double p);

/* Exact sum of doubles (a "superaccumulator"): every finite double is a
 * signed integer times a power of two between 2^-1074 and 2^1023, so a
 * fixed-point integer of VS_XSUM_LIMBS 32-bit limbs holds any sum of
 * them exactly.  The sum therefore does not depend on the order the
 * values are added in, nor on how they were split into partial sums
 * (shards, threads): vs_xsum_value gives the same double, correctly
 * rounded, however the values were grouped.  Limbs are kept in int64 so
 * that up to 2^30 values add without a carry (vs_xsum_add normalises
 * when it gets there); a non-finite value makes the sum NAN. */
#define VS_XSUM_LIMBS 68

typedef struct vs_xsum {
    int64_t limb[VS_XSUM_LIMBS]; /* limb i holds multiples of 2^(32 i - 1074) */
    int32_t pending;             /* adds since the last normalisation */
    int32_t nonfinite;           /* a non-finite value was added */
} vs_xsum;

void vs_xsum_init(vs_xsum *x);
void vs_xsum_add(vs_xsum *x, double v);
/* x += y (both sums of any values). */
void vs_xsum_merge(vs_xsum *x, const vs_xsum *y);
/* Carry every limb into [0, 2^32) but the top one, which keeps the sign:
 * the one representation of the sum (partial files store it so). */
void vs_xsum_normalise(vs_xsum *x);
/* The sum rounded to the nearest double (ties to even; +-HUGE_VAL past
 * DBL_MAX, NAN after a non-finite value). */
double vs_xsum_value(const vs_xsum *x);

#endif
