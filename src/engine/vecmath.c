/* vecmath.c: four logarithms at a time (see vecmath.h).
 *
 * Why not glibc's log: the Theil index takes one log per centre and
 * variant, and glibc's, one call at a time, was a tenth of an iteration.
 * The same algorithm written on GCC's vector types runs four lanes per
 * instruction on AVX2 (about 1.7 ns per value against 4.5 here) and two
 * on plain x86-64.  GCC picks the loop's version when the program starts
 * (target_clones); both do the same IEEE operations in the same order, so
 * their results are identical, which test_vecmath checks against values
 * fixed in the test. */
#include "engine/vecmath.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef double v4d __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));

/* fdlibm's e_log.c: ln 2 in two parts, and the minimax polynomial for
 * (ln(1+f) - ln(1-f) - 2s) / s with s = f / (2 + f) on the reduced range. */
static const double ln2_hi = 6.93147180369123816490e-01, /* 3fe62e42 fee00000 */
    ln2_lo = 1.90821492927058770002e-10,                 /* 3dea39ef 35793c76 */
    Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
    Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
    Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
    Lg7 = 1.479819860511658591e-01;

/* ln x for four positive normal x.  x = 2^k m with m in [sqrt(2)/2,
 * sqrt(2)), found by moving the exponent so that the top word's mantissa
 * bits split at sqrt(2) (0x6a09e); then ln x = k ln 2 + ln(1 + f) with
 * f = m - 1, and ln(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)).  Lanes whose
 * x is out of that domain give garbage, which the caller replaces. */
static inline __attribute__((always_inline)) void log4(const v4d *xp, v4d *out)
{
    /* vectors pass by pointer: by value, a 32-byte vector's calling
     * convention differs between the AVX2 and the plain build */
    v4d x = *xp;
    v4u u;
    memcpy(&u, &x, sizeof u);
    v4u hx = (u >> 32) + (0x3ff00000 - 0x3fe6a09e);
    v4u e = hx >> 20; /* biased exponent of x, plus one when m < sqrt(2)/2 */
    v4u mu = (((hx & 0x000fffff) + 0x3fe6a09e) << 32) | (u & 0xffffffffu);
    v4d m;
    memcpy(&m, &mu, sizeof m);
    /* k = e - 1023 as a double: 2^52 + e has e in its low mantissa bits */
    v4u kb = e + UINT64_C(0x4330000000000000);
    v4d dk;
    memcpy(&dk, &kb, sizeof dk);
    dk = dk - (4503599627370496.0 + 1023.0);

    v4d f = m - 1.0;
    v4d hfsq = 0.5 * f * f;
    v4d s = f / (2.0 + f);
    v4d z = s * s;
    v4d w = z * z;
    v4d t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    v4d t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    v4d R = t2 + t1;
    /* fdlibm: dk ln2_hi - ((hfsq - (s (hfsq + R) + dk ln2_lo)) - f); the
     * same roundings, with the subtractions written as additions */
    *out = s * (hfsq + R) + dk * ln2_lo - hfsq + f + dk * ln2_hi;
}

static inline int log4_domain(double x)
{
    return x >= DBL_MIN && x <= DBL_MAX;
}

/* The loop's versions (see the top); test_vecmath defines this empty to
 * build the baseline one alone. */
#ifndef VS_VECMATH_CLONES
#define VS_VECMATH_CLONES VS_SIMD_CLONES
#endif

/* s x r where s > 0, else +0 (NaN s included), lane by lane: the
 * products of vs_vecmath_xlog. */
static inline __attribute__((always_inline)) void times_pos(const v4d *sp, v4d *r)
{
    const v4d zero = {0, 0, 0, 0};
    v4u pos = (v4u)(*sp > zero);
    v4d p = *sp * *r;
    v4u pb;
    memcpy(&pb, &p, sizeof pb);
    pb &= pos;
    memcpy(r, &pb, sizeof pb);
}

/* Whole blocks of four, and the tail padded with ones; with s, each
 * logarithm times s as times_pos says. */
