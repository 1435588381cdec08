/* vecmath.h: elementwise math over arrays, for the Monte Carlo loop.
 *
 * vs_vecmath_log is the Theil index's natural logarithm, about 6,900 calls
 * per iteration of the national bench.  It computes four values at a time
 * with fdlibm's algorithm (the one in FreeBSD's and musl's log before
 * 2018): error below 1 ulp, so it differs from glibc's log, which rounds
 * correctly in nearly every case, by at most 1 ulp.  The arithmetic is
 * plain IEEE double additions, multiplications and one division per value,
 * never contracted into FMAs (the Makefile builds with
 * -ffp-contract=off), so every x86-64 gives the same bits, whether it
 * runs the AVX2 or the SSE2 version of the loop. */
#ifndef VARDSIM_VECMATH_H
#define VARDSIM_VECMATH_H

#include <stddef.h>
#include <stdint.h>

/* Functions whose loops are written on GCC's vector types get two
 * versions, AVX2 and the x86-64 baseline, and the program picks one when it
 * starts.  Where GCC cannot clone (not x86-64) the plain code runs, and
 * -DVS_NO_CLONES builds it alone (make simd-test compares the two). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(VS_NO_CLONES)
#define VS_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VS_SIMD_CLONES
#endif

/* Four lanes of double and of int64 (GCC vector types), and helpers the
 * vector loops share.  Vectors pass by pointer: by value, a 32-byte
 * vector's calling convention differs between the AVX2 and the plain
 * build. */
typedef double vs_v4d __attribute__((vector_size(32)));
typedef int64_t vs_v4i __attribute__((vector_size(32)));

/* Biggest |x| vs_v4_i2d converts (2^51 öre is 22 500 billion SEK). */
#define VS_V4_I2D_MAX (INT64_C(1) << 51)

/* (double)x of four int64 with |x| < VS_V4_I2D_MAX, exactly, without a
 * conversion instruction (AVX2 has none for int64): x added to the bits of
 * the double 2^52 + 2^51 lands in its mantissa, and subtracting 2^52 +
 * 2^51 leaves x. */
static inline __attribute__((always_inline)) void vs_v4_i2d(const vs_v4i *x, vs_v4d *out)
{
    vs_v4i bits = *x + INT64_C(0x4338000000000000);
    __builtin_memcpy(out, &bits, sizeof *out);
    *out -= 6755399441055744.0; /* 2^52 + 2^51 */
}

/* y[i] = ln(x[i]) for i < n.  x and y may be the same array.  Values that
 * are not positive normal numbers (0, subnormal, negative, infinite, NaN)
 * get C's log. */
void vs_vecmath_log(const double *x, double *y, size_t n);

/* y[i] = s[i] > 0 ? s[i] x ln(x[i]) : 0 (NaN s too) for i < n, the log as
 * vs_vecmath_log's and the product in the same pass: the terms
 * s_i ln(s_i N / n_i) of the Theil index.  x and y may be the same array. */
void vs_vecmath_xlog(const double *s, const double *x, double *y, size_t n);

/* y[i] = e^x[i] for i < n, fdlibm's algorithm (error below 1 ulp; within
 * 1 ulp of glibc's exp).  x and y may be the same array.  |x| > 700 (near
 * overflow and underflow), infinities and NaN get C's exp. */
void vs_vecmath_exp(const double *x, double *y, size_t n);

#endif