VS_VECMATH_CLONES
static void log_blocks(const double *x, double *y, size_t n, const double *s)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v4d v;
        memcpy(&v, x + i, sizeof v);
        v4d r;
        log4(&v, &r);
        /* the lanes' domain test in one go; a lane outside is rare */
        const v4d lo = {DBL_MIN, DBL_MIN, DBL_MIN, DBL_MIN};
        const v4d hi = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
        v4u in = (v4u)(v >= lo) & (v4u)(v <= hi);
        if ((in[0] & in[1] & in[2] & in[3]) == 0)
            for (int l = 0; l < 4; l++)
                if (!log4_domain(v[l]))
                    r[l] = log(v[l]);
        if (s) {
            v4d sv;
            memcpy(&sv, s + i, sizeof sv);
            times_pos(&sv, &r);
        }
        memcpy(y + i, &r, sizeof r);
    }
    if (i < n) {
        v4d v = {1.0, 1.0, 1.0, 1.0}, sv = {0, 0, 0, 0};
        for (size_t l = 0; i + l < n; l++) {
            v[l] = x[i + l];
            sv[l] = s ? s[i + l] : 0.0;
        }
        v4d r;
        log4(&v, &r);
        for (size_t l = 0; i + l < n; l++)
            r[l] = log4_domain(v[l]) ? r[l] : log(v[l]);
        if (s)
            times_pos(&sv, &r);
        for (size_t l = 0; i + l < n; l++)
            y[i + l] = r[l];
    }
}

void vs_vecmath_log(const double *x, double *y, size_t n)
{
    log_blocks(x, y, n, NULL);
}

void vs_vecmath_xlog(const double *s, const double *x, double *y, size_t n)
{
    log_blocks(x, y, n, s);
}

/* fdlibm's e_exp.c: ln 2 in two parts, 1 / ln 2, and the minimax
 * polynomial R(r^2) of r (e^r + 1) / (e^r - 1) = 2 + r^2/6 - ... on
 * |r| <= ln(2) / 2. */
static const double exp_ln2_hi = 6.93147180369123816490e-01, /* 3fe62e42 fee00000 */
    exp_ln2_lo = 1.90821492927058770002e-10,                 /* 3dea39ef 35793c76 */
    exp_inv_ln2 = 1.44269504088896338700e+00,                /* 3ff71547 652b82fe */
    P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
    P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
    P5 = 4.13813679705723846039e-08;

/* e^x for four x with |x| <= 700.  x = k ln 2 + r, k the integer nearest
 * x / ln 2 (ties to even: adding and taking away 1.5 * 2^52 rounds), r =
 * hi - lo exactly enough; then fdlibm's e^r = 1 - ((lo - r c / (2 - c)) -
 * hi) with c = r - r^2 R(r^2), and the power 2^k put in by multiplying
 * (exact: 2^k and the result are normal numbers for |x| <= 700). */
static inline __attribute__((always_inline)) void exp4(const v4d *xp, v4d *out)
{
    v4d x = *xp;
    const double round_magic = 6755399441055744.0; /* 1.5 * 2^52 */
    v4d t = x * exp_inv_ln2 + round_magic;
    v4u tb;
    memcpy(&tb, &t, sizeof tb);
    v4d k = t - round_magic;
    v4d hi = x - k * exp_ln2_hi;
    v4d lo = k * exp_ln2_lo;
    v4d r = hi - lo;
    v4d rr = r * r;
    v4d c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    v4d y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    /* 2^k: k sits in the low bits of t's mantissa, as a two's complement
     * offset from the bits of 1.5 * 2^52 */
    v4u kbits = tb - UINT64_C(0x4338000000000000);
    v4u pbits = (kbits + 1023) << 52;
    v4d p2k;
    memcpy(&p2k, &pbits, sizeof p2k);
    *out = y * p2k;
}

static inline int exp4_domain(double x)
{
    return x >= -700.0 && x <= 700.0;
}

VS_VECMATH_CLONES
static void exp_blocks(const double *x, double *y, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v4d v, r;
        memcpy(&v, x + i, sizeof v);
        exp4(&v, &r);
        for (int l = 0; l < 4; l++)
            if (!exp4_domain(v[l]))
                r[l] = exp(v[l]);
        memcpy(y + i, &r, sizeof r);
    }
    if (i < n) {
        v4d v = {0.0, 0.0, 0.0, 0.0}, r;
        for (size_t l = 0; i + l < n; l++)
            v[l] = x[i + l];
        exp4(&v, &r);
        for (size_t l = 0; i + l < n; l++)
            y[i + l] = exp4_domain(v[l]) ? r[l] : exp(v[l]);
    }
}

void vs_vecmath_exp(const double *x, double *y, size_t n)
{
    exp_blocks(x, y, n);
}
